// The embedded broker's connections and channels: closing them as RabbitMQ does, and the
// Connection/Channel classes clients hold (each method runs under the broker lock).

#include "broker_state.h"

#include "messaging/core/events.h"
#include "workbench/core/typed_event.h"

#include <type_traits>
#include <utility>

namespace wb::messaging {

// --- closing ---------------------------------------------------------------------------------

// Closes a channel as RabbitMQ does: consumers cancelled, unacked deliveries requeued
// (redelivered) in their original order, auto-ack deliveries not yet taken lost.
void Broker::State::closeChannel(ChannelState &ch, int code, const std::string &text)
{
    if (!ch.open)
        return;
    ch.open = false;
    ch.closeCode = code;
    ch.closeText = text;
    const auto thread = static_cast<std::int32_t>(ch.connection->id);
    for (const auto &p : ch.inbox) {
        if (!p.noAck)
            continue;
        ++stats.dropped;
        if (trace)
            wb::record(
                trace,
                events::Drop{
                    .msg = p.seq, .queue = p.queue, .reason = "auto-ack lost", .channel = ch.id},
                "message " + std::to_string(p.seq) +
                    " lost: auto-ack delivery on a closed channel",
                thread);
    }
    ch.inbox.clear();
    std::vector<std::shared_ptr<QueueState>> touched;
    for (auto it = ch.unacked.rbegin(); it != ch.unacked.rend(); ++it) {
        if (!it->live)
            continue;
        touched.push_back(it->queue);
        settle(ch, *it, Settle::Requeue, "channel closed");
    }
    ch.unacked.clear();
    auto consumers = ch.consumers;
    for (auto &[tag, c] : consumers)
        removeConsumer(c, "channel closed");
    redispatch(touched);
    if (trace)
        wb::record(trace, events::ChannelClose{ch.id, code, text},
                   "channel " + std::to_string(ch.id) + " closed: " + std::to_string(code) + " " +
                       std::string(replyCodeName(code)),
                   thread);
    ch.arrived.notify_all();
}

void Broker::State::closeConnection(ConnectionState &conn, int code, const std::string &text)
{
    if (!conn.open)
        return;
    conn.open = false;
    conn.closeCode = code;
    conn.closeText = text;
    for (auto &ch : conn.channels)
        closeChannel(*ch, code, text);
    conn.channels.clear();
    std::vector<std::shared_ptr<QueueState>> exclusive;
    for (auto &[name, q] : queues)
        if (q->flags.exclusive && q->owner == conn.id)
            exclusive.push_back(q);
    for (auto &q : exclusive)
        removeQueue(q, "exclusive: owner connection closed");
    std::erase_if(connections, [&](const auto &c) { return c.get() == &conn; });
    if (trace)
        wb::record(trace, events::ConnectionClose{conn.id, conn.name, code},
                   "connection " + conn.name + " closed", static_cast<std::int32_t>(conn.id));
}

// A node going down: nothing of it reaches the journal.
void Broker::State::shutdown(const std::string &text)
{
    journal.close();
    auto all = connections;
    for (auto &c : all)
        closeConnection(*c, ConnectionForced, text);
}

void Broker::State::checkOpen(const ChannelState &ch) const
{
    if (ch.open)
        return;
    if (!ch.connection->open)
        throw AmqpError(ch.connection->closeCode, ch.connection->closeText, true);
    throw AmqpError(ChannelErrorCode, "channel " + std::to_string(ch.id) + " is closed (" +
                                          std::to_string(ch.closeCode) + " " +
                                          std::string(replyCodeName(ch.closeCode)) + " - " +
                                          ch.closeText + ")");
}

// --- the embedded transport ----------------------------------------------------------------

namespace {

using State = Broker::State;

class EmbeddedChannel final : public Channel
{
public:
    EmbeddedChannel(std::shared_ptr<State> s, std::shared_ptr<ChannelState> ch,
                    std::shared_ptr<ConnectionState> conn)
        : m_s(std::move(s)), m_ch(std::move(ch)), m_conn(std::move(conn))
    {}
    ~EmbeddedChannel() override
    {
        std::lock_guard lock(m_s->mutex);
        m_s->closeChannel(*m_ch, ReplySuccess, "closed by the client");
        std::erase(m_conn->channels, m_ch);
    }

    std::uint16_t id() const override { return m_ch->id; }
    bool isOpen() const override
    {
        std::lock_guard lock(m_s->mutex);
        return m_ch->open;
    }
    void close() override
    {
        std::lock_guard lock(m_s->mutex);
        m_s->closeChannel(*m_ch, ReplySuccess, "closed by the client");
    }

    void exchangeDeclare(const std::string &name, ExchangeType type, ExchangeFlags flags) override
    {
        run([&] { m_s->exchangeDeclare(*m_ch, name, type, flags); });
    }
    void exchangeDelete(const std::string &name, bool ifUnused) override
    {
        run([&] { m_s->exchangeDelete(name, ifUnused); });
    }
    QueueDeclareOk queueDeclare(const std::string &name, QueueFlags flags) override
    {
        return run([&] { return m_s->queueDeclare(*m_ch, name, flags); });
    }
    void queueBind(const std::string &queue, const std::string &exchange, const std::string &key,
                   const Headers &arguments) override
    {
        run([&] { m_s->queueBind(*m_ch, queue, exchange, key, arguments, true); });
    }
    void queueUnbind(const std::string &queue, const std::string &exchange, const std::string &key,
                     const Headers &arguments) override
    {
        run([&] { m_s->queueBind(*m_ch, queue, exchange, key, arguments, false); });
    }
    std::uint32_t queuePurge(const std::string &queue) override
    {
        return run([&] { return m_s->queuePurge(*m_ch, queue); });
    }
    std::uint32_t queueDelete(const std::string &queue, bool ifUnused, bool ifEmpty) override
    {
        return run([&] { return m_s->queueDelete(*m_ch, queue, ifUnused, ifEmpty); });
    }
    void basicQos(std::uint16_t prefetchCount) override
    {
        run([&] { m_s->setPrefetch(*m_ch, prefetchCount); });
    }
    void confirmSelect() override
    {
        run([&] { m_ch->confirm = true; });
    }
    std::uint64_t basicPublish(const std::string &exchange, const std::string &routingKey,
                               const Message &message, bool mandatory) override
    {
        return run([&] { return m_s->publish(*m_ch, exchange, routingKey, message, mandatory); });
    }
    bool waitForConfirms(std::chrono::milliseconds) override
    {
        // The embedded broker confirms inside basicPublish, after the journal write.
        return run([&] { return m_ch->confirm; });
    }
    void setPublishBatching(bool) override {}
    void flushPublishes() override {}
    std::vector<ReturnedMessage> takeReturned() override
    {
        std::lock_guard lock(m_s->mutex);
        return std::exchange(m_ch->returns, {});
    }
    std::string basicConsume(const std::string &queue, const std::string &consumerTag, bool noAck,
                             bool exclusive) override
    {
        return run([&] { return m_s->consume(*m_ch, queue, consumerTag, noAck, exclusive); });
    }
    void basicCancel(const std::string &consumerTag) override
    {
        run([&] { m_s->cancel(*m_ch, consumerTag); });
    }
    std::optional<Delivery> nextDelivery(std::chrono::milliseconds timeout) override
    {
        std::unique_lock lock(m_s->mutex);
        m_ch->arrived.wait_for(lock, timeout, [&] { return !m_ch->inbox.empty() || !m_ch->open; });
        if (m_ch->inbox.empty()) {
            m_s->checkOpen(*m_ch);
            return std::nullopt;
        }
        Delivery d = std::move(m_ch->inbox.front().delivery);
        m_ch->inbox.pop_front();
        return d;
    }
    std::optional<Delivery> basicGet(const std::string &queue, bool noAck) override
    {
        return run([&] { return m_s->get(*m_ch, queue, noAck); });
    }
    void basicAck(std::uint64_t deliveryTag, bool multiple) override
    {
        run([&] { m_s->ack(*m_ch, deliveryTag, multiple); });
    }
    void basicNack(std::uint64_t deliveryTag, bool multiple, bool requeue) override
    {
        run([&] { m_s->nack(*m_ch, deliveryTag, multiple, requeue, false); });
    }
    void basicReject(std::uint64_t deliveryTag, bool requeue) override
    {
        run([&] { m_s->nack(*m_ch, deliveryTag, false, requeue, true); });
    }

private:
    // Runs one method under the broker lock; a channel error closes the channel first.
    template <class F> std::invoke_result_t<F> run(F &&f)
    {
        std::lock_guard lock(m_s->mutex);
        m_s->checkOpen(*m_ch);
        try {
            return f();
        } catch (const AmqpError &e) {
            if (m_s->trace)
                wb::record(m_s->trace, events::Error{m_ch->id, e.code(), e.replyText()},
                           "channel " + std::to_string(m_ch->id) + " error: " + e.what(),
                           static_cast<std::int32_t>(m_conn->id));
            m_s->closeChannel(*m_ch, e.code(), e.replyText());
            throw;
        }
    }

    std::shared_ptr<State> m_s;
    std::shared_ptr<ChannelState> m_ch;
    std::shared_ptr<ConnectionState> m_conn;
};

class EmbeddedConnection final : public Connection
{
public:
    EmbeddedConnection(std::shared_ptr<State> s, std::shared_ptr<ConnectionState> conn)
        : m_s(std::move(s)), m_conn(std::move(conn))
    {}
    ~EmbeddedConnection() override { close(); }

    std::unique_ptr<Channel> openChannel() override
    {
        std::lock_guard lock(m_s->mutex);
        if (!m_conn->open)
            throw AmqpError(m_conn->closeCode, m_conn->closeText, true);
        auto ch = std::make_shared<ChannelState>();
        ch->id = m_conn->nextChannel++;
        ch->connection = m_conn.get();
        m_conn->channels.push_back(ch);
        if (m_s->trace)
            wb::record(m_s->trace, events::ChannelOpen{ch->id, m_conn->id},
                       "channel " + std::to_string(ch->id) + " opened",
                       static_cast<std::int32_t>(m_conn->id));
        return std::make_unique<EmbeddedChannel>(m_s, ch, m_conn);
    }
    bool isOpen() const override
    {
        std::lock_guard lock(m_s->mutex);
        return m_conn->open;
    }
    void close() override
    {
        std::lock_guard lock(m_s->mutex);
        m_s->closeConnection(*m_conn, ReplySuccess, "closed by the client");
    }
    std::string describe() const override { return "embedded"; }

private:
    std::shared_ptr<State> m_s;
    std::shared_ptr<ConnectionState> m_conn;
};

} // namespace

// --- Broker::connect -------------------------------------------------------------------------

std::unique_ptr<Connection> Broker::connect(std::string clientName)
{
    std::lock_guard lock(m_state->mutex);
    auto conn = std::make_shared<ConnectionState>();
    conn->id = m_state->nextConnection++;
    conn->name = clientName.empty() ? "client-" + std::to_string(conn->id) : clientName;
    m_state->connections.push_back(conn);
    if (m_state->trace)
        wb::record(m_state->trace, events::ConnectionOpen{conn->id, conn->name},
                   "connection " + conn->name + " opened", static_cast<std::int32_t>(conn->id));
    return std::make_unique<EmbeddedConnection>(m_state, conn);
}

} // namespace wb::messaging
