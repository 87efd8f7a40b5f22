// The RabbitMQ transport's framing. rabbitmq-c reads one socket for the whole connection;
// frames that are not the reply to the method in flight (deliveries, returns, publisher
// confirms, a channel.close caused by an earlier publish or ack) are dispatched here to the
// state of their channel, where nextDelivery, takeReturned and waitForConfirms find them.
// Everything a frame points to lives in rabbitmq-c's per-channel pool, so it is copied out
// before the pool is released.

#include "rabbitmq_connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <utility>

namespace wb::messaging::rabbit {

std::string replyText(int code, amqp_bytes_t b)
{
    std::string t = text(b);
    const std::string prefix = std::string(replyCodeName(code)) + " - ";
    if (t.rfind(prefix, 0) == 0)
        t.erase(0, prefix.size());
    return t;
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

void ConnState::closeAllChannels()
{
    for (auto &[id, ch] : channels)
        ch->open = false;
    channels.clear();
}

// Writes the batched publishes to the socket (rabbitmq-c's writes go straight out, so
// this runs before each of them). Only plain TCP batches; a TLS stream is rabbitmq-c's.
void ConnState::flushUnsent()
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

[[noreturn]] void ConnState::networkFailed(int status)
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

[[noreturn]] void ConnState::throwClosedConnection() const
{
    if (lost)
        throw ConnectionFailed(lostText);
    throw AmqpError(closeCode, closeText, true);
}

// Throws what a call on `ch` meets: the error the broker closed it with (once), then
// 504 CHANNEL_ERROR; or the connection's end.
void ConnState::checkOpen(ChannelState &ch) const
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

void ConnState::channelClosedByBroker(ChannelState &ch, int code, std::string reply)
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

void ConnState::connectionClosedByBroker(int code, std::string reply)
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
void ConnState::refuseOwnError(int status)
{
    if (status == AMQP_STATUS_BAD_AMQP_DATA || status == AMQP_STATUS_INVALID_PARAMETER ||
        status == AMQP_STATUS_TABLE_TOO_BIG)
        throw std::invalid_argument(std::string("the client library refused to encode the "
                                                "method: ") +
                                    amqp_error_string2(status));
}

// Turns a method's reply into the error it stands for; returns normally on success.
void ConnState::check(amqp_rpc_reply_t r, ChannelState *ch)
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

ChannelState *ConnState::find(std::uint16_t id)
{
    const auto it = channels.find(id);
    return it == channels.end() ? nullptr : it->second.get();
}

void ConnState::complete(ChannelState &ch)
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

void ConnState::confirmed(ChannelState &ch, std::uint64_t tag, bool multiple, bool ack)
{
    if (!ack)
        ch.nacked = true;
    if (multiple)
        ch.unconfirmed.erase(ch.unconfirmed.begin(), ch.unconfirmed.upper_bound(tag));
    else
        ch.unconfirmed.erase(tag);
}

void ConnState::dispatch(const amqp_frame_t &f)
{
    if (f.frame_type == AMQP_FRAME_METHOD) {
        const auto id = f.payload.method.id;
        void *m = f.payload.method.decoded;
        if (f.channel == 0) {
            if (id == AMQP_CONNECTION_CLOSE_METHOD) {
                const auto *c = static_cast<amqp_connection_close_t *>(m);
                connectionClosedByBroker(c->reply_code, replyText(c->reply_code, c->reply_text));
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
            msg.properties = codec::propertiesFromAmqp(*p);
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
bool ConnState::readOne(milliseconds wait)
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
void ConnState::drain()
{
    for (int i = 0; i < 4096 && open && readOne(milliseconds(0)); ++i) {
    }
}

} // namespace wb::messaging::rabbit
