#include "nova/core/libvirt_xml.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"

#include <cctype>
#include <sstream>

namespace wb::nova {

DomainSpec domainSpecFor(const Instance &instance, const Network &network,
                         const MacAddress &hostBridgeMac, const std::string &instancesPath)
{
    DomainSpec s;
    s.name = instance.name();
    s.memoryKib = static_cast<std::uint64_t>(instance.type.memoryMb) * 1024;
    s.vcpus = instance.type.vcpus;
    s.basePath = instancesPath + "/" + s.name;
    s.bridge = network.bridge;
    if (instance.mac)
        s.mac = instance.mac->toString();
    if (instance.fixedIp)
        s.ip = instance.fixedIp->toString();
    s.dhcpServer = network.gateway.toString();
    s.raServer = linkLocalV6(hostBridgeMac);
    s.projectNet = network.cidr.base.toString();
    s.projectMask = network.netmask.toString();
    return s;
}

std::string toDomainXml(const DomainSpec &s, wb::Trace *trace)
{
    // Quote styles and indentation follow the recorded listing, which mixed ' and ".
    const std::string i1(4, ' '), i2(8, ' '), i3(12, ' '), i4(16, ' ');
    std::ostringstream x;
    x << "<domain type='" << s.libvirtType << "'>\n"
      << i1 << "<name>" << s.name << "</name>\n"
      << i1 << "<memory>" << s.memoryKib << "</memory>\n"
      << i1 << "<os>\n"
      << i2 << "<type>hvm</type>\n"
      << i2 << "<kernel>" << s.basePath << "/kernel</kernel>\n"
      << i2 << "<cmdline>root=/dev/vda console=ttyS0</cmdline>\n"
      << i2 << "<initrd>" << s.basePath << "/ramdisk</initrd>\n"
      << i1 << "</os>\n"
      << i1 << "<features>\n"
      << i2 << "<acpi/>\n"
      << i1 << "</features>\n"
      << i1 << "<vcpu>" << s.vcpus << "</vcpu>\n"
      << i1 << "<devices>\n"
      << i2 << "<disk type='file'>\n"
      << i3 << "<driver type='qcow2'/>\n"
      << i3 << "<source file='" << s.basePath << "/disk'/>\n"
      << i3 << "<target dev='vda' bus='virtio'/>\n"
      << i2 << "</disk>\n"
      << i2 << "<interface type='bridge'>\n"
      << i3 << "<source bridge='" << s.bridge << "'/>\n"
      << i3 << "<mac address='" << s.mac << "'/>\n";
    if (s.withComments)
        x << i3 << "<!-- virtio networking is not usable yet: <model type='virtio'/> -->\n";
    x << i3 << "<filterref filter=\"nova-instance-" << s.name << "\">\n";
    const std::pair<const char *, const std::string *> params[] = {
        {"IP", &s.ip},
        {"DHCPSERVER", &s.dhcpServer},
        {"RASERVER", &s.raServer},
        {"PROJNET", &s.projectNet},
        {"PROJMASK", &s.projectMask},
        {"PROJNETV6", &s.projectNetV6},
        {"PROJMASKV6", &s.projectMaskV6}};
    for (const auto &[name, value] : params)
        x << i4 << "<parameter name=\"" << name << "\" value=\"" << *value << "\" />\n";
    x << i3 << "</filterref>\n" << i2 << "</interface>\n";
    if (s.withComments)
        x << i2 << "<!-- order matters: the file serial device must come first -->\n";
    x << i2 << "<serial type=\"file\">\n"
      << i3 << "<source path='" << s.basePath << "/console.log'/>\n"
      << i3 << "<target port='1'/>\n"
      << i2 << "</serial>\n"
      << i2 << "<console type='pty' tty='" << s.ptyPath << "'>\n"
      << i3 << "<source path='" << s.ptyPath << "'/>\n"
      << i3 << "<target port='0'/>\n"
      << i2 << "</console>\n"
      << i2 << "<serial type='pty'>\n"
      << i3 << "<source path='" << s.ptyPath << "'/>\n"
      << i3 << "<target port='0'/>\n"
      << i2 << "</serial>\n"
      << i1 << "</devices>\n"
      << "</domain>\n";
    std::string xml = x.str();
    if (trace)
        wb::record(trace,
                   events::LibvirtXml{s.name, s.memoryKib, s.vcpus, s.mac, s.ip, xml.size()},
                   "to_xml() for " + s.name);
    return xml;
}

std::string raServerParameter2011(const DomainSpec &s)
{
    return "<parameter name=\"RASERVER\" value=\"" + s.raServer + "/" +
           std::to_string(s.raServerPrefix) + "\" />";
}

bool isLibvirtFilterValue(std::string_view value)
{
    if (value.empty())
        return false;
    for (const char c : value)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != ':')
            return false;
    return true;
}

std::string macProblem(const MacAddress &mac)
{
    if (mac.bytes[0] & 0x01)
        return "MAC " + mac.toString() +
               " is a multicast address (the low bit of its first "
               "octet is set); libvirt refuses it for a guest NIC, use a unicast MAC such as "
               "02:16:3e:17:35:39";
    return "";
}

std::string fixedIpProblem(const Network &network, Ipv4Address ip)
{
    const FixedIpAllocator allocator(network);
    const Reservation r = allocator.reservation(ip);
    if (r == Reservation::None)
        return "";
    const std::string role = r == Reservation::Vpn ? "VPN" : std::string(reservationName(r));
    return ip.toString() + " is the " + role + " address of the project network " +
           network.cidr.toString() + "; Nova never gives it to an instance (the first one gets " +
           network.dhcpStart.toString() + ")";
}

std::vector<XmlAnnotation> annotateDomain(const DomainSpec &s)
{
    const std::uint64_t mib = s.memoryKib / 1024;
    return {
        {"domain type", s.libvirtType,
         s.libvirtType == "qemu" ? "hypervisor: plain QEMU emulation (KVM would be faster)"
                                 : "hypervisor driver"},
        {"name", s.name, "libvirt domain name: instance id as 8 hex digits"},
        {"memory", std::to_string(s.memoryKib),
         "guest RAM in KiB: " + std::to_string(s.memoryKib) + " KiB = " + std::to_string(mib) +
             " MiB (not kilobytes of RAM)"},
        {"os/type", "hvm", "full virtualization"},
        {"kernel, initrd", s.basePath + "/kernel, /ramdisk",
         "the guest boots a kernel and initial ramdisk kept on the host"},
        {"cmdline", "root=/dev/vda console=ttyS0",
         "root on the first virtio disk, console on the first serial port"},
        {"features", "acpi", "ACPI on, for power management"},
        {"vcpu", std::to_string(s.vcpus), "virtual CPUs"},
        {"disk", "file, qcow2, vda on virtio", "image file on the host in QEMU copy-on-write"},
        {"interface", s.bridge + ", " + s.mac, "NIC attached to the host bridge"},
        {"filterref", "nova-instance-" + s.name,
         "libvirt network filter; IP " + s.ip +
             " is the only source address allowed, "
             "PROJNET/PROJMASK " +
             s.projectNet + "/" + s.projectMask +
             " match -s in the iptables rules, RASERVER is the bridge's link-local address"},
        {"RASERVER", s.raServer,
         "the host bridge's IPv6 link-local address, the router the filter lets advertise. "
         "The 2011 template wrote " +
             raServerParameter2011(s) +
             ": today's libvirt refuses "
             "that value (its schema allows only letters, digits, '_', '.' and ':' in a filter "
             "parameter, so virt-xml-validate fails on the '/') and its parser silently drops "
             "the parameter, leaving the filter without RASERVER. The filter needs only the "
             "address, so it is written without /" +
             std::to_string(s.raServerPrefix)},
        {"serial (file)", s.basePath + "/console.log, port 1",
         "what the guest writes to the port lands in console.log"},
        {"console / serial (pty)", s.ptyPath + ", port 0",
         "pseudo-terminal for `virsh console`; the path was fixed text in the template, "
         "libvirt allocates the real one"},
    };
}

} // namespace wb::nova
