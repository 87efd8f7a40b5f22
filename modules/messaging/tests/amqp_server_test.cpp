// The embedded broker as an AMQP 0-9-1 server (messaging/core/amqp_server.h): the frame
// reader on good, truncated, oversized and garbage bytes; a server on an ephemeral loopback
// port driven by the module's own RabbitMQ transport (rabbitmq-c underneath) through
// declare/bind/publish/consume/ack/confirms; raw rabbitmq-c sessions for what the transport
// never sends (tx.select, malformed frames, a wrong protocol header).

#include "support.h"

#include "messaging/core/amqp_server.h"
#include "messaging/core/broker.h"
#include "messaging/core/client.h"
#include "messaging/core/events.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>

namespace wb::messaging {
namespace {

using namespace std::chrono_literals;
using test::textMessage;

// --- the frame reader ------------------------------------------------------------------------

std::string frame(std::uint8_t type, std::uint16_t channel, const std::string &payload)
{
    std::string f;
    f.push_back(static_cast<char>(type));
    f.push_back(static_cast<char>(channel >> 8));
    f.push_back(static_cast<char>(channel));
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int i = 3; i >= 0; --i)
        f.push_back(static_cast<char>(n >> (8 * i)));
    f += payload;
    f.push_back(static_cast<char>(0xCE));
    return f;
}

// channel.open: class 20, method 10, one empty short string.
const std::string kChannelOpen{"\x00\x14\x00\x0A\x00", 5};

TEST(AmqpFrameReader, ReadsAWholeFrameAndNothingMore)
{
    const std::string f = frame(1, 7, kChannelOpen) + "trailing";
    const auto r = wire::readFrame(f, 4096);
    ASSERT_EQ(r.status, wire::ReadStatus::Frame);
    EXPECT_EQ(r.frame.type, wire::FrameType::Method);
    EXPECT_EQ(r.frame.channel, 7);
    EXPECT_EQ(r.frame.payload, kChannelOpen);
    EXPECT_EQ(r.consumed, kChannelOpen.size() + 8);
    const auto c = wire::inspectFrame(r.frame);
    EXPECT_EQ(c.code, 0);
    EXPECT_EQ(c.method, AMQP_CHANNEL_OPEN_METHOD);
    EXPECT_TRUE(c.roundTrips);
}

TEST(AmqpFrameReader, EveryTruncationNeedsMore)
{
    const std::string f = frame(1, 1, kChannelOpen);
    for (std::size_t n = 0; n < f.size(); ++n)
        EXPECT_EQ(wire::readFrame(std::string_view(f).substr(0, n), 4096).status,
                  wire::ReadStatus::NeedMore)
            << n << " bytes";
}

TEST(AmqpFrameReader, OversizedFrameIsRefusedFromItsHeader)
{
    // Only the 7 header bytes: the announced size alone is enough to refuse it.
    std::string header = frame(3, 1, std::string(5000, 'x')).substr(0, 7);
    const auto r = wire::readFrame(header, 4096);
    ASSERT_EQ(r.status, wire::ReadStatus::Error);
    EXPECT_EQ(r.code, 501);
    EXPECT_NE(r.text.find("frame_max"), std::string::npos) << r.text;
    // Exactly frame_max is fine.
    const std::string exact = frame(3, 1, std::string(4096 - 8, 'x'));
    EXPECT_EQ(wire::readFrame(exact, 4096).status, wire::ReadStatus::Frame);
}

TEST(AmqpFrameReader, GarbageIsAFrameError)
{
    auto r = wire::readFrame("GET / HTTP/1.1\r\n", 4096);
    EXPECT_EQ(r.status, wire::ReadStatus::Error);
    EXPECT_EQ(r.code, 501);
    std::string badEnd = frame(1, 1, kChannelOpen);
    badEnd.back() = 'X';
    r = wire::readFrame(badEnd, 4096);
    EXPECT_EQ(r.status, wire::ReadStatus::Error);
    EXPECT_EQ(r.code, 501);
}

TEST(AmqpFrameReader, UndecodableAndUnknownMethods)
{
    const auto check = [](const std::string &payload) {
        const std::string bytes = frame(1, 1, payload);
        const auto r = wire::readFrame(bytes, 4096);
        EXPECT_EQ(r.status, wire::ReadStatus::Frame);
        return wire::inspectFrame(r.frame).code;
    };
    // basic.publish with its arguments cut short.
    EXPECT_EQ(check(std::string("\x00\x3C\x00\x28\x00", 5)), 502);
    // Class 99 does not exist.
    EXPECT_EQ(check(std::string("\x00\x63\x00\x01", 4)), 503);
    // Too short to hold a method id.
    EXPECT_EQ(check(std::string(1, '\0')), 502);
}

TEST(AmqpFrameReader, ProtocolHeader)
{
    EXPECT_EQ(wire::checkProtocolHeader(""), wire::HeaderCheck::NeedMore);
    EXPECT_EQ(wire::checkProtocolHeader("AMQ"), wire::HeaderCheck::NeedMore);
    EXPECT_EQ(wire::checkProtocolHeader(wire::kProtocolHeader), wire::HeaderCheck::Ok);
    EXPECT_EQ(wire::checkProtocolHeader(std::string_view("AMQP\x00\x00\x09\x00", 8)),
              wire::HeaderCheck::Wrong);
    EXPECT_EQ(wire::checkProtocolHeader("HTTP"), wire::HeaderCheck::Wrong);
}

// --- a server on an ephemeral port -----------------------------------------------------------

struct ServerFixture : ::testing::Test
{
    wb::Trace trace;
    std::unique_ptr<Broker> broker;
    std::unique_ptr<AmqpServer> server;

    void SetUp() override
    {
        BrokerOptions bo;
        bo.trace = &trace;
        broker = std::make_unique<Broker>(bo);
        AmqpServerOptions so;
        so.port = 0;
        so.frameMax = 16384; // small, so that bodies are split over several frames
        server = std::make_unique<AmqpServer>(*broker, so);
        server->start();
    }
    void TearDown() override
    {
        server->stop();
        server.reset();
        broker.reset();
    }

    BrokerUrl url() const
    {
        BrokerUrl u;
        u.host = "127.0.0.1";
        u.port = server->port();
        return u;
    }
    std::unique_ptr<Connection> connect(const std::string &name)
    {
        ConnectOptions o;
        o.clientName = name;
        o.heartbeatSeconds = 0;
        return connectTo(url(), o);
    }
    QueueInfo queue(const std::string &name) const
    {
        for (const auto &q : broker->listQueues())
            if (q.name == name)
                return q;
        return {};
    }
};

TEST_F(ServerFixture, OddEvenThroughTheSocketWithConfirmsAndAcks)
{
    auto producer = connect("producer");
    auto consumer = connect("consumer");
    auto pch = producer->openChannel();
    pch->exchangeDeclare("integers", ExchangeType::Direct, test::durableExchange());
    auto cch = consumer->openChannel();
    cch->queueDeclare("odds", test::queueFlags(true));
    cch->queueDeclare("evens", test::queueFlags(true));
    cch->queueBind("odds", "integers", "odd");
    cch->queueBind("evens", "integers", "even");
    cch->basicQos(50);
    const std::string oddTag = cch->basicConsume("odds");
    const std::string evenTag = cch->basicConsume("evens", "evens-consumer");
    EXPECT_EQ(evenTag, "evens-consumer");
    EXPECT_EQ(oddTag.rfind("amq.ctag-", 0), 0u) << oddTag;

    pch->confirmSelect();
    pch->setPublishBatching(true);
    const int n = 2000;
    for (int i = 1; i <= n; ++i) {
        Message m = textMessage(std::to_string(i), 2);
        m.properties.messageId = "int-" + std::to_string(i);
        m.properties.headers["n"] = std::int64_t{i};
        pch->basicPublish("integers", i % 2 ? "odd" : "even", m);
    }
    EXPECT_TRUE(pch->waitForConfirms(10s));
    EXPECT_TRUE(pch->unconfirmedSequences().empty());

    std::map<std::string, std::vector<int>> got;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    int count = 0;
    while (count < n && std::chrono::steady_clock::now() < deadline) {
        auto d = cch->nextDelivery(200ms);
        if (!d)
            continue;
        ++count;
        const int v = std::stoi(d->message.body);
        EXPECT_EQ(d->routingKey, v % 2 ? "odd" : "even");
        EXPECT_EQ(d->consumerTag, v % 2 ? oddTag : evenTag);
        EXPECT_EQ(d->message.properties.messageId, "int-" + std::to_string(v));
        EXPECT_EQ(d->message.properties.deliveryMode, 2);
        EXPECT_EQ(d->message.properties.contentType, "text/plain");
        EXPECT_EQ(std::get<std::int64_t>(d->message.properties.headers.at("n")), v);
        got[d->routingKey].push_back(v);
        cch->basicAck(d->deliveryTag);
    }
    ASSERT_EQ(count, n);
    ASSERT_EQ(got["odd"].size(), static_cast<std::size_t>(n / 2));
    for (std::size_t i = 0; i < got["odd"].size(); ++i)
        EXPECT_EQ(got["odd"][i], static_cast<int>(2 * i + 1)); // in order
    // The acks reach the broker: nothing is left unacked.
    for (int i = 0; i < 100 && queue("odds").unacked + queue("evens").unacked > 0; ++i)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(queue("odds").unacked, 0u);
    EXPECT_EQ(queue("evens").ready, 0u);
    EXPECT_EQ(broker->stats().acked, static_cast<std::uint64_t>(n));
    EXPECT_EQ(broker->stats().confirmed, static_cast<std::uint64_t>(n));

    // The trace names the connections after the clients, with their addresses.
    int named = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        if (trace[i].kind != "connection.open")
            continue;
        const auto open = *wb::as<events::ConnectionOpen>(trace[i]);
        EXPECT_NE(open.name.find("(127.0.0.1:"), std::string::npos) << open.name;
        named += open.name.rfind("producer (", 0) == 0 || open.name.rfind("consumer (", 0) == 0;
    }
    EXPECT_EQ(named, 2);
}

TEST_F(ServerFixture, GetNackRejectPurgeDeleteAndLargeBodies)
{
    auto conn = connect("session");
    auto ch = conn->openChannel();
    const auto declared = ch->queueDeclare("", test::queueFlags(false, true));
    EXPECT_EQ(declared.queue.rfind("amq.gen-", 0), 0u) << declared.queue;
    const std::string q = declared.queue;

    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(i * 7 + 3);
    ch->basicPublish("", q, textMessage(big));
    ch->basicPublish("", q, textMessage("two"));
    ch->basicPublish("", q, textMessage("three"));
    ch->basicPublish("", q, textMessage(""));

    auto d = ch->basicGet(q);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message.body, big); // 1 MiB over 16 KiB frames, both ways
    EXPECT_EQ(d->messageCount, 3u);
    ch->basicNack(d->deliveryTag, false, true); // back at the head, redelivered
    d = ch->basicGet(q);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->redelivered);
    EXPECT_EQ(d->message.body.size(), big.size());
    ch->basicReject(d->deliveryTag, false); // dropped
    d = ch->basicGet(q, true);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message.body, "two");
    EXPECT_EQ(ch->queuePurge(q), 2u);
    EXPECT_FALSE(ch->basicGet(q));
    ch->basicPublish("", q, textMessage("left"));
    EXPECT_EQ(ch->queueDelete(q), 1u);
    EXPECT_EQ(broker->listQueues().size(), 0u);
}

TEST_F(ServerFixture, ErrorsCloseTheChannelWithRabbitMqCodes)
{
    auto conn = connect("errors");
    auto ch = conn->openChannel();
    try {
        ch->queueDeclare("missing", [] {
            QueueFlags f;
            f.passive = true;
            return f;
        }());
        FAIL() << "passive declare of a missing queue";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound);
        EXPECT_NE(e.replyText().find("no queue 'missing'"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(ch->isOpen());
    auto ch2 = conn->openChannel();
    ch2->exchangeDeclare("x", ExchangeType::Direct);
    try {
        ch2->exchangeDeclare("x", ExchangeType::Fanout);
        FAIL() << "redeclare with another type";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
    }
    auto ch3 = conn->openChannel();
    try {
        ch3->exchangeDeclare("amq.mine", ExchangeType::Direct);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), AccessRefused);
    }
    // Publishing to a missing exchange: the error arrives with the next call.
    auto ch4 = conn->openChannel();
    ch4->basicPublish("nowhere", "k", textMessage("x"));
    EXPECT_THROW(
        {
            for (int i = 0; i < 50; ++i) {
                ch4->queueDeclare("fine", {});
                std::this_thread::sleep_for(10ms);
            }
        },
        AmqpError);
    // The connection survives its channels' errors.
    auto ch5 = conn->openChannel();
    EXPECT_EQ(ch5->queueDeclare("fine", {}).queue, "fine");
    // Mandatory and unroutable: returned, then confirmed.
    ch5->confirmSelect();
    ch5->basicPublish("", "no-such-queue", textMessage("back"), true);
    EXPECT_TRUE(ch5->waitForConfirms(5s));
    const auto returned = ch5->takeReturned();
    ASSERT_EQ(returned.size(), 1u);
    EXPECT_EQ(returned[0].replyCode, NoRoute);
    EXPECT_EQ(returned[0].message.body, "back");
}

TEST_F(ServerFixture, ChannelCloseRequeuesAndCancelStopsDeliveries)
{
    auto conn = connect("requeue");
    auto ch = conn->openChannel();
    ch->queueDeclare("work", {});
    for (int i = 0; i < 10; ++i)
        ch->basicPublish("", "work", textMessage(std::to_string(i)));
    auto consumerCh = conn->openChannel();
    consumerCh->basicQos(3);
    const std::string tag = consumerCh->basicConsume("work");
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(consumerCh->nextDelivery(5s));
    consumerCh->basicCancel(tag);
    consumerCh->close(); // three unacked go back
    for (int i = 0; i < 100 && queue("work").ready != 10; ++i)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(queue("work").ready, 10u);
    EXPECT_EQ(queue("work").consumers, 0u);
    auto d = ch->basicGet("work");
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->redelivered);
    EXPECT_EQ(d->message.body, "0");
}

// A client killed while holding deliveries: its connection's unacked messages are requeued.
TEST_F(ServerFixture, DroppedClientsDeliveriesAreRequeued)
{
    {
        auto conn = connect("doomed");
        auto ch = conn->openChannel();
        ch->queueDeclare("jobs", {});
        for (int i = 0; i < 20; ++i)
            ch->basicPublish("", "jobs", textMessage(std::to_string(i)));
        ch->basicConsume("jobs");
        ASSERT_TRUE(ch->nextDelivery(5s));
        const int fd = [&] {
            // The transport's socket: shut it down under the client, as a crash would.
            for (int f = 3; f < 1024; ++f) {
                sockaddr_in peer{};
                socklen_t len = sizeof peer;
                if (::getpeername(f, reinterpret_cast<sockaddr *>(&peer), &len) == 0 &&
                    ntohs(peer.sin_port) == server->port())
                    return f;
            }
            return -1;
        }();
        ASSERT_GE(fd, 0);
        ::shutdown(fd, SHUT_RDWR);
        for (int i = 0; i < 200 && server->connectionCount() > 0; ++i)
            std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(server->connectionCount(), 0u);
    EXPECT_EQ(queue("jobs").ready, 20u);
    EXPECT_EQ(queue("jobs").unacked, 0u);
}

// Broker::restart() closes every connection with 320; a client waiting for deliveries hears it.
TEST_F(ServerFixture, BrokerRestartClosesClientsWith320)
{
    auto conn = connect("waiting");
    auto ch = conn->openChannel();
    ch->queueDeclare("q", {});
    ch->basicConsume("q");
    broker->restart();
    try {
        for (int i = 0; i < 50; ++i)
            ch->nextDelivery(100ms);
        FAIL() << "no connection.close after the restart";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), ConnectionForced);
        EXPECT_TRUE(e.connectionLevel());
    }
    for (int i = 0; i < 200 && server->connectionCount() > 0; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server->connectionCount(), 0u);
    EXPECT_TRUE(connect("after")->openChannel()->isOpen());
}

// --- raw sessions ----------------------------------------------------------------------------

struct RawClient
{
    amqp_connection_state_t conn = amqp_new_connection();
    explicit RawClient(std::uint16_t port)
    {
        amqp_socket_t *s = amqp_tcp_socket_new(conn);
        EXPECT_EQ(amqp_socket_open(s, "127.0.0.1", port), AMQP_STATUS_OK);
        const auto r =
            amqp_login(conn, "/", 0, 16384, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest");
        EXPECT_EQ(r.reply_type, AMQP_RESPONSE_NORMAL);
        amqp_channel_open(conn, 1);
        EXPECT_EQ(amqp_get_rpc_reply(conn).reply_type, AMQP_RESPONSE_NORMAL);
    }
    ~RawClient() { amqp_destroy_connection(conn); }
    // The next method frame (heartbeats skipped), or 0.
    amqp_method_t nextMethod()
    {
        for (;;) {
            amqp_frame_t f;
            timeval tv{5, 0};
            if (amqp_simple_wait_frame_noblock(conn, &f, &tv) != AMQP_STATUS_OK)
                return {};
            if (f.frame_type == AMQP_FRAME_METHOD)
                return f.payload.method;
        }
    }
    bool closedByServer()
    {
        char c;
        const int fd = amqp_get_sockfd(conn);
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            return false;
        return ::recv(fd, &c, 1, 0) == 0;
    }
};

TEST_F(ServerFixture, TxSelectIsNotImplemented540)
{
    RawClient c(server->port());
    const auto *r = amqp_tx_select(c.conn, 1);
    EXPECT_EQ(r, nullptr);
    const auto reply = amqp_get_rpc_reply(c.conn);
    ASSERT_EQ(reply.reply_type, AMQP_RESPONSE_SERVER_EXCEPTION);
    ASSERT_EQ(reply.reply.id, AMQP_CONNECTION_CLOSE_METHOD);
    const auto *close = static_cast<amqp_connection_close_t *>(reply.reply.decoded);
    EXPECT_EQ(close->reply_code, 540);
    EXPECT_EQ(close->class_id, 90);
    EXPECT_EQ(close->method_id, 10);
}

TEST_F(ServerFixture, MalformedFramesCloseOnlyThatConnection)
{
    auto bystander = connect("bystander");
    auto bch = bystander->openChannel();
    bch->queueDeclare("still-here", {});

    const auto expectClose = [&](const std::string &bytes, int code) {
        RawClient c(server->port());
        const int fd = amqp_get_sockfd(c.conn);
        ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
        const auto m = c.nextMethod();
        ASSERT_EQ(m.id, AMQP_CONNECTION_CLOSE_METHOD) << "for code " << code;
        EXPECT_EQ(static_cast<amqp_connection_close_t *>(m.decoded)->reply_code, code);
    };
    expectClose(std::string("\x01\x00\x01garbage, not a frame", 23), 501); // size too big
    expectClose(frame(9, 1, "x"), 501);                                    // unknown type
    expectClose(frame(3, 1, std::string(20000, 'x')), 501);                // over frame_max
    expectClose(frame(1, 1, std::string("\x00\x3C\x00\x28\x00", 5)), 502); // cut publish
    expectClose(frame(2, 1, std::string(14, '\0')), 505); // header without publish
    // basic.qos on channel 5, never opened.
    expectClose(frame(1, 5, std::string("\x00\x3C\x00\x0A\x00\x00\x00\x00\x00\x01\x00", 11)), 504);

    // The broker and its other client went on.
    bch->basicPublish("", "still-here", textMessage("ok"));
    auto d = bch->basicGet("still-here", true);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message.body, "ok");
}

TEST_F(ServerFixture, WrongProtocolHeaderGetsTheServersHeaderBack)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    const std::string wrong("AMQP\x00\x00\x08\x00", 8);
    ASSERT_EQ(::send(fd, wrong.data(), wrong.size(), MSG_NOSIGNAL), 8);
    std::string got;
    char buf[64];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0)
            break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    EXPECT_EQ(got, std::string(wire::kProtocolHeader)); // then the server closed
}

TEST_F(ServerFixture, WrongPasswordIsRefused403)
{
    server->stop();
    AmqpServerOptions so;
    so.port = 0;
    so.user = "learner";
    so.password = "s3cret";
    server = std::make_unique<AmqpServer>(*broker, so);
    server->start();
    BrokerUrl u = url();
    u.user = "learner";
    u.password = "wrong";
    ConnectOptions o;
    o.timeout = 3s;
    EXPECT_THROW(connectTo(u, o), ConnectionFailed);
    u.password = "s3cret";
    auto ok = connectTo(u, o);
    EXPECT_TRUE(ok->isOpen());
}

TEST(AmqpServerOptionsTest, NonLoopbackNeedsALogin)
{
    Broker broker;
    AmqpServerOptions so;
    so.host = "0.0.0.0";
    EXPECT_THROW(AmqpServer(broker, so), std::invalid_argument);
    so.user = "u";
    so.password = "p";
    EXPECT_NO_THROW(AmqpServer(broker, so));
}

TEST(AmqpServerOptionsTest, BusyPortIsReported)
{
    Broker broker;
    AmqpServerOptions so;
    so.port = 0;
    AmqpServer first(broker, so);
    first.start();
    so.port = first.port();
    AmqpServer second(broker, so);
    try {
        second.start();
        FAIL() << "two servers on one port";
    } catch (const AmqpServerError &e) {
        EXPECT_EQ(e.errnoValue(), EADDRINUSE);
    }
}

// A consumer that never reads: the server stops delivering to it once its outbound buffer
// is full, so only a bounded part of the queue leaves the broker.
TEST(AmqpServerFlow, AClientThatStopsReadingIsNotFedWithoutBound)
{
    Broker broker;
    AmqpServerOptions so;
    so.port = 0;
    so.outboundLimit = 64 * 1024;
    AmqpServer server(broker, so);
    server.start();
    {
        auto local = broker.connect("filler");
        auto ch = local->openChannel();
        ch->queueDeclare("flood", {});
        const std::string body(1000, 'b');
        for (int i = 0; i < 20000; ++i) // 20 MB
            ch->basicPublish("", "flood", textMessage(body));
    }
    RawClient c(server.port());
    amqp_basic_consume(c.conn, 1, amqp_cstring_bytes("flood"), amqp_empty_bytes, 0, 1, 0,
                       amqp_empty_table);
    std::size_t most = 0;
    for (int i = 0; i < 30; ++i) { // 1.5 s in which the client reads nothing
        std::this_thread::sleep_for(50ms);
        most = std::max(most, server.outboundBytes());
    }
    // The limit, plus at most one pump batch (256 KiB) appended as it was reached.
    EXPECT_GT(most, 0u);
    EXPECT_LT(most, so.outboundLimit + 256 * 1024 + 16 * 1024);
    // Reading again, the client gets everything.
    int got = 0;
    while (got < 20000) {
        amqp_envelope_t env;
        timeval tv{5, 0};
        amqp_maybe_release_buffers(c.conn);
        if (amqp_consume_message(c.conn, &env, &tv, 0).reply_type != AMQP_RESPONSE_NORMAL)
            break;
        amqp_destroy_envelope(&env);
        ++got;
    }
    EXPECT_EQ(got, 20000);
}

} // namespace
} // namespace wb::messaging
