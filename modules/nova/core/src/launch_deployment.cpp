// The running components: NovaDeployment (all of them in this process, around one shared
// database) and NovaComponent (one of them, in a process of its own).
#include "launch_actor.h"

#include "workbench/core/trace.h"

#include <map>
#include <stdexcept>

namespace wb::nova {

std::vector<ComputeHost> defaultHosts(int count)
{
    std::vector<ComputeHost> hosts;
    for (int i = 1; i <= count; ++i) {
        ComputeHost h;
        h.name = "host" + std::to_string(i);
        hosts.push_back(h);
    }
    return hosts;
}

void NovaDeployment::Impl::startActors()
{
    if (started)
        return;
    stopping = false;
    ready = failed = 0;
    firstError.clear();
    for (auto &a : actors)
        a->start();
    started = true;
    std::unique_lock lock(readyMutex);
    readyChanged.wait(lock, [&] { return ready + failed == static_cast<int>(actors.size()); });
    if (failed) {
        const std::string error = firstError;
        lock.unlock();
        stopActors();
        throw std::runtime_error(error);
    }
}

void NovaDeployment::Impl::stopActors()
{
    stopping = true;
    for (auto &a : actors)
        a->join();
    actors.clear();
    started = false;
}

NovaDeployment::NovaDeployment(LaunchOptions options, ConnectionFactory connect, wb::Trace *trace)
    : m_impl(std::make_unique<Impl>())
{
    if (!trace)
        throw std::invalid_argument("NovaDeployment needs a trace");
    m_impl->options = std::move(options);
    m_impl->connect = std::move(connect);
    m_impl->trace = trace;
    m_impl->db = std::make_unique<detail::LocalDb>(trace, m_impl->options.hostTable.empty()
                                                              ? defaultHosts(m_impl->options.hosts)
                                                              : m_impl->options.hostTable);
    if (m_impl->db->hosts.empty())
        throw std::invalid_argument("a deployment needs at least one compute host");
    m_impl->db->keyPairs.insert(m_impl->options.keyName); // euca-add-keypair test
}

NovaDeployment::~NovaDeployment()
{
    stop();
}

void NovaDeployment::start()
{
    auto &d = *m_impl;
    if (d.started)
        return;
    d.actors.clear();
    std::int32_t thread = 1;
    d.actors.push_back(detail::makeApiServer(d, "api", thread++));
    d.actors.push_back(detail::makeCloudController(d, "cloud", thread++));
    d.actors.push_back(detail::makeScheduler(d, "scheduler", thread++));
    d.actors.push_back(detail::makeNetwork(d, "network", thread++));
    for (const auto &h : d.db->hosts)
        d.actors.push_back(detail::makeComputeWorker(d, h, thread++));
    d.startActors();
}

void NovaDeployment::stop()
{
    m_impl->stopActors();
}

bool NovaDeployment::running() const
{
    return m_impl->started;
}

std::vector<std::string> NovaDeployment::components() const
{
    std::vector<std::string> names;
    for (const auto &a : m_impl->actors)
        names.push_back(a->name());
    return names;
}

std::int64_t NovaDeployment::runInstances()
{
    const auto &o = m_impl->options;
    auto conn = m_impl->connect("user");
    auto ch = conn->openChannel();
    declareControlExchange(*ch, o.controlExchange);
    RpcEndpoint user(
        *ch, "user", [this](const RpcLeg &l) { m_impl->leg(l, 0); }, &m_impl->stopping);
    user.setExchange(o.controlExchange);
    user.setIdSeed(m_impl->idSeed("user", ++m_impl->userLaunches));
    RpcArgs result;
    try {
        result = user.call(1, "api", "api", detail::runInstancesRequest(o), o.rpcTimeout * 2);
    } catch (...) {
        ch->close();
        conn->close();
        throw;
    }
    ch->close();
    conn->close();
    return rpcInt(result, "instance_id", -1);
}

bool NovaDeployment::waitFinished(std::int64_t id, std::chrono::milliseconds timeout) const
{
    auto &db = *m_impl->db;
    std::unique_lock lock(db.mutex);
    return db.changed.wait_for(lock, timeout, [&] {
        auto it = db.instances.find(id);
        return it != db.instances.end() && it->second.vmState != VmState::Building;
    });
}

Instance NovaDeployment::instance(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db->mutex);
    auto it = m_impl->db->instances.find(id);
    return it == m_impl->db->instances.end() ? Instance{} : it->second;
}

std::vector<StateChange> NovaDeployment::states(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db->mutex);
    auto it = m_impl->db->lifecycles.find(id);
    return it == m_impl->db->lifecycles.end() ? std::vector<StateChange>{} : it->second->history();
}

std::vector<ComputeHost> NovaDeployment::hosts() const
{
    return m_impl->db->computeHosts();
}

namespace {

std::string lookup(const detail::LocalDb &db, const std::map<std::int64_t, std::string> &table,
                   std::int64_t id)
{
    std::lock_guard lock(db.mutex);
    auto it = table.find(id);
    return it == table.end() ? std::string() : it->second;
}

} // namespace

std::string NovaDeployment::domainXml(std::int64_t id) const
{
    return lookup(*m_impl->db, m_impl->db->xml, id);
}

std::string NovaDeployment::failure(std::int64_t id) const
{
    return lookup(*m_impl->db, m_impl->db->failReason, id);
}

std::string NovaDeployment::ruleset(std::int64_t id) const
{
    return lookup(*m_impl->db, m_impl->db->rules, id);
}

std::string_view roleName(NovaRole role)
{
    switch (role) {
    case NovaRole::Api:
        return "api";
    case NovaRole::Scheduler:
        return "scheduler";
    case NovaRole::Compute:
        return "compute";
    case NovaRole::Network:
        return "network";
    }
    return "?";
}

std::optional<NovaRole> parseRoleName(std::string_view name)
{
    for (auto r : {NovaRole::Api, NovaRole::Scheduler, NovaRole::Compute, NovaRole::Network})
        if (roleName(r) == name)
            return r;
    return std::nullopt;
}

std::string traceExchangeFor(const std::string &controlExchange)
{
    return controlExchange + ".trace";
}

NovaComponent::NovaComponent(ComponentOptions options, ConnectionFactory connect, wb::Trace *trace)
    : m_impl(std::make_unique<NovaDeployment::Impl>())
{
    if (!trace)
        throw std::invalid_argument("NovaComponent needs a trace");
    auto &d = *m_impl;
    d.options = std::move(options.settings);
    d.connect = std::move(connect);
    d.trace = trace;
    d.traceExchange = traceExchangeFor(d.options.controlExchange);
    std::int32_t thread = 1;
    switch (options.role) {
    case NovaRole::Api:
        // The api process keeps Nova's database; the compute services fill its host table.
        d.db = std::make_unique<detail::LocalDb>(trace, std::vector<ComputeHost>{});
        d.db->keyPairs.insert(d.options.keyName);
        d.actors.push_back(detail::makeApiServer(d, "api", thread++));
        d.actors.push_back(detail::makeCloudController(d, "cloud", thread++));
        d.actors.push_back(detail::makeDbServer(d, "db", thread++));
        break;
    case NovaRole::Scheduler:
        d.actors.push_back(detail::makeScheduler(d, "scheduler", thread++));
        break;
    case NovaRole::Network:
        d.actors.push_back(detail::makeNetwork(d, "network", thread++));
        break;
    case NovaRole::Compute:
        if (options.host.name.empty())
            throw std::invalid_argument("a compute component needs a host name");
        d.actors.push_back(detail::makeComputeWorker(d, options.host, thread++));
        break;
    }
}

NovaComponent::~NovaComponent()
{
    stop();
}

void NovaComponent::start()
{
    m_impl->startActors();
}

void NovaComponent::stop()
{
    m_impl->stopActors();
}

std::vector<std::string> NovaComponent::queues() const
{
    std::vector<std::string> names;
    for (const auto &a : m_impl->actors)
        names.push_back(a->name());
    return names;
}

bool NovaComponent::healthy() const
{
    return m_impl->lost.load() == 0;
}

} // namespace wb::nova
