#include "nova/core/instance.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"

#include <cstdio>
#include <stdexcept>

namespace wb::nova {

std::string_view vmStateName(VmState s)
{
    switch (s) {
    case VmState::Building:
        return "building";
    case VmState::Active:
        return "active";
    case VmState::Error:
        return "error";
    }
    return "?";
}

std::string_view taskStateName(TaskState s)
{
    switch (s) {
    case TaskState::Scheduling:
        return "scheduling";
    case TaskState::Networking:
        return "networking";
    case TaskState::BlockDeviceMapping:
        return "block_device_mapping";
    case TaskState::Spawning:
        return "spawning";
    case TaskState::None:
        return "none";
    }
    return "?";
}

LegacyState legacyState(VmState vm, TaskState task)
{
    constexpr int kNoState = 0, kRunning = 1, kShutdown = 4; // nova/compute/power_state.py
    if (vm == VmState::Active)
        return {"running", kRunning};
    if (vm == VmState::Error && (task == TaskState::Spawning || task == TaskState::None))
        return {"shutdown", kShutdown};
    switch (task) {
    case TaskState::Scheduling:
        return {"scheduling", kNoState};
    case TaskState::Networking:
    case TaskState::BlockDeviceMapping:
        return {"networking", kNoState};
    case TaskState::Spawning:
        return {"spawning", kNoState};
    case TaskState::None:
        break;
    }
    return {"running", kRunning};
}

std::string instanceName(std::int64_t id)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "instance-%08llx", static_cast<unsigned long long>(id));
    return buf;
}

std::string ec2InstanceId(std::int64_t id)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "i-%08llx", static_cast<unsigned long long>(id));
    return buf;
}

const std::vector<InstanceType> &instanceTypes()
{
    static const std::vector<InstanceType> types{{"m1.tiny", 512, 1, 0},
                                                 {"m1.small", 2048, 1, 20},
                                                 {"m1.medium", 4096, 2, 40},
                                                 {"m1.large", 8192, 4, 80},
                                                 {"m1.xlarge", 16384, 8, 160}};
    return types;
}

std::optional<InstanceType> instanceTypeByName(std::string_view name)
{
    for (const auto &t : instanceTypes())
        if (t.name == name)
            return t;
    return std::nullopt;
}

InstanceLifecycle::InstanceLifecycle(Instance &instance, wb::Trace *trace)
    : m_instance(instance), m_trace(trace)
{
    m_instance.vmState = VmState::Building;
    m_instance.taskState = TaskState::Scheduling;
    record("created");
}

void InstanceLifecycle::advance(TaskState next)
{
    const bool inOrder = m_instance.vmState == VmState::Building &&
                         m_instance.taskState != TaskState::None &&
                         static_cast<int>(next) == static_cast<int>(m_instance.taskState) + 1 &&
                         next != TaskState::None;
    if (!inOrder)
        throw std::logic_error(m_instance.name() + ": cannot go from " +
                               std::string(vmStateName(m_instance.vmState)) + "/" +
                               std::string(taskStateName(m_instance.taskState)) + " to " +
                               std::string(taskStateName(next)));
    m_instance.taskState = next;
    record(std::string(taskStateName(next)));
}

void InstanceLifecycle::activate(std::int64_t nowNs)
{
    if (m_instance.vmState != VmState::Building || m_instance.taskState != TaskState::Spawning)
        throw std::logic_error(m_instance.name() + ": only a spawning instance becomes active");
    m_instance.vmState = VmState::Active;
    m_instance.taskState = TaskState::None;
    m_instance.launchedAtNs = nowNs;
    record("active");
}

void InstanceLifecycle::fail(const std::string &reason)
{
    if (m_instance.vmState != VmState::Building)
        throw std::logic_error(m_instance.name() + ": only a building instance can fail");
    m_instance.vmState = VmState::Error;
    m_instance.taskState = TaskState::None;
    record("error: " + reason);
}

void InstanceLifecycle::record(const std::string &why)
{
    m_history.push_back({m_instance.vmState, m_instance.taskState});
    if (m_trace)
        wb::record(m_trace,
                   events::State{m_instance.name(), std::string(vmStateName(m_instance.vmState)),
                                 std::string(taskStateName(m_instance.taskState)), why,
                                 m_instance.launchedAtNs},
                   m_instance.name() + ": " + std::string(vmStateName(m_instance.vmState)) + "/" +
                       std::string(taskStateName(m_instance.taskState)));
}

} // namespace wb::nova
