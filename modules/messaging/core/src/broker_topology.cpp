// The embedded broker's topology: the state a (re)started node begins with, read back
// from the journal, and the exchanges, queues and bindings clients declare and delete.
// Durable ones are journaled here.

#include "broker_state.h"

#include "messaging/core/events.h"
#include "workbench/core/typed_event.h"

#include <algorithm>

namespace wb::messaging {

// --- lifecycle -------------------------------------------------------------------------------

void Broker::State::addExchange(const std::string &name, ExchangeType type, bool durable,
                                bool autoDelete, bool internal)
{
    auto e = std::make_unique<ExchangeState>();
    e->info = {name, type, durable, autoDelete, internal};
    e->rule = makeExchange(type);
    exchanges[name] = std::move(e);
}

// Builds the state a freshly started node has: the pre-declared exchanges plus whatever
// the journal holds.
void Broker::State::recover()
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
            wb::record(trace, events::Recover{}, "broker started in memory: " + image.error);
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
        wb::record(trace,
                   events::Recover{.exchanges = image.exchanges.size(),
                                   .queues = image.queues.size(),
                                   .bindings = image.bindings.size(),
                                   .messages = image.messages.size(),
                                   .records = image.records,
                                   .ignoredBytes = image.ignoredBytes,
                                   .skippedRanges = image.skipped.size()},
                   "broker started: " + std::to_string(image.queues.size()) + " durable queues, " +
                       std::to_string(image.messages.size()) + " persistent messages recovered");
}

// --- lookups ---------------------------------------------------------------------------------

ExchangeState &Broker::State::exchangeNamed(const std::string &name)
{
    auto it = exchanges.find(name);
    if (it == exchanges.end())
        fail(NotFound, "no exchange " + inQuotes(name) + " in vhost " + kVhost);
    return *it->second;
}

std::shared_ptr<QueueState> Broker::State::queueNamed(const ChannelState &ch,
                                                      const std::string &name)
{
    auto it = queues.find(name);
    if (it == queues.end())
        fail(NotFound, "no queue " + inQuotes(name) + " in vhost " + kVhost);
    checkOwner(ch, *it->second);
    return it->second;
}

void Broker::State::checkOwner(const ChannelState &ch, const QueueState &q)
{
    if (q.flags.exclusive && q.owner != ch.connection->id)
        fail(ResourceLocked, "cannot obtain exclusive access to locked queue " + inQuotes(q.name) +
                                 " in vhost " + kVhost +
                                 ". It could be originally declared on another "
                                 "connection or the exclusive property value does not "
                                 "match that of the original declaration.");
}

void Broker::State::checkReservedName(const std::string &name, const char *what)
{
    if (name.rfind("amq.", 0) == 0)
        fail(AccessRefused,
             std::string(what) + " name " + inQuotes(name) + " contains reserved prefix 'amq.*'");
}

void Broker::State::checkEquivalent(const char *arg, const char *what, const std::string &name,
                                    const std::string &received, const std::string &current)
{
    if (received != current)
        fail(PreconditionFailed, std::string("inequivalent arg '") + arg + "' for " + what + " " +
                                     inQuotes(name) + " in vhost " + kVhost + ": received " +
                                     inQuotes(received) + " but current is " + inQuotes(current));
}

// --- exchanges -------------------------------------------------------------------------------

void Broker::State::exchangeDeclare(ChannelState &ch, const std::string &name, ExchangeType type,
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
        wb::record(trace,
                   events::ExchangeDeclare{.exchange = name,
                                           .type = std::string(exchangeTypeName(type)),
                                           .durable = flags.durable,
                                           .autoDelete = flags.autoDelete,
                                           .channel = ch.id},
                   "exchange " + name + " (" + std::string(exchangeTypeName(type)) + ") declared",
                   static_cast<std::int32_t>(ch.connection->id));
}

void Broker::State::removeExchange(const std::string &name)
{
    auto it = exchanges.find(name);
    if (it == exchanges.end())
        return;
    if (it->second->info.durable)
        journal.deleteExchange(name);
    exchanges.erase(it);
    if (trace)
        wb::record(trace, events::ExchangeDelete{name}, "exchange " + name + " deleted");
}

void Broker::State::exchangeDelete(const std::string &name, bool ifUnused)
{
    if (name.empty())
        fail(AccessRefused, "operation not permitted on the default exchange");
    checkReservedName(name, "exchange");
    auto it = exchanges.find(name);
    if (it == exchanges.end())
        return; // RabbitMQ answers delete-ok for a missing exchange
    if (ifUnused && !it->second->bindings.empty())
        fail(PreconditionFailed, "exchange " + inQuotes(name) + " in vhost " + kVhost + " in use");
    removeExchange(name);
}

// An auto-delete exchange goes away when its last binding does.
void Broker::State::unbound(ExchangeState &e)
{
    if (e.info.autoDelete && e.bindings.empty())
        removeExchange(e.info.name);
}

// --- queues ----------------------------------------------------------------------------------

QueueDeclareOk Broker::State::queueDeclare(ChannelState &ch, std::string name,
                                           const QueueFlags &flags)
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
        wb::record(trace,
                   events::QueueDeclare{.queue = name,
                                        .durable = flags.durable,
                                        .exclusive = flags.exclusive,
                                        .autoDelete = flags.autoDelete,
                                        .channel = ch.id},
                   "queue " + name + " declared", static_cast<std::int32_t>(ch.connection->id));
    return {name, 0, 0};
}

void Broker::State::removeQueue(const std::shared_ptr<QueueState> &q, const char *reason)
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
        wb::record(trace, events::QueueDelete{q->name, q->ready.size(), reason},
                   "queue " + q->name + " deleted (" + reason + ")");
    q->ready.clear();
    queues.erase(q->name);
}

std::uint32_t Broker::State::queueDelete(ChannelState &ch, const std::string &name, bool ifUnused,
                                         bool ifEmpty)
{
    auto it = queues.find(name);
    if (it == queues.end())
        return 0; // as RabbitMQ: deleting a missing queue is not an error
    auto q = it->second;
    checkOwner(ch, *q);
    if (ifUnused && !q->consumers.empty())
        fail(PreconditionFailed, "queue " + inQuotes(name) + " in vhost " + kVhost + " in use");
    if (ifEmpty && !q->ready.empty())
        fail(PreconditionFailed, "queue " + inQuotes(name) + " in vhost " + kVhost + " not empty");
    const auto n = static_cast<std::uint32_t>(q->ready.size());
    removeQueue(q, "queue.delete");
    return n;
}

std::uint32_t Broker::State::queuePurge(ChannelState &ch, const std::string &name)
{
    auto q = queueNamed(ch, name);
    const auto n = static_cast<std::uint32_t>(q->ready.size());
    for (const auto &m : q->ready)
        if (m.journalId)
            journal.remove(m.journalId);
    q->ready.clear();
    stats.dropped += n;
    if (trace)
        wb::record(trace, events::QueuePurge{name, n, q->unacked}, "queue " + name + " purged");
    return n;
}

void Broker::State::queueBind(ChannelState &ch, const std::string &queue,
                              const std::string &exchange, const std::string &key,
                              const Headers &arguments, bool bind)
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
    if (trace) {
        std::string label = "queue " + queue + (bind ? " bound to " : " unbound from ") +
                            exchange + " with key '" + key + "'";
        const auto thread = static_cast<std::int32_t>(ch.connection->id);
        if (bind)
            wb::record(trace, events::Bind{exchange, queue, key, ch.id}, std::move(label), thread);
        else
            wb::record(trace, events::Unbind{exchange, queue, key, ch.id}, std::move(label),
                       thread);
    }
    if (!bind)
        unbound(e);
}

} // namespace wb::messaging
