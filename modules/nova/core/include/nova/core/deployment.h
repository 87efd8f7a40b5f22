#pragma once
// The components of an instance launch as running actors (see launch.h for the whole
// picture): NovaDeployment, every component in this process around one shared database;
// NovaComponent, one component of a deployment spread over processes.

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

namespace wb::nova {

struct LaunchOptions
{
    SchedulerKind scheduler = SchedulerKind::Chance;
    int hosts = 3;                      // host1 .. hostN, 16 cores / 32 GiB each, zone "nova"
    std::vector<ComputeHost> hostTable; // when not empty: these hosts instead
    std::uint64_t seed = 1;             // scheduler choice and generated MAC
    std::string brokerUrl;              // empty or "embedded": the embedded broker
    std::string controlExchange = kControlExchange; // Nova's flag control_exchange
    bool traceBroker = false; // embedded broker: its events into the same trace

    // The user's request (euca-run-instances -k test -t m1.tiny ami-tiny).
    std::string user = "admin";
    std::string project = "admin";
    std::string keyName = "test";
    std::string instanceType = "m1.tiny";
    std::string imageId = "ami-tiny";
    std::string availabilityZone = "nova";

    int quotaInstances = 10;  // per instance type and project
    bool failNetwork = false; // the network controller raises: RemoteError at compute
    std::chrono::milliseconds rpcTimeout{2000};
    std::chrono::milliseconds timeout{10000}; // until active or error
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

// One component of a deployment spread over processes (see the top of launch.h).
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

// host1 .. hostN as the launch uses them.
std::vector<ComputeHost> defaultHosts(int count);

} // namespace wb::nova
