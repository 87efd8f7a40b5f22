#pragma once
// The odd/even scenario running live: a producer thread publishing seeded integers at a rate
// the learner can change, and one thread per consumer, each on its own connection as on its
// own host, acking after a little work. Consumers can be added, stopped, killed (connection
// dropped with deliveries unacked) and re-tuned (prefetch) while it runs; the embedded broker
// can be restarted under it, after which every role reconnects and declares again.
//
// On the embedded broker the broker itself records every event; against RabbitMQ, which
// reports nothing, the roles record what a client sees (publish, deliver, ack, declarations,
// and each queue's depth from a passive declare) into the same trace, as the event structs
// of events.h.
//
// Qt-free: the views' session drives it from the GUI thread, and nothing here blocks for
// longer than stop() takes to join the roles (each checks its flag every 50 ms; a RabbitMQ
// connect can take up to its timeout).

#include "messaging/core/amqp.h"
#include "messaging/core/broker.h"
#include "messaging/core/client.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::messaging {

// One queue of the topology and how it is bound to the exchange.
struct QueueSpec
{
    std::string name;
    std::string bindingKey; // for a headers exchange: a label, e.g. "parity=odd"
    Headers arguments;      // headers exchange only
};

struct ConsumerSpec
{
    std::string queue;
    int workMs = 150; // time spent on each message before the ack
};

struct LiveConfig
{
    ExchangeType type = ExchangeType::Direct;
    std::string exchange = "integers";
    // Put before every queue's name on the broker ("" in the app); a shared broker gets
    // names of its own, e.g. "run-42.odds". ConsumerSpec::queue stays the plain name.
    std::string queuePrefix;
    bool durable = true;    // exchange and queues
    bool persistent = true; // delivery_mode 2
    bool mandatory = false;
    bool autoAck = false;
    int rate = 4;            // messages per second; 0 pauses the producer
    std::uint64_t count = 0; // stop publishing after this many (0: until stopped)
    std::uint64_t seed = 1;
    int prefetch = 10; // 0: unlimited (the tutorial sets none)
    std::vector<ConsumerSpec> consumers;
    // The producer publishes this many before any consumer declares its queue.
    std::uint64_t publishBeforeBind = 0;
    // Scripted events for the presets (0: none): after that many publishes.
    std::uint64_t killFirstConsumerAfter = 0;
    std::uint64_t restartBrokerAfter = 0;
};

// The queues and bindings of the odd/even scenario for an exchange type.
std::vector<QueueSpec> queuesFor(ExchangeType type);
// The routing key (and headers) integer `n` is published with.
std::string routingKeyFor(ExchangeType type, int n);
Headers headersFor(ExchangeType type, int n);

struct ConsumerStatus
{
    std::string tag;
    std::string queue;
    int workMs = 0;
    bool connected = false;
    bool killed = false;
    std::uint64_t handled = 0;
};

class LiveRun
{
public:
    // `broker` null: connect to `url` instead. The trace must outlive the run.
    LiveRun(LiveConfig config, Broker *broker, std::optional<BrokerUrl> url, wb::Trace &trace);
    ~LiveRun(); // stops and joins
    LiveRun(const LiveRun &) = delete;
    LiveRun &operator=(const LiveRun &) = delete;

    void start();
    void stop();           // joins every role
    bool finished() const; // the producer is done and every queue drained (or stopped)
    // Tells every role to stop without waiting for it; stop() joins them at once after
    // threadsDone().
    void requestStop() { m_stop = true; }
    bool threadsDone() const { return m_threads == 0; }

    void setRate(int perSecond);
    void setPrefetch(int prefetch);
    // Returns the new consumer's tag ("odds-3").
    std::string addConsumer(const ConsumerSpec &spec);
    // Graceful: cancel, finish the message in hand, close.
    bool removeConsumer(const std::string &tag);
    // The host dies: the connection drops with its deliveries unacked.
    bool killConsumer(const std::string &tag);
    // Embedded only: the broker crashes and comes back; the roles reconnect.
    bool restartBroker();

    std::uint64_t published() const { return m_published; }
    std::uint64_t returned() const { return m_returned; }
    std::vector<ConsumerStatus> consumers() const;
    // The last error a role met (connection refused, 404, 406 ...), "" if none.
    std::string lastError() const;
    const LiveConfig &config() const { return m_config; }

private:
    struct Role;
    std::unique_ptr<Connection> connect(const std::string &name);
    void producerLoop();
    void consumerLoop(Role &role);
    // Sets `flag` (stop or kill) of the consumer `tag` unless it is already leaving.
    bool tellConsumer(const std::string &tag, std::atomic<bool> Role::*flag);
    void declareTopology(Channel &ch, bool queues, std::int32_t thread);
    void startConsumers();
    void recordDepths(Channel &ch); // RabbitMQ: each queue's ready count, as queue.depth events
    bool drained() const;           // every published message handled by some consumer
    void fail(const std::string &what);
    // Sleeps in short slices; false (early) once the run stops or `until` returns true.
    bool sleepFor(int ms, const std::function<bool()> &until) const;
    bool recordsClientSide() const { return m_broker == nullptr; }
    std::string queueName(const std::string &plain) const { return m_config.queuePrefix + plain; }

    LiveConfig m_config;
    Broker *m_broker;
    std::optional<BrokerUrl> m_url;
    wb::Trace &m_trace;

    std::atomic<bool> m_stop{false};
    std::atomic<int> m_threads{0}; // the producer's and the consumers' threads still running
    std::atomic<int> m_rate;
    std::atomic<int> m_prefetch;
    std::atomic<std::uint64_t> m_published{0};
    std::atomic<std::uint64_t> m_returned{0};
    std::atomic<bool> m_producerDone{false};
    std::atomic<bool> m_consumersStarted{false};
    std::atomic<int> m_restarts{0}; // a consumer at work notices its connection is gone

    mutable std::mutex m_mutex; // roles list, error text, restart
    std::vector<std::unique_ptr<Role>> m_roles;
    std::string m_lastError;
    int m_nextTag = 1;
    std::thread m_producer;
};

} // namespace wb::messaging
