// The launch over the embedded broker: the numbered flow, the states, NoValidHost, the first
// instance's address and MAC, seeded placement, a clean stop.
#include "nova/core/launch.h"
#include "nova/core/rpc.h"

#include "messaging/core/broker.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <sys/wait.h>

namespace {

using namespace wb::nova;
namespace msg = wb::messaging;
using namespace std::chrono_literals;

std::vector<std::pair<std::string, std::string>> stateNames(const std::vector<StateChange> &s)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto &c : s)
        out.emplace_back(vmStateName(c.vmState), taskStateName(c.taskState));
    return out;
}

const LaunchStep *find(const std::vector<LaunchStep> &steps, const std::string &kind,
                       const std::string &method, const std::string &from)
{
    for (const auto &s : steps)
        if (s.kind == kind && s.method == method && s.from == from)
            return &s;
    return nullptr;
}

} // namespace

TEST(novaLaunch, FollowsTheNumberedFlowAndTheStates)
{
    wb::Trace trace;
    LaunchOptions o;
    const LaunchResult r = launchInstance(o, &trace);
    ASSERT_TRUE(r.finished) << r.error;
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.instance.vmState, VmState::Active);
    EXPECT_TRUE(r.instance.launchedAtNs.has_value());

    const std::vector<std::pair<std::string, std::string>> expected{
        {"building", "scheduling"},
        {"building", "networking"},
        {"building", "block_device_mapping"},
        {"building", "spawning"},
        {"active", "none"}};
    EXPECT_EQ(stateNames(r.states), expected);

    const auto &s = r.steps;
    const std::string compute = "compute." + r.instance.host;
    // The arrows of the tutorial's overview, each with its number and routing key.
    struct Want
    {
        int n;
        std::string kind, method, from, to, key;
    };
    const std::vector<Want> wants{
        {1, "call", "run_instances", "user", "api", "api"},
        {1, "call", "run_instances", "api", "cloud", "cloud"},
        {2, "cast", "run_instance", "cloud", "scheduler", "scheduler"},
        {3, "cast", "run_instance", "scheduler", compute, compute},
        {4, "local", "run_instance", compute, compute, compute},
        {5, "call", "allocate_fixed_ip", compute, "network", "network"},
        {6, "local", "allocate_fixed_ip", "network", "network", "network"},
        {7, "reply", "allocate_fixed_ip", "network", compute, ""},
        {8, "local", "fixed_ip", compute, compute, compute},
        {9, "local", "createXML", compute, compute, compute},
    };
    std::uint64_t lastSeq = 0;
    for (const auto &w : wants) {
        const LaunchStep *step = find(s, w.kind, w.method, w.from);
        ASSERT_NE(step, nullptr) << w.kind << " " << w.method << " from " << w.from;
        EXPECT_EQ(step->n, w.n) << w.method;
        EXPECT_EQ(step->to, w.to) << w.method;
        if (!w.key.empty()) {
            EXPECT_EQ(step->routingKey, w.key) << w.method;
        }
        // Steps 2..9 happen one after the other in time.
        if (w.n >= 2) {
            EXPECT_GT(step->seq, lastSeq) << w.method;
            lastSeq = step->seq;
        }
    }
    // The call's reply goes to the private reply exchange named by the call's msg_id.
    const LaunchStep *call = find(s, "call", "allocate_fixed_ip", compute);
    const LaunchStep *reply = find(s, "reply", "allocate_fixed_ip", "network");
    EXPECT_EQ(reply->msgId, call->msgId);
    EXPECT_EQ(reply->routingKey, call->msgId);
    // The replies to the two run_instances calls come back (step 1).
    EXPECT_NE(find(s, "reply", "run_instances", "cloud"), nullptr);
    EXPECT_NE(find(s, "reply", "run_instances", "api"), nullptr);
    // Listed by step number.
    EXPECT_TRUE(std::is_sorted(
        s.begin(), s.end(), [](const LaunchStep &a, const LaunchStep &b) { return a.n < b.n; }));
    // Casts carry no msg_id.
    for (const auto &step : s)
        if (step.kind == "cast") {
            EXPECT_EQ(step.msgId, "");
        }

    // The trace has the state events too, in order.
    std::vector<std::string> traced;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (trace[i].kind == "state")
            traced.push_back(trace[i].stringField("task_state"));
    EXPECT_EQ(traced, (std::vector<std::string>{"scheduling", "networking", "block_device_mapping",
                                                "spawning", "none"}));
}

TEST(novaLaunch, FirstInstanceGetsTheFirstAddressAndANovaMac)
{
    const LaunchResult r = launchInstance({});
    ASSERT_EQ(r.instance.vmState, VmState::Active) << r.error;
    EXPECT_EQ(r.instance.name(), "instance-00000001");
    ASSERT_TRUE(r.instance.fixedIp);
    EXPECT_EQ(r.instance.fixedIp->toString(), "10.0.0.3");
    ASSERT_TRUE(r.instance.mac);
    EXPECT_EQ(r.instance.mac->toString().rfind("02:16:3e:", 0), 0u);
    EXPECT_EQ(r.instance.hostname, "i-00000001");
    // The spawn used them.
    EXPECT_NE(r.domainXml.find("<name>instance-00000001</name>"), std::string::npos);
    EXPECT_NE(r.domainXml.find("<parameter name=\"IP\" value=\"10.0.0.3\" />"), std::string::npos);
    EXPECT_NE(r.domainXml.find("<mac address='" + r.instance.mac->toString() + "'/>"),
              std::string::npos);
    EXPECT_NE(r.ruleset.find("-A nova-local -d 10.0.0.3 -j nova-inst-1"), std::string::npos);
}

TEST(novaLaunch, NoValidHostWhenAllHostsAreFull)
{
    LaunchOptions o;
    o.scheduler = SchedulerKind::Simple;
    o.hostTable = defaultHosts(3);
    for (auto &h : o.hostTable)
        h.usedVcpus = 16; // max_cores reached everywhere
    wb::Trace trace;
    const LaunchResult r = launchInstance(o, &trace);
    ASSERT_TRUE(r.finished) << r.error;
    EXPECT_EQ(r.instance.vmState, VmState::Error);
    EXPECT_EQ(r.instance.taskState, TaskState::None);
    EXPECT_NE(r.error.find("NoValidHost"), std::string::npos) << r.error;
    EXPECT_EQ(stateNames(r.states), (std::vector<std::pair<std::string, std::string>>{
                                        {"building", "scheduling"}, {"error", "none"}}));
    // No cast to a compute host, no fixed IP.
    for (const auto &s : r.steps)
        EXPECT_NE(s.routingKey.rfind("compute.", 0), 0u) << s.method;
    EXPECT_FALSE(r.instance.fixedIp);
}

TEST(novaLaunch, ChanceOnFullHostsIsRefusedByTheComputeWorker)
{
    LaunchOptions o;
    o.hostTable = defaultHosts(2);
    for (auto &h : o.hostTable)
        h.usedVcpus = h.vcpus;
    const LaunchResult r = launchInstance(o);
    ASSERT_TRUE(r.finished) << r.error;
    EXPECT_EQ(r.instance.vmState, VmState::Error);
    EXPECT_NE(r.error.find("no room"), std::string::npos) << r.error;
}

TEST(novaLaunch, NetworkFailureComesBackAsRemoteError)
{
    LaunchOptions o;
    o.failNetwork = true;
    const LaunchResult r = launchInstance(o);
    ASSERT_TRUE(r.finished) << r.error;
    EXPECT_EQ(r.instance.vmState, VmState::Error);
    EXPECT_NE(r.error.find("NetworkError"), std::string::npos) << r.error;
    EXPECT_EQ(stateNames(r.states).back(), (std::pair<std::string, std::string>{"error", "none"}));
}

TEST(novaLaunch, RefusedRequestsComeBackToTheUser)
{
    LaunchOptions badType;
    badType.instanceType = "m1.huge";
    LaunchResult r = launchInstance(badType);
    EXPECT_NE(r.error.find("InstanceTypeNotFound"), std::string::npos) << r.error;

    LaunchOptions noQuota;
    noQuota.quotaInstances = 0;
    r = launchInstance(noQuota);
    EXPECT_NE(r.error.find("QuotaError"), std::string::npos) << r.error;

    LaunchOptions stranger;
    stranger.user = "mallory";
    r = launchInstance(stranger);
    EXPECT_NE(r.error.find("NotAuthorized"), std::string::npos) << r.error;
}

TEST(novaLaunch, SeededRunsPlaceTheSame)
{
    std::set<std::string> seen;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        LaunchOptions o;
        o.hosts = 5;
        o.seed = seed;
        const LaunchResult a = launchInstance(o);
        const LaunchResult b = launchInstance(o);
        ASSERT_EQ(a.instance.vmState, VmState::Active) << a.error;
        EXPECT_EQ(a.instance.host, b.instance.host) << "seed " << seed;
        EXPECT_EQ(a.instance.mac, b.instance.mac) << "seed " << seed;
        seen.insert(a.instance.host);
    }
    EXPECT_GT(seen.size(), 1u); // the seed does steer the choice
    for (const auto kind : {SchedulerKind::Zone, SchedulerKind::Simple}) {
        LaunchOptions o;
        o.scheduler = kind;
        const LaunchResult r = launchInstance(o);
        EXPECT_EQ(r.instance.vmState, VmState::Active) << r.error;
    }
}

TEST(novaLaunch, ComponentsStopCleanly)
{
    msg::Broker broker;
    wb::Trace trace;
    LaunchOptions o;
    o.hosts = 2;
    NovaDeployment d(
        o, [&](const std::string &name) { return broker.connect(name); }, &trace);
    d.start();
    EXPECT_TRUE(d.running());
    EXPECT_EQ(d.components(), (std::vector<std::string>{"api", "cloud", "scheduler", "network",
                                                        "compute.host1", "compute.host2"}));
    EXPECT_EQ(broker.listQueues().size(), 6u);
    const auto id = d.runInstances();
    EXPECT_TRUE(d.waitFinished(id, 10s));
    EXPECT_EQ(d.instance(id).vmState, VmState::Active);
    const auto t0 = std::chrono::steady_clock::now();
    d.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    EXPECT_FALSE(d.running());
    // Every queue went with its consumer; nothing is left behind.
    EXPECT_TRUE(broker.listQueues().empty());
    d.stop(); // twice is harmless
}

TEST(novaLaunch, StopsWhileACallIsWaiting)
{
    // A compute worker whose network controller never answers: the stop ends the wait.
    msg::Broker broker;
    wb::Trace trace;
    LaunchOptions o;
    o.hosts = 1;
    o.rpcTimeout = 30s;
    NovaDeployment d(
        o, [&](const std::string &name) { return broker.connect(name); }, &trace);
    d.start();
    // Take the network queue away, so allocate_fixed_ip is never consumed.
    {
        auto conn = broker.connect("saboteur");
        auto ch = conn->openChannel();
        ch->queueUnbind("network", kControlExchange, "network");
    }
    const auto id = d.runInstances();
    EXPECT_FALSE(d.waitFinished(id, 300ms));
    EXPECT_EQ(d.instance(id).taskState, TaskState::Networking);
    const auto t0 = std::chrono::steady_clock::now();
    d.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
}

TEST(novaLaunch, EveryMsgIdIsAVersion4UuidAndASeedRepeatsThem)
{
    const auto ids = [](std::uint64_t seed) {
        LaunchOptions o;
        o.seed = seed;
        const LaunchResult r = launchInstance(o);
        EXPECT_TRUE(r.finished) << r.error;
        std::vector<std::string> calls; // one id per call; its reply carries the same
        for (const auto &s : r.steps) {
            if (!s.msgId.empty())
                EXPECT_TRUE(isUuid4Hex(s.msgId)) << s.kind << " " << s.method << " " << s.msgId;
            if (s.kind == "call" && !s.msgId.empty())
                calls.push_back(s.msgId);
        }
        return calls;
    };
    const auto first = ids(5);
    ASSERT_GE(first.size(), 3u); // run_instances, the cloud call, allocate_fixed_ip
    for (const auto &id : first)
        EXPECT_TRUE(isUuid4Hex(id)) << id;
    EXPECT_EQ(ids(5), first);
    EXPECT_NE(ids(6), first);
    EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());

    // Python's uuid module, the one Nova called, agrees that each is a version-4 UUID.
    std::string command = "python3 -c 'import sys, uuid\n"
                          "for a in sys.argv[1:]:\n"
                          "    u = uuid.UUID(hex=a)\n"
                          "    assert u.version == 4 and u.variant == uuid.RFC_4122, a\n"
                          "    assert u.hex == a, a\n"
                          "print(len(sys.argv) - 1)'";
    for (const auto &id : first)
        command += " " + id;
    FILE *pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::array<char, 64> buf{};
    std::string out;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
        out.append(buf.data(), n);
    const int status = pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    EXPECT_EQ(out, std::to_string(first.size()) + "\n");

    // A known answer: bits forced as RFC 4122 says, whatever the generator gives.
    wb::Rng rng(1);
    const std::string id = uuid4Hex(rng);
    EXPECT_TRUE(isUuid4Hex(id)) << id;
    EXPECT_FALSE(isUuid4Hex("6ba7b8109dad11d180b400c04fd430c8")); // a version-1 UUID
    EXPECT_FALSE(isUuid4Hex("6ba7b810-9dad-41d1-80b4-00c04fd430c8"));
}

// Each leg and local step points at the line of the component that did it: the scheduler's
// cast in launch_scheduler.cpp, the compute worker's call to the network in
// launch_compute.cpp, the network's allocation in launch_network.cpp; and the location
// survives the trip from a component in its own process.
TEST(novaLaunch, EveryStepPointsAtTheComponentLineThatDidIt)
{
    wb::Trace trace;
    const LaunchResult r = launchInstance(LaunchOptions{}, &trace);
    ASSERT_TRUE(r.finished) << r.error;
    auto fileOf = [&](const std::string &kind, const std::string &method,
                      const std::string &from = {}) -> std::string {
        for (std::size_t i = 0; i < trace.size(); ++i)
            if (trace[i].kind == kind && trace[i].stringField("method") == method &&
                (from.empty() || trace[i].stringField("from") == from)) {
                EXPECT_GT(trace[i].where.line, 0u) << kind << " " << method;
                return std::string(trace[i].where.fileName());
            }
        ADD_FAILURE() << "no " << kind << " " << method;
        return {};
    };
    EXPECT_EQ(fileOf("cast", "run_instance", "cloud"), "launch_api.cpp");
    EXPECT_EQ(fileOf("cast", "run_instance", "scheduler"), "launch_scheduler.cpp");
    EXPECT_EQ(fileOf("call", "allocate_fixed_ip"), "launch_compute.cpp");
    EXPECT_EQ(fileOf("local", "allocate_fixed_ip"), "launch_network.cpp");
    EXPECT_EQ(fileOf("local", "schedule"), "launch_scheduler.cpp");
    EXPECT_EQ(fileOf("local", "createXML"), "launch_compute.cpp");
    EXPECT_EQ(fileOf("local", "check_quota"), "launch_api.cpp");
    // No two different steps share one line, as they did when every leg was stamped where
    // the trace was written.
    std::set<std::pair<std::string, std::uint32_t>> lines;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (trace[i].kind == "local")
            lines.emplace(std::string(trace[i].where.fileName()), trace[i].where.line);
    EXPECT_GE(lines.size(), 8u);

    const wb::Event *sample = nullptr;
    for (std::size_t i = 0; i < trace.size() && !sample; ++i)
        if (trace[i].kind == "local" && trace[i].stringField("method") == "schedule")
            sample = &trace[i];
    ASSERT_NE(sample, nullptr);
    const auto back = decodeEvent(encodeEvent(*sample));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->where.fileName(), "launch_scheduler.cpp");
    EXPECT_EQ(back->where.line, sample->where.line);
}
