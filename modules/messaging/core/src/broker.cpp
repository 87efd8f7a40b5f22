// The embedded broker's message path: a publish is routed to queues, queued messages are
// delivered to consumers in turn, and acknowledgements settle them. The Broker class is at
// the end; broker_state.h lists where the rest of the broker lives.

#include "messaging/core/broker.h"

#include "broker_state.h"
#include "messaging/core/events.h"
#include "workbench/core/typed_event.h"

#include <algorithm>
#include <utility>

namespace wb::messaging {

// --- publishing ------------------------------------------------------------------------------

std::uint64_t Broker::State::publish(ChannelState &ch, const std::string &exchange,
                                     const std::string &routingKey, const Message &message,
                                     bool mandatory)
{
    auto &e = exchangeNamed(exchange);
    if (e.info.internal)
        fail(AccessRefused,
             "cannot publish to internal exchange " + inQuotes(exchange) + " in vhost " + kVhost);
    const auto seq = ++messageSeq;
    ++stats.published;
    auto stored =
        std::make_shared<StoredMessage>(StoredMessage{seq, exchange, routingKey, message});
    const auto thread = static_cast<std::int32_t>(ch.connection->id);
    if (trace)
        wb::record(trace,
                   events::Publish{.msg = seq,
                                   .exchange = exchange,
                                   .routingKey = routingKey,
                                   .body = bodyPreview(message.body),
                                   .persistent = message.properties.persistent(),
                                   .mandatory = mandatory,
                                   .channel = ch.id},
                   "message " + std::to_string(seq) + " published to " +
                       (exchange.empty() ? std::string("(default)") : exchange) + " with key '" +
                       routingKey + "'",
                   thread);
    routed.clear();
    if (exchange.empty()) {
        // The default exchange: every queue is implicitly bound by its own name.
        if (auto it = queues.find(routingKey); it != queues.end()) {
            routed.push_back(it->second);
            if (trace)
                wb::record(trace, events::Route{seq, exchange, routingKey, routingKey, routingKey},
                           "message " + std::to_string(seq) + " routed to queue " + routingKey,
                           thread);
        }
    } else {
        for (const auto &b : e.bindings) {
            if (!e.rule->matches(b.key, routingKey, message.properties.headers))
                continue;
            if (std::find(routed.begin(), routed.end(), b.queue) != routed.end())
                continue; // one copy per queue, however many bindings match
            routed.push_back(b.queue);
            if (trace)
                wb::record(trace,
                           events::Route{seq, exchange, routingKey, b.queue->name, b.key.key},
                           "message " + std::to_string(seq) + " routed to queue " + b.queue->name,
                           thread);
        }
    }
    if (routed.empty()) {
        ++stats.unroutable;
        if (trace)
            wb::record(trace, events::Unroutable{seq, exchange, routingKey, mandatory},
                       "message " + std::to_string(seq) + " matched no binding" +
                           (mandatory ? ", returned" : ", dropped"),
                       thread);
        if (mandatory) {
            ch.returns.push_back({NoRoute, "NO_ROUTE", exchange, routingKey, message});
            ++stats.returned;
            if (trace)
                wb::record(trace, events::Return{seq, exchange, routingKey, NoRoute, ch.id},
                           "message " + std::to_string(seq) + " returned: 312 NO_ROUTE", thread);
        }
    } else {
        for (const auto &q : routed)
            enqueue(q, stored);
        routed.clear();
    }
    if (!ch.confirm)
        return 0;
    const auto confirmSeq = ++ch.publishSeq;
    ++stats.confirmed;
    if (trace)
        wb::record(trace, events::Confirm{seq, ch.id, confirmSeq, true},
                   "publish " + std::to_string(confirmSeq) + " confirmed (ack)", thread);
    return confirmSeq;
}

void Broker::State::enqueue(const std::shared_ptr<QueueState> &q, const MessagePtr &stored)
{
    QueuedMessage m{stored, false, 0};
    if (q->journaled() && stored->message.properties.persistent() && journal.isOpen()) {
        m.journalId = ++journalSeq;
        journal.enqueue(
            {m.journalId, q->name, stored->exchange, stored->routingKey, stored->message});
    }
    q->ready.push_back(std::move(m));
    ++stats.routed;
    if (trace)
        wb::record(trace,
                   events::Enqueue{stored->seq, q->name, q->ready.size(), q->unacked,
                                   q->ready.back().journalId != 0},
                   "message " + std::to_string(stored->seq) + " enqueued in " + q->name);
    dispatch(q);
}

// --- delivering ------------------------------------------------------------------------------

bool Broker::State::hasCapacity(const ConsumerState &c)
{
    return c.active && c.channel->open &&
           (c.noAck || c.channel->prefetch == 0 || c.unacked < c.channel->prefetch);
}

// Hands ready messages to consumers in turn (round-robin), skipping those at their
// prefetch limit, until the queue is empty or nobody can take more.
void Broker::State::dispatch(const std::shared_ptr<QueueState> &q)
{
    while (!q->ready.empty() && !q->consumers.empty()) {
        const auto n = q->consumers.size();
        std::shared_ptr<ConsumerState> chosen;
        for (std::size_t k = 0; k < n; ++k) {
            const auto i = (q->nextConsumer + k) % n;
            if (hasCapacity(*q->consumers[i])) {
                chosen = q->consumers[i];
                q->nextConsumer = (i + 1) % n;
                break;
            }
        }
        if (!chosen)
            return;
        QueuedMessage m = std::move(q->ready.front());
        q->ready.pop_front();
        deliver(q, chosen, std::move(m));
    }
}

void Broker::State::deliver(const std::shared_ptr<QueueState> &q,
                            const std::shared_ptr<ConsumerState> &c, QueuedMessage m)
{
    ChannelState &ch = *c->channel;
    PendingDelivery p;
    p.delivery.consumerTag = c->tag;
    p.delivery.deliveryTag = ch.nextTag++;
    p.delivery.redelivered = m.redelivered;
    p.delivery.exchange = m.msg->exchange;
    p.delivery.routingKey = m.msg->routingKey;
    p.delivery.message = m.msg->message;
    p.noAck = c->noAck;
    p.seq = m.msg->seq;
    ++stats.delivered;
    if (m.redelivered)
        ++stats.redelivered;
    if (c->noAck) {
        if (m.journalId)
            journal.remove(m.journalId); // auto-ack: settled the moment it is sent
    } else {
        ch.unacked.push_back({p.delivery.deliveryTag, true, q, std::move(m), c});
        ++q->unacked;
        ++c->unacked;
    }
    if (trace) {
        p.queue = q->name;
        wb::record(trace,
                   events::Deliver{.msg = p.seq,
                                   .queue = q->name,
                                   .consumer = c->tag,
                                   .channel = ch.id,
                                   .deliveryTag = p.delivery.deliveryTag,
                                   .redelivered = p.delivery.redelivered,
                                   .noAck = c->noAck,
                                   .ready = q->ready.size(),
                                   .unacked = q->unacked},
                   "message " + std::to_string(p.seq) + " delivered from " + q->name + " to " +
                       c->tag,
                   static_cast<std::int32_t>(ch.connection->id));
    }
    ch.inbox.push_back(std::move(p));
    ch.arrived.notify_one();
}

std::string Broker::State::consume(ChannelState &ch, const std::string &queue, std::string tag,
                                   bool noAck, bool exclusive)
{
    auto q = queueNamed(ch, queue);
    if (tag.empty())
        tag = "amq.ctag-" + std::to_string(++generated);
    if (ch.consumers.count(tag))
        fail(NotAllowed, "attempt to reuse consumer tag " + inQuotes(tag));
    const bool lockedOut = std::any_of(q->consumers.begin(), q->consumers.end(),
                                       [](const auto &c) { return c->exclusive; });
    if (lockedOut || (exclusive && !q->consumers.empty()))
        fail(AccessRefused,
             "queue " + inQuotes(queue) + " in vhost " + kVhost + " in exclusive use");
    auto c = std::make_shared<ConsumerState>();
    c->tag = tag;
    c->channel = &ch;
    c->queue = q;
    c->noAck = noAck;
    c->exclusive = exclusive;
    q->consumers.push_back(c);
    ch.consumers[tag] = c;
    if (trace)
        wb::record(trace, events::Consume{queue, tag, ch.id, noAck, ch.prefetch},
                   "consumer " + tag + " subscribed to " + queue,
                   static_cast<std::int32_t>(ch.connection->id));
    dispatch(q);
    return tag;
}

// By value: callers pass references into maps this function erases from.
void Broker::State::removeConsumer(std::shared_ptr<ConsumerState> c, const char *reason)
{
    c->active = false;
    c->channel->consumers.erase(c->tag);
    auto q = c->queue;
    auto &list = q->consumers;
    const auto it = std::find(list.begin(), list.end(), c);
    if (it == list.end())
        return;
    const auto index = static_cast<std::size_t>(it - list.begin());
    list.erase(it);
    if (q->nextConsumer > index)
        --q->nextConsumer;
    if (list.empty() || q->nextConsumer >= list.size())
        q->nextConsumer = 0;
    if (trace)
        wb::record(trace, events::Cancel{q->name, c->tag, reason},
                   "consumer " + c->tag + " cancelled (" + reason + ")");
    if (q->flags.autoDelete && list.empty())
        removeQueue(q, "auto_delete: last consumer gone");
}

void Broker::State::cancel(ChannelState &ch, const std::string &tag)
{
    auto it = ch.consumers.find(tag);
    if (it != ch.consumers.end())
        removeConsumer(it->second, "basic.cancel");
}

std::optional<Delivery> Broker::State::get(ChannelState &ch, const std::string &queue, bool noAck)
{
    auto q = queueNamed(ch, queue);
    if (q->ready.empty())
        return std::nullopt;
    QueuedMessage m = std::move(q->ready.front());
    q->ready.pop_front();
    Delivery d;
    d.deliveryTag = ch.nextTag++;
    d.redelivered = m.redelivered;
    d.exchange = m.msg->exchange;
    d.routingKey = m.msg->routingKey;
    d.message = m.msg->message;
    d.messageCount = static_cast<std::uint32_t>(q->ready.size());
    const auto seq = m.msg->seq;
    ++stats.delivered;
    if (m.redelivered)
        ++stats.redelivered;
    if (noAck) {
        if (m.journalId)
            journal.remove(m.journalId);
    } else {
        ch.unacked.push_back({d.deliveryTag, true, q, std::move(m), nullptr});
        ++q->unacked;
    }
    if (trace)
        wb::record(trace,
                   events::Deliver{.msg = seq,
                                   .queue = queue,
                                   .consumer = "",
                                   .channel = ch.id,
                                   .deliveryTag = d.deliveryTag,
                                   .redelivered = d.redelivered,
                                   .noAck = noAck,
                                   .ready = q->ready.size(),
                                   .unacked = q->unacked},
                   "message " + std::to_string(seq) + " fetched from " + queue + " (basic.get)",
                   static_cast<std::int32_t>(ch.connection->id));
    return d;
}

// --- acknowledging ---------------------------------------------------------------------------

// The live entries `tag` names: that one, or with `multiple` every one up to it (tag 0
// with multiple: all). 406 when the tag is not outstanding, as RabbitMQ answers.
std::vector<UnackedDelivery *> Broker::State::outstanding(ChannelState &ch, std::uint64_t tag,
                                                          bool multiple)
{
    std::vector<UnackedDelivery *> found;
    if (multiple && tag == 0) {
        for (auto &u : ch.unacked)
            if (u.live)
                found.push_back(&u);
        return found;
    }
    auto it =
        std::lower_bound(ch.unacked.begin(), ch.unacked.end(), tag,
                         [](const UnackedDelivery &u, std::uint64_t t) { return u.tag < t; });
    if (it == ch.unacked.end() || it->tag != tag || !it->live)
        fail(PreconditionFailed, "unknown delivery tag " + std::to_string(tag));
    if (multiple)
        for (auto j = ch.unacked.begin(); j != it; ++j)
            if (j->live)
                found.push_back(&*j);
    found.push_back(&*it);
    return found;
}

void Broker::State::settle(ChannelState &ch, UnackedDelivery &u, Settle how, const char *reason)
{
    u.live = false;
    auto &q = *u.queue;
    --q.unacked;
    if (u.consumer)
        --u.consumer->unacked;
    const auto seq = u.message.msg->seq;
    const auto thread = static_cast<std::int32_t>(ch.connection->id);
    if (how == Settle::Requeue && !q.deleted) {
        u.message.redelivered = true;
        q.ready.push_front(std::move(u.message)); // back where it was: first in line
        ++stats.requeued;
        if (trace)
            wb::record(
                trace, events::Requeue{seq, q.name, u.tag, reason, q.ready.size(), q.unacked},
                "message " + std::to_string(seq) + " requeued to " + q.name + " (" + reason + ")",
                thread);
        return;
    }
    if (u.message.journalId && !q.deleted)
        journal.remove(u.message.journalId);
    if (how == Settle::Ack) {
        ++stats.acked;
        if (trace)
            wb::record(trace,
                       events::Ack{.msg = seq,
                                   .queue = q.name,
                                   .channel = ch.id,
                                   .deliveryTag = u.tag,
                                   .ready = q.ready.size(),
                                   .unacked = q.unacked},
                       "message " + std::to_string(seq) + " acked", thread);
    } else {
        ++stats.dropped;
        if (trace)
            wb::record(trace,
                       events::Drop{.msg = seq,
                                    .queue = q.name,
                                    .reason = reason,
                                    .ready = q.ready.size(),
                                    .unacked = q.unacked},
                       "message " + std::to_string(seq) + " dropped (" + reason + ")", thread);
    }
    u.message.msg.reset();
}

void Broker::State::compactUnacked(ChannelState &ch)
{
    while (!ch.unacked.empty() && !ch.unacked.front().live)
        ch.unacked.pop_front();
}

void Broker::State::ack(ChannelState &ch, std::uint64_t tag, bool multiple)
{
    auto found = outstanding(ch, tag, multiple);
    std::vector<std::shared_ptr<QueueState>> touched;
    for (auto *u : found) {
        touched.push_back(u->queue);
        settle(ch, *u, Settle::Ack, "ack");
    }
    compactUnacked(ch);
    redispatch(touched);
}

void Broker::State::nack(ChannelState &ch, std::uint64_t tag, bool multiple, bool requeue,
                         bool reject)
{
    auto found = outstanding(ch, tag, multiple);
    ++stats.nacked;
    if (trace) {
        std::string label = std::string(reject ? "basic.reject " : "basic.nack ") +
                            std::to_string(tag) + (requeue ? ", requeue" : ", no requeue");
        const auto thread = static_cast<std::int32_t>(ch.connection->id);
        if (reject)
            wb::record(trace, events::Reject{ch.id, tag, multiple, requeue, found.size()},
                       std::move(label), thread);
        else
            wb::record(trace, events::Nack{ch.id, tag, multiple, requeue, found.size()},
                       std::move(label), thread);
    }
    std::vector<std::shared_ptr<QueueState>> touched;
    // Newest first, so that pushing each to the front restores the original order.
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
        touched.push_back((*it)->queue);
        settle(ch, **it, requeue ? Settle::Requeue : Settle::Drop,
               reject ? "basic.reject" : "basic.nack");
    }
    compactUnacked(ch);
    redispatch(touched);
}

void Broker::State::redispatch(std::vector<std::shared_ptr<QueueState>> &queues)
{
    std::sort(queues.begin(), queues.end());
    queues.erase(std::unique(queues.begin(), queues.end()), queues.end());
    for (auto &q : queues)
        if (!q->deleted)
            dispatch(q);
}

void Broker::State::setPrefetch(ChannelState &ch, std::uint16_t prefetch)
{
    ch.prefetch = prefetch;
    if (trace)
        wb::record(trace, events::Qos{ch.id, prefetch},
                   "channel " + std::to_string(ch.id) + " prefetch " + std::to_string(prefetch),
                   static_cast<std::int32_t>(ch.connection->id));
    std::vector<std::shared_ptr<QueueState>> touched;
    for (auto &[tag, c] : ch.consumers)
        touched.push_back(c->queue);
    redispatch(touched);
}

// --- Broker -----------------------------------------------------------------------------------

Broker::Broker(BrokerOptions options) : m_state(std::make_shared<State>())
{
    m_state->options = std::move(options);
    m_state->trace = m_state->options.trace;
    std::lock_guard lock(m_state->mutex);
    m_state->recover();
}

Broker::~Broker()
{
    std::lock_guard lock(m_state->mutex);
    m_state->shutdown("broker shut down");
}

std::vector<ExchangeInfo> Broker::listExchanges() const
{
    std::lock_guard lock(m_state->mutex);
    std::vector<ExchangeInfo> rows;
    for (const auto &[name, e] : m_state->exchanges)
        rows.push_back(e->info);
    return rows;
}

std::vector<QueueInfo> Broker::listQueues() const
{
    std::lock_guard lock(m_state->mutex);
    std::vector<QueueInfo> rows;
    for (const auto &[name, q] : m_state->queues)
        rows.push_back({name, q->flags.durable, q->flags.exclusive, q->flags.autoDelete,
                        q->ready.size(), q->unacked,
                        static_cast<std::uint32_t>(q->consumers.size())});
    return rows;
}

std::vector<BindingInfo> Broker::listBindings() const
{
    std::lock_guard lock(m_state->mutex);
    std::vector<BindingInfo> rows;
    for (const auto &[name, q] : m_state->queues)
        rows.push_back({"", name, name, {}});
    for (const auto &[name, e] : m_state->exchanges)
        for (const auto &b : e->bindings)
            rows.push_back({name, b.queue->name, b.key.key, b.key.arguments});
    return rows;
}

BrokerStats Broker::stats() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->stats;
}

void Broker::restart()
{
    std::lock_guard lock(m_state->mutex);
    m_state->shutdown("broker forced connection closure with reason 'shutdown'");
    if (m_state->trace)
        wb::record(m_state->trace, events::Restart{}, "broker restarting");
    m_state->recover();
}

std::string Broker::journalError() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->journalError;
}

std::string Broker::journalRecovery() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->journalRecovery;
}

const std::filesystem::path &Broker::dataDir() const
{
    return m_state->options.dataDir;
}

} // namespace wb::messaging
