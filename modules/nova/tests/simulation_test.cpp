// The launch simulation: reproducible per seed, conserving requests, never over capacity.
#include "nova/core/simulation.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace wb::nova;

namespace {

SimulationConfig config(SchedulerKind k, std::uint64_t seed = 11)
{
    SimulationConfig c;
    c.scheduler = k;
    c.requests = 3000;
    c.hosts = 200;
    c.seed = seed;
    return c;
}

} // namespace

TEST(novaSimulation, SameSeedSameResultDifferentSeedDifferentResult)
{
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple}) {
        const auto a = simulateLaunches(config(k));
        const auto b = simulateLaunches(config(k));
        EXPECT_EQ(a.placed, b.placed);
        EXPECT_EQ(a.noValidHost, b.noValidHost);
        EXPECT_EQ(a.simulatedSeconds, b.simulatedSeconds);
        for (std::size_t i = 0; i < a.hosts.size(); ++i)
            ASSERT_EQ(a.hosts[i].placed, b.hosts[i].placed);
        for (std::size_t i = 0; i < a.phases.size(); ++i)
            EXPECT_EQ(a.phases[i].meanMs, b.phases[i].meanMs);
        const auto c = simulateLaunches(config(k, 12));
        std::vector<int> pa, pc;
        for (std::size_t i = 0; i < a.hosts.size(); ++i) {
            pa.push_back(a.hosts[i].placed);
            pc.push_back(c.hosts[i].placed);
        }
        EXPECT_NE(pa, pc) << schedulerName(k);
    }
}

TEST(novaSimulation, ConservationAndCapacityForEveryScheduler)
{
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple}) {
        auto cfg = config(k);
        cfg.arrivalsPerSecond = 200; // overload, so failures happen
        const auto r = simulateLaunches(cfg);
        EXPECT_EQ(r.placed + r.failed, r.requests) << schedulerName(k);
        EXPECT_EQ(r.failed, r.noValidHost + r.computeRejected);
        EXPECT_GT(r.failed, 0) << schedulerName(k);
        int sum = 0;
        for (const auto &h : r.hosts) {
            sum += h.placed;
            EXPECT_LE(h.peakVcpus, h.vcpus) << h.name;
            EXPECT_LE(h.peakMemoryMb, h.memoryMb) << h.name;
            if (!h.up) {
                EXPECT_EQ(h.placed, 0) << h.name;
            }
            if (k == SchedulerKind::Simple) {
                EXPECT_LE(h.peakVcpus, 16) << h.name;
            }
        }
        EXPECT_EQ(sum, r.placed);
        ASSERT_EQ(r.phases.size(), 5u);
        EXPECT_EQ(r.phases[0].phase, "api");
        EXPECT_EQ(r.phases[4].phase, "spawning");
        EXPECT_EQ(r.phases[4].count, static_cast<std::size_t>(r.placed));
        for (const auto &p : r.phases) {
            EXPECT_LE(p.p50Ms, p.p95Ms);
            EXPECT_LE(p.p95Ms, p.maxMs);
        }
    }
}

TEST(novaSimulation, SimpleOnHostsOfAtLeastMaxCoresIsNeverRejectedByCompute)
{
    // simple checks only max_cores, not the host: on 8-core hosts compute would refuse.
    auto cfg = config(SchedulerKind::Simple);
    cfg.arrivalsPerSecond = 200;
    cfg.hostCores = {16, 32};
    const auto r = simulateLaunches(cfg);
    EXPECT_GT(r.noValidHost, 0);
    EXPECT_EQ(r.computeRejected, 0);
    cfg.hostCores = {8};
    EXPECT_GT(simulateLaunches(cfg).computeRejected, 0);
}

TEST(novaSimulation, ChanceSpreadsRoughlyUniformly)
{
    auto cfg = config(SchedulerKind::Chance);
    cfg.requests = 20000;
    cfg.hosts = 50;
    cfg.arrivalsPerSecond = 1; // light load: no host ever fills
    cfg.meanLifetimeSeconds = 5;
    cfg.hostCores = {32};
    const auto r = simulateLaunches(cfg);
    EXPECT_EQ(r.failed, 0);
    int up = 0, lo = r.requests, hi = 0;
    for (const auto &h : r.hosts)
        if (h.up) {
            ++up;
            lo = std::min(lo, h.placed);
            hi = std::max(hi, h.placed);
        }
    const double mean = static_cast<double>(r.placed) / up;
    EXPECT_GT(lo, mean * 0.75);
    EXPECT_LT(hi, mean * 1.25);
}

TEST(novaSimulation, TraceRecordsOnePlacementPerPlacedInstance)
{
    auto cfg = config(SchedulerKind::Zone);
    cfg.requests = 200;
    wb::Trace trace;
    const auto r = simulateLaunches(cfg, &trace);
    std::size_t placements = 0;
    for (std::size_t i = 0; i < trace.size(); ++i)
        placements += trace[i].kind == "sim-schedule";
    EXPECT_EQ(placements, static_cast<std::size_t>(r.placed));
    SimulationConfig empty;
    empty.requests = 0;
    EXPECT_THROW(simulateLaunches(empty), std::invalid_argument);
}

namespace {

// The decision (or the NoValidHost reason) as one string, to compare two ways of deciding.
template <class Decide> std::string outcome(Decide &&decide)
{
    try {
        return std::to_string(decide());
    } catch (const NoValidHost &e) {
        return std::string("NoValidHost: ") + e.what();
    }
}

} // namespace

TEST(novaScheduleIndex, DecidesAsScheduleThroughClaimsAndReleases)
{
    // 150 hosts over three zones (zone-2 has every host down), loads changing at random:
    // every decision of the index must equal schedule() on the same table with an rng in the
    // same state, NoValidHost reasons included, until the table fills up.
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple}) {
        wb::Rng setup(5);
        std::vector<ComputeHost> hosts(150);
        for (std::size_t i = 0; i < hosts.size(); ++i) {
            hosts[i].name = "compute-" + std::to_string(i);
            hosts[i].zone = "zone-" + std::to_string(i % 3);
            hosts[i].up = i % 3 != 2 && setup.unit() >= 0.1;
            hosts[i].usedVcpus = static_cast<int>(setup.below(4));
        }
        ScheduleIndex index(hosts);
        EXPECT_EQ(index.zoneId("zone-1"), 1);
        EXPECT_EQ(index.zoneId("nowhere"), -1);
        wb::Rng a(9), b(9), ops(13);
        int noValidHost = 0;
        for (int step = 0; step < 4000; ++step) {
            ScheduleRequest req;
            req.vcpus = 1 + static_cast<int>(ops.below(4));
            req.zone = "zone-" + std::to_string(ops.below(4)); // zone-3 has no hosts
            const std::string viaTable = outcome([&] { return schedule(k, hosts, req, a); });
            const std::string viaIndex =
                outcome([&] { return index.pick(k, req, index.zoneId(req.zone), b); });
            ASSERT_EQ(viaTable, viaIndex) << schedulerName(k) << " step " << step;
            noValidHost += viaTable.starts_with("NoValidHost");
            // Claim on the chosen host, or release on a random one.
            std::size_t host = ops.below(hosts.size());
            int used = hosts[host].usedVcpus - static_cast<int>(ops.below(3));
            if (!viaTable.starts_with("NoValidHost") && ops.below(3) != 0) {
                host = std::stoul(viaTable);
                used = hosts[host].usedVcpus + req.vcpus;
            }
            hosts[host].usedVcpus = std::max(0, used);
            index.setUsedVcpus(host, hosts[host].usedVcpus);
        }
        if (k != SchedulerKind::Chance) { // chance fails only with no host up (below)
            EXPECT_GT(noValidHost, 0) << schedulerName(k);
        }
    }
    std::vector<ComputeHost> down(3);
    for (auto &h : down)
        h.up = false;
    wb::Rng rng(1);
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple})
        EXPECT_THROW(ScheduleIndex(down).pick(k, {}, 0, rng), NoValidHost);
}
