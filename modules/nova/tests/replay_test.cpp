// A launch's trace and a packet walk's trace read back at chosen positions: the instances as
// euca-describe-instances lists them, the state history of the launch in progress, the
// messages on the bus (the sequence diagram's rows), and the rules and chains of the walk.
#include "nova/core/events.h"
#include "nova/core/iptables.h"
#include "nova/core/launch.h"
#include "nova/core/launch_replay.h"
#include "nova/core/walk_replay.h"

#include "messaging/core/broker.h"
#include "workbench/core/cursor.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace wb::nova;
using namespace std::chrono_literals;
namespace msg = wb::messaging;

namespace {

// The first position after the event of `kind` whose field `key` is `value`.
std::size_t after(const wb::Trace &t, std::string_view kind, std::string_view key,
                  std::string_view value)
{
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].kind == kind && t[i].stringField(std::string(key)) == value)
            return i + 1;
    ADD_FAILURE() << "no " << kind << " with " << key << " " << value;
    return t.size();
}

std::vector<std::string> states(const LaunchState &s)
{
    std::vector<std::string> out;
    for (const auto &c : s.history)
        out.push_back(std::string(vmStateName(c.vmState)) + "/" +
                      std::string(taskStateName(c.taskState)));
    return out;
}

Packet packet(const char *src, Proto proto, std::optional<int> dport, ConnState state)
{
    Packet p;
    p.src = Ipv4Address::parse(src).value();
    p.dst = Ipv4Address::parse("10.0.0.3").value();
    p.proto = proto;
    p.dport = dport;
    p.state = state;
    return p;
}

RulesetSpec recordedSpec(bool corrected)
{
    return RulesetSpec::recorded(1, Ipv4Address::parse("10.0.0.3").value(),
                                 Ipv4Network::parse("10.0.0.0/27").value(), corrected);
}

} // namespace

TEST(novaReplay, InstanceNamesReadBackAsIds)
{
    EXPECT_EQ(instanceIdFromName("instance-00000001"), 1);
    EXPECT_EQ(instanceIdFromName("instance-0000000a"), 10);
    EXPECT_EQ(instanceIdFromName(instanceName(300)), 300);
    EXPECT_EQ(instanceIdFromName("instance-"), std::nullopt);
    EXPECT_EQ(instanceIdFromName("instance-zz"), std::nullopt);
    EXPECT_EQ(instanceIdFromName("nothing"), std::nullopt);
}

TEST(novaReplay, LanesAndDriverSteps)
{
    EXPECT_EQ(laneOf("user"), Lane::User);
    EXPECT_EQ(laneOf("compute.host3"), Lane::Compute);
    EXPECT_EQ(laneOf("nova"), std::nullopt);
    EXPECT_TRUE(isDriverMethod("createXML"));
    EXPECT_FALSE(isDriverMethod("schedule"));
    EXPECT_EQ(messageKindName(MessageKind::Driver), "driver");
}

TEST(novaReplay, MessagesOfALaunchAreTheDiagramsRows)
{
    wb::Trace trace;
    LaunchOptions o;
    const LaunchResult r = launchInstance(o, &trace);
    ASSERT_EQ(r.instance.vmState, VmState::Active) << r.error;

    const LaunchMessages m = launchMessages(trace, 0, trace.size() + 10);
    ASSERT_FALSE(m.rows.empty());
    EXPECT_EQ(m.computeHost, r.instance.host);
    // Every numbered step has its row (every component has a lane), in trace order.
    EXPECT_EQ(m.rows.size(), r.steps.size());
    const LaunchMessage &first = m.rows.front();
    EXPECT_EQ(first.kind, MessageKind::Call);
    EXPECT_EQ(first.n, 1);
    EXPECT_EQ(first.from, Lane::User);
    EXPECT_EQ(first.to, Lane::Api);
    EXPECT_EQ(first.method, "run_instances");
    EXPECT_FALSE(first.msgId.empty());
    for (std::size_t i = 1; i < m.rows.size(); ++i)
        EXPECT_LT(m.rows[i - 1].position, m.rows[i].position);
    // The scheduler's cast to the chosen host: step 3, on the host's own topic.
    bool hostCast = false, driver = false;
    for (const auto &row : m.rows) {
        if (row.kind == MessageKind::Cast && row.n == 3) {
            hostCast = true;
            EXPECT_EQ(row.to, Lane::Compute);
            EXPECT_EQ(row.routingKey, "compute." + r.instance.host);
        }
        if (row.kind == MessageKind::Driver) {
            driver = true;
            EXPECT_EQ(row.to, Lane::Libvirt);
            EXPECT_TRUE(isDriverMethod(row.method));
        }
    }
    EXPECT_TRUE(hostCast);
    EXPECT_TRUE(driver);

    // The row at a cursor: none before the first message, the last one at the end.
    EXPECT_EQ(messageBefore(m.rows, 0), -1);
    EXPECT_EQ(messageBefore(m.rows, first.position + 1), 0);
    EXPECT_EQ(messageBefore(m.rows, trace.size()), static_cast<int>(m.rows.size()) - 1);
    // A range that ends before the launch's first message has no rows and no host.
    const LaunchMessages none = launchMessages(trace, 0, first.position);
    EXPECT_TRUE(none.rows.empty());
    EXPECT_TRUE(none.computeHost.empty());
}

TEST(novaReplay, StateAtChosenPositionsOfALaunch)
{
    wb::Trace trace;
    LaunchOptions o;
    const LaunchResult r = launchInstance(o, &trace);
    ASSERT_EQ(r.instance.vmState, VmState::Active) << r.error;
    const std::string name = instanceName(r.instance.id);

    // Before anything: no instance, no history.
    const LaunchState start = launchStateAt(trace, 0);
    EXPECT_TRUE(start.instances.empty());
    EXPECT_TRUE(start.history.empty());

    // Just after the instance was created: building/scheduling, no address, no host.
    const LaunchState created =
        launchStateAt(trace, after(trace, "state", "task_state", "scheduling"));
    EXPECT_EQ(created.launches, 1u);
    ASSERT_EQ(created.instances.size(), 1u);
    const DescribedInstance &c = created.instances.begin()->second;
    EXPECT_EQ(c.id, r.instance.id);
    EXPECT_EQ(c.state, "scheduling");
    EXPECT_TRUE(c.fixedIp.empty());
    EXPECT_TRUE(c.host.empty());
    EXPECT_FALSE(c.active);
    EXPECT_EQ(states(created), (std::vector<std::string>{"building/scheduling"}));

    // After the fixed IP was leased: networking, the host chosen, the address known.
    const LaunchState leased =
        launchStateAt(trace, after(trace, "fixed-ip", "address", r.instance.fixedIp->toString()));
    const DescribedInstance &l = leased.instances.at(r.instance.id);
    EXPECT_EQ(l.state, "networking");
    EXPECT_EQ(l.host, r.instance.host);
    EXPECT_EQ(l.fixedIp, r.instance.fixedIp->toString());

    // At the end: running, and the history is the launch's states.
    const LaunchState end = launchStateAt(trace, trace.size());
    const DescribedInstance &e = end.instances.at(r.instance.id);
    EXPECT_EQ(e.state, "running");
    EXPECT_TRUE(e.active);
    EXPECT_EQ(states(end), (std::vector<std::string>{"building/scheduling", "building/networking",
                                                     "building/block_device_mapping",
                                                     "building/spawning", "active/none"}));
    ASSERT_EQ(end.history.size(), r.states.size());

    // A Replayer seeking back and forth agrees with a replay from the start.
    wb::Replayer<LaunchState> replayer(trace, {}, applyLaunchEvent, 16);
    for (std::size_t p :
         {trace.size(), std::size_t{0}, trace.size() / 2, trace.size() / 3, trace.size() - 1}) {
        const LaunchState &a = replayer.stateAt(p);
        const LaunchState b = launchStateAt(trace, p);
        EXPECT_EQ(a.instances, b.instances) << p;
        EXPECT_EQ(states(a), states(b)) << p;
        EXPECT_EQ(a.launches, b.launches) << p;
    }
}

TEST(novaReplay, ASecondLaunchStartsItsOwnHistory)
{
    msg::Broker broker;
    wb::Trace trace;
    LaunchOptions o;
    o.hosts = 2;
    NovaDeployment d(
        o, [&](const std::string &name) { return broker.connect(name); }, &trace);
    d.start();
    const auto first = d.runInstances();
    ASSERT_TRUE(d.waitFinished(first, 10s));
    const std::size_t between = trace.size();
    const auto second = d.runInstances();
    ASSERT_TRUE(d.waitFinished(second, 10s));
    d.stop();

    const LaunchState atFirstEnd = launchStateAt(trace, between);
    EXPECT_EQ(atFirstEnd.launches, 1u);
    EXPECT_EQ(atFirstEnd.instances.size(), 1u);
    EXPECT_EQ(atFirstEnd.history.size(), 5u);

    // The second request's first message begins a new history; the first instance stays
    // listed, running.
    const LaunchMessages second_ = launchMessages(trace, between, trace.size());
    ASSERT_FALSE(second_.rows.empty());
    const LaunchState begun = launchStateAt(trace, second_.rows.front().position + 1);
    EXPECT_EQ(begun.launches, 2u);
    EXPECT_TRUE(begun.history.empty());
    EXPECT_EQ(begun.instances.at(first).state, "running");

    const LaunchState end = launchStateAt(trace, trace.size());
    EXPECT_EQ(end.instances.size(), 2u);
    EXPECT_EQ(end.instances.at(second).state, "running");
    EXPECT_EQ(end.history.size(), 5u);
    EXPECT_EQ(end.history.back().vmState, VmState::Active);
}

TEST(novaReplay, RefusedListingStopsAtItsLine)
{
    wb::Trace trace;
    const Ruleset rules = buildRuleset(recordedSpec(false));
    walkPacket(rules, packet("10.0.0.5", Proto::Tcp, 22, ConnState::New), &trace);
    ASSERT_FALSE(trace.empty());
    const WalkState first = walkStateAt(trace, 1);
    ASSERT_TRUE(first.refusedLine.has_value());
    EXPECT_GT(*first.refusedLine, 0);
    ASSERT_EQ(first.log.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<events::Load>(first.log.front()));
    EXPECT_FALSE(first.verdict.has_value());

    const WalkState end = walkStateAt(trace, trace.size());
    ASSERT_TRUE(end.verdict.has_value());
    EXPECT_EQ(end.log.size(), trace.size());
}

TEST(novaReplay, WalkThroughTheCorrectedRules)
{
    wb::Trace trace;
    const Ruleset rules = buildRuleset(recordedSpec(true));
    const PacketWalk walk =
        walkPacket(rules, packet("10.0.0.5", Proto::Tcp, 22, ConnState::New), &trace);

    // After the first chain entry: FORWARD on the stack, no rule yet.
    const WalkState entered = walkStateAt(trace, after(trace, "chain", "chain", "FORWARD"));
    EXPECT_EQ(entered.chains, (std::vector<std::string>{"FORWARD"}));
    EXPECT_FALSE(entered.rule.has_value());
    EXPECT_FALSE(entered.refusedLine.has_value());

    // Just after the first rule: that rule is the one being matched.
    std::size_t firstRule = 0;
    while (firstRule < trace.size() && trace[firstRule].kind != "rule")
        ++firstRule;
    ASSERT_LT(firstRule, trace.size());
    const WalkState ruled = walkStateAt(trace, firstRule + 1);
    ASSERT_TRUE(ruled.rule.has_value());
    EXPECT_EQ(ruled.rule->chain, "FORWARD");
    EXPECT_EQ(ruled.rule->ruleNumber, 1);

    // At the end: the verdict, and the walk's rules in the log one for one.
    const WalkState end = walkStateAt(trace, trace.size());
    ASSERT_TRUE(end.verdict.has_value());
    EXPECT_EQ(end.verdict->verdict, std::string(verdictName(walk.verdict)));
    EXPECT_EQ(end.verdict->decidedBy, walk.decidedBy);
    std::size_t rulesLogged = 0;
    for (const auto &entry : end.log)
        rulesLogged += std::holds_alternative<events::Rule>(entry);
    EXPECT_EQ(rulesLogged, walk.steps.size());
    EXPECT_EQ(walkStateAt(trace, 0).log.size(), 0u);
}
