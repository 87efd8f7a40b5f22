#include "threads/core/classic.h"

#include "threads/core/events.h"
#include "threads/core/runtime.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <ranges>
#include <system_error>

namespace wb::threads::classic {

namespace {

// The clock timeouts are measured on: the Runtime's (virtual in step mode) or real seconds.
double clockNow(const Runtime *rt)
{
    if (rt)
        return rt->now();
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

timespec realtimeAfter(std::chrono::nanoseconds d)
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    const std::int64_t ns = ts.tv_nsec + d.count();
    ts.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    return ts;
}

// Releases a Condition's lock when the body throws a Python error (Python's try/finally).
// Cancelled passes through untouched: the run is over and releasing would only re-enter the
// gate that is cancelling us.
template <class Body> void underLock(threads::Condition &c, std::source_location loc, Body body)
{
    try {
        body();
    } catch (const Cancelled &) {
        throw;
    } catch (...) {
        c.release(loc);
        throw;
    }
    c.release(loc);
}

constexpr auto kWaitSlice = std::chrono::milliseconds(10);

} // namespace

// ---- Lock: one POSIX semaphore ---------------------------------------------------------

Lock::Lock(Runtime *runtime, std::string name, bool ownership)
    : m_rt(runtime), m_ownership(ownership)
{
    sem_init(&m_sem, 0, 1); // 0: shared by this process's threads only; 1: unlocked
    m_ref.name = std::move(name);
    m_ref.layer = "Lock";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, this, ownership);
}

Lock::~Lock()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
    sem_destroy(&m_sem);
}

int Lock::semValue() const
{
    int v = 0;
    sem_getvalue(&m_sem, &v);
    return v;
}

bool Lock::tryWait()
{
    for (;;) {
        if (sem_trywait(&m_sem) == 0)
            return true;
        if (errno != EINTR)
            return false; // EAGAIN: the value is 0, the lock is held
    }
}

void Lock::post()
{
    sem_post(&m_sem);
}

// Really waits on the semaphore (free and paced modes, or no Runtime). With a Runtime the
// wait is cut into slices so that stop() and deadlock detection are noticed.
bool Lock::waitOnSemaphore(double timeout)
{
    if (!m_rt) {
        if (timeout < 0) {
            while (sem_wait(&m_sem) != 0)
                if (errno != EINTR)
                    throw std::system_error(errno, std::generic_category(), "sem_wait");
            return true;
        }
        const timespec deadline =
            realtimeAfter(std::chrono::nanoseconds(static_cast<std::int64_t>(timeout * 1e9)));
        while (sem_timedwait(&m_sem, &deadline) != 0) {
            if (errno == EINTR)
                continue;
            if (errno == ETIMEDOUT)
                return false;
            throw std::system_error(errno, std::generic_category(), "sem_timedwait");
        }
        return true;
    }
    using Clock = std::chrono::steady_clock;
    const bool timed = timeout >= 0;
    const auto end = Clock::now() + (timed ? m_rt->realDuration(timeout) : Clock::duration());
    for (;;) {
        auto slice = std::chrono::duration_cast<std::chrono::nanoseconds>(kWaitSlice);
        if (timed) {
            const auto left = end - Clock::now();
            if (left <= Clock::duration::zero())
                return tryWait();
            slice = std::min(slice, std::chrono::duration_cast<std::chrono::nanoseconds>(left));
        }
        const timespec deadline = realtimeAfter(slice);
        if (sem_timedwait(&m_sem, &deadline) == 0)
            return true;
        if (errno == EINTR)
            continue;
        if (errno != ETIMEDOUT)
            throw std::system_error(errno, std::generic_category(), "sem_timedwait");
        m_rt->checkCancelled();
        m_rt->stillBlocked(m_ref.id);
    }
}

bool Lock::acquire(bool blocking, double timeout, std::source_location loc)
{
    if (!m_rt)
        return blocking ? waitOnSemaphore(timeout) : tryWait();

    Runtime &rt = *m_rt;
    rt.pass(Form::LockAttempt, m_ref, {semValue(), blocking}, loc);
    const double end = timeout >= 0 ? rt.now() + timeout : kForever;
    for (;;) {
        if (tryWait()) {
            rt.acquired(m_ref.id);
            rt.pass(Form::LockAcquired, m_ref, {semValue()}, loc);
            return true;
        }
        if (!blocking) {
            rt.record(Form::LockBusy, m_ref, {semValue()}, loc);
            return false;
        }
        if (end >= 0 && end - rt.now() <= 0) {
            // acquire(timeout=0), or a deadline already past: CPython 3 gives up at once
            // without waiting (PyThread_acquire_lock_timed with a zero timeout).
            rt.record(Form::LockTimeout, m_ref, {semValue()}, loc);
            return false;
        }
        // Recorded within the step that saw the lock taken, so no release can slip in
        // between the failed try and the registration as a waiter.
        rt.record(Form::LockBlocked, m_ref, {semValue(), !m_ownership}, loc);
        if (rt.gated()) {
            const double left = end >= 0 ? std::max(0.0, end - rt.now()) : kForever;
            const Runtime::WakeUp w = rt.blockGated(m_ref.id, left);
            if (w.timedOut) {
                rt.record(Form::LockTimeout, m_ref, {semValue()}, loc);
                return false;
            }
            rt.record(Form::LockWoken, m_ref, {w.cause, semValue()}, loc);
            continue; // try again: another thread may have taken it first
        }
        rt.blockFree(m_ref.id, end >= 0);
        const bool got = waitOnSemaphore(end >= 0 ? std::max(0.0, end - rt.now()) : kForever);
        const std::int64_t cause = rt.unblocked();
        if (!got) {
            rt.record(Form::LockTimeout, m_ref, {semValue()}, loc);
            return false;
        }
        rt.acquired(m_ref.id);
        rt.record(Form::LockWoken, m_ref, {cause, semValue()}, loc);
        rt.pass(Form::LockAcquired, m_ref, {semValue()}, loc);
        return true;
    }
}

void Lock::release(std::source_location loc)
{
    if (m_rt)
        m_rt->gate(events::Released::kind, m_ref, loc);
    if (m_guard && tryWait()) {
        post(); // it was free: undo the trial acquire, then complain
        throw RuntimeError("release unlocked lock");
    }
    if (m_rt) {
        // Recorded and un-owned before sem_post, so the woken thread's events come after.
        const std::int64_t seq = m_rt->record(Form::LockReleased, m_ref, {semValue() + 1}, loc);
        m_rt->releasing(m_ref.id, seq);
    }
    post();
}

SavedLockState Lock::releaseSave()
{
    release();
    return {};
}

void Lock::acquireRestore(const SavedLockState &)
{
    acquire();
}

// ---- RLock: owner + count over a Lock --------------------------------------------------

RLock::RLock(Runtime *runtime, std::string name) : m_block(runtime, name + ".block"), m_rt(runtime)
{
    m_ref.name = std::move(name);
    m_ref.layer = "RLock";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

RLock::~RLock()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

Args RLock::state() const
{
    return {m_ownerNumber.load(), m_count.load()};
}

std::int64_t RLock::count() const
{
    return m_count.load();
}
int RLock::ownerThread() const
{
    return m_ownerNumber.load();
}
bool RLock::isOwned() const
{
    return m_owner.load() == std::this_thread::get_id();
}

bool RLock::acquire(bool blocking, double timeout, std::source_location loc)
{
    if (isOwned()) {
        m_count.store(m_count.load() + 1);
        if (m_rt)
            m_rt->pass(Form::RLockReentered, m_ref, state(), loc);
        return true;
    }
    if (m_rt)
        m_rt->pass(Form::RLockAttempt, m_ref, state(), loc);
    if (!m_block.acquire(blocking, timeout, loc))
        return false;
    m_owner.store(std::this_thread::get_id());
    m_ownerNumber.store(m_rt ? m_rt->currentThread() : 0);
    m_count.store(1);
    if (m_rt)
        m_rt->pass(Form::RLockAcquired, m_ref, state(), loc);
    return true;
}

void RLock::release(std::source_location loc)
{
    if (m_rt)
        m_rt->gate(events::Released::kind, m_ref, loc);
    if (!isOwned())
        throw RuntimeError("cannot release un-acquired lock");
    const std::int64_t count = m_count.load() - 1;
    m_count.store(count);
    if (count > 0) {
        if (m_rt)
            m_rt->record(Form::RLockReleasedOne, m_ref, state(), loc);
        return;
    }
    m_owner.store(std::thread::id());
    m_ownerNumber.store(-1);
    if (m_rt)
        m_rt->record(Form::RLockReleased, m_ref, state(), loc);
    m_block.release(loc);
}

SavedLockState RLock::releaseSave()
{
    if (!isOwned())
        throw RuntimeError("cannot release un-acquired lock");
    SavedLockState s{m_owner.load(), m_count.load()};
    if (m_rt)
        m_rt->pass(Form::RLockReleaseSave, m_ref, {s.count});
    m_count.store(0);
    m_owner.store(std::thread::id());
    m_ownerNumber.store(-1);
    m_block.release();
    return s;
}

void RLock::acquireRestore(const SavedLockState &state)
{
    m_block.acquire();
    m_owner.store(state.owner);
    m_ownerNumber.store(m_rt ? m_rt->currentThread() : 0);
    m_count.store(state.count);
    if (m_rt)
        m_rt->pass(Form::RLockRestore, m_ref, this->state());
}

// ---- Condition: a lock + a list of waiter locks ----------------------------------------

Condition::Condition(Runtime *runtime, Lockable *lock, std::string name) : m_rt(runtime)
{
    if (!lock) {
        m_ownLock = std::make_unique<RLock>(runtime, name + ".lock");
        lock = m_ownLock.get();
    }
    m_lock = lock;
    m_ref.name = std::move(name);
    m_ref.layer = "Condition";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

Condition::~Condition()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

bool Condition::acquire(bool blocking, double timeout, std::source_location loc)
{
    return m_lock->acquire(blocking, timeout, loc);
}

void Condition::release(std::source_location loc)
{
    m_lock->release(loc);
}

auto Condition::waiterIds() const
{
    return m_waiters | std::views::transform([](const auto &w) { return w->ref().id; });
}

bool Condition::wait(double timeout, std::source_location loc)
{
    if (!m_lock->isOwned())
        throw RuntimeError("cannot wait on un-acquired lock");
    // 1. a fresh waiter lock, acquired at once so that acquiring it again will block
    auto waiter = std::make_shared<Lock>(
        m_rt, m_ref.name + ".waiter#" + std::to_string(m_nextWaiter++), false);
    waiter->acquire(true, kForever, loc);
    // 2. into the list (guarded by the condition's lock, which we hold)
    m_waiters.push_back(waiter);
    if (m_rt)
        m_rt->passList(Form::ConditionWait, m_ref,
                       {waiter->ref().id, std::bit_cast<std::int64_t>(timeout)}, waiterIds(), loc);
    // 3. give up the condition's lock completely (an RLock held 3 times is released 3 times)
    const SavedLockState saved = m_lock->releaseSave();
    // 4. block on the waiter lock until notify() releases it
    const bool notified = waiter->acquire(true, timeout, loc);
    // 5. take the condition's lock back, with the saved owner and count (Python's finally;
    //    Cancelled skips it, the run is over)
    m_lock->acquireRestore(saved);
    if (!notified) {
        auto it = std::find(m_waiters.begin(), m_waiters.end(), waiter);
        if (it != m_waiters.end())
            m_waiters.erase(it);
    }
    if (m_rt)
        m_rt->passList(notified ? Form::ConditionReturn : Form::ConditionTimeout, m_ref, {},
                       waiterIds(), loc);
    return notified;
}

void Condition::notify(int n, std::source_location loc)
{
    if (!m_lock->isOwned())
        throw RuntimeError("cannot notify on un-acquired lock");
    const std::size_t count = std::min<std::size_t>(n < 0 ? 0 : n, m_waiters.size());
    if (m_rt)
        m_rt->passList(Form::ConditionNotify, m_ref, {n, std::int64_t(count)}, waiterIds(), loc);
    for (std::size_t i = 0; i < count; ++i) {
        std::shared_ptr<Lock> waiter = m_waiters.front();
        m_waiters.pop_front();
        waiter->release(loc); // wakes that waiter; it still needs our lock to return
    }
}

void Condition::notifyAll(std::source_location loc)
{
    notify(static_cast<int>(std::min<std::size_t>(m_waiters.size(), 1u << 30)), loc);
}

bool Condition::waitFor(const std::function<bool()> &predicate, double timeout,
                        std::source_location loc)
{
    double end = kForever;
    double waitTime = timeout;
    bool result = predicate();
    while (!result) {
        if (timeout >= 0) {
            if (end < 0) {
                end = clockNow(m_rt) + waitTime;
            } else {
                waitTime = end - clockNow(m_rt);
                if (waitTime <= 0)
                    break;
            }
        }
        wait(waitTime, loc);
        result = predicate();
    }
    return result;
}

// ---- Semaphore / BoundedSemaphore: Condition(Lock()) + a counter ------------------------

Semaphore::Semaphore(Runtime *runtime, std::int64_t value, bool bounded, std::string name)
    : m_rt(runtime), m_lock(runtime, name + ".lock"), m_cond(runtime, &m_lock, name + ".cond"),
      m_value(value), m_initial(value), m_bounded(bounded)
{
    if (value < 0)
        throw ValueError("semaphore initial value must be >= 0");
    m_ref.name = std::move(name);
    m_ref.layer = bounded ? "BoundedSemaphore" : "Semaphore";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

Semaphore::~Semaphore()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

bool Semaphore::acquire(bool blocking, double timeout, std::source_location loc)
{
    if (!blocking && timeout >= 0)
        throw ValueError("can't specify timeout for non-blocking acquire");
    bool got = false;
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        if (m_rt)
            m_rt->pass(Form::SemaphoreAttempt, m_ref, {m_value.load()}, loc);
        const double end = timeout >= 0 ? clockNow(m_rt) + timeout : kForever;
        bool gaveUp = false;
        while (m_value.load() == 0) {
            if (!blocking) {
                gaveUp = true;
                break;
            }
            double left = kForever;
            if (end >= 0) {
                left = end - clockNow(m_rt);
                if (left <= 0) {
                    gaveUp = true;
                    break;
                }
            }
            m_cond.wait(left, loc);
        }
        if (!gaveUp) { // Python's while ... else
            m_value.store(m_value.load() - 1);
            got = true;
        }
        if (m_rt)
            m_rt->pass(got ? Form::SemaphoreAcquired : Form::SemaphoreBusy, m_ref,
                       {m_value.load(), m_initial}, loc);
    });
    return got;
}

void Semaphore::release(std::source_location loc)
{
    release(1, loc);
}

void Semaphore::release(std::int64_t n, std::source_location loc)
{
    if (n < 1)
        throw ValueError("n must be one or more");
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        if (m_bounded && m_value.load() + n > m_initial)
            throw ValueError("Semaphore released too many times");
        m_value.store(m_value.load() + n);
        if (m_rt)
            m_rt->pass(Form::SemaphoreReleased, m_ref, {m_value.load(), m_initial}, loc);
        for (std::int64_t i = 0; i < n; ++i) // 3.11 notifies once per unit, one at a time
            m_cond.notify(1, loc);
    });
}

// ---- Event: Condition(Lock()) + a flag -------------------------------------------------

Event::Event(Runtime *runtime, std::string name)
    : m_rt(runtime), m_lock(runtime, name + ".lock"), m_cond(runtime, &m_lock, name + ".cond")
{
    m_ref.name = std::move(name);
    m_ref.layer = "Event";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

Event::~Event()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

void Event::set(std::source_location loc)
{
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        m_flag.store(true);
        if (m_rt)
            m_rt->pass(Form::EventSet, m_ref, {}, loc);
        m_cond.notifyAll(loc);
    });
}

void Event::clear(std::source_location loc)
{
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        m_flag.store(false);
        if (m_rt)
            m_rt->pass(Form::EventClear, m_ref, {}, loc);
    });
}

bool Event::wait(double timeout, std::source_location loc)
{
    bool signaled = false;
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        signaled = m_flag.load();
        if (!signaled)
            signaled = m_cond.wait(timeout, loc);
        if (m_rt)
            m_rt->pass(signaled ? Form::EventPassed : Form::EventTimedOut, m_ref, {m_flag.load()},
                       loc);
    });
    return signaled;
}

// ---- Barrier: Condition(Lock()) + count + state (Python 3.2) ---------------------------

Barrier::Barrier(Runtime *runtime, std::int64_t parties, std::string name)
    : m_rt(runtime), m_lock(runtime, name + ".lock"), m_cond(runtime, &m_lock, name + ".cond"),
      m_parties(parties)
{
    if (parties < 1)
        throw ValueError("parties must be > 0");
    m_ref.name = std::move(name);
    m_ref.layer = "Barrier";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

Barrier::~Barrier()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

template <class E> void Barrier::record(const std::string &label, std::source_location loc)
{
    if (m_rt)
        m_rt->pass(m_ref,
                   E{.count = m_count.load(),
                     .parties = m_parties,
                     .state = std::int64_t(m_state.load())},
                   m_ref.name + ": " + label, loc);
}

// _enter: wait while the barrier drains or resets; a broken barrier raises.
void Barrier::enter(std::source_location loc)
{
    while (m_state.load() == kResetting || m_state.load() == kDraining)
        m_cond.wait(kForever, loc);
    if (m_state.load() < 0)
        throw BrokenBarrierError();
}

// _exit: the last thread out lets the next round fill.
void Barrier::exit(std::source_location loc)
{
    if (m_count.load() == 0 && (m_state.load() == kResetting || m_state.load() == kDraining)) {
        m_state.store(kFilling);
        m_cond.notifyAll(loc);
    }
}

void Barrier::breakBarrier(std::source_location loc)
{
    m_state.store(kBroken);
    record<events::Broken>("broken", loc);
    m_cond.notifyAll(loc);
}

std::int64_t Barrier::wait(double timeout, std::source_location loc)
{
    std::int64_t index = 0;
    m_cond.acquire(true, kForever, loc);
    underLock(m_cond, loc, [&] {
        enter(loc);
        index = m_count.load();
        m_count.store(index + 1);
        record<events::Arrive>(
            "arrival " + std::to_string(index + 1) + " of " + std::to_string(m_parties), loc);
        // Python's try/finally: the count goes down and _exit runs on every way out but a
        // cancelled run.
        auto leave = [&] {
            m_count.store(m_count.load() - 1);
            exit(loc);
        };
        try {
            if (index + 1 == m_parties) {
                m_state.store(kDraining); // _release: everybody may go
                record<events::Pass>("released", loc);
                m_cond.notifyAll(loc);
            } else {
                if (!m_cond.waitFor([&] { return m_state.load() != kFilling; }, timeout, loc)) {
                    breakBarrier(loc);
                    throw BrokenBarrierError();
                }
                if (m_state.load() < 0)
                    throw BrokenBarrierError();
            }
        } catch (const Cancelled &) {
            throw;
        } catch (...) {
            leave();
            throw;
        }
        leave();
    });
    return index;
}

// ---- Queue: mutex + not_empty / not_full / all_tasks_done -------------------------------

Queue::Queue(Runtime *runtime, std::int64_t maxsize, std::string name)
    : m_rt(runtime), m_maxsize(maxsize), m_mutex(runtime, name + ".mutex"),
      m_notEmpty(runtime, &m_mutex, name + ".not_empty"),
      m_notFull(runtime, &m_mutex, name + ".not_full"),
      m_allTasksDone(runtime, &m_mutex, name + ".all_tasks_done")
{
    m_ref.name = std::move(name);
    m_ref.layer = "Queue";
    if (m_rt)
        m_ref.id = m_rt->addPrimitive(m_ref.name, m_ref.layer, nullptr, false);
}

Queue::~Queue()
{
    if (m_rt)
        m_rt->removePrimitive(m_ref.id);
}

Args Queue::state(std::int64_t item) const
{
    return {m_unfinished.load(), m_maxsize, item};
}

std::size_t Queue::size() const
{
    return m_size.load();
}
std::int64_t Queue::unfinishedTasks() const
{
    return m_unfinished.load();
}

void Queue::put(std::int64_t item, bool block, double timeout, std::source_location loc)
{
    m_notFull.acquire(true, kForever, loc);
    underLock(m_notFull, loc, [&] {
        if (m_maxsize > 0) {
            if (!block) {
                if (full())
                    throw QueueFull();
            } else if (timeout < 0) {
                while (full())
                    m_notFull.wait(kForever, loc);
            } else {
                const double end = clockNow(m_rt) + timeout;
                while (full()) {
                    const double left = end - clockNow(m_rt);
                    if (left <= 0)
                        throw QueueFull();
                    m_notFull.wait(left, loc);
                }
            }
        }
        m_items.push_back(item);
        m_size.store(m_items.size());
        m_unfinished.store(m_unfinished.load() + 1);
        if (m_rt)
            m_rt->passList(Form::QueuePut, m_ref, state(item), m_items, loc);
        m_notEmpty.notify(1, loc);
    });
}

std::int64_t Queue::get(bool block, double timeout, std::source_location loc)
{
    std::int64_t item = 0;
    m_notEmpty.acquire(true, kForever, loc);
    underLock(m_notEmpty, loc, [&] {
        if (!block) {
            if (m_items.empty())
                throw QueueEmpty();
        } else if (timeout < 0) {
            while (m_items.empty())
                m_notEmpty.wait(kForever, loc);
        } else {
            const double end = clockNow(m_rt) + timeout;
            while (m_items.empty()) {
                const double left = end - clockNow(m_rt);
                if (left <= 0)
                    throw QueueEmpty();
                m_notEmpty.wait(left, loc);
            }
        }
        item = m_items.front();
        m_items.pop_front();
        m_size.store(m_items.size());
        if (m_rt)
            m_rt->passList(Form::QueueGet, m_ref, state(item), m_items, loc);
        m_notFull.notify(1, loc);
    });
    return item;
}

void Queue::taskDone(std::source_location loc)
{
    m_allTasksDone.acquire(true, kForever, loc);
    underLock(m_allTasksDone, loc, [&] {
        const std::int64_t unfinished = m_unfinished.load() - 1;
        if (unfinished <= 0) {
            if (unfinished < 0)
                throw ValueError("task_done() called too many times");
            m_allTasksDone.notifyAll(loc);
        }
        m_unfinished.store(unfinished);
        if (m_rt)
            m_rt->passList(Form::QueueTaskDone, m_ref, state(), m_items, loc);
    });
}

void Queue::join(std::source_location loc)
{
    m_allTasksDone.acquire(true, kForever, loc);
    underLock(m_allTasksDone, loc, [&] {
        while (m_unfinished.load() != 0)
            m_allTasksDone.wait(kForever, loc);
        if (m_rt)
            m_rt->passList(Form::QueueJoin, m_ref, state(), m_items, loc);
    });
}

// ---- the backend ------------------------------------------------------------------------

namespace {
class ClassicBackend final : public Backend
{
public:
    explicit ClassicBackend(Runtime *rt) : m_rt(rt) {}
    std::string_view name() const override { return "classic"; }
    std::unique_ptr<Lockable> makeLock(std::string name) override
    {
        return std::make_unique<Lock>(m_rt, std::move(name));
    }
    std::unique_ptr<Lockable> makeRLock(std::string name) override
    {
        return std::make_unique<RLock>(m_rt, std::move(name));
    }
    std::unique_ptr<threads::Condition> makeCondition(Lockable *lock, std::string name) override
    {
        return std::make_unique<Condition>(m_rt, lock, std::move(name));
    }
    std::unique_ptr<threads::Semaphore> makeSemaphore(std::int64_t value, bool bounded,
                                                      std::string name) override
    {
        return std::make_unique<Semaphore>(m_rt, value, bounded, std::move(name));
    }
    std::unique_ptr<threads::Event> makeEvent(std::string name) override
    {
        return std::make_unique<Event>(m_rt, std::move(name));
    }
    std::unique_ptr<threads::Queue> makeQueue(std::int64_t maxsize, std::string name) override
    {
        return std::make_unique<Queue>(m_rt, maxsize, std::move(name));
    }

private:
    Runtime *m_rt;
};
} // namespace

} // namespace wb::threads::classic

namespace wb::threads {
std::unique_ptr<Backend> classicBackend(Runtime *runtime)
{
    return std::make_unique<classic::ClassicBackend>(runtime);
}
} // namespace wb::threads
