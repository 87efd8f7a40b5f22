#include "messaging/core/replay.h"

#include <algorithm>

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

std::uint64_t count(const wb::Event &e, std::string_view key)
{
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, e.intField(key)));
}

void addMove(MessagingState &s, const wb::Event &e, MoveKind kind, std::uint64_t msg,
             std::string queue = {}, std::string consumer = {}, bool redelivered = false)
{
    s.moves.push_back({kind, msg, s.routingKeyOf(msg), std::move(queue), std::move(consumer),
                       redelivered, e.seq, e.tNs});
    while (s.moves.size() > MessagingState::kMoves)
        s.moves.pop_front();
}

// Takes the queue's depth from an event that reports it (enqueue, deliver, ack, ...).
void takeDepth(QueueView &q, const wb::Event &e)
{
    if (e.field("ready"))
        q.ready = count(e, "ready");
    if (e.field("unacked"))
        q.unacked = count(e, "unacked");
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

} // namespace

void applyMessagingEvent(MessagingState &s, const wb::Event &e)
{
    ++s.events;
    const std::string &k = e.kind;
    const auto msg = count(e, "msg");
    if (k == "publish") {
        auto &m = s.messages[msg];
        m.routingKey = e.stringField("routing_key");
        m.body = e.stringField("body");
        m.persistent = e.intField("persistent") != 0;
        ++s.totals.published;
        addMove(s, e, MoveKind::Publish, msg);
    } else if (k == "route") {
        ++s.totals.routed;
        addMove(s, e, MoveKind::Route, msg, e.stringField("queue"));
    } else if (k == "unroutable") {
        ++s.totals.unroutable;
        addMove(s, e, MoveKind::Unroutable, msg);
        s.messages.erase(msg);
    } else if (k == "return") {
        ++s.totals.returned;
        addMove(s, e, MoveKind::Return, msg);
    } else if (k == "enqueue") {
        auto &q = s.queues[e.stringField("queue")];
        takeDepth(q, e);
        ++q.enqueued;
        q.waiting.push_back({msg, s.routingKeyOf(msg)});
        ++s.messages[msg].copies;
    } else if (k == "deliver") {
        const std::string queue = e.stringField("queue");
        const std::string tag = e.stringField("consumer");
        auto &q = s.queues[queue];
        takeWaiting(s, q, msg);
        takeDepth(q, e);
        ++q.delivered;
        const bool redelivered = e.intField("redelivered") != 0;
        const bool noAck = e.intField("no_ack") != 0;
        ++s.totals.delivered;
        if (redelivered)
            ++s.totals.redelivered;
        if (auto it = s.consumers.find(tag); it != s.consumers.end()) {
            ++it->second.delivered;
            if (redelivered)
                ++it->second.redelivered;
            if (!noAck)
                it->second.holding.push_back(msg);
        }
        addMove(s, e, MoveKind::Deliver, msg, queue, tag, redelivered);
        if (noAck)
            settled(s, msg); // settled the moment it is sent
    } else if (k == "ack") {
        const std::string queue = e.stringField("queue");
        auto &q = s.queues[queue];
        takeDepth(q, e);
        ++q.acked;
        ++s.totals.acked;
        std::string holder;
        if (ConsumerView *c = release(s, queue, msg)) {
            ++c->acked;
            holder = c->tag;
        }
        addMove(s, e, MoveKind::Ack, msg, queue, holder);
        settled(s, msg);
    } else if (k == "requeue") {
        const std::string queue = e.stringField("queue");
        auto &q = s.queues[queue];
        takeDepth(q, e);
        ++s.totals.requeued;
        std::string holder;
        if (ConsumerView *c = release(s, queue, msg))
            holder = c->tag;
        q.waiting.push_front({msg, s.routingKeyOf(msg)});
        addMove(s, e, MoveKind::Requeue, msg, queue, holder, true);
    } else if (k == "drop") {
        const std::string queue = e.stringField("queue");
        ++s.totals.dropped;
        if (auto it = s.queues.find(queue); it != s.queues.end()) {
            takeDepth(it->second, e);
            release(s, queue, msg);
        }
        addMove(s, e, MoveKind::Drop, msg, queue);
        settled(s, msg);
    } else if (k == "consume") {
        ConsumerView c;
        c.tag = e.stringField("consumer");
        c.queue = e.stringField("queue");
        c.connection = e.thread;
        c.channel = e.intField("channel");
        c.prefetch = e.intField("prefetch");
        c.noAck = e.intField("no_ack") != 0;
        s.consumers[c.tag] = std::move(c);
    } else if (k == "cancel") {
        s.consumers.erase(e.stringField("consumer"));
    } else if (k == "qos") {
        const auto channel = e.intField("channel");
        for (auto &[tag, c] : s.consumers)
            if (c.connection == e.thread && c.channel == channel)
                c.prefetch = e.intField("prefetch");
    } else if (k == "exchange.declare" || k == "state.exchange") {
        ExchangeView x;
        x.name = e.stringField("exchange");
        x.type = e.stringField("type");
        x.durable = e.intField("durable") != 0;
        x.autoDelete = e.intField("auto_delete") != 0;
        s.exchanges[x.name] = std::move(x);
    } else if (k == "exchange.delete") {
        const std::string name = e.stringField("exchange");
        s.exchanges.erase(name);
        std::erase_if(s.bindings, [&](const BindingView &b) { return b.exchange == name; });
    } else if (k == "queue.declare" || k == "state.queue") {
        auto &q = s.queues[e.stringField("queue")];
        q.name = e.stringField("queue");
        q.durable = e.intField("durable") != 0;
        q.exclusive = e.intField("exclusive") != 0;
        q.autoDelete = e.intField("auto_delete") != 0;
        if (k == "state.queue") {
            q.ready = count(e, "ready");
            q.unacked = count(e, "unacked");
            q.waiting.assign(q.ready, QueueView::Waiting{});
        }
    } else if (k == "queue.delete") {
        const std::string name = e.stringField("queue");
        if (auto it = s.queues.find(name); it != s.queues.end()) {
            for (const auto &w : it->second.waiting)
                settled(s, w.msg);
            s.queues.erase(it);
        }
        std::erase_if(s.bindings, [&](const BindingView &b) { return b.queue == name; });
        std::erase_if(s.consumers, [&](const auto &c) { return c.second.queue == name; });
    } else if (k == "queue.purge") {
        if (auto it = s.queues.find(e.stringField("queue")); it != s.queues.end()) {
            for (const auto &w : it->second.waiting)
                settled(s, w.msg);
            it->second.waiting.clear();
            it->second.ready = 0;
        }
    } else if (k == "bind" || k == "state.binding") {
        BindingView b{e.stringField("exchange"), e.stringField("queue"), e.stringField("key")};
        if (std::find(s.bindings.begin(), s.bindings.end(), b) == s.bindings.end())
            s.bindings.push_back(std::move(b));
    } else if (k == "unbind") {
        std::erase(s.bindings, BindingView{e.stringField("exchange"), e.stringField("queue"),
                                           e.stringField("key")});
    } else if (k == "error") {
        ++s.totals.errors;
        s.lastError = std::to_string(e.intField("code")) + ": " + e.stringField("text");
    } else if (k == "restart") {
        restart(s);
    } else if (k == "recover") {
        // A broker without a journal comes back with its pre-declared exchanges only.
        if (e.intField("exchanges") == 0 && e.intField("queues") == 0) {
            std::erase_if(s.exchanges, [](const auto &x) {
                return !x.first.empty() && x.first.rfind("amq.", 0) != 0;
            });
            s.queues.clear();
            s.bindings.clear();
        }
    } else if (k == "queue.depth") {
        // A count without the messages (a real broker's passive declare).
        auto &q = s.queues[e.stringField("queue")];
        q.ready = count(e, "ready");
        while (q.waiting.size() > q.ready)
            q.waiting.pop_front();
        while (q.waiting.size() < q.ready)
            q.waiting.push_back({});
    } else if (k == "state.reset") {
        const auto restarts = s.restarts;
        s = MessagingState{};
        s.restarts = restarts;
        s.events = 1;
    }
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
        if (e.kind == "publish") {
            ++b.published;
        } else if (e.kind == "deliver") {
            ++b.delivered;
            if (e.intField("redelivered"))
                ++b.redelivered;
        } else if (e.kind == "ack") {
            ++b.acked;
        }
        if (e.field("ready") && e.field("unacked") && e.field("queue")) {
            auto &series = depth[e.stringField("queue")];
            const std::uint64_t d = count(e, "ready") + count(e, "unacked");
            if (!series.empty() && series.back().first == index)
                series.back().second = d;
            else
                series.emplace_back(index, d);
        }
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
