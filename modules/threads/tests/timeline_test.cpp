// TimelineData cuts a seeded run into lanes, segments, wake-up arrows and console lines that
// agree exactly with the trace and with the state replay (applyThreadsEvent).
#include "threads/core/events.h"
#include "threads/core/scenarios.h"
#include "threads/core/state.h"
#include "threads/core/timeline.h"

#include "workbench/core/cursor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace wb::threads;

// Runs `scenario` step by step with a seeded chooser into `trace`.
Summary runSeeded(const std::string &scenario, std::uint64_t seed, wb::Trace &trace)
{
    ScenarioOptions options;
    options.mode = Mode::Step;
    options.seed = seed;
    return runScenario(scenario, options, trace);
}

// The timeline of a whole seeded run.
TimelineData timelineOf(const std::string &scenario, std::uint64_t seed, wb::Trace &trace)
{
    runSeeded(scenario, seed, trace);
    TimelineData timeline;
    timeline.update(trace);
    return timeline;
}

// The segment of `lane` that holds trace index `i`.
const Segment *segmentAt(const Lane &lane, std::int64_t i)
{
    for (const Segment &s : lane.segments)
        if (s.start <= i && (s.end < 0 || i < s.end))
            return &s;
    return nullptr;
}

void checkAgainstTrace(const std::string &scenario, std::uint64_t seed)
{
    SCOPED_TRACE(scenario + " seed " + std::to_string(seed));
    wb::Trace trace;
    const Summary summary = runSeeded(scenario, seed, trace);
    TimelineData timeline;
    timeline.update(trace);
    const auto n = static_cast<std::int64_t>(trace.size());
    ASSERT_GT(n, 0);
    EXPECT_EQ(timeline.processed, n);

    // Lanes: one per thread that recorded, holding exactly its events.
    std::map<int, std::vector<std::int64_t>> byThread;
    std::vector<std::string> printed;
    std::vector<std::int64_t> deadlocks;
    std::size_t woken = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        const wb::Event &e = trace.at(static_cast<std::size_t>(i));
        if (e.thread > 0)
            byThread[e.thread].push_back(i);
        if (const auto p = wb::as<events::Print>(e))
            printed.push_back(p->text);
        if (wb::as<events::Deadlock>(e))
            deadlocks.push_back(i);
        if (const auto w = wb::as<events::Woken>(e); w && w->cause && *w->cause >= 0)
            ++woken;
    }
    ASSERT_EQ(timeline.lanes.size(), byThread.size());
    for (const auto &[thread, indices] : byThread) {
        const Lane &lane = timeline.lanes.at(thread);
        EXPECT_EQ(lane.thread, thread);
        EXPECT_EQ(lane.events, indices);
        // Segments tile the lane from its first event on, each one state, the last open.
        ASSERT_FALSE(lane.segments.empty());
        EXPECT_EQ(lane.segments.front().start, indices.front());
        EXPECT_EQ(lane.segments.back().end, -1);
        for (std::size_t k = 0; k + 1 < lane.segments.size(); ++k) {
            EXPECT_EQ(lane.segments[k].end, lane.segments[k + 1].start);
            EXPECT_TRUE(lane.segments[k].state != lane.segments[k + 1].state ||
                        lane.segments[k].on != lane.segments[k + 1].on);
        }
    }

    // After each of a thread's events, its segment says what the state replay says.
    wb::Replayer<ThreadsState> replay(trace, {}, applyThreadsEvent, 16);
    for (std::int64_t i = 0; i < n; ++i) {
        const wb::Event &e = trace.at(static_cast<std::size_t>(i));
        if (e.thread <= 0 || wb::as<events::Deadlock>(e))
            continue;
        const ThreadView &t = replay.stateAt(static_cast<std::size_t>(i + 1)).threads.at(e.thread);
        const Segment *s = segmentAt(timeline.lanes.at(e.thread), i);
        ASSERT_NE(s, nullptr) << i;
        EXPECT_EQ(s->state, t.state) << "event " << i;
        EXPECT_EQ(s->on, t.on) << "event " << i;
    }

    // Arrows: one per woken event with a cause, from the causing event's thread.
    ASSERT_EQ(timeline.arrows.size(), woken);
    for (const WakeArrow &a : timeline.arrows) {
        EXPECT_LT(a.from, a.to);
        EXPECT_EQ(a.fromThread, trace.at(static_cast<std::size_t>(a.from)).thread);
        EXPECT_EQ(a.toThread, trace.at(static_cast<std::size_t>(a.to)).thread);
        const auto w = wb::as<events::Woken>(trace.at(static_cast<std::size_t>(a.to)));
        ASSERT_TRUE(w && w->cause);
        EXPECT_EQ(*w->cause, a.from);
    }

    // Console and deadlocks.
    std::vector<std::string> lines;
    for (const PrintLine &p : timeline.prints)
        lines.push_back(p.text);
    EXPECT_EQ(lines, printed);
    EXPECT_EQ(timeline.printsBefore(n), static_cast<int>(printed.size()));
    EXPECT_EQ(timeline.printsBefore(0), 0);
    EXPECT_EQ(timeline.deadlocks, deadlocks);
    EXPECT_EQ(summary.deadlock, !deadlocks.empty());

    // Totals in events: a finished thread's states add up to the span from its first event
    // to its exit; in between, the blocked share is the blocked segments' lengths.
    const auto totals = timeline.totalsAt(trace, n, false);
    for (const auto &[thread, lane] : timeline.lanes) {
        const auto &t = totals.at(thread);
        double blocked = 0;
        for (const Segment &s : lane.segments)
            if (s.state == ThreadState::Blocked)
                blocked += static_cast<double>((s.end < 0 ? n - 1 : s.end) - s.start);
        EXPECT_DOUBLE_EQ(t.blocked, blocked);
        if (lane.segments.back().state == ThreadState::Done) {
            EXPECT_DOUBLE_EQ(
                t.running + t.blocked + t.waiting + t.sleeping,
                static_cast<double>(lane.segments.back().start - lane.segments.front().start));
        }
    }
    EXPECT_TRUE(timeline.totalsAt(trace, 0, false).empty());

    // Consuming the trace a few events at a time builds the same timeline.
    wb::Trace partial;
    TimelineData grown;
    for (std::int64_t i = 0; i < n; ++i) {
        partial.append(trace.at(static_cast<std::size_t>(i)));
        if (i % 7 == 0)
            grown.update(partial);
    }
    grown.update(partial);
    EXPECT_EQ(grown.arrows.size(), timeline.arrows.size());
    EXPECT_EQ(grown.prints.size(), timeline.prints.size());
    for (const auto &[thread, lane] : timeline.lanes) {
        ASSERT_EQ(grown.lanes.at(thread).segments.size(), lane.segments.size());
        for (std::size_t k = 0; k < lane.segments.size(); ++k) {
            EXPECT_EQ(grown.lanes.at(thread).segments[k].start, lane.segments[k].start);
            EXPECT_EQ(grown.lanes.at(thread).segments[k].state, lane.segments[k].state);
        }
    }
}

TEST(ThreadsTimeline, EveryScenarioAgreesWithItsTrace)
{
    for (const ScenarioInfo &s : scenarios())
        for (std::uint64_t seed : {1u, 7u})
            checkAgainstTrace(s.id, seed);
}

TEST(ThreadsTimeline, LockHandOffDrawsAnArrowAndABlockedSegment)
{
    wb::Trace trace;
    const TimelineData timeline = timelineOf("fetch-lock", 1, trace);
    ASSERT_FALSE(timeline.arrows.empty());
    EXPECT_FALSE(timeline.arrows.front().notify);
    bool blockedOnLock = false;
    for (const auto &[n, lane] : timeline.lanes)
        for (const Segment &s : lane.segments)
            blockedOnLock = blockedOnLock || (s.state == ThreadState::Blocked && s.on == "lock");
    EXPECT_TRUE(blockedOnLock);
}

TEST(ThreadsTimeline, ConditionNotifyArrowsAndWaiterNames)
{
    wb::Trace trace;
    const TimelineData timeline = timelineOf("condition", 0, trace);
    EXPECT_FALSE(timeline.waiterNames.empty());
    for (const auto &[id, name] : timeline.waiterNames)
        EXPECT_NE(name.find(".waiter#"), std::string::npos) << name;
    bool notify = false;
    for (const WakeArrow &a : timeline.arrows)
        notify = notify || a.notify;
    EXPECT_TRUE(notify);
}

TEST(ThreadsTimeline, LaneStateAfterFollowsTheEvent)
{
    using wb::toEvent;
    EXPECT_EQ(laneStateAfter(toEvent(events::Blocked{.primitive = "lock", .layer = "Lock"}, ""),
                             ThreadState::Running),
              ThreadState::Blocked);
    EXPECT_EQ(
        laneStateAfter(
            toEvent(events::Blocked{.primitive = "c.waiter#1", .layer = "Lock", .waiter = true},
                    ""),
            ThreadState::Running),
        ThreadState::Waiting);
    EXPECT_EQ(laneStateAfter(toEvent(events::Sleep{.primitive = "thread", .layer = "thread"}, ""),
                             ThreadState::Running),
              ThreadState::Sleeping);
    EXPECT_EQ(laneStateAfter(toEvent(events::Exit{.primitive = "thread", .layer = "thread"}, ""),
                             ThreadState::Running),
              ThreadState::Done);
    EXPECT_EQ(
        laneStateAfter(toEvent(events::Deadlock{.primitive = "runtime", .layer = "runtime"}, ""),
                       ThreadState::Blocked),
        ThreadState::Blocked);
    EXPECT_EQ(laneStateAfter(toEvent(events::Released{.primitive = "lock", .layer = "Lock"}, ""),
                             ThreadState::Blocked),
              ThreadState::Running);
}

TEST(ThreadsTimeline, LastWriteBefore)
{
    wb::Trace trace;
    runSeeded("fetch-nolock", 1, trace);
    const auto n = static_cast<std::int64_t>(trace.size());
    std::int64_t last = -1;
    for (std::int64_t i = 0; i < n; ++i)
        if (trace.at(static_cast<std::size_t>(i)).kind == "write")
            last = i;
    ASSERT_GE(last, 0);
    EXPECT_EQ(lastWriteBefore(trace, n), last);
    EXPECT_LT(lastWriteBefore(trace, last), last);
    EXPECT_EQ(lastWriteBefore(trace, 0), -1);
}

} // namespace
