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

// A name over 255 bytes cannot be an AMQP short string: refused before anything is sent, as
// std::invalid_argument (never a lost connection, which a caller would retry), and the
// channel and connection go on working. Confirms are tracked per sequence number.
TEST(MessagingRabbitMq, LongNamesAreRefusedBeforeSending)
{
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    auto conn = connectTo(*url);
    auto ch = conn->openChannel();
    const std::string tooLong(256, 'n');
    const std::string queue = "wb-it-" + std::to_string(::getpid()) + "-long";
    Message m;
    m.body = "1";
    const auto refused = [](auto &&call, const char *what) {
        try {
            call();
            ADD_FAILURE() << what << ": accepted";
        } catch (const std::invalid_argument &e) {
            EXPECT_NE(std::string(e.what()).find("longer than 255 bytes"), std::string::npos)
                << e.what();
        }
    };
    refused([&] { ch->exchangeDeclare(tooLong, ExchangeType::Direct); }, "exchange");
    refused([&] { ch->queueDeclare(tooLong); }, "queue");
    refused([&] { ch->queueBind(queue, "amq.direct", tooLong); }, "binding key");
    refused([&] { ch->basicPublish("", tooLong, m); }, "routing key");
    refused([&] { ch->basicConsume(queue, tooLong); }, "consumer tag");
    Message badId = m;
    badId.properties.messageId = tooLong;
    refused([&] { ch->basicPublish("", queue, badId); }, "message id");

    EXPECT_TRUE(ch->isOpen());
    EXPECT_EQ(ch->queueDeclare(queue).queue, queue);
    ch->confirmSelect();
    EXPECT_EQ(ch->basicPublish("", queue, m), 1u);
    EXPECT_EQ(ch->basicPublish("", queue, m), 2u);
    EXPECT_TRUE(ch->waitForConfirms(std::chrono::seconds(10)));
    EXPECT_TRUE(ch->unconfirmedSequences().empty());
    EXPECT_EQ(ch->queueDelete(queue), 2u);
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

TEST(MessagingRabbitMq, BatchedPublishesArriveWholeInOrderWithTheirProperties)
{
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    const std::string queue = "wb-batch-" + std::to_string(::getpid());
    auto conn = connectTo(*url);
    auto ch = conn->openChannel();
    ch->queueDeclare(queue, QueueFlags{});
    ch->confirmSelect();
    ch->setPublishBatching(true);
    // Bodies of every size class: empty, small, one frame exactly, and longer than the
    // broker's frame_max (128 KiB), which has to be cut into several body frames.
    std::vector<Message> sent;
    for (int i = 0; i < 3000; ++i) {
        Message m;
        switch (i % 500) {
        case 0:
            break;
        case 1:
            m.body.assign(300'000, static_cast<char>('a' + i % 26));
            break;
        case 2:
            m.body.assign(131'072 - 8, 'x');
            break;
        default:
            m.body = "message " + std::to_string(i);
        }
        m.properties.contentType = "text/plain";
        m.properties.deliveryMode = static_cast<std::uint8_t>(1 + i % 2);
        m.properties.messageId = "id-" + std::to_string(i);
        if (i % 3 == 0) {
            m.properties.headers = {
                {"n", std::int64_t{i}}, {"kind", std::string("batch")}, {"odd", i % 2 == 1}};
            m.properties.timestamp = 1'700'000'000 + i;
            m.properties.correlationId = "c" + std::to_string(i);
            m.properties.replyTo = "wb-replies";
        }
        EXPECT_EQ(ch->basicPublish("", queue, m), static_cast<std::uint64_t>(i + 1));
        sent.push_back(std::move(m));
    }
    // waitForConfirms sends what is still gathered in the client first.
    EXPECT_TRUE(ch->waitForConfirms(std::chrono::seconds(30)));
    EXPECT_EQ(ch->queueDeclare(queue, QueueFlags{.passive = true}).messageCount, sent.size());

    // A publish the broker refuses (no such exchange) closes the channel as without batching.
    ch->basicPublish("wb-no-such-exchange", "k", sent[3]);
    try {
        ch->waitForConfirms(std::chrono::seconds(10));
        ADD_FAILURE() << "a publish to a missing exchange was accepted";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound) << e.what();
    }

    auto reader = conn->openChannel();
    reader->basicConsume(queue, "batch", /*noAck=*/true);
    for (std::size_t i = 0; i < sent.size(); ++i) {
        auto d = reader->nextDelivery(std::chrono::seconds(10));
        ASSERT_TRUE(d) << "delivery " << i << " of " << sent.size() << " did not come";
        ASSERT_EQ(d->message.body.size(), sent[i].body.size()) << "delivery " << i;
        EXPECT_EQ(d->message, sent[i]) << "delivery " << i;
    }
    reader->basicCancel("batch");
    EXPECT_EQ(reader->queueDelete(queue), 0u);
}

} // namespace
