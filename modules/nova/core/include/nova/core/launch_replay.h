#pragma once
// A launch's trace read back: what the launch view shows at a cursor position, rebuilt from
// the recorded events alone (the deployment that recorded them is not needed).
//
// - launchMessages(): the rows of the sequence diagram, one per cast, call, reply and piece of
//   local work, each with the lane (lifeline) it starts and ends on. The libvirt driver's
//   work on the compute host is a Driver row that ends on the libvirt lane.
// - LaunchState and applyLaunchEvent(): the state at a position, for a wb::Replayer. The
//   instances as euca-describe-instances lists them, and the states the instance of the
//   launch in progress has passed through since its euca-run-instances.
//
// The launch view's trace holds several launches one after another (each one more
// euca-run-instances against the same deployment); a launch starts with the user's call to
// the API server.

#include "nova/core/instance.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
struct Event;
class Trace;
} // namespace wb

namespace wb::nova {

enum class MessageKind { Cast, Call, Reply, Local, Driver };
std::string_view messageKindName(MessageKind k); // "cast", "call", "reply", "local", "driver"

// The lifelines of the sequence diagram, left to right; the topic exchange `nova` in the
// middle.
enum class Lane { User, Api, Cloud, Scheduler, Exchange, Network, Compute, Libvirt };
inline constexpr int kLaneCount = 8;
// "cloud" -> Lane::Cloud, "compute.host2" -> Lane::Compute; nullopt for other names.
std::optional<Lane> laneOf(std::string_view component);
// The local steps the libvirt driver does on the compute host (drawn to the libvirt lane).
bool isDriverMethod(std::string_view method);

struct LaunchMessage
{
    std::size_t position = 0; // the event's position in the trace
    MessageKind kind = MessageKind::Local;
    int n = 0; // the tutorial's step number (9: the spawn)
    Lane from = Lane::User;
    Lane to = Lane::User;
    std::string method;
    std::string routingKey;
    std::string msgId;  // a call's or a reply's _msg_id; empty otherwise
    std::string detail; // local work: what was checked or done
};

// The message an event records; nullopt for other kinds and for components with no lane.
std::optional<LaunchMessage> launchMessage(const wb::Event &e, std::size_t position);

struct LaunchMessages
{
    std::vector<LaunchMessage> rows;
    std::string computeHost; // "host2" once a compute worker took part; else empty
};
// The messages at positions [begin, end) of the trace (end clamped to its size).
LaunchMessages launchMessages(const wb::Trace &trace, std::size_t begin, std::size_t end);
// The last row recorded before `position`, or -1.
int messageBefore(const std::vector<LaunchMessage> &rows, std::size_t position);

// "instance-0000000a" -> 10; nullopt when the name is not of that form.
std::optional<std::int64_t> instanceIdFromName(std::string_view name);

// One line of euca-describe-instances.
struct DescribedInstance
{
    std::int64_t id = 0;
    std::string state; // the task state while building, then "running" or "error"
    std::string fixedIp;
    std::string host;
    bool active = false;
    std::optional<std::int64_t> launchedAtNs; // launched_at, once active
    bool operator==(const DescribedInstance &) const = default;
};

struct LaunchState
{
    std::map<std::int64_t, DescribedInstance> instances;
    // The states of the launch in progress (the last one begun), oldest first.
    std::vector<StateChange> history;
    std::size_t launches = 0; // euca-run-instances requests seen
};

// Applies one event of a launch's trace to `state`; events of other kinds leave it as is.
void applyLaunchEvent(LaunchState &state, const wb::Event &e);
// The state after the events at positions [0, position).
LaunchState launchStateAt(const wb::Trace &trace, std::size_t position);

} // namespace wb::nova
