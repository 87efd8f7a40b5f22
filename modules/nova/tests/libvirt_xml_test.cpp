// The domain XML of instance-00000001 against the recorded listing, and for other instances.
#include "nova/core/libvirt_xml.h"
#include "recorded_listings.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::nova;

namespace {

// The recorded listing with RASERVER as libvirt keeps it: the one line the module writes
// differently (the 2011 value "fe80::.../64" breaks libvirt's parameter value pattern).
std::string recordedAsLibvirtKeepsIt()
{
    std::string xml = nova_test::kRecordedDomainXml;
    const std::string old = "value=\"fe80::1031:39ff:fe04:58f5/64\"";
    const auto at = xml.find(old);
    if (at != std::string::npos)
        xml.replace(at, old.size(), "value=\"fe80::1031:39ff:fe04:58f5\"");
    return xml;
}

} // namespace

TEST(novaLibvirtXml, DefaultSpecReproducesTheRecordedListing)
{
    wb::Trace trace;
    EXPECT_NE(recordedAsLibvirtKeepsIt(), nova_test::kRecordedDomainXml);
    EXPECT_EQ(toDomainXml(DomainSpec{}, &trace), recordedAsLibvirtKeepsIt());
    // What the 2011 template wrote is the recorded line, verbatim.
    EXPECT_NE(std::string(nova_test::kRecordedDomainXml).find(raServerParameter2011(DomainSpec{})),
              std::string::npos);
    EXPECT_FALSE(isLibvirtFilterValue("fe80::1031:39ff:fe04:58f5/64"));
    EXPECT_TRUE(isLibvirtFilterValue(DomainSpec{}.raServer));
    ASSERT_EQ(trace.size(), 1u);
    EXPECT_EQ(trace[0].kind, "libvirt-xml");
    EXPECT_EQ(trace[0].intField("memory_kib"), 524288);
}

TEST(novaLibvirtXml, SpecDerivedFromInstanceAndNetworkGivesTheSameXml)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    const Network net = createNetworks(req, NetworkManagerKind::Vlan).at(0);
    Instance inst;
    inst.id = 1;
    inst.type = instanceTypeByName("m1.tiny").value();
    inst.fixedIp = Ipv4Address::parse("10.0.0.3");
    inst.mac = MacAddress::parse("02:16:3e:17:35:39");
    const DomainSpec spec = domainSpecFor(inst, net, MacAddress::parse(kRecordedHostMac).value());
    EXPECT_EQ(spec.raServer, "fe80::1031:39ff:fe04:58f5");
    EXPECT_EQ(spec.projectMask, "255.255.255.224");
    EXPECT_EQ(spec.dhcpServer, "10.0.0.1");
    EXPECT_EQ(toDomainXml(spec), recordedAsLibvirtKeepsIt());
}

TEST(novaLibvirtXml, MulticastMacsAndReservedAddressesAreNamed)
{
    EXPECT_NE(macProblem(*MacAddress::parse("ff:ff:ff:ff:ff:ff")).find("multicast"),
              std::string::npos);
    EXPECT_NE(macProblem(*MacAddress::parse("01:00:5e:7f:00:01")).find("multicast"),
              std::string::npos);
    EXPECT_EQ(macProblem(*MacAddress::parse("02:16:3e:17:35:39")), "");
    EXPECT_EQ(macProblem(*MacAddress::parse("fe:ff:ff:ff:ff:ff")), "");
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    const Network vlan = createNetworks(req, NetworkManagerKind::Vlan).at(0);
    const Network flat = createNetworks(req, NetworkManagerKind::Flat).at(0);
    for (const auto &[ip, role] :
         std::vector<std::pair<const char *, const char *>>{{"10.0.0.0", "network"},
                                                            {"10.0.0.1", "gateway"},
                                                            {"10.0.0.2", "VPN"},
                                                            {"10.0.0.31", "broadcast"}})
        EXPECT_NE(fixedIpProblem(vlan, *Ipv4Address::parse(ip)).find(std::string("the ") + role),
                  std::string::npos)
            << ip;
    EXPECT_EQ(fixedIpProblem(vlan, *Ipv4Address::parse("10.0.0.3")), "");
    // The flat managers keep no VPN address.
    EXPECT_EQ(fixedIpProblem(flat, *Ipv4Address::parse("10.0.0.2")), "");
}

TEST(novaLibvirtXml, OtherInstanceChangesNameMemoryAndPaths)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    const Network net = createNetworks(req, NetworkManagerKind::Vlan).at(0);
    Instance inst;
    inst.id = 42;
    inst.type = instanceTypeByName("m1.small").value();
    inst.fixedIp = Ipv4Address::parse("10.0.0.9");
    inst.mac = MacAddress::parse("02:16:3e:aa:bb:cc");
    const std::string xml = toDomainXml(
        domainSpecFor(inst, net, MacAddress::parse(kRecordedHostMac).value(), "/var/nova"));
    EXPECT_NE(xml.find("<name>instance-0000002a</name>"), std::string::npos);
    EXPECT_NE(xml.find("<memory>2097152</memory>"), std::string::npos);
    EXPECT_NE(xml.find("<kernel>/var/nova/instance-0000002a/kernel</kernel>"), std::string::npos);
    EXPECT_NE(xml.find("filter=\"nova-instance-instance-0000002a\""), std::string::npos);
    EXPECT_NE(xml.find("<parameter name=\"IP\" value=\"10.0.0.9\" />"), std::string::npos);
    EXPECT_NE(xml.find("<mac address='02:16:3e:aa:bb:cc'/>"), std::string::npos);
    EXPECT_EQ(xml.find("instance-00000001"), std::string::npos);
}

TEST(novaLibvirtXml, CommentsAndAnnotations)
{
    DomainSpec spec;
    spec.withComments = true;
    const std::string xml = toDomainXml(spec);
    const auto virtio = xml.find("<model type='virtio'/>");
    const auto mac = xml.find("<mac address=");
    const auto order = xml.find("order matters");
    const auto fileSerial = xml.find("<serial type=\"file\">");
    EXPECT_TRUE(mac < virtio && virtio < xml.find("<filterref"));
    EXPECT_TRUE(order < fileSerial && fileSerial != std::string::npos);

    const auto notes = annotateDomain(DomainSpec{});
    bool memorySeen = false;
    for (const auto &a : notes)
        if (a.element == "memory") {
            memorySeen = true;
            EXPECT_NE(a.meaning.find("512 MiB"), std::string::npos);
        }
    EXPECT_TRUE(memorySeen);
}
