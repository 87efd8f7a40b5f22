#pragma once
// The broker as a view sees it at one point of a trace: exchanges, bindings, queues with the
// messages in them, consumers with what they hold unacknowledged, and the last movements of
// messages (for tokens drawn travelling along the topology). Built only from events, so a
// wb::Replayer gives it at any cursor position:
//
//     wb::Replayer<MessagingState> replay(trace, MessagingState{}, applyMessagingEvent);
//     const MessagingState &s = replay.stateAt(cursor);
//     s.queues.at("odds").ready;                     // what list_queues shows at the cursor
//
// Besides the broker's own events it understands a few kinds a watcher records to describe a
// broker it did not see start (after a restart, or a RabbitMQ node): state.reset,
// state.exchange, state.queue, state.binding and queue.depth. All of them are declared in
// events.h (events::MessagingEvents) and listed in README.md, "Events". An event of another
// kind is counted and otherwise ignored; one of these kinds that lacks a declared field
// throws wb::EventFieldError.

#include "workbench/core/trace.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wb::messaging {

struct ExchangeView
{
    std::string name;
    std::string type = "direct";
    bool durable = false;
    bool autoDelete = false;
};

struct BindingView
{
    std::string exchange;
    std::string queue;
    std::string key;
    bool operator==(const BindingView &) const = default;
};

struct QueueView
{
    std::string name;
    bool durable = false;
    bool exclusive = false;
    bool autoDelete = false;
    std::uint64_t ready = 0; // as the broker last reported it
    std::uint64_t unacked = 0;
    // The ready messages in delivery order. After a restart the broker numbers recovered
    // messages afresh, so those entries have msg 0 and keep only the routing key.
    struct Waiting
    {
        std::uint64_t msg = 0;
        std::string routingKey;
    };
    std::deque<Waiting> waiting;
    std::uint64_t enqueued = 0; // totals since the state began
    std::uint64_t delivered = 0;
    std::uint64_t acked = 0;
};

struct ConsumerView
{
    std::string tag;
    std::string queue;
    std::int32_t connection = 0; // the event's thread
    std::int64_t channel = 0;
    std::int64_t prefetch = 0; // 0: unlimited
    bool noAck = false;
    std::vector<std::uint64_t> holding; // delivered to it, not yet acked (message numbers)
    std::uint64_t delivered = 0;
    std::uint64_t acked = 0;
    std::uint64_t redelivered = 0;
};

// What one published message is: its routing key and body, as the publish event said.
struct MessageView
{
    std::string routingKey;
    std::string body;
    bool persistent = false;
    int copies = 0; // queue copies not yet acked or dropped
};

// One step of a message along the topology.
enum class MoveKind { Publish, Route, Deliver, Ack, Requeue, Drop, Unroutable, Return };

struct Move
{
    MoveKind kind = MoveKind::Publish;
    std::uint64_t msg = 0;
    std::string routingKey;
    std::string queue;    // Route, Deliver, Ack, Requeue, Drop
    std::string consumer; // Deliver, Ack, Requeue (the consumer that held it)
    bool redelivered = false;
    std::uint64_t event = 0; // the event's position in the trace
    std::int64_t tNs = 0;
};

struct MessagingTotals
{
    std::uint64_t published = 0, routed = 0, unroutable = 0, returned = 0, delivered = 0,
                  redelivered = 0, acked = 0, requeued = 0, dropped = 0, errors = 0;
};

struct MessagingState
{
    static constexpr std::size_t kMoves = 256; // movements kept for animation

    std::map<std::string, ExchangeView> exchanges;
    std::vector<BindingView> bindings;
    std::map<std::string, QueueView> queues;
    std::map<std::string, ConsumerView> consumers;
    std::map<std::uint64_t, MessageView> messages; // published and not yet settled everywhere
    std::deque<Move> moves;                        // newest last
    MessagingTotals totals;
    std::string lastError; // "404 NOT_FOUND: no exchange 'integers' ..." (the latest one)
    std::uint64_t restarts = 0;
    std::uint64_t events = 0; // applied so far

    const ConsumerView *consumer(const std::string &tag) const;
    // The routing key of message `msg`, or "" when unknown (recovered after a restart).
    std::string routingKeyOf(std::uint64_t msg) const;
};

void applyMessagingEvent(MessagingState &state, const wb::Event &event);

// Publish, deliver and ack counts and each queue's depth over time, bucketed by the events'
// timestamps. Consumes the trace incrementally (update() reads only new events).
struct RateSeries
{
    struct Bucket
    {
        std::uint64_t published = 0, delivered = 0, acked = 0, redelivered = 0;
        std::uint64_t firstEvent = 0; // position of the first event in this bucket
    };

    explicit RateSeries(std::int64_t bucketNs = 100'000'000) : bucketNs(bucketNs) {}

    std::int64_t bucketNs;
    std::vector<Bucket> buckets;
    // Per queue, (bucket, ready + unacked at the bucket's end); a queue appears when first seen.
    std::map<std::string, std::vector<std::pair<std::size_t, std::uint64_t>>> depth;
    std::size_t processed = 0;

    void update(const wb::Trace &trace);
    void clear();
    // The bucket holding trace position `position` (the last applied event), for the cursor.
    std::size_t bucketAt(std::size_t position) const;
};

} // namespace wb::messaging
