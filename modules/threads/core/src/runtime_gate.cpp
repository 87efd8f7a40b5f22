// The gate: who is calling, and, in step and paced modes, when each thread may go on.
#include "runtime_internal.h"

#include <algorithm>
#include <bit>

namespace wb::threads {

namespace detail {
constinit thread_local const Runtime *t_runtime = nullptr;
constinit thread_local void *t_record = nullptr;
} // namespace detail

using detail::kNoDeadline;
using detail::toVirtualNs;

Runtime::ThreadRecord *Runtime::self() const
{
    return detail::t_runtime == this ? static_cast<ThreadRecord *>(detail::t_record) : nullptr;
}

bool Runtime::gated() const
{
    return m_mode == Mode::Step && self() != nullptr;
}

int Runtime::currentThread() const
{
    const ThreadRecord *r = self();
    return r ? r->number : 0;
}

void Runtime::checkCancelled() const
{
    const ThreadRecord *r = self();
    if (r && (stopRequested() || r->stuck.load(std::memory_order_acquire)))
        throw Cancelled{};
}

void Runtime::waitForTurnLocked(std::unique_lock<std::mutex> &lk, ThreadRecord &r)
{
    m_cv.wait(lk, [&] { return m_running == r.number || stoppingLocked() || r.stuck; });
    if (stoppingLocked() || r.stuck)
        throw Cancelled{};
    r.state = ThreadState::Running;
}

// Picks who goes next, once every live thread has reached a park point (none Running or
// Starting): the Runnable ones are offered; if there are none, virtual time jumps to the
// earliest sleeper or timed waiter; if there is still nobody, the run is deadlocked.
void Runtime::scheduleLocked()
{
    if (m_mode != Mode::Step)
        return;
    drainLocked(); // the turn changes hands: whoever looks next sees every event so far
    if (m_running != -1 || stoppingLocked())
        return;
    m_offered.clear();
    for (const auto &r : m_threads)
        if (r->state == ThreadState::Starting || r->state == ThreadState::Running)
            return;
    for (const auto &r : m_threads)
        if (r->state == ThreadState::Runnable)
            m_offered.push_back(r->number);
    if (m_offered.empty()) {
        std::int64_t earliest = kNoDeadline;
        for (const auto &r : m_threads)
            if (r->state == ThreadState::Sleeping || r->state == ThreadState::Blocked ||
                r->state == ThreadState::Waiting)
                earliest = std::min(earliest, r->wakeAtNs);
        if (earliest != kNoDeadline) {
            m_virtualNs = std::max(m_virtualNs, earliest);
            for (auto &r : m_threads) {
                if (r->state == ThreadState::Done || r->wakeAtNs != earliest)
                    continue;
                r->timedOut = r->state != ThreadState::Sleeping;
                r->state = ThreadState::Runnable;
                r->blockedOn = -1;
                r->wakeAtNs = kNoDeadline;
                m_offered.push_back(r->number);
            }
        }
    }
    if (m_offered.empty()) {
        checkAllBlockedLocked();
        return;
    }
    if (!m_manual) {
        m_running = m_offered[m_rng.below(m_offered.size())];
        m_offered.clear();
    }
    m_cv.notify_all();
}

void Runtime::gate(std::string_view kind, const PrimitiveRef &p, std::source_location loc)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    checkCancelled();
    if (m_mode == Mode::Paced && m_pace.count() > 0) {
        std::unique_lock lk(m_mutex);
        drainLocked();
        if (m_cv.wait_for(lk, m_pace, [&] { return stoppingLocked(); }))
            throw Cancelled{};
    } else if (m_mode == Mode::Step) {
        std::unique_lock lk(m_mutex);
        r->nextEvent = std::string(kind);
        r->nextPrimitive = p.name;
        r->nextLine = detail::t_scriptLine ? detail::t_scriptLine : loc.line();
        r->state = ThreadState::Runnable;
        if (m_running == r->number)
            m_running = -1;
        scheduleLocked();
        waitForTurnLocked(lk, *r);
    }
}

void Runtime::sleep(double seconds, std::source_location loc)
{
    static const PrimitiveRef clock{-1, "time", "thread"};
    ThreadRecord *r = self();
    pass(Form::Sleep, clock, {std::bit_cast<std::int64_t>(seconds)}, loc);
    if (!r) {
        std::this_thread::sleep_for(realDuration(seconds));
        return;
    }
    {
        std::unique_lock lk(m_mutex);
        if (m_mode == Mode::Step) {
            r->state = ThreadState::Sleeping;
            r->wakeAtNs = m_virtualNs + toVirtualNs(std::max(0.0, seconds));
            m_running = -1;
            scheduleLocked();
            waitForTurnLocked(lk, *r);
        } else {
            r->state = ThreadState::Sleeping;
            drainLocked();
            const bool stopped =
                m_cv.wait_for(lk, realDuration(seconds), [&] { return stoppingLocked(); });
            r->state = ThreadState::Running;
            if (stopped)
                throw Cancelled{};
        }
    }
    record(Form::SleepWoken, clock, {}, loc);
}

} // namespace wb::threads
