#!/usr/bin/env python3
"""The packet walk against the kernel's netfilter.

Two network namespaces made here, joined by a veth: "outside" sends crafted IPv4 packets
(raw socket, any source address), "host" forwards them with the corrected ruleset of
`workbench-cli nova iptables --corrected` loaded by iptables-restore. For every packet the
rule whose counter moved (iptables-save -c) is the kernel's deciding rule; it must be the
rule `workbench-cli nova packet` names in "decided by:". Packets whose state needs history
(established and related replies) are sent after the packet that opens the connection.

Needs root to make namespaces; fails with a sentence when they cannot be made.
Usage: nova_netfilter_test.py WORKBENCH_CLI
"""

import os
import re
import socket
import struct
import subprocess
import sys
import time

INSTANCE = "10.0.0.3"
PROJECT_NET = "10.0.0.0/27"
GATEWAY = "10.0.0.1"
INSIDE = "10.0.0.5"
OUTSIDE = "192.168.50.10"
ROUTER = "198.51.100.7"


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip_header(src, dst, proto, payload_len):
    # The kernel fills in the header checksum of an IP_HDRINCL packet; the rest is ours.
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0x4E56, 0, 64, proto, 0,
                       socket.inet_aton(src), socket.inet_aton(dst))


def full_ip_header(src, dst, proto, payload_len):
    h = ip_header(src, dst, proto, payload_len)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def pseudo(src, dst, proto, length):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def udp(src, dst, sport, dport, data=b"nova"):
    length = 8 + len(data)
    h = struct.pack("!HHHH", sport, dport, length, 0) + data
    c = checksum(pseudo(src, dst, 17, length) + h) or 0xFFFF
    seg = h[:6] + struct.pack("!H", c) + h[8:]
    return ip_header(src, dst, 17, len(seg)) + seg


TCP_FIN, TCP_SYN, TCP_ACK = 0x01, 0x02, 0x10


def tcp(src, dst, sport, dport, flags, seq=1000, ack=0):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    c = checksum(pseudo(src, dst, 6, len(h)) + h)
    seg = h[:16] + struct.pack("!H", c) + h[18:]
    return ip_header(src, dst, 6, len(seg)) + seg


def icmp(src, dst, type_, code, body=b"\0\x01\0\x01nova"):
    h = struct.pack("!BBH", type_, code, 0) + body
    msg = h[:2] + struct.pack("!H", checksum(h)) + h[4:]
    return ip_header(src, dst, 1, len(msg)) + msg


def icmp_error(src, dst, type_, code, original):
    """An ICMP error quoting `original` (a packet as sent: IP header + first 8 bytes)."""
    inner = full_ip_header(*_addresses(original), original[9], len(original) - 20)
    quoted = inner + original[20:28]
    return icmp(src, dst, type_, code, b"\0\0\0\0" + quoted)


def _addresses(packet):
    return socket.inet_ntoa(packet[12:16]), socket.inet_ntoa(packet[16:20])


def send_here(hex_packet):
    packet = bytes.fromhex(hex_packet)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.sendto(packet, (socket.inet_ntoa(packet[16:20]), 0))
    s.close()


class Failure(Exception):
    pass


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def must(args, **kw):
    r = run(args, **kw)
    if r.returncode != 0:
        raise Failure("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


class Namespaces:
    def __init__(self):
        tag = "%d" % os.getpid()
        self.outside = "nova-out-" + tag
        self.host = "nova-host-" + tag
        self.made = []

    def __enter__(self):
        for ns in (self.outside, self.host):
            r = run(["ip", "netns", "add", ns])
            if r.returncode != 0:
                raise Failure("cannot make network namespace %s (%s); this test needs root "
                              "and a kernel that allows namespaces, as CI has"
                              % (ns, r.stderr.strip()))
            self.made.append(ns)
        o, h = self.outside, self.host
        must(["ip", "-n", o, "link", "add", "name", "veth-out", "type", "veth", "peer", "name",
              "veth-host", "netns", h])
        must(["ip", "-n", o, "addr", "add", "172.31.255.2/29", "dev", "veth-out"])
        must(["ip", "-n", h, "addr", "add", "172.31.255.1/29", "dev", "veth-host"])
        for ns, dev in ((o, "veth-out"), (h, "veth-host")):
            must(["ip", "-n", ns, "link", "set", "lo", "up"])
            must(["ip", "-n", ns, "link", "set", dev, "up"])
        must(["ip", "-n", o, "route", "add", "default", "via", "172.31.255.1"])
        # The host forwards everything back out to a next hop that owns no interface (a
        # permanent neighbour entry): forwarded packets leave and vanish.
        must(["ip", "-n", h, "neigh", "add", "172.31.255.6", "lladdr", "02:00:00:00:00:66",
              "dev", "veth-host", "nud", "permanent"])
        must(["ip", "-n", h, "route", "add", "default", "via", "172.31.255.6"])
        for key, value in (("net.ipv4.ip_forward", "1"),
                           ("net.ipv4.conf.all.rp_filter", "0"),
                           ("net.ipv4.conf.default.rp_filter", "0"),
                           ("net.ipv4.conf.veth-host.rp_filter", "0"),
                           ("net.ipv4.conf.all.send_redirects", "0"),
                           ("net.ipv4.conf.veth-host.send_redirects", "0")):
            must(["ip", "netns", "exec", h, "sysctl", "-q", "-w", "%s=%s" % (key, value)])
        return self

    def __exit__(self, *exc):
        for ns in reversed(self.made):
            run(["ip", "netns", "del", ns])
        return False

    def in_host(self, args, **kw):
        return must(["ip", "netns", "exec", self.host] + args, **kw)

    def send(self, packet):
        must(["ip", "netns", "exec", self.outside, sys.executable, os.path.abspath(__file__),
              "--send", packet.hex()])


SAVE_RULE = re.compile(r"^\[(\d+):(\d+)\] -A (\S+) (.*)$")
SAVE_POLICY = re.compile(r"^:FORWARD (\S+) \[(\d+):(\d+)\]$")


def counters(ns):
    """{(chain, index): (packets, rule)} and the FORWARD policy's packet count."""
    rules, per_chain, policy = {}, {}, None
    for line in ns.in_host(["iptables-save", "-c", "-t", "filter"]).splitlines():
        m = SAVE_RULE.match(line)
        if m:
            chain = m.group(3)
            per_chain[chain] = per_chain.get(chain, 0) + 1
            rules[(chain, per_chain[chain])] = (int(m.group(1)), m.group(4))
            continue
        m = SAVE_POLICY.match(line)
        if m:
            policy = int(m.group(2))
    return rules, policy


def kernel_decision(before, after):
    """The rule whose counter moved and that ends the walk (ACCEPT/DROP), or the policy."""
    moved = [key for key in after[0] if after[0][key][0] != before[0].get(key, (0, ""))[0]]
    if ("FORWARD", 1) not in moved:
        raise Failure("the packet never reached FORWARD (moved: %s)" % moved)
    final = [k for k in moved if re.search(r"-j (ACCEPT|DROP)$", after[0][k][1])]
    if len(final) > 1:
        raise Failure("more than one deciding rule moved: %s" % final)
    if final:
        return final[0], after[0][final[0]][1].rsplit(" ", 1)[1]
    if after[1] is not None and before[1] is not None and after[1] == before[1]:
        raise Failure("no deciding rule and no policy count moved")
    return ("FORWARD", "policy"), "ACCEPT"


def module_rules(cli):
    text = must([cli, "nova", "iptables", "--instance", "1", "--ip", INSTANCE, "--project-net",
                 PROJECT_NET, "--corrected"])
    index, per_chain = {}, {}
    for line in text.splitlines():
        if line.startswith("-A "):
            chain = line.split()[1]
            per_chain[chain] = per_chain.get(chain, 0) + 1
            index[line] = (chain, per_chain[chain])
    return text, index, per_chain


def module_decision(cli, index, args):
    out = must([cli, "nova", "packet", "--instance", "1", "--ip", INSTANCE, "--project-net",
                PROJECT_NET, "--corrected"] + args)
    decided = re.search(r"^decided by: (.*)$", out, re.M).group(1)
    verdict = re.search(r"^verdict: (\S+)$", out, re.M).group(1)
    if decided.startswith("FORWARD policy"):
        return ("FORWARD", "policy"), verdict
    if decided not in index:
        raise Failure("nova packet decided by a rule not in the ruleset: " + decided)
    return index[decided], verdict


def tcp_args(src, dst, dport, state, sport=None):
    a = ["--src", src, "--dst", dst, "--proto", "tcp", "--dport", str(dport), "--state", state]
    return a + (["--sport", str(sport)] if sport is not None else [])


def udp_args(src, dst, sport, dport, state):
    return ["--src", src, "--dst", dst, "--proto", "udp", "--sport", str(sport), "--dport",
            str(dport), "--state", state]


def icmp_args(src, dst, type_, code, state):
    return ["--src", src, "--dst", dst, "--proto", "icmp", "--icmp-type", str(type_),
            "--icmp-code", str(code), "--state", state]


def cases():
    """(what, packet, nova packet arguments with the state conntrack gives it)."""
    dns_out = udp(INSTANCE, OUTSIDE, 5353, 53)
    syn_out = tcp(INSTANCE, OUTSIDE, 50000, 80, TCP_SYN, seq=7000)
    return [
        ("DHCP reply from the gateway (inside)", udp(GATEWAY, INSTANCE, 67, 68),
         udp_args(GATEWAY, INSTANCE, 67, 68, "NEW")),
        ("DHCP reply from a server outside", udp(OUTSIDE, INSTANCE, 67, 68),
         udp_args(OUTSIDE, INSTANCE, 67, 68, "NEW")),
        ("DHCP reply from another inside address", udp(INSIDE, INSTANCE, 67, 68),
         udp_args(INSIDE, INSTANCE, 67, 68, "NEW")),
        ("DHCP reply from the listing's 10.1.3.254", udp("10.1.3.254", INSTANCE, 67, 68),
         udp_args("10.1.3.254", INSTANCE, 67, 68, "NEW")),
        ("SSH from outside", tcp(OUTSIDE, INSTANCE, 40000, 22, TCP_SYN),
         tcp_args(OUTSIDE, INSTANCE, 22, "NEW", 40000)),
        ("SSH from inside", tcp(INSIDE, INSTANCE, 40001, 22, TCP_SYN),
         tcp_args(INSIDE, INSTANCE, 22, "NEW", 40001)),
        ("SSH with a spoofed inside source, sent from outside",
         tcp("10.0.0.30", INSTANCE, 40002, 22, TCP_SYN),
         tcp_args("10.0.0.30", INSTANCE, 22, "NEW", 40002)),
        ("SSH with a spoofed source just past the /27", tcp("10.0.0.32", INSTANCE, 40003, 22,
                                                            TCP_SYN),
         tcp_args("10.0.0.32", INSTANCE, 22, "NEW", 40003)),
        ("SSH spoofing the instance's own address", tcp(INSTANCE, INSTANCE, 40004, 22, TCP_SYN),
         tcp_args(INSTANCE, INSTANCE, 22, "NEW", 40004)),
        ("TCP to port 0 from inside", tcp(INSIDE, INSTANCE, 40005, 0, TCP_SYN),
         tcp_args(INSIDE, INSTANCE, 0, "NEW", 40005)),
        ("SYN+FIN from inside (conntrack: INVALID)", tcp(INSIDE, INSTANCE, 40006, 22,
                                                         TCP_SYN | TCP_FIN),
         tcp_args(INSIDE, INSTANCE, 22, "INVALID", 40006)),
        ("ping from inside", icmp(INSIDE, INSTANCE, 8, 0), icmp_args(INSIDE, INSTANCE, 8, 0, "NEW")),
        ("ping from outside", icmp(OUTSIDE, INSTANCE, 8, 0),
         icmp_args(OUTSIDE, INSTANCE, 8, 0, "NEW")),
        ("ping from the last inside address", icmp("10.0.0.31", INSTANCE, 8, 0),
         icmp_args("10.0.0.31", INSTANCE, 8, 0, "NEW")),
        ("echo request with code 1 from inside", icmp(INSIDE, INSTANCE, 8, 1),
         icmp_args(INSIDE, INSTANCE, 8, 1, "NEW")),
        ("timestamp request from inside", icmp(INSIDE, INSTANCE, 13, 0, b"\0\x02\0\x01" + b"\0" * 12),
         icmp_args(INSIDE, INSTANCE, 13, 0, "NEW")),
        ("unsolicited echo reply (conntrack: INVALID)", icmp(INSIDE, INSTANCE, 0, 0),
         icmp_args(INSIDE, INSTANCE, 0, 0, "INVALID")),
        ("port unreachable quoting nothing known (INVALID)",
         icmp_error(ROUTER, INSTANCE, 3, 3, udp(INSTANCE, "203.0.113.9", 6000, 53)),
         icmp_args(ROUTER, INSTANCE, 3, 3, "INVALID")),
        ("UDP DNS query from inside", udp(INSIDE, INSTANCE, 5000, 53),
         udp_args(INSIDE, INSTANCE, 5000, 53, "NEW")),
        ("UDP DNS query from outside", udp(OUTSIDE, INSTANCE, 5001, 53),
         udp_args(OUTSIDE, INSTANCE, 5001, 53, "NEW")),
        ("the instance's DNS query going out", dns_out,
         udp_args(INSTANCE, OUTSIDE, 5353, 53, "NEW")),
        ("the DNS answer coming back (ESTABLISHED)", udp(OUTSIDE, INSTANCE, 53, 5353),
         udp_args(OUTSIDE, INSTANCE, 53, 5353, "ESTABLISHED")),
        ("port unreachable about the instance's query (RELATED)",
         icmp_error(ROUTER, INSTANCE, 3, 3, dns_out),
         icmp_args(ROUTER, INSTANCE, 3, 3, "RELATED")),
        ("the instance's TCP SYN going out", syn_out,
         tcp_args(INSTANCE, OUTSIDE, 80, "NEW", 50000)),
        ("the SYN-ACK coming back (ESTABLISHED)",
         tcp(OUTSIDE, INSTANCE, 80, 50000, TCP_SYN | TCP_ACK, seq=9000, ack=7001),
         tcp_args(OUTSIDE, INSTANCE, 50000, "ESTABLISHED", 80)),
        ("SSH from outside to another address", tcp(OUTSIDE, "10.0.0.4", 40007, 22, TCP_SYN),
         tcp_args(OUTSIDE, "10.0.0.4", 22, "NEW", 40007)),
    ]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--send":
        send_here(sys.argv[2])
        return 0
    if len(sys.argv) != 2:
        print("usage: nova_netfilter_test.py WORKBENCH_CLI", file=sys.stderr)
        return 2
    cli = sys.argv[1]
    if os.geteuid() != 0:
        print("FAIL: this test makes network namespaces and needs root (CI runs it as root)",
              file=sys.stderr)
        return 1
    rules_text, index, per_chain = module_rules(cli)
    failures = 0
    compared = 0
    try:
        with Namespaces() as ns:
            ns.in_host(["iptables-restore"], input=rules_text)
            loaded, _ = counters(ns)
            kernel_chains = {}
            for chain, _i in loaded:
                kernel_chains[chain] = kernel_chains.get(chain, 0) + 1
            if kernel_chains != per_chain:
                raise Failure("the kernel holds other rules than printed: %s vs %s"
                              % (kernel_chains, per_chain))
            for what, packet, args in cases():
                before = counters(ns)
                ns.send(packet)
                after = before
                for _ in range(50):  # the veth hands packets over at once; allow a little
                    time.sleep(0.01)
                    after = counters(ns)
                    if after[0][("FORWARD", 1)][0] != before[0][("FORWARD", 1)][0]:
                        break
                kernel, kverdict = kernel_decision(before, after)
                module, mverdict = module_decision(cli, index, args)
                compared += 1
                ok = kernel == module and kverdict == mverdict
                failures += not ok
                print("%-4s %-55s kernel %s #%s %s, nova packet %s #%s %s"
                      % ("ok" if ok else "FAIL", what, kernel[0], kernel[1], kverdict,
                         module[0], module[1], mverdict))
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    print("%d packets compared, %d disagreements" % (compared, failures))
    if compared < 20:
        print("FAIL: fewer than 20 packets compared", file=sys.stderr)
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
