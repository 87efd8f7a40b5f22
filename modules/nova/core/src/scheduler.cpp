#include "nova/core/scheduler.h"

#include "nova/core/events.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <bit>
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

std::size_t leastLoadedHost(const std::vector<ComputeHost> &hosts, const ScheduleRequest &request,
                            const SchedulerOptions &options)
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
                     const ScheduleRequest &request, wb::Rng &rng, const SchedulerOptions &options,
                     wb::Trace *trace)
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
            wb::record(trace,
                       events::NoValidHost{std::string(schedulerName(kind)), request.instanceId,
                                           e.what()},
                       std::string("NoValidHost: ") + e.what());
        throw;
    }
    if (trace) {
        const auto &h = hosts[chosen];
        wb::record(trace,
                   events::Schedule{std::string(schedulerName(kind)), request.instanceId, h.name,
                                    h.zone, h.usedVcpus, "compute." + h.name},
                   std::string(schedulerName(kind)) + " picked " + h.name);
    }
    return chosen;
}

ScheduleIndex::ScheduleIndex(const std::vector<ComputeHost> &hosts)
    : m_used(hosts.size(), 0), m_up(hosts.size()), m_words((hosts.size() + 63) / 64)
{
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        const ComputeHost &h = hosts[i];
        if (h.usedVcpus < 0)
            throw std::invalid_argument("cores in use must not be negative: " + h.name);
        int zone = zoneId(h.zone);
        if (zone < 0) {
            zone = static_cast<int>(m_zoneNames.size());
            m_zoneNames.push_back(h.zone);
            m_zoneUpHosts.emplace_back();
        }
        m_up[i] = h.up;
        if (!h.up)
            continue;
        m_upHosts.push_back(i);
        m_zoneUpHosts[static_cast<std::size_t>(zone)].push_back(i);
        move(i, -1, h.usedVcpus);
    }
}

int ScheduleIndex::zoneId(std::string_view zone) const
{
    for (std::size_t z = 0; z < m_zoneNames.size(); ++z)
        if (m_zoneNames[z] == zone)
            return static_cast<int>(z);
    return -1;
}

void ScheduleIndex::move(std::size_t host, int from, int to)
{
    m_used[host] = to;
    if (!m_up[host])
        return;
    const std::uint64_t bit = std::uint64_t{1} << (host % 64);
    if (from >= 0) {
        const auto level = static_cast<std::size_t>(from);
        m_levelBits[level * m_words + host / 64] &= ~bit;
        --m_levelCount[level];
    }
    const auto level = static_cast<std::size_t>(to);
    if (level >= m_levelCount.size()) {
        m_levelCount.resize(level + 1, 0);
        m_levelBits.resize((level + 1) * m_words, 0);
    }
    m_levelBits[level * m_words + host / 64] |= bit;
    ++m_levelCount[level];
}

void ScheduleIndex::setUsedVcpus(std::size_t host, int used)
{
    if (used < 0)
        throw std::invalid_argument("cores in use must not be negative");
    move(host, m_used[host], used);
}

std::size_t ScheduleIndex::pick(SchedulerKind kind, const ScheduleRequest &request, int zone,
                                wb::Rng &rng, const SchedulerOptions &options) const
{
    switch (kind) {
    case SchedulerKind::Chance:
        if (m_upHosts.empty())
            throw NoValidHost("No hosts found");
        return m_upHosts[rng.below(m_upHosts.size())];
    case SchedulerKind::Zone: {
        if (zone < 0 || m_zoneUpHosts[static_cast<std::size_t>(zone)].empty())
            throw NoValidHost("No hosts found in availability zone " + request.zone);
        const auto &up = m_zoneUpHosts[static_cast<std::size_t>(zone)];
        return up[rng.below(up.size())];
    }
    case SchedulerKind::Simple:
        break;
    }
    if (m_upHosts.empty())
        throw NoValidHost("No hosts found");
    std::size_t level = 0;
    while (m_levelCount[level] == 0)
        ++level;
    if (static_cast<int>(level) + request.vcpus > options.maxCores)
        throw NoValidHost("All hosts have too many cores");
    const std::uint64_t *words = &m_levelBits[level * m_words];
    std::size_t w = 0;
    while (words[w] == 0)
        ++w;
    return w * 64 + static_cast<std::size_t>(std::countr_zero(words[w]));
}

} // namespace wb::nova
