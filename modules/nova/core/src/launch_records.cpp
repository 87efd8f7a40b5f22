// Instances, hosts and the user's request as rpc arguments, and back.
#include "launch_records.h"

#include <sstream>

namespace wb::nova::detail {

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

RpcArgs hostToArgs(const ComputeHost &h, const std::string &prefix)
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

ComputeHost hostFromArgs(const RpcArgs &a, const std::string &prefix)
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

} // namespace wb::nova::detail
