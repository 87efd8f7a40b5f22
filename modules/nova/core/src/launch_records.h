#pragma once
// Internal: how an instance row, a compute host and the user's request travel as rpc
// arguments between the api process's database and the components (launch_db.cpp), and the
// parsing of the state names they carry.

#include "nova/core/deployment.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb::nova::detail {

std::optional<VmState> parseVmState(std::string_view name);
std::optional<TaskState> parseTaskState(std::string_view name);

// An instance row as it travels between the database and the components.
struct InstanceRecord
{
    Instance instance;
    std::vector<StateChange> states;
    std::string failure, xml, rules;
};

RpcArgs recordToArgs(const InstanceRecord &r);
InstanceRecord recordFromArgs(const RpcArgs &a);

RpcArgs hostToArgs(const ComputeHost &h, const std::string &prefix = {});
ComputeHost hostFromArgs(const RpcArgs &a, const std::string &prefix = {});

// The user's run_instances (euca-run-instances) on an endpoint of its own.
RpcRequest runInstancesRequest(const LaunchOptions &o);

} // namespace wb::nova::detail
