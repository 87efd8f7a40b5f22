// The Runtime's gate: step-mode scheduling, deadlock detection, stopping.
#include "threads/core/classic.h"
#include "threads/core/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace wb::threads;
using Clock = std::chrono::steady_clock;

TEST(ThreadsRuntime, ThreadsAreNamedInSpawnOrder)
{
    EXPECT_EQ(threadName(0), "MainThread");
    EXPECT_EQ(threadName(3), "Thread-3");
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step, 5);
    EXPECT_EQ(rt.spawn([] {}), 5);
    EXPECT_EQ(rt.spawn([] {}), 6);
    rt.run();
    std::vector<int> started;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (trace[i].kind == "start")
            started.push_back(trace[i].thread);
    EXPECT_EQ(started.size(), 2u);
}

TEST(ThreadsRuntime, StepModeRunsOneThreadAtATime)
{
    // Each thread increments a plain counter between two instrumented points, yielding in
    // the middle; in step mode nobody else runs in between, so no increment is lost.
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step);
    rt.setSeed(42);
    classic::Lock marker(&rt, "marker");
    int counter = 0;
    for (int t = 0; t < 3; ++t)
        rt.spawn([&] {
            for (int i = 0; i < 50; ++i) {
                rt.print("tick");
                const int seen = counter;
                std::this_thread::yield();
                counter = seen + 1;
            }
        });
    rt.run();
    EXPECT_EQ(counter, 150);
    EXPECT_FALSE(rt.deadlock());
}

TEST(ThreadsRuntime, SelfDeadlockOnALockIsDetected)
{
    wb::Trace trace;
    for (Mode mode : {Mode::Step, Mode::Free}) {
        Runtime rt(&trace, mode);
        classic::Lock lock(&rt, "lock");
        rt.spawn([&] {
            lock.acquire();
            lock.acquire();
        });
        rt.run();
        auto d = rt.deadlock();
        ASSERT_TRUE(d) << toString(mode);
        EXPECT_FALSE(d->global);
        EXPECT_EQ(d->threads, std::vector<int>({1}));
        EXPECT_EQ(d->primitives, std::vector<std::string>({"lock"}));
    }
}

TEST(ThreadsRuntime, TwoLocksInOppositeOrderFormACycle)
{
    for (Mode mode : {Mode::Step, Mode::Free}) {
        wb::Trace trace;
        Runtime rt(&trace, mode);
        rt.setRealSecond(std::chrono::milliseconds(50));
        classic::Lock a(&rt, "a"), b(&rt, "b");
        rt.spawn([&] {
            a.acquire();
            rt.sleep(1);
            b.acquire();
        });
        rt.spawn([&] {
            b.acquire();
            rt.sleep(1);
            a.acquire();
        });
        rt.run();
        auto d = rt.deadlock();
        ASSERT_TRUE(d) << toString(mode);
        EXPECT_EQ(d->threads.size(), 2u);
        std::size_t deadlockEvents = 0;
        for (std::size_t i = 0; i < trace.size(); ++i)
            deadlockEvents += trace[i].kind == "deadlock";
        EXPECT_EQ(deadlockEvents, 1u);
    }
}

TEST(ThreadsRuntime, EveryoneWaitingWithNobodyToNotifyIsAGlobalDeadlock)
{
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step);
    classic::Condition cond(&rt, nullptr, "cond");
    rt.spawn([&] {
        cond.acquire();
        cond.wait(); // nobody will notify
    });
    rt.run();
    auto d = rt.deadlock();
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->global);
}

TEST(ThreadsRuntime, WokenEventsNameTheReleaseThatCausedThem)
{
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step);
    rt.setSeed(3);
    classic::Lock lock(&rt, "lock");
    for (int t = 0; t < 3; ++t)
        rt.spawn([&] {
            lock.acquire();
            rt.sleep(0.1);
            lock.release();
        });
    rt.run();
    std::size_t woken = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const wb::Event &e = trace[i];
        if (e.kind != "woken" || e.stringField("primitive") != "lock")
            continue;
        ++woken;
        const std::int64_t cause = e.intField("cause", -1);
        ASSERT_GE(cause, 0);
        ASSERT_LT(std::size_t(cause), i);
        EXPECT_EQ(trace[cause].kind, "released");
        EXPECT_EQ(trace[cause].stringField("primitive"), "lock");
        EXPECT_NE(trace[cause].thread, e.thread);
    }
    EXPECT_GE(woken, 2u); // three threads, one lock, held across a sleep
}

TEST(ThreadsRuntime, TimedAcquireTimesOutInVirtualTime)
{
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step);
    classic::Lock lock(&rt, "lock");
    bool got = true;
    rt.spawn([&] {
        lock.acquire();
        rt.sleep(10);
        lock.release();
    });
    rt.spawn([&] {
        rt.sleep(1);
        got = lock.acquire(true, 2);
    });
    rt.run();
    EXPECT_FALSE(got);
    EXPECT_FALSE(rt.deadlock());
}

TEST(ThreadsRuntime, ManualChoiceLetsTheCallerPickWhoGoesNext)
{
    wb::Trace trace;
    Runtime rt(&trace, Mode::Step);
    rt.setManualChoice(true);
    std::vector<int> order; // written by whichever thread holds the turn
    for (int t = 0; t < 2; ++t)
        rt.spawn([&] {
            for (int i = 0; i < 3; ++i) {
                rt.print("step");
                order.push_back(rt.currentThread());
            }
        });
    rt.start();
    // Always pick the highest-numbered parked thread: Thread-2 must finish first.
    const auto end = Clock::now() + std::chrono::seconds(10);
    bool sawChoice = false;
    for (;;) {
        auto p = rt.parked();
        if (p.empty()) {
            bool done = true;
            for (const auto &t : rt.threads())
                done = done && t.state == ThreadState::Done;
            if (done || Clock::now() > end)
                break;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            continue;
        }
        EXPECT_FALSE(rt.choose(99));
        sawChoice = sawChoice || p.size() == 2;
        ASSERT_TRUE(rt.choose(p.back().number));
    }
    rt.join();
    EXPECT_TRUE(sawChoice);
    EXPECT_EQ(order, std::vector<int>({2, 2, 2, 1, 1, 1}));
}

TEST(ThreadsRuntime, RecordsFromManyThreadsReachTheTraceInSeqOrderWhileItIsFlushed)
{
    // Four writers cross several chunk boundaries (lists and texts use the word area too)
    // while another thread flushes; every event arrives once, at the position of its seq,
    // decoded with its thread's own numbers in the order that thread recorded them.
    constexpr int kWriters = 4, kEach = 3000;
    wb::Trace trace;
    std::vector<std::vector<std::int64_t>> seqs(kWriters);
    {
        Runtime rt(&trace);
        const PrimitiveRef ref = rt.ref(rt.addPrimitive("q", "Queue"));
        std::atomic<bool> done{false};
        std::thread flusher([&] {
            while (!done.load())
                rt.flush();
        });
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w)
            writers.emplace_back([&, w] {
                const std::vector<std::int64_t> items = {w, w + 1};
                for (int i = 0; i < kEach; ++i)
                    seqs[w].push_back(
                        i % 2 ? rt.recordList(Form::QueuePut, ref, {w, 0, i}, items)
                              : rt.recordText(Form::Print, ref, {}, "line " + std::to_string(i)));
            });
        for (auto &t : writers)
            t.join();
        done = true;
        flusher.join();
        rt.flush();
    }
    ASSERT_EQ(trace.size(), std::size_t(kWriters * kEach));
    for (int w = 0; w < kWriters; ++w)
        for (int i = 0; i < kEach; ++i) {
            if (i) {
                EXPECT_LT(seqs[w][i - 1], seqs[w][i]);
            }
            const wb::Event &e = trace[std::size_t(seqs[w][i])];
            EXPECT_EQ(e.seq, std::uint64_t(seqs[w][i]));
            if (i % 2) {
                ASSERT_EQ(e.kind, "put");
                EXPECT_EQ(e.intField("item"), i);
                EXPECT_EQ(e.intField("unfinished"), w);
                EXPECT_EQ(e.label, "MainThread puts " + std::to_string(i) + " into q");
                const auto *items = std::get_if<std::vector<std::int64_t>>(e.field("items"));
                ASSERT_TRUE(items);
                EXPECT_EQ(*items, std::vector<std::int64_t>({w, w + 1}));
            } else {
                ASSERT_EQ(e.kind, "print");
                EXPECT_EQ(e.stringField("text"), "line " + std::to_string(i));
            }
        }
}

TEST(ThreadsRuntime, StopWakesBlockedSleepingAndParkedThreadsWithinOneSecond)
{
    for (Mode mode : {Mode::Free, Mode::Step}) {
        wb::Trace trace;
        Runtime rt(&trace, mode);
        rt.setManualChoice(true); // step mode: nobody is ever chosen
        classic::Lock lock(&rt, "lock");
        classic::Queue queue(&rt, 1, "queue");
        lock.acquire(); // held by the test thread: the Runtime's threads block on it
        rt.spawn([&] { lock.acquire(); });
        rt.spawn([&] { rt.sleep(3600); });
        rt.spawn([&] { queue.get(); });
        rt.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto t0 = Clock::now();
        rt.stop();
        rt.join();
        EXPECT_LT(Clock::now() - t0, std::chrono::seconds(1)) << toString(mode);
        lock.release();
    }
}

} // namespace
