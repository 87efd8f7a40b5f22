// The RabbitMQ transport: Connection and Channel over rabbitmq-c 0.11.
//
// rabbitmq-c reads one socket for the whole connection. Every call below holds the
// connection's mutex, so channels of one connection may be used by different threads (one
// thread per channel). Frames that are not the reply to the method in flight (deliveries,
// returns, publisher confirms, a channel.close caused by an earlier publish or ack) are
// dispatched to the state of their channel, where nextDelivery, takeReturned and
// waitForConfirms find them. Everything a frame points to lives in rabbitmq-c's per-channel
// pool, so it is copied out before the pool is released.
#include "messaging/core/client.h"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <netdb.h>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace wb::messaging {

namespace {
bool connectedToItself(int fd)
{
    sockaddr_storage local{}, peer{};
    socklen_t localLen = sizeof local, peerLen = sizeof peer;
    if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLen) != 0 ||
        ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLen) != 0)
        return false;
    return localLen == peerLen && std::memcmp(&local, &peer, localLen) == 0;
}
} // namespace

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string text(amqp_bytes_t b)
{
    return b.len ? std::string(static_cast<const char *>(b.bytes), b.len) : std::string();
}

// RabbitMQ's reply texts begin with the code's name ("NOT_FOUND - no exchange ..."); the
// name is in AmqpError already, so the text is kept as the embedded broker words it.
std::string replyText(int code, amqp_bytes_t b)
{
    std::string t = text(b);
    const std::string prefix = std::string(replyCodeName(code)) + " - ";
    if (t.rfind(prefix, 0) == 0)
        t.erase(0, prefix.size());
    return t;
}

amqp_bytes_t bytes(const std::string &s)
{
    amqp_bytes_t b;
    b.len = s.size();
    b.bytes = const_cast<char *>(s.data());
    return b;
}

timeval toTimeval(milliseconds ms)
{
    if (ms.count() < 0)
        ms = milliseconds(0);
    timeval tv;
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

// An AMQP table pointing into a Headers map (which must outlive it).
class Table
{
public:
    explicit Table(const Headers &headers)
    {
        m_entries.reserve(headers.size());
        for (const auto &[key, value] : headers) {
            amqp_table_entry_t e;
            std::memset(&e, 0, sizeof e);
            e.key = bytes(key);
            if (const auto *s = std::get_if<std::string>(&value)) {
                e.value.kind = AMQP_FIELD_KIND_UTF8;
                e.value.value.bytes = bytes(*s);
            } else if (const auto *i = std::get_if<std::int64_t>(&value)) {
                e.value.kind = AMQP_FIELD_KIND_I64;
                e.value.value.i64 = *i;
            } else {
                e.value.kind = AMQP_FIELD_KIND_BOOLEAN;
                e.value.value.boolean = std::get<bool>(value) ? 1 : 0;
            }
            m_entries.push_back(e);
        }
    }
    amqp_table_t get()
    {
        amqp_table_t t;
        t.num_entries = static_cast<int>(m_entries.size());
        t.entries = m_entries.empty() ? nullptr : m_entries.data();
        return t;
    }

private:
    std::vector<amqp_table_entry_t> m_entries;
};

// The values Headers can hold; other field kinds are skipped.
Headers fromTable(const amqp_table_t &t)
{
    Headers h;
    for (int i = 0; i < t.num_entries; ++i) {
        const auto &e = t.entries[i];
        const auto &v = e.value.value;
        const std::string key = text(e.key);
        switch (e.value.kind) {
        case AMQP_FIELD_KIND_UTF8:
        case AMQP_FIELD_KIND_BYTES:
            h[key] = text(v.bytes);
            break;
        case AMQP_FIELD_KIND_BOOLEAN:
            h[key] = v.boolean != 0;
            break;
        case AMQP_FIELD_KIND_I8:
            h[key] = std::int64_t{v.i8};
            break;
        case AMQP_FIELD_KIND_U8:
            h[key] = std::int64_t{v.u8};
            break;
        case AMQP_FIELD_KIND_I16:
            h[key] = std::int64_t{v.i16};
            break;
        case AMQP_FIELD_KIND_U16:
            h[key] = std::int64_t{v.u16};
            break;
        case AMQP_FIELD_KIND_I32:
            h[key] = std::int64_t{v.i32};
            break;
        case AMQP_FIELD_KIND_U32:
            h[key] = std::int64_t{v.u32};
            break;
        case AMQP_FIELD_KIND_I64:
            h[key] = v.i64;
            break;
        case AMQP_FIELD_KIND_U64:
        case AMQP_FIELD_KIND_TIMESTAMP:
            h[key] = static_cast<std::int64_t>(v.u64);
            break;
        default:
            break;
        }
    }
    return h;
}

Properties fromAmqp(const amqp_basic_properties_t &p)
{
    Properties r;
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG)
        r.contentType = text(p.content_type);
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG)
        r.deliveryMode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG)
        r.headers = fromTable(p.headers);
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG)
        r.messageId = text(p.message_id);
    if (p._flags & AMQP_BASIC_TIMESTAMP_FLAG)
        r.timestamp = static_cast<std::int64_t>(p.timestamp);
    if (p._flags & AMQP_BASIC_CORRELATION_ID_FLAG)
        r.correlationId = text(p.correlation_id);
    if (p._flags & AMQP_BASIC_REPLY_TO_FLAG)
        r.replyTo = text(p.reply_to);
    return r;
}

// What arrives for one channel and waits there until its thread asks.
struct ChannelState
{
    explicit ChannelState(std::uint16_t id_) : id(id_) {}
    std::uint16_t id;
    bool open = true;
    int closeCode = 0;
    std::string closeText;
    bool errorPending = false; // the broker closed the channel; the next call throws that

    bool confirm = false;
    bool batching = false; // publishes gather in ConnState::unsent
    std::uint64_t publishSeq = 0;
    std::set<std::uint64_t> unconfirmed;
    bool nacked = false;

    // Content being assembled: a method frame, then a header frame, then body frames.
    enum class Content { None, Deliver, Return, GetOk };
    Content pending = Content::None;
    Delivery delivery;
    ReturnedMessage returned;
    std::uint64_t bodyLeft = 0;

    std::deque<Delivery> inbox;
    std::vector<ReturnedMessage> returns;
    std::optional<Delivery> got; // a complete basic.get-ok
};

struct ConnState
{
    std::mutex mutex;
    amqp_connection_state_t conn = nullptr;
    std::string name; // the redacted URL
    bool open = true;
    bool lost = false; // the network failed: ConnectionFailed(lostText)
    std::string lostText;
    bool readingLastFrames = false;
    int closeCode = ReplySuccess;
    std::string closeText = "closed by the client";
    int channelMax = 2047;
    std::map<std::uint16_t, std::shared_ptr<ChannelState>> channels;
    bool tls = false;
    // Whole frames of batched publishes not written yet; they go out before anything else.
    std::string unsent;
    static constexpr std::size_t kUnsentLimit = 64 * 1024;

    ~ConnState()
    {
        if (conn)
            amqp_destroy_connection(conn);
    }

    void closeAllChannels()
    {
        for (auto &[id, ch] : channels)
            ch->open = false;
        channels.clear();
    }

    // Writes the batched publishes to the socket (rabbitmq-c's writes go straight out, so
    // this runs before each of them). Only plain TCP batches; a TLS stream is rabbitmq-c's.
    void flushUnsent()
    {
        if (unsent.empty())
            return;
        if (!open) {
            unsent.clear();
            return;
        }
        const int fd = amqp_get_sockfd(conn);
        std::size_t done = 0;
        while (done < unsent.size()) {
            const ssize_t n = ::send(fd, unsent.data() + done, unsent.size() - done, MSG_NOSIGNAL);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                pollfd p{fd, POLLOUT, 0};
                if (::poll(&p, 1, 60'000) > 0)
                    continue;
            }
            unsent.clear();
            networkFailed(AMQP_STATUS_SOCKET_ERROR);
        }
        unsent.clear();
    }

    [[noreturn]] void networkFailed(int status)
    {
        // A broker that closes a connection (320 CONNECTION_FORCED on shutdown, a 5xx) sends
        // connection.close and then drops the socket; a write can fail before that frame is
        // read. What already arrived is read first, so the broker's reason (and the confirms
        // sent before it) are not lost behind "a socket error occurred".
        if (!readingLastFrames) {
            readingLastFrames = true;
            for (int i = 0; i < 4096 && open; ++i) {
                amqp_frame_t f;
                timeval none{0, 0};
                if (amqp_simple_wait_frame_noblock(conn, &f, &none) != AMQP_STATUS_OK)
                    break;
                dispatch(f);
            }
            readingLastFrames = false;
            if (!open && !lost)
                throwClosedConnection();
        }
        open = false;
        lost = true;
        lostText = "connection to " + name + " lost: " + amqp_error_string2(status);
        closeAllChannels();
        throw ConnectionFailed(lostText);
    }

    [[noreturn]] void throwClosedConnection() const
    {
        if (lost)
            throw ConnectionFailed(lostText);
        throw AmqpError(closeCode, closeText, true);
    }

    // Throws what a call on `ch` meets: the error the broker closed it with (once), then
    // 504 CHANNEL_ERROR; or the connection's end.
    void checkOpen(ChannelState &ch) const
    {
        if (ch.errorPending) {
            ch.errorPending = false;
            throw AmqpError(ch.closeCode, ch.closeText);
        }
        if (ch.open && open)
            return;
        if (!open)
            throwClosedConnection();
        throw AmqpError(ChannelErrorCode, "channel " + std::to_string(ch.id) + " is closed (" +
                                              std::to_string(ch.closeCode) + " " +
                                              std::string(replyCodeName(ch.closeCode)) + " - " +
                                              ch.closeText + ")");
    }

    void channelClosedByBroker(ChannelState &ch, int code, std::string reply)
    {
        amqp_channel_close_ok_t ok;
        std::memset(&ok, 0, sizeof ok);
        amqp_send_method(conn, ch.id, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        ch.open = false;
        ch.closeCode = code;
        ch.closeText = std::move(reply);
        ch.errorPending = true;
        ch.inbox.clear();
        channels.erase(ch.id);
    }

    void connectionClosedByBroker(int code, std::string reply)
    {
        amqp_connection_close_ok_t ok;
        std::memset(&ok, 0, sizeof ok);
        amqp_send_method(conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        open = false;
        closeCode = code;
        closeText = std::move(reply);
        closeAllChannels();
    }

    // rabbitmq-c refuses to encode what the protocol cannot carry (a short string over 255
    // bytes, a table too big) before anything is written: an error of the caller's making,
    // which reconnecting would only repeat. Returns for every other status.
    static void refuseOwnError(int status)
    {
        if (status == AMQP_STATUS_BAD_AMQP_DATA || status == AMQP_STATUS_INVALID_PARAMETER ||
            status == AMQP_STATUS_TABLE_TOO_BIG)
            throw std::invalid_argument(std::string("the client library refused to encode the "
                                                    "method: ") +
                                        amqp_error_string2(status));
    }

    // Turns a method's reply into the error it stands for; returns normally on success.
    void check(amqp_rpc_reply_t r, ChannelState *ch)
    {
        switch (r.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return;
        case AMQP_RESPONSE_NONE:
            networkFailed(AMQP_STATUS_UNEXPECTED_STATE);
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            refuseOwnError(r.library_error);
            networkFailed(r.library_error);
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                const auto *m = static_cast<amqp_connection_close_t *>(r.reply.decoded);
                connectionClosedByBroker(m->reply_code, replyText(m->reply_code, m->reply_text));
                throwClosedConnection();
            }
            if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD && ch) {
                const auto *m = static_cast<amqp_channel_close_t *>(r.reply.decoded);
                channelClosedByBroker(*ch, m->reply_code, replyText(m->reply_code, m->reply_text));
                checkOpen(*ch);
            }
            networkFailed(AMQP_STATUS_UNEXPECTED_STATE);
        }
        networkFailed(AMQP_STATUS_UNEXPECTED_STATE);
    }

    ChannelState *find(std::uint16_t id)
    {
        const auto it = channels.find(id);
        return it == channels.end() ? nullptr : it->second.get();
    }

    static void complete(ChannelState &ch)
    {
        switch (ch.pending) {
        case ChannelState::Content::Deliver:
            ch.inbox.push_back(std::move(ch.delivery));
            break;
        case ChannelState::Content::GetOk:
            ch.got = std::move(ch.delivery);
            break;
        case ChannelState::Content::Return:
            ch.returns.push_back(std::move(ch.returned));
            break;
        case ChannelState::Content::None:
            break;
        }
        ch.pending = ChannelState::Content::None;
        ch.delivery = {};
        ch.returned = {};
    }

    void confirmed(ChannelState &ch, std::uint64_t tag, bool multiple, bool ack)
    {
        if (!ack)
            ch.nacked = true;
        if (multiple)
            ch.unconfirmed.erase(ch.unconfirmed.begin(), ch.unconfirmed.upper_bound(tag));
        else
            ch.unconfirmed.erase(tag);
    }

    void dispatch(const amqp_frame_t &f)
    {
        if (f.frame_type == AMQP_FRAME_METHOD) {
            const auto id = f.payload.method.id;
            void *m = f.payload.method.decoded;
            if (f.channel == 0) {
                if (id == AMQP_CONNECTION_CLOSE_METHOD) {
                    const auto *c = static_cast<amqp_connection_close_t *>(m);
                    connectionClosedByBroker(c->reply_code,
                                             replyText(c->reply_code, c->reply_text));
                }
                return; // connection.blocked / unblocked: nothing to do here
            }
            ChannelState *ch = find(f.channel);
            if (!ch)
                return;
            switch (id) {
            case AMQP_BASIC_DELIVER_METHOD: {
                const auto *d = static_cast<amqp_basic_deliver_t *>(m);
                ch->pending = ChannelState::Content::Deliver;
                ch->delivery = {};
                ch->delivery.consumerTag = text(d->consumer_tag);
                ch->delivery.deliveryTag = d->delivery_tag;
                ch->delivery.redelivered = d->redelivered != 0;
                ch->delivery.exchange = text(d->exchange);
                ch->delivery.routingKey = text(d->routing_key);
                break;
            }
            case AMQP_BASIC_RETURN_METHOD: {
                const auto *r = static_cast<amqp_basic_return_t *>(m);
                ch->pending = ChannelState::Content::Return;
                ch->returned = {};
                ch->returned.replyCode = r->reply_code;
                ch->returned.replyText = text(r->reply_text);
                ch->returned.exchange = text(r->exchange);
                ch->returned.routingKey = text(r->routing_key);
                break;
            }
            case AMQP_BASIC_ACK_METHOD: {
                const auto *a = static_cast<amqp_basic_ack_t *>(m);
                confirmed(*ch, a->delivery_tag, a->multiple != 0, true);
                break;
            }
            case AMQP_BASIC_NACK_METHOD: {
                const auto *n = static_cast<amqp_basic_nack_t *>(m);
                confirmed(*ch, n->delivery_tag, n->multiple != 0, false);
                break;
            }
            case AMQP_CHANNEL_CLOSE_METHOD: {
                const auto *c = static_cast<amqp_channel_close_t *>(m);
                channelClosedByBroker(*ch, c->reply_code, replyText(c->reply_code, c->reply_text));
                break;
            }
            default:
                break; // basic.cancel from the broker, channel.flow: ignored
            }
            return;
        }
        ChannelState *ch = find(f.channel);
        if (!ch || ch->pending == ChannelState::Content::None)
            return;
        if (f.frame_type == AMQP_FRAME_HEADER) {
            const auto *p = static_cast<amqp_basic_properties_t *>(f.payload.properties.decoded);
            Message &msg = ch->pending == ChannelState::Content::Return ? ch->returned.message
                                                                        : ch->delivery.message;
            if (p)
                msg.properties = fromAmqp(*p);
            ch->bodyLeft = f.payload.properties.body_size;
            if (ch->bodyLeft == 0)
                complete(*ch);
        } else if (f.frame_type == AMQP_FRAME_BODY) {
            Message &msg = ch->pending == ChannelState::Content::Return ? ch->returned.message
                                                                        : ch->delivery.message;
            const auto &b = f.payload.body_fragment;
            msg.body.append(static_cast<const char *>(b.bytes), b.len);
            ch->bodyLeft -= std::min<std::uint64_t>(ch->bodyLeft, b.len);
            if (ch->bodyLeft == 0)
                complete(*ch);
        }
    }

    // Reads and dispatches one frame; false when none came within `wait`.
    bool readOne(milliseconds wait)
    {
        if (!open)
            throwClosedConnection();
        flushUnsent();
        amqp_frame_t f;
        timeval tv = toTimeval(wait);
        const int status = amqp_simple_wait_frame_noblock(conn, &f, &tv);
        if (status == AMQP_STATUS_TIMEOUT)
            return false;
        if (status != AMQP_STATUS_OK)
            networkFailed(status);
        dispatch(f);
        amqp_maybe_release_buffers_on_channel(conn, f.channel);
        return true;
    }

    // Dispatches what has already arrived (bounded, so a flood cannot keep a caller here).
    void drain()
    {
        for (int i = 0; i < 4096 && open && readOne(milliseconds(0)); ++i) {
        }
    }
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

// rabbitmq-c reports every failed connect as "a socket error occurred". To name the cause
// (refused, unreachable, ...) this repeats the connect once, non-blocking, and reads SO_ERROR.
std::string socketErrorCause(const std::string &host, int port, milliseconds wait)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        return "unknown host";
    int cause = 0;
    for (addrinfo *a = found; a && cause != ECONNREFUSED; a = a->ai_next) {
        const int fd =
            ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ::close(fd);
            cause = 0;
            break;
        }
        cause = errno;
        if (cause == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, static_cast<int>(wait.count())) == 1) {
                socklen_t len = sizeof cause;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &cause, &len);
            } else {
                cause = ETIMEDOUT;
            }
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (cause == ECONNREFUSED)
        return "connection refused";
    if (cause == ETIMEDOUT)
        return "timed out";
    return cause ? std::strerror(cause) : "the connection failed";
}

std::string reason(int status, const BrokerUrl &url, milliseconds timeout, milliseconds left)
{
    switch (status) {
    case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED:
        return "unknown host";
    case AMQP_STATUS_TIMEOUT:
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    case AMQP_STATUS_SOCKET_ERROR:
        return socketErrorCause(url.host, url.port,
                                std::clamp(left, milliseconds(1), milliseconds(1000)));
    default:
        return amqp_error_string2(status);
    }
}

} // namespace

std::unique_ptr<Connection> connectTo(const BrokerUrl &url, const ConnectOptions &options)
{
    const std::string name = url.redacted();
    const auto fail = [&](const std::string &why) -> ConnectionFailed {
        return ConnectionFailed("cannot connect to " + name + ": " + why);
    };
    const auto start = Clock::now();
    auto c = std::make_shared<ConnState>();
    c->name = name;
    c->tls = url.tls;
    c->conn = amqp_new_connection();
    if (!c->conn)
        throw fail("out of memory");

    amqp_socket_t *socket = nullptr;
    if (url.tls) {
        socket = amqp_ssl_socket_new(c->conn);
        if (socket) {
            // The system's certificate authorities unless WB_AMQPS_CACERT names a PEM file.
            const char *ca = std::getenv("WB_AMQPS_CACERT");
            std::string caFile = ca && *ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
            struct stat st;
            if (::stat(caFile.c_str(), &st) == 0 &&
                amqp_ssl_socket_set_cacert(socket, caFile.c_str()) != AMQP_STATUS_OK)
                throw fail("cannot load the CA certificates in " + caFile);
            amqp_ssl_socket_set_verify_peer(socket, 1);
            amqp_ssl_socket_set_verify_hostname(socket, 1);
        }
    } else {
        socket = amqp_tcp_socket_new(c->conn);
    }
    if (!socket)
        throw fail("cannot create a socket");

    const auto remaining = [&] {
        return std::max(milliseconds(1),
                        options.timeout -
                            std::chrono::duration_cast<milliseconds>(Clock::now() - start));
    };
    timeval tv = toTimeval(options.timeout);
    const int status = amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &tv);
    if (status != AMQP_STATUS_OK)
        throw fail(reason(status, url, options.timeout, remaining()));
    // Connecting to a loopback port in the ephemeral range while nothing listens there can
    // pick that very port as the source: TCP's simultaneous open then joins the socket to
    // itself. Such a "connection" would block the broker from binding its port when it comes
    // back, so it counts as refused.
    if (connectedToItself(amqp_socket_get_sockfd(socket)))
        throw fail("cannot connect to " + url.redacted() + ": connection refused");

    // The rest of the handshake gets what is left of the timeout.
    const auto left = remaining();
    timeval handshake = toTimeval(left);
    amqp_set_handshake_timeout(c->conn, &handshake);
    timeval rpcTimeout = toTimeval(milliseconds(60000));
    amqp_set_rpc_timeout(c->conn, &rpcTimeout);

    amqp_table_entry_t prop;
    std::memset(&prop, 0, sizeof prop);
    prop.key = amqp_cstring_bytes("connection_name");
    prop.value.kind = AMQP_FIELD_KIND_UTF8;
    prop.value.value.bytes = bytes(options.clientName);
    amqp_table_t props;
    props.num_entries = 1;
    props.entries = &prop;
    // RabbitMQ has no virtual host named "" (what "amqp://host/" spells under the URI spec);
    // like most clients, take it as the default one, "/".
    const std::string vhost = url.vhost.empty() ? "/" : url.vhost;
    const auto r = amqp_login_with_properties(
        c->conn, vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, options.heartbeatSeconds, &props,
        AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str());
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        if (r.library_error == AMQP_STATUS_TIMEOUT)
            throw fail("timed out after " + std::to_string(options.timeout.count()) +
                       " ms in the AMQP handshake");
        if (r.library_error == AMQP_STATUS_CONNECTION_CLOSED ||
            r.library_error == AMQP_STATUS_SOCKET_CLOSED)
            throw fail("the broker closed the connection during login (refused user '" + url.user +
                       "' or vhost '" + vhost + "'?)");
        if (r.library_error == AMQP_STATUS_BAD_AMQP_DATA ||
            r.library_error == AMQP_STATUS_INCOMPATIBLE_AMQP_VERSION)
            throw fail(std::string("the peer does not speak AMQP 0-9-1 (") +
                       amqp_error_string2(r.library_error) + ")");
        throw fail(amqp_error_string2(r.library_error));
    }
    if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
        r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto *m = static_cast<amqp_connection_close_t *>(r.reply.decoded);
        const std::string why = std::to_string(m->reply_code) + " " + text(m->reply_text);
        c->connectionClosedByBroker(m->reply_code, replyText(m->reply_code, m->reply_text));
        throw fail("login refused (" + why + ")");
    }
    if (r.reply_type != AMQP_RESPONSE_NORMAL)
        throw fail("the AMQP handshake failed");
    amqp_set_handshake_timeout(c->conn, nullptr);
    const int channelMax = amqp_get_channel_max(c->conn);
    if (channelMax > 0)
        c->channelMax = std::min(channelMax, 65535);
    return std::make_unique<RabbitConnection>(std::move(c));
}

std::unique_ptr<Connection>
connectWithRetry(const BrokerUrl &url, const ConnectOptions &options, const RetryPolicy &retry,
                 const std::function<void(int, const std::string &, milliseconds)> &onRetry)
{
    const int attempts = std::max(1, retry.attempts);
    milliseconds delay = retry.firstDelay;
    for (int attempt = 1;; ++attempt) {
        try {
            return connectTo(url, options);
        } catch (const ConnectionFailed &e) {
            if (attempt >= attempts)
                throw ConnectionFailed(std::string(e.what()) + " (gave up after " +
                                       std::to_string(attempts) + " attempts)");
            if (onRetry)
                onRetry(attempt, e.what(), delay);
            std::this_thread::sleep_for(delay);
            delay = std::min(retry.maxDelay, delay * 2);
        }
    }
}

} // namespace wb::messaging
