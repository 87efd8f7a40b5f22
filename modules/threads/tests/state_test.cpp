// applyThreadsEvent rebuilds what the views draw from the trace alone.
#include "threads/core/scenarios.h"
#include "threads/core/state.h"

#include "workbench/core/cursor.h"

#include <gtest/gtest.h>

namespace {

using namespace wb::threads;

ScenarioOptions stepped(std::uint64_t seed)
{
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.seed = seed;
    return o;
}

TEST(ThreadsState, ReplayRebuildsConsoleFileAndThreadStates)
{
    wb::Trace trace;
    ScenarioRun run("fetch-nolock", stepped(2), trace);
    run.start();
    run.wait();
    wb::Replayer<ThreadsState> replay(trace, {}, applyThreadsEvent, 64);
    const ThreadsState &end = replay.stateAt(trace.size());
    EXPECT_EQ(end.console, run.console());
    for (const auto &f : run.summary().extra) {
        if (f.key == "file") {
            EXPECT_EQ(end.file, std::get<std::string>(f.value));
        }
    }
    EXPECT_EQ(end.fileWriters.size(), end.file.size());
    ASSERT_EQ(end.threads.size(), 2u);
    for (const auto &[n, t] : end.threads)
        EXPECT_EQ(t.state, ThreadState::Done) << t.name;

    // Somewhere in the middle a thread sleeps (the scripted fetch latency).
    bool sawSleeping = false;
    for (std::size_t p = 1; p <= trace.size() && !sawSleeping; ++p)
        for (const auto &[n, t] : replay.stateAt(p).threads)
            sawSleeping = sawSleeping || t.state == ThreadState::Sleeping;
    EXPECT_TRUE(sawSleeping);
}

TEST(ThreadsState, ConditionWaitersAndWaitingThreads)
{
    wb::Trace trace;
    runScenario("condition", stepped(0), trace);
    wb::Replayer<ThreadsState> replay(trace, {}, applyThreadsEvent);
    bool sawWaiting = false, sawWaiterListed = false;
    for (std::size_t p = 1; p <= trace.size(); ++p) {
        const ThreadsState &s = replay.stateAt(p);
        for (const auto &[n, t] : s.threads)
            if (t.state == ThreadState::Waiting) {
                sawWaiting = true;
                EXPECT_NE(t.on.find("condition.waiter#"), std::string::npos) << t.on;
            }
        auto it = s.primitives.find("condition");
        if (it != s.primitives.end() && !it->second.waiters.empty())
            sawWaiterListed = true;
    }
    EXPECT_TRUE(sawWaiting);
    EXPECT_TRUE(sawWaiterListed);
    // Stepping back gives the same state as stepping forward to that point.
    const ThreadsState mid = replay.stateAt(trace.size() / 2);
    replay.stateAt(trace.size());
    EXPECT_EQ(replay.stateAt(trace.size() / 2).console, mid.console);
    const ThreadsState &end = replay.stateAt(trace.size());
    EXPECT_TRUE(end.primitives.at("condition").waiters.empty());
    EXPECT_FALSE(end.primitives.at("condition.lock.block").locked);
}

TEST(ThreadsState, QueueItemsAndDeadlockCycle)
{
    wb::Trace trace;
    runScenario("queue", stepped(1), trace);
    wb::Replayer<ThreadsState> replay(trace, {}, applyThreadsEvent);
    std::size_t maxItems = 0;
    for (std::size_t p = 1; p <= trace.size(); ++p) {
        auto it = replay.stateAt(p).primitives.find("queue");
        if (it != replay.stateAt(p).primitives.end())
            maxItems = std::max(maxItems, it->second.items.size());
    }
    EXPECT_EQ(maxItems, 2u);

    wb::Trace dl;
    runScenario("deadlock", stepped(1), dl);
    wb::Replayer<ThreadsState> r2(dl, {}, applyThreadsEvent);
    const ThreadsState &s = r2.stateAt(dl.size());
    EXPECT_TRUE(s.deadlock);
    EXPECT_EQ(s.cycle.size(), 2u);
    int blocked = 0;
    for (const auto &[n, t] : s.threads)
        blocked += t.state == ThreadState::Blocked;
    EXPECT_EQ(blocked, 2);
}

} // namespace
