#include "nova/core/simulation.h"

#include "nova/core/events.h"
#include "nova/core/instance.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace wb::nova {

namespace {

enum class Ev { Arrive, SchedulerDone, ComputeArrive, NetworkDone, Spawned, Terminate };

struct Event
{
    double t;
    std::uint64_t seq; // ties resolve in creation order, which keeps runs reproducible
    Ev kind;
    int request;
    bool operator>(const Event &o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

// The pending events as two binary heaps: the terminations (one per running instance, most
// of what is pending) and the rest (a few per request in flight). The next event is the
// earlier of the two tops, so the order is that of a single queue; the short steps of a launch
// no longer sift through every running instance's termination.
class EventQueue
{
public:
    bool empty() const { return m_near.empty() && m_far.empty(); }
    void push(const Event &e)
    {
        auto &heap = e.kind == Ev::Terminate ? m_far : m_near;
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    }
    Event pop()
    {
        auto &heap =
            m_far.empty() || (!m_near.empty() && m_far.front() > m_near.front()) ? m_near : m_far;
        std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
        const Event e = heap.back();
        heap.pop_back();
        return e;
    }

private:
    std::vector<Event> m_near, m_far;
};

struct Request
{
    int vcpus = 0, memoryMb = 0;
    int zone = 0; // index into zoneNames
    int host = -1;
    double arrive = 0, schedEnqueue = 0, schedDone = 0, computeArrive = 0, netDone = 0,
           bdmDone = 0, spawned = 0;
};

constexpr int kPhaseCount = 5;
const char *const kPhases[kPhaseCount] = {"api", "scheduling", "networking",
                                          "block_device_mapping", "spawning"};

double exponential(wb::Rng &rng, double mean)
{
    return -mean * std::log(1.0 - rng.unit());
}

double uniform(wb::Rng &rng, double lo, double hi)
{
    return lo + (hi - lo) * rng.unit();
}

PhaseStats stats(const char *name, std::vector<double> &samples)
{
    PhaseStats s;
    s.phase = name;
    s.count = samples.size();
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    double sum = 0;
    for (double x : samples)
        sum += x;
    const auto at = [&](double q) {
        const auto i = static_cast<std::size_t>(q * static_cast<double>(samples.size()));
        return samples[std::min(samples.size() - 1, i)];
    };
    s.meanMs = sum / static_cast<double>(samples.size()) * 1000.0;
    s.p50Ms = at(0.50) * 1000.0;
    s.p95Ms = at(0.95) * 1000.0;
    s.maxMs = samples.back() * 1000.0;
    return s;
}

} // namespace

SimulationResult simulateLaunches(const SimulationConfig &config, wb::Trace *trace)
{
    if (config.requests <= 0 || config.hosts <= 0)
        throw std::invalid_argument("the simulation needs at least one request and one host");
    if (config.zones <= 0 || config.arrivalsPerSecond <= 0 || config.meanLifetimeSeconds <= 0)
        throw std::invalid_argument("zones, arrival rate and lifetime must be positive");
    if (config.hostCores.empty() ||
        *std::min_element(config.hostCores.begin(), config.hostCores.end()) <= 0)
        throw std::invalid_argument("host core counts must be positive");
    wb::Rng rng(config.seed);
    // Separate streams so the host table does not depend on the scheduler's draws.
    wb::Rng hostRng(config.seed ^ 0x9e3779b97f4a7c15ULL);
    wb::Rng schedRng(config.seed + 1);

    std::vector<std::string> zoneNames;
    for (int z = 0; z < config.zones; ++z)
        zoneNames.push_back(config.zones == 1 ? std::string("nova") : "zone-" + std::to_string(z));
    std::vector<ComputeHost> hosts(static_cast<std::size_t>(config.hosts));
    for (int i = 0; i < config.hosts; ++i) {
        auto &h = hosts[static_cast<std::size_t>(i)];
        char name[32];
        std::snprintf(name, sizeof name, "compute-%03d", i + 1);
        h.name = name;
        h.zone = zoneNames[static_cast<std::size_t>(i % config.zones)];
        h.vcpus = config.hostCores[hostRng.below(config.hostCores.size())];
        h.memoryMb = h.vcpus * 2048;
        h.up = hostRng.unit() >= config.downFraction;
    }
    SimulationResult result;
    result.requests = config.requests;
    for (const auto &h : hosts)
        result.hosts.push_back({h.name, h.zone, h.up, h.vcpus, h.memoryMb, 0, 0, 0});

    // Flavor mix, cumulative weights in percent: tiny 30, small 35, medium 20, large 10,
    // xlarge 5.
    const int cumulative[] = {30, 65, 85, 95, 100};
    std::vector<Request> reqs(static_cast<std::size_t>(config.requests));
    EventQueue queue;
    // Arrival i has sequence number i; later events follow. Only the next arrival waits in
    // the queue (a small heap is a fast heap), and ties resolve as if all were queued at once.
    std::uint64_t seq = static_cast<std::uint64_t>(config.requests);
    const auto push = [&](double t, Ev kind, int r) {
        queue.push({t, seq++, kind, r});
    };

    double t = 0;
    for (int i = 0; i < config.requests; ++i) {
        t += exponential(rng, 1.0 / config.arrivalsPerSecond);
        auto &r = reqs[static_cast<std::size_t>(i)];
        const int roll = static_cast<int>(rng.below(100));
        int f = 0;
        while (roll >= cumulative[f])
            ++f;
        const InstanceType &type = instanceTypes()[static_cast<std::size_t>(f)];
        r.vcpus = type.vcpus;
        r.memoryMb = type.memoryMb;
        r.zone = static_cast<int>(rng.below(static_cast<std::uint64_t>(config.zones)));
        r.arrive = t;
    }
    queue.push({reqs.front().arrive, 0, Ev::Arrive, 0});

    double schedulerFree = 0, networkFree = 0;
    std::vector<double> computeFree(hosts.size(), 0.0);
    std::vector<std::vector<double>> samples(kPhaseCount);
    for (auto &s : samples)
        s.reserve(reqs.size());
    // The scheduler's decisions come from an index kept in step with the host table, one
    // ScheduleRequest per zone, and the zone as its number: no pass over the hosts and no
    // string work per decision.
    ScheduleIndex index(hosts);
    std::vector<ScheduleRequest> zoneRequests;
    std::vector<int> zoneIds;
    for (const auto &name : zoneNames) {
        zoneRequests.push_back({0, 0, 0, name});
        zoneIds.push_back(index.zoneId(name));
    }
    const auto release = [&](const Request &r) {
        auto &h = hosts[static_cast<std::size_t>(r.host)];
        h.usedVcpus -= r.vcpus;
        h.usedMemoryMb -= r.memoryMb;
        --h.instances;
        index.setUsedVcpus(static_cast<std::size_t>(r.host), h.usedVcpus);
    };

    double now = 0;
    while (!queue.empty()) {
        const Event e = queue.pop();
        now = e.t;
        auto &r = reqs[static_cast<std::size_t>(e.request)];
        switch (e.kind) {
        case Ev::Arrive: {
            if (e.request + 1 < config.requests)
                queue.push({reqs[static_cast<std::size_t>(e.request) + 1].arrive,
                            static_cast<std::uint64_t>(e.request) + 1, Ev::Arrive, e.request + 1});
            // API: authorization, quota, security group, MAC and host name: 5-15 ms.
            r.schedEnqueue = now + uniform(rng, 0.005, 0.015);
            const double start = std::max(r.schedEnqueue, schedulerFree);
            schedulerFree = start + uniform(rng, 0.001, 0.003);
            push(schedulerFree, Ev::SchedulerDone, e.request);
            break;
        }
        case Ev::SchedulerDone: {
            r.schedDone = now;
            samples[0].push_back(r.schedEnqueue - r.arrive);
            samples[1].push_back(r.schedDone - r.schedEnqueue);
            ScheduleRequest &sr = zoneRequests[static_cast<std::size_t>(r.zone)];
            sr.instanceId = e.request + 1;
            sr.vcpus = r.vcpus;
            sr.memoryMb = r.memoryMb;
            try {
                r.host = static_cast<int>(index.pick(config.scheduler, sr,
                                                     zoneIds[static_cast<std::size_t>(r.zone)],
                                                     schedRng, config.schedulerOptions));
            } catch (const NoValidHost &ex) {
                ++result.noValidHost;
                if (trace)
                    wb::record(trace,
                               events::SimNoValidHost{e.request + 1, ex.what(), now * 1000.0},
                               "request " + std::to_string(e.request + 1) + ": NoValidHost");
                break;
            }
            auto &h = hosts[static_cast<std::size_t>(r.host)];
            if (!h.fits(r.vcpus, r.memoryMb)) {
                // The compute worker cannot take it: the instance goes to error.
                ++result.computeRejected;
                if (trace)
                    wb::record(trace, events::SimRejected{e.request + 1, h.name, now * 1000.0},
                               "request " + std::to_string(e.request + 1) + ": " + h.name +
                                   " is full");
                r.host = -1;
                break;
            }
            h.usedVcpus += r.vcpus;
            h.usedMemoryMb += r.memoryMb;
            ++h.instances;
            index.setUsedVcpus(static_cast<std::size_t>(r.host), h.usedVcpus);
            auto &out = result.hosts[static_cast<std::size_t>(r.host)];
            out.peakVcpus = std::max(out.peakVcpus, h.usedVcpus);
            out.peakMemoryMb = std::max(out.peakMemoryMb, h.usedMemoryMb);
            if (trace)
                wb::record(trace,
                           events::SimSchedule{e.request + 1, h.name, h.usedVcpus, now * 1000.0},
                           "request " + std::to_string(e.request + 1) + " -> " + h.name);
            // The cast to compute.<host> through the broker: 1-2 ms.
            push(now + uniform(rng, 0.001, 0.002), Ev::ComputeArrive, e.request);
            break;
        }
        case Ev::ComputeArrive: {
            r.computeArrive = now;
            // rpc.call to the network controller, one request at a time: 3-8 ms service.
            const double start = std::max(now + 0.001, networkFree);
            networkFree = start + uniform(rng, 0.003, 0.008);
            push(networkFree + 0.001, Ev::NetworkDone, e.request);
            break;
        }
        case Ev::NetworkDone: {
            r.netDone = now;
            samples[2].push_back(r.netDone - r.computeArrive);
            r.bdmDone = now + uniform(rng, 0.010, 0.050);
            samples[3].push_back(r.bdmDone - r.netDone);
            // The host's compute worker spawns one instance at a time: image copies, nbd,
            // key injection, createXML: 2-8 s.
            auto &free = computeFree[static_cast<std::size_t>(r.host)];
            const double start = std::max(r.bdmDone, free);
            free = start + uniform(rng, 2.0, 8.0);
            push(free, Ev::Spawned, e.request);
            break;
        }
        case Ev::Spawned: {
            r.spawned = now;
            samples[4].push_back(r.spawned - r.bdmDone);
            ++result.placed;
            ++result.hosts[static_cast<std::size_t>(r.host)].placed;
            if (trace)
                wb::record(trace,
                           events::SimActive{e.request + 1,
                                             hosts[static_cast<std::size_t>(r.host)].name,
                                             now * 1000.0},
                           instanceName(e.request + 1) + " active on " +
                               hosts[static_cast<std::size_t>(r.host)].name);
            push(now + exponential(rng, config.meanLifetimeSeconds), Ev::Terminate, e.request);
            break;
        }
        case Ev::Terminate:
            release(r);
            break;
        }
    }
    result.failed = result.noValidHost + result.computeRejected;
    result.simulatedSeconds = now;
    for (int p = 0; p < kPhaseCount; ++p)
        result.phases.push_back(stats(kPhases[p], samples[static_cast<std::size_t>(p)]));
    return result;
}

} // namespace wb::nova
