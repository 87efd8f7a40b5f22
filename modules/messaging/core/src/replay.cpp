#include "messaging/core/replay.h"

#include "messaging/core/events.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>

namespace wb::messaging {

const ConsumerView *MessagingState::consumer(const std::string &tag) const
{
    const auto it = consumers.find(tag);
    return it == consumers.end() ? nullptr : &it->second;
}

std::string MessagingState::routingKeyOf(std::uint64_t msg) const
{
    const auto it = messages.find(msg);
    return it == messages.end() ? std::string() : it->second.routingKey;
}

namespace {

void addMove(MessagingState &s, const wb::Event &e, MoveKind kind, std::uint64_t msg,
             std::string queue = {}, std::string consumer = {}, bool redelivered = false)
{
    s.moves.push_back({kind, msg, s.routingKeyOf(msg), std::move(queue), std::move(consumer),
                       redelivered, e.seq, e.tNs});
    while (s.moves.size() > MessagingState::kMoves)
        s.moves.pop_front();
}

std::optional<std::uint64_t> present(std::uint64_t v)
{
    return v;
}
std::optional<std::uint64_t> present(const std::optional<std::uint64_t> &v)
{
    return v;
}

// The queue depth an event reports (enqueue, deliver, ack, ...): ready and unacked when it
// carries them; either may be absent.
template <class E>
std::pair<std::optional<std::uint64_t>, std::optional<std::uint64_t>> depthOf(const E &ev)
{
    std::pair<std::optional<std::uint64_t>, std::optional<std::uint64_t>> d;
    if constexpr (requires { ev.ready; })
        d.first = present(ev.ready);
    if constexpr (requires { ev.unacked; })
        d.second = present(ev.unacked);
    return d;
}

// Takes the queue's depth from an event that reports it.
template <class E> void takeDepth(QueueView &q, const E &ev)
{
    const auto [ready, unacked] = depthOf(ev);
    if (ready)
        q.ready = *ready;
    if (unacked)
        q.unacked = *unacked;
}

// One queue copy of a message is settled (acked or dropped): forget the message after its
// last copy.
void settled(MessagingState &s, std::uint64_t msg)
{
    const auto it = s.messages.find(msg);
    if (it != s.messages.end() && --it->second.copies <= 0)
        s.messages.erase(it);
}

// The consumer of `queue` holding `msg`, or null; removes the message from its hands.
ConsumerView *release(MessagingState &s, const std::string &queue, std::uint64_t msg)
{
    for (auto &[tag, c] : s.consumers) {
        if (c.queue != queue)
            continue;
        const auto it = std::find(c.holding.begin(), c.holding.end(), msg);
        if (it != c.holding.end()) {
            c.holding.erase(it);
            return &c;
        }
    }
    return nullptr;
}

// Takes message `msg` out of the ready list (the front, normally). A message the state never
// saw enqueued (recovered after a restart) takes the first unnumbered entry and its key.
void takeWaiting(MessagingState &s, QueueView &q, std::uint64_t msg)
{
    auto it = std::find_if(q.waiting.begin(), q.waiting.end(),
                           [&](const QueueView::Waiting &w) { return w.msg == msg; });
    if (it == q.waiting.end()) {
        it = std::find_if(q.waiting.begin(), q.waiting.end(),
                          [](const QueueView::Waiting &w) { return w.msg == 0; });
        if (it == q.waiting.end())
            return;
        auto &m = s.messages[msg];
        m.routingKey = it->routingKey;
        m.copies = 1;
    }
    q.waiting.erase(it);
}

// A broker restart: connections, consumers, transient definitions and every message that is
// not persistent in a durable queue are gone (what the journal keeps, see broker.h).
void restart(MessagingState &s)
{
    ++s.restarts;
    s.consumers.clear();
    std::erase_if(s.exchanges, [](const auto &e) { return !e.second.durable; });
    std::erase_if(s.queues, [](const auto &q) { return !q.second.durable || q.second.exclusive; });
    std::erase_if(s.bindings, [&](const BindingView &b) {
        return !s.exchanges.count(b.exchange) || !s.queues.count(b.queue);
    });
    for (auto &[name, q] : s.queues) {
        std::deque<QueueView::Waiting> survivors;
        for (const auto &w : q.waiting) {
            const auto m = s.messages.find(w.msg);
            const bool persistent = w.msg == 0 || (m != s.messages.end() && m->second.persistent);
            if (persistent)
                survivors.push_back({0, w.msg ? m->second.routingKey : w.routingKey});
        }
        q.waiting = std::move(survivors);
        q.ready = q.waiting.size();
        q.unacked = 0;
    }
    s.messages.clear();
}

void declareExchange(MessagingState &s, const std::string &name, const std::string &type,
                     bool durable, bool autoDelete)
{
    ExchangeView x;
    x.name = name;
    x.type = type;
    x.durable = durable;
    x.autoDelete = autoDelete;
    s.exchanges[x.name] = std::move(x);
}

QueueView &declareQueue(MessagingState &s, const std::string &name, bool durable, bool exclusive,
                        bool autoDelete)
{
    auto &q = s.queues[name];
    q.name = name;
    q.durable = durable;
    q.exclusive = exclusive;
    q.autoDelete = autoDelete;
    return q;
}

void addBinding(MessagingState &s, BindingView b)
{
    if (std::find(s.bindings.begin(), s.bindings.end(), b) == s.bindings.end())
        s.bindings.push_back(std::move(b));
}

// Forgets what waits in a queue that is deleted or purged.
void settleWaiting(MessagingState &s, QueueView &q)
{
    for (const auto &w : q.waiting)
        settled(s, w.msg);
}

} // namespace

void applyMessagingEvent(MessagingState &s, const wb::Event &e)
{
    using namespace events;
    ++s.events;
    MessagingEvents::visit(
        e, wb::Overloaded{
               [&](const Publish &p) {
                   auto &m = s.messages[p.msg];
                   m.routingKey = p.routingKey;
                   m.body = p.body;
                   m.persistent = p.persistent;
                   ++s.totals.published;
                   addMove(s, e, MoveKind::Publish, p.msg);
               },
               [&](const Route &r) {
                   ++s.totals.routed;
                   addMove(s, e, MoveKind::Route, r.msg, r.queue);
               },
               [&](const Unroutable &u) {
                   ++s.totals.unroutable;
                   addMove(s, e, MoveKind::Unroutable, u.msg);
                   s.messages.erase(u.msg);
               },
               [&](const Return &r) {
                   ++s.totals.returned;
                   addMove(s, e, MoveKind::Return, r.msg);
               },
               [&](const Enqueue &en) {
                   auto &q = s.queues[en.queue];
                   takeDepth(q, en);
                   ++q.enqueued;
                   q.waiting.push_back({en.msg, s.routingKeyOf(en.msg)});
                   ++s.messages[en.msg].copies;
               },
               [&](const Deliver &d) {
                   auto &q = s.queues[d.queue];
                   takeWaiting(s, q, d.msg);
                   takeDepth(q, d);
                   ++q.delivered;
                   ++s.totals.delivered;
                   if (d.redelivered)
                       ++s.totals.redelivered;
                   if (auto it = s.consumers.find(d.consumer); it != s.consumers.end()) {
                       ++it->second.delivered;
                       if (d.redelivered)
                           ++it->second.redelivered;
                       if (!d.noAck)
                           it->second.holding.push_back(d.msg);
                   }
                   addMove(s, e, MoveKind::Deliver, d.msg, d.queue, d.consumer, d.redelivered);
                   if (d.noAck)
                       settled(s, d.msg); // settled the moment it is sent
               },
               [&](const Ack &a) {
                   auto &q = s.queues[a.queue];
                   takeDepth(q, a);
                   ++q.acked;
                   ++s.totals.acked;
                   std::string holder;
                   if (ConsumerView *c = release(s, a.queue, a.msg)) {
                       ++c->acked;
                       holder = c->tag;
                   }
                   addMove(s, e, MoveKind::Ack, a.msg, a.queue, holder);
                   settled(s, a.msg);
               },
               // The requeue or drop of each settled delivery follows.
               [&](const Nack &) {},
               [&](const Reject &) {},
               [&](const Requeue &r) {
                   auto &q = s.queues[r.queue];
                   takeDepth(q, r);
                   ++s.totals.requeued;
                   std::string holder;
                   if (ConsumerView *c = release(s, r.queue, r.msg))
                       holder = c->tag;
                   q.waiting.push_front({r.msg, s.routingKeyOf(r.msg)});
                   addMove(s, e, MoveKind::Requeue, r.msg, r.queue, holder, true);
               },
               [&](const Drop &d) {
                   ++s.totals.dropped;
                   if (auto it = s.queues.find(d.queue); it != s.queues.end()) {
                       takeDepth(it->second, d);
                       release(s, d.queue, d.msg);
                   }
                   addMove(s, e, MoveKind::Drop, d.msg, d.queue);
                   settled(s, d.msg);
               },
               [&](const Confirm &) {},
               [&](const Consume &c) {
                   ConsumerView v;
                   v.tag = c.consumer;
                   v.queue = c.queue;
                   v.connection = e.thread;
                   v.channel = c.channel;
                   v.prefetch = c.prefetch;
                   v.noAck = c.noAck;
                   s.consumers[v.tag] = std::move(v);
               },
               [&](const Cancel &c) { s.consumers.erase(c.consumer); },
               [&](const Qos &qos) {
                   for (auto &[tag, c] : s.consumers)
                       if (c.connection == e.thread && c.channel == qos.channel)
                           c.prefetch = qos.prefetch;
               },
               [&](const ExchangeDeclare &x) {
                   declareExchange(s, x.exchange, x.type, x.durable, x.autoDelete);
               },
               [&](const StateExchange &x) {
                   declareExchange(s, x.exchange, x.type, x.durable, x.autoDelete);
               },
               [&](const ExchangeDelete &x) {
                   s.exchanges.erase(x.exchange);
                   std::erase_if(s.bindings,
                                 [&](const BindingView &b) { return b.exchange == x.exchange; });
               },
               [&](const QueueDeclare &q) {
                   declareQueue(s, q.queue, q.durable, q.exclusive, q.autoDelete);
               },
               [&](const StateQueue &sq) {
                   auto &q = declareQueue(s, sq.queue, sq.durable, sq.exclusive, sq.autoDelete);
                   q.ready = sq.ready;
                   q.unacked = sq.unacked;
                   q.waiting.assign(q.ready, QueueView::Waiting{});
               },
               [&](const QueueDelete &d) {
                   if (auto it = s.queues.find(d.queue); it != s.queues.end()) {
                       settleWaiting(s, it->second);
                       s.queues.erase(it);
                   }
                   std::erase_if(s.bindings,
                                 [&](const BindingView &b) { return b.queue == d.queue; });
                   std::erase_if(s.consumers,
                                 [&](const auto &c) { return c.second.queue == d.queue; });
               },
               [&](const QueuePurge &p) {
                   if (auto it = s.queues.find(p.queue); it != s.queues.end()) {
                       settleWaiting(s, it->second);
                       it->second.waiting.clear();
                       it->second.ready = 0;
                   }
               },
               [&](const Bind &b) {
                   addBinding(s, {b.exchange, b.queue, b.key});
               },
               [&](const StateBinding &b) {
                   addBinding(s, {b.exchange, b.queue, b.key});
               },
               [&](const Unbind &b) {
                   std::erase(s.bindings, BindingView{b.exchange, b.queue, b.key});
               },
               [&](const Error &err) {
                   ++s.totals.errors;
                   s.lastError = std::to_string(err.code) + ": " + err.text;
               },
               [&](const ChannelOpen &) {},
               [&](const ChannelClose &) {},
               [&](const ConnectionOpen &) {},
               [&](const ConnectionClose &) {},
               [&](const Restart &) { restart(s); },
               [&](const Recover &r) {
                   // A broker without a journal comes back with its pre-declared exchanges only;
                   // one whose journal could not be read (no counts) runs in memory, the same.
                   if (r.exchanges.value_or(0) == 0 && r.queues.value_or(0) == 0) {
                       std::erase_if(s.exchanges, [](const auto &x) {
                           return !x.first.empty() && x.first.rfind("amq.", 0) != 0;
                       });
                       s.queues.clear();
                       s.bindings.clear();
                   }
               },
               [&](const QueueDepth &d) {
                   // A count without the messages (a real broker's passive declare).
                   auto &q = s.queues[d.queue];
                   q.ready = d.ready;
                   while (q.waiting.size() > q.ready)
                       q.waiting.pop_front();
                   while (q.waiting.size() < q.ready)
                       q.waiting.push_back({});
               },
               [&](const StateReset &) {
                   const auto restarts = s.restarts;
                   s = MessagingState{};
                   s.restarts = restarts;
                   s.events = 1;
               },
           });
}

// ---------------------------------------------------------------------------------------------

void RateSeries::clear()
{
    buckets.clear();
    depth.clear();
    processed = 0;
}

void RateSeries::update(const wb::Trace &trace)
{
    const std::size_t n = trace.size();
    for (; processed < n; ++processed) {
        const wb::Event &e = trace.at(processed);
        const auto index = static_cast<std::size_t>(std::max<std::int64_t>(0, e.tNs) / bucketNs);
        while (buckets.size() <= index)
            buckets.push_back({0, 0, 0, 0, processed});
        Bucket &b = buckets[index];
        events::MessagingEvents::visit(e, [&](const auto &ev) {
            using E = std::remove_cvref_t<decltype(ev)>;
            if constexpr (std::is_same_v<E, events::Publish>) {
                ++b.published;
            } else if constexpr (std::is_same_v<E, events::Deliver>) {
                ++b.delivered;
                if (ev.redelivered)
                    ++b.redelivered;
            } else if constexpr (std::is_same_v<E, events::Ack>) {
                ++b.acked;
            }
            if constexpr (requires { ev.queue; }) {
                const auto [ready, unacked] = depthOf(ev);
                if (!ready || !unacked)
                    return;
                auto &series = depth[ev.queue];
                const std::uint64_t d = *ready + *unacked;
                if (!series.empty() && series.back().first == index)
                    series.back().second = d;
                else
                    series.emplace_back(index, d);
            }
        });
    }
}

std::size_t RateSeries::bucketAt(std::size_t position) const
{
    if (buckets.empty() || position == 0)
        return 0;
    // The last bucket whose first event is before `position`.
    const auto it =
        std::upper_bound(buckets.begin(), buckets.end(), position - 1,
                         [](std::size_t p, const Bucket &b) { return p < b.firstEvent; });
    return it == buckets.begin() ? 0 : static_cast<std::size_t>(it - buckets.begin() - 1);
}

} // namespace wb::messaging
