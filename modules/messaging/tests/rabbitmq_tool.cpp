// A small helper for tests/rabbitmq_processes_test.py: what the CLI does not offer (queue
// depth, deleting what a test created), on the RabbitMQ transport.
//   rabbitmq_tool URL depth QUEUE                 prints "<ready> <consumers>"
//   rabbitmq_tool URL delete-queue QUEUE...
//   rabbitmq_tool URL delete-exchange EXCHANGE...
#include "messaging/core/client.h"

#include <iostream>
#include <string>

using namespace wb::messaging;

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::cerr << "usage: rabbitmq_tool URL depth|delete-queue|delete-exchange NAME...\n";
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
        for (int i = 3; i < argc; ++i) {
            if (command == "depth") {
                QueueFlags passive;
                passive.passive = true;
                const auto ok = ch->queueDeclare(argv[i], passive);
                std::cout << ok.messageCount << ' ' << ok.consumerCount << '\n';
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
