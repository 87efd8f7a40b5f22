#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace wb;

TEST(Trace, EventsAreNumberedInOrderWithTheirSourceLine)
{
    Trace t;
    const int line = __LINE__ + 1;
    t.add("resize", "list_resize to 4", {{"old", 0}, {"new", 4u}, {"moved", true}});
    t.add("append", "append 1", {{"value", std::int64_t{1}}});
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].seq, 0u);
    EXPECT_EQ(t[1].seq, 1u);
    EXPECT_EQ(t[0].kind, "resize");
    EXPECT_EQ(t[0].where.line, static_cast<std::uint32_t>(line));
    EXPECT_EQ(t[0].where.fileName(), "trace_test.cpp");
    EXPECT_EQ(t[0].intField("new"), 4);
    EXPECT_EQ(t[0].intField("moved"), 1);
    EXPECT_EQ(t[0].intField("missing", -7), -7);
    EXPECT_LE(t[0].tNs, t[1].tNs);
}

TEST(Trace, FindsNextAndPreviousOfAKind)
{
    Trace t;
    for (int i = 0; i < 10; ++i)
        t.add(i % 3 == 0 ? "merge" : "compare", "e");
    EXPECT_EQ(t.findNext("merge", 1), 3u);
    EXPECT_EQ(t.findNext("merge", 3), 3u);
    EXPECT_EQ(t.findPrevious("merge", 5), 3u);
    EXPECT_EQ(t.findPrevious("merge", 100), 9u);
    EXPECT_FALSE(t.findNext("nothing", 0));
    EXPECT_THROW(t.at(10), std::out_of_range);
}

TEST(Trace, LimitDropsAndCountsTheExcess)
{
    Trace t;
    t.setLimit(5);
    for (int i = 0; i < 8; ++i)
        t.add("x", "x");
    EXPECT_EQ(t.size(), 5u);
    EXPECT_EQ(t.dropped(), 3u);
}

TEST(Trace, StampedEventsKeepTheirRecordingTimeInOrder)
{
    const auto steadyNs = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    const std::int64_t before = steadyNs();
    Trace t; // its start lies between `before` and `after`
    const std::int64_t after = steadyNs();
    const std::int64_t recorded = after + 5'000'000; // 5 ms later
    Event first;
    first.kind = "late";
    t.appendStamped(std::move(first), recorded);
    Event second;
    second.kind = "earlier";
    t.appendStamped(std::move(second), recorded - 1'000'000); // stamped before the first
    ASSERT_EQ(t.size(), 2u);
    EXPECT_GE(t[0].tNs, recorded - after);
    EXPECT_LE(t[0].tNs, recorded - before);
    EXPECT_EQ(t[1].tNs, t[0].tNs); // never before the event it follows
    EXPECT_EQ(t[1].seq, 1u);
}

TEST(Trace, ConcurrentAppendsKeepEverySequenceNumberOnce)
{
    Trace t;
    constexpr int perThread = 20000;
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k)
        threads.emplace_back([&t, k] {
            for (int i = 0; i < perThread; ++i)
                t.add("op", "op", {{"i", i}}, k + 1);
        });
    // Read while writing: references stay valid.
    std::size_t seen = 0;
    while (seen < 1000) {
        if (t.size() > seen) {
            EXPECT_EQ(t.at(seen).seq, seen);
            ++seen;
        }
    }
    for (auto &th : threads)
        th.join();
    ASSERT_EQ(t.size(), 4u * perThread);
    std::vector<int> perWriter(5, 0);
    for (std::size_t i = 0; i < t.size(); ++i) {
        ASSERT_EQ(t[i].seq, i);
        EXPECT_EQ(t[i].intField("i"), perWriter[t[i].thread]++);
    }
}
