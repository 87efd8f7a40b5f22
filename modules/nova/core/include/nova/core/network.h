#pragma once
// The network controller's data: networks carved from FIXED_RANGE, their fixed IPs, and the
// three network managers of the 2011 code base.
//
// `nova-manage network create private 10.0.0.0/24 1 32` becomes
//
//     auto nets = createNetworks({"private", *Ipv4Network::parse("10.0.0.0/24"), 1, 32},
//                                NetworkManagerKind::Vlan);
//     // nets[0]: 10.0.0.0/27, gateway 10.0.0.1 on br100 (vlan 100), broadcast 10.0.0.31,
//     //          netmask 255.255.255.224, VPN 10.0.0.2, dhcp_start 10.0.0.3
//
// The controller is plain state with no threads or I/O: a network actor on the message bus
// owns one and answers `allocate_fixed_ip` calls by calling allocate().

#include "nova/core/addr.h"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

enum class NetworkManagerKind { Vlan, Flat, FlatDhcp };

std::string_view managerName(NetworkManagerKind kind); // "VlanManager", "FlatManager", ...
std::optional<NetworkManagerKind> parseManagerName(std::string_view name);

// What distinguishes the managers, as the module teaches it.
struct ManagerTraits
{
    bool vlanPerProject;       // VlanManager: one host-managed VLAN (and bridge) per project
    bool runsDhcp;             // dnsmasq hands out the fixed IPs (Vlan, FlatDHCP)
    bool injectsNetworkConfig; // Flat: no DHCP, the address is written into the guest image
    bool reservesVpnAddress;   // network + 2 kept for the project's VPN (cloudpipe)
    bool usesFlatInterface;    // FlatDHCP: FLAT_INTERFACE (no IP) is bridged into br100
    std::string_view summary;
};
const ManagerTraits &managerTraits(NetworkManagerKind kind);

struct NetworkCreateRequest
{
    std::string label = "private";
    Ipv4Network fixedRange; // FIXED_RANGE
    int numNetworks = 1;
    std::uint32_t networkSize = 32;
    int vlanStart = 100;              // Nova's default vlan_start
    std::string flatBridge = "br100"; // flat_network_bridge
};

struct Network
{
    std::string label;
    int index = 0; // 0-based position in the create request
    Ipv4Network cidr;
    Ipv4Address gateway; // network + 1: the bridge address and dnsmasq's DHCP server
    Ipv4Address broadcast;
    Ipv4Address netmask;
    std::optional<Ipv4Address> vpnAddress; // network + 2, VlanManager only
    Ipv4Address dhcpStart;                 // first address given to an instance
    std::optional<int> vlan;               // 100, 101, ... with VlanManager
    std::string bridge;                    // "br100"
};

// Carves `numNetworks` consecutive blocks of `networkSize` addresses out of the fixed range.
// Throws std::invalid_argument (with a sentence saying what to change) when the size is not
// a power of two of at least 4, or the blocks do not fit in the range.
std::vector<Network> createNetworks(const NetworkCreateRequest &request, NetworkManagerKind kind,
                                    wb::Trace *trace = nullptr);

// Why an address of a network is not available to instances.
enum class Reservation { None, Network, Gateway, Vpn, Broadcast };
std::string_view reservationName(Reservation r);

// The fixed IPs of one network. Reserved addresses are never handed out; the others go in
// ascending order from dhcp_start, and a released address is reused before higher ones.
class FixedIpAllocator
{
public:
    explicit FixedIpAllocator(const Network &network);

    // The lowest free address, bound to the instance; nullopt when the network is full.
    std::optional<Ipv4Address> allocate(int instanceId, wb::Trace *trace = nullptr);
    // Frees the instance's address; false when it holds none.
    bool release(int instanceId, wb::Trace *trace = nullptr);

    Reservation reservation(Ipv4Address a) const;
    std::optional<int> holder(Ipv4Address a) const;
    std::optional<Ipv4Address> addressOf(int instanceId) const;
    std::size_t available() const; // addresses still free for instances
    const Network &network() const { return m_network; }

private:
    Network m_network;
    std::map<std::uint32_t, int> m_leases; // address -> instance id
};

// A fixed IP lease as the compute worker receives it in the reply of its rpc.call.
struct FixedIpLease
{
    Ipv4Address address;
    const Network *network = nullptr;
};

// The network controller of one deployment: its networks and their allocators. Projects map
// to networks in creation order (the first project gets the first network), which is how
// VlanManager associated a project with its VLAN.
class NetworkController
{
public:
    NetworkController(NetworkManagerKind kind, std::vector<Network> networks);

    NetworkManagerKind kind() const { return m_kind; }
    const std::vector<Network> &networks() const { return m_networks; }

    // Throws std::runtime_error ("no fixed IP left in ...") when the project's network is full:
    // on the bus this is the failure a RemoteError carries back to the caller.
    FixedIpLease allocateFixedIp(const std::string &project, int instanceId,
                                 wb::Trace *trace = nullptr);
    bool releaseFixedIp(int instanceId, wb::Trace *trace = nullptr);
    const FixedIpAllocator &allocator(std::size_t networkIndex) const;

private:
    std::size_t networkFor(const std::string &project);

    NetworkManagerKind m_kind;
    std::vector<Network> m_networks;
    std::vector<FixedIpAllocator> m_allocators;
    std::map<std::string, std::size_t> m_projectNetwork;
};

} // namespace wb::nova
