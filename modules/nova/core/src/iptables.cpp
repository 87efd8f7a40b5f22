#include "nova/core/iptables.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"

#include <algorithm>
#include <sstream>

namespace wb::nova {

std::string_view protoName(Proto p)
{
    switch (p) {
    case Proto::Any:
        return "all";
    case Proto::Tcp:
        return "tcp";
    case Proto::Udp:
        return "udp";
    case Proto::Icmp:
        return "icmp";
    }
    return "?";
}

std::optional<Proto> parseProto(std::string_view s)
{
    for (auto p : {Proto::Tcp, Proto::Udp, Proto::Icmp})
        if (protoName(p) == s)
            return p;
    return std::nullopt;
}

std::string_view connStateName(ConnState s)
{
    switch (s) {
    case ConnState::New:
        return "NEW";
    case ConnState::Established:
        return "ESTABLISHED";
    case ConnState::Related:
        return "RELATED";
    case ConnState::Invalid:
        return "INVALID";
    }
    return "?";
}

std::optional<ConnState> parseConnState(std::string_view s)
{
    for (auto c : {ConnState::New, ConnState::Established, ConnState::Related, ConnState::Invalid})
        if (connStateName(c) == s)
            return c;
    return std::nullopt;
}

std::string_view verdictName(Verdict v)
{
    return v == Verdict::Accept ? "ACCEPT" : "DROP";
}

bool IcmpTypeMatch::valid() const
{
    return type >= 0 && type <= 255 && (!code || (*code >= 0 && *code <= 255));
}

std::string IcmpTypeMatch::text() const
{
    return std::to_string(type) + (code ? "/" + std::to_string(*code) : "");
}

namespace {

std::string addressText(const Ipv4Network &n)
{
    return n.prefix == 32 ? n.base.toString() : n.toString();
}

std::string targetText(const Rule &r)
{
    switch (r.target) {
    case TargetKind::None:
        return "";
    case TargetKind::Accept:
        return "ACCEPT";
    case TargetKind::Drop:
        return "DROP";
    case TargetKind::Jump:
        return r.jumpChain;
    }
    return "";
}

} // namespace

std::string Rule::text() const
{
    std::ostringstream o;
    o << "-A " << chain;
    const auto proto = [&] {
        if (this->proto != Proto::Any)
            o << " -p " << protoName(this->proto);
    };
    if (protoFirst)
        proto();
    if (source)
        o << " -s " << addressText(*source);
    if (destination)
        o << " -d " << addressText(*destination);
    if (!protoFirst)
        proto();
    if (sport)
        o << " --sport " << *sport;
    if (dport)
        o << " --dport " << *dport;
    if (!states.empty()) {
        o << " -m state --state ";
        for (std::size_t i = 0; i < states.size(); ++i)
            o << (i ? "," : "") << connStateName(states[i]);
    }
    if (multiportDports)
        o << " -m multiport --dports " << multiportDports->from << ':' << multiportDports->to;
    if (icmpType)
        o << " -m icmp --icmp-type " << icmpType->text();
    if (target != TargetKind::None)
        o << " -j " << targetText(*this);
    return o.str();
}

RulesetSpec RulesetSpec::recorded(int instanceId, Ipv4Address ip, Ipv4Network projectNet,
                                  bool corrected)
{
    RulesetSpec s;
    s.instanceId = instanceId;
    s.ip = ip;
    s.projectNet = projectNet;
    s.dhcpServer = projectNet.at(1);
    s.groupRules = {{Proto::Tcp, projectNet, 1, 65535},
                    {Proto::Udp, projectNet, 1, 65535},
                    {Proto::Icmp, projectNet, 1, 65535}};
    s.corrected = corrected;
    return s;
}

std::vector<const Rule *> Ruleset::chainRules(std::string_view chain) const
{
    std::vector<const Rule *> out;
    for (const auto &r : rules)
        if (r.chain == chain)
            out.push_back(&r);
    return out;
}

namespace {

constexpr int kBuiltinChains = 3; // INPUT, FORWARD, OUTPUT

std::string tableText(const Ruleset &rs, bool elided)
{
    std::ostringstream o;
    o << "*filter\n";
    if (elided)
        o << "...\n";
    else
        o << ":INPUT ACCEPT [0:0]\n:FORWARD " << verdictName(rs.forwardPolicy)
          << " [0:0]\n:OUTPUT ACCEPT [0:0]\n";
    for (const auto &c : rs.chains)
        o << ':' << c << " - [0:0]\n";
    for (const auto &r : rs.rules)
        o << r.text() << '\n';
    o << "COMMIT\n";
    return o.str();
}

} // namespace

std::string Ruleset::text() const
{
    return tableText(*this, false);
}

std::string Ruleset::listingText() const
{
    return tableText(*this, true);
}

int Ruleset::lineOf(std::size_t ruleIndex) const
{
    return 1 + kBuiltinChains + static_cast<int>(chains.size()) + static_cast<int>(ruleIndex) + 1;
}

RulesetLoad loadRuleset(const Ruleset &rules)
{
    RulesetLoad load;
    for (std::size_t i = 0; i < rules.rules.size(); ++i) {
        const Rule &r = rules.rules[i];
        // The one rule a generated ruleset can carry that iptables' icmp match refuses: a
        // type or code that does not fit in 8 bits (libxt_icmp parses "type/code" and
        // reports the whole text as an unknown code).
        if (r.icmpType && !r.icmpType->valid()) {
            load.loaded = false;
            load.failedLine = rules.lineOf(i);
            load.failedRule = r.text();
            load.error = r.icmpType->code ? "Unknown ICMP code `" + r.icmpType->text() + "'"
                                          : "Unknown ICMP type `" + r.icmpType->text() + "'";
            return load;
        }
    }
    return load;
}

Ruleset buildRuleset(const RulesetSpec &spec)
{
    const std::string inst = "nova-inst-" + std::to_string(spec.instanceId);
    const std::string sg = "nova-sg-" + std::to_string(spec.securityGroupId);
    const std::string fallback = "nova-ipv4-fallback";
    const auto jump = [](std::string chain, std::string to, std::string note) {
        Rule r;
        r.chain = std::move(chain);
        r.target = TargetKind::Jump;
        r.jumpChain = std::move(to);
        r.note = std::move(note);
        return r;
    };

    Ruleset rs;
    rs.chains = {fallback, "nova-local", inst, sg};

    Rule fallbackDrop;
    fallbackDrop.chain = fallback;
    fallbackDrop.target = TargetKind::Drop;
    fallbackDrop.note = "nothing accepted the packet: drop it";
    rs.rules.push_back(fallbackDrop);
    rs.rules.push_back(jump("FORWARD", "nova-local", "forwarded traffic enters nova-local"));

    Rule toInstance = jump("nova-local", inst, "destination is the instance: its own chain");
    toInstance.destination = Ipv4Network{spec.ip, 32};
    rs.rules.push_back(toInstance);

    Rule invalid;
    invalid.chain = inst;
    invalid.states = {ConnState::Invalid};
    invalid.target = TargetKind::Drop;
    invalid.note = "packets conntrack cannot identify are dropped";
    rs.rules.push_back(invalid);

    Rule established;
    established.chain = inst;
    established.states = {ConnState::Established, ConnState::Related};
    established.target = TargetKind::Accept;
    established.note = "packets of a known connection, or related to one, are accepted";
    rs.rules.push_back(established);

    Rule dhcp;
    dhcp.chain = inst;
    dhcp.proto = Proto::Udp;
    dhcp.sport = 67;
    dhcp.dport = 68;
    if (spec.corrected) {
        dhcp.source = Ipv4Network{spec.dhcpServer, 32};
        dhcp.target = TargetKind::Accept;
        dhcp.note = "DHCP replies from the network's DHCP server are accepted";
    } else {
        dhcp.source = Ipv4Network{*Ipv4Address::parse(kListedDhcpSource), 32};
        dhcp.note = "meant to accept DHCP replies; as listed it has no target (it only counts) "
                    "and names a source that is not the DHCP server";
    }
    const Rule toGroup = jump(inst, sg, "check the security group's rules");
    if (spec.corrected) {
        rs.rules.push_back(dhcp);
        rs.rules.push_back(toGroup);
    } else {
        rs.rules.push_back(toGroup);
        rs.rules.push_back(dhcp);
    }
    rs.rules.push_back(jump(inst, fallback, "nothing matched: the fallback chain"));

    for (const auto &g : spec.groupRules) {
        Rule r;
        r.chain = sg;
        r.proto = g.proto;
        r.protoFirst = true;
        r.source = g.cidr;
        r.target = TargetKind::Accept;
        if (g.proto == Proto::Icmp) {
            // As Nova rendered it: from_port is the ICMP type, to_port the code, -1 = any.
            IcmpTypeMatch m{g.fromPort, std::nullopt};
            if (g.toPort != -1)
                m.code = g.toPort;
            const bool anyType = g.fromPort == -1;
            if (!anyType && !(spec.corrected && !m.valid()))
                r.icmpType = m;
            r.note = r.icmpType && !m.valid()
                         ? "presented as all ICMP; type 1 code 65535 matches nothing"
                         : "ICMP from " + g.cidr.toString();
        } else {
            r.multiportDports = PortRange{g.fromPort, g.toPort};
            r.note = std::string(protoName(g.proto)) + " from " + g.cidr.toString() +
                     " to ports " + std::to_string(g.fromPort) + "-" + std::to_string(g.toPort);
        }
        rs.rules.push_back(r);
    }
    return rs;
}

std::vector<ListingDefect> listingDefects(const RulesetSpec &spec)
{
    RulesetSpec listedSpec = spec;
    listedSpec.corrected = false;
    RulesetSpec fixedSpec = spec;
    fixedSpec.corrected = true;
    const Ruleset listed = buildRuleset(listedSpec);
    const Ruleset fixed = buildRuleset(fixedSpec);
    const auto find = [](const Ruleset &rs, auto pred) -> std::string {
        for (const auto &r : rs.rules)
            if (pred(r))
                return r.text();
        return "";
    };
    const auto isDhcp = [](const Rule &r) {
        return r.sport == 67 && r.dport == 68;
    };
    const std::string dhcpListed = find(listed, isDhcp);
    const std::string dhcpFixed = find(fixed, isDhcp);
    std::vector<ListingDefect> out{
        {"dhcp-no-target", dhcpListed,
         "no -j target: a matching packet is only counted and goes on to the next rule",
         dhcpFixed},
        {"dhcp-source", dhcpListed,
         std::string("source ") + kListedDhcpSource +
             " (the explanation says 10.0.0.254); the "
             "network's DHCP server is " +
             spec.dhcpServer.toString(),
         dhcpFixed},
        {"dhcp-order", dhcpListed,
         "placed after the jump to the security group, not before it as explained: a "
         "mismatch with the text, not a working defect (a packet nova-sg-" +
             std::to_string(spec.securityGroupId) +
             " does not accept returns and reaches this rule)",
         "put the DHCP rule before -j nova-sg-" + std::to_string(spec.securityGroupId)}};
    const auto isBadIcmp = [](const Rule &r) {
        return r.icmpType && !r.icmpType->valid();
    };
    if (const std::string icmp = find(listed, isBadIcmp); !icmp.empty()) {
        const auto isIcmp = [](const Rule &r) {
            return r.proto == Proto::Icmp;
        };
        out.push_back({"icmp-type-range", icmp,
                       "the port range was pasted into --icmp-type: type 1 code 65535 matches "
                       "nothing (codes are 8-bit) and iptables 1.8.9 refuses it with "
                       "\"Unknown ICMP code `1/65535'\", so iptables-restore loads none of the "
                       "table; were it loaded, ping would fall through to the fallback DROP",
                       find(fixed, isIcmp)});
    }
    return out;
}

std::string Packet::describe() const
{
    std::string s = std::string(protoName(proto)) + " " + src.toString();
    if (sport)
        s += ":" + std::to_string(*sport);
    s += " -> " + dst.toString();
    if (proto == Proto::Icmp)
        s += " type " + std::to_string(icmpType) + " code " + std::to_string(icmpCode);
    else if (dport)
        s += ":" + std::to_string(*dport);
    return s + " " + std::string(connStateName(state));
}

namespace {

// Whether the rule's matches all hold; otherwise `reason` names the first that fails.
bool ruleMatches(const Rule &r, const Packet &p, std::string &reason)
{
    if (r.proto != Proto::Any && r.proto != p.proto) {
        reason = "protocol " + std::string(protoName(p.proto)) + " is not " +
                 std::string(protoName(r.proto));
        return false;
    }
    if (r.source && !r.source->contains(p.src)) {
        reason = "source " + p.src.toString() + " is not " + addressText(*r.source);
        return false;
    }
    if (r.destination && !r.destination->contains(p.dst)) {
        reason = "destination " + p.dst.toString() + " is not " + addressText(*r.destination);
        return false;
    }
    if (r.sport && p.sport != r.sport) {
        reason = "source port is not " + std::to_string(*r.sport);
        return false;
    }
    if (r.dport && p.dport != r.dport) {
        reason = "destination port is not " + std::to_string(*r.dport);
        return false;
    }
    if (!r.states.empty() &&
        std::find(r.states.begin(), r.states.end(), p.state) == r.states.end()) {
        reason = "state " + std::string(connStateName(p.state)) + " is not listed";
        return false;
    }
    if (r.multiportDports) {
        const int port = p.dport.value_or(0);
        if (port < r.multiportDports->from || port > r.multiportDports->to) {
            reason = "destination port " + std::to_string(port) + " is outside " +
                     std::to_string(r.multiportDports->from) + ":" +
                     std::to_string(r.multiportDports->to);
            return false;
        }
    }
    if (r.icmpType) {
        if (!r.icmpType->valid()) {
            reason = "ICMP type/code " + r.icmpType->text() +
                     " cannot occur (codes are 8-bit): the rule matches nothing";
            return false;
        }
        if (p.icmpType != r.icmpType->type ||
            (r.icmpType->code && p.icmpCode != *r.icmpType->code)) {
            reason = "ICMP type/code " + std::to_string(p.icmpType) + "/" +
                     std::to_string(p.icmpCode) + " is not " + r.icmpType->text();
            return false;
        }
    }
    reason = "all matches hold";
    return true;
}

} // namespace

PacketWalk walkPacket(const Ruleset &loaded, const Packet &packet, wb::Trace *trace)
{
    PacketWalk walk;
    walk.load = loadRuleset(loaded);
    // What the kernel holds: the ruleset, or, when it did not load, the table before it.
    Ruleset before;
    before.forwardPolicy = loaded.forwardPolicy;
    const Ruleset &rules = walk.load.loaded ? loaded : before;
    if (!walk.load.loaded) {
        const std::string why =
            walk.load.error + ", error at line " + std::to_string(walk.load.failedLine) + " (" +
            walk.load.failedRule +
            "); it loads a table all or nothing, so none of this ruleset is in the kernel: "
            "the host keeps its previous filter table (here a fresh host's, FORWARD empty "
            "with policy " +
            std::string(verdictName(loaded.forwardPolicy)) +
            ") and no nova chain filters the instance";
        walk.steps.push_back({"iptables-restore", 0, "", false, "not-loaded", why});
        if (trace)
            wb::record(trace,
                       events::Load{false, walk.load.failedLine, walk.load.failedRule,
                                    walk.load.error, why},
                       "the ruleset failed to load at line " +
                           std::to_string(walk.load.failedLine));
    }
    struct Frame
    {
        std::string chain;
        std::vector<const Rule *> rules;
        std::size_t next = 0;
    };
    std::vector<Frame> stack;
    const auto enter = [&](const std::string &chain) {
        stack.push_back({chain, rules.chainRules(chain), 0});
        if (trace)
            wb::record(trace, events::Chain{chain, static_cast<std::int64_t>(stack.size())},
                       "enter " + chain);
    };
    const auto finish = [&](Verdict v, std::string decidedBy) {
        walk.verdict = v;
        walk.decidedBy = std::move(decidedBy);
        if (trace)
            wb::record(
                trace,
                events::Verdict{std::string(verdictName(v)), walk.decidedBy, packet.describe()},
                "verdict: " + std::string(verdictName(v)));
        return walk;
    };

    // Jumps form a tree in generated rulesets; the bound only guards hand-made loops.
    constexpr std::size_t kMaxDepth = 32;
    enter("FORWARD");
    while (!stack.empty()) {
        Frame &f = stack.back();
        if (f.next == f.rules.size()) {
            const std::string chain = f.chain;
            stack.pop_back();
            if (stack.empty()) {
                const std::string policy = std::string(verdictName(rules.forwardPolicy));
                walk.steps.push_back({chain, 0, "", false, "policy",
                                      "end of FORWARD: the chain's policy " + policy +
                                          " (built-in default; the listing elides it)"});
                if (trace)
                    wb::record(trace, events::Return{chain, "policy", std::nullopt},
                               "end of FORWARD: policy " + policy);
                return finish(rules.forwardPolicy,
                              "FORWARD policy " + policy +
                                  (walk.load.loaded ? "" : " (the ruleset did not load)"));
            }
            walk.steps.push_back({chain, 0, "", false, "return",
                                  "end of " + chain + ": back to " + stack.back().chain});
            if (trace)
                wb::record(trace, events::Return{chain, "return", stack.back().chain},
                           "end of " + chain + ", back to " + stack.back().chain);
            continue;
        }
        const Rule &r = *f.rules[f.next];
        const int number = static_cast<int>(++f.next);
        WalkStep step{f.chain, number, r.text(), false, "continue", ""};
        step.matched = ruleMatches(r, packet, step.reason);
        if (step.matched) {
            switch (r.target) {
            case TargetKind::None:
                step.action = "count";
                step.reason += "; no target: counted, the walk goes on";
                break;
            case TargetKind::Accept:
                step.action = "ACCEPT";
                break;
            case TargetKind::Drop:
                step.action = "DROP";
                break;
            case TargetKind::Jump:
                step.action = "jump";
                break;
            }
        }
        walk.steps.push_back(step);
        if (trace)
            wb::record(trace,
                       events::Rule{step.chain, number, step.ruleText, step.matched, step.action,
                                    step.reason},
                       step.ruleText + (step.matched ? "  => " + step.action : "  (no)"));
        if (!step.matched)
            continue;
        if (r.target == TargetKind::Accept)
            return finish(Verdict::Accept, step.ruleText);
        if (r.target == TargetKind::Drop)
            return finish(Verdict::Drop, step.ruleText);
        if (r.target == TargetKind::Jump) {
            if (stack.size() >= kMaxDepth)
                return finish(Verdict::Drop, "jump depth limit (a loop in the ruleset)");
            enter(r.jumpChain);
        }
    }
    return finish(Verdict::Drop, "unreachable");
}

} // namespace wb::nova
