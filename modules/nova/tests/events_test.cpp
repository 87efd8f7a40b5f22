// The nova module's events as declared in events.h: every event the core pieces and the
// launch's components record reads back as its declared struct and writes out again field for
// field, every declared kind is recorded by some run, a missing field is an error, and the
// README's tables name the same fields.
#include "nova/core/events.h"
#include "nova/core/image_plan.h"
#include "nova/core/instance.h"
#include "nova/core/iptables.h"
#include "nova/core/launch.h"
#include "nova/core/libvirt_xml.h"
#include "nova/core/network.h"
#include "nova/core/novash.h"
#include "nova/core/scheduler.h"
#include "nova/core/simulation.h"

#include "messaging/core/broker.h"
#include "messaging/core/events.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include "workbench/core/event_contract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

using namespace wb::nova;
using namespace std::chrono_literals;
namespace msg = wb::messaging;

namespace {

template <class Set> void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    EXPECT_EQ(wb::contract::roundTripMismatch<Set>(e), "") << e.label;
    seen.insert(e.kind);
}

// A launch's trace: nova's kinds, and with LaunchOptions::traceBroker the embedded broker's,
// declared by the messaging module (messaging/core/events.h) and checked against those
// declarations here, but not counted as nova's. A launch never walks a packet, so its
// "return" is the broker's basic.return, not walkPacket's.
void expectLaunchRoundTrip(const wb::Trace &trace, std::set<std::string> &seen)
{
    std::set<std::string> broker;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        if (msg::events::MessagingEvents::contains(trace[i].kind))
            expectRoundTrip<msg::events::MessagingEvents>(trace[i], broker);
        else
            expectRoundTrip<events::NovaEvents>(trace[i], seen);
    }
}

Ipv4Address ip(const char *s)
{
    return Ipv4Address::parse(s).value();
}

Packet packet(const char *src, Proto proto, std::optional<int> dport)
{
    Packet p;
    p.src = ip(src);
    p.dst = ip("10.0.0.3");
    p.proto = proto;
    p.dport = dport;
    p.state = ConnState::New;
    return p;
}

// The pieces of wb_nova_core, each run so that it records every kind it has.
void runCorePieces(wb::Trace &trace)
{
    NetworkCreateRequest req;
    req.fixedRange = Ipv4Network::parse("10.0.0.0/24").value();
    const auto nets = createNetworks(req, NetworkManagerKind::Vlan, &trace);
    FixedIpAllocator alloc(nets.at(0));
    for (int id = 1; alloc.allocate(id, &trace); ++id) {
    }
    alloc.release(1, &trace);

    Instance inst;
    inst.id = 1;
    InstanceLifecycle life(inst, &trace);
    life.advance(TaskState::Networking);
    life.advance(TaskState::BlockDeviceMapping);
    life.advance(TaskState::Spawning);
    life.activate(1234);

    (void)toDomainXml(DomainSpec{}, &trace);
    NbdPool pool;
    (void)planImagePreparation(ImagePlanSpec{}, pool, &trace);

    // The recorded listing does not load (load, FORWARD's policy); the corrected one sends an
    // outside packet back out of the security group (return) to the fallback's DROP.
    const auto spec = [](bool corrected) {
        return RulesetSpec::recorded(1, ip("10.0.0.3"), Ipv4Network::parse("10.0.0.0/27").value(),
                                     corrected);
    };
    (void)walkPacket(buildRuleset(spec(false)), packet("10.0.0.5", Proto::Icmp, {}), &trace);
    (void)walkPacket(buildRuleset(spec(true)), packet("192.168.1.10", Proto::Tcp, 22), &trace);
    (void)walkPacket(buildRuleset(spec(true)), packet("10.0.0.5", Proto::Tcp, 22), &trace);

    (void)planNovaSh(NovaShCommand::Run, NovaShEnv{}, {}, &trace);

    std::vector<ComputeHost> hosts(2);
    hosts[0].name = "host1";
    hosts[1].name = "host2";
    wb::Rng rng(1);
    (void)schedule(SchedulerKind::Simple, hosts, {}, rng, {}, &trace);
    for (auto &h : hosts)
        h.up = false;
    EXPECT_THROW(schedule(SchedulerKind::Chance, hosts, {}, rng, {}, &trace), NoValidHost);

    // Overloaded: chance sends instances to full hosts (rejected), simple runs out of hosts
    // under max_cores (NoValidHost).
    for (const auto kind : {SchedulerKind::Chance, SchedulerKind::Simple}) {
        SimulationConfig c;
        c.scheduler = kind;
        c.requests = 400;
        c.hosts = 10;
        c.arrivalsPerSecond = 200;
        c.hostCores = {kind == SchedulerKind::Chance ? 8 : 32};
        (void)simulateLaunches(c, &trace);
    }
}

TEST(novaEvents, EveryRecordedEventRoundTrips)
{
    std::set<std::string> seen;
    {
        wb::Trace trace;
        runCorePieces(trace);
        for (std::size_t i = 0; i < trace.size(); ++i)
            expectRoundTrip<events::CoreEvents>(trace[i], seen);
    }
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::CoreEvents>());

    // A launch in one process, with the broker's own events in the same trace.
    {
        wb::Trace trace;
        LaunchOptions o;
        o.traceBroker = true;
        const LaunchResult r = launchInstance(o, &trace);
        ASSERT_TRUE(r.finished) << r.error;
        expectLaunchRoundTrip(trace, seen);
    }

    // The components as separate processes on one broker: the api process's database records
    // the compute workers' service_update; the user's trace holds the reports that came back
    // as JSON; a message that is not an rpc request is a component-error.
    msg::Broker broker;
    const ConnectionFactory connect = [&](const std::string &name) {
        return broker.connect("nova-" + name);
    };
    struct Process
    {
        wb::Trace trace;
        std::unique_ptr<NovaComponent> component;
    };
    std::vector<std::unique_ptr<Process>> processes;
    for (const auto role :
         {NovaRole::Api, NovaRole::Network, NovaRole::Scheduler, NovaRole::Compute}) {
        ComponentOptions co;
        co.role = role;
        if (role == NovaRole::Compute)
            co.host.name = "host1";
        auto p = std::make_unique<Process>();
        p->component = std::make_unique<NovaComponent>(co, connect, &p->trace);
        p->component->start();
        processes.push_back(std::move(p));
    }
    const wb::Trace &api = processes.front()->trace;
    const auto has = [](const wb::Trace &t, std::string_view kind) {
        return t.findNext(kind, 0).has_value();
    };
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         !has(api, events::Service::kind) && std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(5ms);
    wb::Trace user;
    const LaunchResult r = launchOnComponents({}, connect, &user);
    ASSERT_TRUE(r.finished) << r.error;
    {
        auto conn = connect("stranger");
        auto ch = conn->openChannel();
        msg::Message m;
        m.body = "not json";
        ch->basicPublish(kControlExchange, "scheduler", m);
        ch->close();
        conn->close();
    }
    const wb::Trace &scheduler = processes[2]->trace;
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         !has(scheduler, events::ComponentError::kind) &&
         std::chrono::steady_clock::now() < deadline;)
        std::this_thread::sleep_for(5ms);
    for (auto &p : processes)
        p->component->stop();
    for (const auto &p : processes)
        expectLaunchRoundTrip(p->trace, seen);
    expectLaunchRoundTrip(user, seen);

    std::set<std::string> declared = wb::contract::declaredKinds<events::NovaEvents>();
    EXPECT_EQ(seen, declared);
}

TEST(novaEvents, AMissingFieldIsAnErrorNotZero)
{
    wb::Trace trace;
    LaunchOptions o;
    const LaunchResult r = launchInstance(o, &trace);
    ASSERT_TRUE(r.finished) << r.error;
    const auto call = trace.findNext(events::Call::kind, 0);
    ASSERT_TRUE(call);
    EXPECT_FALSE(launchSteps(trace).empty());

    // A call without its step number: launchSteps refuses it instead of reading step 0.
    wb::Trace broken;
    wb::Event e = trace[*call];
    std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "n"; });
    broken.append(e);
    EXPECT_THROW(launchSteps(broken), wb::EventFieldError);

    // An optional field may be absent; a required one of another type is an error too.
    wb::Event state =
        wb::toEvent(events::State{"instance-00000001", "active", "none", {}, {}}, "");
    ASSERT_TRUE(wb::as<events::State>(state));
    EXPECT_FALSE(wb::as<events::State>(state)->why);
    state.fields[1].value = std::int64_t{1};
    EXPECT_THROW(wb::as<events::State>(state), wb::EventFieldError);
}

TEST(novaEvents, TheReadmeTablesMatchTheDeclarations)
{
    const auto tables = wb::contract::readEventTables(WB_NOVA_README);
    ASSERT_EQ(tables.size(), 2u) << "the README's two event tables";
    EXPECT_EQ(tables[0], wb::contract::declaredTable<events::CoreEvents>());
    EXPECT_EQ(tables[1], wb::contract::declaredTable<events::LaunchEvents>());
}

} // namespace
