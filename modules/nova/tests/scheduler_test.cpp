// The chance, zone and simple schedulers over hand-made host tables.
#include "nova/core/scheduler.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <map>

using namespace wb::nova;

namespace {

std::vector<ComputeHost> table()
{
    std::vector<ComputeHost> h(6);
    const char *zones[] = {"az1", "az1", "az2", "az2", "az2", "az3"};
    for (int i = 0; i < 6; ++i) {
        h[i].name = "host" + std::to_string(i);
        h[i].zone = zones[i];
        h[i].usedVcpus = 10 - i;
    }
    h[4].up = false;
    return h;
}

} // namespace

TEST(novaScheduler, ChancePicksOnlyUpHostsAndReachesAllOfThem)
{
    const auto hosts = table();
    wb::Rng rng(7);
    std::map<std::size_t, int> seen;
    for (int i = 0; i < 600; ++i)
        ++seen[schedule(SchedulerKind::Chance, hosts, {}, rng)];
    EXPECT_EQ(seen.count(4), 0u);
    EXPECT_EQ(seen.size(), 5u);
    for (const auto &[host, n] : seen)
        EXPECT_GT(n, 60) << host; // 120 expected each
}

TEST(novaScheduler, ZoneStaysInTheRequestedZone)
{
    const auto hosts = table();
    wb::Rng rng(3);
    ScheduleRequest req;
    req.zone = "az2";
    for (int i = 0; i < 200; ++i) {
        const auto h = schedule(SchedulerKind::Zone, hosts, req, rng);
        EXPECT_EQ(hosts[h].zone, "az2");
        EXPECT_TRUE(hosts[h].up);
    }
    req.zone = "az9";
    EXPECT_THROW(schedule(SchedulerKind::Zone, hosts, req, rng), NoValidHost);
}

TEST(novaScheduler, SimplePicksTheLeastLoadedUpHost)
{
    auto hosts = table(); // used cores 10, 9, 8, 7, (6, down), 5
    wb::Rng rng(1);
    wb::Trace trace;
    EXPECT_EQ(schedule(SchedulerKind::Simple, hosts, {}, rng, {}, &trace), 5u);
    EXPECT_EQ(trace[0].kind, "schedule");
    EXPECT_EQ(trace[0].stringField("routing_key"), "compute.host5");
    hosts[5].usedVcpus = 12;
    EXPECT_EQ(schedule(SchedulerKind::Simple, hosts, {}, rng), 3u); // host4 is down
}

TEST(novaScheduler, SimpleRaisesNoValidHostPastMaxCores)
{
    auto hosts = table();
    for (auto &h : hosts)
        h.usedVcpus = 16;
    wb::Rng rng(1);
    wb::Trace trace;
    try {
        schedule(SchedulerKind::Simple, hosts, {}, rng, {}, &trace);
        FAIL() << "expected NoValidHost";
    } catch (const NoValidHost &e) {
        EXPECT_STREQ(e.what(), "All hosts have too many cores");
    }
    EXPECT_EQ(trace[0].kind, "no-valid-host");
    hosts[2].usedVcpus = 15;
    EXPECT_EQ(schedule(SchedulerKind::Simple, hosts, {}, rng), 2u); // 15 + 1 = 16 fits
    ScheduleRequest big;
    big.vcpus = 2;
    EXPECT_THROW(schedule(SchedulerKind::Simple, hosts, big, rng), NoValidHost);
}

TEST(novaScheduler, NoUpHostsIsNoValidHostForEveryScheduler)
{
    auto hosts = table();
    for (auto &h : hosts)
        h.up = false;
    wb::Rng rng(1);
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple})
        EXPECT_THROW(schedule(k, hosts, {}, rng), NoValidHost) << schedulerName(k);
    EXPECT_THROW(schedule(SchedulerKind::Chance, {}, {}, rng), NoValidHost);
    EXPECT_EQ(parseSchedulerName("zone"), SchedulerKind::Zone);
    EXPECT_FALSE(parseSchedulerName("filter"));
}
