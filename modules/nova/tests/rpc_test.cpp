// rpc.cast / rpc.call on the embedded broker: bodies, reply correlation, timeout, RemoteError.
#include "nova/core/rpc.h"

#include "messaging/core/broker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace {

using namespace wb::nova;
namespace msg = wb::messaging;
using namespace std::chrono_literals;

// A callee on queue "echo": answers "echo" with its args, "fail" with a failure. Before each
// real reply it sends a stray one with another correlation id to the same reply exchange.
class EchoServer
{
public:
    explicit EchoServer(msg::Broker &broker, bool stray = true)
    {
        std::promise<void> ready;
        auto readyFuture = ready.get_future();
        m_thread = std::thread([this, &broker, stray, &ready] {
            auto conn = broker.connect("echo");
            auto in = conn->openChannel();
            auto out = conn->openChannel();
            declareControlExchange(*in);
            in->queueDeclare("echo");
            in->queueBind("echo", kControlExchange, "echo");
            in->basicConsume("echo");
            ready.set_value();
            RpcEndpoint rpc(*out, "echo");
            while (!m_stop) {
                auto d = in->nextDelivery(20ms);
                if (!d)
                    continue;
                in->basicAck(d->deliveryTag);
                ++m_received;
                auto req = decodeRequest(d->message.body);
                const auto &p = d->message.properties;
                if (!req || p.replyTo.empty())
                    continue;
                if (stray) {
                    msg::Message m;
                    m.body = encodeReply({{{"stray", true}}, false, {}, {}});
                    m.properties.correlationId = "not-" + p.correlationId;
                    out->basicPublish(p.replyTo, p.replyTo, m);
                }
                RpcReply r;
                if (req->method == "fail")
                    r = {{}, true, "NoValidHost", "All hosts have too many cores"};
                else
                    r.result = req->args;
                rpc.reply(7, "caller", p.replyTo, p.correlationId, req->method, r);
            }
            conn->close();
        });
        readyFuture.wait();
    }
    ~EchoServer()
    {
        m_stop = true;
        m_thread.join();
    }
    int received() const { return m_received; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_received{0};
    std::thread m_thread;
};

} // namespace

TEST(novaRpc, RequestAndReplyBodiesRoundTrip)
{
    RpcRequest r{"run_instance",
                 {{"topic", std::string("compute")},
                  {"instance_id", std::int64_t{1}},
                  {"flag", true},
                  {"quote", std::string("a\"b\\c\n")}},
                 {{"user", std::string("admin")}},
                 "abc"};
    const std::string body = encodeRequest(r);
    EXPECT_NE(body.find("\"method\":\"run_instance\""), std::string::npos);
    EXPECT_NE(body.find("\"_context_user\":\"admin\""), std::string::npos);
    EXPECT_NE(body.find("\"_msg_id\":\"abc\""), std::string::npos);
    auto back = decodeRequest(body);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->method, "run_instance");
    EXPECT_EQ(back->args, r.args);
    EXPECT_EQ(back->context, r.context);
    EXPECT_EQ(back->msgId, "abc");

    const RpcReply ok{{{"address", std::string("10.0.0.3")}}, false, {}, {}};
    auto okBack = decodeReply(encodeReply(ok));
    ASSERT_TRUE(okBack);
    EXPECT_FALSE(okBack->failed);
    EXPECT_EQ(okBack->result, ok.result);
    EXPECT_EQ(encodeReply({{}, true, "QuotaError", "too many"}),
              "{\"result\":null,\"failure\":{\"type\":\"QuotaError\",\"value\":\"too many\"}}");
    EXPECT_FALSE(decodeRequest("{\"args\":{}}"));
    EXPECT_FALSE(decodeReply("{\"result\":null"));
    EXPECT_EQ(newMsgId().size(), 32u);
    EXPECT_TRUE(isUuid4Hex(newMsgId()));
    EXPECT_NE(newMsgId(), newMsgId());
}

TEST(novaRpc, CallGetsItsOwnReplyAndIgnoresAStrayOne)
{
    msg::Broker broker;
    EchoServer server(broker);
    auto conn = broker.connect("caller");
    auto ch = conn->openChannel();
    declareControlExchange(*ch);
    std::vector<RpcLeg> legs;
    RpcEndpoint rpc(*ch, "caller", [&](const RpcLeg &l) { legs.push_back(l); });
    for (std::int64_t i = 1; i <= 3; ++i) {
        RpcArgs result = rpc.call(5, "echo", "echo", {"echo", {{"i", i}}, {}, {}}, 5s);
        EXPECT_EQ(rpcInt(result, "i"), i);
        EXPECT_FALSE(result.count("stray"));
    }
    ASSERT_EQ(legs.size(), 3u);
    EXPECT_EQ(legs[0].kind, "call");
    EXPECT_EQ(legs[0].routingKey, "echo");
    EXPECT_EQ(legs[0].msgId.size(), 32u);
    EXPECT_TRUE(isUuid4Hex(legs[0].msgId)) << legs[0].msgId;
    EXPECT_NE(legs[0].body.find("\"_msg_id\":\"" + legs[0].msgId + "\""), std::string::npos);
    EXPECT_NE(legs[0].msgId, legs[1].msgId);
    // The private reply queues and exchanges are gone after each call.
    for (const auto &q : broker.listQueues())
        EXPECT_EQ(q.name, "echo");
    for (const auto &e : broker.listExchanges())
        EXPECT_NE(e.name, legs[0].msgId);
}

TEST(novaRpc, CalleeFailureIsRaisedAsRemoteError)
{
    msg::Broker broker;
    EchoServer server(broker, false);
    auto conn = broker.connect("caller");
    auto ch = conn->openChannel();
    declareControlExchange(*ch);
    RpcEndpoint rpc(*ch, "caller");
    try {
        rpc.call(5, "echo", "echo", {"fail", {}, {}, {}}, 5s);
        FAIL() << "no RemoteError";
    } catch (const RemoteError &e) {
        EXPECT_EQ(e.type(), "NoValidHost");
        EXPECT_EQ(e.value(), "All hosts have too many cores");
    }
}

TEST(novaRpc, CallWithoutACalleeTimesOut)
{
    msg::Broker broker;
    auto conn = broker.connect("caller");
    auto ch = conn->openChannel();
    declareControlExchange(*ch);
    RpcEndpoint rpc(*ch, "caller");
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(rpc.call(5, "network", "network", {"allocate_fixed_ip", {}, {}, {}}, 200ms),
                 RpcTimeout);
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 10s);
    EXPECT_TRUE(ch->isOpen());
}

TEST(novaRpc, CastDoesNotWait)
{
    msg::Broker broker;
    EchoServer server(broker);
    auto conn = broker.connect("caller");
    auto ch = conn->openChannel();
    declareControlExchange(*ch);
    RpcEndpoint rpc(*ch, "caller");
    rpc.cast(2, "echo", "echo", {"echo", {{"x", std::int64_t{1}}}, {}, {}});
    for (int i = 0; i < 500 && server.received() == 0; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server.received(), 1);
}
