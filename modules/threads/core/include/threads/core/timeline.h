#pragma once
// The timeline of a threads trace: one lane per thread cut into segments of one state, the
// wake-up arrows between lanes, the console lines and the deadlock findings. Built event by
// event while the trace grows (never re-read), and shared by the GUI's timeline, inspector
// and blocked-time views:
//
//     wb::threads::TimelineData timeline;
//     timeline.update(trace);                      // consumes the events recorded since
//     auto totals = timeline.totalsAt(trace, 40, false);

#include "threads/core/runtime.h"

#include "workbench/core/trace.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wb::threads {

// A stretch of one thread's life in one state, in trace positions [start, end).
struct Segment
{
    std::int64_t start = 0;
    std::int64_t end = -1; // -1: still open (up to the newest event)
    ThreadState state = ThreadState::Running;
    std::string on; // the primitive it is blocked or waiting on
};

// "This release (or notify) woke that thread": drawn as an arrow between two lanes.
struct WakeArrow
{
    std::int64_t from = 0; // index of the release that caused it
    std::int64_t to = 0;   // index of the woken event
    int fromThread = 0;
    int toThread = 0;
    bool notify = false; // a condition's waiter lock released by notify()
};

struct Lane
{
    int thread = 0;
    std::vector<Segment> segments;
    std::vector<std::int64_t> events; // every event this thread recorded, in order
};

struct PrintLine
{
    std::int64_t index = 0;
    int thread = 0;
    std::string text;
};

// The lanes, arrows and console of a trace, consumed event by event (never re-read).
struct TimelineData
{
    std::map<int, Lane> lanes;                       // by thread number (1, 2, ...)
    std::vector<WakeArrow> arrows;                   // ordered by `to`
    std::vector<PrintLine> prints;                   // console lines, ordered by index
    std::vector<std::int64_t> deadlocks;             // indices of deadlock events
    std::map<std::int64_t, std::string> waiterNames; // waiter lock id -> "condition.waiter#2"
    std::int64_t processed = 0;

    void clear();
    // Consumes the events recorded since the last call.
    void update(const wb::Trace &trace);
    // How long each thread spent in each state up to `position` (events, or t_ns in ms).
    struct Totals
    {
        double running = 0, blocked = 0, waiting = 0, sleeping = 0;
    };
    std::map<int, Totals> totalsAt(const wb::Trace &trace, std::int64_t position,
                                   bool wallTime) const;
    // Console lines recorded before `position`.
    int printsBefore(std::int64_t position) const;
};

// The lane a thread is in after one of its events, given the lane it was in: the same rule
// as applyThreadsEvent (a deadlock finding leaves it where it was).
ThreadState laneStateAfter(const wb::Event &event, ThreadState before);

// The index of the last "write" event among the first `count` events, or -1.
std::int64_t lastWriteBefore(const wb::Trace &trace, std::int64_t count);

} // namespace wb::threads
