// The embedded broker checked against RabbitMQ: one scripted session (declares, binds,
// publishes to every exchange type, mandatory returns, gets, consumes, acks, rejects, nacks,
// purge, and the channel errors 403/404/406/504) runs on both transports, and the two
// transcripts must be equal line by line. Needs WB_RABBITMQ_URL (CTest's private node).
#include "messaging/core/broker.h"
#include "messaging/core/client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace wb::messaging;
using namespace std::chrono_literals;

namespace {

std::optional<BrokerUrl> brokerFromEnvironment()
{
    const char *text = std::getenv("WB_RABBITMQ_URL");
    if (!text || !*text)
        return std::nullopt;
    return BrokerUrl::parse(text);
}

// Runs the script on one connection and writes what happened, with every name given
// without the run's unique prefix, so the transcripts of both brokers compare.
class Session
{
public:
    Session(Connection &conn, std::string prefix) : m_conn(conn), m_prefix(std::move(prefix))
    {
        m_ch = m_conn.openChannel();
    }

    std::string n(const std::string &logical) const { return m_prefix + logical; }
    const std::vector<std::string> &lines() const { return m_lines; }
    Channel &ch() { return *m_ch; }

    void note(std::string line) { m_lines.push_back(std::move(line)); }

    // One step: the operation, then a round trip, so an error the broker sends later (a
    // publish to a missing exchange, an ack of an unknown tag) belongs to this step on
    // RabbitMQ as it does on the embedded broker. A failed step reopens the channel after
    // checking that the closed one now answers 504.
    void step(const std::string &name, const std::function<void(Channel &)> &op)
    {
        try {
            op(*m_ch);
            barrier();
            note(name + ": ok");
        } catch (const AmqpError &e) {
            note(name + ": error " + std::to_string(e.code()) + " " +
                 std::string(replyCodeName(e.code())) +
                 (e.connectionLevel() ? " (connection)" : " (channel)") +
                 (m_ch->isOpen() ? ", channel still open" : ", channel closed"));
            note("  text: " + stripAll(e.replyText()));
            try {
                barrier();
                note("  next call: ok");
            } catch (const AmqpError &again) {
                note("  next call: error " + std::to_string(again.code()));
            }
            m_ch = m_conn.openChannel();
        }
    }

    void barrier()
    {
        ExchangeFlags passive;
        passive.passive = true;
        m_ch->exchangeDeclare("amq.direct", ExchangeType::Direct, passive);
    }

    std::string describe(const Delivery &d) const
    {
        std::ostringstream s;
        s << "body=" << d.message.body << " exchange=" << strip(d.exchange)
          << " key=" << strip(d.routingKey) << " redelivered=" << d.redelivered;
        return s.str();
    }

    // The reply text with the run's prefix taken out wherever it appears.
    std::string stripAll(std::string text) const
    {
        for (auto at = text.find(m_prefix); at != std::string::npos; at = text.find(m_prefix))
            text.replace(at, m_prefix.size(), "~");
        return text;
    }

    std::string strip(const std::string &name) const
    {
        return name.rfind(m_prefix, 0) == 0 ? "~" + name.substr(m_prefix.size()) : name;
    }

    // basic.get until empty; acks each and records it with the count left.
    void getAll(const std::string &queue)
    {
        while (auto d = m_ch->basicGet(n(queue))) {
            note("  get " + queue + ": " + describe(*d) +
                 " left=" + std::to_string(d->messageCount));
            m_ch->basicAck(d->deliveryTag);
        }
        note("  get " + queue + ": empty");
    }

private:
    Connection &m_conn;
    std::string m_prefix;
    std::unique_ptr<Channel> m_ch;
    std::vector<std::string> m_lines;
};

Message msg(const std::string &body, Headers headers = {})
{
    Message m;
    m.body = body;
    m.properties.contentType = "text/plain";
    m.properties.headers = std::move(headers);
    return m;
}

void runScript(Session &s)
{
    ExchangeFlags plain;
    QueueFlags transient;
    s.step("declare exchanges", [&](Channel &ch) {
        ch.exchangeDeclare(s.n("direct"), ExchangeType::Direct, plain);
        ch.exchangeDeclare(s.n("fanout"), ExchangeType::Fanout, plain);
        ch.exchangeDeclare(s.n("topic"), ExchangeType::Topic, plain);
        ch.exchangeDeclare(s.n("headers"), ExchangeType::Headers, plain);
    });
    s.step("redeclare direct with the same flags",
           [&](Channel &ch) { ch.exchangeDeclare(s.n("direct"), ExchangeType::Direct, plain); });
    s.step("declare queues", [&](Channel &ch) {
        for (const char *q : {"q1", "q2", "q3", "q4"}) {
            const auto ok = ch.queueDeclare(s.n(q), transient);
            s.note("  declared " + s.strip(ok.queue) +
                   " messages=" + std::to_string(ok.messageCount) +
                   " consumers=" + std::to_string(ok.consumerCount));
        }
    });
    s.step("bind", [&](Channel &ch) {
        ch.queueBind(s.n("q1"), s.n("direct"), "odd");
        ch.queueBind(s.n("q2"), s.n("direct"), "even");
        ch.queueBind(s.n("q1"), s.n("fanout"), "");
        ch.queueBind(s.n("q2"), s.n("fanout"), "ignored");
        ch.queueBind(s.n("q3"), s.n("topic"), "a.*.c");
        ch.queueBind(s.n("q4"), s.n("topic"), "a.#");
        ch.queueBind(
            s.n("q3"), s.n("headers"), "",
            {{"x-match", std::string("all")}, {"type", std::string("x")}, {"n", std::int64_t{1}}});
        ch.queueBind(
            s.n("q4"), s.n("headers"), "",
            {{"x-match", std::string("any")}, {"type", std::string("x")}, {"n", std::int64_t{2}}});
    });
    s.step("publish every kind", [&](Channel &ch) {
        ch.confirmSelect();
        ch.basicPublish(s.n("direct"), "odd", msg("1"));
        ch.basicPublish(s.n("direct"), "even", msg("2"));
        ch.basicPublish(s.n("direct"), "none", msg("dropped"));
        ch.basicPublish(s.n("direct"), "none", msg("returned-direct"), true);
        ch.basicPublish(s.n("fanout"), "whatever", msg("3"));
        ch.basicPublish(s.n("topic"), "a.b.c", msg("4"));
        ch.basicPublish(s.n("topic"), "a", msg("5"));
        ch.basicPublish(s.n("topic"), "a..c", msg("6"));
        ch.basicPublish(s.n("topic"), "x.y", msg("returned-topic"), true);
        ch.basicPublish(s.n("headers"), "",
                        msg("7", {{"type", std::string("x")}, {"n", std::int64_t{1}}}));
        ch.basicPublish(s.n("headers"), "",
                        msg("8", {{"type", std::string("y")}, {"n", std::int64_t{2}}}));
        ch.basicPublish(s.n("headers"), "", msg("returned-headers", {{"n", std::int64_t{1}}}),
                        true);
        Message full = msg("9", {{"h", std::string("v")}, {"i", std::int64_t{-5}}, {"b", true}});
        full.properties.deliveryMode = 2;
        full.properties.messageId = "id-9";
        full.properties.timestamp = 1700000000;
        full.properties.correlationId = "corr";
        full.properties.replyTo = "reply-queue";
        ch.basicPublish("", s.n("q1"), full); // the default exchange routes by queue name
        s.note(std::string("  confirmed: ") + (ch.waitForConfirms(10s) ? "yes" : "no"));
        auto returned = ch.takeReturned();
        std::sort(returned.begin(), returned.end(),
                  [](const auto &a, const auto &b) { return a.message.body < b.message.body; });
        for (const auto &r : returned)
            s.note("  returned " + std::to_string(r.replyCode) + " " + r.replyText + " " +
                   s.strip(r.exchange) + " " + r.routingKey + " " + r.message.body);
    });
    s.step("q1: reject with requeue, then ack", [&](Channel &ch) {
        auto d = ch.basicGet(s.n("q1"));
        s.note("  get q1: " + (d ? s.describe(*d) : std::string("empty")));
        ch.basicReject(d->deliveryTag, true);
        d = ch.basicGet(s.n("q1"));
        s.note("  get q1: " + s.describe(*d));
        ch.basicAck(d->deliveryTag);
        d = ch.basicGet(s.n("q1"));
        s.note("  get q1: " + s.describe(*d));
        ch.basicAck(d->deliveryTag);
        d = ch.basicGet(s.n("q1"));
        const auto &p = d->message.properties;
        s.note("  get q1: " + s.describe(*d) + " content_type=" + p.contentType +
               " mode=" + std::to_string(p.deliveryMode) + " id=" + p.messageId +
               " ts=" + std::to_string(p.timestamp) + " corr=" + p.correlationId +
               " reply_to=" + p.replyTo);
        for (const auto &[k, v] : p.headers)
            s.note("    header " + k + "=" + headerValueText(v));
        ch.basicAck(d->deliveryTag);
        s.getAll("q1");
    });
    s.step("q2: nack without requeue drops", [&](Channel &ch) {
        auto d = ch.basicGet(s.n("q2"));
        s.note("  get q2: " + s.describe(*d));
        ch.basicNack(d->deliveryTag, false, false);
        s.getAll("q2");
    });
    s.step("q3: gets", [&](Channel &) { s.getAll("q3"); });
    s.step("q4: consume, ack multiple, cancel", [&](Channel &ch) {
        ch.basicQos(10);
        const auto tag = ch.basicConsume(s.n("q4"), "c1");
        s.note("  consumer " + tag);
        std::uint64_t last = 0;
        while (auto d = ch.nextDelivery(last ? 500ms : 5000ms)) {
            s.note("  deliver q4: " + s.describe(*d) + " tag=" + std::to_string(d->deliveryTag));
            last = d->deliveryTag;
        }
        ch.basicAck(last, true);
        ch.basicCancel(tag);
    });
    s.step("q2: purge", [&](Channel &ch) {
        ch.basicPublish(s.n("direct"), "even", msg("10"));
        ch.basicPublish(s.n("direct"), "even", msg("12"));
        ch.basicPublish(s.n("fanout"), "", msg("14"));
        ch.waitForConfirms(10s);
        s.note("  purged " + std::to_string(ch.queuePurge(s.n("q2"))));
        const auto ok = ch.queueDeclare(s.n("q2"), QueueFlags{});
        s.note("  q2 messages=" + std::to_string(ok.messageCount));
    });
    s.step("unbind q1 from direct, publish odd", [&](Channel &ch) {
        ch.queueUnbind(s.n("q1"), s.n("direct"), "odd");
        ch.confirmSelect();
        ch.basicPublish(s.n("direct"), "odd", msg("returned-after-unbind"), true);
        ch.waitForConfirms(10s);
        for (const auto &r : ch.takeReturned())
            s.note("  returned " + std::to_string(r.replyCode) + " " + r.message.body);
    });

    // Errors.
    s.step("redeclare direct as fanout",
           [&](Channel &ch) { ch.exchangeDeclare(s.n("direct"), ExchangeType::Fanout, plain); });
    s.step("redeclare q1 durable", [&](Channel &ch) {
        QueueFlags durable;
        durable.durable = true;
        ch.queueDeclare(s.n("q1"), durable);
    });
    s.step("passive declare of a missing exchange", [&](Channel &ch) {
        ExchangeFlags passive;
        passive.passive = true;
        ch.exchangeDeclare(s.n("missing"), ExchangeType::Direct, passive);
    });
    s.step("passive declare of a missing queue", [&](Channel &ch) {
        QueueFlags passive;
        passive.passive = true;
        ch.queueDeclare(s.n("missing"), passive);
    });
    s.step("bind to a missing exchange",
           [&](Channel &ch) { ch.queueBind(s.n("q1"), s.n("missing"), "k"); });
    s.step("bind a missing queue",
           [&](Channel &ch) { ch.queueBind(s.n("missing"), s.n("direct"), "k"); });
    s.step("publish to a missing exchange", [&](Channel &ch) {
        ch.confirmSelect();
        ch.basicPublish(s.n("missing"), "k", msg("x"));
        ch.waitForConfirms(10s);
    });
    s.step("ack an unknown delivery tag", [&](Channel &ch) { ch.basicAck(999); });
    s.step("consume from a missing queue",
           [&](Channel &ch) { ch.basicConsume(s.n("missing"), "c2"); });
    s.step("declare a reserved amq. exchange",
           [&](Channel &ch) { ch.exchangeDeclare("amq.wb-test", ExchangeType::Direct, plain); });
    s.step("delete a non-empty queue if empty", [&](Channel &ch) {
        ch.basicPublish("", s.n("q3"), msg("keep"));
        ch.queueDelete(s.n("q3"), false, true);
    });
    s.step("delete a missing queue and exchange", [&](Channel &ch) {
        ch.queueDelete(s.n("missing"));
        ch.exchangeDelete(s.n("missing"));
    });
    s.step("clean up", [&](Channel &ch) {
        for (const char *q : {"q1", "q2", "q3", "q4"})
            s.note(std::string("  deleted ") + q + " with " +
                   std::to_string(ch.queueDelete(s.n(q))) + " messages");
        for (const char *e : {"direct", "fanout", "topic", "headers"})
            ch.exchangeDelete(s.n(e));
    });
}

TEST(MessagingRabbitMqCompare, ScriptedSessionMatchesTheEmbeddedBroker)
{
    const auto url = brokerFromEnvironment();
    if (!url)
        GTEST_SKIP() << "set WB_RABBITMQ_URL=amqp://... to run against RabbitMQ";
    const std::string prefix = "wb-cmp-" + std::to_string(::getpid()) + "-";

    Broker broker;
    auto embeddedConn = broker.connect("script");
    Session embedded(*embeddedConn, prefix);
    runScript(embedded);

    auto rabbitConn = connectTo(*url);
    Session rabbit(*rabbitConn, prefix);
    runScript(rabbit);

    const auto &a = embedded.lines();
    const auto &b = rabbit.lines();
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
        EXPECT_EQ(i < a.size() ? a[i] : "(missing)", i < b.size() ? b[i] : "(missing)")
            << "line " << i << " (embedded vs RabbitMQ)";

    // Both agreeing is not enough: the transcript must show what RabbitMQ is known to do.
    const auto has = [&](const std::string &line) {
        return std::find(b.begin(), b.end(), line) != b.end();
    };
    EXPECT_TRUE(has("redeclare direct as fanout: error 406 PRECONDITION_FAILED (channel), "
                    "channel closed"));
    EXPECT_TRUE(has("publish to a missing exchange: error 404 NOT_FOUND (channel), channel "
                    "closed"));
    EXPECT_TRUE(has("ack an unknown delivery tag: error 406 PRECONDITION_FAILED (channel), "
                    "channel closed"));
    EXPECT_TRUE(has("  next call: error 504"));
    EXPECT_TRUE(has("  confirmed: yes"));
    if (HasFailure() || std::getenv("WB_MESSAGING_SHOW_TRANSCRIPT"))
        for (const auto &line : b)
            std::cout << "rabbitmq| " << line << '\n';
    rabbitConn->close();
}

} // namespace
