#include "workbench/core/cursor.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace wb;

namespace {
void fill(Trace &t, int n)
{
    for (int i = 0; i < n; ++i)
        t.add(i % 10 == 9 ? "tick" : "step", "e", {{"delta", i % 7}});
}
} // namespace

TEST(StepCursor, MovesForwardBackAndClamps)
{
    Trace t;
    fill(t, 5);
    StepCursor c(t);
    EXPECT_TRUE(c.atStart());
    EXPECT_EQ(c.current(), nullptr);
    EXPECT_FALSE(c.back());
    EXPECT_TRUE(c.forward());
    EXPECT_EQ(c.current()->seq, 0u);
    c.seek(100);
    EXPECT_EQ(c.position(), 5u);
    EXPECT_TRUE(c.atEnd());
    EXPECT_FALSE(c.forward());
    EXPECT_TRUE(c.back());
    EXPECT_EQ(c.position(), 4u);
    c.toStart();
    EXPECT_EQ(c.position(), 0u);
}

TEST(StepCursor, JumpsToNextAndPreviousEventOfAKind)
{
    Trace t;
    fill(t, 35); // ticks at 9, 19, 29
    StepCursor c(t);
    ASSERT_TRUE(c.nextOfKind("tick"));
    EXPECT_EQ(c.current()->seq, 9u);
    ASSERT_TRUE(c.nextOfKind("tick"));
    EXPECT_EQ(c.current()->seq, 19u);
    ASSERT_TRUE(c.previousOfKind("tick"));
    EXPECT_EQ(c.current()->seq, 9u);
    EXPECT_FALSE(c.previousOfKind("tick"));
    c.toEnd();
    ASSERT_TRUE(c.previousOfKind("tick"));
    EXPECT_EQ(c.current()->seq, 29u);
    EXPECT_FALSE(c.nextOfKind("tick") && c.nextOfKind("tick"));
}

TEST(StepCursor, FollowsALiveTraceAsItGrows)
{
    Trace t;
    StepCursor c(t);
    EXPECT_FALSE(c.forward());
    t.add("step", "late");
    EXPECT_TRUE(c.forward());
}

struct Sum
{
    std::int64_t total = 0;
    std::size_t applied = 0;
};

TEST(Replayer, StateAtAnyPositionEqualsAFreshReplay)
{
    Trace t;
    fill(t, 5000);
    Replayer<Sum> r(
        t, Sum{},
        [](Sum &s, const Event &e) {
            s.total += e.intField("delta");
            ++s.applied;
        },
        64);
    for (std::size_t p : {4999u, 17u, 5000u, 0u, 2500u, 2499u, 64u, 63u, 1u}) {
        std::int64_t expected = 0;
        for (std::size_t i = 0; i < p; ++i)
            expected += t[i].intField("delta");
        const Sum &s = r.stateAt(p);
        EXPECT_EQ(s.total, expected) << "at " << p;
        EXPECT_EQ(s.applied, p);
    }
    EXPECT_EQ(r.stateAt(99999).applied, 5000u);
}

TEST(Replayer, BackSteppingAMillionEventTraceTakesMilliseconds)
{
    Trace t;
    for (int i = 0; i < 1'000'000; ++i)
        t.add("step", "", {{"delta", 1}});
    std::size_t applied = 0;
    Replayer<std::int64_t> r(t, 0, [&applied](std::int64_t &s, const Event &e) {
        s += e.intField("delta");
        ++applied;
    });
    ASSERT_EQ(r.stateAt(t.size()), 1'000'000);
    // Every back step from the end costs at most one snapshot interval of re-application:
    // the bound is on work done, which does not depend on how busy the machine is.
    for (std::size_t p = t.size(); p-- > t.size() - 3000;) {
        applied = 0;
        ASSERT_EQ(r.stateAt(p), static_cast<std::int64_t>(p));
        ASSERT_LE(applied, 1024u);
    }
    applied = 0;
    EXPECT_EQ(r.stateAt(12345), 12345);
    EXPECT_LE(applied, 1024u);
}
