// nova-network (queue "network"): the network controller that leases fixed IPs.
#include "launch_actor.h"

#include "nova/core/network.h"

namespace wb::nova::detail {

namespace {

class NetworkActor : public Actor
{
public:
    NetworkActor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread),
          m_controller(NetworkManagerKind::Vlan,
                       createNetworks({"private", *Ipv4Network::parse("10.0.0.0/24"), 1, 32},
                                      NetworkManagerKind::Vlan, d.trace))
    {}

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
        const FixedIpLease lease = m_controller.allocateFixedIp(rpcString(r.args, "project"),
                                                                static_cast<int>(id), m_d.trace);
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

std::unique_ptr<Actor> makeNetwork(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
{
    return std::make_unique<NetworkActor>(d, std::move(name), thread);
}

} // namespace wb::nova::detail
