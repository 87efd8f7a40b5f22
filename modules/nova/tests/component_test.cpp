// The components as in separate processes, on the embedded broker: each its own
// NovaComponent with its own connections and its own trace, sharing nothing but the broker.
// The api component keeps the database; the scheduler and the compute workers reach it over
// the bus, the compute workers register their hosts, and the user's side assembles the
// launch from the components' reports.
#include "nova/core/launch.h"

#include "messaging/core/broker.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace {

using namespace wb::nova;
namespace msg = wb::messaging;
using namespace std::chrono_literals;

struct Process
{
    wb::Trace trace;
    std::unique_ptr<NovaComponent> component;
};

class novaComponents : public ::testing::Test
{
protected:
    void SetUp() override
    {
        connect = [this](const std::string &name) {
            return broker.connect("nova-" + name);
        };
        start(NovaRole::Api, {});
        start(NovaRole::Network, {});
        start(NovaRole::Scheduler, {});
        start(NovaRole::Compute, "host1");
        start(NovaRole::Compute, "host2");
        // Both compute workers' service_update casts reached the database.
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (services(true) < 2 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        ASSERT_EQ(services(true), 2);
    }

    void start(NovaRole role, const std::string &host)
    {
        ComponentOptions o;
        o.role = role;
        o.host.name = host;
        o.settings.seed = 3;
        auto p = std::make_unique<Process>();
        p->component = std::make_unique<NovaComponent>(o, connect, &p->trace);
        p->component->start();
        processes.push_back(std::move(p));
    }

    // The service_update reports the api process's database took, with `up` as given.
    int services(bool up) const
    {
        int n = 0;
        const wb::Trace &t = processes.front()->trace;
        for (std::size_t i = 0; i < t.size(); ++i)
            if (t[i].kind == "service" && t[i].field("up") &&
                std::get<bool>(*t[i].field("up")) == up)
                ++n;
        return n;
    }

    msg::Broker broker;
    ConnectionFactory connect;
    std::vector<std::unique_ptr<Process>> processes;
};

std::vector<std::string> stateNames(const std::vector<StateChange> &s)
{
    std::vector<std::string> out;
    for (const auto &c : s)
        out.push_back(std::string(vmStateName(c.vmState)) + "/" +
                      std::string(taskStateName(c.taskState)));
    return out;
}

} // namespace

TEST_F(novaComponents, EachComponentConsumesItsOwnQueue)
{
    EXPECT_EQ(processes[0]->component->queues(), (std::vector<std::string>{"api", "cloud", "db"}));
    EXPECT_EQ(processes[3]->component->queues(), (std::vector<std::string>{"compute.host1"}));
    std::set<std::string> queues;
    for (const auto &q : broker.listQueues())
        queues.insert(q.name);
    for (const char *q :
         {"api", "cloud", "db", "network", "scheduler", "compute.host1", "compute.host2"})
        EXPECT_TRUE(queues.count(q)) << q;
}

TEST_F(novaComponents, LaunchFollowsTheNumberedFlowAcrossComponents)
{
    wb::Trace user;
    const LaunchResult r = launchOnComponents({}, connect, &user);
    ASSERT_TRUE(r.finished) << r.error;
    ASSERT_EQ(r.instance.vmState, VmState::Active) << r.error;
    EXPECT_EQ(r.instance.name(), "instance-00000001");
    ASSERT_TRUE(r.instance.fixedIp);
    EXPECT_EQ(r.instance.fixedIp->toString(), "10.0.0.3");
    ASSERT_TRUE(r.instance.mac);
    EXPECT_EQ(r.instance.mac->toString().rfind("02:16:3e:", 0), 0u);
    EXPECT_TRUE(r.instance.host == "host1" || r.instance.host == "host2") << r.instance.host;
    EXPECT_EQ(stateNames(r.states),
              (std::vector<std::string>{"building/scheduling", "building/networking",
                                        "building/block_device_mapping", "building/spawning",
                                        "active/none"}));
    EXPECT_NE(r.domainXml.find("<parameter name=\"IP\" value=\"10.0.0.3\" />"), std::string::npos);

    // The reports of every component came back: the numbered arrows, in order.
    const std::string compute = "compute." + r.instance.host;
    struct Want
    {
        int n;
        std::string kind, from, to, method, key;
    };
    const std::vector<Want> wants{
        {1, "call", "user", "api", "run_instances", "api"},
        {1, "call", "api", "cloud", "run_instances", "cloud"},
        {1, "local", "cloud", "cloud", "create_instance", "cloud"},
        {2, "cast", "cloud", "scheduler", "run_instance", "scheduler"},
        {3, "local", "scheduler", "scheduler", "schedule", "scheduler"},
        {3, "cast", "scheduler", compute, "run_instance", compute},
        {4, "local", compute, compute, "run_instance", compute},
        {5, "call", compute, "network", "allocate_fixed_ip", "network"},
        {6, "local", "network", "network", "allocate_fixed_ip", "network"},
        {7, "reply", "network", compute, "allocate_fixed_ip", ""},
        {8, "local", compute, compute, "fixed_ip", compute},
        {9, "local", compute, compute, "createXML", compute},
    };
    std::size_t at = 0;
    for (const auto &w : wants) {
        while (at < r.steps.size() && !(r.steps[at].kind == w.kind && r.steps[at].from == w.from &&
                                        r.steps[at].method == w.method))
            ++at;
        ASSERT_LT(at, r.steps.size()) << w.n << " " << w.kind << " " << w.method << " from "
                                      << w.from << " missing or out of order";
        EXPECT_EQ(r.steps[at].n, w.n) << w.method;
        EXPECT_EQ(r.steps[at].to, w.to) << w.method;
        if (!w.key.empty()) {
            EXPECT_EQ(r.steps[at].routingKey, w.key) << w.method;
        }
    }
    // No database access among the steps: it is not part of the rpc flow.
    for (const auto &s : r.steps) {
        EXPECT_NE(s.to, "db") << s.method;
        EXPECT_GE(s.n, 1);
    }
    // Each process recorded only its own part.
    const wb::Trace &scheduler = processes[2]->trace;
    for (std::size_t i = 0; i < scheduler.size(); ++i)
        if (scheduler[i].kind == "local" || scheduler[i].kind == "cast") {
            EXPECT_EQ(scheduler[i].stringField("from"), "scheduler");
        }
}

TEST_F(novaComponents, StateIsSharedAcrossComponents)
{
    // The second instance: the network controller's next address, the api's next id, and
    // the simple view of the hosts the database keeps.
    const LaunchResult a = launchOnComponents({}, connect);
    const LaunchResult b = launchOnComponents({}, connect);
    ASSERT_EQ(a.instance.vmState, VmState::Active) << a.error;
    ASSERT_EQ(b.instance.vmState, VmState::Active) << b.error;
    EXPECT_EQ(b.instance.name(), "instance-00000002");
    ASSERT_TRUE(b.instance.fixedIp);
    EXPECT_EQ(b.instance.fixedIp->toString(), "10.0.0.4");
    EXPECT_NE(a.instance.mac, b.instance.mac);

    // A refusal comes back from the api process's database (quota of this run: 10).
    LaunchOptions stranger;
    stranger.user = "mallory";
    const LaunchResult refused = launchOnComponents(stranger, connect);
    EXPECT_TRUE(refused.finished);
    EXPECT_NE(refused.error.find("NotAuthorized"), std::string::npos) << refused.error;
}

TEST_F(novaComponents, StopsCleanlyAndTheHostsGoDown)
{
    // The compute workers report their hosts down when they stop; the queues go with them.
    for (std::size_t i = processes.size(); i-- > 1;)
        processes[i]->component->stop();
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (services(false) < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    EXPECT_EQ(services(false), 2);
    processes.front()->component->stop();
    EXPECT_TRUE(broker.listQueues().empty());
}
