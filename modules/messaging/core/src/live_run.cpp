#include "messaging/core/live_run.h"
#include "messaging/core/events.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"

#include <algorithm>
#include <chrono>

namespace wb::messaging {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The channel every role's events name: each role opens one channel on its own connection.
constexpr std::uint16_t kChannel = 1;

std::vector<QueueSpec> queuesFor(ExchangeType type)
{
    switch (type) {
    case ExchangeType::Direct:
    case ExchangeType::Fanout: // the keys are still there; a fanout ignores them
        return {{"odds", "odd", {}}, {"evens", "even", {}}};
    case ExchangeType::Topic:
        return {{"odds", "odd.*", {}}, {"evens", "even.*", {}}, {"smalls", "*.small", {}}};
    case ExchangeType::Headers:
        return {{"odds",
                 "parity=odd",
                 {{"x-match", std::string("all")}, {"parity", std::string("odd")}}},
                {"evens",
                 "parity=even",
                 {{"x-match", std::string("all")}, {"parity", std::string("even")}}},
                {"smalls",
                 "size=small",
                 {{"x-match", std::string("all")}, {"size", std::string("small")}}}};
    }
    return {};
}

std::string routingKeyFor(ExchangeType type, int n)
{
    const std::string parity = n % 2 == 0 ? "even" : "odd";
    if (type == ExchangeType::Topic)
        return parity + (n <= 50 ? ".small" : ".large");
    return parity;
}

Headers headersFor(ExchangeType type, int n)
{
    if (type != ExchangeType::Headers)
        return {};
    return {{"parity", std::string(n % 2 == 0 ? "even" : "odd")},
            {"size", std::string(n <= 50 ? "small" : "large")}};
}

struct LiveRun::Role
{
    std::string tag;
    std::string queue;
    int workMs = 0;
    std::int32_t thread = 0; // the thread number of its client-side events
    std::atomic<bool> stop{false};
    std::atomic<bool> kill{false};
    std::atomic<bool> connected{false};
    std::atomic<std::uint64_t> handled{0};
    std::thread worker;
};

LiveRun::LiveRun(LiveConfig config, Broker *broker, std::optional<BrokerUrl> url, wb::Trace &trace)
    : m_config(std::move(config)), m_broker(broker), m_url(std::move(url)), m_trace(trace),
      m_rate(m_config.rate), m_prefetch(m_config.prefetch)
{}

LiveRun::~LiveRun()
{
    stop();
}

void LiveRun::start()
{
    ++m_threads;
    m_producer = std::thread([this] {
        producerLoop();
        --m_threads;
    });
}

void LiveRun::stop()
{
    m_stop = true;
    if (m_producer.joinable())
        m_producer.join();
    std::vector<Role *> roles;
    {
        std::lock_guard lock(m_mutex);
        for (auto &r : m_roles)
            roles.push_back(r.get());
    }
    for (Role *r : roles)
        if (r->worker.joinable())
            r->worker.join();
}

bool LiveRun::finished() const
{
    if (!m_producerDone)
        return false;
    if (m_stop)
        return true;
    if (m_broker) {
        // Done when every queue of the scenario is drained (or nobody consumes it any more).
        std::vector<std::string> served;
        for (const auto &c : consumers())
            if (!c.killed)
                served.push_back(c.queue);
        for (const auto &q : m_broker->listQueues())
            if (std::find(served.begin(), served.end(), q.name) != served.end() &&
                q.ready + q.unacked > 0)
                return false;
        return true;
    }
    // A real broker does not say what is left: done once every delivery has been handled
    // and the producer has reported the drained queues.
    return drained();
}

void LiveRun::setRate(int perSecond)
{
    m_rate = std::max(0, perSecond);
}

void LiveRun::setPrefetch(int prefetch)
{
    m_prefetch = std::clamp(prefetch, 0, 65535);
}

std::string LiveRun::addConsumer(const ConsumerSpec &spec)
{
    std::lock_guard lock(m_mutex);
    auto role = std::make_unique<Role>();
    role->tag = spec.queue + "-" + std::to_string(m_nextTag++);
    role->queue = queueName(spec.queue);
    role->workMs = spec.workMs;
    role->thread = static_cast<std::int32_t>(m_roles.size()) + 2; // 1 is the producer
    Role &r = *role;
    m_roles.push_back(std::move(role));
    ++m_threads;
    r.worker = std::thread([this, &r] {
        consumerLoop(r);
        --m_threads;
    });
    return r.tag;
}

bool LiveRun::removeConsumer(const std::string &tag)
{
    return tellConsumer(tag, &Role::stop);
}

bool LiveRun::killConsumer(const std::string &tag)
{
    return tellConsumer(tag, &Role::kill);
}

bool LiveRun::tellConsumer(const std::string &tag, std::atomic<bool> Role::*flag)
{
    std::lock_guard lock(m_mutex);
    for (auto &r : m_roles)
        if (r->tag == tag && !r->stop && !r->kill) {
            (*r).*flag = true;
            return true;
        }
    return false;
}

bool LiveRun::restartBroker()
{
    if (!m_broker)
        return false;
    ++m_restarts;
    m_broker->restart(); // every role sees 320 CONNECTION_FORCED and reconnects
    return true;
}

std::vector<ConsumerStatus> LiveRun::consumers() const
{
    std::lock_guard lock(m_mutex);
    std::vector<ConsumerStatus> out;
    for (const auto &r : m_roles)
        out.push_back({r->tag, r->queue, r->workMs, r->connected, r->kill || r->stop, r->handled});
    return out;
}

std::string LiveRun::lastError() const
{
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void LiveRun::fail(const std::string &what)
{
    std::lock_guard lock(m_mutex);
    m_lastError = what;
}

bool LiveRun::sleepFor(int ms, const std::function<bool()> &until) const
{
    const auto end = Clock::now() + milliseconds(ms);
    while (Clock::now() < end) {
        if (m_stop || until())
            return false;
        std::this_thread::sleep_for(
            std::min<Clock::duration>(milliseconds(20), end - Clock::now()));
    }
    return !m_stop && !until();
}

std::unique_ptr<Connection> LiveRun::connect(const std::string &name)
{
    if (m_broker)
        return m_broker->connect(name);
    ConnectOptions o;
    o.timeout = milliseconds(4000);
    o.clientName = name;
    return connectTo(*m_url, o);
}

// What the consumers of the tutorial declare (the exchange; with `queues` also their queues
// and bindings). Declaring again with the same flags changes nothing.
void LiveRun::declareTopology(Channel &ch, bool queues, std::int32_t thread)
{
    const bool record = recordsClientSide();
    ExchangeFlags xf;
    xf.durable = m_config.durable;
    ch.exchangeDeclare(m_config.exchange, m_config.type, xf);
    if (record) {
        events::ExchangeDeclare declared;
        declared.exchange = m_config.exchange;
        declared.type = std::string(exchangeTypeName(m_config.type));
        declared.durable = m_config.durable;
        wb::record(&m_trace, declared, "exchange " + m_config.exchange + " declared", thread);
    }
    if (!queues)
        return;
    QueueFlags qf;
    qf.durable = m_config.durable;
    for (const auto &q : queuesFor(m_config.type)) {
        const std::string name = queueName(q.name);
        ch.queueDeclare(name, qf);
        ch.queueBind(name, m_config.exchange, q.bindingKey, q.arguments);
        if (record) {
            events::QueueDeclare declared;
            declared.queue = name;
            declared.durable = m_config.durable;
            wb::record(&m_trace, declared, "queue " + name + " declared", thread);
            events::Bind bound;
            bound.exchange = m_config.exchange;
            bound.queue = name;
            bound.key = q.bindingKey;
            wb::record(&m_trace, bound, "queue " + name + " bound with '" + q.bindingKey + "'",
                       thread);
        }
    }
}

// AMQP has no "list queues": a passive declare reports one queue's ready count.
void LiveRun::recordDepths(Channel &ch)
{
    for (const auto &q : queuesFor(m_config.type)) {
        QueueFlags passive;
        passive.passive = true;
        const std::string name = queueName(q.name);
        const auto ok = ch.queueDeclare(name, passive);
        wb::record(&m_trace, events::QueueDepth{name, ok.messageCount},
                   name + " holds " + std::to_string(ok.messageCount) + " ready", 1);
    }
}

bool LiveRun::drained() const
{
    std::uint64_t handled = 0;
    for (const auto &c : consumers())
        handled += c.handled;
    return handled >= m_published;
}

void LiveRun::startConsumers()
{
    if (m_consumersStarted.exchange(true))
        return;
    for (const auto &c : m_config.consumers)
        addConsumer(c);
}

void LiveRun::producerLoop()
{
    const bool record = recordsClientSide();
    const auto never = [] {
        return false;
    };
    wb::Rng rng(m_config.seed);
    std::uint64_t n = 0;
    if (m_config.publishBeforeBind == 0) {
        startConsumers();
        // The consumers declare their queues first, so nothing is lost at the start.
        const auto deadline = Clock::now() + milliseconds(5000);
        for (;;) {
            const auto cs = consumers();
            const bool ready = std::all_of(cs.begin(), cs.end(),
                                           [](const ConsumerStatus &c) { return c.connected; });
            if (ready || m_stop || Clock::now() > deadline)
                break;
            std::this_thread::sleep_for(milliseconds(10));
        }
    }
    auto lastDepth = Clock::now();
    while (!m_stop && (m_config.count == 0 || n < m_config.count)) {
        try {
            auto conn = connect("producer");
            auto ch = conn->openChannel();
            declareTopology(*ch, false, 1);
            auto next = Clock::now();
            while (!m_stop && (m_config.count == 0 || n < m_config.count)) {
                const int rate = m_rate;
                if (rate <= 0) {
                    std::this_thread::sleep_for(milliseconds(50));
                    next = Clock::now();
                    continue;
                }
                next += std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(1.0 / rate));
                // Far behind (a pause, a slow machine): do not publish a burst to catch up.
                if (Clock::now() - next > milliseconds(200))
                    next = Clock::now();
                while (!m_stop && Clock::now() < next)
                    std::this_thread::sleep_for(
                        std::min<Clock::duration>(milliseconds(20), next - Clock::now()));
                if (m_stop)
                    break;
                const int value = static_cast<int>(rng.between(1, 100));
                ++n;
                Message m;
                m.body = std::to_string(value);
                m.properties.contentType = "text/plain";
                m.properties.deliveryMode = m_config.persistent ? 2 : 1;
                m.properties.headers = headersFor(m_config.type, value);
                m.properties.messageId = "int-" + std::to_string(n);
                const std::string key = routingKeyFor(m_config.type, value);
                ch->basicPublish(m_config.exchange, key, m, m_config.mandatory);
                ++m_published;
                if (record) {
                    events::Publish published;
                    published.msg = n;
                    published.exchange = m_config.exchange;
                    published.routingKey = key;
                    published.body = m.body;
                    published.persistent = m_config.persistent;
                    published.mandatory = m_config.mandatory;
                    wb::record(&m_trace, published,
                               "integer " + m.body + " published with key '" + key + "'", 1);
                }
                m_returned += ch->takeReturned().size();
                if (n == m_config.publishBeforeBind)
                    startConsumers();
                if (n == m_config.killFirstConsumerAfter) {
                    const auto cs = consumers();
                    if (!cs.empty())
                        killConsumer(cs.front().tag);
                }
                if (n == m_config.restartBrokerAfter)
                    restartBroker();
                if (record && Clock::now() - lastDepth > milliseconds(500)) {
                    lastDepth = Clock::now();
                    recordDepths(*ch);
                }
            }
            // All published: on RabbitMQ keep reporting the depths while the consumers drain
            // the queues, and once more when they are done, so the tables end true.
            while (record && !m_stop && m_config.count != 0 && n >= m_config.count) {
                const bool done = drained();
                if (done || Clock::now() - lastDepth > milliseconds(500)) {
                    lastDepth = Clock::now();
                    recordDepths(*ch);
                }
                if (done)
                    break;
                std::this_thread::sleep_for(milliseconds(20));
            }
            ch->close();
            conn->close();
        } catch (const AmqpError &e) {
            if (e.code() != ConnectionForced)
                fail(std::string("producer: ") + e.what());
            if (!e.connectionLevel() && e.code() != ConnectionForced)
                break; // a channel error (404, 406): trying again changes nothing
            sleepFor(200, never);
        } catch (const std::exception &e) {
            fail(std::string("producer: ") + e.what());
            sleepFor(1000, never);
        }
    }
    startConsumers(); // publish-before-bind with fewer messages than that
    m_producerDone = true;
}

void LiveRun::consumerLoop(Role &r)
{
    const bool record = recordsClientSide();
    while (!m_stop && !r.stop && !r.kill) {
        try {
            auto conn = connect(r.tag);
            auto ch = conn->openChannel();
            declareTopology(*ch, true, r.thread);
            int prefetch = m_prefetch;
            ch->basicQos(static_cast<std::uint16_t>(prefetch));
            ch->basicConsume(r.queue, r.tag, m_config.autoAck);
            if (record)
                wb::record(&m_trace,
                           events::Consume{r.queue, r.tag, kChannel, m_config.autoAck,
                                           static_cast<std::uint16_t>(prefetch)},
                           r.tag + " consumes from " + r.queue, r.thread);
            r.connected = true;
            while (!m_stop && !r.stop && !r.kill) {
                if (prefetch != m_prefetch) {
                    prefetch = m_prefetch;
                    ch->basicQos(static_cast<std::uint16_t>(prefetch));
                    if (record)
                        wb::record(&m_trace,
                                   events::Qos{kChannel, static_cast<std::uint16_t>(prefetch)},
                                   r.tag + " prefetch " + std::to_string(prefetch), r.thread);
                }
                auto d = ch->nextDelivery(milliseconds(50));
                if (!d)
                    continue;
                const std::uint64_t msg =
                    std::strtoull(d->message.properties.messageId.c_str() + 4, nullptr, 10);
                if (record) {
                    events::Deliver delivered;
                    delivered.msg = msg;
                    delivered.queue = r.queue;
                    delivered.consumer = r.tag;
                    delivered.redelivered = d->redelivered;
                    delivered.noAck = m_config.autoAck;
                    wb::record(&m_trace, delivered,
                               "integer " + d->message.body + " delivered to " + r.tag, r.thread);
                }
                const int restarts = m_restarts;
                if (!sleepFor(r.workMs, [&] { return r.kill || m_restarts != restarts; }) &&
                    r.kill)
                    break; // killed with the message in hand: never acked
                if (!m_config.autoAck) {
                    ch->basicAck(d->deliveryTag);
                    if (record) {
                        events::Ack acked;
                        acked.msg = msg;
                        acked.queue = r.queue;
                        wb::record(&m_trace, acked, r.tag + " acked integer " + d->message.body,
                                   r.thread);
                    }
                }
                ++r.handled;
            }
            r.connected = false;
            if (r.stop && !r.kill)
                ch->basicCancel(r.tag);
            if (record) // the node drops the consumer with its connection; say so in the trace
                wb::record(
                    &m_trace,
                    events::Cancel{r.queue, r.tag, r.kill ? "connection dropped" : "closed"},
                    r.tag + (r.kill ? " killed" : " left"), r.thread);
            // Killed or stopped: whatever the channel still holds unacked goes back to the queue.
            conn->close();
            return;
        } catch (const AmqpError &e) {
            r.connected = false;
            if (e.code() != ConnectionForced)
                fail(r.tag + ": " + e.what());
            if (!e.connectionLevel() && e.code() != ConnectionForced)
                return;
            sleepFor(200, [&] {
                return r.kill.load();
            }); // the broker restarted: reconnect and declare again
        } catch (const std::exception &e) {
            r.connected = false;
            fail(r.tag + ": " + e.what());
            sleepFor(1000, [&] { return r.kill.load(); });
        }
    }
}

} // namespace wb::messaging
