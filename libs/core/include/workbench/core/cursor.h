#pragma once
// Stepping over a trace, and the state a view draws at a cursor position.
//
// Position p means "the first p events have happened": 0 is before anything, size() is the
// end. Stepping back never re-runs the algorithm; Replayer rebuilds state from the nearest
// snapshot at or before p, so any seek costs at most `interval` applications.

#include "workbench/core/trace.h"

#include <cstddef>
#include <functional>
#include <map>
#include <utility>

namespace wb {

class StepCursor
{
public:
    explicit StepCursor(const Trace &trace) : m_trace(&trace) {}

    std::size_t position() const { return m_pos; }
    std::size_t count() const { return m_trace->size(); }
    bool atStart() const { return m_pos == 0; }
    bool atEnd() const { return m_pos >= count(); }

    bool forward();                  // false at the end
    bool back();                     // false at the start
    void seek(std::size_t position); // clamped to [0, count()]
    void toStart() { seek(0); }
    void toEnd() { seek(count()); }
    // Moves so that the next event of `kind` is the last one applied; false if none.
    bool nextOfKind(std::string_view kind);
    bool previousOfKind(std::string_view kind);

    // The event applied last (position - 1), or null at the start.
    const Event *current() const;

private:
    const Trace *m_trace;
    std::size_t m_pos = 0;
};

template <class State> class Replayer
{
public:
    using Apply = std::function<void(State &, const Event &)>;

    Replayer(const Trace &trace, State initial, Apply apply, std::size_t interval = 1024)
        : m_trace(&trace), m_apply(std::move(apply)), m_interval(interval ? interval : 1),
          m_state(initial)
    {
        m_snapshots.emplace(0, std::move(initial));
    }

    // The state after the first `position` events (clamped to the trace's size).
    const State &stateAt(std::size_t position)
    {
        const std::size_t n = m_trace->size();
        if (position > n)
            position = n;
        if (position < m_pos) {
            auto it = m_snapshots.upper_bound(position);
            --it; // the key 0 always exists
            m_state = it->second;
            m_pos = it->first;
        } else if (position - m_pos > m_interval) {
            // A long jump forward: start from the latest snapshot we already have.
            auto it = m_snapshots.upper_bound(position);
            --it;
            if (it->first > m_pos) {
                m_state = it->second;
                m_pos = it->first;
            }
        }
        while (m_pos < position) {
            m_apply(m_state, m_trace->at(m_pos));
            ++m_pos;
            if (m_pos % m_interval == 0 && !m_snapshots.contains(m_pos))
                m_snapshots.emplace(m_pos, m_state);
        }
        return m_state;
    }

    std::size_t snapshotCount() const { return m_snapshots.size(); }

private:
    const Trace *m_trace;
    Apply m_apply;
    std::size_t m_interval;
    std::map<std::size_t, State> m_snapshots;
    State m_state;
    std::size_t m_pos = 0;
};

} // namespace wb
