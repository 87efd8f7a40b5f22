#include "nova/core/scheduler.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <limits>

namespace wb::nova {

std::string_view schedulerName(SchedulerKind k)
{
    switch (k) {
    case SchedulerKind::Chance:
        return "chance";
    case SchedulerKind::Zone:
        return "zone";
    case SchedulerKind::Simple:
        return "simple";
    }
    return "?";
}

std::optional<SchedulerKind> parseSchedulerName(std::string_view name)
{
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple})
        if (schedulerName(k) == name)
            return k;
    return std::nullopt;
}

namespace {

std::size_t randomUpHost(const std::vector<ComputeHost> &hosts, wb::Rng &rng,
                         const std::string *zone)
{
    // Two passes instead of a candidate vector: this runs a million times a second.
    std::size_t count = 0;
    for (const auto &h : hosts)
        if (h.up && (!zone || h.zone == *zone))
            ++count;
    if (count == 0)
        throw NoValidHost(zone ? "No hosts found in availability zone " + *zone
                               : std::string("No hosts found"));
    std::size_t pick = rng.below(count);
    for (std::size_t i = 0; i < hosts.size(); ++i)
        if (hosts[i].up && (!zone || hosts[i].zone == *zone) && pick-- == 0)
            return i;
    throw NoValidHost("No hosts found"); // unreachable: count > pick
}

std::size_t leastLoadedHost(const std::vector<ComputeHost> &hosts,
                            const ScheduleRequest &request, const SchedulerOptions &options)
{
    // The first up host with the fewest cores in use. One tight pass: this is the hot loop
    // of the simulation (a million decisions a second over 1,000 hosts).
    std::size_t best = hosts.size();
    int bestUsed = std::numeric_limits<int>::max();
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        const ComputeHost &h = hosts[i];
        if (h.up && h.usedVcpus < bestUsed) {
            best = i;
            bestUsed = h.usedVcpus;
            if (bestUsed <= 0)
                break; // an idle host: none later can have fewer cores in use
        }
    }
    if (best == hosts.size())
        throw NoValidHost("No hosts found");
    if (bestUsed + request.vcpus > options.maxCores)
        throw NoValidHost("All hosts have too many cores");
    return best;
}

} // namespace

std::size_t schedule(SchedulerKind kind, const std::vector<ComputeHost> &hosts,
                     const ScheduleRequest &request, wb::Rng &rng,
                     const SchedulerOptions &options, wb::Trace *trace)
{
    std::size_t chosen = 0;
    try {
        switch (kind) {
        case SchedulerKind::Chance:
            chosen = randomUpHost(hosts, rng, nullptr);
            break;
        case SchedulerKind::Zone:
            chosen = randomUpHost(hosts, rng, &request.zone);
            break;
        case SchedulerKind::Simple:
            chosen = leastLoadedHost(hosts, request, options);
            break;
        }
    } catch (const NoValidHost &e) {
        if (trace)
            trace->add("no-valid-host", std::string("NoValidHost: ") + e.what(),
                       {{"scheduler", std::string(schedulerName(kind))},
                        {"instance_id", request.instanceId},
                        {"reason", std::string(e.what())}});
        throw;
    }
    if (trace) {
        const auto &h = hosts[chosen];
        trace->add("schedule", std::string(schedulerName(kind)) + " picked " + h.name,
                   {{"scheduler", std::string(schedulerName(kind))},
                    {"instance_id", request.instanceId},
                    {"host", h.name},
                    {"zone", h.zone},
                    {"used_vcpus", h.usedVcpus},
                    {"routing_key", "compute." + h.name}});
    }
    return chosen;
}

} // namespace wb::nova
