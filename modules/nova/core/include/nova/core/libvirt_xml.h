#pragma once
// The libvirt domain definition the 2011 driver (`to_xml()` in virt/libvirt_conn.py) rendered
// for an instance. The defaults reproduce the recorded instance-00000001: qemu, 512 MiB
// (524288 KiB), one vCPU, kernel + ramdisk + qcow2 disk under the instances path, bridge
// br100, filter parameters for 10.0.0.0/27, the pty /dev/pts/2 the template carried as text.
//
// One departure from the 2011 text, so that libvirt keeps every parameter: RASERVER is
// written without the prefix length the template appended ("fe80::...:58f5", not ".../64").
// libvirt's schema (nwfilter_params.rng) allows only [a-zA-Z0-9_.:] in a filter parameter
// value, and its parser skips a parameter with any other character without a word.

#include "nova/core/instance.h"
#include "nova/core/network.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

inline constexpr const char *kRecordedInstancesPath = "/opt/novascript/trunk/nova/..//instances";
inline constexpr const char *kRecordedHostMac = "12:31:39:04:58:f5";

struct DomainSpec
{
    std::string libvirtType = "qemu";
    std::string name = "instance-00000001";
    std::uint64_t memoryKib = 524288;
    int vcpus = 1;
    std::string basePath = std::string(kRecordedInstancesPath) + "/instance-00000001";
    std::string bridge = "br100";
    std::string mac = "02:16:3e:17:35:39";
    std::string ip = "10.0.0.3";
    std::string dhcpServer = "10.0.0.1";
    std::string raServer = "fe80::1031:39ff:fe04:58f5"; // written as libvirt accepts it
    int raServerPrefix = 64;                            // what the 2011 template appended
    std::string projectNet = "10.0.0.0";
    std::string projectMask = "255.255.255.224";
    std::string projectNetV6 = "fd00::";
    std::string projectMaskV6 = "64";
    std::string ptyPath = "/dev/pts/2";
    bool withComments = false; // the template's two XML comments (virtio, serial order)
};

// The spec for an instance on its network. hostBridgeMac is the MAC of the host NIC the
// bridge inherits; RASERVER is its link-local address.
DomainSpec domainSpecFor(const Instance &instance, const Network &network,
                         const MacAddress &hostBridgeMac,
                         const std::string &instancesPath = kRecordedInstancesPath);

// The XML text, indented and quoted exactly as the recorded listing (RASERVER as above).
std::string toDomainXml(const DomainSpec &spec, wb::Trace *trace = nullptr);

// The RASERVER parameter line as the 2011 template wrote it (value with "/64").
std::string raServerParameter2011(const DomainSpec &spec);
// Characters libvirt allows in a filter parameter value (nwfilter_params.rng, libvirt 9).
bool isLibvirtFilterValue(std::string_view value);

// Why libvirt refuses `mac` for a guest NIC ("" when it is usable): a MAC whose first octet
// has the low (group) bit set is a multicast address, which no interface may own.
std::string macProblem(const MacAddress &mac);
// Why Nova would not give `ip` to an instance of `network` ("" when it could): the network,
// gateway, VPN (VlanManager) and broadcast addresses are never handed out.
std::string fixedIpProblem(const Network &network, Ipv4Address ip);

// One element of the XML with what it means, for the view's tooltips.
struct XmlAnnotation
{
    std::string element;
    std::string value;
    std::string meaning;
};
std::vector<XmlAnnotation> annotateDomain(const DomainSpec &spec);

} // namespace wb::nova
