#pragma once
// The embedded broker's state, shared by the files that implement it:
//   broker.cpp              publishing and routing, delivering to consumers, acknowledgements;
//                           the Broker class
//   broker_topology.cpp     (re)start from the journal, exchanges, queues and bindings
//   broker_connections.cpp  connections and channels: the embedded Connection/Channel, closing
// Every function of Broker::State runs with Broker::State::mutex held.

#include "messaging/core/broker.h"
#include "messaging/core/journal.h"
#include "messaging/core/routing.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

namespace wb::messaging {

namespace embedded {

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

inline std::string inQuotes(const std::string &s)
{
    return "'" + s + "'";
}

inline std::string boolText(bool b)
{
    return b ? "true" : "false";
}

[[noreturn]] inline void fail(int code, std::string text)
{
    throw AmqpError(code, std::move(text));
}

inline std::string bodyPreview(const std::string &body)
{
    return body.size() <= 64 ? body : body.substr(0, 61) + "...";
}

enum class Settle { Ack, Requeue, Drop };

} // namespace embedded

// Only the broker's own files include this header; they use the names above unqualified.
using namespace embedded;

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

    // --- lifecycle (broker_topology.cpp) -------------------------------------------------

    void addExchange(const std::string &name, ExchangeType type, bool durable, bool autoDelete,
                     bool internal);
    void recover();

    // --- lookups (broker_topology.cpp) ---------------------------------------------------

    ExchangeState &exchangeNamed(const std::string &name);
    std::shared_ptr<QueueState> queueNamed(const ChannelState &ch, const std::string &name);
    static void checkOwner(const ChannelState &ch, const QueueState &q);
    static void checkReservedName(const std::string &name, const char *what);
    static void checkEquivalent(const char *arg, const char *what, const std::string &name,
                                const std::string &received, const std::string &current);

    // --- exchanges (broker_topology.cpp) -------------------------------------------------

    void exchangeDeclare(ChannelState &ch, const std::string &name, ExchangeType type,
                         const ExchangeFlags &flags);
    void removeExchange(const std::string &name);
    void exchangeDelete(const std::string &name, bool ifUnused);
    void unbound(ExchangeState &e);

    // --- queues (broker_topology.cpp) ----------------------------------------------------

    QueueDeclareOk queueDeclare(ChannelState &ch, std::string name, const QueueFlags &flags);
    void removeQueue(const std::shared_ptr<QueueState> &q, const char *reason);
    std::uint32_t queueDelete(ChannelState &ch, const std::string &name, bool ifUnused,
                              bool ifEmpty);
    std::uint32_t queuePurge(ChannelState &ch, const std::string &name);
    void queueBind(ChannelState &ch, const std::string &queue, const std::string &exchange,
                   const std::string &key, const Headers &arguments, bool bind);

    // --- publishing (broker.cpp) ---------------------------------------------------------

    std::uint64_t publish(ChannelState &ch, const std::string &exchange,
                          const std::string &routingKey, const Message &message, bool mandatory);
    void enqueue(const std::shared_ptr<QueueState> &q, const MessagePtr &stored);

    // --- delivering (broker.cpp) ---------------------------------------------------------

    static bool hasCapacity(const ConsumerState &c);
    void dispatch(const std::shared_ptr<QueueState> &q);
    void deliver(const std::shared_ptr<QueueState> &q, const std::shared_ptr<ConsumerState> &c,
                 QueuedMessage m);
    std::string consume(ChannelState &ch, const std::string &queue, std::string tag, bool noAck,
                        bool exclusive);
    void removeConsumer(std::shared_ptr<ConsumerState> c, const char *reason);
    void cancel(ChannelState &ch, const std::string &tag);
    std::optional<Delivery> get(ChannelState &ch, const std::string &queue, bool noAck);

    // --- acknowledging (broker.cpp) ------------------------------------------------------

    std::vector<UnackedDelivery *> outstanding(ChannelState &ch, std::uint64_t tag, bool multiple);
    void settle(ChannelState &ch, UnackedDelivery &u, Settle how, const char *reason);
    void compactUnacked(ChannelState &ch);
    void ack(ChannelState &ch, std::uint64_t tag, bool multiple);
    void nack(ChannelState &ch, std::uint64_t tag, bool multiple, bool requeue, bool reject);
    void redispatch(std::vector<std::shared_ptr<QueueState>> &queues);
    void setPrefetch(ChannelState &ch, std::uint16_t prefetch);

    // --- closing (broker_connections.cpp) ------------------------------------------------

    void closeChannel(ChannelState &ch, int code, const std::string &text);
    void closeConnection(ConnectionState &conn, int code, const std::string &text);
    void shutdown(const std::string &text);
    void checkOpen(const ChannelState &ch) const;
};

} // namespace wb::messaging
