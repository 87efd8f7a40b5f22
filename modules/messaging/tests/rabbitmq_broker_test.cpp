// The rabbitmq-c transport against a RabbitMQ node: runs only when WB_RABBITMQ_URL names
// one (CTest's `rabbitmq` fixture starts a private node and sets it).
#include "messaging/core/client.h"
#include "messaging/core/scenario.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <unistd.h>

using namespace wb::messaging;

namespace {

std::optional<BrokerUrl> brokerFromEnvironment()
{
    const char *text = std::getenv("WB_RABBITMQ_URL");
    if (!text || !*text)
        return std::nullopt;
    return BrokerUrl::parse(text);
}

TEST(MessagingRabbitMq, OddEvenScenarioOnARealBroker)
{
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    OddEvenOptions o;
    o.count = 1000;
    o.seed = 5;
    const auto r = runOddEvenScenario([&](const std::string &) { return connectTo(*url); }, o);
    EXPECT_EQ(r.published, 1000u);
    EXPECT_EQ(r.odds + r.evens, 1000u);
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.duplicates, 0u);
    EXPECT_EQ(r.misrouted, 0u);
    EXPECT_TRUE(r.confirmed);
    // The scenario's names are fixed; leave the node as it was.
    auto conn = connectTo(*url);
    auto ch = conn->openChannel();
    ch->queueDelete("odds");
    ch->queueDelete("evens");
    ch->exchangeDelete("integers");
}

TEST(MessagingRabbitMq, ChannelErrorsMatchTheEmbeddedBroker)
{
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    auto conn = connectTo(*url);
    auto ch = conn->openChannel();
    try {
        Message m;
        m.body = "1";
        ch->basicPublish("wb-no-such-exchange", "k", m);
        ch->waitForConfirms(std::chrono::seconds(5)); // the error arrives asynchronously
        ch->queueDeclare("wb-probe");
        FAIL() << "publish to a missing exchange went unnoticed";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound);
    }
    EXPECT_FALSE(ch->isOpen());
    auto ch2 = conn->openChannel();
    QueueFlags durable;
    durable.durable = true;
    ch2->queueDeclare("wb-probe-406", durable);
    try {
        ch2->queueDeclare("wb-probe-406", QueueFlags{});
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
    }
    auto ch3 = conn->openChannel();
    ch3->queueDelete("wb-probe-406");
}

TEST(MessagingRabbitMq, TwoThreadsUseTwoChannelsOfOneConnection)
{
    // The interface's threading rule: one thread per channel, the connection shared.
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    const std::string queue = "wb-threads-" + std::to_string(::getpid());
    auto conn = connectTo(*url);
    auto consumer = conn->openChannel();
    auto producer = conn->openChannel();
    consumer->queueDeclare(queue, QueueFlags{});
    consumer->basicQos(50);
    consumer->basicConsume(queue, "threads");
    constexpr int kCount = 2000;
    bool confirmed = false;
    std::thread publish([&] {
        producer->confirmSelect();
        for (int i = 0; i < kCount; ++i) {
            Message m;
            m.body = std::to_string(i);
            producer->basicPublish("", queue, m);
        }
        confirmed = producer->waitForConfirms(std::chrono::seconds(30));
    });
    std::set<std::string> bodies;
    std::thread consume([&] {
        while (bodies.size() < kCount) {
            auto d = consumer->nextDelivery(std::chrono::seconds(10));
            if (!d)
                break;
            bodies.insert(d->message.body);
            consumer->basicAck(d->deliveryTag);
        }
    });
    publish.join();
    consume.join();
    EXPECT_TRUE(confirmed);
    EXPECT_EQ(bodies.size(), static_cast<std::size_t>(kCount));
    consumer->basicCancel("threads");
    EXPECT_EQ(producer->queueDelete(queue), 0u);
}

} // namespace
