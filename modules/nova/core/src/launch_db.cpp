// Nova's database for a launch: the shared LocalDb, the DbClient that reaches the api
// process's copy over the bus, and the DbServer that serves it there (topic "db").
#include "launch_db.h"

#include "launch_actor.h"

#include "nova/core/events.h"

#include <algorithm>

namespace wb::nova::detail {

namespace msg = wb::messaging;
using namespace std::chrono_literals;

namespace {

// Nova's service_down_time flag.
constexpr auto kServiceDownTime = 60s;

std::int64_t wallNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

// ---- LocalDb: the database in this process ------------------------------------------------

ComputeHost *LocalDb::find(const std::string &name)
{
    for (auto &h : hosts)
        if (h.name == name)
            return &h;
    return nullptr;
}

template <class F> void LocalDb::withLifecycle(std::int64_t id, F &&f)
{
    std::lock_guard lock(mutex);
    auto it = lifecycles.find(id);
    if (it == lifecycles.end())
        throw NovaError("InstanceNotFound", "no instance " + std::to_string(id));
    f(*it->second, instances.at(id));
    changed.notify_all();
}

InstanceRecord LocalDb::instanceGet(std::int64_t id)
{
    std::lock_guard lock(mutex);
    auto it = instances.find(id);
    if (it == instances.end())
        throw NovaError("InstanceNotFound", "no instance " + std::to_string(id));
    InstanceRecord r{it->second, lifecycles.at(id)->history(), {}, {}, {}};
    if (auto f = failReason.find(id); f != failReason.end())
        r.failure = f->second;
    if (auto x = xml.find(id); x != xml.end())
        r.xml = x->second;
    if (auto x = rules.find(id); x != rules.end())
        r.rules = x->second;
    return r;
}

std::vector<ComputeHost> LocalDb::computeHosts()
{
    std::lock_guard lock(mutex);
    std::vector<ComputeHost> out = hosts;
    const auto now = std::chrono::steady_clock::now();
    for (auto &h : out)
        if (auto r = reported.find(h.name);
            r != reported.end() && now - r->second > kServiceDownTime)
            h.up = false; // no report for longer than service_down_time
    return out;
}

void LocalDb::instanceSetHost(std::int64_t id, const std::string &host)
{
    withLifecycle(id, [&](InstanceLifecycle &, Instance &inst) { inst.host = host; });
}

std::string LocalDb::hostReserve(const std::string &host, const InstanceType &type)
{
    std::lock_guard lock(mutex);
    ComputeHost *h = find(host);
    if (!h)
        return "host " + host + " is not in the host table";
    if (!h->fits(type.vcpus, type.memoryMb))
        return host + " has no room for " + type.name + " (" + std::to_string(h->usedVcpus) + "/" +
               std::to_string(h->vcpus) + " cores in use)";
    h->usedVcpus += type.vcpus;
    h->usedMemoryMb += type.memoryMb;
    ++h->instances;
    return {};
}

void LocalDb::hostRelease(const std::string &host, const InstanceType &type)
{
    std::lock_guard lock(mutex);
    if (ComputeHost *h = find(host)) {
        h->usedVcpus -= type.vcpus;
        h->usedMemoryMb -= type.memoryMb;
        --h->instances;
    }
}

void LocalDb::instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp)
{
    withLifecycle(id, [&](InstanceLifecycle &lc, Instance &inst) {
        if (!fixedIp.empty())
            inst.fixedIp = Ipv4Address::parse(fixedIp);
        lc.advance(next);
    });
}

void LocalDb::instanceActivate(std::int64_t id, const std::string &domainXml,
                               const std::string &ruleset)
{
    withLifecycle(id, [&](InstanceLifecycle &lc, Instance &) {
        xml[id] = domainXml;
        rules[id] = ruleset;
        lc.activate(wallNs());
    });
}

void LocalDb::instanceFail(std::int64_t id, const std::string &reason)
{
    withLifecycle(id, [&](InstanceLifecycle &lc, Instance &inst) {
        if (inst.vmState == VmState::Building) {
            lc.fail(reason);
            failReason[id] = reason;
        }
    });
}

void LocalDb::serviceUpdate(const ComputeHost &report)
{
    std::lock_guard lock(mutex);
    ComputeHost *h = find(report.name);
    if (!h) {
        hosts.push_back(report);
        std::sort(hosts.begin(), hosts.end(),
                  [](const ComputeHost &a, const ComputeHost &b) { return a.name < b.name; });
    } else {
        h->zone = report.zone;
        h->up = report.up;
        h->vcpus = report.vcpus;
        h->memoryMb = report.memoryMb;
    }
    reported[report.name] = std::chrono::steady_clock::now();
}

Instance &LocalDb::create(Instance inst)
{
    auto &stored = instances[inst.id];
    stored = std::move(inst);
    lifecycles[stored.id] = std::make_unique<InstanceLifecycle>(stored, m_trace);
    changed.notify_all();
    return stored;
}

// ---- DbClient: the api process's database, from another process ---------------------------

DbClient::DbClient(msg::Channel &channel, const std::string &self, const std::string &exchange,
                   std::chrono::milliseconds timeout, const std::atomic<bool> *stop)
    : m_rpc(channel, self, {}, stop), m_timeout(timeout)
{
    m_rpc.setExchange(exchange);
}

InstanceRecord DbClient::instanceGet(std::int64_t id)
{
    return recordFromArgs(call("instance_get", {{"instance_id", id}}));
}

std::vector<ComputeHost> DbClient::computeHosts()
{
    const RpcArgs r = call("compute_hosts", {});
    std::vector<ComputeHost> hosts;
    for (std::int64_t i = 0; i < rpcInt(r, "count"); ++i)
        hosts.push_back(hostFromArgs(r, std::to_string(i) + "."));
    return hosts;
}

void DbClient::instanceSetHost(std::int64_t id, const std::string &host)
{
    call("instance_set_host", {{"instance_id", id}, {"host", host}});
}

std::string DbClient::hostReserve(const std::string &host, const InstanceType &type)
{
    return rpcString(call("host_reserve", {{"host", host}, {"instance_type", type.name}}),
                     "refused");
}

void DbClient::hostRelease(const std::string &host, const InstanceType &type)
{
    call("host_release", {{"host", host}, {"instance_type", type.name}});
}

void DbClient::instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp)
{
    call("instance_advance", {{"instance_id", id},
                              {"task_state", std::string(taskStateName(next))},
                              {"fixed_ip", fixedIp}});
}

void DbClient::instanceActivate(std::int64_t id, const std::string &xml, const std::string &rules)
{
    call("instance_activate", {{"instance_id", id}, {"xml", xml}, {"rules", rules}});
}

void DbClient::instanceFail(std::int64_t id, const std::string &reason)
{
    call("instance_fail", {{"instance_id", id}, {"reason", reason}});
}

void DbClient::serviceUpdate(const ComputeHost &host)
{
    m_rpc.cast(0, "db", "db", {"service_update", hostToArgs(host), {}, {}});
}

RpcArgs DbClient::call(const std::string &method, RpcArgs args)
{
    return m_rpc.call(0, "db", "db", {method, std::move(args), {}, {}}, m_timeout);
}

// ---- DbServer: the database served to the other processes ------------------------------

namespace {

// The api process's database served to the components in other processes (topic "db").
class DbServer : public Actor
{
public:
    using Actor::Actor;

protected:
    bool recordsLegs() const override { return false; }
    RpcArgs handle(const RpcRequest &r) override
    {
        LocalDb &db = *m_d.db;
        const std::int64_t id = rpcInt(r.args, "instance_id");
        const auto type = [&] {
            auto t = instanceTypeByName(rpcString(r.args, "instance_type"));
            if (!t)
                throw NovaError("InstanceTypeNotFound", "unknown instance type");
            return *t;
        };
        const std::string &m = r.method;
        if (m == "instance_get")
            return recordToArgs(db.instanceGet(id));
        if (m == "compute_hosts") {
            RpcArgs out;
            const auto hosts = db.computeHosts();
            for (std::size_t i = 0; i < hosts.size(); ++i)
                out.merge(hostToArgs(hosts[i], std::to_string(i) + "."));
            out["count"] = static_cast<std::int64_t>(hosts.size());
            return out;
        }
        if (m == "host_reserve")
            return {{"refused", db.hostReserve(rpcString(r.args, "host"), type())}};
        if (m == "host_release") {
            db.hostRelease(rpcString(r.args, "host"), type());
            return {};
        }
        if (m == "service_update") {
            const ComputeHost h = hostFromArgs(r.args);
            db.serviceUpdate(h);
            relay(*wb::record(m_d.trace, events::Service{h.name, h.up, h.zone, h.vcpus},
                              "compute." + h.name + (h.up ? " up" : " down") + " (" +
                                  std::to_string(h.vcpus) + " cores, zone " + h.zone + ")"));
            return {};
        }
        if (m == "instance_set_host")
            db.instanceSetHost(id, rpcString(r.args, "host"));
        else if (m == "instance_advance")
            db.instanceAdvance(
                id, parseTaskState(rpcString(r.args, "task_state")).value_or(TaskState::None),
                rpcString(r.args, "fixed_ip"));
        else if (m == "instance_activate")
            db.instanceActivate(id, rpcString(r.args, "xml"), rpcString(r.args, "rules"));
        else if (m == "instance_fail")
            db.instanceFail(id, rpcString(r.args, "reason"));
        else
            throw NovaError("UnknownMethod", "db has no method " + m);
        relayState(id);
        return {};
    }
};

} // namespace

std::unique_ptr<Actor> makeDbServer(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
{
    return std::make_unique<DbServer>(d, std::move(name), thread);
}

} // namespace wb::nova::detail
