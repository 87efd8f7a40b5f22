#pragma once
// The embedded broker: RabbitMQ's model of exchanges, queues, bindings, channels and
// acknowledgements, in process and thread-safe, with no setup. Clients reach it through the
// same Connection/Channel API as a real RabbitMQ node (see client.h).
//
//     wb::Trace trace;
//     Broker broker({.dataDir = userDataFolder, .trace = &trace});
//     auto conn = broker.connect("consumer1");
//
// Events (kinds, with their fields) are declared in events.h and listed in
// modules/messaging/README.md; every message event carries "msg", the broker's number for
// that publish, so a view can follow one token from "publish" through "route" and "enqueue"
// to "deliver" and "ack".
//
// Lifetime: connections keep the broker's state alive; once the Broker object is destroyed
// (or restart() runs) they report a closed connection (320 CONNECTION_FORCED).

#include "messaging/core/amqp.h"
#include "messaging/core/client.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::messaging {

struct BrokerOptions
{
    // Where durable definitions and persistent messages are journaled; empty keeps
    // everything in memory (a restart then keeps only the pre-declared exchanges).
    std::filesystem::path dataDir;
    wb::Trace *trace = nullptr;
    // Read the journal in dataDir and never write to dataDir (no folder is created, the
    // journal is neither compacted nor moved aside); changes then live in memory only.
    bool readOnly = false;
};

// Running totals since the broker (re)started.
struct BrokerStats
{
    std::uint64_t published = 0;
    std::uint64_t routed = 0; // queue copies enqueued
    std::uint64_t unroutable = 0;
    std::uint64_t returned = 0;
    std::uint64_t delivered = 0; // to consumers and basic.get
    std::uint64_t redelivered = 0;
    std::uint64_t acked = 0;
    std::uint64_t nacked = 0; // nacks and rejects
    std::uint64_t requeued = 0;
    std::uint64_t dropped = 0; // nacked without requeue, purged, lost with a queue
    std::uint64_t confirmed = 0;
    std::uint64_t recovered = 0; // messages read back from the journal
};

class Broker
{
public:
    explicit Broker(BrokerOptions options = {});
    ~Broker();
    Broker(const Broker &) = delete;
    Broker &operator=(const Broker &) = delete;

    // A new client connection; never fails (a journal problem shows in journalError()).
    std::unique_ptr<Connection> connect(std::string clientName = {});

    // Like rabbitmqctl list_exchanges / list_queues name messages_ready messages_unacknowledged
    // / list_bindings; sorted by name. The default exchange is the row with name "".
    std::vector<ExchangeInfo> listExchanges() const;
    std::vector<QueueInfo> listQueues() const;
    std::vector<BindingInfo> listBindings() const;
    BrokerStats stats() const;

    // A crash and restart: every connection is closed (320 CONNECTION_FORCED), everything
    // that is not durable is gone, and the journal is read back, as RabbitMQ restarts.
    void restart();

    // Empty when the journal works; otherwise why it does not (the broker then runs in memory).
    // A journal that exists but cannot be read is such an error: it is left untouched.
    std::string journalError() const;
    // Empty when the journal was read whole at the last (re)start; otherwise what recovery
    // did: "the broker journal P was damaged: recovered N records, skipped M bytes at
    // offsets ...; the original is kept as P.damaged-<UTC time>" (read-only: "left as it is").
    std::string journalRecovery() const;
    const std::filesystem::path &dataDir() const;

    struct State;

private:
    std::shared_ptr<State> m_state;
};

} // namespace wb::messaging
