// The filter rules of nova-launch.md §8: the listing, its defects, the corrected ruleset and
// packet walks through both.
#include "nova/core/iptables.h"
#include "recorded_listings.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::nova;

namespace {

Ipv4Address ip(const char *s)
{
    return Ipv4Address::parse(s).value();
}

RulesetSpec recordedSpec(bool corrected)
{
    return RulesetSpec::recorded(1, ip("10.0.0.3"), Ipv4Network::parse("10.0.0.0/27").value(),
                                 corrected);
}

// The listing with its ICMP rule made loadable (all ICMP from the network, as meant), so the
// DHCP defects can be walked: the listing itself never reaches the kernel.
RulesetSpec loadableListedSpec()
{
    RulesetSpec s = recordedSpec(false);
    s.groupRules[2].fromPort = -1;
    s.groupRules[2].toPort = -1;
    return s;
}

Packet packet(const char *src, Proto proto, std::optional<int> dport, ConnState state,
              std::optional<int> sport = std::nullopt, const char *dst = "10.0.0.3")
{
    Packet p;
    p.src = ip(src);
    p.dst = ip(dst);
    p.proto = proto;
    p.dport = dport;
    p.sport = sport;
    p.state = state;
    return p;
}

struct Case
{
    const char *name;
    Packet packet;
    Verdict listed; // the listing with a loadable ICMP rule
    Verdict corrected;
};

} // namespace

TEST(novaIptables, RecordedSpecReproducesTheListingVerbatim)
{
    EXPECT_EQ(buildRuleset(recordedSpec(false)).listingText(), nova_test::kRecordedFilterTable);
}

TEST(novaIptables, CorrectedRulesetFixesDhcpAndIcmp)
{
    const Ruleset rs = buildRuleset(recordedSpec(true));
    const auto inst = rs.chainRules("nova-inst-1");
    ASSERT_EQ(inst.size(), 5u);
    EXPECT_EQ(inst[0]->text(), "-A nova-inst-1 -m state --state INVALID -j DROP");
    EXPECT_EQ(inst[1]->text(), "-A nova-inst-1 -m state --state ESTABLISHED,RELATED -j ACCEPT");
    EXPECT_EQ(inst[2]->text(),
              "-A nova-inst-1 -s 10.0.0.1 -p udp --sport 67 --dport 68 -j ACCEPT");
    EXPECT_EQ(inst[3]->text(), "-A nova-inst-1 -j nova-sg-1");
    EXPECT_EQ(inst[4]->text(), "-A nova-inst-1 -j nova-ipv4-fallback");
    const auto sg = rs.chainRules("nova-sg-1");
    ASSERT_EQ(sg.size(), 3u);
    EXPECT_EQ(sg[2]->text(), "-A nova-sg-1 -p icmp -s 10.0.0.0/27 -j ACCEPT");
    EXPECT_EQ(rs.chains, (std::vector<std::string>{"nova-ipv4-fallback", "nova-local",
                                                   "nova-inst-1", "nova-sg-1"}));
}

TEST(novaIptables, OtherInstancesGetTheirOwnChains)
{
    const auto spec =
        RulesetSpec::recorded(7, ip("10.0.0.40"), Ipv4Network::parse("10.0.0.32/27").value());
    const std::string text = buildRuleset(spec).text();
    EXPECT_NE(text.find(":nova-inst-7 - [0:0]"), std::string::npos);
    EXPECT_NE(text.find("-A nova-local -d 10.0.0.40 -j nova-inst-7"), std::string::npos);
    EXPECT_NE(text.find("-A nova-sg-1 -p tcp -s 10.0.0.32/27 -m multiport --dports 1:65535"),
              std::string::npos);
    auto fixed = spec;
    fixed.corrected = true;
    EXPECT_NE(buildRuleset(fixed).text().find("-s 10.0.0.33 -p udp --sport 67 --dport 68 -j "
                                              "ACCEPT"),
              std::string::npos);
}

TEST(novaIptables, ListingDefectsNameTheFourProblems)
{
    const auto defects = listingDefects(recordedSpec(false));
    std::vector<std::string> ids;
    for (const auto &d : defects)
        ids.push_back(d.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"dhcp-no-target", "dhcp-source", "dhcp-order",
                                             "icmp-type-range"}));
    EXPECT_EQ(defects[0].rule, "-A nova-inst-1 -s 10.1.3.254 -p udp --sport 67 --dport 68");
    EXPECT_NE(defects[1].problem.find("10.0.0.1"), std::string::npos);
    EXPECT_EQ(defects[3].rule,
              "-A nova-sg-1 -p icmp -s 10.0.0.0/27 -m icmp --icmp-type 1/65535 -j ACCEPT");
    EXPECT_EQ(defects[3].fix, "-A nova-sg-1 -p icmp -s 10.0.0.0/27 -j ACCEPT");
    EXPECT_NE(defects[3].problem.find("Unknown ICMP code `1/65535'"), std::string::npos);
}

TEST(novaPacketWalk, VerdictTableOnListedAndCorrectedRulesets)
{
    const auto A = Verdict::Accept, D = Verdict::Drop;
    const auto tcp = Proto::Tcp, udp = Proto::Udp, icmp = Proto::Icmp;
    const auto NEW = ConnState::New, EST = ConnState::Established, REL = ConnState::Related,
               INV = ConnState::Invalid;
    const std::vector<Case> cases{
        {"ssh from inside the /27", packet("10.0.0.5", tcp, 22, NEW), A, A},
        {"ssh from outside", packet("192.168.1.10", tcp, 22, NEW), D, D},
        {"established from outside", packet("192.168.1.10", tcp, 22, EST), A, A},
        {"related icmp from outside", packet("192.168.1.10", icmp, {}, REL), A, A},
        {"invalid from inside", packet("10.0.0.5", tcp, 22, INV), D, D},
        {"invalid established-looking udp", packet("10.0.0.5", udp, 53, INV), D, D},
        {"udp dns from inside", packet("10.0.0.5", udp, 53, NEW), A, A},
        {"udp from outside", packet("172.16.0.1", udp, 53, NEW), D, D},
        {"ping from inside", packet("10.0.0.5", icmp, {}, NEW), A, A},
        {"ping from outside", packet("8.8.8.8", icmp, {}, NEW), D, D},
        {"tcp port 0 from inside", packet("10.0.0.5", tcp, 0, NEW), D, D},
        {"last address of the /27", packet("10.0.0.31", tcp, 80, NEW), A, A},
        {"first address after the /27", packet("10.0.0.32", tcp, 80, NEW), D, D},
        {"dhcp reply from the gateway", packet("10.0.0.1", udp, 68, NEW, 67), A, A},
        {"dhcp from the listed source", packet("10.1.3.254", udp, 68, NEW, 67), D, D},
        {"dhcp from the explained source", packet("10.0.0.254", udp, 68, NEW, 67), D, D},
    };
    const Ruleset tutorial = buildRuleset(recordedSpec(false));
    const Ruleset listed = buildRuleset(loadableListedSpec());
    const Ruleset fixed = buildRuleset(recordedSpec(true));
    ASSERT_TRUE(loadRuleset(listed).loaded);
    ASSERT_TRUE(loadRuleset(fixed).loaded);
    for (const auto &c : cases) {
        EXPECT_EQ(walkPacket(listed, c.packet).verdict, c.listed) << "listed: " << c.name;
        EXPECT_EQ(walkPacket(fixed, c.packet).verdict, c.corrected) << "corrected: " << c.name;
        // The tutorial's ruleset never loads: nothing filters, FORWARD's policy decides.
        const auto t = walkPacket(tutorial, c.packet);
        EXPECT_EQ(t.verdict, Verdict::Accept) << "tutorial: " << c.name;
        EXPECT_EQ(t.decidedBy, "FORWARD policy ACCEPT (the ruleset did not load)") << c.name;
    }
}

TEST(novaPacketWalk, SshFromInsideFollowsTheTutorialsPath)
{
    wb::Trace trace;
    const auto walk = walkPacket(buildRuleset(loadableListedSpec()),
                                 packet("10.0.0.5", Proto::Tcp, 22, ConnState::New), &trace);
    std::vector<std::string> path;
    for (const auto &s : walk.steps)
        path.push_back(s.chain + "#" + std::to_string(s.ruleNumber) + ":" + s.action);
    EXPECT_EQ(path, (std::vector<std::string>{"FORWARD#1:jump", "nova-local#1:jump",
                                              "nova-inst-1#1:continue", "nova-inst-1#2:continue",
                                              "nova-inst-1#3:jump", "nova-sg-1#1:ACCEPT"}));
    EXPECT_EQ(walk.decidedBy,
              "-A nova-sg-1 -p tcp -s 10.0.0.0/27 -m multiport --dports 1:65535 -j ACCEPT");

    // One "rule" event per rule visited, chain entries, and the verdict last.
    std::size_t rules = 0, chains = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        rules += trace[i].kind == "rule";
        chains += trace[i].kind == "chain";
    }
    EXPECT_EQ(rules, walk.steps.size());
    EXPECT_EQ(chains, 4u);
    EXPECT_EQ(trace[trace.size() - 1].kind, "verdict");
    EXPECT_EQ(trace[trace.size() - 1].stringField("verdict"), "ACCEPT");
}

TEST(novaPacketWalk, OutsideSourceReturnsFromTheGroupAndFallsBack)
{
    const auto walk = walkPacket(buildRuleset(loadableListedSpec()),
                                 packet("192.168.1.10", Proto::Tcp, 22, ConnState::New));
    ASSERT_GE(walk.steps.size(), 3u);
    const auto &ret = walk.steps[walk.steps.size() - 4];
    EXPECT_EQ(ret.chain, "nova-sg-1");
    EXPECT_EQ(ret.action, "return");
    EXPECT_EQ(walk.steps[walk.steps.size() - 3].ruleText,
              "-A nova-inst-1 -s 10.1.3.254 -p udp --sport 67 --dport 68");
    EXPECT_EQ(walk.steps[walk.steps.size() - 2].action, "jump");
    EXPECT_EQ(walk.steps.back().chain, "nova-ipv4-fallback");
    EXPECT_EQ(walk.decidedBy, "-A nova-ipv4-fallback -j DROP");
}

TEST(novaPacketWalk, ListedDhcpRuleOnlyCountsAndWrongPlaceMatters)
{
    // From its own listed source the DHCP rule matches, counts, and the walk goes on to DROP.
    const auto walk = walkPacket(buildRuleset(loadableListedSpec()),
                                 packet("10.1.3.254", Proto::Udp, 68, ConnState::New, 67));
    bool counted = false;
    for (const auto &s : walk.steps)
        counted |= s.matched && s.action == "count";
    EXPECT_TRUE(counted);
    EXPECT_EQ(walk.verdict, Verdict::Drop);

    // With a security group that allows nothing, only the corrected DHCP rule lets the reply in.
    auto spec = recordedSpec(false);
    spec.groupRules.clear();
    const Packet reply = packet("10.0.0.1", Proto::Udp, 68, ConnState::New, 67);
    EXPECT_EQ(walkPacket(buildRuleset(spec), reply).verdict, Verdict::Drop);
    spec.corrected = true;
    const auto fixedWalk = walkPacket(buildRuleset(spec), reply);
    EXPECT_EQ(fixedWalk.verdict, Verdict::Accept);
    EXPECT_EQ(fixedWalk.decidedBy,
              "-A nova-inst-1 -s 10.0.0.1 -p udp --sport 67 --dport 68 -j ACCEPT");
}

TEST(novaPacketWalk, TutorialsRulesetFailsToLoadAtTheIcmpRule)
{
    const Ruleset rs = buildRuleset(recordedSpec(false));
    const RulesetLoad load = loadRuleset(rs);
    EXPECT_FALSE(load.loaded);
    // *filter, 3 built-in and 4 user chains, then the rules: the ICMP rule is the 11th.
    EXPECT_EQ(load.failedLine, 19);
    EXPECT_EQ(load.failedRule,
              "-A nova-sg-1 -p icmp -s 10.0.0.0/27 -m icmp --icmp-type 1/65535 -j ACCEPT");
    EXPECT_EQ(load.error, "Unknown ICMP code `1/65535'");
    // The line number is that of the printed text.
    std::vector<std::string> lines;
    std::string line;
    for (char ch : rs.text()) {
        if (ch == '\n') {
            lines.push_back(line);
            line.clear();
        } else {
            line += ch;
        }
    }
    ASSERT_GE(lines.size(), 19u);
    EXPECT_EQ(lines[18], load.failedRule);
    for (std::size_t i = 0; i < rs.rules.size(); ++i)
        EXPECT_EQ(lines[static_cast<std::size_t>(rs.lineOf(i) - 1)], rs.rules[i].text());

    wb::Trace trace;
    const auto walk = walkPacket(rs, packet("10.0.0.5", Proto::Icmp, {}, ConnState::New), &trace);
    ASSERT_FALSE(walk.steps.empty());
    EXPECT_EQ(walk.steps.front().action, "not-loaded");
    EXPECT_NE(walk.steps.front().reason.find("line 19"), std::string::npos);
    EXPECT_EQ(walk.steps.back().action, "policy");
    EXPECT_EQ(walk.verdict, Verdict::Accept);
    ASSERT_GE(trace.size(), 1u);
    EXPECT_EQ(trace[0].kind, "load");
    EXPECT_EQ(trace[0].intField("line"), 19);
    // No rule of the ruleset was visited.
    for (std::size_t i = 0; i < trace.size(); ++i)
        EXPECT_NE(trace[i].kind, "rule");
}

TEST(novaPacketWalk, IcmpTypeAndCodeDecideAGroupRuleWithAType)
{
    auto spec = recordedSpec(true);
    spec.groupRules[2].fromPort = 8; // echo request, any code
    spec.groupRules[2].toPort = -1;
    const Ruleset rs = buildRuleset(spec);
    ASSERT_TRUE(loadRuleset(rs).loaded);
    Packet p = packet("10.0.0.5", Proto::Icmp, {}, ConnState::New);
    p.icmpType = 8;
    p.icmpCode = 3;
    EXPECT_EQ(walkPacket(rs, p).verdict, Verdict::Accept);
    p.icmpType = 13; // timestamp request
    p.icmpCode = 0;
    const auto walk = walkPacket(rs, p);
    EXPECT_EQ(walk.verdict, Verdict::Drop);
    EXPECT_EQ(walk.decidedBy, "-A nova-ipv4-fallback -j DROP");
    spec.groupRules[2].toPort = 0; // type 8 code 0 only
    p.icmpType = 8;
    p.icmpCode = 1;
    EXPECT_EQ(walkPacket(buildRuleset(spec), p).verdict, Verdict::Drop);
}

TEST(novaPacketWalk, SourceRulesTrustTheAddressAndOtherDestinationsHitThePolicy)
{
    // A forged inside source from anywhere is accepted: the rules only see the address.
    const Ruleset rs = buildRuleset(recordedSpec(true));
    EXPECT_EQ(walkPacket(rs, packet("10.0.0.7", Proto::Tcp, 3306, ConnState::New)).verdict,
              Verdict::Accept);
    // Not for this instance: nova-local does not match, FORWARD ends, its policy decides.
    const auto other =
        walkPacket(rs, packet("192.168.1.10", Proto::Tcp, 22, ConnState::New, {}, "10.0.0.4"));
    EXPECT_EQ(other.verdict, Verdict::Accept);
    EXPECT_EQ(other.steps.back().action, "policy");
    EXPECT_EQ(other.decidedBy, "FORWARD policy ACCEPT");
}

TEST(novaIptables, ParsesProtocolsAndStates)
{
    EXPECT_EQ(parseProto("icmp"), Proto::Icmp);
    EXPECT_FALSE(parseProto("sctp"));
    EXPECT_FALSE(parseProto("TCP"));
    EXPECT_EQ(parseConnState("RELATED"), ConnState::Related);
    EXPECT_FALSE(parseConnState("new"));
}
