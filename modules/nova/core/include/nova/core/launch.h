#pragma once
// An instance launch over the message bus: Nova's components as actors, each consuming its
// own queue on its own thread, talking by rpc.cast / rpc.call (rpc.h) through the topic
// exchange `nova` of the messaging core (embedded broker by default, or a RabbitMQ URL).
//
//     LaunchOptions o;                     // chance scheduler, 3 hosts, seed 1, embedded
//     wb::Trace trace;
//     LaunchResult r = launchInstance(o, &trace);
//     // r.instance: instance-00000001, 10.0.0.3, 02:16:3e:.., host "host2"; r.steps 1..9
//
// Components and their queues (queue name = routing key it is bound with):
//
//   api            run_instances (from the user): key pair, instance type, image  -> cloud
//   cloud          run_instances: authorization, quota per type, security group, MAC and
//                  host name; creates the instance (building/scheduling), casts to scheduler
//   scheduler      run_instance: chance | zone | simple (scheduler.h); casts to compute.<host>
//                  or, on NoValidHost, puts the instance in error
//   compute.<host> run_instance: already running?, fixed IP by rpc.call to network, VLAN and
//                  bridge, spawn (libvirt XML, iptables, image plan); active + launched_at
//   network        allocate_fixed_ip: the NetworkController of `network create private
//                  10.0.0.0/24 1 32` (VlanManager)
//
// The numbered steps (the tutorial's overview): 1 user -> api -> cloud (calls, and their
// replies), 2 cloud -> scheduler (cast), 3 scheduler -> compute.<host> (cast), 4 the compute
// worker picks it up, 5-8 the four legs of the allocate_fixed_ip call (request published,
// consumed by network, reply published, reply consumed), 9 the spawn on the host.
//
// In one process (NovaDeployment, launchInstance) the components share one database
// (instances, hosts, key pairs, security groups) as Nova's services shared one SQL database,
// even when the messages cross a real RabbitMQ node.
//
// Spread over processes (NovaComponent, launchOnComponents: `workbench-cli nova component`)
// the api process owns that database and serves it on the topic `db` by rpc.call; the
// scheduler and the compute workers reach it there, each compute worker registers its host
// with a service_update cast when it starts (and every 10 s, and as down when it stops), the
// network controller keeps its own fixed-IP allocations. Every component reports what it
// records (steps, states) to the fanout exchange "<control_exchange>.trace", from which the
// user's side (launchOnComponents) assembles the same trace a launch in one process has.

#include "nova/core/instance.h"
#include "nova/core/rpc.h"
#include "nova/core/scheduler.h"

#include "messaging/core/client.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::messaging {
class Broker;
}

namespace wb::nova {

struct LaunchOptions
{
    SchedulerKind scheduler = SchedulerKind::Chance;
    int hosts = 3;                    // host1 .. hostN, 16 cores / 32 GiB each, zone "nova"
    std::vector<ComputeHost> hostTable; // when not empty: these hosts instead
    std::uint64_t seed = 1;           // scheduler choice and generated MAC
    std::string brokerUrl;            // empty or "embedded": the embedded broker
    std::string controlExchange = kControlExchange; // Nova's flag control_exchange
    bool traceBroker = false;         // embedded broker: its events into the same trace

    // The user's request (euca-run-instances -k test -t m1.tiny ami-tiny).
    std::string user = "admin";
    std::string project = "admin";
    std::string keyName = "test";
    std::string instanceType = "m1.tiny";
    std::string imageId = "ami-tiny";
    std::string availabilityZone = "nova";

    int quotaInstances = 10;          // per instance type and project
    bool failNetwork = false;         // the network controller raises: RemoteError at compute
    std::chrono::milliseconds rpcTimeout{2000};
    std::chrono::milliseconds timeout{10000}; // until active or error
};

// One arrow of the sequence diagram (events "cast", "call", "reply", "local").
struct LaunchStep
{
    int n = 0;
    std::string from;
    std::string to;
    std::string kind; // cast | call | reply | local
    std::string method;
    std::string routingKey;
    std::string msgId; // calls and replies
    std::uint64_t seq = 0; // the event's position in the trace
};

struct LaunchResult
{
    bool finished = false;         // reached active or error before the timeout
    std::string error;             // why the launch failed or did not finish ("" when active)
    Instance instance;             // as the database has it at the end
    std::vector<StateChange> states;
    std::vector<LaunchStep> steps; // ordered by step number, then by time
    std::string domainXml;         // what the compute host rendered ("" if it never spawned)
    std::string ruleset;           // iptables-save text applied for the instance
};

// The connection a component opens (on its own thread) to reach the broker.
using ConnectionFactory =
    std::function<std::unique_ptr<wb::messaging::Connection>(const std::string &component)>;

// The running components of one deployment. start() returns once every component has
// declared and bound its queue; stop() (also the destructor) ends them all within about
// 100 ms and joins their threads.
class NovaDeployment
{
public:
    NovaDeployment(LaunchOptions options, ConnectionFactory connect, wb::Trace *trace);
    ~NovaDeployment();
    NovaDeployment(const NovaDeployment &) = delete;
    NovaDeployment &operator=(const NovaDeployment &) = delete;

    // Throws std::runtime_error (e.g. the broker's ConnectionFailed text) when a component
    // cannot start; what did start is stopped again.
    void start();
    void stop();
    bool running() const;
    std::vector<std::string> components() const; // "api", "cloud", ..., "compute.host1", ...

    // The user's side of euca-run-instances: rpc.call run_instances to the API server.
    // Returns the instance id; throws RemoteError (quota, unknown type, key pair, ...).
    std::int64_t runInstances();
    // Waits until the instance is active or error; false on timeout.
    bool waitFinished(std::int64_t instanceId, std::chrono::milliseconds timeout) const;

    Instance instance(std::int64_t id) const;
    std::vector<StateChange> states(std::int64_t id) const;
    std::vector<ComputeHost> hosts() const;
    std::string domainXml(std::int64_t id) const;
    std::string ruleset(std::int64_t id) const;
    std::string failure(std::int64_t id) const; // why it went to error ("" otherwise)

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// One component of a deployment spread over processes (see the top of this file).
enum class NovaRole { Api, Scheduler, Compute, Network };
std::string_view roleName(NovaRole role); // "api", "scheduler", "compute", "network"
std::optional<NovaRole> parseRoleName(std::string_view name);

struct ComponentOptions
{
    NovaRole role = NovaRole::Api;
    ComputeHost host;       // compute: its name (queue compute.<name>), zone and capacity
    LaunchOptions settings; // controlExchange, rpcTimeout, and per role: scheduler and seed
                            // (scheduler), seed, quotaInstances, keyName (api), failNetwork
};

// The queues it consumes (api: "api", "cloud", "db"); start() returns once they are bound.
class NovaComponent
{
public:
    NovaComponent(ComponentOptions options, ConnectionFactory connect, wb::Trace *trace);
    ~NovaComponent();
    NovaComponent(const NovaComponent &) = delete;
    NovaComponent &operator=(const NovaComponent &) = delete;

    void start(); // throws std::runtime_error when a queue cannot be consumed
    void stop();  // within about 100 ms (a compute worker first reports its host down)
    std::vector<std::string> queues() const;
    // False once one of its consumers lost its connection (the broker went away).
    bool healthy() const;

private:
    std::unique_ptr<NovaDeployment::Impl> m_impl;
};

// Where components in separate processes report their trace events.
std::string traceExchangeFor(const std::string &controlExchange);

// The user's side alone, against components already running (in this process or in others,
// on this host or others): rpc.call run_instances to `api`, then the reports of every
// component until the instance is active or error, then the instance as the api process's
// database has it. options: the request, controlExchange, rpcTimeout, timeout.
LaunchResult launchOnComponents(const LaunchOptions &options, const ConnectionFactory &connect,
                                wb::Trace *trace = nullptr);

// connectTo(url) for each component ("nova-<component>" as client name); nullopt and the
// reason in *error when url is not an amqp:// URL.
std::optional<ConnectionFactory> urlConnections(const std::string &url, std::string *error);

// The rpc legs, local steps and state changes of a trace, ordered by step number then time.
std::vector<LaunchStep> launchSteps(const wb::Trace &trace);

// A whole launch: the broker (embedded, or connectTo(brokerUrl)), the components, one
// instance, then everything stopped. Never throws for a launch that fails: see error.
LaunchResult launchInstance(const LaunchOptions &options, wb::Trace *trace = nullptr);

// host1 .. hostN as the launch uses them.
std::vector<ComputeHost> defaultHosts(int count);

} // namespace wb::nova
