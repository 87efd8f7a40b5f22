#pragma once
// Internal: what every component of a launch is built on. NovaDeployment::Impl holds a
// deployment's (or one component process's) shared state; an Actor is one component, a
// thread consuming its own queue (launch_actor.cpp). The components themselves, one file
// each as in Nova: launch_api.cpp (nova-api: the API server and the cloud controller),
// launch_scheduler.cpp, launch_compute.cpp, launch_network.cpp, and launch_db.cpp (the
// database, and the DbServer that serves it to other processes).

#include "launch_db.h"

#include "nova/core/deployment.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace wb::nova {

namespace detail {

class Actor;

// An rpc message sent: the arrow of the sequence diagram.
const wb::Event &addLeg(wb::Trace &trace, const RpcLeg &l, std::int32_t thread);

// The "state" event a component in its own process reports for an instance.
wb::Event stateEvent(const Instance &inst);

inline RpcArgs contextOf(const RpcRequest &r)
{
    return r.context;
}

} // namespace detail

struct NovaDeployment::Impl
{
    LaunchOptions options;
    ConnectionFactory connect;
    wb::Trace *trace = nullptr;
    std::unique_ptr<detail::LocalDb>
        db;                    // null in a component process that reaches it over the bus
    std::string traceExchange; // set: every recorded event is reported there too
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> userLaunches{0}; // runInstances() calls so far

    // The seed of an endpoint's call ids: the launch seed and the endpoint's name (and, for
    // the user, which launch), so a seeded launch repeats its msg_ids. Components in their
    // own processes (traceExchange set) also mix in the process id and the clock: processes
    // started with the same seed on one broker must not share reply queue names.
    std::uint64_t idSeed(const std::string &name, std::uint64_t salt = 0) const
    {
        std::uint64_t h = 0xcbf29ce484222325ULL; // FNV-1a over the name
        for (const char c : name)
            h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
        std::uint64_t seed = options.seed ^ h ^ (salt * 0x9e3779b97f4a7c15ULL);
        if (!traceExchange.empty())
            seed ^= (static_cast<std::uint64_t>(::getpid()) << 40) ^
                    static_cast<std::uint64_t>(
                        std::chrono::steady_clock::now().time_since_epoch().count());
        return seed;
    }
    std::atomic<int> lost{0}; // actors that ended on an error after they started
    std::vector<std::unique_ptr<detail::Actor>> actors;
    std::mutex readyMutex;
    std::condition_variable readyChanged;
    int ready = 0;
    int failed = 0;
    std::string firstError;
    bool started = false;

    const wb::Event &leg(const RpcLeg &l, std::int32_t thread);
    const wb::Event &local(int n, const std::string &who, const std::string &method,
                           const std::string &routingKey, const std::string &detail,
                           std::int32_t thread, wb::SourceLocation where);

    void startActors();
    void stopActors();
};

namespace detail {

// One component: a thread consuming the queue named after it (bound to the control exchange
// with that name as key), acking each request before it runs the method, replying when asked.
class Actor
{
public:
    Actor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : m_d(d), m_name(std::move(name)), m_thread(thread)
    {}
    virtual ~Actor() { join(); }

    void start()
    {
        m_worker = std::thread([this] { run(); });
    }
    void join()
    {
        if (m_worker.joinable())
            m_worker.join();
    }
    const std::string &name() const { return m_name; }

protected:
    virtual RpcArgs handle(const RpcRequest &request) = 0;
    virtual int replyStep() const { return 1; }
    virtual bool recordsLegs() const { return true; }
    // Around the consuming loop: once the queue is bound, every poll (about 50 ms), at the end.
    virtual void onStart() {}
    virtual void onPoll() {}
    virtual void onStop() {}

    RpcEndpoint &rpc() { return *m_rpc; }
    // The shared database in this process, else the api process's over the bus.
    Database &db() { return m_d.db ? static_cast<Database &>(*m_d.db) : *m_dbClient; }
    // A step inside this component, recorded with the line that called it.
    void local(int n, const std::string &method, const std::string &detail,
               const std::string &routingKey = {},
               std::source_location where = std::source_location::current())
    {
        relay(m_d.local(n, m_name, method, routingKey.empty() ? m_name : routingKey, detail,
                        m_thread, wb::SourceLocation::from(where)));
    }
    // Reports an event recorded here to the user's side (components in their own process).
    void relay(const wb::Event &e);
    void relayState(std::int64_t id);

    NovaDeployment::Impl &m_d;

private:
    void openOut();
    void signal(bool ok, const std::string &error);
    void run();
    void process(const wb::messaging::Delivery &delivery);

    std::string m_name;
    std::int32_t m_thread;
    std::thread m_worker;
    std::unique_ptr<wb::messaging::Connection> m_conn;
    std::unique_ptr<wb::messaging::Channel> m_out;
    std::unique_ptr<RpcEndpoint> m_rpc;
    std::unique_ptr<DbClient> m_dbClient;
};

// The components, each defined in its own file.
std::unique_ptr<Actor> makeApiServer(NovaDeployment::Impl &d, std::string name,
                                     std::int32_t thread);
std::unique_ptr<Actor> makeCloudController(NovaDeployment::Impl &d, std::string name,
                                           std::int32_t thread);
std::unique_ptr<Actor> makeScheduler(NovaDeployment::Impl &d, std::string name,
                                     std::int32_t thread);
std::unique_ptr<Actor> makeComputeWorker(NovaDeployment::Impl &d, ComputeHost host,
                                         std::int32_t thread);
std::unique_ptr<Actor> makeNetwork(NovaDeployment::Impl &d, std::string name, std::int32_t thread);
std::unique_ptr<Actor> makeDbServer(NovaDeployment::Impl &d, std::string name,
                                    std::int32_t thread);

} // namespace detail

} // namespace wb::nova
