// The rabbitmq-c transport. Failing to connect is checked everywhere; the rest needs a
// RabbitMQ node and runs only when WB_RABBITMQ_URL names one.
#include "messaging/core/client.h"
#include "messaging/core/scenario.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

using namespace wb::messaging;

namespace {

std::optional<BrokerUrl> brokerFromEnvironment()
{
    const char *text = std::getenv("WB_RABBITMQ_URL");
    if (!text || !*text)
        return std::nullopt;
    return BrokerUrl::parse(text);
}

TEST(MessagingRabbitMq, RefusedPortFailsQuicklyWithAClearMessage)
{
    // Port 1 on loopback: nothing listens there, the kernel refuses at once.
    auto url = BrokerUrl::parse("amqp://guest:guest@127.0.0.1:1/");
    ASSERT_TRUE(url);
    const auto start = std::chrono::steady_clock::now();
    try {
        connectTo(*url);
        FAIL() << "connected to a closed port";
    } catch (const ConnectionFailed &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("127.0.0.1:1"), std::string::npos) << what;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
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

} // namespace
