#include "nova/core/network.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"

#include <bit>

namespace wb::nova {

std::string_view managerName(NetworkManagerKind kind)
{
    switch (kind) {
    case NetworkManagerKind::Vlan:
        return "VlanManager";
    case NetworkManagerKind::Flat:
        return "FlatManager";
    case NetworkManagerKind::FlatDhcp:
        return "FlatDHCPManager";
    }
    return "?";
}

std::optional<NetworkManagerKind> parseManagerName(std::string_view name)
{
    for (auto k :
         {NetworkManagerKind::Vlan, NetworkManagerKind::Flat, NetworkManagerKind::FlatDhcp})
        if (managerName(k) == name)
            return k;
    return std::nullopt;
}

const ManagerTraits &managerTraits(NetworkManagerKind kind)
{
    static const ManagerTraits vlan{true,
                                    true,
                                    false,
                                    true,
                                    false,
                                    "one VLAN and bridge per project, managed by the host; "
                                    "dnsmasq serves DHCP on the bridge; network + 2 is kept "
                                    "for the project's VPN"};
    static const ManagerTraits flat{false,
                                    false,
                                    true,
                                    false,
                                    false,
                                    "every instance on the one flat bridge br100; no DHCP: "
                                    "the address is injected into the guest image before boot"};
    static const ManagerTraits flatDhcp{false,
                                        true,
                                        false,
                                        false,
                                        true,
                                        "one flat bridge br100 with dnsmasq serving DHCP; on "
                                        "several hosts FLAT_INTERFACE (an interface without "
                                        "an IP) is bridged into it"};
    switch (kind) {
    case NetworkManagerKind::Vlan:
        return vlan;
    case NetworkManagerKind::Flat:
        return flat;
    case NetworkManagerKind::FlatDhcp:
        return flatDhcp;
    }
    return vlan;
}

std::vector<Network> createNetworks(const NetworkCreateRequest &request, NetworkManagerKind kind,
                                    wb::Trace *trace)
{
    const std::uint32_t size = request.networkSize;
    if (size < 4 || !std::has_single_bit(size))
        throw std::invalid_argument("network size " + std::to_string(size) +
                                    " is not a power of two of at least 4; use e.g. 32");
    if (request.numNetworks < 1)
        throw std::invalid_argument("the number of networks must be at least 1");
    const std::uint64_t needed = std::uint64_t{size} * static_cast<unsigned>(request.numNetworks);
    if (needed > request.fixedRange.size())
        throw std::invalid_argument(std::to_string(request.numNetworks) + " networks of " +
                                    std::to_string(size) + " addresses do not fit in " +
                                    request.fixedRange.toString() +
                                    "; use a larger range or fewer, smaller networks");
    const int prefix = 32 - std::countr_zero(size);
    const bool vpn = managerTraits(kind).reservesVpnAddress;

    std::vector<Network> out;
    for (int i = 0; i < request.numNetworks; ++i) {
        Network n;
        n.label = request.label;
        n.index = i;
        n.cidr = {request.fixedRange.at(std::uint64_t{size} * static_cast<unsigned>(i)), prefix};
        n.gateway = n.cidr.at(1);
        n.broadcast = n.cidr.broadcast();
        n.netmask = n.cidr.netmask();
        if (vpn)
            n.vpnAddress = n.cidr.at(2);
        // Nova's dhcp_start: after network, gateway and (VLAN) the VPN address.
        n.dhcpStart = n.cidr.at(vpn ? 3 : 2);
        if (kind == NetworkManagerKind::Vlan) {
            n.vlan = request.vlanStart + i;
            n.bridge = "br" + std::to_string(*n.vlan);
        } else {
            n.bridge = request.flatBridge;
        }
        if (trace)
            wb::record(trace,
                       events::NetworkCreate{n.label, n.cidr.toString(), n.gateway.toString(),
                                             n.broadcast.toString(), n.netmask.toString(),
                                             n.dhcpStart.toString(), n.bridge,
                                             n.vlan.value_or(-1)},
                       n.label + " " + n.cidr.toString() + " on " + n.bridge);
        out.push_back(std::move(n));
    }
    return out;
}

std::string_view reservationName(Reservation r)
{
    switch (r) {
    case Reservation::None:
        return "free";
    case Reservation::Network:
        return "network";
    case Reservation::Gateway:
        return "gateway";
    case Reservation::Vpn:
        return "vpn";
    case Reservation::Broadcast:
        return "broadcast";
    }
    return "?";
}

FixedIpAllocator::FixedIpAllocator(const Network &network) : m_network(network) {}

Reservation FixedIpAllocator::reservation(Ipv4Address a) const
{
    if (a == m_network.cidr.base)
        return Reservation::Network;
    if (a == m_network.gateway)
        return Reservation::Gateway;
    if (m_network.vpnAddress && a == *m_network.vpnAddress)
        return Reservation::Vpn;
    if (a == m_network.broadcast)
        return Reservation::Broadcast;
    return Reservation::None;
}

std::optional<Ipv4Address> FixedIpAllocator::allocate(int instanceId, wb::Trace *trace)
{
    if (auto held = addressOf(instanceId))
        return held;
    for (auto a = m_network.dhcpStart; a < m_network.broadcast; a = a + 1) {
        if (reservation(a) != Reservation::None || m_leases.count(a.value))
            continue;
        m_leases.emplace(a.value, instanceId);
        if (trace)
            wb::record(trace, events::FixedIp{instanceId, a.toString(), m_network.cidr.toString()},
                       "fixed IP " + a.toString() + " for instance " + std::to_string(instanceId));
        return a;
    }
    if (trace)
        wb::record(trace, events::FixedIpExhausted{instanceId, m_network.cidr.toString()},
                   "no fixed IP left in " + m_network.cidr.toString());
    return std::nullopt;
}

bool FixedIpAllocator::release(int instanceId, wb::Trace *trace)
{
    for (auto it = m_leases.begin(); it != m_leases.end(); ++it) {
        if (it->second != instanceId)
            continue;
        if (trace)
            wb::record(trace,
                       events::FixedIpRelease{instanceId, Ipv4Address{it->first}.toString()},
                       "released " + Ipv4Address{it->first}.toString());
        m_leases.erase(it);
        return true;
    }
    return false;
}

std::optional<int> FixedIpAllocator::holder(Ipv4Address a) const
{
    auto it = m_leases.find(a.value);
    if (it == m_leases.end())
        return std::nullopt;
    return it->second;
}

std::optional<Ipv4Address> FixedIpAllocator::addressOf(int instanceId) const
{
    for (const auto &[address, id] : m_leases)
        if (id == instanceId)
            return Ipv4Address{address};
    return std::nullopt;
}

std::size_t FixedIpAllocator::available() const
{
    std::size_t n = 0;
    for (auto a = m_network.dhcpStart; a < m_network.broadcast; a = a + 1)
        if (reservation(a) == Reservation::None && !m_leases.count(a.value))
            ++n;
    return n;
}

NetworkController::NetworkController(NetworkManagerKind kind, std::vector<Network> networks)
    : m_kind(kind), m_networks(std::move(networks))
{
    if (m_networks.empty())
        throw std::invalid_argument("a network controller needs at least one network; run "
                                    "`network create` first");
    for (const auto &n : m_networks)
        m_allocators.emplace_back(n);
}

std::size_t NetworkController::networkFor(const std::string &project)
{
    if (auto it = m_projectNetwork.find(project); it != m_projectNetwork.end())
        return it->second;
    if (m_kind != NetworkManagerKind::Vlan) {
        // Flat managers share their networks among all projects: the first with room.
        for (std::size_t i = 0; i < m_allocators.size(); ++i)
            if (m_allocators[i].available() > 0)
                return i;
        return 0;
    }
    const std::size_t next = m_projectNetwork.size();
    if (next >= m_networks.size())
        throw std::runtime_error("no network left for project " + project +
                                 "; create more networks");
    m_projectNetwork.emplace(project, next);
    return next;
}

FixedIpLease NetworkController::allocateFixedIp(const std::string &project, int instanceId,
                                                wb::Trace *trace)
{
    const std::size_t i = networkFor(project);
    auto address = m_allocators[i].allocate(instanceId, trace);
    if (!address)
        throw std::runtime_error("no fixed IP left in " + m_networks[i].cidr.toString());
    return {*address, &m_networks[i]};
}

bool NetworkController::releaseFixedIp(int instanceId, wb::Trace *trace)
{
    for (auto &a : m_allocators)
        if (a.release(instanceId, trace))
            return true;
    return false;
}

const FixedIpAllocator &NetworkController::allocator(std::size_t networkIndex) const
{
    return m_allocators.at(networkIndex);
}

} // namespace wb::nova
