// The RabbitMQ transport's channel API: Channel and Connection over rabbitmq-c. Every call
// holds the connection's mutex, so channels of one connection may be used by different
// threads (one thread per channel).

#include "rabbitmq_connection.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace wb::messaging::rabbit {

namespace {

// An AMQP table pointing into a Headers map (which must outlive it).
class Table
{
public:
    explicit Table(const Headers &headers) : m_table(codec::tableFromHeaders(headers, m_entries))
    {}
    amqp_table_t get() const { return m_table; }

private:
    std::vector<amqp_table_entry_t> m_entries;
    amqp_table_t m_table;
};

class RabbitChannel final : public Channel
{
public:
    RabbitChannel(std::shared_ptr<ConnState> conn, std::shared_ptr<ChannelState> ch)
        : m_c(std::move(conn)), m_ch(std::move(ch))
    {}
    ~RabbitChannel() override
    {
        try {
            close();
        } catch (const std::exception &) {
            // The connection is gone; nothing left to close.
        }
    }

    std::uint16_t id() const override { return m_ch->id; }
    bool isOpen() const override
    {
        std::lock_guard lock(m_c->mutex);
        return m_ch->open && m_c->open;
    }
    void close() override
    {
        std::lock_guard lock(m_c->mutex);
        if (m_c->open)
            m_c->drain();
        if (!m_ch->open || !m_c->open) {
            m_ch->open = false;
            return;
        }
        const auto r = amqp_channel_close(m_c->conn, m_ch->id, AMQP_REPLY_SUCCESS);
        m_ch->open = false;
        m_ch->closeCode = ReplySuccess;
        m_ch->closeText = "closed by the client";
        m_ch->inbox.clear();
        m_c->channels.erase(m_ch->id);
        if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
            m_c->networkFailed(r.library_error);
        if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
            r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            const auto *m = static_cast<amqp_connection_close_t *>(r.reply.decoded);
            m_c->connectionClosedByBroker(m->reply_code, replyText(m->reply_code, m->reply_text));
            return;
        }
        if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
            r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            // The broker closed the channel while ours was under way: it now waits for our
            // close-ok before the channel number can be used again.
            amqp_channel_close_ok_t ok;
            std::memset(&ok, 0, sizeof ok);
            amqp_send_method(m_c->conn, m_ch->id, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        }
        amqp_maybe_release_buffers_on_channel(m_c->conn, m_ch->id);
    }

    void exchangeDeclare(const std::string &name, ExchangeType type, ExchangeFlags flags) override
    {
        checkShortString("the exchange name", name);
        const std::string typeName(exchangeTypeName(type));
        rpc([&] {
            amqp_exchange_declare(m_c->conn, m_ch->id, bytes(name), bytes(typeName), flags.passive,
                                  flags.durable, flags.autoDelete, flags.internal,
                                  amqp_empty_table);
        });
    }
    void exchangeDelete(const std::string &name, bool ifUnused) override
    {
        checkShortString("the exchange name", name);
        rpc([&] { amqp_exchange_delete(m_c->conn, m_ch->id, bytes(name), ifUnused); });
    }
    QueueDeclareOk queueDeclare(const std::string &name, QueueFlags flags) override
    {
        checkShortString("the queue name", name);
        QueueDeclareOk result;
        rpc([&] {
            const auto *ok =
                amqp_queue_declare(m_c->conn, m_ch->id, bytes(name), flags.passive, flags.durable,
                                   flags.exclusive, flags.autoDelete, amqp_empty_table);
            return [&result, ok] {
                result.queue = text(ok->queue);
                result.messageCount = ok->message_count;
                result.consumerCount = ok->consumer_count;
            };
        });
        return result;
    }
    void queueBind(const std::string &queue, const std::string &exchange, const std::string &key,
                   const Headers &arguments) override
    {
        checkNames(queue, exchange, key);
        Table args(arguments);
        rpc([&] {
            amqp_queue_bind(m_c->conn, m_ch->id, bytes(queue), bytes(exchange), bytes(key),
                            args.get());
        });
    }
    void queueUnbind(const std::string &queue, const std::string &exchange, const std::string &key,
                     const Headers &arguments) override
    {
        checkNames(queue, exchange, key);
        Table args(arguments);
        rpc([&] {
            amqp_queue_unbind(m_c->conn, m_ch->id, bytes(queue), bytes(exchange), bytes(key),
                              args.get());
        });
    }
    std::uint32_t queuePurge(const std::string &queue) override
    {
        checkShortString("the queue name", queue);
        std::uint32_t n = 0;
        rpc([&] {
            const auto *ok = amqp_queue_purge(m_c->conn, m_ch->id, bytes(queue));
            return [&n, ok] {
                n = ok->message_count;
            };
        });
        return n;
    }
    std::uint32_t queueDelete(const std::string &queue, bool ifUnused, bool ifEmpty) override
    {
        checkShortString("the queue name", queue);
        std::uint32_t n = 0;
        rpc([&] {
            const auto *ok =
                amqp_queue_delete(m_c->conn, m_ch->id, bytes(queue), ifUnused, ifEmpty);
            return [&n, ok] {
                n = ok->message_count;
            };
        });
        return n;
    }
    void basicQos(std::uint16_t prefetchCount) override
    {
        rpc([&] { amqp_basic_qos(m_c->conn, m_ch->id, 0, prefetchCount, 0); });
    }
    void confirmSelect() override
    {
        if (confirmMode())
            return;
        rpc([&] { amqp_confirm_select(m_c->conn, m_ch->id); });
        std::lock_guard lock(m_c->mutex);
        m_ch->confirm = true;
    }

    std::uint64_t basicPublish(const std::string &exchange, const std::string &routingKey,
                               const Message &message, bool mandatory) override
    {
        checkShortString("the exchange name", exchange);
        checkShortString("the routing key", routingKey);
        checkShortString("the content type", message.properties.contentType);
        checkShortString("the message id", message.properties.messageId);
        checkShortString("the correlation id", message.properties.correlationId);
        checkShortString("the reply-to address", message.properties.replyTo);
        std::lock_guard lock(m_c->mutex);
        m_c->checkOpen(*m_ch);
        const Properties &p = message.properties;
        amqp_basic_properties_t props;
        std::memset(&props, 0, sizeof props);
        props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
        props.delivery_mode = p.deliveryMode;
        if (!p.contentType.empty()) {
            props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
            props.content_type = bytes(p.contentType);
        }
        Table headers(p.headers);
        if (!p.headers.empty()) {
            props._flags |= AMQP_BASIC_HEADERS_FLAG;
            props.headers = headers.get();
        }
        if (!p.messageId.empty()) {
            props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
            props.message_id = bytes(p.messageId);
        }
        if (p.timestamp != 0) {
            props._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
            props.timestamp = static_cast<std::uint64_t>(p.timestamp);
        }
        if (!p.correlationId.empty()) {
            props._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
            props.correlation_id = bytes(p.correlationId);
        }
        if (!p.replyTo.empty()) {
            props._flags |= AMQP_BASIC_REPLY_TO_FLAG;
            props.reply_to = bytes(p.replyTo);
        }
        const bool batched = m_ch->batching && !m_c->tls;
        if (batched) {
            appendPublish(exchange, routingKey, mandatory, props, message.body);
        } else {
            const int status =
                amqp_basic_publish(m_c->conn, m_ch->id, bytes(exchange), bytes(routingKey),
                                   mandatory, 0, &props, bytes(message.body));
            if (status != AMQP_STATUS_OK) {
                ConnState::refuseOwnError(status);
                m_c->networkFailed(status);
            }
        }
        std::uint64_t seq = 0;
        if (m_ch->confirm) {
            seq = ++m_ch->publishSeq;
            m_ch->unconfirmed.insert(m_ch->unconfirmed.end(), seq);
        }
        // Take in confirms and returns as they come, so they never pile up unread; a batching
        // channel does so when its batch leaves.
        if (!batched || m_c->unsent.size() >= ConnState::kUnsentLimit)
            m_c->drain();
        return seq;
    }

    void setPublishBatching(bool on) override
    {
        std::lock_guard lock(m_c->mutex);
        m_ch->batching = on;
        if (!on)
            m_c->flushUnsent();
    }
    void flushPublishes() override
    {
        std::lock_guard lock(m_c->mutex);
        m_c->flushUnsent();
    }

    bool waitForConfirms(milliseconds timeout) override
    {
        const auto deadline = deadlineAfter(timeout);
        for (;;) {
            std::lock_guard lock(m_c->mutex);
            m_c->drain();
            m_c->checkOpen(*m_ch);
            if (!m_ch->confirm)
                return false;
            if (m_ch->unconfirmed.empty())
                return !std::exchange(m_ch->nacked, false);
            const auto left = deadline - Clock::now();
            if (left <= Clock::duration::zero())
                return false;
            m_c->readOne(
                std::min(milliseconds(50),
                         std::chrono::duration_cast<milliseconds>(left) + milliseconds(1)));
        }
    }

    std::vector<std::uint64_t> unconfirmedSequences() const override
    {
        std::lock_guard lock(m_c->mutex);
        return {m_ch->unconfirmed.begin(), m_ch->unconfirmed.end()};
    }

    std::vector<ReturnedMessage> takeReturned() override
    {
        std::lock_guard lock(m_c->mutex);
        if (m_c->open)
            m_c->drain();
        return std::exchange(m_ch->returns, {});
    }

    std::string basicConsume(const std::string &queue, const std::string &consumerTag, bool noAck,
                             bool exclusive) override
    {
        checkShortString("the queue name", queue);
        checkShortString("the consumer tag", consumerTag);
        std::string tag;
        rpc([&] {
            const auto *ok =
                amqp_basic_consume(m_c->conn, m_ch->id, bytes(queue), bytes(consumerTag), 0, noAck,
                                   exclusive, amqp_empty_table);
            return [&tag, ok] {
                tag = text(ok->consumer_tag);
            };
        });
        return tag;
    }
    void basicCancel(const std::string &consumerTag) override
    {
        checkShortString("the consumer tag", consumerTag);
        rpc([&] { amqp_basic_cancel(m_c->conn, m_ch->id, bytes(consumerTag)); });
    }

    std::optional<Delivery> nextDelivery(milliseconds timeout) override
    {
        const auto deadline = deadlineAfter(timeout);
        for (;;) {
            // The lock is let go between slices, so other channels' threads get their turn.
            std::lock_guard lock(m_c->mutex);
            if (!m_ch->inbox.empty()) {
                Delivery d = std::move(m_ch->inbox.front());
                m_ch->inbox.pop_front();
                return d;
            }
            m_c->checkOpen(*m_ch);
            // Whatever has arrived already goes to its channel first (so a zero timeout
            // still finds it); only then wait on the socket.
            m_c->drain();
            if (!m_ch->inbox.empty())
                continue;
            m_c->checkOpen(*m_ch);
            const auto left = deadline - Clock::now();
            if (left <= Clock::duration::zero())
                return std::nullopt;
            m_c->readOne(
                std::min(milliseconds(50),
                         std::chrono::duration_cast<milliseconds>(left) + milliseconds(1)));
        }
    }

    std::optional<Delivery> basicGet(const std::string &queue, bool noAck) override
    {
        checkShortString("the queue name", queue);
        std::lock_guard lock(m_c->mutex);
        m_c->drain();
        m_c->checkOpen(*m_ch);
        const auto r = amqp_basic_get(m_c->conn, m_ch->id, bytes(queue), noAck);
        m_c->check(r, m_ch.get());
        if (r.reply.id != AMQP_BASIC_GET_OK_METHOD) {
            amqp_maybe_release_buffers_on_channel(m_c->conn, m_ch->id);
            return std::nullopt; // basic.get-empty
        }
        const auto *ok = static_cast<amqp_basic_get_ok_t *>(r.reply.decoded);
        m_ch->pending = ChannelState::Content::GetOk;
        m_ch->delivery = {};
        m_ch->delivery.deliveryTag = ok->delivery_tag;
        m_ch->delivery.redelivered = ok->redelivered != 0;
        m_ch->delivery.exchange = text(ok->exchange);
        m_ch->delivery.routingKey = text(ok->routing_key);
        m_ch->delivery.messageCount = ok->message_count;
        amqp_maybe_release_buffers_on_channel(m_c->conn, m_ch->id);
        // The header and body frames follow at once.
        while (!m_ch->got) {
            m_c->checkOpen(*m_ch);
            m_c->readOne(milliseconds(1000));
        }
        return std::exchange(m_ch->got, std::nullopt);
    }

    void basicAck(std::uint64_t deliveryTag, bool multiple) override
    {
        send([&] { return amqp_basic_ack(m_c->conn, m_ch->id, deliveryTag, multiple); });
    }
    void basicNack(std::uint64_t deliveryTag, bool multiple, bool requeue) override
    {
        send([&] { return amqp_basic_nack(m_c->conn, m_ch->id, deliveryTag, multiple, requeue); });
    }
    void basicReject(std::uint64_t deliveryTag, bool requeue) override
    {
        send([&] { return amqp_basic_reject(m_c->conn, m_ch->id, deliveryTag, requeue); });
    }

private:
    // Encodes basic.publish, its content header and body frames onto ConnState::unsent, as
    // amqp_basic_publish would send them; the batch leaves once it reaches the limit.
    void appendPublish(const std::string &exchange, const std::string &routingKey, bool mandatory,
                       amqp_basic_properties_t &props, const std::string &body)
    {
        std::string &out = m_c->unsent;
        const std::size_t frameMax =
            static_cast<std::size_t>(std::max(4096, amqp_get_frame_max(m_c->conn)));
        if (m_scratch.size() < frameMax)
            m_scratch.resize(frameMax);
        const std::size_t rollback = out.size();
        const auto frameStart = [&](std::uint8_t type) {
            out.push_back(static_cast<char>(type));
            putBig(out, m_ch->id, 2);
            const std::size_t at = out.size();
            out.append(4, '\0'); // the payload size, filled in by frameEnd
            return at;
        };
        const auto frameEnd = [&](std::size_t sizeAt) {
            const std::size_t size = out.size() - sizeAt - 4;
            for (int i = 0; i < 4; ++i)
                out[sizeAt + i] = static_cast<char>(size >> (8 * (3 - i)));
            out.push_back(static_cast<char>(AMQP_FRAME_END));
        };
        // Appends what `encode` writes into the scratch buffer; a method or properties too
        // large for one frame leave `out` as it was.
        const auto encodeInto = [&](auto &&encode) {
            const int n = encode(amqp_bytes_t{frameMax - 64, m_scratch.data()});
            if (n < 0) {
                out.resize(rollback);
                throw std::invalid_argument("basic.publish: the method or its properties do not "
                                            "fit in one frame");
            }
            out.append(m_scratch.data(), static_cast<std::size_t>(n));
        };

        amqp_basic_publish_t m;
        std::memset(&m, 0, sizeof m);
        m.exchange = bytes(exchange);
        m.routing_key = bytes(routingKey);
        m.mandatory = mandatory;
        std::size_t at = frameStart(AMQP_FRAME_METHOD);
        putBig(out, AMQP_BASIC_PUBLISH_METHOD, 4);
        encodeInto(
            [&](amqp_bytes_t b) { return amqp_encode_method(AMQP_BASIC_PUBLISH_METHOD, &m, b); });
        frameEnd(at);

        at = frameStart(AMQP_FRAME_HEADER);
        putBig(out, AMQP_BASIC_CLASS, 2);
        putBig(out, 0, 2); // weight
        putBig(out, body.size(), 8);
        encodeInto(
            [&](amqp_bytes_t b) { return amqp_encode_properties(AMQP_BASIC_CLASS, &props, b); });
        frameEnd(at);

        // Body frames carry at most frame_max minus the 8 bytes of frame header and end.
        const std::size_t chunk = frameMax - 8;
        for (std::size_t i = 0; i < body.size(); i += chunk) {
            at = frameStart(AMQP_FRAME_BODY);
            out.append(body, i, std::min(chunk, body.size() - i));
            frameEnd(at);
        }
    }

    static void putBig(std::string &out, std::uint64_t v, int n)
    {
        for (int i = n - 1; i >= 0; --i)
            out.push_back(static_cast<char>(v >> (8 * i)));
    }

    static Clock::time_point deadlineAfter(milliseconds timeout)
    {
        const auto now = Clock::now();
        if (timeout > std::chrono::hours(24 * 365))
            return Clock::time_point::max();
        return now + timeout;
    }

    bool confirmMode()
    {
        std::lock_guard lock(m_c->mutex);
        return m_ch->confirm;
    }

    // A synchronous method: `call` sends it and waits for its reply; when it returns a
    // function, that copies the reply out before the channel's buffers are released.
    static void checkNames(const std::string &queue, const std::string &exchange,
                           const std::string &key)
    {
        checkShortString("the queue name", queue);
        checkShortString("the exchange name", exchange);
        checkShortString("the binding key", key);
    }

    template <class F> void rpc(F &&call)
    {
        std::lock_guard lock(m_c->mutex);
        // First what already came, frames rabbitmq-c put aside during another channel's
        // method included: a channel.close for this channel must be seen before a method is
        // sent on it (the broker would ignore the method and never reply).
        m_c->drain();
        m_c->checkOpen(*m_ch);
        if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
            call();
            m_c->check(amqp_get_rpc_reply(m_c->conn), m_ch.get());
        } else {
            auto copyOut = call();
            m_c->check(amqp_get_rpc_reply(m_c->conn), m_ch.get());
            copyOut();
        }
        amqp_maybe_release_buffers_on_channel(m_c->conn, m_ch->id);
    }

    // An asynchronous method (ack, nack, reject): the broker answers only with an error.
    template <class F> void send(F &&call)
    {
        std::lock_guard lock(m_c->mutex);
        m_c->checkOpen(*m_ch);
        m_c->flushUnsent();
        const int status = call();
        if (status != AMQP_STATUS_OK) {
            ConnState::refuseOwnError(status);
            m_c->networkFailed(status);
        }
    }

    std::shared_ptr<ConnState> m_c;
    std::shared_ptr<ChannelState> m_ch;
    std::vector<char> m_scratch; // encoding room for appendPublish, frame_max bytes
};

class RabbitConnection final : public Connection
{
public:
    explicit RabbitConnection(std::shared_ptr<ConnState> c) : m_c(std::move(c)) {}
    ~RabbitConnection() override
    {
        try {
            close();
        } catch (const std::exception &) {
            // Already gone.
        }
    }

    std::unique_ptr<Channel> openChannel() override
    {
        std::lock_guard lock(m_c->mutex);
        if (!m_c->open)
            m_c->throwClosedConnection();
        std::uint16_t id = 1;
        while (m_c->channels.count(id))
            ++id;
        if (id > m_c->channelMax)
            throw AmqpError(
                NotAllowed,
                "no free channel: the broker allows " + std::to_string(m_c->channelMax), false);
        auto ch = std::make_shared<ChannelState>(id);
        m_c->flushUnsent();
        amqp_channel_open(m_c->conn, id);
        m_c->check(amqp_get_rpc_reply(m_c->conn), nullptr);
        amqp_maybe_release_buffers_on_channel(m_c->conn, id);
        m_c->channels[id] = ch;
        return std::make_unique<RabbitChannel>(m_c, ch);
    }
    bool isOpen() const override
    {
        std::lock_guard lock(m_c->mutex);
        return m_c->open;
    }
    void close() override
    {
        std::lock_guard lock(m_c->mutex);
        if (!m_c->open)
            return;
        try {
            m_c->flushUnsent();
        } catch (const ConnectionFailed &) {
            return; // the connection is gone already
        }
        const auto r = amqp_connection_close(m_c->conn, AMQP_REPLY_SUCCESS);
        m_c->open = false;
        m_c->closeAllChannels();
        (void)r; // whatever the broker answers, the connection is over
    }
    std::string describe() const override { return m_c->name; }

private:
    std::shared_ptr<ConnState> m_c;
};

} // namespace

std::unique_ptr<Connection> makeConnection(std::shared_ptr<ConnState> c)
{
    return std::make_unique<RabbitConnection>(std::move(c));
}

} // namespace wb::messaging::rabbit
