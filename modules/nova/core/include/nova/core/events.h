#pragma once
// The nova module's events, declared once: what the pieces of wb_nova_core (network.h,
// instance.h, libvirt_xml.h, image_plan.h, iptables.h, novash.h, scheduler.h, simulation.h)
// and the launch's components (wb_nova_launch) record, and what launchSteps(), the CLI, the
// views and the tests read. Field names are the wire names in the trace, the JSON the
// components report (encodeEvent) and the README's tables; see workbench/core/typed_event.h
// for how they are written and read.

#include "workbench/core/typed_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace wb::nova::events {

// ---- Networks and fixed IPs (network.h) ---------------------------------------------------

// createNetworks: one network carved out of the fixed range.
struct NetworkCreate
{
    static constexpr std::string_view kind = "network-create";
    std::string label;
    std::string cidr;
    std::string gateway;
    std::string broadcast;
    std::string netmask;
    std::string dhcpStart;
    std::string bridge;
    std::int64_t vlan = -1; // -1 for the flat managers
    static constexpr auto fields()
    {
        return std::tuple{field("label", &NetworkCreate::label),
                          field("cidr", &NetworkCreate::cidr),
                          field("gateway", &NetworkCreate::gateway),
                          field("broadcast", &NetworkCreate::broadcast),
                          field("netmask", &NetworkCreate::netmask),
                          field("dhcp_start", &NetworkCreate::dhcpStart),
                          field("bridge", &NetworkCreate::bridge),
                          field("vlan", &NetworkCreate::vlan)};
    }
};

// FixedIpAllocator::allocate leased `address` to the instance.
struct FixedIp
{
    static constexpr std::string_view kind = "fixed-ip";
    std::int64_t instanceId = 0;
    std::string address;
    std::string network; // the network's CIDR
    static constexpr auto fields()
    {
        return std::tuple{field("instance_id", &FixedIp::instanceId),
                          field("address", &FixedIp::address),
                          field("network", &FixedIp::network)};
    }
};

// FixedIpAllocator::release gave the instance's address back.
struct FixedIpRelease
{
    static constexpr std::string_view kind = "fixed-ip-release";
    std::int64_t instanceId = 0;
    std::string address;
    static constexpr auto fields()
    {
        return std::tuple{field("instance_id", &FixedIpRelease::instanceId),
                          field("address", &FixedIpRelease::address)};
    }
};

// FixedIpAllocator::allocate found no free address.
struct FixedIpExhausted
{
    static constexpr std::string_view kind = "fixed-ip-exhausted";
    std::int64_t instanceId = 0;
    std::string network;
    static constexpr auto fields()
    {
        return std::tuple{field("instance_id", &FixedIpExhausted::instanceId),
                          field("network", &FixedIpExhausted::network)};
    }
};

// ---- The instance (instance.h) --------------------------------------------------------------

// The instance's vm_state/task_state changed. InstanceLifecycle says why; a component in its
// own process reports the state it read from the database, which keeps no reason.
struct State
{
    static constexpr std::string_view kind = "state";
    std::string instance; // instance-0000000N
    std::string vmState;
    std::string taskState;
    std::optional<std::string> why;
    // Once active: launched_at (ns since the epoch), as the database keeps it.
    std::optional<std::int64_t> launchedAt;
    static constexpr auto fields()
    {
        return std::tuple{field("instance", &State::instance), field("vm_state", &State::vmState),
                          field("task_state", &State::taskState), field("why", &State::why),
                          field("launched_at", &State::launchedAt)};
    }
};

// ---- The spawn: domain XML, image preparation (libvirt_xml.h, image_plan.h) ---------------

// toDomainXml wrote the domain definition of `bytes` bytes.
struct LibvirtXml
{
    static constexpr std::string_view kind = "libvirt-xml";
    std::string instance;
    std::uint64_t memoryKib = 0;
    std::int64_t vcpus = 0;
    std::string mac;
    std::string ip;
    std::uint64_t bytes = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("instance", &LibvirtXml::instance),
                          field("memory_kib", &LibvirtXml::memoryKib),
                          field("vcpus", &LibvirtXml::vcpus),
                          field("mac", &LibvirtXml::mac),
                          field("ip", &LibvirtXml::ip),
                          field("bytes", &LibvirtXml::bytes)};
    }
};

// One step of planImagePreparation; `command` is empty for a step that runs no command.
struct ImageStep
{
    static constexpr std::string_view kind = "image-step";
    std::string instance;
    std::string phase;
    std::string command;
    bool root = false; // run through sudo
    std::string description;
    static constexpr auto fields()
    {
        return std::tuple{field("instance", &ImageStep::instance),
                          field("phase", &ImageStep::phase), field("command", &ImageStep::command),
                          field("root", &ImageStep::root),
                          field("description", &ImageStep::description)};
    }
};

// ---- A packet through the filter table (iptables.h, walkPacket) ---------------------------

// The ruleset did not load: iptables-restore stopped at `line`, so the walk goes through the
// table the host kept.
struct Load
{
    static constexpr std::string_view kind = "load";
    bool loaded = false;
    std::int64_t line = 0;
    std::string rule;
    std::string error;
    std::string reason;
    static constexpr auto fields()
    {
        return std::tuple{field("loaded", &Load::loaded), field("line", &Load::line),
                          field("rule", &Load::rule), field("error", &Load::error),
                          field("reason", &Load::reason)};
    }
};

// The walk entered `chain`; `depth` counts FORWARD as 1.
struct Chain
{
    static constexpr std::string_view kind = "chain";
    std::string chain;
    std::int64_t depth = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("chain", &Chain::chain), field("depth", &Chain::depth)};
    }
};

// One rule visited; `action` is continue (no match), jump, ACCEPT, DROP or count.
struct Rule
{
    static constexpr std::string_view kind = "rule";
    std::string chain;
    std::int64_t ruleNumber = 0;
    std::string rule;
    bool matched = false;
    std::string action;
    std::string reason;
    static constexpr auto fields()
    {
        return std::tuple{field("chain", &Rule::chain),   field("rule_number", &Rule::ruleNumber),
                          field("rule", &Rule::rule),     field("matched", &Rule::matched),
                          field("action", &Rule::action), field("reason", &Rule::reason)};
    }
};

// The end of a chain: `action` "return" back to the chain `to`, or "policy" at the end of
// FORWARD (no `to`).
struct Return
{
    static constexpr std::string_view kind = "return";
    std::string chain;
    std::string action;
    std::optional<std::string> to;
    static constexpr auto fields()
    {
        return std::tuple{field("chain", &Return::chain), field("action", &Return::action),
                          field("to", &Return::to)};
    }
};

// The walk's result: ACCEPT or DROP, and the rule (or policy) that decided it.
struct Verdict
{
    static constexpr std::string_view kind = "verdict";
    std::string verdict;
    std::string decidedBy;
    std::string packet; // the packet as a person reads it
    static constexpr auto fields()
    {
        return std::tuple{field("verdict", &Verdict::verdict),
                          field("decided_by", &Verdict::decidedBy),
                          field("packet", &Verdict::packet)};
    }
};

// ---- nova.sh (novash.h) -------------------------------------------------------------------

// Step `n` (from 1) of planNovaSh; `command` is empty for a note without a command.
struct NovashStep
{
    static constexpr std::string_view kind = "novash-step";
    std::int64_t n = 0;
    std::string phase;
    std::string command;
    bool root = false;
    std::string note;
    static constexpr auto fields()
    {
        return std::tuple{field("n", &NovashStep::n), field("phase", &NovashStep::phase),
                          field("command", &NovashStep::command), field("root", &NovashStep::root),
                          field("note", &NovashStep::note)};
    }
};

// ---- Scheduling (scheduler.h, simulation.h) -----------------------------------------------

// schedule() picked `host`; `used_vcpus` is the host's count before this instance.
struct Schedule
{
    static constexpr std::string_view kind = "schedule";
    std::string scheduler; // chance, zone or simple
    std::int64_t instanceId = 0;
    std::string host;
    std::string zone;
    std::int64_t usedVcpus = 0;
    std::string routingKey; // compute.<host>
    static constexpr auto fields()
    {
        return std::tuple{field("scheduler", &Schedule::scheduler),
                          field("instance_id", &Schedule::instanceId),
                          field("host", &Schedule::host),
                          field("zone", &Schedule::zone),
                          field("used_vcpus", &Schedule::usedVcpus),
                          field("routing_key", &Schedule::routingKey)};
    }
};

// schedule() raised NoValidHost.
struct NoValidHost
{
    static constexpr std::string_view kind = "no-valid-host";
    std::string scheduler;
    std::int64_t instanceId = 0;
    std::string reason;
    static constexpr auto fields()
    {
        return std::tuple{field("scheduler", &NoValidHost::scheduler),
                          field("instance_id", &NoValidHost::instanceId),
                          field("reason", &NoValidHost::reason)};
    }
};

// simulateLaunches: request `request` (from 1) placed on `host`, `used_vcpus` after it, at
// `t_ms` of simulated time.
struct SimSchedule
{
    static constexpr std::string_view kind = "sim-schedule";
    std::int64_t request = 0;
    std::string host;
    std::int64_t usedVcpus = 0;
    double tMs = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("request", &SimSchedule::request), field("host", &SimSchedule::host),
            field("used_vcpus", &SimSchedule::usedVcpus), field("t_ms", &SimSchedule::tMs)};
    }
};

// simulateLaunches: the request's instance became active on `host`.
struct SimActive
{
    static constexpr std::string_view kind = "sim-active";
    std::int64_t request = 0;
    std::string host;
    double tMs = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("request", &SimActive::request), field("host", &SimActive::host),
                          field("t_ms", &SimActive::tMs)};
    }
};

// simulateLaunches: the chosen host's compute worker had no room (compute_rejected).
struct SimRejected
{
    static constexpr std::string_view kind = "sim-rejected";
    std::int64_t request = 0;
    std::string host;
    double tMs = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("request", &SimRejected::request),
                          field("host", &SimRejected::host), field("t_ms", &SimRejected::tMs)};
    }
};

// simulateLaunches: the scheduler raised NoValidHost.
struct SimNoValidHost
{
    static constexpr std::string_view kind = "sim-no-valid-host";
    std::int64_t request = 0;
    std::string reason;
    double tMs = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("request", &SimNoValidHost::request),
                          field("reason", &SimNoValidHost::reason),
                          field("t_ms", &SimNoValidHost::tMs)};
    }
};

// ---- The launch over the bus (launch.h, deployment.h) -------------------------------------

namespace detail {
struct CastName
{
    static constexpr std::string_view value = "cast";
};
struct CallName
{
    static constexpr std::string_view value = "call";
};
struct ReplyName
{
    static constexpr std::string_view value = "reply";
};
} // namespace detail

// One rpc message sent (RpcEndpoint): an arrow of the sequence diagram, step `n`. `msg_id` is
// the call's id (empty for a cast), `body` the JSON published. Cast, Call and Reply share
// their fields; a reader may take all three with one generic overload.
template <class Name> struct RpcMessage
{
    static constexpr std::string_view kind = Name::value;
    std::int64_t n = 0;
    std::string from;
    std::string to;
    std::string method;
    std::string routingKey;
    std::string msgId;
    std::string body;
    static constexpr auto fields()
    {
        return std::tuple{field("n", &RpcMessage::n),
                          field("from", &RpcMessage::from),
                          field("to", &RpcMessage::to),
                          field("method", &RpcMessage::method),
                          field("routing_key", &RpcMessage::routingKey),
                          field("msg_id", &RpcMessage::msgId),
                          field("body", &RpcMessage::body)};
    }
};
using Cast = RpcMessage<detail::CastName>;
using Call = RpcMessage<detail::CallName>;
using Reply = RpcMessage<detail::ReplyName>;

// Work inside one component at step `n` (checks, scheduling, consuming steps 4/6/8, the
// spawn): `to` equals `from`, `routing_key` is the component's queue.
struct Local
{
    static constexpr std::string_view kind = "local";
    std::int64_t n = 0;
    std::string from;
    std::string to;
    std::string method;
    std::string routingKey;
    std::string detail;
    static constexpr auto fields()
    {
        return std::tuple{field("n", &Local::n),
                          field("from", &Local::from),
                          field("to", &Local::to),
                          field("method", &Local::method),
                          field("routing_key", &Local::routingKey),
                          field("detail", &Local::detail)};
    }
};

// A component's failure after it started: a lost reply or connection (`error`), or a message
// that was not an rpc request (`body`, the message as received).
struct ComponentError
{
    static constexpr std::string_view kind = "component-error";
    std::string component;
    std::optional<std::string> error;
    std::optional<std::string> body;
    static constexpr auto fields()
    {
        return std::tuple{field("component", &ComponentError::component),
                          field("error", &ComponentError::error),
                          field("body", &ComponentError::body)};
    }
};

// The api process's database took a compute worker's service_update.
struct Service
{
    static constexpr std::string_view kind = "service";
    std::string host;
    bool up = false;
    std::string zone;
    std::int64_t vcpus = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("host", &Service::host), field("up", &Service::up),
                          field("zone", &Service::zone), field("vcpus", &Service::vcpus)};
    }
};

// ---- The sets ---------------------------------------------------------------------------------

// What the pieces of wb_nova_core record.
using CoreEvents =
    EventSet<NetworkCreate, FixedIp, FixedIpRelease, FixedIpExhausted, State, LibvirtXml,
             ImageStep, Load, Chain, Rule, Return, Verdict, NovashStep, Schedule, NoValidHost,
             SimSchedule, SimActive, SimRejected, SimNoValidHost>;
// What the launch's components record themselves (beside the core pieces they run).
using LaunchEvents = EventSet<Cast, Call, Reply, Local, ComponentError, Service>;
// The numbered steps of a launch (launchSteps).
using StepEvents = EventSet<Cast, Call, Reply, Local>;

namespace detail {
template <class A, class B> struct Joined;
template <class... A, class... B> struct Joined<EventSet<A...>, EventSet<B...>>
{
    using type = EventSet<A..., B...>;
};
} // namespace detail

// Every kind the module records: a launch's trace holds kinds of both sets (and, with
// LaunchOptions::traceBroker, the messaging core's, declared in messaging/core/events.h).
// walkPacket's "return" shares its name with the broker's basic.return: a launch never walks
// a packet, so in a launch's trace "return" is the broker's.
using NovaEvents = detail::Joined<CoreEvents, LaunchEvents>::type;

using wb::Overloaded;

} // namespace wb::nova::events
