// Nova's schedulers and the launch: decisions per second over 1,000 hosts (alone and inside
// the simulation of many launches), and one launch's message flow on the embedded broker.
#include "nova/core/launch.h"
#include "nova/core/scheduler.h"
#include "nova/core/simulation.h"

#include "messaging/core/broker.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <benchmark/benchmark.h>

using namespace wb::nova;

namespace {

// 1,000 hosts in 4 zones, 2 % down, loads spread. Each decision claims a core on the host
// picked and frees the core claimed 5,000 decisions earlier (the instance ends), so the table
// stays in a steady state, about two thirds full.
std::vector<ComputeHost> fleet(int count)
{
    wb::Rng rng(42);
    std::vector<ComputeHost> hosts(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        auto &h = hosts[static_cast<std::size_t>(i)];
        h.name = "compute-" + std::to_string(i + 1);
        h.zone = "zone-" + std::to_string(i % 4);
        h.up = rng.unit() >= 0.02;
        h.usedVcpus = static_cast<int>(rng.below(12));
    }
    return hosts;
}

void scheduleDecisions(benchmark::State &state, SchedulerKind kind)
{
    auto hosts = fleet(static_cast<int>(state.range(0)));
    wb::Rng rng(7);
    ScheduleRequest req;
    req.zone = "zone-1";
    std::vector<std::size_t> running(5000, hosts.size());
    std::size_t oldest = 0;
    for (auto _ : state) {
        const std::size_t i = schedule(kind, hosts, req, rng);
        ++hosts[i].usedVcpus;
        if (running[oldest] < hosts.size())
            --hosts[running[oldest]].usedVcpus;
        running[oldest] = i;
        oldest = (oldest + 1) % running.size();
        benchmark::DoNotOptimize(i);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["decisions/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ScheduleSimple(benchmark::State &s)
{
    scheduleDecisions(s, SchedulerKind::Simple);
}
void BM_ScheduleChance(benchmark::State &s)
{
    scheduleDecisions(s, SchedulerKind::Chance);
}
void BM_ScheduleZone(benchmark::State &s)
{
    scheduleDecisions(s, SchedulerKind::Zone);
}
BENCHMARK(BM_ScheduleSimple)->Arg(1000);
BENCHMARK(BM_ScheduleChance)->Arg(1000);
BENCHMARK(BM_ScheduleZone)->Arg(1000);

// The whole simulation: every request passes the API, one scheduling decision, the network
// call, the spawn and its termination; decisions/s counts the requests scheduled.
void simulate(benchmark::State &state, SchedulerKind kind)
{
    SimulationConfig cfg;
    cfg.scheduler = kind;
    cfg.hosts = 1000;
    cfg.requests = static_cast<int>(state.range(0));
    cfg.arrivalsPerSecond = 50;
    for (auto _ : state) {
        const SimulationResult r = simulateLaunches(cfg);
        benchmark::DoNotOptimize(r.placed);
    }
    const double decisions = static_cast<double>(state.iterations()) * cfg.requests;
    state.SetItemsProcessed(static_cast<std::int64_t>(decisions));
    state.counters["decisions/s"] = benchmark::Counter(decisions, benchmark::Counter::kIsRate);
}

void BM_SimulateSimple(benchmark::State &s)
{
    simulate(s, SchedulerKind::Simple);
}
void BM_SimulateChance(benchmark::State &s)
{
    simulate(s, SchedulerKind::Chance);
}
void BM_SimulateZone(benchmark::State &s)
{
    simulate(s, SchedulerKind::Zone);
}
BENCHMARK(BM_SimulateSimple)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimulateChance)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimulateZone)->Arg(100000)->Unit(benchmark::kMillisecond);

// One launch on the embedded broker, from the user's rpc.call run_instances to active: the
// whole message flow 1-9 across the component threads (started before, stopped after).
void BM_LaunchMessageFlow(benchmark::State &state)
{
    for (auto _ : state) {
        state.PauseTiming();
        wb::messaging::Broker broker;
        wb::Trace trace;
        NovaDeployment d(
            {}, [&](const std::string &n) { return broker.connect(n); }, &trace);
        d.start();
        state.ResumeTiming();
        const auto id = d.runInstances();
        if (!d.waitFinished(id, std::chrono::seconds(10)) ||
            d.instance(id).vmState != VmState::Active)
            state.SkipWithError("the launch did not become active");
        state.PauseTiming();
        d.stop();
        state.ResumeTiming();
    }
}
BENCHMARK(BM_LaunchMessageFlow)->Unit(benchmark::kMillisecond)->UseRealTime();

// launchInstance as the CLI runs it: broker, components started, the launch, all stopped.
void BM_LaunchWhole(benchmark::State &state)
{
    for (auto _ : state) {
        const LaunchResult r = launchInstance({});
        if (r.instance.vmState != VmState::Active)
            state.SkipWithError("the launch did not become active");
    }
}
BENCHMARK(BM_LaunchWhole)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
