// Blocking: who waits on what, who acquired it last, and when waiting has become a deadlock.
#include "runtime_internal.h"

#include "threads/core/classic.h"
#include "threads/core/events.h"

#include <algorithm>

namespace wb::threads {

using detail::kNoDeadline;
using detail::toVirtualNs;

void Runtime::acquired(int prim)
{
    std::lock_guard lk(m_mutex);
    if (prim >= 0 && prim < int(m_primitives.size()) && m_primitives[prim].ownership)
        m_primitives[prim].holder = currentThread();
}

void Runtime::releasing(int prim, std::int64_t causeSeq)
{
    std::lock_guard lk(m_mutex);
    if (prim < 0 || prim >= int(m_primitives.size()))
        return;
    m_primitives[prim].holder = -1;
    for (auto &r : m_threads) {
        if ((r->state == ThreadState::Blocked || r->state == ThreadState::Waiting) &&
            r->blockedOn == prim) {
            r->state = ThreadState::Runnable;
            r->blockedOn = -1;
            r->wakeAtNs = kNoDeadline;
            r->cause = causeSeq;
        }
    }
}

void Runtime::markBlockedLocked(ThreadRecord &r, int prim)
{
    const bool ownership =
        prim >= 0 && prim < int(m_primitives.size()) && m_primitives[prim].ownership;
    r.state = ownership ? ThreadState::Blocked : ThreadState::Waiting;
    r.blockedOn = prim;
    r.timedOut = false;
    r.cause = -1;
}

Runtime::WakeUp Runtime::blockGated(int prim, double timeoutSeconds)
{
    ThreadRecord *r = self();
    std::unique_lock lk(m_mutex);
    markBlockedLocked(*r, prim);
    r->wakeAtNs = timeoutSeconds < 0 ? kNoDeadline : m_virtualNs + toVirtualNs(timeoutSeconds);
    m_running = -1;
    scheduleLocked();
    waitForTurnLocked(lk, *r);
    r->blockedOn = -1;
    return {r->timedOut, r->cause};
}

void Runtime::blockFree(int prim, bool timed)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    markBlockedLocked(*r, prim);
    r->timedWait = timed;
    checkAllBlockedLocked();
    drainLocked();
}

void Runtime::stillBlocked(int prim)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    // A release marked us runnable but another thread took the lock first: wait again.
    if (r->state == ThreadState::Runnable)
        markBlockedLocked(*r, prim);
    checkAllBlockedLocked();
}

std::int64_t Runtime::unblocked()
{
    ThreadRecord *r = self();
    if (!r)
        return -1;
    std::lock_guard lk(m_mutex);
    r->state = ThreadState::Running;
    r->blockedOn = -1;
    r->timedWait = false;
    return r->cause;
}

// A thread waiting without a timeout, in a state no release can change by itself.
bool Runtime::blockedWithoutHopeLocked(const ThreadRecord &r) const
{
    if (r.state != ThreadState::Blocked && r.state != ThreadState::Waiting)
        return false;
    if (r.wakeAtNs != kNoDeadline || r.timedWait)
        return false; // a timed wait ends by itself
    if (m_mode == Mode::Step)
        return true;
    // Free mode: a lock already posted will be taken on the next wait slice.
    const PrimitiveSlot *slot = r.blockedOn >= 0 && r.blockedOn < int(m_primitives.size())
                                    ? &m_primitives[r.blockedOn]
                                    : nullptr;
    return slot && slot->lock && slot->lock->semValue() == 0;
}

// Among the stuck threads, follows "T waits for lock P, P was acquired last by H" from each
// thread; the first walk that comes back to a thread it passed becomes d.threads (a cycle),
// otherwise d.threads stays every stuck thread. The last acquirer of a Lock is not its owner
// (a Lock has none), but once nobody can run it is the thread that would have to release it.
void Runtime::describeCycleLocked(Deadlock &d) const
{
    auto waitsOn = [&](int number) -> const ThreadRecord * {
        for (const auto &r : m_threads)
            if (r->number == number &&
                std::find(d.stuck.begin(), d.stuck.end(), number) != d.stuck.end())
                return r.get();
        return nullptr;
    };
    auto holderOf = [&](const ThreadRecord &r) {
        const PrimitiveSlot &slot = m_primitives[r.blockedOn];
        return slot.ownership ? slot.holder : -1;
    };
    for (int first : d.stuck) {
        std::vector<int> path;
        int cur = first;
        while (const ThreadRecord *r = waitsOn(cur)) {
            const auto seen = std::find(path.begin(), path.end(), cur);
            if (seen != path.end()) {
                d.threads.assign(seen, path.end());
                for (int n : d.threads)
                    d.primitives.push_back(m_primitives[waitsOn(n)->blockedOn].name);
                return;
            }
            path.push_back(cur);
            cur = holderOf(*r);
        }
    }
    d.global = true;
    for (int n : d.stuck) {
        d.threads.push_back(n);
        d.primitives.push_back(m_primitives[waitsOn(n)->blockedOn].name);
    }
}

// Called whenever a thread blocks, finishes, or (step mode) nobody is left to choose.
// Reports a deadlock once every thread that has not finished waits without a timeout and
// without hope: no thread that could release, notify or set is left running.
void Runtime::checkAllBlockedLocked()
{
    if (stoppingLocked())
        return;
    Deadlock d;
    for (const auto &r : m_threads) {
        if (r->state == ThreadState::Done)
            continue;
        if (!r->started || !blockedWithoutHopeLocked(*r))
            return;
        d.stuck.push_back(r->number);
    }
    if (d.stuck.empty())
        return;
    describeCycleLocked(d);
    std::string others;
    for (int n : d.stuck) {
        if (!d.global && std::find(d.threads.begin(), d.threads.end(), n) != d.threads.end())
            continue;
        const ThreadRecord *r = find(n);
        others += (others.empty() ? "" : ", ") + threadName(n) + " waits on " +
                  m_primitives[r->blockedOn].name;
    }
    if (!d.global) {
        for (std::size_t i = 0; i < d.threads.size(); ++i) {
            const int next = d.threads[(i + 1) % d.threads.size()];
            d.description += (i ? ", " : "") + threadName(d.threads[i]) + " waits for " +
                             d.primitives[i] + ", acquired last by " + threadName(next);
        }
        if (!others.empty())
            d.description += "; " + others;
    } else {
        d.description = others;
    }
    d.description += d.stuck.size() == 1 ? "; no other thread is left that could wake it"
                                         : "; no other thread is left that could wake them";
    reportDeadlockLocked(std::move(d));
}

// Records the deadlock and stops the stuck threads (only them: every other thread has
// already finished). A later deadlock of the same run (none is possible once all are
// stuck) would be recorded too; deadlock() keeps the first.
void Runtime::reportDeadlockLocked(Deadlock d)
{
    for (int n : d.stuck)
        if (ThreadRecord *r = find(n)) {
            r->stuck.store(true, std::memory_order_release);
            r->state = ThreadState::Done;
            r->blockedOn = -1;
            r->wakeAtNs = kNoDeadline;
        }
    if (m_trace) {
        std::vector<std::int64_t> cycle(d.threads.begin(), d.threads.end());
        std::vector<std::int64_t> stuck(d.stuck.begin(), d.stuck.end());
        std::string names;
        for (int n : d.threads)
            names += (names.empty() ? "" : " -> ") + threadName(n);
        if (!d.global && !d.threads.empty())
            names += " -> " + threadName(d.threads.front());
        const events::Deadlock event{.primitive = d.primitives.empty() ? std::string()
                                                                       : d.primitives.front(),
                                     .layer = "runtime",
                                     .cycle = std::move(cycle),
                                     .cycleNames = std::move(names),
                                     .stuck = std::move(stuck),
                                     .global = d.global,
                                     .description = d.description};
        recordEvent(wb::toEvent(event, "deadlock: " + d.description),
                    std::source_location::current(), false);
    }
    if (!m_deadlock)
        m_deadlock = std::move(d);
    m_cv.notify_all();
}

} // namespace wb::threads
