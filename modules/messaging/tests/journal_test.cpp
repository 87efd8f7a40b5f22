// Durability: what survives a restart of the embedded broker, and a torn journal.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace wb::messaging;
using namespace wb::messaging::test;
namespace fs = std::filesystem;

namespace {

class MessagingJournal : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir = fs::temp_directory_path() /
              ("wb-messaging-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               "-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    BrokerOptions options() const
    {
        BrokerOptions o;
        o.dataDir = dir;
        return o;
    }

    static std::vector<std::string> bodies(Channel &ch, const std::string &queue)
    {
        std::vector<std::string> out;
        while (auto d = ch.basicGet(queue, true))
            out.push_back(d->message.body);
        return out;
    }

    static bool hasQueue(const Broker &b, const std::string &name)
    {
        for (const auto &q : b.listQueues())
            if (q.name == name)
                return true;
        return false;
    }

    static bool hasExchange(const Broker &b, const std::string &name)
    {
        for (const auto &e : b.listExchanges())
            if (e.name == name)
                return true;
        return false;
    }

    fs::path dir;
};

TEST_F(MessagingJournal, RestartKeepsExactlyWhatRabbitMqKeeps)
{
    {
        Broker broker(options());
        ASSERT_EQ(broker.journalError(), "");
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->exchangeDeclare("integers", ExchangeType::Direct, durableExchange(true));
        ch->exchangeDeclare("scratch", ExchangeType::Fanout, durableExchange(false));
        ch->queueDeclare("odds", queueFlags(true));
        ch->queueDeclare("transient", queueFlags(false));
        ch->queueBind("odds", "integers", "odd");
        ch->queueBind("transient", "integers", "odd");
        ch->basicPublish("integers", "odd", textMessage("persistent-1", 2));
        ch->basicPublish("integers", "odd", textMessage("transient-1", 1));
        ch->basicPublish("integers", "odd", textMessage("persistent-2", 2));
        // An acked persistent message is gone for good.
        ch->basicPublish("", "odds", textMessage("acked", 2));
        auto d = ch->basicGet("odds"); // persistent-1, left unacked: comes back
        ASSERT_TRUE(d);
        EXPECT_EQ(d->message.body, "persistent-1");
    }
    Broker broker(options());
    EXPECT_TRUE(hasExchange(broker, "integers"));
    EXPECT_FALSE(hasExchange(broker, "scratch"));
    EXPECT_TRUE(hasQueue(broker, "odds"));
    EXPECT_FALSE(hasQueue(broker, "transient"));
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    // The binding survived: new messages still reach odds.
    ch->basicPublish("integers", "odd", textMessage("after", 1));
    EXPECT_EQ(bodies(*ch, "odds"),
              (std::vector<std::string>{"persistent-1", "persistent-2", "acked", "after"}));
    EXPECT_EQ(broker.stats().recovered, 3u);
}

TEST_F(MessagingJournal, AckedMessagesDoNotComeBack)
{
    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->queueDeclare("q", queueFlags(true));
        for (int i = 0; i < 4; ++i)
            ch->basicPublish("", "q", textMessage(std::to_string(i), 2));
        ch->basicConsume("q", "c");
        for (int i = 0; i < 2; ++i) {
            auto d = ch->nextDelivery(kWait);
            ASSERT_TRUE(d);
            ch->basicAck(d->deliveryTag);
        }
    }
    Broker broker(options());
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    EXPECT_EQ(bodies(*ch, "q"), (std::vector<std::string>{"2", "3"}));
}

TEST_F(MessagingJournal, InProcessRestartMatchesANewBroker)
{
    Broker broker(options());
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    ch->queueDeclare("durable", queueFlags(true));
    ch->queueDeclare("gone", queueFlags(false));
    ch->basicPublish("", "durable", textMessage("p", 2));
    ch->basicPublish("", "durable", textMessage("t", 1));
    broker.restart();
    EXPECT_FALSE(conn->isOpen());
    EXPECT_FALSE(hasQueue(broker, "gone"));
    auto conn2 = broker.connect();
    auto ch2 = conn2->openChannel();
    EXPECT_EQ(bodies(*ch2, "durable"), std::vector<std::string>{"p"});
}

TEST_F(MessagingJournal, DeletedQueueAndPurgeStayDeleted)
{
    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->queueDeclare("a", queueFlags(true));
        ch->queueDeclare("b", queueFlags(true));
        ch->basicPublish("", "a", textMessage("1", 2));
        ch->basicPublish("", "b", textMessage("2", 2));
        ch->queuePurge("a");
        ch->queueDelete("b");
    }
    Broker broker(options());
    EXPECT_TRUE(hasQueue(broker, "a"));
    EXPECT_FALSE(hasQueue(broker, "b"));
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    EXPECT_TRUE(bodies(*ch, "a").empty());
}

TEST_F(MessagingJournal, TornLastRecordIsIgnored)
{
    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->queueDeclare("q", queueFlags(true));
        ch->basicPublish("", "q", textMessage("kept", 2));
        ch->basicPublish("", "q", textMessage("torn", 2));
    }
    const auto path = dir / Journal::kFileName;
    const auto size = fs::file_size(path);
    fs::resize_file(path, size - 3); // the writer died inside the last record
    const auto image = Journal::load(path);
    EXPECT_GT(image.ignoredBytes, 0u);
    ASSERT_EQ(image.messages.size(), 1u);
    EXPECT_EQ(image.messages[0].message.body, "kept");

    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->basicPublish("", "q", textMessage("later", 2));
    }
    // The rewrite dropped the torn bytes, so records written afterwards are readable.
    Broker broker(options());
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    EXPECT_EQ(bodies(*ch, "q"), (std::vector<std::string>{"kept", "later"}));
}

TEST_F(MessagingJournal, CorruptRecordStopsTheReplay)
{
    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->queueDeclare("q", queueFlags(true));
        ch->basicPublish("", "q", textMessage("good", 2));
        ch->basicPublish("", "q", textMessage("flipped", 2));
    }
    const auto path = dir / Journal::kFileName;
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);
    f.put('X'); // one byte of the last payload changed: its CRC no longer matches
    f.close();
    const auto image = Journal::load(path);
    ASSERT_EQ(image.messages.size(), 1u);
    EXPECT_EQ(image.messages[0].message.body, "good");
}

TEST_F(MessagingJournal, MessagePropertiesSurvive)
{
    Message m = textMessage("body", 2);
    m.properties.headers = {{"s", std::string("v")}, {"i", std::int64_t{-3}}, {"b", true}};
    m.properties.messageId = "id";
    m.properties.timestamp = 1234;
    m.properties.correlationId = "c";
    m.properties.replyTo = "r";
    {
        Broker broker(options());
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->queueDeclare("q", queueFlags(true));
        ch->basicPublish("", "q", m);
    }
    Broker broker(options());
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    auto d = ch->basicGet("q", true);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message, m);
}

TEST(MessagingCrc32, KnownAnswer)
{
    EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u); // the standard check value
}

} // namespace
