// Durability: what survives a restart of the embedded broker, and a torn journal.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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
        dir =
            fs::temp_directory_path() /
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

TEST_F(MessagingJournal, CorruptLastRecordIsSkipped)
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
    EXPECT_EQ(image.records, 2u); // the queue and "good"
    ASSERT_EQ(image.skipped.size(), 1u);
    EXPECT_EQ(image.skipped[0].offset + image.skipped[0].length, fs::file_size(path));
}

// --- damage anywhere: recovery around it, counted -------------------------------------------

std::string readAll(const fs::path &path)
{
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void writeAll(const fs::path &path, const std::string &bytes)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::uint32_t le32(const std::string &b, std::size_t at)
{
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
    return v;
}

// Where each record of an intact version-2 file starts, walked here from the framing the
// header documents (magic D3 4A 57 02, length, CRC, payload), not through the reader.
std::vector<std::size_t> recordOffsets(const std::string &b)
{
    std::vector<std::size_t> at;
    for (std::size_t pos = 0; pos + 12 <= b.size(); pos += 12 + le32(b, pos + 4)) {
        EXPECT_EQ(b.substr(pos, 4), std::string("\xD3\x4A\x57\x02", 4)) << "at " << pos;
        at.push_back(pos);
    }
    return at;
}

class MessagingJournalDamage : public MessagingJournal
{
protected:
    // A durable queue "q" and persistent messages m0..m9: 11 records.
    void SetUp() override
    {
        MessagingJournal::SetUp();
        {
            Broker broker(options());
            auto conn = broker.connect();
            auto ch = conn->openChannel();
            ch->queueDeclare("q", queueFlags(true));
            for (int i = 0; i < 10; ++i)
                ch->basicPublish("", "q", textMessage("m" + std::to_string(i), 2));
        }
        path = dir / Journal::kFileName;
        intact = readAll(path);
        offsets = recordOffsets(intact);
        ASSERT_EQ(offsets.size(), 11u);
    }

    std::size_t recordSize(std::size_t i) const
    {
        return (i + 1 < offsets.size() ? offsets[i + 1] : intact.size()) - offsets[i];
    }

    static std::vector<std::string> bodiesOf(const JournalImage &image)
    {
        std::vector<std::string> out;
        for (const auto &m : image.messages)
            out.push_back(m.message.body);
        return out;
    }

    static std::vector<std::string> allBut(int missing)
    {
        std::vector<std::string> out;
        for (int i = 0; i < 10; ++i)
            if (i != missing)
                out.push_back("m" + std::to_string(i));
        return out;
    }

    fs::path path;
    std::string intact;
    std::vector<std::size_t> offsets;
};

TEST_F(MessagingJournalDamage, IntactFileIsReadWhole)
{
    const auto image = Journal::parse(intact);
    EXPECT_TRUE(image.readWhole());
    EXPECT_EQ(image.version, 2);
    EXPECT_EQ(image.records, 11u);
    EXPECT_EQ(bodiesOf(image), allBut(-1));
}

// One flipped byte early, in the middle and late, in each part of a record: exactly that
// record is lost, every one after it is recovered, and the skipped range is that record.
TEST_F(MessagingJournalDamage, OneFlippedByteLosesOneRecord)
{
    // (record, byte within it): magic, length, CRC, payload start, payload end.
    for (const std::size_t record : {1u, 5u, 10u}) {
        for (const std::size_t within :
             {std::size_t{0}, std::size_t{3}, std::size_t{5}, std::size_t{9}, std::size_t{12},
              recordSize(record) - 1}) {
            std::string damaged = intact;
            damaged[offsets[record] + within] ^= 0x40;
            const auto image = Journal::parse(damaged);
            SCOPED_TRACE("record " + std::to_string(record) + ", byte " + std::to_string(within));
            EXPECT_EQ(image.records, 10u);
            EXPECT_EQ(bodiesOf(image), allBut(static_cast<int>(record) - 1));
            ASSERT_EQ(image.skipped.size(), 1u);
            EXPECT_EQ(image.skipped[0].offset, offsets[record]);
            EXPECT_EQ(image.skipped[0].length, recordSize(record));
            EXPECT_EQ(image.ignoredBytes, recordSize(record));
        }
    }
}

TEST_F(MessagingJournalDamage, TwoDamagedRecordsAreTwoRanges)
{
    std::string damaged = intact;
    damaged[offsets[2] + 6] ^= 0x01;  // a length
    damaged[offsets[7] + 14] ^= 0x01; // a payload
    const auto image = Journal::parse(damaged);
    EXPECT_EQ(image.records, 9u);
    ASSERT_EQ(image.skipped.size(), 2u);
    EXPECT_EQ(image.skipped[0].offset, offsets[2]);
    EXPECT_EQ(image.skipped[1].offset, offsets[7]);
    EXPECT_EQ(image.recoverySummary(),
              "recovered 9 records, skipped " + std::to_string(recordSize(2) + recordSize(7)) +
                  " bytes at offsets " + std::to_string(offsets[2]) + " (" +
                  std::to_string(recordSize(2)) + " bytes), " + std::to_string(offsets[7]) + " (" +
                  std::to_string(recordSize(7)) + " bytes)");
}

TEST_F(MessagingJournalDamage, TruncatedTailAndAppendedGarbage)
{
    auto image = Journal::parse(intact.substr(0, intact.size() - 3));
    EXPECT_EQ(image.records, 10u);
    EXPECT_EQ(bodiesOf(image), allBut(9));
    ASSERT_EQ(image.skipped.size(), 1u);
    EXPECT_EQ(image.skipped[0].offset, offsets[10]);
    EXPECT_EQ(image.skipped[0].length, recordSize(10) - 3);

    std::string garbage(100, '\0');
    for (std::size_t i = 0; i < garbage.size(); ++i)
        garbage[i] = static_cast<char>(i * 37 + 11);
    image = Journal::parse(intact + garbage);
    EXPECT_EQ(image.records, 11u);
    ASSERT_EQ(image.skipped.size(), 1u);
    EXPECT_EQ(image.skipped[0].offset, intact.size());
    EXPECT_EQ(image.skipped[0].length, 100u);

    // Garbage in front of and between records is skipped up to the next magic.
    image = Journal::parse(garbage.substr(0, 7) + intact.substr(0, offsets[4]) +
                           garbage.substr(0, 5) + intact.substr(offsets[4]));
    EXPECT_EQ(image.records, 11u);
    ASSERT_EQ(image.skipped.size(), 2u);
    EXPECT_EQ(image.skipped[0].offset, 0u);
    EXPECT_EQ(image.skipped[0].length, 7u);
    EXPECT_EQ(image.skipped[1].offset, 7 + offsets[4]);
    EXPECT_EQ(image.skipped[1].length, 5u);
}

// Version 1 (length, CRC of the payload, payload; no magic), as journals were written before
// the magic: still read, and recovered around damage by its checksum alone.
TEST_F(MessagingJournalDamage, VersionOneFilesAreStillRead)
{
    std::string v1;
    std::vector<std::size_t> v1Offsets;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        const std::string payload = intact.substr(offsets[i] + 12, recordSize(i) - 12);
        v1Offsets.push_back(v1.size());
        const std::uint32_t header[2] = {static_cast<std::uint32_t>(payload.size()),
                                         crc32(payload.data(), payload.size())};
        for (std::uint32_t v : header)
            for (int k = 0; k < 4; ++k)
                v1.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
        v1 += payload;
    }
    auto image = Journal::parse(v1);
    EXPECT_TRUE(image.readWhole());
    EXPECT_EQ(image.version, 1);
    EXPECT_EQ(image.records, 11u);
    EXPECT_EQ(bodiesOf(image), allBut(-1));

    for (const std::size_t within : {std::size_t{0}, std::size_t{5}, std::size_t{10}}) {
        std::string damaged = v1;
        damaged[v1Offsets[5] + within] ^= 0x10; // length, CRC, payload of record 5
        image = Journal::parse(damaged);
        SCOPED_TRACE("byte " + std::to_string(within));
        EXPECT_EQ(image.version, 1);
        EXPECT_EQ(image.records, 10u);
        EXPECT_EQ(bodiesOf(image), allBut(4));
        ASSERT_EQ(image.skipped.size(), 1u);
        EXPECT_EQ(image.skipped[0].offset, v1Offsets[5]);
        EXPECT_EQ(image.skipped[0].length, v1Offsets[6] - v1Offsets[5]);
    }

    // A broker started on it rewrites it as version 2 (read whole: nothing kept aside).
    writeAll(path, v1);
    {
        Broker broker(options());
        EXPECT_EQ(broker.journalRecovery(), "");
    }
    image = Journal::load(path);
    EXPECT_EQ(image.version, 2);
    EXPECT_EQ(image.records, 11u);
}

// A broker on a damaged journal: recovers, keeps the original byte for byte under a dated
// name, says so, and writes a journal that reads whole.
TEST_F(MessagingJournalDamage, BrokerKeepsTheDamagedOriginalAside)
{
    std::string damaged = intact;
    damaged[offsets[3] + 13] ^= 0x02;
    writeAll(path, damaged);
    std::string note;
    {
        Broker broker(options());
        EXPECT_EQ(broker.journalError(), "");
        note = broker.journalRecovery();
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        EXPECT_EQ(bodies(*ch, "q"), allBut(2));
    }
    EXPECT_NE(note.find("recovered 10 records, skipped " + std::to_string(recordSize(3)) +
                        " bytes at offset " + std::to_string(offsets[3])),
              std::string::npos)
        << note;
    std::vector<fs::path> aside;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("messaging.journal.damaged-", 0) == 0)
            aside.push_back(e.path());
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_EQ(readAll(aside[0]), damaged);
    EXPECT_NE(note.find(aside[0].string()), std::string::npos) << note;
    EXPECT_TRUE(Journal::load(path).readWhole());

    // A second damaged start gets a name of its own, even within the same second.
    writeAll(path, damaged);
    {
        Broker broker(options());
    }
    int count = 0;
    for (const auto &e : fs::directory_iterator(dir))
        count += e.path().filename().string().rfind("messaging.journal.damaged-", 0) == 0;
    EXPECT_EQ(count, 2);
}

TEST_F(MessagingJournalDamage, ReadOnlyBrokerChangesNothing)
{
    std::string damaged = intact;
    damaged[offsets[6] + 20] ^= 0x08;
    writeAll(path, damaged);
    const auto before = fs::last_write_time(path);
    BrokerOptions o = options();
    o.readOnly = true;
    {
        Broker broker(o);
        EXPECT_NE(broker.journalRecovery().find("recovered 10 records"), std::string::npos);
        EXPECT_NE(broker.journalRecovery().find("left as it is"), std::string::npos);
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->basicPublish("", "q", textMessage("memory only", 2));
        EXPECT_EQ(broker.listQueues().at(0).ready, 10u);
    }
    EXPECT_EQ(readAll(path), damaged);
    EXPECT_EQ(fs::last_write_time(path), before);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);

    // No folder is made for a read-only broker.
    o.dataDir = dir / "not-there";
    {
        Broker broker(o);
    }
    EXPECT_FALSE(fs::exists(dir / "not-there"));
}

// A journal that cannot be read is not an empty one: the broker runs in memory, says why
// naming the file, and leaves it alone. (As root, permission bits do not stop a read, so a
// directory in the journal's place stands for "cannot be read"; the CLI test also runs the
// binary as an unprivileged user on a mode-000 file when it can.)
TEST_F(MessagingJournal, UnreadableJournalIsLeftAlone)
{
    const auto path = dir / Journal::kFileName;
    fs::create_directories(path / "inside");
    for (const bool readOnly : {false, true}) {
        BrokerOptions o = options();
        o.readOnly = readOnly;
        Broker broker(o);
        EXPECT_NE(broker.journalError().find(path.string()), std::string::npos)
            << broker.journalError();
        EXPECT_NE(broker.journalError().find("directory"), std::string::npos);
        EXPECT_TRUE(fs::is_directory(path / "inside"));
        EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    }
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
