#include "threads/core/timeline.h"

#include "threads/core/events.h"

#include <algorithm>
#include <type_traits>

namespace wb::threads {

ThreadState laneStateAfter(const wb::Event &event, ThreadState before)
{
    ThreadState after = ThreadState::Running;
    events::ThreadsEvents::visit(event, [&](const auto &e) {
        using E = std::remove_cvref_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::Blocked>)
            after = e.waiter ? ThreadState::Waiting : ThreadState::Blocked;
        else if constexpr (std::is_same_v<E, events::Sleep>)
            after = ThreadState::Sleeping;
        else if constexpr (std::is_same_v<E, events::Exit> || std::is_same_v<E, events::Error>)
            after = ThreadState::Done;
        else if constexpr (std::is_same_v<E, events::Deadlock>)
            after = before;
    });
    return after;
}

std::int64_t lastWriteBefore(const wb::Trace &trace, std::int64_t count)
{
    const auto n = std::min<std::int64_t>(count, static_cast<std::int64_t>(trace.size()));
    for (std::int64_t i = n - 1; i >= 0; --i)
        if (wb::as<events::Write>(trace.at(static_cast<std::size_t>(i))))
            return i;
    return -1;
}

void TimelineData::clear()
{
    *this = TimelineData{};
}

namespace {

// The name every event of the threads core is recorded under (empty for an unknown kind).
std::string primitiveOf(const wb::Event &event)
{
    std::string primitive;
    events::ThreadsEvents::visit(event, [&](const auto &e) { primitive = e.primitive; });
    return primitive;
}

} // namespace

void TimelineData::update(const wb::Trace &trace)
{
    const auto n = static_cast<std::int64_t>(trace.size());
    for (; processed < n; ++processed) {
        const wb::Event &e = trace.at(static_cast<std::size_t>(processed));
        std::optional<events::Woken> woken;
        events::ThreadsEvents::visit(
            e, wb::Overloaded{
                   [&](const events::Deadlock &) { deadlocks.push_back(processed); },
                   [&](const events::Wait &w) {
                       if (w.waiter >= 0)
                           waiterNames[w.waiter] = w.waiterName;
                   },
                   [&](const events::Print &p) {
                       prints.push_back({processed, e.thread, p.text});
                   },
                   [&](const events::Woken &w) { woken = w; },
                   [](const auto &) {},
               });
        if (e.thread <= 0)
            continue;
        Lane &lane = lanes[e.thread];
        lane.thread = e.thread;
        lane.events.push_back(processed);
        const ThreadState before =
            lane.segments.empty() ? ThreadState::Starting : lane.segments.back().state;
        const ThreadState after = laneStateAfter(e, before);
        std::string on;
        if (after == ThreadState::Blocked || after == ThreadState::Waiting)
            on = primitiveOf(e);
        if (lane.segments.empty() || after != before || on != lane.segments.back().on) {
            if (!lane.segments.empty())
                lane.segments.back().end = processed;
            lane.segments.push_back({processed, -1, after, on});
        }
        if (woken) {
            const std::int64_t cause = woken->cause.value_or(-1);
            if (cause >= 0 && cause < processed) {
                const wb::Event &c = trace.at(static_cast<std::size_t>(cause));
                const bool notify = primitiveOf(c).find(".waiter#") != std::string::npos;
                arrows.push_back({cause, processed, c.thread, e.thread, notify});
            }
        }
    }
}

std::map<int, TimelineData::Totals>
TimelineData::totalsAt(const wb::Trace &trace, std::int64_t position, bool wallTime) const
{
    std::map<int, Totals> out;
    if (position <= 0)
        return out;
    const std::int64_t size =
        std::min<std::int64_t>(position, static_cast<std::int64_t>(trace.size()));
    auto timeOf = [&](std::int64_t index) -> double {
        if (!wallTime)
            return static_cast<double>(index);
        // The moment an event happened; "now" at the cursor is the last applied event.
        const std::int64_t i = std::clamp<std::int64_t>(index, 0, size - 1);
        return static_cast<double>(trace.at(static_cast<std::size_t>(i)).tNs) / 1e6;
    };
    for (const auto &[number, lane] : lanes) {
        Totals &t = out[number];
        for (const Segment &s : lane.segments) {
            if (s.start >= size)
                break;
            const std::int64_t end = s.end < 0 ? size - 1 : std::min(s.end, size - 1);
            const double d = std::max(0.0, timeOf(end) - timeOf(s.start));
            switch (s.state) {
            case ThreadState::Blocked:
                t.blocked += d;
                break;
            case ThreadState::Waiting:
                t.waiting += d;
                break;
            case ThreadState::Sleeping:
                t.sleeping += d;
                break;
            case ThreadState::Done:
                break;
            default:
                t.running += d;
                break;
            }
        }
    }
    return out;
}

int TimelineData::printsBefore(std::int64_t position) const
{
    const auto it =
        std::lower_bound(prints.begin(), prints.end(), position,
                         [](const PrintLine &p, std::int64_t pos) { return p.index < pos; });
    return static_cast<int>(it - prints.begin());
}

} // namespace wb::threads
