#pragma once
// Internal: what the scenarios share. The runner and the lessons' scenarios are in
// scenarios.cpp, the playground (a script run on the classic primitives) in
// scenarios_playground.cpp.

#include "threads/core/playground.h"
#include "threads/core/scenarios.h"

#include "workbench/core/rng.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace wb::threads {

struct ScenarioRun::Shared
{
    std::string id;
    ScenarioOptions options;
    wb::Trace *trace = nullptr;

    mutable std::mutex mutex;
    std::condition_variable cv;
    Runtime *current = nullptr; // the phase running now
    bool stopRequested = false;
    bool finished = false;
    Summary summary;
    std::vector<std::string> console;
    int nextThread = 1; // Python numbers threads across the whole program
    std::uint64_t phases = 0;
    wb::Rng values{0};            // random.randint, seeded
    std::optional<Script> script; // playground
};

namespace detail {

using Shared = ScenarioRun::Shared;

// One run of threads inside a scenario. Scenarios with several parts (a broken version and
// its fix) use one Phase per part; thread numbers continue across them.
class Phase
{
public:
    explicit Phase(Shared &s);
    ~Phase();
    Runtime &rt() { return m_rt; }
    // Starts the threads and waits for them (or for a stop).
    void run() { m_rt.run(); }
    // Main-thread console line between runs (not gated, so it cannot reorder anything).
    void say(const std::string &line);
    std::optional<Deadlock> deadlock() const { return m_rt.deadlock(); }

private:
    Shared &m_s;
    Runtime m_rt;
};

bool stopped(Shared &s);
std::string me(Runtime &rt);
std::int64_t randint(Shared &s);
void setExtra(Shared &s, std::string key, wb::Value v);

// The playground: the script in s.script, run on one Phase.
void playgroundScenario(Shared &s);

} // namespace detail

} // namespace wb::threads
