// Addresses, `network create` carving, fixed IP allocation and the managers (nova-sh.md §8,
// nova-launch.md §6-7).
#include "nova/core/network.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <set>

using namespace wb::nova;

namespace {

Ipv4Address ip(const char *s)
{
    return Ipv4Address::parse(s).value();
}

Network recordedNetwork(NetworkManagerKind kind = NetworkManagerKind::Vlan)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    return createNetworks(req, kind).at(0);
}

} // namespace

TEST(novaAddr, ParsesAndPrintsDottedQuads)
{
    EXPECT_EQ(ip("10.0.0.3").value, 0x0a000003u);
    EXPECT_EQ(ip("255.255.255.224").toString(), "255.255.255.224");
    for (const char *bad : {"", "10.0.0", "10.0.0.256", "10.0.0.3.4", "10.0.0.-1", "a.b.c.d",
                            "10..0.3", "010.0.0.3", "10.0.0.3 "})
        EXPECT_FALSE(Ipv4Address::parse(bad)) << bad;
}

TEST(novaAddr, CidrRejectsHostBitsAndBadPrefixes)
{
    auto net = Ipv4Network::parse("10.0.0.0/27").value();
    EXPECT_EQ(net.size(), 32u);
    EXPECT_EQ(net.netmask().toString(), "255.255.255.224");
    EXPECT_EQ(net.broadcast().toString(), "10.0.0.31");
    EXPECT_TRUE(net.contains(ip("10.0.0.31")));
    EXPECT_FALSE(net.contains(ip("10.0.0.32")));
    for (const char *bad :
         {"10.0.0.3/27", "10.0.0.0/33", "10.0.0.0", "10.0.0.0/", "/24", "10.0.0.0/2x"})
        EXPECT_FALSE(Ipv4Network::parse(bad)) << bad;
    EXPECT_EQ(Ipv4Network::parse("0.0.0.0/0").value().size(), 1ull << 32);
}

TEST(novaAddr, MacParseGenerateAndDerivedNames)
{
    EXPECT_EQ(MacAddress::parse("02:16:3E:17:35:39").value().toString(), "02:16:3e:17:35:39");
    for (const char *bad :
         {"02:16:3e:17:35", "02-16-3e-17-35-39", "02:16:3e:17:35:3g", "02:16:3e:17:35:390"})
        EXPECT_FALSE(MacAddress::parse(bad)) << bad;

    const auto host = MacAddress::parse("12:31:39:04:58:f5").value();
    EXPECT_EQ(linkLocalV6(host), "fe80::1031:39ff:fe04:58f5"); // RASERVER and vlan100's inet6
    EXPECT_EQ(ec2HostName(host), "domU-12-31-39-04-58-F5");

    wb::Rng a(42), b(42), c(43);
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const auto m = generateInstanceMac(a);
        EXPECT_EQ(m.toString().substr(0, 9), "02:16:3e:");
        EXPECT_EQ(m, generateInstanceMac(b)); // same seed, same MACs
        seen.insert(m.toString());
    }
    EXPECT_GT(seen.size(), 45u);
    wb::Rng a2(42);
    EXPECT_NE(generateInstanceMac(a2), generateInstanceMac(c));
}

TEST(novaNetworkCreate, PrivateSlash24OneNetworkOf32IsTheRecordedNetwork)
{
    wb::Trace trace;
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    const auto nets = createNetworks(req, NetworkManagerKind::Vlan, &trace);
    ASSERT_EQ(nets.size(), 1u);
    const Network &n = nets[0];
    EXPECT_EQ(n.label, "private");
    EXPECT_EQ(n.cidr.toString(), "10.0.0.0/27");
    EXPECT_EQ(n.gateway.toString(), "10.0.0.1");
    EXPECT_EQ(n.broadcast.toString(), "10.0.0.31");
    EXPECT_EQ(n.netmask.toString(), "255.255.255.224");
    EXPECT_EQ(n.vpnAddress.value().toString(), "10.0.0.2");
    EXPECT_EQ(n.dhcpStart.toString(), "10.0.0.3");
    EXPECT_EQ(n.vlan.value(), 100);
    EXPECT_EQ(n.bridge, "br100");
    ASSERT_EQ(trace.size(), 1u);
    EXPECT_EQ(trace[0].kind, "network-create");
    EXPECT_EQ(trace[0].stringField("cidr"), "10.0.0.0/27");
}

TEST(novaNetworkCreate, SeveralNetworksTakeConsecutiveBlocksAndVlans)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    req.numNetworks = 3;
    req.networkSize = 64;
    const auto nets = createNetworks(req, NetworkManagerKind::Vlan);
    ASSERT_EQ(nets.size(), 3u);
    EXPECT_EQ(nets[1].cidr.toString(), "10.0.0.64/26");
    EXPECT_EQ(nets[1].gateway.toString(), "10.0.0.65");
    EXPECT_EQ(nets[1].broadcast.toString(), "10.0.0.127");
    EXPECT_EQ(nets[2].vlan.value(), 102);
    EXPECT_EQ(nets[2].bridge, "br102");
}

TEST(novaNetworkCreate, FlatManagersShareBr100WithoutVlanOrVpn)
{
    for (auto kind : {NetworkManagerKind::Flat, NetworkManagerKind::FlatDhcp}) {
        const Network n = recordedNetwork(kind);
        EXPECT_EQ(n.bridge, "br100");
        EXPECT_FALSE(n.vlan);
        EXPECT_FALSE(n.vpnAddress);
        EXPECT_EQ(n.dhcpStart.toString(), "10.0.0.2");
    }
    EXPECT_TRUE(managerTraits(NetworkManagerKind::Flat).injectsNetworkConfig);
    EXPECT_FALSE(managerTraits(NetworkManagerKind::Flat).runsDhcp);
    EXPECT_TRUE(managerTraits(NetworkManagerKind::FlatDhcp).runsDhcp);
    EXPECT_TRUE(managerTraits(NetworkManagerKind::FlatDhcp).usesFlatInterface);
    EXPECT_TRUE(managerTraits(NetworkManagerKind::Vlan).vlanPerProject);
    EXPECT_EQ(parseManagerName("FlatDHCPManager"), NetworkManagerKind::FlatDhcp);
    EXPECT_FALSE(parseManagerName("flatmanager"));
}

TEST(novaNetworkCreate, RejectsSizesThatAreNotPowersOfTwoOrDoNotFit)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    req.networkSize = 33;
    EXPECT_THROW(createNetworks(req, NetworkManagerKind::Vlan), std::invalid_argument);
    req.networkSize = 2;
    EXPECT_THROW(createNetworks(req, NetworkManagerKind::Vlan), std::invalid_argument);
    req.networkSize = 32;
    req.numNetworks = 9; // 9 x 32 > 256
    EXPECT_THROW(createNetworks(req, NetworkManagerKind::Vlan), std::invalid_argument);
    req.numNetworks = 8;
    EXPECT_EQ(createNetworks(req, NetworkManagerKind::Vlan).back().cidr.toString(),
              "10.0.0.224/27");
}

TEST(novaFixedIpAllocator, ReservesNetworkGatewayVpnBroadcastAndStartsAtDotThree)
{
    FixedIpAllocator alloc(recordedNetwork());
    EXPECT_EQ(alloc.reservation(ip("10.0.0.0")), Reservation::Network);
    EXPECT_EQ(alloc.reservation(ip("10.0.0.1")), Reservation::Gateway);
    EXPECT_EQ(alloc.reservation(ip("10.0.0.2")), Reservation::Vpn);
    EXPECT_EQ(alloc.reservation(ip("10.0.0.31")), Reservation::Broadcast);
    EXPECT_EQ(alloc.reservation(ip("10.0.0.3")), Reservation::None);
    EXPECT_EQ(alloc.available(), 28u); // .3 .. .30

    wb::Trace trace;
    EXPECT_EQ(alloc.allocate(1, &trace).value().toString(), "10.0.0.3");
    EXPECT_EQ(alloc.allocate(1).value().toString(), "10.0.0.3"); // idempotent per instance
    EXPECT_EQ(alloc.allocate(2).value().toString(), "10.0.0.4");
    EXPECT_EQ(alloc.holder(ip("10.0.0.4")).value(), 2);
    EXPECT_EQ(trace[0].kind, "fixed-ip");
    EXPECT_EQ(trace[0].stringField("address"), "10.0.0.3");

    EXPECT_TRUE(alloc.release(1));
    EXPECT_FALSE(alloc.release(1));
    EXPECT_EQ(alloc.allocate(3).value().toString(), "10.0.0.3"); // lowest free again
}

TEST(novaFixedIpAllocator, ExhaustsAfterTheLastUsableAddress)
{
    FixedIpAllocator alloc(recordedNetwork());
    std::optional<Ipv4Address> last;
    for (int id = 1; id <= 28; ++id)
        last = alloc.allocate(id);
    EXPECT_EQ(last.value().toString(), "10.0.0.30");
    EXPECT_EQ(alloc.available(), 0u);
    EXPECT_FALSE(alloc.allocate(29));
}

TEST(novaNetworkController, VlanGivesEachProjectItsOwnNetwork)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    req.numNetworks = 2;
    NetworkController ctl(NetworkManagerKind::Vlan, createNetworks(req, NetworkManagerKind::Vlan));
    const auto a = ctl.allocateFixedIp("admin", 1);
    const auto b = ctl.allocateFixedIp("demo", 2);
    EXPECT_EQ(a.address.toString(), "10.0.0.3");
    EXPECT_EQ(a.network->bridge, "br100");
    EXPECT_EQ(b.address.toString(), "10.0.0.35");
    EXPECT_EQ(b.network->bridge, "br101");
    EXPECT_THROW(ctl.allocateFixedIp("third", 3), std::runtime_error);
    EXPECT_TRUE(ctl.releaseFixedIp(2));
}

TEST(novaNetworkController, FullNetworkFailsTheCall)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    req.networkSize = 4; // .0 net, .1 gateway, .2 vpn, .3 broadcast: nothing left
    NetworkController ctl(NetworkManagerKind::Vlan, createNetworks(req, NetworkManagerKind::Vlan));
    EXPECT_THROW(ctl.allocateFixedIp("admin", 1), std::runtime_error);
}
