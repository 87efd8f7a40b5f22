#pragma once
// The messaging module's events, declared once: what the embedded broker records
// (broker.h), the kinds a watcher records to describe a broker it did not see start, and
// what replay.h, the views and the tests read. Field names are the wire names in the trace,
// the JSON and the README's tables; see workbench/core/typed_event.h for how they are
// written and read.
//
// Every message event carries `msg`, the broker's number for one publish, so a view can
// follow one token from publish through route and enqueue to deliver and ack. An event's
// thread is its connection's id.
//
// A client that records what it does against RabbitMQ (the live run of the views) uses the
// same kinds for what it sees, without what only the broker knows: those fields are
// optional here (channel, delivery_tag, ready, unacked on publish, deliver, ack and the
// declarations).

#include "workbench/core/typed_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace wb::messaging::events {

// ---- Messages --------------------------------------------------------------------------------

// basic.publish reached the broker; `body` is its first 64 characters.
struct Publish
{
    static constexpr std::string_view kind = "publish";
    std::uint64_t msg = 0;
    std::string exchange;
    std::string routingKey;
    std::string body;
    bool persistent = false;
    bool mandatory = false;
    std::optional<std::uint16_t> channel = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Publish::msg),
                          field("exchange", &Publish::exchange),
                          field("routing_key", &Publish::routingKey),
                          field("body", &Publish::body),
                          field("persistent", &Publish::persistent),
                          field("mandatory", &Publish::mandatory),
                          field("channel", &Publish::channel)};
    }
};

// One queue the message reaches, through the binding with `binding_key`.
struct Route
{
    static constexpr std::string_view kind = "route";
    std::uint64_t msg = 0;
    std::string exchange;
    std::string routingKey;
    std::string queue;
    std::string bindingKey;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Route::msg), field("exchange", &Route::exchange),
                          field("routing_key", &Route::routingKey), field("queue", &Route::queue),
                          field("binding_key", &Route::bindingKey)};
    }
};

// No binding matched: returned when mandatory, else dropped.
struct Unroutable
{
    static constexpr std::string_view kind = "unroutable";
    std::uint64_t msg = 0;
    std::string exchange;
    std::string routingKey;
    bool mandatory = false;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Unroutable::msg), field("exchange", &Unroutable::exchange),
                          field("routing_key", &Unroutable::routingKey),
                          field("mandatory", &Unroutable::mandatory)};
    }
};

// basic.return of a mandatory message (312 NO_ROUTE).
struct Return
{
    static constexpr std::string_view kind = "return";
    std::uint64_t msg = 0;
    std::string exchange;
    std::string routingKey;
    int replyCode = 0;
    std::uint16_t channel = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Return::msg), field("exchange", &Return::exchange),
                          field("routing_key", &Return::routingKey),
                          field("reply_code", &Return::replyCode),
                          field("channel", &Return::channel)};
    }
};

// A copy of the message joined the queue; `on_disk`: journaled (persistent, durable queue).
struct Enqueue
{
    static constexpr std::string_view kind = "enqueue";
    std::uint64_t msg = 0;
    std::string queue;
    std::uint64_t ready = 0;
    std::uint64_t unacked = 0;
    bool onDisk = false;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Enqueue::msg), field("queue", &Enqueue::queue),
                          field("ready", &Enqueue::ready), field("unacked", &Enqueue::unacked),
                          field("on_disk", &Enqueue::onDisk)};
    }
};

// basic.deliver to a consumer, or basic.get (consumer "").
struct Deliver
{
    static constexpr std::string_view kind = "deliver";
    std::uint64_t msg = 0;
    std::string queue;
    std::string consumer;
    std::optional<std::uint16_t> channel = std::nullopt;
    std::optional<std::uint64_t> deliveryTag = std::nullopt;
    bool redelivered = false;
    bool noAck = false;
    std::optional<std::uint64_t> ready = std::nullopt;
    std::optional<std::uint64_t> unacked = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Deliver::msg),
                          field("queue", &Deliver::queue),
                          field("consumer", &Deliver::consumer),
                          field("channel", &Deliver::channel),
                          field("delivery_tag", &Deliver::deliveryTag),
                          field("redelivered", &Deliver::redelivered),
                          field("no_ack", &Deliver::noAck),
                          field("ready", &Deliver::ready),
                          field("unacked", &Deliver::unacked)};
    }
};

// basic.ack settled one delivery (an ack with `multiple` records one per message).
struct Ack
{
    static constexpr std::string_view kind = "ack";
    std::uint64_t msg = 0;
    std::string queue;
    std::optional<std::uint16_t> channel = std::nullopt;
    std::optional<std::uint64_t> deliveryTag = std::nullopt;
    std::optional<std::uint64_t> ready = std::nullopt;
    std::optional<std::uint64_t> unacked = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{
            field("msg", &Ack::msg),         field("queue", &Ack::queue),
            field("channel", &Ack::channel), field("delivery_tag", &Ack::deliveryTag),
            field("ready", &Ack::ready),     field("unacked", &Ack::unacked)};
    }
};

// basic.nack as the client sent it; `messages`: how many deliveries it settles. Each of them
// then records a requeue or a drop.
struct Nack
{
    static constexpr std::string_view kind = "nack";
    std::uint16_t channel = 0;
    std::uint64_t deliveryTag = 0;
    bool multiple = false;
    bool requeue = false;
    std::uint64_t messages = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &Nack::channel),
                          field("delivery_tag", &Nack::deliveryTag),
                          field("multiple", &Nack::multiple), field("requeue", &Nack::requeue),
                          field("messages", &Nack::messages)};
    }
};

// basic.reject: a nack of one delivery (multiple is always false).
struct Reject
{
    static constexpr std::string_view kind = "reject";
    std::uint16_t channel = 0;
    std::uint64_t deliveryTag = 0;
    bool multiple = false;
    bool requeue = false;
    std::uint64_t messages = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &Reject::channel),
                          field("delivery_tag", &Reject::deliveryTag),
                          field("multiple", &Reject::multiple), field("requeue", &Reject::requeue),
                          field("messages", &Reject::messages)};
    }
};

// An unacked delivery back at the head of its queue, redelivered next.
struct Requeue
{
    static constexpr std::string_view kind = "requeue";
    std::uint64_t msg = 0;
    std::string queue;
    std::uint64_t deliveryTag = 0;
    std::string reason; // basic.nack, basic.reject or channel closed
    std::uint64_t ready = 0;
    std::uint64_t unacked = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Requeue::msg),
                          field("queue", &Requeue::queue),
                          field("delivery_tag", &Requeue::deliveryTag),
                          field("reason", &Requeue::reason),
                          field("ready", &Requeue::ready),
                          field("unacked", &Requeue::unacked)};
    }
};

// A message gone for good: nacked or rejected without requeue (then with the queue's depth),
// or an auto-ack delivery lost with its closed channel (then with the channel).
struct Drop
{
    static constexpr std::string_view kind = "drop";
    std::uint64_t msg = 0;
    std::string queue;
    std::string reason;
    std::optional<std::uint64_t> ready = std::nullopt;
    std::optional<std::uint64_t> unacked = std::nullopt;
    std::optional<std::uint16_t> channel = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Drop::msg),         field("queue", &Drop::queue),
                          field("reason", &Drop::reason),   field("ready", &Drop::ready),
                          field("unacked", &Drop::unacked), field("channel", &Drop::channel)};
    }
};

// Publisher confirm: publish number `seq` of the channel, acked.
struct Confirm
{
    static constexpr std::string_view kind = "confirm";
    std::uint64_t msg = 0;
    std::uint16_t channel = 0;
    std::uint64_t seq = 0;
    bool ack = false;
    static constexpr auto fields()
    {
        return std::tuple{field("msg", &Confirm::msg), field("channel", &Confirm::channel),
                          field("seq", &Confirm::seq), field("ack", &Confirm::ack)};
    }
};

// ---- Consumers -------------------------------------------------------------------------------

struct Consume
{
    static constexpr std::string_view kind = "consume";
    std::string queue;
    std::string consumer;
    std::uint16_t channel = 0;
    bool noAck = false;
    std::uint16_t prefetch = 0; // the channel's, when it subscribed; 0: unlimited
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &Consume::queue), field("consumer", &Consume::consumer),
                          field("channel", &Consume::channel), field("no_ack", &Consume::noAck),
                          field("prefetch", &Consume::prefetch)};
    }
};

struct Cancel
{
    static constexpr std::string_view kind = "cancel";
    std::string queue;
    std::string consumer;
    std::string reason; // basic.cancel, channel closed, ...
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &Cancel::queue), field("consumer", &Cancel::consumer),
                          field("reason", &Cancel::reason)};
    }
};

// basic.qos: the channel's prefetch, for its consumers now and later.
struct Qos
{
    static constexpr std::string_view kind = "qos";
    std::uint16_t channel = 0;
    std::uint16_t prefetch = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &Qos::channel), field("prefetch", &Qos::prefetch)};
    }
};

// ---- Topology --------------------------------------------------------------------------------

struct ExchangeDeclare
{
    static constexpr std::string_view kind = "exchange.declare";
    std::string exchange;
    std::string type; // direct, fanout, topic or headers
    bool durable = false;
    bool autoDelete = false;
    std::optional<std::uint16_t> channel = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &ExchangeDeclare::exchange),
                          field("type", &ExchangeDeclare::type),
                          field("durable", &ExchangeDeclare::durable),
                          field("auto_delete", &ExchangeDeclare::autoDelete),
                          field("channel", &ExchangeDeclare::channel)};
    }
};

struct ExchangeDelete
{
    static constexpr std::string_view kind = "exchange.delete";
    std::string exchange;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &ExchangeDelete::exchange)};
    }
};

struct QueueDeclare
{
    static constexpr std::string_view kind = "queue.declare";
    std::string queue;
    bool durable = false;
    bool exclusive = false;
    bool autoDelete = false;
    std::optional<std::uint16_t> channel = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &QueueDeclare::queue),
                          field("durable", &QueueDeclare::durable),
                          field("exclusive", &QueueDeclare::exclusive),
                          field("auto_delete", &QueueDeclare::autoDelete),
                          field("channel", &QueueDeclare::channel)};
    }
};

// The queue is gone with its `messages` ready messages.
struct QueueDelete
{
    static constexpr std::string_view kind = "queue.delete";
    std::string queue;
    std::uint64_t messages = 0;
    std::string reason; // queue.delete, auto_delete, exclusive
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &QueueDelete::queue),
                          field("messages", &QueueDelete::messages),
                          field("reason", &QueueDelete::reason)};
    }
};

// queue.purge removed `messages` ready messages; unacked ones stay.
struct QueuePurge
{
    static constexpr std::string_view kind = "queue.purge";
    std::string queue;
    std::uint64_t messages = 0;
    std::uint64_t unacked = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &QueuePurge::queue),
                          field("messages", &QueuePurge::messages),
                          field("unacked", &QueuePurge::unacked)};
    }
};

struct Bind
{
    static constexpr std::string_view kind = "bind";
    std::string exchange;
    std::string queue;
    std::string key;
    std::optional<std::uint16_t> channel = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &Bind::exchange), field("queue", &Bind::queue),
                          field("key", &Bind::key), field("channel", &Bind::channel)};
    }
};

struct Unbind
{
    static constexpr std::string_view kind = "unbind";
    std::string exchange;
    std::string queue;
    std::string key;
    std::uint16_t channel = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &Unbind::exchange), field("queue", &Unbind::queue),
                          field("key", &Unbind::key), field("channel", &Unbind::channel)};
    }
};

// ---- Connections, channels, errors
// --------------------------------------------------------------

// A channel error (404, 406, 403, ...); the channel is then closed.
struct Error
{
    static constexpr std::string_view kind = "error";
    std::uint16_t channel = 0;
    int code = 0;
    std::string text;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &Error::channel), field("code", &Error::code),
                          field("text", &Error::text)};
    }
};

struct ChannelOpen
{
    static constexpr std::string_view kind = "channel.open";
    std::uint16_t channel = 0;
    std::uint64_t connection = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &ChannelOpen::channel),
                          field("connection", &ChannelOpen::connection)};
    }
};

struct ChannelClose
{
    static constexpr std::string_view kind = "channel.close";
    std::uint16_t channel = 0;
    int code = 0; // 200 when closed normally
    std::string text;
    static constexpr auto fields()
    {
        return std::tuple{field("channel", &ChannelClose::channel),
                          field("code", &ChannelClose::code), field("text", &ChannelClose::text)};
    }
};

struct ConnectionOpen
{
    static constexpr std::string_view kind = "connection.open";
    std::uint64_t connection = 0;
    std::string name;
    static constexpr auto fields()
    {
        return std::tuple{field("connection", &ConnectionOpen::connection),
                          field("name", &ConnectionOpen::name)};
    }
};

struct ConnectionClose
{
    static constexpr std::string_view kind = "connection.close";
    std::uint64_t connection = 0;
    std::string name;
    int code = 0; // 200 when closed by the client, 320 when the broker goes down
    static constexpr auto fields()
    {
        return std::tuple{field("connection", &ConnectionClose::connection),
                          field("name", &ConnectionClose::name),
                          field("code", &ConnectionClose::code)};
    }
};

// ---- The broker's life -----------------------------------------------------------------------

// The broker read its journal at a (re)start: what it held, and how much of the file was
// whole. With no fields the journal could not be read and the broker runs in memory (the
// label says why). A broker without a data folder records none.
struct Recover
{
    static constexpr std::string_view kind = "recover";
    std::optional<std::uint64_t> exchanges = std::nullopt;
    std::optional<std::uint64_t> queues = std::nullopt;
    std::optional<std::uint64_t> bindings = std::nullopt;
    std::optional<std::uint64_t> messages = std::nullopt;
    std::optional<std::uint64_t> records = std::nullopt;
    std::optional<std::uint64_t> ignoredBytes = std::nullopt;
    std::optional<std::uint64_t> skippedRanges = std::nullopt;
    static constexpr auto fields()
    {
        return std::tuple{field("exchanges", &Recover::exchanges),
                          field("queues", &Recover::queues),
                          field("bindings", &Recover::bindings),
                          field("messages", &Recover::messages),
                          field("records", &Recover::records),
                          field("ignored_bytes", &Recover::ignoredBytes),
                          field("skipped_ranges", &Recover::skippedRanges)};
    }
};

// Broker::restart: every connection closed (320), then a recover.
struct Restart
{
    static constexpr std::string_view kind = "restart";
    static constexpr auto fields() { return std::tuple<>{}; }
};

// ---- What a watcher records --------------------------------------------------------------------
// A view that attaches to a broker it did not see start (a fresh embedded broker's
// pre-declared exchanges, a RabbitMQ node) describes it with these; the broker never records
// them.

// Forget every definition and message.
struct StateReset
{
    static constexpr std::string_view kind = "state.reset";
    static constexpr auto fields() { return std::tuple<>{}; }
};

struct StateExchange
{
    static constexpr std::string_view kind = "state.exchange";
    std::string exchange;
    std::string type;
    bool durable = false;
    bool autoDelete = false;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &StateExchange::exchange),
                          field("type", &StateExchange::type),
                          field("durable", &StateExchange::durable),
                          field("auto_delete", &StateExchange::autoDelete)};
    }
};

// A queue with `ready` messages the watcher cannot number (they replay as msg 0).
struct StateQueue
{
    static constexpr std::string_view kind = "state.queue";
    std::string queue;
    bool durable = false;
    bool exclusive = false;
    bool autoDelete = false;
    std::uint64_t ready = 0;
    std::uint64_t unacked = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &StateQueue::queue),
                          field("durable", &StateQueue::durable),
                          field("exclusive", &StateQueue::exclusive),
                          field("auto_delete", &StateQueue::autoDelete),
                          field("ready", &StateQueue::ready),
                          field("unacked", &StateQueue::unacked)};
    }
};

struct StateBinding
{
    static constexpr std::string_view kind = "state.binding";
    std::string exchange;
    std::string queue;
    std::string key;
    static constexpr auto fields()
    {
        return std::tuple{field("exchange", &StateBinding::exchange),
                          field("queue", &StateBinding::queue), field("key", &StateBinding::key)};
    }
};

// A queue's ready count without its messages (a passive queue.declare on RabbitMQ).
struct QueueDepth
{
    static constexpr std::string_view kind = "queue.depth";
    std::string queue;
    std::uint64_t ready = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("queue", &QueueDepth::queue), field("ready", &QueueDepth::ready)};
    }
};

// What the embedded broker records.
using BrokerEvents =
    EventSet<Publish, Route, Unroutable, Return, Enqueue, Deliver, Ack, Nack, Reject, Requeue,
             Drop, Confirm, Consume, Cancel, Qos, ExchangeDeclare, ExchangeDelete, QueueDeclare,
             QueueDelete, QueuePurge, Bind, Unbind, Error, ChannelOpen, ChannelClose,
             ConnectionOpen, ConnectionClose, Recover, Restart>;
using WatcherEvents = EventSet<StateReset, StateExchange, StateQueue, StateBinding, QueueDepth>;
// Both: what applyMessagingEvent (replay.h) understands.
using MessagingEvents =
    EventSet<Publish, Route, Unroutable, Return, Enqueue, Deliver, Ack, Nack, Reject, Requeue,
             Drop, Confirm, Consume, Cancel, Qos, ExchangeDeclare, ExchangeDelete, QueueDeclare,
             QueueDelete, QueuePurge, Bind, Unbind, Error, ChannelOpen, ChannelClose,
             ConnectionOpen, ConnectionClose, Recover, Restart, StateReset, StateExchange,
             StateQueue, StateBinding, QueueDepth>;

} // namespace wb::messaging::events
