// The AMQP server's channels: channel, exchange, queue, basic and confirm methods onto the
// embedded broker's Channel, content assembly for basic.publish, publisher confirms,
// deliveries through the channel's pump thread, and channel errors.

#include "amqp_server_connection.h"

namespace wb::messaging::server {

using namespace std::chrono_literals;

namespace {

constexpr std::size_t kPumpBatchBytes = 256 * 1024;

std::uint32_t methodOf(std::uint16_t classId, std::uint16_t methodId)
{
    return std::uint32_t{classId} << 16 | methodId;
}

} // namespace

void ServerConnection::handleChannelFrame(const wire::RawFrame &frame)
{
    const std::uint16_t id = frame.channel;
    if (id > m_channelMax) {
        connectionError(ChannelErrorCode, "channel " + std::to_string(id) +
                                              " is above the negotiated channel_max " +
                                              std::to_string(m_channelMax));
        return;
    }
    auto it = m_channels.find(id);
    ServerChannel *ch = it == m_channels.end() ? nullptr : it->second.get();

    if (frame.type != wire::FrameType::Method) {
        if (ch && ch->closing)
            return; // dropped until close-ok
        if (!ch || !ch->assembling) {
            connectionError(UnexpectedFrame,
                            std::string(frame.type == wire::FrameType::Header ? "content header"
                                                                              : "content body") +
                                " on channel " + std::to_string(id) + " without basic.publish");
            return;
        }
        if (frame.type == wire::FrameType::Header) {
            if (ch->headerSeen) {
                connectionError(UnexpectedFrame,
                                "a second content header on channel " + std::to_string(id));
                return;
            }
            ContentHeader h;
            std::string why;
            if (const int code = decodeContentHeader(frame.payload, m_pool, h, &why)) {
                connectionError(code, why, AMQP_BASIC_PUBLISH_METHOD);
                return;
            }
            if (h.bodySize > m_options.maxMessageSize) {
                channelError(*ch, PreconditionFailed,
                             "message size " + std::to_string(h.bodySize) +
                                 " is larger than configured max size " +
                                 std::to_string(m_options.maxMessageSize),
                             AMQP_BASIC_PUBLISH_METHOD);
                return;
            }
            ch->headerSeen = true;
            ch->message.properties = propertiesFromAmqp(*h.properties);
            ch->bodyLeft = h.bodySize;
            ch->message.body.reserve(static_cast<std::size_t>(h.bodySize));
            if (ch->bodyLeft == 0)
                finishPublish(*ch);
            return;
        }
        if (!ch->headerSeen) {
            connectionError(UnexpectedFrame,
                            "content body before its header on channel " + std::to_string(id));
            return;
        }
        if (frame.payload.size() > ch->bodyLeft) {
            connectionError(UnexpectedFrame, "content body longer than its header's body size "
                                             "on channel " +
                                                 std::to_string(id));
            return;
        }
        ch->message.body.append(frame.payload);
        ch->bodyLeft -= frame.payload.size();
        if (ch->bodyLeft == 0)
            finishPublish(*ch);
        return;
    }

    Method m;
    std::string why;
    if (const int code = decodeMethod(frame.payload, m_pool, m, &why)) {
        connectionError(code, why, m.id);
        return;
    }
    if (!ch) {
        if (m.id == AMQP_CHANNEL_OPEN_METHOD)
            openChannel(id);
        else if (m.id != AMQP_CHANNEL_CLOSE_OK_METHOD)
            connectionError(ChannelErrorCode,
                            "expected 'channel.open' on channel " + std::to_string(id), m.id);
        return;
    }
    if (ch->closing) {
        if (m.id == AMQP_CHANNEL_CLOSE_OK_METHOD) {
            m_channels.erase(it);
        } else if (m.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_ok_t ok{};
            m_writer.method(m_reply, id, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
            m_channels.erase(it);
        }
        return;
    }
    if (ch->assembling) {
        connectionError(UnexpectedFrame,
                        std::string("expected a content frame on channel ") + std::to_string(id) +
                            ", got " + amqp_method_name(m.id),
                        m.id);
        return;
    }
    try {
        handleChannelMethod(*ch, m);
    } catch (const AmqpError &e) {
        if (e.connectionLevel() || isConnectionError(e.code()))
            connectionError(e.code(), e.replyText(), m.id);
        else
            channelError(*ch, e.code(), e.replyText(), m.id);
    } catch (const std::invalid_argument &e) {
        channelError(*ch, PreconditionFailed, e.what(), m.id);
    }
}

void ServerConnection::openChannel(std::uint16_t id)
{
    auto ch = std::make_unique<ServerChannel>();
    ch->id = id;
    try {
        ch->channel = m_conn->openChannel();
    } catch (const AmqpError &e) {
        connectionError(e.code(), e.replyText(), AMQP_CHANNEL_OPEN_METHOD);
        return;
    }
    m_channels[id] = std::move(ch);
    amqp_channel_open_ok_t ok{};
    ok.channel_id = amqp_cstring_bytes("");
    m_writer.method(m_reply, id, AMQP_CHANNEL_OPEN_OK_METHOD, &ok);
}

void ServerConnection::handleChannelMethod(ServerChannel &ch, const Method &m)
{
    Channel &c = *ch.channel;
    const std::uint16_t id = ch.id;
    const auto reply = [&](std::uint32_t method, const void *args) {
        m_writer.method(m_reply, id, method, args);
    };
    const auto notImplemented = [&](const std::string &what) {
        connectionError(NotImplemented, what + " is not implemented by the embedded broker", m.id);
    };
    switch (m.id) {
    case AMQP_CHANNEL_OPEN_METHOD:
        return connectionError(
            ChannelErrorCode, "second 'channel.open' seen on channel " + std::to_string(id), m.id);
    case AMQP_CHANNEL_CLOSE_METHOD: {
        flushConfirms(ch);
        closeChannel(ch);
        amqp_channel_close_ok_t ok{};
        reply(AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        m_channels.erase(id);
        return;
    }
    case AMQP_CHANNEL_CLOSE_OK_METHOD:
        return;
    case AMQP_CHANNEL_FLOW_METHOD: {
        const auto *f = static_cast<const amqp_channel_flow_t *>(m.decoded);
        if (!f->active)
            return notImplemented("channel.flow active=false");
        amqp_channel_flow_ok_t ok{};
        ok.active = 1;
        return reply(AMQP_CHANNEL_FLOW_OK_METHOD, &ok);
    }
    case AMQP_EXCHANGE_DECLARE_METHOD: {
        const auto *d = static_cast<const amqp_exchange_declare_t *>(m.decoded);
        const std::string name = text(d->exchange), type = text(d->type);
        ExchangeFlags flags;
        flags.passive = d->passive;
        flags.durable = d->durable;
        flags.autoDelete = d->auto_delete;
        flags.internal = d->internal;
        auto parsed = parseExchangeType(type);
        if (!parsed && !flags.passive)
            return connectionError(CommandInvalid, "unknown exchange type '" + type + "'", m.id);
        c.exchangeDeclare(name, parsed.value_or(ExchangeType::Direct), flags);
        if (!d->nowait) {
            amqp_exchange_declare_ok_t ok{};
            reply(AMQP_EXCHANGE_DECLARE_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_EXCHANGE_DELETE_METHOD: {
        const auto *d = static_cast<const amqp_exchange_delete_t *>(m.decoded);
        c.exchangeDelete(text(d->exchange), d->if_unused);
        if (!d->nowait) {
            amqp_exchange_delete_ok_t ok{};
            reply(AMQP_EXCHANGE_DELETE_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_EXCHANGE_BIND_METHOD:
        return notImplemented("exchange.bind (exchange to exchange bindings)");
    case AMQP_EXCHANGE_UNBIND_METHOD:
        return notImplemented("exchange.unbind (exchange to exchange bindings)");
    case AMQP_QUEUE_DECLARE_METHOD: {
        const auto *d = static_cast<const amqp_queue_declare_t *>(m.decoded);
        QueueFlags flags;
        flags.passive = d->passive;
        flags.durable = d->durable;
        flags.exclusive = d->exclusive;
        flags.autoDelete = d->auto_delete;
        const QueueDeclareOk r = c.queueDeclare(text(d->queue), flags);
        if (!d->nowait) {
            amqp_queue_declare_ok_t ok{};
            ok.queue = bytesOf(r.queue);
            ok.message_count = r.messageCount;
            ok.consumer_count = r.consumerCount;
            reply(AMQP_QUEUE_DECLARE_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_QUEUE_BIND_METHOD: {
        const auto *b = static_cast<const amqp_queue_bind_t *>(m.decoded);
        c.queueBind(text(b->queue), text(b->exchange), text(b->routing_key),
                    headersFromTable(b->arguments));
        if (!b->nowait) {
            amqp_queue_bind_ok_t ok{};
            reply(AMQP_QUEUE_BIND_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_QUEUE_UNBIND_METHOD: {
        const auto *b = static_cast<const amqp_queue_unbind_t *>(m.decoded);
        c.queueUnbind(text(b->queue), text(b->exchange), text(b->routing_key),
                      headersFromTable(b->arguments));
        amqp_queue_unbind_ok_t ok{};
        return reply(AMQP_QUEUE_UNBIND_OK_METHOD, &ok);
    }
    case AMQP_QUEUE_PURGE_METHOD: {
        const auto *p = static_cast<const amqp_queue_purge_t *>(m.decoded);
        const std::uint32_t n = c.queuePurge(text(p->queue));
        if (!p->nowait) {
            amqp_queue_purge_ok_t ok{};
            ok.message_count = n;
            reply(AMQP_QUEUE_PURGE_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_QUEUE_DELETE_METHOD: {
        const auto *d = static_cast<const amqp_queue_delete_t *>(m.decoded);
        const std::uint32_t n = c.queueDelete(text(d->queue), d->if_unused, d->if_empty);
        if (!d->nowait) {
            amqp_queue_delete_ok_t ok{};
            ok.message_count = n;
            reply(AMQP_QUEUE_DELETE_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_BASIC_QOS_METHOD: {
        const auto *q = static_cast<const amqp_basic_qos_t *>(m.decoded);
        if (q->prefetch_size != 0)
            return notImplemented("basic.qos prefetch_size != 0");
        // global=true (per channel on RabbitMQ) is applied per consumer, as global=false.
        c.basicQos(q->prefetch_count);
        amqp_basic_qos_ok_t ok{};
        return reply(AMQP_BASIC_QOS_OK_METHOD, &ok);
    }
    case AMQP_BASIC_CONSUME_METHOD: {
        const auto *b = static_cast<const amqp_basic_consume_t *>(m.decoded);
        {
            // consume-ok is in the outbound buffer before the pump can append a delivery
            // for the new consumer.
            std::lock_guard lock(m_outMutex);
            flushRepliesLocked();
            const std::string tag =
                c.basicConsume(text(b->queue), text(b->consumer_tag), b->no_ack, b->exclusive);
            if (!b->nowait) {
                amqp_basic_consume_ok_t ok{};
                ok.consumer_tag = bytesOf(tag);
                m_writer.method(m_out, id, AMQP_BASIC_CONSUME_OK_METHOD, &ok);
            }
        }
        wake();
        startPump(ch);
        return;
    }
    case AMQP_BASIC_CANCEL_METHOD: {
        const auto *b = static_cast<const amqp_basic_cancel_t *>(m.decoded);
        const std::string tag = text(b->consumer_tag);
        // Deliveries taken for the consumer before the cancel go out before cancel-ok.
        ch.takeWanted = true;
        std::unique_lock take(ch.takeMutex);
        ch.takeWanted = false;
        c.basicCancel(tag);
        std::lock_guard lock(m_outMutex);
        flushRepliesLocked();
        while (auto d = c.nextDelivery(0ms))
            appendDelivery(m_out, id, *d, m_writer);
        if (!b->nowait) {
            amqp_basic_cancel_ok_t ok{};
            ok.consumer_tag = bytesOf(tag);
            m_writer.method(m_out, id, AMQP_BASIC_CANCEL_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_BASIC_PUBLISH_METHOD: {
        const auto *p = static_cast<const amqp_basic_publish_t *>(m.decoded);
        if (p->immediate)
            return notImplemented("immediate=true");
        ch.assembling = true;
        ch.headerSeen = false;
        ch.exchange = text(p->exchange);
        ch.routingKey = text(p->routing_key);
        ch.mandatory = p->mandatory;
        ch.message = {};
        ch.bodyLeft = 0;
        return;
    }
    case AMQP_BASIC_GET_METHOD: {
        const auto *g = static_cast<const amqp_basic_get_t *>(m.decoded);
        const auto d = c.basicGet(text(g->queue), g->no_ack);
        if (!d) {
            amqp_basic_get_empty_t empty{};
            empty.cluster_id = amqp_cstring_bytes("");
            return reply(AMQP_BASIC_GET_EMPTY_METHOD, &empty);
        }
        amqp_basic_get_ok_t ok{};
        ok.delivery_tag = d->deliveryTag;
        ok.redelivered = d->redelivered;
        ok.exchange = bytesOf(d->exchange);
        ok.routing_key = bytesOf(d->routingKey);
        ok.message_count = d->messageCount;
        reply(AMQP_BASIC_GET_OK_METHOD, &ok);
        m_writer.content(m_reply, id, d->message.properties, d->message.body);
        return;
    }
    case AMQP_BASIC_ACK_METHOD: {
        const auto *a = static_cast<const amqp_basic_ack_t *>(m.decoded);
        return c.basicAck(a->delivery_tag, a->multiple);
    }
    case AMQP_BASIC_NACK_METHOD: {
        const auto *n = static_cast<const amqp_basic_nack_t *>(m.decoded);
        return c.basicNack(n->delivery_tag, n->multiple, n->requeue);
    }
    case AMQP_BASIC_REJECT_METHOD: {
        const auto *r = static_cast<const amqp_basic_reject_t *>(m.decoded);
        return c.basicReject(r->delivery_tag, r->requeue);
    }
    case AMQP_BASIC_RECOVER_METHOD:
        return notImplemented("basic.recover");
    case AMQP_BASIC_RECOVER_ASYNC_METHOD:
        return notImplemented("basic.recover-async");
    case AMQP_CONFIRM_SELECT_METHOD: {
        const auto *s = static_cast<const amqp_confirm_select_t *>(m.decoded);
        c.confirmSelect();
        ch.confirm = true;
        if (!s->nowait) {
            amqp_confirm_select_ok_t ok{};
            reply(AMQP_CONFIRM_SELECT_OK_METHOD, &ok);
        }
        return;
    }
    case AMQP_TX_SELECT_METHOD:
        return notImplemented("tx.select (transactions)");
    case AMQP_TX_COMMIT_METHOD:
        return notImplemented("tx.commit (transactions)");
    case AMQP_TX_ROLLBACK_METHOD:
        return notImplemented("tx.rollback (transactions)");
    default:
        return connectionError(CommandInvalid,
                               std::string("unexpected ") + amqp_method_name(m.id) +
                                   " on channel " + std::to_string(id),
                               m.id);
    }
}

void ServerConnection::finishPublish(ServerChannel &ch)
{
    ch.assembling = false;
    ch.headerSeen = false;
    try {
        const std::uint64_t seq =
            ch.channel->basicPublish(ch.exchange, ch.routingKey, ch.message, ch.mandatory);
        if (ch.mandatory) {
            for (const auto &r : ch.channel->takeReturned()) {
                amqp_basic_return_t ret{};
                ret.reply_code = static_cast<std::uint16_t>(r.replyCode);
                const std::string why = r.replyText.empty() ? "NO_ROUTE" : r.replyText;
                ret.reply_text = bytesOf(why);
                ret.exchange = bytesOf(r.exchange);
                ret.routing_key = bytesOf(r.routingKey);
                m_writer.method(m_reply, ch.id, AMQP_BASIC_RETURN_METHOD, &ret);
                m_writer.content(m_reply, ch.id, r.message.properties, r.message.body);
            }
        }
        if (ch.confirm && seq)
            ch.confirmUpTo = seq;
    } catch (const AmqpError &e) {
        if (e.connectionLevel() || isConnectionError(e.code()))
            connectionError(e.code(), e.replyText(), AMQP_BASIC_PUBLISH_METHOD);
        else
            channelError(ch, e.code(), e.replyText(), AMQP_BASIC_PUBLISH_METHOD);
    } catch (const std::invalid_argument &e) {
        channelError(ch, PreconditionFailed, e.what(), AMQP_BASIC_PUBLISH_METHOD);
    }
    ch.message = {};
}

// One basic.ack (multiple when it settles more than one) for the publishes confirmed since
// the last one; sent once per batch of input rather than once per publish.
void ServerConnection::flushConfirms(ServerChannel &ch)
{
    if (!ch.confirm || ch.confirmUpTo <= ch.confirmSent)
        return;
    amqp_basic_ack_t ack{};
    ack.delivery_tag = ch.confirmUpTo;
    ack.multiple = ch.confirmUpTo - ch.confirmSent > 1;
    m_writer.method(m_reply, ch.id, AMQP_BASIC_ACK_METHOD, &ack);
    ch.confirmSent = ch.confirmUpTo;
}

void ServerConnection::flushAllConfirms()
{
    for (auto &[id, ch] : m_channels)
        if (!ch->closing)
            flushConfirms(*ch);
}

void ServerConnection::channelError(ServerChannel &ch, int code, const std::string &text,
                                    std::uint32_t method)
{
    log("connection " + m_name + ", channel " + std::to_string(ch.id) + ": " +
        std::to_string(code) + " " + std::string(replyCodeName(code)) + " - " + text);
    flushConfirms(ch);
    closeChannel(ch);
    amqp_channel_close_t c{};
    c.reply_code = static_cast<std::uint16_t>(code);
    const std::string reply = replyText(code, text);
    c.reply_text = bytesOf(reply);
    c.class_id = static_cast<std::uint16_t>(method >> 16);
    c.method_id = static_cast<std::uint16_t>(method & 0xffff);
    m_writer.method(m_reply, ch.id, AMQP_CHANNEL_CLOSE_METHOD, &c);
    ch.closing = true;
    ch.assembling = false;
    ch.message = {};
}

void ServerConnection::closeChannel(ServerChannel &ch)
{
    ch.pumpStop = true;
    {
        std::lock_guard lock(m_outMutex);
        ch.discard = true;
    }
    m_outSpace.notify_all();
    if (ch.channel)
        ch.channel->close(); // wakes a pump waiting in nextDelivery
    if (ch.pump.joinable())
        ch.pump.join();
}

void ServerConnection::closeAllChannels()
{
    for (auto &[id, ch] : m_channels)
        closeChannel(*ch);
    m_channels.clear();
}

// --- deliveries ------------------------------------------------------------------------------

void ServerConnection::startPump(ServerChannel &ch)
{
    if (ch.pump.joinable())
        return;
    ServerChannel *p = &ch;
    ch.pump = std::thread([this, p] { pumpLoop(p); });
}

void ServerConnection::appendDelivery(std::string &out, std::uint16_t channel, const Delivery &d,
                                      FrameWriter &writer)
{
    amqp_basic_deliver_t m{};
    m.consumer_tag = bytesOf(d.consumerTag);
    m.delivery_tag = d.deliveryTag;
    m.redelivered = d.redelivered;
    m.exchange = bytesOf(d.exchange);
    m.routing_key = bytesOf(d.routingKey);
    writer.method(out, channel, AMQP_BASIC_DELIVER_METHOD, &m);
    writer.content(out, channel, d.message.properties, d.message.body);
}

void ServerConnection::pumpLoop(ServerChannel *ch)
{
    FrameWriter writer(m_frameMax);
    std::string frames;
    while (!ch->pumpStop) {
        {
            // A client that does not read gets nothing more until it does.
            std::unique_lock lock(m_outMutex);
            m_outSpace.wait(lock, [&] {
                return ch->pumpStop || m_out.size() - m_outPos < m_options.outboundLimit;
            });
        }
        if (ch->pumpStop)
            break;
        if (ch->takeWanted) {
            std::this_thread::yield();
            continue;
        }
        std::unique_lock take(ch->takeMutex);
        frames.clear();
        try {
            auto d = ch->channel->nextDelivery(20ms);
            if (!d)
                continue;
            appendDelivery(frames, ch->id, *d, writer);
            while (frames.size() < kPumpBatchBytes) {
                d = ch->channel->nextDelivery(0ms);
                if (!d)
                    break;
                appendDelivery(frames, ch->id, *d, writer);
            }
        } catch (const AmqpError &) {
            // The channel or connection is closed: what was taken is requeued by the broker.
            if (frames.empty())
                break;
        } catch (const std::invalid_argument &) {
            break;
        }
        {
            std::lock_guard lock(m_outMutex);
            if (!ch->discard)
                m_out += frames;
        }
        wake();
    }
}

} // namespace wb::messaging::server
