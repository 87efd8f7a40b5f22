#include "messaging/core/broker.h"

#include "messaging/core/journal.h"
#include "messaging/core/routing.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <type_traits>
#include <utility>

namespace wb::messaging {

namespace {

const char *const kVhost = "'/'";

struct StoredMessage
{
    std::uint64_t seq; // the broker's number for this publish; "msg" in every event
    std::string exchange;
    std::string routingKey;
    Message message;
};
using MessagePtr = std::shared_ptr<const StoredMessage>;

struct QueuedMessage
{
    MessagePtr msg;
    bool redelivered = false;
    std::uint64_t journalId = 0; // 0: not on disk
};

struct QueueState;
struct ChannelState;

struct ConsumerState
{
    std::string tag;
    ChannelState *channel = nullptr; // valid while active
    std::shared_ptr<QueueState> queue;
    bool noAck = false;
    bool exclusive = false;
    bool active = true;
    std::uint32_t unacked = 0;
};

struct QueueState
{
    std::string name;
    QueueFlags flags;
    std::uint64_t owner = 0; // the connection of an exclusive queue
    std::deque<QueuedMessage> ready;
    std::vector<std::shared_ptr<ConsumerState>> consumers;
    std::size_t nextConsumer = 0; // round-robin position
    std::uint64_t unacked = 0;
    bool deleted = false;

    bool journaled() const { return flags.durable && !flags.exclusive; }
};

struct BindingState
{
    std::shared_ptr<QueueState> queue;
    BindingKey key;
};

struct ExchangeState
{
    ExchangeInfo info;
    std::unique_ptr<Exchange> rule;
    std::vector<BindingState> bindings;
};

struct UnackedDelivery
{
    std::uint64_t tag = 0;
    bool live = true;
    std::shared_ptr<QueueState> queue;
    QueuedMessage message;
    std::shared_ptr<ConsumerState> consumer; // null for basic.get
};

// A delivery handed to the channel but not yet taken by the client.
struct PendingDelivery
{
    Delivery delivery;
    bool noAck = false;
    std::uint64_t seq = 0;
    std::string queue;
};

struct ConnectionState;

struct ChannelState
{
    std::uint16_t id = 0;
    ConnectionState *connection = nullptr;
    bool open = true;
    int closeCode = 0;
    std::string closeText;
    std::deque<PendingDelivery> inbox;
    std::condition_variable arrived;
    std::deque<UnackedDelivery> unacked; // ascending tags; settled entries are tombstones
    std::uint64_t nextTag = 1;
    std::uint16_t prefetch = 0;
    bool confirm = false;
    std::uint64_t publishSeq = 0;
    std::vector<ReturnedMessage> returns;
    std::map<std::string, std::shared_ptr<ConsumerState>> consumers;
};

struct ConnectionState
{
    std::uint64_t id = 0;
    std::string name;
    bool open = true;
    int closeCode = 0;
    std::string closeText;
    std::uint16_t nextChannel = 1;
    std::vector<std::shared_ptr<ChannelState>> channels;
};

std::string inQuotes(const std::string &s)
{
    return "'" + s + "'";
}

std::string boolText(bool b)
{
    return b ? "true" : "false";
}

[[noreturn]] void fail(int code, std::string text)
{
    throw AmqpError(code, std::move(text));
}

std::string bodyPreview(const std::string &body)
{
    return body.size() <= 64 ? body : body.substr(0, 61) + "...";
}

enum class Settle { Ack, Requeue, Drop };

} // namespace

struct Broker::State
{
    mutable std::mutex mutex;
    BrokerOptions options;
    wb::Trace *trace = nullptr;
    std::map<std::string, std::unique_ptr<ExchangeState>, std::less<>> exchanges;
    std::map<std::string, std::shared_ptr<QueueState>, std::less<>> queues;
    std::vector<std::shared_ptr<ConnectionState>> connections;
    std::uint64_t nextConnection = 1;
    std::uint64_t messageSeq = 0;
    std::uint64_t journalSeq = 0;
    std::uint64_t generated = 0; // amq.gen-N and amq.ctag-N
    Journal journal;
    std::string journalError;
    std::string journalRecovery;
    BrokerStats stats;
    std::vector<std::shared_ptr<QueueState>> routed; // scratch for one publish

    // --- lifecycle ----------------------------------------------------------------------

    void addExchange(const std::string &name, ExchangeType type, bool durable, bool autoDelete,
                     bool internal)
    {
        auto e = std::make_unique<ExchangeState>();
        e->info = {name, type, durable, autoDelete, internal};
        e->rule = makeExchange(type);
        exchanges[name] = std::move(e);
    }

    // Builds the state a freshly started node has: the pre-declared exchanges plus whatever
    // the journal holds.
    void recover()
    {
        exchanges.clear();
        queues.clear();
        stats = {};
        addExchange("", ExchangeType::Direct, true, false, false);
        addExchange("amq.direct", ExchangeType::Direct, true, false, false);
        addExchange("amq.fanout", ExchangeType::Fanout, true, false, false);
        addExchange("amq.topic", ExchangeType::Topic, true, false, false);
        addExchange("amq.headers", ExchangeType::Headers, true, false, false);
        addExchange("amq.match", ExchangeType::Headers, true, false, false);
        addExchange("amq.rabbitmq.trace", ExchangeType::Topic, true, false, true);
        journalError.clear();
        journalRecovery.clear();
        if (options.dataDir.empty())
            return;
        const auto path = options.dataDir / Journal::kFileName;
        const JournalImage image = Journal::load(path);
        if (!image.error.empty()) {
            // Unreadable is not empty: run in memory and leave the file for its owner.
            journalError = options.readOnly
                               ? image.error
                               : image.error + "; the broker keeps nothing on disk until it can";
            if (trace)
                trace->add("recover", "broker started in memory: " + image.error, {});
            return;
        }
        for (const auto &e : image.exchanges)
            if (!exchanges.count(e.name))
                addExchange(e.name, e.type, true, e.autoDelete, e.internal);
        for (const auto &q : image.queues) {
            auto state = std::make_shared<QueueState>();
            state->name = q.name;
            state->flags.durable = true;
            state->flags.autoDelete = q.autoDelete;
            queues[q.name] = state;
        }
        for (const auto &b : image.bindings) {
            auto e = exchanges.find(b.exchange);
            auto q = queues.find(b.queue);
            if (e != exchanges.end() && q != queues.end())
                e->second->bindings.push_back({q->second, {b.key, b.arguments}});
        }
        for (const auto &m : image.messages) {
            auto q = queues.find(m.queue);
            if (q == queues.end())
                continue;
            auto stored = std::make_shared<StoredMessage>(
                StoredMessage{++messageSeq, m.exchange, m.routingKey, m.message});
            q->second->ready.push_back({std::move(stored), false, m.id});
            journalSeq = std::max(journalSeq, m.id);
            ++stats.recovered;
        }
        if (!image.readWhole())
            journalRecovery =
                "the broker journal " + path.string() + " was damaged: " + image.recoverySummary();
        if (!options.readOnly) {
            std::string error;
            if (!journal.open(path, image, &error))
                journalError = error;
            else if (!journal.asidePath().empty())
                journalRecovery += "; the original is kept as " + journal.asidePath().string();
        } else if (!journalRecovery.empty()) {
            journalRecovery += "; it was left as it is";
        }
        if (trace)
            trace->add("recover",
                       "broker started: " + std::to_string(image.queues.size()) +
                           " durable queues, " + std::to_string(image.messages.size()) +
                           " persistent messages recovered",
                       {{"exchanges", image.exchanges.size()},
                        {"queues", image.queues.size()},
                        {"bindings", image.bindings.size()},
                        {"messages", image.messages.size()},
                        {"records", image.records},
                        {"ignored_bytes", image.ignoredBytes},
                        {"skipped_ranges", image.skipped.size()}});
    }

    // --- lookups --------------------------------------------------------------------------

    ExchangeState &exchangeNamed(const std::string &name)
    {
        auto it = exchanges.find(name);
        if (it == exchanges.end())
            fail(NotFound, "no exchange " + inQuotes(name) + " in vhost " + kVhost);
        return *it->second;
    }

    std::shared_ptr<QueueState> queueNamed(const ChannelState &ch, const std::string &name)
    {
        auto it = queues.find(name);
        if (it == queues.end())
            fail(NotFound, "no queue " + inQuotes(name) + " in vhost " + kVhost);
        checkOwner(ch, *it->second);
        return it->second;
    }

    static void checkOwner(const ChannelState &ch, const QueueState &q)
    {
        if (q.flags.exclusive && q.owner != ch.connection->id)
            fail(ResourceLocked, "cannot obtain exclusive access to locked queue " +
                                     inQuotes(q.name) + " in vhost " + kVhost +
                                     ". It could be originally declared on another "
                                     "connection or the exclusive property value does not "
                                     "match that of the original declaration.");
    }

    static void checkReservedName(const std::string &name, const char *what)
    {
        if (name.rfind("amq.", 0) == 0)
            fail(AccessRefused, std::string(what) + " name " + inQuotes(name) +
                                    " contains reserved prefix 'amq.*'");
    }

    static void checkEquivalent(const char *arg, const char *what, const std::string &name,
                                const std::string &received, const std::string &current)
    {
        if (received != current)
            fail(PreconditionFailed, std::string("inequivalent arg '") + arg + "' for " + what +
                                         " " + inQuotes(name) + " in vhost " + kVhost +
                                         ": received " + inQuotes(received) + " but current is " +
                                         inQuotes(current));
    }

    // --- exchanges ------------------------------------------------------------------------

    void exchangeDeclare(ChannelState &ch, const std::string &name, ExchangeType type,
                         const ExchangeFlags &flags)
    {
        if (flags.passive) {
            exchangeNamed(name);
            return;
        }
        if (name.empty())
            fail(AccessRefused, "operation not permitted on the default exchange");
        if (auto it = exchanges.find(name); it != exchanges.end()) {
            const auto &info = it->second->info;
            checkEquivalent("type", "exchange", name, std::string(exchangeTypeName(type)),
                            std::string(exchangeTypeName(info.type)));
            checkEquivalent("durable", "exchange", name, boolText(flags.durable),
                            boolText(info.durable));
            checkEquivalent("auto_delete", "exchange", name, boolText(flags.autoDelete),
                            boolText(info.autoDelete));
            checkEquivalent("internal", "exchange", name, boolText(flags.internal),
                            boolText(info.internal));
            return;
        }
        checkReservedName(name, "exchange");
        addExchange(name, type, flags.durable, flags.autoDelete, flags.internal);
        if (flags.durable)
            journal.declareExchange({name, type, flags.autoDelete, flags.internal});
        if (trace)
            trace->add("exchange.declare",
                       "exchange " + name + " (" + std::string(exchangeTypeName(type)) +
                           ") declared",
                       {{"exchange", name},
                        {"type", std::string(exchangeTypeName(type))},
                        {"durable", flags.durable},
                        {"auto_delete", flags.autoDelete},
                        {"channel", ch.id}},
                       static_cast<std::int32_t>(ch.connection->id));
    }

    void removeExchange(const std::string &name)
    {
        auto it = exchanges.find(name);
        if (it == exchanges.end())
            return;
        if (it->second->info.durable)
            journal.deleteExchange(name);
        exchanges.erase(it);
        if (trace)
            trace->add("exchange.delete", "exchange " + name + " deleted", {{"exchange", name}});
    }

    void exchangeDelete(const std::string &name, bool ifUnused)
    {
        if (name.empty())
            fail(AccessRefused, "operation not permitted on the default exchange");
        checkReservedName(name, "exchange");
        auto it = exchanges.find(name);
        if (it == exchanges.end())
            return; // RabbitMQ answers delete-ok for a missing exchange
        if (ifUnused && !it->second->bindings.empty())
            fail(PreconditionFailed,
                 "exchange " + inQuotes(name) + " in vhost " + kVhost + " in use");
        removeExchange(name);
    }

    // An auto-delete exchange goes away when its last binding does.
    void unbound(ExchangeState &e)
    {
        if (e.info.autoDelete && e.bindings.empty())
            removeExchange(e.info.name);
    }

    // --- queues ---------------------------------------------------------------------------

    QueueDeclareOk queueDeclare(ChannelState &ch, std::string name, const QueueFlags &flags)
    {
        if (flags.passive) {
            auto q = queueNamed(ch, name);
            return {name, static_cast<std::uint32_t>(q->ready.size()),
                    static_cast<std::uint32_t>(q->consumers.size())};
        }
        if (name.empty())
            name = "amq.gen-" + std::to_string(++generated);
        else if (auto it = queues.find(name); it != queues.end()) {
            const auto &q = *it->second;
            checkOwner(ch, q);
            checkEquivalent("durable", "queue", name, boolText(flags.durable),
                            boolText(q.flags.durable));
            checkEquivalent("exclusive", "queue", name, boolText(flags.exclusive),
                            boolText(q.flags.exclusive));
            checkEquivalent("auto_delete", "queue", name, boolText(flags.autoDelete),
                            boolText(q.flags.autoDelete));
            return {name, static_cast<std::uint32_t>(q.ready.size()),
                    static_cast<std::uint32_t>(q.consumers.size())};
        } else
            checkReservedName(name, "queue");
        auto q = std::make_shared<QueueState>();
        q->name = name;
        q->flags = flags;
        q->owner = flags.exclusive ? ch.connection->id : 0;
        queues[name] = q;
        if (q->journaled())
            journal.declareQueue({name, flags.autoDelete});
        if (trace)
            trace->add("queue.declare", "queue " + name + " declared",
                       {{"queue", name},
                        {"durable", flags.durable},
                        {"exclusive", flags.exclusive},
                        {"auto_delete", flags.autoDelete},
                        {"channel", ch.id}},
                       static_cast<std::int32_t>(ch.connection->id));
        return {name, 0, 0};
    }

    void removeQueue(const std::shared_ptr<QueueState> &q, const char *reason)
    {
        if (q->deleted)
            return;
        q->deleted = true;
        for (auto &c : q->consumers) {
            c->active = false;
            if (c->channel)
                c->channel->consumers.erase(c->tag);
        }
        q->consumers.clear();
        std::vector<std::string> emptied;
        for (auto &[name, e] : exchanges) {
            const auto before = e->bindings.size();
            std::erase_if(e->bindings, [&](const BindingState &b) { return b.queue == q; });
            if (e->bindings.size() != before && e->info.autoDelete && e->bindings.empty())
                emptied.push_back(name);
        }
        for (const auto &name : emptied)
            removeExchange(name);
        if (q->journaled())
            journal.deleteQueue(q->name);
        stats.dropped += q->ready.size();
        if (trace)
            trace->add("queue.delete", "queue " + q->name + " deleted (" + reason + ")",
                       {{"queue", q->name}, {"messages", q->ready.size()}, {"reason", reason}});
        q->ready.clear();
        queues.erase(q->name);
    }

    std::uint32_t queueDelete(ChannelState &ch, const std::string &name, bool ifUnused,
                              bool ifEmpty)
    {
        auto it = queues.find(name);
        if (it == queues.end())
            return 0; // as RabbitMQ: deleting a missing queue is not an error
        auto q = it->second;
        checkOwner(ch, *q);
        if (ifUnused && !q->consumers.empty())
            fail(PreconditionFailed,
                 "queue " + inQuotes(name) + " in vhost " + kVhost + " in use");
        if (ifEmpty && !q->ready.empty())
            fail(PreconditionFailed,
                 "queue " + inQuotes(name) + " in vhost " + kVhost + " not empty");
        const auto n = static_cast<std::uint32_t>(q->ready.size());
        removeQueue(q, "queue.delete");
        return n;
    }

    std::uint32_t queuePurge(ChannelState &ch, const std::string &name)
    {
        auto q = queueNamed(ch, name);
        const auto n = static_cast<std::uint32_t>(q->ready.size());
        for (const auto &m : q->ready)
            if (m.journalId)
                journal.remove(m.journalId);
        q->ready.clear();
        stats.dropped += n;
        if (trace)
            trace->add("queue.purge", "queue " + name + " purged",
                       {{"queue", name}, {"messages", n}, {"unacked", q->unacked}});
        return n;
    }

    void queueBind(ChannelState &ch, const std::string &queue, const std::string &exchange,
                   const std::string &key, const Headers &arguments, bool bind)
    {
        if (exchange.empty())
            fail(AccessRefused, "operation not permitted on the default exchange");
        auto q = queueNamed(ch, queue);
        auto &e = exchangeNamed(exchange);
        auto same = [&](const BindingState &b) {
            return b.queue == q && b.key.key == key && b.key.arguments == arguments;
        };
        const bool exists = std::any_of(e.bindings.begin(), e.bindings.end(), same);
        const bool durable = e.info.durable && q->journaled();
        if (bind) {
            if (exists)
                return;
            e.bindings.push_back({q, {key, arguments}});
            if (durable)
                journal.bind({exchange, queue, key, arguments});
        } else {
            if (!exists)
                return;
            std::erase_if(e.bindings, same);
            if (durable)
                journal.unbind({exchange, queue, key, arguments});
        }
        if (trace)
            trace->add(
                bind ? "bind" : "unbind",
                "queue " + queue + (bind ? " bound to " : " unbound from ") + exchange +
                    " with key '" + key + "'",
                {{"exchange", exchange}, {"queue", queue}, {"key", key}, {"channel", ch.id}},
                static_cast<std::int32_t>(ch.connection->id));
        if (!bind)
            unbound(e);
    }

    // --- publishing -----------------------------------------------------------------------

    std::uint64_t publish(ChannelState &ch, const std::string &exchange,
                          const std::string &routingKey, const Message &message, bool mandatory)
    {
        auto &e = exchangeNamed(exchange);
        if (e.info.internal)
            fail(AccessRefused, "cannot publish to internal exchange " + inQuotes(exchange) +
                                    " in vhost " + kVhost);
        const auto seq = ++messageSeq;
        ++stats.published;
        auto stored =
            std::make_shared<StoredMessage>(StoredMessage{seq, exchange, routingKey, message});
        const auto thread = static_cast<std::int32_t>(ch.connection->id);
        if (trace)
            trace->add("publish",
                       "message " + std::to_string(seq) + " published to " +
                           (exchange.empty() ? std::string("(default)") : exchange) +
                           " with key '" + routingKey + "'",
                       {{"msg", seq},
                        {"exchange", exchange},
                        {"routing_key", routingKey},
                        {"body", bodyPreview(message.body)},
                        {"persistent", message.properties.persistent()},
                        {"mandatory", mandatory},
                        {"channel", ch.id}},
                       thread);
        routed.clear();
        if (exchange.empty()) {
            // The default exchange: every queue is implicitly bound by its own name.
            if (auto it = queues.find(routingKey); it != queues.end()) {
                routed.push_back(it->second);
                if (trace)
                    trace->add("route",
                               "message " + std::to_string(seq) + " routed to queue " + routingKey,
                               {{"msg", seq},
                                {"exchange", exchange},
                                {"routing_key", routingKey},
                                {"queue", routingKey},
                                {"binding_key", routingKey}},
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
                    trace->add("route",
                               "message " + std::to_string(seq) + " routed to queue " +
                                   b.queue->name,
                               {{"msg", seq},
                                {"exchange", exchange},
                                {"routing_key", routingKey},
                                {"queue", b.queue->name},
                                {"binding_key", b.key.key}},
                               thread);
            }
        }
        if (routed.empty()) {
            ++stats.unroutable;
            if (trace)
                trace->add("unroutable",
                           "message " + std::to_string(seq) + " matched no binding" +
                               (mandatory ? ", returned" : ", dropped"),
                           {{"msg", seq},
                            {"exchange", exchange},
                            {"routing_key", routingKey},
                            {"mandatory", mandatory}},
                           thread);
            if (mandatory) {
                ch.returns.push_back({NoRoute, "NO_ROUTE", exchange, routingKey, message});
                ++stats.returned;
                if (trace)
                    trace->add("return",
                               "message " + std::to_string(seq) + " returned: 312 NO_ROUTE",
                               {{"msg", seq},
                                {"exchange", exchange},
                                {"routing_key", routingKey},
                                {"reply_code", NoRoute},
                                {"channel", ch.id}},
                               thread);
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
            trace->add("confirm", "publish " + std::to_string(confirmSeq) + " confirmed (ack)",
                       {{"msg", seq}, {"channel", ch.id}, {"seq", confirmSeq}, {"ack", true}},
                       thread);
        return confirmSeq;
    }

    void enqueue(const std::shared_ptr<QueueState> &q, const MessagePtr &stored)
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
            trace->add("enqueue",
                       "message " + std::to_string(stored->seq) + " enqueued in " + q->name,
                       {{"msg", stored->seq},
                        {"queue", q->name},
                        {"ready", q->ready.size()},
                        {"unacked", q->unacked},
                        {"on_disk", q->ready.back().journalId != 0}});
        dispatch(q);
    }

    // --- delivering -----------------------------------------------------------------------

    static bool hasCapacity(const ConsumerState &c)
    {
        return c.active && c.channel->open &&
               (c.noAck || c.channel->prefetch == 0 || c.unacked < c.channel->prefetch);
    }

    // Hands ready messages to consumers in turn (round-robin), skipping those at their
    // prefetch limit, until the queue is empty or nobody can take more.
    void dispatch(const std::shared_ptr<QueueState> &q)
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

    void deliver(const std::shared_ptr<QueueState> &q, const std::shared_ptr<ConsumerState> &c,
                 QueuedMessage m)
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
            trace->add("deliver",
                       "message " + std::to_string(p.seq) + " delivered from " + q->name + " to " +
                           c->tag,
                       {{"msg", p.seq},
                        {"queue", q->name},
                        {"consumer", c->tag},
                        {"channel", ch.id},
                        {"delivery_tag", p.delivery.deliveryTag},
                        {"redelivered", p.delivery.redelivered},
                        {"no_ack", c->noAck},
                        {"ready", q->ready.size()},
                        {"unacked", q->unacked}},
                       static_cast<std::int32_t>(ch.connection->id));
        }
        ch.inbox.push_back(std::move(p));
        ch.arrived.notify_one();
    }

    std::string consume(ChannelState &ch, const std::string &queue, std::string tag, bool noAck,
                        bool exclusive)
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
            trace->add("consume", "consumer " + tag + " subscribed to " + queue,
                       {{"queue", queue},
                        {"consumer", tag},
                        {"channel", ch.id},
                        {"no_ack", noAck},
                        {"prefetch", ch.prefetch}},
                       static_cast<std::int32_t>(ch.connection->id));
        dispatch(q);
        return tag;
    }

    // By value: callers pass references into maps this function erases from.
    void removeConsumer(std::shared_ptr<ConsumerState> c, const char *reason)
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
            trace->add("cancel", "consumer " + c->tag + " cancelled (" + reason + ")",
                       {{"queue", q->name}, {"consumer", c->tag}, {"reason", reason}});
        if (q->flags.autoDelete && list.empty())
            removeQueue(q, "auto_delete: last consumer gone");
    }

    void cancel(ChannelState &ch, const std::string &tag)
    {
        auto it = ch.consumers.find(tag);
        if (it != ch.consumers.end())
            removeConsumer(it->second, "basic.cancel");
    }

    std::optional<Delivery> get(ChannelState &ch, const std::string &queue, bool noAck)
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
            trace->add("deliver",
                       "message " + std::to_string(seq) + " fetched from " + queue +
                           " (basic.get)",
                       {{"msg", seq},
                        {"queue", queue},
                        {"consumer", ""},
                        {"channel", ch.id},
                        {"delivery_tag", d.deliveryTag},
                        {"redelivered", d.redelivered},
                        {"no_ack", noAck},
                        {"ready", q->ready.size()},
                        {"unacked", q->unacked}},
                       static_cast<std::int32_t>(ch.connection->id));
        return d;
    }

    // --- acknowledging --------------------------------------------------------------------

    // The live entries `tag` names: that one, or with `multiple` every one up to it (tag 0
    // with multiple: all). 406 when the tag is not outstanding, as RabbitMQ answers.
    std::vector<UnackedDelivery *> outstanding(ChannelState &ch, std::uint64_t tag, bool multiple)
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

    void settle(ChannelState &ch, UnackedDelivery &u, Settle how, const char *reason)
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
                trace->add("requeue",
                           "message " + std::to_string(seq) + " requeued to " + q.name + " (" +
                               reason + ")",
                           {{"msg", seq},
                            {"queue", q.name},
                            {"delivery_tag", u.tag},
                            {"reason", reason},
                            {"ready", q.ready.size()},
                            {"unacked", q.unacked}},
                           thread);
            return;
        }
        if (u.message.journalId && !q.deleted)
            journal.remove(u.message.journalId);
        if (how == Settle::Ack) {
            ++stats.acked;
            if (trace)
                trace->add("ack", "message " + std::to_string(seq) + " acked",
                           {{"msg", seq},
                            {"queue", q.name},
                            {"channel", ch.id},
                            {"delivery_tag", u.tag},
                            {"ready", q.ready.size()},
                            {"unacked", q.unacked}},
                           thread);
        } else {
            ++stats.dropped;
            if (trace)
                trace->add("drop", "message " + std::to_string(seq) + " dropped (" + reason + ")",
                           {{"msg", seq},
                            {"queue", q.name},
                            {"reason", reason},
                            {"ready", q.ready.size()},
                            {"unacked", q.unacked}},
                           thread);
        }
        u.message.msg.reset();
    }

    void compactUnacked(ChannelState &ch)
    {
        while (!ch.unacked.empty() && !ch.unacked.front().live)
            ch.unacked.pop_front();
    }

    void ack(ChannelState &ch, std::uint64_t tag, bool multiple)
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

    void nack(ChannelState &ch, std::uint64_t tag, bool multiple, bool requeue, bool reject)
    {
        auto found = outstanding(ch, tag, multiple);
        ++stats.nacked;
        if (trace)
            trace->add(reject ? "reject" : "nack",
                       std::string(reject ? "basic.reject " : "basic.nack ") +
                           std::to_string(tag) + (requeue ? ", requeue" : ", no requeue"),
                       {{"channel", ch.id},
                        {"delivery_tag", tag},
                        {"multiple", multiple},
                        {"requeue", requeue},
                        {"messages", found.size()}},
                       static_cast<std::int32_t>(ch.connection->id));
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

    void redispatch(std::vector<std::shared_ptr<QueueState>> &queues)
    {
        std::sort(queues.begin(), queues.end());
        queues.erase(std::unique(queues.begin(), queues.end()), queues.end());
        for (auto &q : queues)
            if (!q->deleted)
                dispatch(q);
    }

    void setPrefetch(ChannelState &ch, std::uint16_t prefetch)
    {
        ch.prefetch = prefetch;
        if (trace)
            trace->add("qos",
                       "channel " + std::to_string(ch.id) + " prefetch " +
                           std::to_string(prefetch),
                       {{"channel", ch.id}, {"prefetch", prefetch}},
                       static_cast<std::int32_t>(ch.connection->id));
        std::vector<std::shared_ptr<QueueState>> touched;
        for (auto &[tag, c] : ch.consumers)
            touched.push_back(c->queue);
        redispatch(touched);
    }

    // --- closing --------------------------------------------------------------------------

    // Closes a channel as RabbitMQ does: consumers cancelled, unacked deliveries requeued
    // (redelivered) in their original order, auto-ack deliveries not yet taken lost.
    void closeChannel(ChannelState &ch, int code, const std::string &text)
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
                trace->add("drop",
                           "message " + std::to_string(p.seq) +
                               " lost: auto-ack delivery on a closed channel",
                           {{"msg", p.seq},
                            {"queue", p.queue},
                            {"reason", "auto-ack lost"},
                            {"channel", ch.id}},
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
            trace->add("channel.close",
                       "channel " + std::to_string(ch.id) + " closed: " + std::to_string(code) +
                           " " + std::string(replyCodeName(code)),
                       {{"channel", ch.id}, {"code", code}, {"text", text}}, thread);
        ch.arrived.notify_all();
    }

    void closeConnection(ConnectionState &conn, int code, const std::string &text)
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
            trace->add("connection.close", "connection " + conn.name + " closed",
                       {{"connection", conn.id}, {"name", conn.name}, {"code", code}},
                       static_cast<std::int32_t>(conn.id));
    }

    // A node going down: nothing of it reaches the journal.
    void shutdown(const std::string &text)
    {
        journal.close();
        auto all = connections;
        for (auto &c : all)
            closeConnection(*c, ConnectionForced, text);
    }

    void checkOpen(const ChannelState &ch) const
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
};

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
                m_s->trace->add(
                    "error", "channel " + std::to_string(m_ch->id) + " error: " + e.what(),
                    {{"channel", m_ch->id}, {"code", e.code()}, {"text", e.replyText()}},
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
            m_s->trace->add("channel.open", "channel " + std::to_string(ch->id) + " opened",
                            {{"channel", ch->id}, {"connection", m_conn->id}},
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

std::unique_ptr<Connection> Broker::connect(std::string clientName)
{
    std::lock_guard lock(m_state->mutex);
    auto conn = std::make_shared<ConnectionState>();
    conn->id = m_state->nextConnection++;
    conn->name = clientName.empty() ? "client-" + std::to_string(conn->id) : clientName;
    m_state->connections.push_back(conn);
    if (m_state->trace)
        m_state->trace->add("connection.open", "connection " + conn->name + " opened",
                            {{"connection", conn->id}, {"name", conn->name}},
                            static_cast<std::int32_t>(conn->id));
    return std::make_unique<EmbeddedConnection>(m_state, conn);
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
        m_state->trace->add("restart", "broker restarting", {});
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
