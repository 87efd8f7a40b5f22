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

#include "nova/core/deployment.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::messaging {
class Broker;
}

namespace wb::nova {

// One arrow of the sequence diagram (events "cast", "call", "reply", "local").
struct LaunchStep
{
    int n = 0;
    std::string from;
    std::string to;
    std::string kind; // cast | call | reply | local
    std::string method;
    std::string routingKey;
    std::string msgId;     // calls and replies
    std::uint64_t seq = 0; // the event's position in the trace
};

struct LaunchResult
{
    bool finished = false; // reached active or error before the timeout
    std::string error;     // why the launch failed or did not finish ("" when active)
    Instance instance;     // as the database has it at the end
    std::vector<StateChange> states;
    std::vector<LaunchStep> steps; // ordered by step number, then by time
    std::string domainXml;         // what the compute host rendered ("" if it never spawned)
    std::string ruleset;           // iptables-save text applied for the instance
};

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

} // namespace wb::nova
