#include "nova/core/launch.h"

#include "nova/core/image_plan.h"
#include "nova/core/iptables.h"
#include "nova/core/libvirt_xml.h"
#include "nova/core/network.h"

#include "messaging/core/amqp.h"
#include "messaging/core/broker.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace wb::nova {

namespace msg = wb::messaging;
using namespace std::chrono_literals;

namespace {

// An exception a component raises on purpose; its type travels in the reply's failure.
class NovaError : public std::runtime_error
{
public:
    NovaError(std::string type, const std::string &text)
        : std::runtime_error(text), m_type(std::move(type))
    {}
    const std::string &type() const { return m_type; }

private:
    std::string m_type;
};

std::int64_t wallNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An rpc message sent: the arrow of the sequence diagram.
const wb::Event &addLeg(wb::Trace &trace, const RpcLeg &l, std::int32_t thread)
{
    return trace.add(l.kind,
                     std::to_string(l.n) + ". " + l.from + " -> " + l.to + ": " + l.kind + " " +
                         l.method,
                     {{"n", l.n},
                      {"from", l.from},
                      {"to", l.to},
                      {"method", l.method},
                      {"routing_key", l.routingKey},
                      {"msg_id", l.msgId},
                      {"body", l.body}},
                     thread);
}

// Nova's service_down_time and report_interval flags.
constexpr auto kServiceDownTime = 60s;
constexpr auto kReportInterval = 10s;

std::optional<VmState> parseVmState(std::string_view name)
{
    for (auto s : {VmState::Building, VmState::Active, VmState::Error})
        if (vmStateName(s) == name)
            return s;
    return std::nullopt;
}

std::optional<TaskState> parseTaskState(std::string_view name)
{
    for (auto s : {TaskState::Scheduling, TaskState::Networking, TaskState::BlockDeviceMapping,
                   TaskState::Spawning, TaskState::None})
        if (taskStateName(s) == name)
            return s;
    return std::nullopt;
}

// An instance row as it travels between the database and the components.
struct InstanceRecord
{
    Instance instance;
    std::vector<StateChange> states;
    std::string failure, xml, rules;
};

RpcArgs recordToArgs(const InstanceRecord &r)
{
    const Instance &i = r.instance;
    RpcArgs a{{"id", i.id},
              {"project", i.project},
              {"user", i.user},
              {"key_name", i.keyName},
              {"image_id", i.imageId},
              {"instance_type", i.type.name},
              {"availability_zone", i.availabilityZone},
              {"vm_state", std::string(vmStateName(i.vmState))},
              {"task_state", std::string(taskStateName(i.taskState))},
              {"host", i.host},
              {"hostname", i.hostname},
              {"failure", r.failure},
              {"xml", r.xml},
              {"rules", r.rules}};
    if (i.fixedIp)
        a["fixed_ip"] = i.fixedIp->toString();
    if (i.mac)
        a["mac"] = i.mac->toString();
    if (i.launchedAtNs)
        a["launched_at"] = *i.launchedAtNs;
    std::string states;
    for (const auto &s : r.states)
        states += (states.empty() ? "" : ",") + std::string(vmStateName(s.vmState)) + "/" +
                  std::string(taskStateName(s.taskState));
    a["states"] = states;
    return a;
}

InstanceRecord recordFromArgs(const RpcArgs &a)
{
    InstanceRecord r;
    Instance &i = r.instance;
    i.id = rpcInt(a, "id");
    i.project = rpcString(a, "project");
    i.user = rpcString(a, "user");
    i.keyName = rpcString(a, "key_name");
    i.imageId = rpcString(a, "image_id");
    if (auto t = instanceTypeByName(rpcString(a, "instance_type")))
        i.type = *t;
    i.availabilityZone = rpcString(a, "availability_zone");
    i.vmState = parseVmState(rpcString(a, "vm_state")).value_or(VmState::Error);
    i.taskState = parseTaskState(rpcString(a, "task_state")).value_or(TaskState::None);
    i.host = rpcString(a, "host");
    i.hostname = rpcString(a, "hostname");
    i.fixedIp = Ipv4Address::parse(rpcString(a, "fixed_ip"));
    i.mac = MacAddress::parse(rpcString(a, "mac"));
    if (a.count("launched_at"))
        i.launchedAtNs = rpcInt(a, "launched_at");
    r.failure = rpcString(a, "failure");
    r.xml = rpcString(a, "xml");
    r.rules = rpcString(a, "rules");
    std::istringstream states(rpcString(a, "states"));
    for (std::string pair; std::getline(states, pair, ',');) {
        const auto slash = pair.find('/');
        auto vm = parseVmState(pair.substr(0, slash));
        auto task = parseTaskState(slash == std::string::npos ? "" : pair.substr(slash + 1));
        if (vm && task)
            r.states.push_back({*vm, *task});
    }
    return r;
}

RpcArgs hostToArgs(const ComputeHost &h, const std::string &prefix = {})
{
    return {{prefix + "host", h.name},
            {prefix + "zone", h.zone},
            {prefix + "up", h.up},
            {prefix + "vcpus", std::int64_t{h.vcpus}},
            {prefix + "memory_mb", std::int64_t{h.memoryMb}},
            {prefix + "used_vcpus", std::int64_t{h.usedVcpus}},
            {prefix + "used_memory_mb", std::int64_t{h.usedMemoryMb}},
            {prefix + "instances", std::int64_t{h.instances}}};
}

ComputeHost hostFromArgs(const RpcArgs &a, const std::string &prefix = {})
{
    ComputeHost h;
    h.name = rpcString(a, prefix + "host");
    h.zone = rpcString(a, prefix + "zone");
    h.up = rpcString(a, prefix + "up") == "true";
    h.vcpus = static_cast<int>(rpcInt(a, prefix + "vcpus", h.vcpus));
    h.memoryMb = static_cast<int>(rpcInt(a, prefix + "memory_mb", h.memoryMb));
    h.usedVcpus = static_cast<int>(rpcInt(a, prefix + "used_vcpus"));
    h.usedMemoryMb = static_cast<int>(rpcInt(a, prefix + "used_memory_mb"));
    h.instances = static_cast<int>(rpcInt(a, prefix + "instances"));
    return h;
}

// What the components need of Nova's database: in one process they share a LocalDb, in
// separate processes they reach the api process's LocalDb through a DbClient.
class Database
{
public:
    virtual ~Database() = default;
    virtual InstanceRecord instanceGet(std::int64_t id) = 0;
    // The compute services the scheduler may pick from, sorted by host name.
    virtual std::vector<ComputeHost> computeHosts() = 0;
    virtual void instanceSetHost(std::int64_t id, const std::string &host) = 0;
    // Claims the instance's cores and memory on the host; why not, when it has no room.
    virtual std::string hostReserve(const std::string &host, const InstanceType &type) = 0;
    virtual void hostRelease(const std::string &host, const InstanceType &type) = 0;
    // The next task_state; the fixed IP with it when not empty.
    virtual void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) = 0;
    virtual void instanceActivate(std::int64_t id, const std::string &xml,
                                  const std::string &rules) = 0;
    virtual void instanceFail(std::int64_t id, const std::string &reason) = 0;
    // A compute service reports its host (report_state): up, zone, capacity.
    virtual void serviceUpdate(const ComputeHost &host) = 0;
};

class LocalDb final : public Database
{
public:
    LocalDb(wb::Trace *trace, std::vector<ComputeHost> hostTable)
        : hosts(std::move(hostTable)), m_trace(trace)
    {}

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::map<std::int64_t, Instance> instances; // node-stable: lifecycles refer into it
    std::map<std::int64_t, std::unique_ptr<InstanceLifecycle>> lifecycles;
    std::map<std::int64_t, std::string> failReason, xml, rules;
    std::vector<ComputeHost> hosts;
    std::map<std::string, std::chrono::steady_clock::time_point> reported; // by service_update
    std::set<std::string> keyPairs;
    std::set<std::string> securityGroups; // "project/name"
    std::map<std::string, std::set<std::string>> userProjects{{"admin", {"admin"}}};
    std::int64_t nextId = 1;

    InstanceRecord instanceGet(std::int64_t id) override
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

    std::vector<ComputeHost> computeHosts() override
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

    void instanceSetHost(std::int64_t id, const std::string &host) override
    {
        withLifecycle(id, [&](InstanceLifecycle &, Instance &inst) { inst.host = host; });
    }

    std::string hostReserve(const std::string &host, const InstanceType &type) override
    {
        std::lock_guard lock(mutex);
        ComputeHost *h = find(host);
        if (!h)
            return "host " + host + " is not in the host table";
        if (!h->fits(type.vcpus, type.memoryMb))
            return host + " has no room for " + type.name + " (" + std::to_string(h->usedVcpus) +
                   "/" + std::to_string(h->vcpus) + " cores in use)";
        h->usedVcpus += type.vcpus;
        h->usedMemoryMb += type.memoryMb;
        ++h->instances;
        return {};
    }

    void hostRelease(const std::string &host, const InstanceType &type) override
    {
        std::lock_guard lock(mutex);
        if (ComputeHost *h = find(host)) {
            h->usedVcpus -= type.vcpus;
            h->usedMemoryMb -= type.memoryMb;
            --h->instances;
        }
    }

    void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) override
    {
        withLifecycle(id, [&](InstanceLifecycle &lc, Instance &inst) {
            if (!fixedIp.empty())
                inst.fixedIp = Ipv4Address::parse(fixedIp);
            lc.advance(next);
        });
    }

    void instanceActivate(std::int64_t id, const std::string &domainXml,
                          const std::string &ruleset) override
    {
        withLifecycle(id, [&](InstanceLifecycle &lc, Instance &) {
            xml[id] = domainXml;
            rules[id] = ruleset;
            lc.activate(wallNs());
        });
    }

    void instanceFail(std::int64_t id, const std::string &reason) override
    {
        withLifecycle(id, [&](InstanceLifecycle &lc, Instance &inst) {
            if (inst.vmState == VmState::Building) {
                lc.fail(reason);
                failReason[id] = reason;
            }
        });
    }

    void serviceUpdate(const ComputeHost &report) override
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

    // Creates the instance building/scheduling (the cloud controller, under `mutex`).
    Instance &create(Instance inst)
    {
        auto &stored = instances[inst.id];
        stored = std::move(inst);
        lifecycles[stored.id] = std::make_unique<InstanceLifecycle>(stored, m_trace);
        changed.notify_all();
        return stored;
    }

private:
    ComputeHost *find(const std::string &name)
    {
        for (auto &h : hosts)
            if (h.name == name)
                return &h;
        return nullptr;
    }

    // Lifecycle operations run under the lock and wake waitFinished().
    template <class F> void withLifecycle(std::int64_t id, F &&f)
    {
        std::lock_guard lock(mutex);
        auto it = lifecycles.find(id);
        if (it == lifecycles.end())
            throw NovaError("InstanceNotFound", "no instance " + std::to_string(id));
        f(*it->second, instances.at(id));
        changed.notify_all();
    }

    wb::Trace *m_trace;
};

// The database of the api process, over the bus: rpc.call (service_update: rpc.cast) on the
// topic "db". These calls stand in for SQL, so they are not recorded as steps.
class DbClient final : public Database
{
public:
    DbClient(msg::Channel &channel, const std::string &self, const std::string &exchange,
             std::chrono::milliseconds timeout, const std::atomic<bool> *stop)
        : m_rpc(channel, self, {}, stop), m_timeout(timeout)
    {
        m_rpc.setExchange(exchange);
    }

    InstanceRecord instanceGet(std::int64_t id) override
    {
        return recordFromArgs(call("instance_get", {{"instance_id", id}}));
    }
    std::vector<ComputeHost> computeHosts() override
    {
        const RpcArgs r = call("compute_hosts", {});
        std::vector<ComputeHost> hosts;
        for (std::int64_t i = 0; i < rpcInt(r, "count"); ++i)
            hosts.push_back(hostFromArgs(r, std::to_string(i) + "."));
        return hosts;
    }
    void instanceSetHost(std::int64_t id, const std::string &host) override
    {
        call("instance_set_host", {{"instance_id", id}, {"host", host}});
    }
    std::string hostReserve(const std::string &host, const InstanceType &type) override
    {
        return rpcString(call("host_reserve", {{"host", host}, {"instance_type", type.name}}),
                         "refused");
    }
    void hostRelease(const std::string &host, const InstanceType &type) override
    {
        call("host_release", {{"host", host}, {"instance_type", type.name}});
    }
    void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) override
    {
        call("instance_advance", {{"instance_id", id},
                                  {"task_state", std::string(taskStateName(next))},
                                  {"fixed_ip", fixedIp}});
    }
    void instanceActivate(std::int64_t id, const std::string &xml,
                          const std::string &rules) override
    {
        call("instance_activate", {{"instance_id", id}, {"xml", xml}, {"rules", rules}});
    }
    void instanceFail(std::int64_t id, const std::string &reason) override
    {
        call("instance_fail", {{"instance_id", id}, {"reason", reason}});
    }
    void serviceUpdate(const ComputeHost &host) override
    {
        m_rpc.cast(0, "db", "db", {"service_update", hostToArgs(host), {}, {}});
    }

private:
    RpcArgs call(const std::string &method, RpcArgs args)
    {
        return m_rpc.call(0, "db", "db", {method, std::move(args), {}, {}}, m_timeout);
    }

    RpcEndpoint m_rpc;
    std::chrono::milliseconds m_timeout;
};

} // namespace

class Actor;

struct NovaDeployment::Impl
{
    LaunchOptions options;
    ConnectionFactory connect;
    wb::Trace *trace = nullptr;
    std::unique_ptr<LocalDb> db; // null in a component process that reaches it over the bus
    std::string traceExchange;   // set: every recorded event is reported there too
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
    std::vector<std::unique_ptr<Actor>> actors;
    std::mutex readyMutex;
    std::condition_variable readyChanged;
    int ready = 0;
    int failed = 0;
    std::string firstError;
    bool started = false;

    const wb::Event &leg(const RpcLeg &l, std::int32_t thread)
    {
        return addLeg(*trace, l, thread);
    }

    const wb::Event &local(int n, const std::string &who, const std::string &method,
                           const std::string &routingKey, const std::string &detail,
                           std::int32_t thread)
    {
        return trace->add("local", std::to_string(n) + ". " + who + ": " + method + " " + detail,
                          {{"n", n},
                           {"from", who},
                           {"to", who},
                           {"method", method},
                           {"routing_key", routingKey},
                           {"detail", detail}},
                          thread);
    }

    void startActors();
    void stopActors();
};

namespace {

wb::Event stateEvent(const Instance &inst)
{
    wb::Event e;
    e.kind = "state";
    e.label = inst.name() + ": " + std::string(vmStateName(inst.vmState)) + "/" +
              std::string(taskStateName(inst.taskState));
    e.fields = {{"instance", inst.name()},
                {"vm_state", std::string(vmStateName(inst.vmState))},
                {"task_state", std::string(taskStateName(inst.taskState))}};
    return e;
}

} // namespace

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
    void local(int n, const std::string &method, const std::string &detail,
               const std::string &routingKey = {})
    {
        relay(m_d.local(n, m_name, method, routingKey.empty() ? m_name : routingKey, detail,
                        m_thread));
    }
    // Reports an event recorded here to the user's side (components in their own process).
    void relay(const wb::Event &e)
    {
        if (m_d.traceExchange.empty() || !m_out)
            return;
        msg::Message m;
        m.body = encodeEvent(e);
        m.properties.contentType = "application/json";
        m.properties.headers["from"] = m_name;
        m_out->basicPublish(m_d.traceExchange, "", m);
    }
    void relayState(std::int64_t id)
    {
        if (!m_d.traceExchange.empty())
            relay(stateEvent(db().instanceGet(id).instance));
    }

    NovaDeployment::Impl &m_d;

private:
    void openOut()
    {
        m_out = m_conn->openChannel();
        RpcRecorder recorder;
        if (recordsLegs())
            recorder = [this](const RpcLeg &l) {
                relay(m_d.leg(l, m_thread));
            };
        m_rpc = std::make_unique<RpcEndpoint>(*m_out, m_name, recorder, &m_d.stopping);
        m_rpc->setExchange(m_d.options.controlExchange);
        m_rpc->setIdSeed(m_d.idSeed(m_name));
        if (!m_d.db)
            m_dbClient = std::make_unique<DbClient>(*m_out, m_name, m_d.options.controlExchange,
                                                    m_d.options.rpcTimeout, &m_d.stopping);
    }

    void signal(bool ok, const std::string &error)
    {
        std::lock_guard lock(m_d.readyMutex);
        if (ok) {
            ++m_d.ready;
        } else {
            ++m_d.failed;
            if (m_d.firstError.empty())
                m_d.firstError = m_name + ": " + error;
        }
        m_d.readyChanged.notify_all();
    }

    void run()
    {
        bool announced = false;
        try {
            m_conn = m_d.connect(m_name);
            auto in = m_conn->openChannel();
            declareControlExchange(*in, m_d.options.controlExchange);
            if (!m_d.traceExchange.empty())
                in->exchangeDeclare(m_d.traceExchange, msg::ExchangeType::Fanout);
            msg::QueueFlags flags;
            flags.autoDelete = true;
            in->queueDeclare(m_name, flags);
            in->queueBind(m_name, m_d.options.controlExchange, m_name);
            in->basicConsume(m_name, m_name);
            openOut();
            onStart();
            signal(true, {});
            announced = true;
            while (!m_d.stopping.load()) {
                onPoll();
                auto delivery = in->nextDelivery(50ms);
                if (!delivery)
                    continue;
                in->basicAck(delivery->deliveryTag); // before the method runs: at-most-once
                process(*delivery);
            }
            onStop();
            in->close();
            m_out->close();
            m_conn->close();
        } catch (const std::exception &e) {
            if (!announced) {
                signal(false, e.what());
            } else {
                ++m_d.lost;
                m_d.trace->add("component-error", m_name + ": " + e.what(),
                               {{"component", m_name}, {"error", std::string(e.what())}},
                               m_thread);
            }
        }
        m_dbClient.reset();
        m_rpc.reset();
        m_out.reset();
        m_conn.reset();
    }

    void process(const msg::Delivery &delivery)
    {
        const auto request = decodeRequest(delivery.message.body);
        const auto &props = delivery.message.properties;
        std::string caller = "?";
        if (auto it = props.headers.find("from"); it != props.headers.end())
            caller = msg::headerValueText(it->second);
        if (!request) {
            m_d.trace->add("component-error", m_name + ": not an rpc message",
                           {{"component", m_name}, {"body", delivery.message.body}}, m_thread);
            return;
        }
        RpcReply reply;
        try {
            reply.result = handle(*request);
        } catch (const RpcStopped &) {
            return;
        } catch (const NovaError &e) {
            reply = {{}, true, e.type(), e.what()};
        } catch (const RemoteError &e) {
            reply = {{}, true, e.type(), e.value()};
        } catch (const RpcTimeout &e) {
            reply = {{}, true, "Timeout", e.what()};
        } catch (const NoValidHost &e) {
            reply = {{}, true, "NoValidHost", e.what()};
        } catch (const std::exception &e) {
            reply = {{}, true, "Error", e.what()};
        }
        if (props.replyTo.empty())
            return;
        try {
            m_rpc->reply(replyStep(), caller, props.replyTo, props.correlationId, request->method,
                         reply);
        } catch (const msg::AmqpError &e) {
            // The caller gave up and deleted its reply exchange (404 closes our channel).
            m_d.trace->add("component-error", m_name + ": reply lost: " + e.what(),
                           {{"component", m_name}, {"error", std::string(e.what())}}, m_thread);
            if (!e.connectionLevel())
                openOut();
        }
    }

    std::string m_name;
    std::int32_t m_thread;
    std::thread m_worker;
    std::unique_ptr<msg::Connection> m_conn;
    std::unique_ptr<msg::Channel> m_out;
    std::unique_ptr<RpcEndpoint> m_rpc;
    std::unique_ptr<DbClient> m_dbClient;
};

namespace {

RpcArgs contextOf(const RpcRequest &r)
{
    return r.context;
}

class ApiServer : public Actor
{
public:
    using Actor::Actor;

protected:
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instances")
            throw NovaError("UnknownMethod", "api has no method " + r.method);
        const std::string key = rpcString(r.args, "key_name");
        const std::string type = rpcString(r.args, "instance_type");
        {
            std::lock_guard lock(m_d.db->mutex);
            if (!m_d.db->keyPairs.count(key))
                throw NovaError("KeyPairNotFound", "key pair '" + key + "' not found");
        }
        if (!instanceTypeByName(type))
            throw NovaError("InstanceTypeNotFound", "unknown instance type '" + type + "'");
        local(1, "run_instances",
              "key " + key + ", type " + type + ", image " + rpcString(r.args, "image_id"));
        RpcRequest create{"run_instances", r.args, contextOf(r), {}};
        return rpc().call(1, "cloud", "cloud", create, m_d.options.rpcTimeout);
    }
};

class CloudController : public Actor
{
public:
    CloudController(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread), m_rng(d.options.seed ^ 0x6d61632d6e6f7661ULL)
    {}

protected:
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instances")
            throw NovaError("UnknownMethod", "cloud has no method " + r.method);
        const std::string user = rpcString(r.context, "user");
        const std::string project = rpcString(r.context, "project");
        const auto type = instanceTypeByName(rpcString(r.args, "instance_type"));
        if (!type)
            throw NovaError("InstanceTypeNotFound",
                            "unknown instance type '" + rpcString(r.args, "instance_type") + "'");
        LocalDb &db = *m_d.db;
        Instance created;
        {
            std::lock_guard lock(db.mutex);
            auto u = db.userProjects.find(user);
            if (u == db.userProjects.end() || !u->second.count(project))
                throw NovaError("NotAuthorized", "user '" + user +
                                                     "' is not a member of project '" + project +
                                                     "'");
            local(1, "authorize", user + " in project " + project);

            int inUse = 0;
            for (const auto &[id, inst] : db.instances)
                if (inst.project == project && inst.type.name == type->name &&
                    inst.vmState != VmState::Error)
                    ++inUse;
            if (inUse + 1 > m_d.options.quotaInstances)
                throw NovaError("QuotaError",
                                "instance quota exceeded for " + type->name + " in project " +
                                    project + " (" + std::to_string(inUse) + " of " +
                                    std::to_string(m_d.options.quotaInstances) + ")");
            local(1, "check_quota",
                  type->name + ": " + std::to_string(inUse + 1) + " of " +
                      std::to_string(m_d.options.quotaInstances));

            const bool fresh = db.securityGroups.insert(project + "/default").second;
            local(1, "ensure_default_security_group",
                  fresh ? "created default" : "default exists");

            Instance inst;
            inst.id = db.nextId++;
            inst.project = project;
            inst.user = user;
            inst.keyName = rpcString(r.args, "key_name");
            inst.imageId = rpcString(r.args, "image_id");
            inst.type = *type;
            inst.availabilityZone = rpcString(r.args, "availability_zone");
            inst.mac = generateInstanceMac(m_rng);
            inst.hostname = ec2InstanceId(inst.id);
            created = db.create(std::move(inst));
            local(1, "create_instance",
                  created.name() + ", mac " + created.mac->toString() + ", hostname " +
                      created.hostname);
        }
        relay(stateEvent(created));
        RpcRequest cast{"run_instance",
                        {{"topic", std::string("compute")},
                         {"instance_id", created.id},
                         {"availability_zone", created.availabilityZone}},
                        contextOf(r),
                        {}};
        rpc().cast(2, "scheduler", "scheduler", cast);
        return {{"instance_id", created.id},
                {"name", created.name()},
                {"ec2_id", ec2InstanceId(created.id)},
                {"mac", created.mac->toString()},
                {"hostname", created.hostname}};
    }

private:
    wb::Rng m_rng;
};

class SchedulerActor : public Actor
{
public:
    SchedulerActor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread), m_rng(d.options.seed)
    {}

protected:
    int replyStep() const override { return 3; }
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "scheduler has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        const std::string topic = rpcString(r.args, "topic");
        const Instance inst = db().instanceGet(id).instance;
        ScheduleRequest req;
        req.instanceId = id;
        req.vcpus = inst.type.vcpus;
        req.memoryMb = inst.type.memoryMb;
        req.zone = rpcString(r.args, "availability_zone");
        const std::vector<ComputeHost> hosts = db().computeHosts();
        std::size_t chosen = 0;
        try {
            chosen = schedule(m_d.options.scheduler, hosts, req, m_rng, {}, m_d.trace);
        } catch (const NoValidHost &e) {
            local(3, "NoValidHost", e.what());
            db().instanceFail(id, std::string("NoValidHost: ") + e.what());
            return {};
        }
        const std::string host = hosts[chosen].name;
        db().instanceSetHost(id, host);
        local(3, "schedule",
              std::string(schedulerName(m_d.options.scheduler)) + " picked " + host);
        const std::string key = topic + "." + host; // db.queue_get_for(context, topic, host)
        rpc().cast(3, key, key, {"run_instance", {{"instance_id", id}}, contextOf(r), {}});
        return {};
    }

private:
    wb::Rng m_rng;
};

class ComputeWorker : public Actor
{
public:
    ComputeWorker(NovaDeployment::Impl &d, ComputeHost host, std::int32_t thread)
        : Actor(d, "compute." + host.name, thread), m_host(std::move(host))
    {}

protected:
    int replyStep() const override { return 4; }

    // On its own, the worker tells the database about its host (Nova's report_state).
    void onStart() override { report(true); }
    void onPoll() override
    {
        if (std::chrono::steady_clock::now() >= m_nextReport)
            report(true);
    }
    void onStop() override { report(false); }

    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "compute has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        local(4, "run_instance", "instance " + std::to_string(id));
        Instance inst = db().instanceGet(id).instance;
        if (m_running.count(id) || inst.vmState == VmState::Active) {
            local(4, "already_running", inst.name() + " is already running");
            return {};
        }
        if (const std::string why = db().hostReserve(m_host.name, inst.type); !why.empty()) {
            local(4, "rejected", why);
            db().instanceFail(id, why);
            return {};
        }

        db().instanceAdvance(id, TaskState::Networking, {});
        RpcArgs lease;
        try {
            lease = rpc().call(5, "network", "network",
                               {"allocate_fixed_ip",
                                {{"instance_id", id}, {"project", inst.project}},
                                contextOf(r),
                                {}},
                               m_d.options.rpcTimeout);
        } catch (const RpcStopped &) {
            throw;
        } catch (const std::exception &e) {
            local(8, "allocate_fixed_ip failed", e.what(), "network");
            db().hostRelease(m_host.name, inst.type);
            db().instanceFail(id, std::string("RemoteError: ") + e.what());
            return {};
        }
        const std::string address = rpcString(lease, "address");
        local(8, "fixed_ip", address + " on " + rpcString(lease, "cidr"));

        Network net;
        net.label = rpcString(lease, "label");
        net.cidr = Ipv4Network::parse(rpcString(lease, "cidr")).value_or(Ipv4Network{});
        net.gateway = Ipv4Address::parse(rpcString(lease, "gateway")).value_or(Ipv4Address{});
        net.broadcast = Ipv4Address::parse(rpcString(lease, "broadcast")).value_or(Ipv4Address{});
        net.netmask = Ipv4Address::parse(rpcString(lease, "netmask")).value_or(Ipv4Address{});
        net.dhcpStart = Ipv4Address::parse(rpcString(lease, "dhcp_start")).value_or(Ipv4Address{});
        net.bridge = rpcString(lease, "bridge");
        if (rpcInt(lease, "vlan", -1) >= 0)
            net.vlan = static_cast<int>(rpcInt(lease, "vlan"));
        const bool freshBridge = m_bridges.insert(net.bridge).second;
        local(9, "setup_compute_network",
              (net.vlan ? "vlan" + std::to_string(*net.vlan) + ", " : std::string()) + "bridge " +
                  net.bridge + (freshBridge ? " created" : " exists"));

        db().instanceAdvance(id, TaskState::BlockDeviceMapping, address);
        local(9, "block_device_mapping", "no volumes to attach");
        db().instanceAdvance(id, TaskState::Spawning, {});
        inst = db().instanceGet(id).instance;

        // spawn(): to_xml, the firewall, _create_image, createXML.
        const DomainSpec spec = domainSpecFor(inst, net, *MacAddress::parse(kRecordedHostMac));
        const std::string xml = toDomainXml(spec, m_d.trace);
        local(9, "to_xml",
              spec.name + ", " + std::to_string(spec.memoryKib) + " KiB, " +
                  std::to_string(spec.vcpus) + " vcpu");
        const Ruleset rules =
            buildRuleset(RulesetSpec::recorded(static_cast<int>(id), *inst.fixedIp, net.cidr));
        local(9, "apply_ruleset",
              std::to_string(rules.rules.size()) + " rules in " +
                  std::to_string(rules.chains.size()) + " chains");
        ImagePlanSpec imageSpec;
        imageSpec.instanceName = inst.name();
        imageSpec.basePath = spec.basePath;
        imageSpec.manager = NetworkManagerKind::Vlan;
        const ImagePlan plan = planImagePreparation(imageSpec, m_nbd, m_d.trace);
        local(9, "_create_image",
              std::to_string(plan.steps.size()) + " steps" + (plan.ok ? "" : ": " + plan.error));
        if (!plan.ok) {
            db().hostRelease(m_host.name, inst.type);
            db().instanceFail(id, plan.error);
            return {};
        }
        local(9, "createXML", "domain " + spec.name + " started");
        m_running.insert(id);
        db().instanceActivate(id, xml, rules.text());
        return {};
    }

private:
    void report(bool up)
    {
        if (m_d.db)
            return; // one process: the host table came with the deployment
        ComputeHost h = m_host;
        h.up = up;
        db().serviceUpdate(h);
        m_nextReport = std::chrono::steady_clock::now() + kReportInterval;
    }

    ComputeHost m_host;
    std::chrono::steady_clock::time_point m_nextReport{};
    std::set<std::int64_t> m_running;
    std::set<std::string> m_bridges;
    NbdPool m_nbd;
};

class NetworkActor : public Actor
{
public:
    NetworkActor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread),
          m_controller(NetworkManagerKind::Vlan,
                       createNetworks({"private", *Ipv4Network::parse("10.0.0.0/24"), 1, 32},
                                      NetworkManagerKind::Vlan, d.trace))
    {}

protected:
    int replyStep() const override { return 7; }
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "allocate_fixed_ip")
            throw NovaError("UnknownMethod", "network has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        local(6, "allocate_fixed_ip", "instance " + std::to_string(id));
        if (m_d.options.failNetwork)
            throw NovaError("NetworkError", "the network controller failed (as asked)");
        const FixedIpLease lease = m_controller.allocateFixedIp(rpcString(r.args, "project"),
                                                                static_cast<int>(id), m_d.trace);
        const Network &n = *lease.network;
        return {{"address", lease.address.toString()},
                {"label", n.label},
                {"cidr", n.cidr.toString()},
                {"gateway", n.gateway.toString()},
                {"broadcast", n.broadcast.toString()},
                {"netmask", n.netmask.toString()},
                {"dhcp_start", n.dhcpStart.toString()},
                {"bridge", n.bridge},
                {"vlan", static_cast<std::int64_t>(n.vlan.value_or(-1))}};
    }

private:
    NetworkController m_controller;
};

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
            relay(m_d.trace->add(
                "service",
                "compute." + h.name + (h.up ? " up" : " down") + " (" + std::to_string(h.vcpus) +
                    " cores, zone " + h.zone + ")",
                {{"host", h.name}, {"up", h.up}, {"zone", h.zone}, {"vcpus", h.vcpus}}));
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
    m_impl->db = std::make_unique<LocalDb>(trace, m_impl->options.hostTable.empty()
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
    d.actors.push_back(std::make_unique<ApiServer>(d, "api", thread++));
    d.actors.push_back(std::make_unique<CloudController>(d, "cloud", thread++));
    d.actors.push_back(std::make_unique<SchedulerActor>(d, "scheduler", thread++));
    d.actors.push_back(std::make_unique<NetworkActor>(d, "network", thread++));
    for (const auto &h : d.db->hosts)
        d.actors.push_back(std::make_unique<ComputeWorker>(d, h, thread++));
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

namespace {

// The user's run_instances (euca-run-instances) on an endpoint of its own.
RpcRequest runInstancesRequest(const LaunchOptions &o)
{
    return {"run_instances",
            {{"key_name", o.keyName},
             {"instance_type", o.instanceType},
             {"image_id", o.imageId},
             {"availability_zone", o.availabilityZone},
             {"min_count", std::int64_t{1}},
             {"max_count", std::int64_t{1}}},
            {{"user", o.user}, {"project", o.project}},
            {}};
}

} // namespace

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
        result = user.call(1, "api", "api", runInstancesRequest(o), o.rpcTimeout * 2);
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

std::string lookup(const LocalDb &db, const std::map<std::int64_t, std::string> &table,
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
        d.db = std::make_unique<LocalDb>(trace, std::vector<ComputeHost>{});
        d.db->keyPairs.insert(d.options.keyName);
        d.actors.push_back(std::make_unique<ApiServer>(d, "api", thread++));
        d.actors.push_back(std::make_unique<CloudController>(d, "cloud", thread++));
        d.actors.push_back(std::make_unique<DbServer>(d, "db", thread++));
        break;
    case NovaRole::Scheduler:
        d.actors.push_back(std::make_unique<SchedulerActor>(d, "scheduler", thread++));
        break;
    case NovaRole::Network:
        d.actors.push_back(std::make_unique<NetworkActor>(d, "network", thread++));
        break;
    case NovaRole::Compute:
        if (options.host.name.empty())
            throw std::invalid_argument("a compute component needs a host name");
        d.actors.push_back(std::make_unique<ComputeWorker>(d, options.host, thread++));
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

std::vector<LaunchStep> launchSteps(const wb::Trace &trace)
{
    std::vector<LaunchStep> steps;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto &e = trace.at(i);
        if (e.kind != "cast" && e.kind != "call" && e.kind != "reply" && e.kind != "local")
            continue;
        steps.push_back({static_cast<int>(e.intField("n")), e.stringField("from"),
                         e.stringField("to"), e.kind, e.stringField("method"),
                         e.stringField("routing_key"), e.stringField("msg_id"), e.seq});
    }
    std::stable_sort(steps.begin(), steps.end(),
                     [](const LaunchStep &a, const LaunchStep &b) { return a.n < b.n; });
    return steps;
}

std::optional<ConnectionFactory> urlConnections(const std::string &url, std::string *error)
{
    auto parsed = msg::BrokerUrl::parse(url, error);
    if (!parsed)
        return std::nullopt;
    return ConnectionFactory([u = *parsed](const std::string &component) {
        msg::ConnectOptions co;
        co.clientName = "nova-" + component;
        return msg::connectTo(u, co);
    });
}

LaunchResult launchInstance(const LaunchOptions &options, wb::Trace *trace)
{
    wb::Trace own;
    wb::Trace *t = trace ? trace : &own;
    LaunchResult result;

    std::unique_ptr<msg::Broker> broker;
    ConnectionFactory connect;
    if (options.brokerUrl.empty() || options.brokerUrl == "embedded") {
        msg::BrokerOptions bo;
        bo.trace = options.traceBroker ? t : nullptr;
        broker = std::make_unique<msg::Broker>(bo);
        connect = [b = broker.get()](const std::string &component) {
            return b->connect("nova-" + component);
        };
    } else {
        auto factory = urlConnections(options.brokerUrl, &result.error);
        if (!factory)
            return result;
        connect = std::move(*factory);
    }

    try {
        NovaDeployment deployment(options, connect, t);
        std::int64_t id = -1;
        try {
            deployment.start();
            id = deployment.runInstances();
            result.finished = deployment.waitFinished(id, options.timeout);
            if (!result.finished)
                result.error = "the instance did not become active or error within " +
                               std::to_string(options.timeout.count()) + " ms";
        } catch (const RemoteError &e) {
            result.finished = true; // the request was refused, and the answer came back
            result.error = e.what();
        } catch (const std::exception &e) {
            result.error = e.what();
        }
        if (id > 0) {
            result.instance = deployment.instance(id);
            result.states = deployment.states(id);
            result.domainXml = deployment.domainXml(id);
            result.ruleset = deployment.ruleset(id);
            if (result.finished && result.instance.vmState == VmState::Error)
                result.error = deployment.failure(id);
        }
        deployment.stop();
    } catch (const std::exception &e) {
        result.error = e.what();
    }
    result.steps = launchSteps(*t);
    return result;
}

LaunchResult launchOnComponents(const LaunchOptions &o, const ConnectionFactory &connect,
                                wb::Trace *trace)
{
    wb::Trace own;
    wb::Trace *t = trace ? trace : &own;
    LaunchResult result;
    try {
        auto conn = connect("user");
        // The components' reports, from before the request is sent.
        auto watch = conn->openChannel();
        declareControlExchange(*watch, o.controlExchange);
        const std::string reports = traceExchangeFor(o.controlExchange);
        watch->exchangeDeclare(reports, msg::ExchangeType::Fanout);
        msg::QueueFlags flags;
        flags.exclusive = true;
        flags.autoDelete = true;
        const std::string queue = watch->queueDeclare("", flags).queue;
        watch->queueBind(queue, reports, "");
        watch->basicConsume(queue, {}, /*noAck=*/true);

        auto ch = conn->openChannel();
        RpcEndpoint user(*ch, "user", [&](const RpcLeg &l) { addLeg(*t, l, 0); });
        user.setExchange(o.controlExchange);
        std::int64_t id = -1;
        try {
            id = rpcInt(user.call(1, "api", "api", runInstancesRequest(o), o.rpcTimeout * 2),
                        "instance_id", -1);
        } catch (const RemoteError &e) {
            result.finished = true;
            result.error = e.what();
        } catch (const RpcTimeout &e) {
            result.error = std::string(e.what()) + "; is the api component running?";
        }

        // Each component's report, a thread number per component (0 is the user), until
        // the instance leaves building; then whatever is still on its way.
        std::map<std::string, std::int32_t> threads;
        const auto take = [&](std::chrono::milliseconds wait) -> const wb::Event * {
            auto d = watch->nextDelivery(wait);
            if (!d)
                return nullptr;
            auto e = decodeEvent(d->message.body);
            if (!e)
                return nullptr;
            auto from = d->message.properties.headers.find("from");
            const std::string who = from == d->message.properties.headers.end()
                                        ? "?"
                                        : msg::headerValueText(from->second);
            e->thread =
                threads.emplace(who, static_cast<std::int32_t>(threads.size()) + 1).first->second;
            return &t->append(std::move(*e));
        };
        if (id > 0) {
            const std::string name = instanceName(id);
            const auto deadline = std::chrono::steady_clock::now() + o.timeout;
            bool done = false;
            while (!done && std::chrono::steady_clock::now() < deadline) {
                const wb::Event *e = take(50ms);
                done = e && e->kind == "state" && e->stringField("instance") == name &&
                       e->stringField("vm_state") != "building";
            }
            while (take(done ? 100ms : 0ms)) {
            }
            DbClient db(*ch, "user", o.controlExchange, o.rpcTimeout, nullptr);
            const InstanceRecord r = db.instanceGet(id);
            result.instance = r.instance;
            result.states = r.states;
            result.domainXml = r.xml;
            result.ruleset = r.rules;
            result.finished = r.instance.vmState != VmState::Building;
            if (!result.finished)
                result.error = "the instance did not become active or error within " +
                               std::to_string(o.timeout.count()) + " ms";
            else if (r.instance.vmState == VmState::Error)
                result.error = r.failure;
        }
        ch->close();
        watch->close();
        conn->close();
    } catch (const std::exception &e) {
        if (result.error.empty())
            result.error = e.what();
    }
    result.steps = launchSteps(*t);
    return result;
}

} // namespace wb::nova
