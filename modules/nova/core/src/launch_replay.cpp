#include "nova/core/launch_replay.h"

#include "nova/core/events.h"

#include "replay_fold.h"

#include "workbench/core/trace.h"

#include <algorithm>
#include <charconv>

namespace wb::nova {

std::string_view messageKindName(MessageKind k)
{
    switch (k) {
    case MessageKind::Cast:
        return "cast";
    case MessageKind::Call:
        return "call";
    case MessageKind::Reply:
        return "reply";
    case MessageKind::Driver:
        return "driver";
    case MessageKind::Local:
        break;
    }
    return "local";
}

std::optional<Lane> laneOf(std::string_view component)
{
    if (component == "user")
        return Lane::User;
    if (component == "api")
        return Lane::Api;
    if (component == "cloud")
        return Lane::Cloud;
    if (component == "scheduler")
        return Lane::Scheduler;
    if (component == "network")
        return Lane::Network;
    if (component.starts_with("compute"))
        return Lane::Compute;
    return std::nullopt;
}

bool isDriverMethod(std::string_view m)
{
    return m == "to_xml" || m == "apply_ruleset" || m == "_create_image" || m == "createXML";
}

namespace {

template <class Message> MessageKind kindOf()
{
    if constexpr (std::is_same_v<Message, events::Cast>)
        return MessageKind::Cast;
    else if constexpr (std::is_same_v<Message, events::Call>)
        return MessageKind::Call;
    else if constexpr (std::is_same_v<Message, events::Reply>)
        return MessageKind::Reply;
    else
        return MessageKind::Local;
}

// Step 1 of a launch: the user's euca-run-instances reaching the API server.
bool startsLaunch(const events::Call &c)
{
    return c.from == "user";
}

} // namespace

std::optional<LaunchMessage> launchMessage(const wb::Event &e, std::size_t position)
{
    std::optional<LaunchMessage> out;
    events::StepEvents::visit(e, [&](const auto &s) {
        using S = std::remove_cvref_t<decltype(s)>;
        const auto from = laneOf(s.from), to = laneOf(s.to);
        if (!from || !to)
            return;
        LaunchMessage m;
        m.position = position;
        m.kind = kindOf<S>();
        m.n = static_cast<int>(s.n);
        m.from = *from;
        m.to = *to;
        m.method = s.method;
        m.routingKey = s.routingKey;
        if constexpr (requires { s.msgId; })
            m.msgId = s.msgId;
        if constexpr (requires { s.detail; })
            m.detail = s.detail;
        if (m.kind == MessageKind::Local && isDriverMethod(m.method)) {
            m.kind = MessageKind::Driver;
            m.to = Lane::Libvirt;
        }
        out = std::move(m);
    });
    return out;
}

LaunchMessages launchMessages(const wb::Trace &trace, std::size_t begin, std::size_t end)
{
    LaunchMessages out;
    end = std::min(end, trace.size());
    for (std::size_t i = begin; i < end; ++i) {
        const wb::Event &e = trace.at(i);
        // The compute host is named by any message to or from its worker, even one that has
        // no row of its own.
        events::StepEvents::visit(e, [&](const auto &s) {
            for (const std::string *c : {&s.from, &s.to})
                if (c->starts_with("compute."))
                    out.computeHost = c->substr(8);
        });
        if (auto m = launchMessage(e, i))
            out.rows.push_back(std::move(*m));
    }
    return out;
}

int messageBefore(const std::vector<LaunchMessage> &rows, std::size_t position)
{
    int current = -1;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].position < position)
            current = static_cast<int>(i);
    return current;
}

std::optional<std::int64_t> instanceIdFromName(std::string_view name)
{
    const auto dash = name.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    std::string_view hex = name.substr(dash + 1);
    hex = hex.substr(0, hex.find('-'));
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), id, 16);
    if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size())
        return std::nullopt;
    return id;
}

namespace {

StateChange stateChangeOf(const events::State &s)
{
    StateChange c{VmState::Building, TaskState::Scheduling};
    for (auto v : {VmState::Building, VmState::Active, VmState::Error})
        if (vmStateName(v) == s.vmState)
            c.vmState = v;
    for (auto t : {TaskState::Scheduling, TaskState::Networking, TaskState::BlockDeviceMapping,
                   TaskState::Spawning, TaskState::None})
        if (taskStateName(t) == s.taskState)
            c.taskState = t;
    return c;
}

void applyState(LaunchState &state, const events::State &s)
{
    state.history.push_back(stateChangeOf(s));
    const auto id = instanceIdFromName(s.instance);
    if (!id)
        return;
    DescribedInstance &row = state.instances[*id];
    row.id = *id;
    row.active = s.vmState == "active";
    if (s.launchedAt)
        row.launchedAtNs = s.launchedAt;
    row.state = row.active ? "running" : s.vmState == "error" ? "error" : s.taskState;
}

} // namespace

void applyLaunchEvent(LaunchState &state, const wb::Event &e)
{
    using namespace events;
    // Only the kinds read here: a launch traced with the broker's events also holds that
    // core's "return", which is not walkPacket's.
    using Read = EventSet<Call, State, FixedIp, Schedule>;
    Read::visit(
        e, Overloaded{
               [&](const Call &c) {
                   if (startsLaunch(c)) {
                       ++state.launches;
                       state.history.clear();
                   }
               },
               [&](const State &s) { applyState(state, s); },
               [&](const FixedIp &f) {
                   if (auto it = state.instances.find(f.instanceId); it != state.instances.end())
                       it->second.fixedIp = f.address;
               },
               [&](const Schedule &s) {
                   if (auto it = state.instances.find(s.instanceId); it != state.instances.end())
                       it->second.host = s.host;
               },
           });
}

LaunchState launchStateAt(const wb::Trace &trace, std::size_t position)
{
    return detail::replayUpTo<LaunchState>(trace, position, applyLaunchEvent);
}

} // namespace wb::nova
