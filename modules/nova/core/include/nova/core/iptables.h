#pragma once
// The filter rules IptablesFirewallDriver.apply_ruleset() wrote for an instance, and a packet
// walk through them.
//
// Two rulesets come from one spec: the listing as recorded (with its defects: a DHCP rule
// without a target, from the wrong source, after the security-group jump; an ICMP rule with
// the port range pasted into --icmp-type 1/65535) and a corrected one. walkPacket() follows
// a packet from FORWARD rule by rule, as the kernel would, to ACCEPT or DROP; nothing here
// touches the host's tables.
//
// iptables-restore loads a table all or nothing: one rule it cannot parse and it exits
// non-zero having changed nothing. The recorded listing has such a rule (--icmp-type
// 1/65535), so loadRuleset() says where the load stops and walkPacket() then walks the table
// the host is left with, not the rules that were never loaded.
//
//     auto rules = buildRuleset(RulesetSpec::recorded(1, ip, projectNet));
//     auto walk = walkPacket(rules, packet, &trace); // one "rule" event per rule visited

#include "nova/core/addr.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

enum class Proto { Any, Tcp, Udp, Icmp };
enum class ConnState { New, Established, Related, Invalid };
enum class TargetKind { None, Accept, Drop, Jump };
enum class Verdict { Accept, Drop };

std::string_view protoName(Proto p);                         // "tcp", "udp", "icmp", "all"
std::optional<Proto> parseProto(std::string_view s);         // tcp|udp|icmp
std::string_view connStateName(ConnState s);                 // "NEW", ...
std::optional<ConnState> parseConnState(std::string_view s); // NEW|ESTABLISHED|...
std::string_view verdictName(Verdict v);                     // "ACCEPT" | "DROP"

struct PortRange
{
    int from = 1;
    int to = 65535;
};

// `-m icmp --icmp-type TYPE[/CODE]`. Types and codes are 8-bit; a value above 255 cannot
// match any packet (and iptables 1.8.9 refuses to load such a rule).
struct IcmpTypeMatch
{
    int type = 0;
    std::optional<int> code;
    bool valid() const;
    std::string text() const;
};

struct Rule
{
    std::string chain;
    std::optional<Ipv4Network> source;
    std::optional<Ipv4Network> destination;
    Proto proto = Proto::Any;
    bool protoFirst = false; // Nova's group rules printed -p before -s
    std::optional<int> sport;
    std::optional<int> dport;
    std::vector<ConnState> states; // -m state --state A,B
    std::optional<PortRange> multiportDports;
    std::optional<IcmpTypeMatch> icmpType;
    TargetKind target = TargetKind::None;
    std::string jumpChain;
    std::string note; // why the rule is there, or what is wrong with it

    std::string text() const; // "-A nova-inst-1 -m state --state INVALID -j DROP"
};

// A security-group rule as Nova stored it: for ICMP, fromPort/toPort are the ICMP type and
// code (-1 = any), which is how a 1..65535 port range became --icmp-type 1/65535.
struct SecurityGroupRule
{
    Proto proto = Proto::Tcp;
    Ipv4Network cidr;
    int fromPort = 1;
    int toPort = 65535;
};

struct RulesetSpec
{
    int instanceId = 1;
    Ipv4Address ip;
    Ipv4Network projectNet;
    Ipv4Address dhcpServer; // the network's gateway
    int securityGroupId = 1;
    std::vector<SecurityGroupRule> groupRules;
    bool corrected = false;

    // The recorded run: tcp, udp and icmp, each "1..65535" from the project network;
    // dhcpServer = projectNet + 1.
    static RulesetSpec recorded(int instanceId, Ipv4Address ip, Ipv4Network projectNet,
                                bool corrected = false);
};

// The source the recorded listing's DHCP rule carried.
inline constexpr const char *kListedDhcpSource = "10.1.3.254";

struct Ruleset
{
    std::vector<std::string> chains;         // user chains, in declaration order
    std::vector<Rule> rules;                 // in the order iptables-save lists them
    Verdict forwardPolicy = Verdict::Accept; // built-in default; the listing elides it

    std::vector<const Rule *> chainRules(std::string_view chain) const;
    // iptables-save form, which `iptables-restore` reads: "*filter", the built-in chains
    // with their policies, the user chains, the rules in order, "COMMIT".
    std::string text() const;
    // The recorded listing's shortened form: "..." in place of the built-in chains.
    std::string listingText() const;
    // 1-based line of rules[ruleIndex] in text().
    int lineOf(std::size_t ruleIndex) const;
};

// What `iptables-restore` makes of text(): all of it, or (loaded == false) none of it,
// stopping at the first rule it cannot parse.
struct RulesetLoad
{
    bool loaded = true;
    int failedLine = 0;     // 1-based line of text(), as "Error occurred at line: N"
    std::string failedRule; // that line
    std::string error;      // iptables' message, e.g. "Unknown ICMP code `1/65535'"
};
RulesetLoad loadRuleset(const Ruleset &rules);

Ruleset buildRuleset(const RulesetSpec &spec);

struct ListingDefect
{
    std::string id;   // "dhcp-no-target", "dhcp-source", "dhcp-order", "icmp-type-range"
    std::string rule; // the rule as listed
    std::string problem;
    std::string fix;
};
std::vector<ListingDefect> listingDefects(const RulesetSpec &spec);

struct Packet
{
    Ipv4Address src;
    Ipv4Address dst;
    Proto proto = Proto::Tcp;
    std::optional<int> sport;
    std::optional<int> dport;
    int icmpType = 8; // echo request; 0-255
    int icmpCode = 0; // 0-255
    ConnState state = ConnState::New;

    std::string describe() const; // "tcp 10.0.0.5 -> 10.0.0.3:22 NEW"
};

struct WalkStep
{
    std::string chain;
    int ruleNumber = 0;   // 1-based within the chain; 0 for a chain's end (return/policy)
    std::string ruleText; // empty at a chain's end
    bool matched = false;
    std::string action; // "continue", "jump", "ACCEPT", "DROP", "count", "return", "policy"
    std::string reason;
};

struct PacketWalk
{
    RulesetLoad load; // when !load.loaded the walk went through the table left
    std::vector<WalkStep> steps;
    Verdict verdict = Verdict::Drop;
    std::string decidedBy; // the rule (or policy) that decided
};

// Walks the packet from FORWARD. Every rule visited and every chain end is one WalkStep and,
// with a trace, one event ("chain", "rule", "return", "verdict"). A ruleset that does not
// load gives first a step (action "not-loaded", chain "iptables-restore") and a "load"
// event; the walk then goes through the filter table as it was before the load: a fresh
// host's, FORWARD empty with its policy.
PacketWalk walkPacket(const Ruleset &rules, const Packet &packet, wb::Trace *trace = nullptr);

} // namespace wb::nova
