// The brief's scenarios: their lessons hold, and a seed fixes the interleaving exactly.
#include "threads/core/scenarios.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace {

using namespace wb::threads;
using Clock = std::chrono::steady_clock;

ScenarioOptions stepped(std::uint64_t seed)
{
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.seed = seed;
    return o;
}

const wb::Value *extra(const Summary &s, std::string_view key)
{
    for (const auto &f : s.extra)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

std::int64_t extraInt(const Summary &s, std::string_view key)
{
    const wb::Value *v = extra(s, key);
    if (!v)
        return -999;
    if (auto i = std::get_if<std::int64_t>(v))
        return *i;
    if (auto b = std::get_if<bool>(v))
        return *b;
    return -998;
}

// Everything but the timestamps.
std::vector<std::string> signature(const wb::Trace &trace)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const wb::Event &e = trace[i];
        std::string line = std::to_string(e.thread) + "|" + e.kind + "|" + e.label + "|" +
                           std::to_string(e.where.line);
        for (const auto &f : e.fields)
            if (auto s = std::get_if<std::string>(&f.value))
                line += "|" + f.key + "=" + *s;
            else if (auto n = std::get_if<std::int64_t>(&f.value))
                line += "|" + f.key + "=" + std::to_string(*n);
        out.push_back(line);
    }
    return out;
}

TEST(ThreadsScenarios, ListIsTheBriefs)
{
    std::vector<std::string> ids;
    for (const auto &s : scenarios())
        ids.push_back(s.id);
    EXPECT_EQ(ids, std::vector<std::string>({"fetch-nolock", "fetch-lock", "rlock", "condition",
                                             "semaphore", "bounded-semaphore", "event", "queue",
                                             "deadlock", "playground"}));
    EXPECT_FALSE(isScenario("nope"));
    wb::Trace trace;
    EXPECT_THROW(ScenarioRun("nope", {}, trace), std::invalid_argument);
}

TEST(ThreadsScenarios, SameSeedGivesTheSameEventSequence)
{
    for (const auto &info : scenarios()) {
        for (std::uint64_t seed : {1u, 77u}) {
            wb::Trace a, b;
            runScenario(info.id, stepped(seed), a);
            runScenario(info.id, stepped(seed), b);
            ASSERT_GT(a.size(), 10u) << info.id;
            EXPECT_EQ(signature(a), signature(b)) << info.id << " seed " << seed;
        }
    }
}

TEST(ThreadsScenarios, DifferentSeedsExploreDifferentInterleavings)
{
    std::set<std::vector<std::string>> seen;
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
        wb::Trace t;
        runScenario("fetch-nolock", stepped(seed), t);
        seen.insert(signature(t));
    }
    EXPECT_GT(seen.size(), 1u);
}

TEST(ThreadsScenarios, FetchWithoutLockInterleavesForEverySeed)
{
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        wb::Trace t;
        const Summary s = runScenario("fetch-nolock", stepped(seed), t);
        EXPECT_EQ(s.maxConcurrentWriters, 2) << seed;
        EXPECT_GT(extraInt(s, "writer_runs"), 4) << seed;
        EXPECT_EQ(std::get<std::string>(*extra(s, "file")).size(), 160u);
    }
}

TEST(ThreadsScenarios, FetchWithLockKeepsPagesWhole)
{
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
        wb::Trace t;
        const Summary s = runScenario("fetch-lock", stepped(seed), t);
        EXPECT_EQ(s.maxConcurrentWriters, 1) << seed;
        EXPECT_EQ(extraInt(s, "writer_runs"), 4) << seed;
    }
    wb::Trace t;
    const Summary s = runScenario("fetch-lock", {}, t); // free mode, real threads
    EXPECT_EQ(s.maxConcurrentWriters, 1);
}

TEST(ThreadsScenarios, ConditionReproducesTheBriefsTraceForSomeSeed)
{
    const std::vector<std::string> brief = {
        "condition acquired by Thread-1",   "159 appended to list by Thread-1",
        "condition notified by Thread-1",   "condition released by Thread-1",
        "condition acquired by Thread-2",   "159 popped from list by Thread-2",
        "condition released by Thread-2",   "condition acquired by Thread-2",
        "condition wait by Thread-2",       "condition acquired by Thread-1",
        "116 appended to list by Thread-1", "condition notified by Thread-1",
        "condition released by Thread-1",   "116 popped from list by Thread-2",
        "condition released by Thread-2"};
    bool reproduced = false;
    for (std::uint64_t seed = 0; seed < 16; ++seed) {
        wb::Trace t;
        ScenarioRun run("condition", stepped(seed), t);
        run.start();
        run.wait();
        const Summary s = run.summary();
        EXPECT_EQ(s.produced, 2);
        EXPECT_EQ(s.consumed, 2);
        reproduced = reproduced || run.console() == brief;
    }
    EXPECT_TRUE(reproduced);
}

TEST(ThreadsScenarios, RLockScenarioShowsSelfDeadlockAndTheOwnerRule)
{
    for (std::uint64_t seed : {0u, 5u}) {
        wb::Trace t;
        const Summary s = runScenario("rlock", stepped(seed), t);
        EXPECT_TRUE(s.deadlock);
        EXPECT_EQ(s.cycle, std::vector<std::string>({"Thread-1"}));
        EXPECT_EQ(s.error, "cannot release un-acquired lock");
        EXPECT_EQ(s.errorType, "RuntimeError");
    }
}

TEST(ThreadsScenarios, DeadlockScenarioReportsTheCycle)
{
    for (std::uint64_t seed : {0u, 1u, 2u}) {
        wb::Trace t;
        const Summary s = runScenario("deadlock", stepped(seed), t);
        ASSERT_TRUE(s.deadlock);
        std::set<std::string> cycle(s.cycle.begin(), s.cycle.end());
        EXPECT_EQ(cycle, std::set<std::string>({"Thread-1", "Thread-2"}));
    }
}

TEST(ThreadsScenarios, SemaphoreNeverAdmitsMoreThanItsPermits)
{
    for (std::uint64_t seed : {0u, 9u}) {
        wb::Trace t;
        const Summary s = runScenario("semaphore", stepped(seed), t);
        EXPECT_EQ(extraInt(s, "max_in_use"), 2);
        EXPECT_GE(extraInt(s, "min_value"), 0);
        EXPECT_FALSE(s.deadlock);
    }
}

TEST(ThreadsScenarios, BoundedSemaphoreOverRelease)
{
    wb::Trace t;
    const Summary s = runScenario("bounded-semaphore", stepped(4), t);
    EXPECT_EQ(s.error, "Semaphore released too many times");
    EXPECT_EQ(s.errorType, "ValueError");
    EXPECT_EQ(extraInt(s, "value"), 2);
}

TEST(ThreadsScenarios, EventPulseLosesItemsAndTheConditionFixDoesNot)
{
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
        wb::Trace t;
        const Summary s = runScenario("event", stepped(seed), t);
        ASSERT_TRUE(s.produced && s.consumed);
        EXPECT_EQ(*s.produced, 4);
        EXPECT_LT(*s.consumed, *s.produced) << "the busy consumer misses a pulse, seed " << seed;
        EXPECT_EQ(extraInt(s, "left_in_list"), *s.produced - *s.consumed);
        EXPECT_EQ(extraInt(s, "fix_produced"), 4);
        EXPECT_EQ(extraInt(s, "fix_consumed"), 4);
    }
}

TEST(ThreadsScenarios, QueueDeliversEverythingAndRejectsAnExtraTaskDone)
{
    for (std::uint64_t seed : {0u, 3u}) {
        wb::Trace t;
        const Summary s = runScenario("queue", stepped(seed), t);
        EXPECT_EQ(s.produced, 5);
        EXPECT_EQ(s.consumed, 5);
        EXPECT_LE(extraInt(s, "max_size_seen"), 2);
        EXPECT_EQ(s.error, "task_done() called too many times");
        EXPECT_EQ(extraInt(s, "unfinished_tasks"), 0);
        bool putBlocked = false;
        for (std::size_t i = 0; i < t.size(); ++i)
            putBlocked = putBlocked || (t[i].kind == "wait" &&
                                        t[i].stringField("primitive") == "queue.not_full");
        EXPECT_TRUE(putBlocked) << "a bounded queue of 2 makes the fast producer wait";
    }
}

TEST(ThreadsScenarios, EveryScenarioStopsAndJoinsWithinOneSecond)
{
    for (const auto &info : scenarios()) {
        for (int variant = 0; variant < 3; ++variant) {
            ScenarioOptions o;
            if (variant == 1) {
                o.mode = Mode::Step;
                o.manualChoice = true; // parked forever unless stopped
            } else if (variant == 2) {
                o.realSecond = std::chrono::seconds(10); // long real sleeps
            }
            wb::Trace t;
            ScenarioRun run(info.id, o, t);
            run.start();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            const auto t0 = Clock::now();
            run.stop();
            run.wait();
            EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1))
                << info.id << " variant " << variant;
            EXPECT_TRUE(run.finished());
        }
    }
}

TEST(ThreadsScenarios, ManualStepModeRunsToTheEndWhenTheCallerKeepsChoosing)
{
    wb::Trace t;
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.manualChoice = true;
    ScenarioRun run("queue", o, t);
    run.start();
    const auto end = Clock::now() + std::chrono::seconds(20);
    while (!run.finished() && Clock::now() < end) {
        auto parked = run.parked();
        if (parked.empty())
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        else
            run.choose(parked.front().number); // the lowest-numbered thread first
    }
    run.wait();
    const Summary s = run.summary();
    EXPECT_EQ(s.consumed, 5);
    EXPECT_FALSE(s.stopped);
}

} // namespace
