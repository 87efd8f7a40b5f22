#pragma once
// A discrete-event simulation of many launches against one scheduler.
//
// Requests arrive as a Poisson stream with a flavor mix (m1.tiny .. m1.xlarge); each passes
// the API (authorization, quota), waits for the single scheduler worker, is cast to its host,
// asks the single network controller for a fixed IP (an rpc.call), maps block devices and
// spawns on the host's compute worker (one spawn at a time per host), then runs for an
// exponential lifetime and is terminated, freeing its cores and memory.
//
// Outcomes: placed (active), NoValidHost (the scheduler found none), or rejected by the
// compute worker (chance and zone ignore capacity; the host cannot take the instance). The
// simulated clock is independent of the wall clock; the same config and seed give the same
// result on every machine.

#include "nova/core/scheduler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

struct SimulationConfig
{
    SchedulerKind scheduler = SchedulerKind::Simple;
    int requests = 1000;
    int hosts = 100;
    std::uint64_t seed = 1;
    int zones = 4;              // availability zones zone-0 .. zone-(n-1); 1 = "nova"
    double downFraction = 0.02; // hosts whose service is down
    double arrivalsPerSecond = 20.0;
    double meanLifetimeSeconds = 300.0;
    std::vector<int> hostCores{8, 16, 24, 32}; // each host draws one; memory 2 GiB per core
    SchedulerOptions schedulerOptions;
};

struct PhaseStats
{
    std::string phase; // "api", "scheduling", "networking", "block_device_mapping", "spawning"
    std::size_t count = 0;
    double meanMs = 0, p50Ms = 0, p95Ms = 0, maxMs = 0;
};

struct HostOutcome
{
    std::string name;
    std::string zone;
    bool up = true;
    int vcpus = 0;
    int memoryMb = 0;
    int placed = 0;    // instances that became active here over the run
    int peakVcpus = 0; // highest cores in use at any time
    int peakMemoryMb = 0;
};

struct SimulationResult
{
    int requests = 0;
    int placed = 0;
    int failed = 0; // noValidHost + computeRejected
    int noValidHost = 0;
    int computeRejected = 0;
    double simulatedSeconds = 0; // clock at the last event
    std::vector<HostOutcome> hosts;
    std::vector<PhaseStats> phases;
};

// Throws std::invalid_argument for non-positive requests or hosts.
SimulationResult simulateLaunches(const SimulationConfig &config, wb::Trace *trace = nullptr);

} // namespace wb::nova
