// A small helper for the tests against RabbitMQ (tests/rabbitmq_*_test.py): what the CLI
// does not offer (queue depth, transient objects and messages, deleting what a test created),
// on the RabbitMQ transport.
//   rabbitmq_tool URL depth QUEUE...               prints "<ready> <consumers>" per queue;
//                                                  exit 4 when a queue does not exist
//   rabbitmq_tool URL exists-exchange EXCHANGE     exit 0 if it exists, 4 if not
//   rabbitmq_tool URL declare-exchange EXCHANGE durable|transient       (type direct)
//   rabbitmq_tool URL declare-queue QUEUE durable|transient EXCHANGE KEY  (and binds it)
//   rabbitmq_tool URL publish EXCHANGE KEY COUNT persistent|transient PREFIX
//       bodies PREFIX-1 .. PREFIX-COUNT, with publisher confirms; exit 3 unless all confirmed
//   rabbitmq_tool URL delete-queue QUEUE...
//   rabbitmq_tool URL delete-exchange EXCHANGE...
#include "messaging/core/client.h"

#include <iostream>
#include <string>

using namespace wb::messaging;

namespace {

const char *const kUsage =
    "usage: rabbitmq_tool URL depth|delete-queue|delete-exchange NAME...\n"
    "       rabbitmq_tool URL exists-exchange NAME\n"
    "       rabbitmq_tool URL declare-exchange NAME durable|transient\n"
    "       rabbitmq_tool URL declare-queue NAME durable|transient EXCHANGE KEY\n"
    "       rabbitmq_tool URL publish EXCHANGE KEY COUNT persistent|transient PREFIX\n";

// The one-shot commands with a fixed number of arguments; false for an unknown command.
bool runFixed(Channel &ch, const std::string &command, int argc, char **argv, int &status)
{
    const auto want = [&](int n) {
        if (argc - 3 == n)
            return true;
        std::cerr << kUsage;
        status = 2;
        return false;
    };
    if (command == "exists-exchange") {
        if (!want(1))
            return true;
        ExchangeFlags passive;
        passive.passive = true;
        try {
            ch.exchangeDeclare(argv[3], ExchangeType::Direct, passive);
        } catch (const AmqpError &e) {
            if (e.code() != NotFound)
                throw;
            status = 4;
        }
        return true;
    }
    if (command == "declare-exchange") {
        if (!want(2))
            return true;
        ExchangeFlags flags;
        flags.durable = std::string(argv[4]) == "durable";
        ch.exchangeDeclare(argv[3], ExchangeType::Direct, flags);
        return true;
    }
    if (command == "declare-queue") {
        if (!want(4))
            return true;
        QueueFlags flags;
        flags.durable = std::string(argv[4]) == "durable";
        ch.queueDeclare(argv[3], flags);
        ch.queueBind(argv[3], argv[5], argv[6]);
        return true;
    }
    if (command == "publish") {
        if (!want(5))
            return true;
        const long count = std::stol(argv[5]);
        const std::string prefix = argv[7];
        Message m;
        m.properties.contentType = "text/plain";
        m.properties.deliveryMode = std::string(argv[6]) == "persistent" ? 2 : 1;
        ch.confirmSelect();
        for (long i = 1; i <= count; ++i) {
            m.body = prefix + "-" + std::to_string(i);
            ch.basicPublish(argv[3], argv[4], m);
        }
        if (!ch.waitForConfirms(std::chrono::seconds(30))) {
            std::cerr << "rabbitmq_tool: not every message was confirmed\n";
            status = 3;
        }
        return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::cerr << kUsage;
        return 2;
    }
    std::string error;
    const auto url = BrokerUrl::parse(argv[1], &error);
    if (!url) {
        std::cerr << "rabbitmq_tool: " << error << '\n';
        return 2;
    }
    const std::string command = argv[2];
    try {
        auto conn = connectTo(*url);
        auto ch = conn->openChannel();
        int status = 0;
        if (runFixed(*ch, command, argc, argv, status)) {
            ch->close();
            conn->close();
            return status;
        }
        for (int i = 3; i < argc; ++i) {
            if (command == "depth") {
                QueueFlags passive;
                passive.passive = true;
                try {
                    const auto ok = ch->queueDeclare(argv[i], passive);
                    std::cout << ok.messageCount << ' ' << ok.consumerCount << '\n';
                } catch (const AmqpError &e) {
                    if (e.code() != NotFound)
                        throw;
                    std::cerr << "rabbitmq_tool: no queue " << argv[i] << '\n';
                    return 4;
                }
            } else if (command == "delete-queue") {
                ch->queueDelete(argv[i]);
            } else if (command == "delete-exchange") {
                ch->exchangeDelete(argv[i]);
            } else {
                std::cerr << "rabbitmq_tool: unknown command " << command << '\n';
                return 2;
            }
        }
        ch->close();
        conn->close();
    } catch (const std::exception &e) {
        std::cerr << "rabbitmq_tool: " << e.what() << '\n';
        return 3;
    }
    return 0;
}
