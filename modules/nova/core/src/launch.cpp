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
#include <thread>

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
    {
    }
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

// The shared database of the deployment (Nova's SQL database).
struct Db
{
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::map<std::int64_t, Instance> instances; // node-stable: lifecycles refer into it
    std::map<std::int64_t, std::unique_ptr<InstanceLifecycle>> lifecycles;
    std::map<std::int64_t, std::string> failReason, xml, rules;
    std::vector<ComputeHost> hosts;
    std::set<std::string> keyPairs;
    std::set<std::string> securityGroups; // "project/name"
    std::map<std::string, std::set<std::string>> userProjects{{"admin", {"admin"}}};
    std::int64_t nextId = 1;
};

} // namespace

class Actor;

struct NovaDeployment::Impl
{
    LaunchOptions options;
    ConnectionFactory connect;
    wb::Trace *trace;
    Db db;
    std::atomic<bool> stopping{false};
    std::vector<std::unique_ptr<Actor>> actors;
    std::mutex readyMutex;
    std::condition_variable readyChanged;
    int ready = 0;
    int failed = 0;
    std::string firstError;
    bool started = false;

    void leg(const RpcLeg &l, std::int32_t thread)
    {
        trace->add(l.kind,
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

    void local(int n, const std::string &who, const std::string &method,
               const std::string &routingKey, const std::string &detail, std::int32_t thread)
    {
        trace->add("local", std::to_string(n) + ". " + who + ": " + method + " " + detail,
                   {{"n", n},
                    {"from", who},
                    {"to", who},
                    {"method", method},
                    {"routing_key", routingKey},
                    {"detail", detail}},
                   thread);
    }

    // Lifecycle operations run under the database lock and wake waitFinished().
    template <class F>
    void withLifecycle(std::int64_t id, F &&f)
    {
        std::lock_guard lock(db.mutex);
        auto it = db.lifecycles.find(id);
        if (it == db.lifecycles.end())
            throw NovaError("InstanceNotFound", "no instance " + std::to_string(id));
        f(*it->second, db.instances.at(id));
        db.changed.notify_all();
    }

    void failInstance(std::int64_t id, const std::string &reason)
    {
        withLifecycle(id, [&](InstanceLifecycle &lc, Instance &inst) {
            if (inst.vmState == VmState::Building) {
                lc.fail(reason);
                db.failReason[id] = reason;
            }
        });
    }
};

// One component: a thread consuming the queue named after it (bound to `nova` with that
// name as key), acking each request before it runs the method, replying when asked.
class Actor
{
public:
    Actor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : m_d(d), m_name(std::move(name)), m_thread(thread)
    {
    }
    virtual ~Actor() { join(); }

    void start() { m_worker = std::thread([this] { run(); }); }
    void join()
    {
        if (m_worker.joinable())
            m_worker.join();
    }
    const std::string &name() const { return m_name; }

protected:
    virtual RpcArgs handle(const RpcRequest &request) = 0;
    virtual int replyStep() const { return 1; }

    RpcEndpoint &rpc() { return *m_rpc; }
    void local(int n, const std::string &method, const std::string &detail,
               const std::string &routingKey = {})
    {
        m_d.local(n, m_name, method, routingKey.empty() ? m_name : routingKey, detail, m_thread);
    }

    NovaDeployment::Impl &m_d;

private:
    void openOut()
    {
        m_out = m_conn->openChannel();
        m_rpc = std::make_unique<RpcEndpoint>(
            *m_out, m_name, [this](const RpcLeg &l) { m_d.leg(l, m_thread); }, &m_d.stopping);
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
            declareControlExchange(*in);
            msg::QueueFlags flags;
            flags.autoDelete = true;
            in->queueDeclare(m_name, flags);
            in->queueBind(m_name, kControlExchange, m_name);
            in->basicConsume(m_name, m_name);
            openOut();
            signal(true, {});
            announced = true;
            while (!m_d.stopping.load()) {
                auto delivery = in->nextDelivery(50ms);
                if (!delivery)
                    continue;
                in->basicAck(delivery->deliveryTag); // before the method runs: at-most-once
                process(*delivery);
            }
            in->close();
            m_out->close();
            m_conn->close();
        } catch (const std::exception &e) {
            if (!announced)
                signal(false, e.what());
            else
                m_d.trace->add("component-error", m_name + ": " + e.what(),
                               {{"component", m_name}, {"error", std::string(e.what())}},
                               m_thread);
        }
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
};

namespace {

RpcArgs contextOf(const RpcRequest &r) { return r.context; }

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
            std::lock_guard lock(m_d.db.mutex);
            if (!m_d.db.keyPairs.count(key))
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
    {
    }

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
        Instance created;
        {
            std::lock_guard lock(m_d.db.mutex);
            auto u = m_d.db.userProjects.find(user);
            if (u == m_d.db.userProjects.end() || !u->second.count(project))
                throw NovaError("NotAuthorized", "user '" + user +
                                                     "' is not a member of project '" +
                                                     project + "'");
            local(1, "authorize", user + " in project " + project);

            int inUse = 0;
            for (const auto &[id, inst] : m_d.db.instances)
                if (inst.project == project && inst.type.name == type->name &&
                    inst.vmState != VmState::Error)
                    ++inUse;
            if (inUse + 1 > m_d.options.quotaInstances)
                throw NovaError("QuotaError", "instance quota exceeded for " + type->name +
                                                  " in project " + project + " (" +
                                                  std::to_string(inUse) + " of " +
                                                  std::to_string(m_d.options.quotaInstances) +
                                                  ")");
            local(1, "check_quota", type->name + ": " + std::to_string(inUse + 1) + " of " +
                                        std::to_string(m_d.options.quotaInstances));

            const bool fresh = m_d.db.securityGroups.insert(project + "/default").second;
            local(1, "ensure_default_security_group",
                  fresh ? "created default" : "default exists");

            Instance inst;
            inst.id = m_d.db.nextId++;
            inst.project = project;
            inst.user = user;
            inst.keyName = rpcString(r.args, "key_name");
            inst.imageId = rpcString(r.args, "image_id");
            inst.type = *type;
            inst.availabilityZone = rpcString(r.args, "availability_zone");
            inst.mac = generateInstanceMac(m_rng);
            inst.hostname = ec2InstanceId(inst.id);
            auto &stored = m_d.db.instances[inst.id];
            stored = inst;
            m_d.db.lifecycles[inst.id] = std::make_unique<InstanceLifecycle>(stored, m_d.trace);
            m_d.db.changed.notify_all();
            local(1, "create_instance",
                  inst.name() + ", mac " + inst.mac->toString() + ", hostname " + inst.hostname);
            created = stored;
        }
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
    {
    }

protected:
    int replyStep() const override { return 3; }
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "scheduler has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        const std::string topic = rpcString(r.args, "topic");
        ScheduleRequest req;
        std::vector<ComputeHost> hosts;
        {
            std::lock_guard lock(m_d.db.mutex);
            const auto &inst = m_d.db.instances.at(id);
            req.instanceId = id;
            req.vcpus = inst.type.vcpus;
            req.memoryMb = inst.type.memoryMb;
            req.zone = rpcString(r.args, "availability_zone");
            hosts = m_d.db.hosts;
        }
        std::size_t chosen = 0;
        try {
            chosen = schedule(m_d.options.scheduler, hosts, req, m_rng, {}, m_d.trace);
        } catch (const NoValidHost &e) {
            local(3, "NoValidHost", e.what());
            m_d.failInstance(id, std::string("NoValidHost: ") + e.what());
            return {};
        }
        const std::string host = hosts[chosen].name;
        {
            std::lock_guard lock(m_d.db.mutex);
            m_d.db.instances.at(id).host = host;
        }
        local(3, "schedule", std::string(schedulerName(m_d.options.scheduler)) + " picked " + host);
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
    ComputeWorker(NovaDeployment::Impl &d, std::string host, std::int32_t thread)
        : Actor(d, "compute." + host, thread), m_host(std::move(host))
    {
    }

protected:
    int replyStep() const override { return 4; }
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "compute has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        local(4, "run_instance", "instance " + std::to_string(id));
        Instance inst;
        int hostIndex = -1;
        {
            std::lock_guard lock(m_d.db.mutex);
            inst = m_d.db.instances.at(id);
            for (std::size_t i = 0; i < m_d.db.hosts.size(); ++i)
                if (m_d.db.hosts[i].name == m_host)
                    hostIndex = static_cast<int>(i);
        }
        if (m_running.count(id) || inst.vmState == VmState::Active) {
            local(4, "already_running", inst.name() + " is already running");
            return {};
        }
        if (hostIndex < 0) {
            m_d.failInstance(id, "host " + m_host + " is not in the host table");
            return {};
        }
        {
            std::lock_guard lock(m_d.db.mutex);
            auto &h = m_d.db.hosts[static_cast<std::size_t>(hostIndex)];
            if (!h.fits(inst.type.vcpus, inst.type.memoryMb)) {
                const std::string why = m_host + " has no room for " + inst.type.name + " (" +
                                        std::to_string(h.usedVcpus) + "/" +
                                        std::to_string(h.vcpus) + " cores in use)";
                local(4, "rejected", why);
                auto &lc = *m_d.db.lifecycles.at(id);
                lc.fail(why);
                m_d.db.failReason[id] = why;
                m_d.db.changed.notify_all();
                return {};
            }
            h.usedVcpus += inst.type.vcpus;
            h.usedMemoryMb += inst.type.memoryMb;
            ++h.instances;
        }

        m_d.withLifecycle(id, [](InstanceLifecycle &lc, Instance &) {
            lc.advance(TaskState::Networking);
        });
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
            releaseHost(hostIndex, inst);
            m_d.failInstance(id, std::string("RemoteError: ") + e.what());
            return {};
        }
        const std::string address = rpcString(lease, "address");
        local(8, "fixed_ip", address + " on " + rpcString(lease, "cidr"));

        Network net;
        net.label = rpcString(lease, "label");
        net.cidr = Ipv4Network::parse(rpcString(lease, "cidr")).value_or(Ipv4Network{});
        net.gateway = Ipv4Address::parse(rpcString(lease, "gateway")).value_or(Ipv4Address{});
        net.broadcast =
            Ipv4Address::parse(rpcString(lease, "broadcast")).value_or(Ipv4Address{});
        net.netmask = Ipv4Address::parse(rpcString(lease, "netmask")).value_or(Ipv4Address{});
        net.dhcpStart =
            Ipv4Address::parse(rpcString(lease, "dhcp_start")).value_or(Ipv4Address{});
        net.bridge = rpcString(lease, "bridge");
        if (rpcInt(lease, "vlan", -1) >= 0)
            net.vlan = static_cast<int>(rpcInt(lease, "vlan"));
        const bool freshBridge = m_bridges.insert(net.bridge).second;
        local(9, "setup_compute_network",
              (net.vlan ? "vlan" + std::to_string(*net.vlan) + ", " : std::string()) +
                  "bridge " + net.bridge + (freshBridge ? " created" : " exists"));

        m_d.withLifecycle(id, [&](InstanceLifecycle &lc, Instance &stored) {
            stored.fixedIp = Ipv4Address::parse(address);
            lc.advance(TaskState::BlockDeviceMapping);
        });
        local(9, "block_device_mapping", "no volumes to attach");
        m_d.withLifecycle(id, [&](InstanceLifecycle &lc, Instance &stored) {
            lc.advance(TaskState::Spawning);
            inst = stored;
        });

        // spawn(): to_xml, the firewall, _create_image, createXML.
        const DomainSpec spec =
            domainSpecFor(inst, net, *MacAddress::parse(kRecordedHostMac));
        const std::string xml = toDomainXml(spec, m_d.trace);
        local(9, "to_xml", spec.name + ", " + std::to_string(spec.memoryKib) + " KiB, " +
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
            releaseHost(hostIndex, inst);
            m_d.failInstance(id, plan.error);
            return {};
        }
        local(9, "createXML", "domain " + spec.name + " started");
        m_running.insert(id);
        {
            std::lock_guard lock(m_d.db.mutex);
            m_d.db.xml[id] = xml;
            m_d.db.rules[id] = rules.text();
        }
        m_d.withLifecycle(id, [](InstanceLifecycle &lc, Instance &) { lc.activate(wallNs()); });
        return {};
    }

private:
    void releaseHost(int hostIndex, const Instance &inst)
    {
        std::lock_guard lock(m_d.db.mutex);
        auto &h = m_d.db.hosts[static_cast<std::size_t>(hostIndex)];
        h.usedVcpus -= inst.type.vcpus;
        h.usedMemoryMb -= inst.type.memoryMb;
        --h.instances;
    }

    std::string m_host;
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
    {
    }

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
        const FixedIpLease lease = m_controller.allocateFixedIp(
            rpcString(r.args, "project"), static_cast<int>(id), m_d.trace);
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

NovaDeployment::NovaDeployment(LaunchOptions options, ConnectionFactory connect,
                               wb::Trace *trace)
    : m_impl(std::make_unique<Impl>())
{
    if (!trace)
        throw std::invalid_argument("NovaDeployment needs a trace");
    m_impl->options = std::move(options);
    m_impl->connect = std::move(connect);
    m_impl->trace = trace;
    m_impl->db.hosts = m_impl->options.hostTable.empty() ? defaultHosts(m_impl->options.hosts)
                                                         : m_impl->options.hostTable;
    if (m_impl->db.hosts.empty())
        throw std::invalid_argument("a deployment needs at least one compute host");
    m_impl->db.keyPairs.insert(m_impl->options.keyName); // euca-add-keypair test
}

NovaDeployment::~NovaDeployment() { stop(); }

void NovaDeployment::start()
{
    auto &d = *m_impl;
    if (d.started)
        return;
    d.stopping = false;
    d.ready = d.failed = 0;
    d.firstError.clear();
    std::int32_t thread = 1;
    d.actors.push_back(std::make_unique<ApiServer>(d, "api", thread++));
    d.actors.push_back(std::make_unique<CloudController>(d, "cloud", thread++));
    d.actors.push_back(std::make_unique<SchedulerActor>(d, "scheduler", thread++));
    d.actors.push_back(std::make_unique<NetworkActor>(d, "network", thread++));
    for (const auto &h : d.db.hosts)
        d.actors.push_back(std::make_unique<ComputeWorker>(d, h.name, thread++));
    for (auto &a : d.actors)
        a->start();
    d.started = true;
    std::unique_lock lock(d.readyMutex);
    d.readyChanged.wait(lock, [&] {
        return d.ready + d.failed == static_cast<int>(d.actors.size());
    });
    if (d.failed) {
        const std::string error = d.firstError;
        lock.unlock();
        stop();
        throw std::runtime_error(error);
    }
}

void NovaDeployment::stop()
{
    auto &d = *m_impl;
    d.stopping = true;
    for (auto &a : d.actors)
        a->join();
    d.actors.clear();
    d.started = false;
}

bool NovaDeployment::running() const { return m_impl->started; }

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
    declareControlExchange(*ch);
    RpcEndpoint user(*ch, "user", [this](const RpcLeg &l) { m_impl->leg(l, 0); },
                     &m_impl->stopping);
    RpcRequest request{"run_instances",
                       {{"key_name", o.keyName},
                        {"instance_type", o.instanceType},
                        {"image_id", o.imageId},
                        {"availability_zone", o.availabilityZone},
                        {"min_count", std::int64_t{1}},
                        {"max_count", std::int64_t{1}}},
                       {{"user", o.user}, {"project", o.project}},
                       {}};
    RpcArgs result;
    try {
        result = user.call(1, "api", "api", request, o.rpcTimeout * 2);
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
    auto &db = m_impl->db;
    std::unique_lock lock(db.mutex);
    return db.changed.wait_for(lock, timeout, [&] {
        auto it = db.instances.find(id);
        return it != db.instances.end() && it->second.vmState != VmState::Building;
    });
}

Instance NovaDeployment::instance(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db.mutex);
    auto it = m_impl->db.instances.find(id);
    return it == m_impl->db.instances.end() ? Instance{} : it->second;
}

std::vector<StateChange> NovaDeployment::states(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db.mutex);
    auto it = m_impl->db.lifecycles.find(id);
    return it == m_impl->db.lifecycles.end() ? std::vector<StateChange>{}
                                             : it->second->history();
}

std::vector<ComputeHost> NovaDeployment::hosts() const
{
    std::lock_guard lock(m_impl->db.mutex);
    return m_impl->db.hosts;
}

std::string NovaDeployment::domainXml(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db.mutex);
    auto it = m_impl->db.xml.find(id);
    return it == m_impl->db.xml.end() ? std::string() : it->second;
}

std::string NovaDeployment::failure(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db.mutex);
    auto it = m_impl->db.failReason.find(id);
    return it == m_impl->db.failReason.end() ? std::string() : it->second;
}

std::string NovaDeployment::ruleset(std::int64_t id) const
{
    std::lock_guard lock(m_impl->db.mutex);
    auto it = m_impl->db.rules.find(id);
    return it == m_impl->db.rules.end() ? std::string() : it->second;
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
        std::string why;
        auto url = msg::BrokerUrl::parse(options.brokerUrl, &why);
        if (!url) {
            result.error = why;
            return result;
        }
        connect = [u = *url](const std::string &component) {
            msg::ConnectOptions co;
            co.clientName = "nova-" + component;
            return msg::connectTo(u, co);
        };
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

} // namespace wb::nova
