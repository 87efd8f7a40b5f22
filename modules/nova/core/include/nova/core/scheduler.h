#pragma once
// The three schedulers of the 2011 code base as pure functions over a host table.
//
//   chance  a random host among those that are up
//   zone    a random up host within the requested availability zone
//   simple  the up host with the fewest cores in use; if even that one would pass
//           max_cores (16), NoValidHost: every other host is at least as loaded
//
// None of them looks at memory, and chance and zone not even at cores: the compute worker
// finds out. A scheduler actor on the bus calls schedule() for each run_instance it takes.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb {
class Rng;
class Trace;
} // namespace wb

namespace wb::nova {

enum class SchedulerKind { Chance, Zone, Simple };
std::string_view schedulerName(SchedulerKind k); // "chance", "zone", "simple"
std::optional<SchedulerKind> parseSchedulerName(std::string_view name);

struct ComputeHost
{
    std::string name;
    std::string zone = "nova";
    bool up = true;
    int vcpus = 16; // physical capacity
    int memoryMb = 32768;
    int usedVcpus = 0; // what the database says is assigned to the host
    int usedMemoryMb = 0;
    int instances = 0;

    bool fits(int cpus, int mem) const
    {
        return usedVcpus + cpus <= vcpus && usedMemoryMb + mem <= memoryMb;
    }
};

struct ScheduleRequest
{
    std::int64_t instanceId = 0;
    int vcpus = 1;
    int memoryMb = 512;
    std::string zone = "nova"; // availability_zone of the request
};

struct SchedulerOptions
{
    int maxCores = 16; // simple scheduler's FLAGS.max_cores
};

// The exception the scheduler raised; on the bus it travels back as the call's failure.
class NoValidHost : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The index of the chosen host. Throws NoValidHost with Nova's reason ("No hosts found",
// "All hosts have too many cores") when there is none.
std::size_t schedule(SchedulerKind kind, const std::vector<ComputeHost> &hosts,
                     const ScheduleRequest &request, wb::Rng &rng,
                     const SchedulerOptions &options = {}, wb::Trace *trace = nullptr);

// The same decisions as schedule() for a caller that owns the host table and reports every
// change of a host's cores in use: the up hosts by zone (chance, zone) and, per count of cores
// in use, a bit set of the up hosts at that count (simple: the lowest count that has a host,
// its lowest index). A decision then costs about the number of distinct counts instead of a
// pass over every host. Up/down and zones are taken from the table at construction.
class ScheduleIndex
{
public:
    explicit ScheduleIndex(const std::vector<ComputeHost> &hosts);

    // The zone's number for pick(), or -1 when no host is in it.
    int zoneId(std::string_view zone) const;
    // After hosts[host].usedVcpus changed to used (>= 0).
    void setUsedVcpus(std::size_t host, int used);
    // schedule(kind, hosts, request, rng, options) on the table as reported; zone is
    // zoneId(request.zone) (only zone reads it). Throws NoValidHost with the same reasons.
    std::size_t pick(SchedulerKind kind, const ScheduleRequest &request, int zone, wb::Rng &rng,
                     const SchedulerOptions &options = {}) const;

private:
    std::vector<int> m_used; // per host
    std::vector<bool> m_up;
    std::vector<std::size_t> m_upHosts; // ascending
    std::vector<std::string> m_zoneNames;
    std::vector<std::vector<std::size_t>> m_zoneUpHosts; // per zone id, ascending
    std::size_t m_words = 0;                             // 64-bit words per level
    std::vector<std::uint64_t> m_levelBits; // level v at [v * m_words, (v + 1) * m_words)
    std::vector<std::size_t> m_levelCount;  // up hosts per level
    void move(std::size_t host, int from, int to);
};

} // namespace wb::nova
