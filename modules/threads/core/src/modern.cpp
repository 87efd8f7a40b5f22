#include "threads/core/modern.h"

#include <chrono>

namespace wb::threads::modern {

namespace {
std::chrono::nanoseconds seconds(double s)
{
    return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}
} // namespace

// ---- Permits ------------------------------------------------------------------------------

bool Permits::tryAcquire()
{
    std::lock_guard g(m_mutex);
    if (m_count == 0)
        return false;
    --m_count;
    return true;
}

void Permits::acquire()
{
    std::unique_lock g(m_mutex);
    m_cv.wait(g, [this] { return m_count > 0; });
    --m_count;
}

bool Permits::acquireFor(std::chrono::nanoseconds timeout)
{
    std::unique_lock g(m_mutex);
    if (!m_cv.wait_for(g, timeout, [this] { return m_count > 0; }))
        return false;
    --m_count;
    return true;
}

void Permits::release(std::int64_t n)
{
    {
        std::lock_guard g(m_mutex);
        m_count += n;
    }
    if (n == 1)
        m_cv.notify_one();
    else
        m_cv.notify_all();
}

// ---- Lock ---------------------------------------------------------------------------------

bool Lock::acquire(bool blocking, double timeout, std::source_location)
{
    bool got;
    if (!blocking)
        got = m_sem.tryAcquire();
    else if (timeout < 0) {
        m_sem.acquire();
        got = true;
    } else
        got = m_sem.acquireFor(seconds(timeout));
    if (got)
        m_locked.store(true);
    return got;
}

void Lock::release(std::source_location)
{
    // The guard is the flag, not a trial tryAcquire() undone afterwards: that would let
    // another thread's acquire() fail in between.
    if (!m_locked.exchange(false))
        throw RuntimeError("release unlocked lock");
    m_sem.release();
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

// ---- RLock --------------------------------------------------------------------------------

bool RLock::acquire(bool blocking, double timeout, std::source_location)
{
    if (isOwned()) {
        ++m_count;
        return true;
    }
    bool got;
    if (!blocking)
        got = m_mutex.try_lock();
    else if (timeout < 0) {
        m_mutex.lock();
        got = true;
    } else
        got = m_mutex.try_lock_for(seconds(timeout));
    if (got) {
        m_owner.store(std::this_thread::get_id());
        m_count = 1;
    }
    return got;
}

void RLock::release(std::source_location)
{
    if (!isOwned())
        throw RuntimeError("cannot release un-acquired lock");
    if (--m_count > 0)
        return;
    m_owner.store(std::thread::id());
    m_mutex.unlock();
}

SavedLockState RLock::releaseSave()
{
    if (!isOwned())
        throw RuntimeError("cannot release un-acquired lock");
    SavedLockState s{m_owner.load(), m_count};
    m_owner.store(std::thread::id());
    m_count = 0;
    m_mutex.unlock();
    return s;
}

void RLock::acquireRestore(const SavedLockState &state)
{
    m_mutex.lock();
    m_owner.store(std::this_thread::get_id());
    m_count = state.count;
}

// ---- Condition ----------------------------------------------------------------------------

Condition::Condition(Lockable *lock, std::string name)
{
    if (!lock) {
        m_ownLock = std::make_unique<RLock>(name + ".lock");
        lock = m_ownLock.get();
    }
    m_lock = lock;
}

bool Condition::acquire(bool blocking, double timeout, std::source_location loc)
{
    return m_lock->acquire(blocking, timeout, loc);
}

void Condition::release(std::source_location loc)
{
    m_lock->release(loc);
}

std::size_t Condition::waiterCount() const
{
    std::lock_guard g(m_mutex);
    return m_waiters.size();
}

bool Condition::wait(double timeout, std::source_location)
{
    if (!m_lock->isOwned())
        throw RuntimeError("cannot wait on un-acquired lock");
    Waiter me;
    std::unique_lock g(m_mutex);
    m_waiters.push_back(&me);
    // Releasing the user's lock while holding m_mutex is safe: notify() takes the user's
    // lock first and m_mutex second, and we never take the user's lock while holding m_mutex.
    const SavedLockState saved = m_lock->releaseSave();
    bool notified = true;
    if (timeout < 0)
        m_cv.wait(g, [&] { return me.notified; });
    else
        notified = m_cv.wait_for(g, seconds(timeout), [&] { return me.notified; });
    if (!notified)
        std::erase(m_waiters, &me);
    g.unlock();
    m_lock->acquireRestore(saved);
    return notified;
}

void Condition::notify(int n, std::source_location)
{
    if (!m_lock->isOwned())
        throw RuntimeError("cannot notify on un-acquired lock");
    std::lock_guard g(m_mutex);
    for (int i = 0; i < n && !m_waiters.empty(); ++i) {
        m_waiters.front()->notified = true;
        m_waiters.pop_front();
    }
    m_cv.notify_all();
}

void Condition::notifyAll(std::source_location loc)
{
    notify(1 << 30, loc);
}

// ---- Semaphore ----------------------------------------------------------------------------

Semaphore::Semaphore(std::int64_t value, bool bounded)
    : m_sem(value < 0 ? 0 : value), m_value(value), m_initial(value), m_bounded(bounded)
{
    if (value < 0)
        throw ValueError("semaphore initial value must be >= 0");
}

bool Semaphore::acquire(bool blocking, double timeout, std::source_location)
{
    if (!blocking && timeout >= 0)
        throw ValueError("can't specify timeout for non-blocking acquire");
    bool got;
    if (!blocking)
        got = m_sem.tryAcquire();
    else if (timeout < 0) {
        m_sem.acquire();
        got = true;
    } else
        got = m_sem.acquireFor(seconds(timeout));
    if (got)
        m_value.fetch_sub(1);
    return got;
}

void Semaphore::release(std::source_location)
{
    std::int64_t v = m_value.load();
    do {
        if (m_bounded && v >= m_initial)
            throw ValueError("Semaphore released too many times");
    } while (!m_value.compare_exchange_weak(v, v + 1));
    m_sem.release();
}

// ---- Event --------------------------------------------------------------------------------

void Event::set(std::source_location)
{
    std::lock_guard g(m_mutex);
    m_flag = true;
    ++m_generation;
    m_cv.notify_all();
}

void Event::clear(std::source_location)
{
    std::lock_guard g(m_mutex);
    m_flag = false;
}

bool Event::isSet() const
{
    std::lock_guard g(m_mutex);
    return m_flag;
}

bool Event::wait(double timeout, std::source_location)
{
    std::unique_lock g(m_mutex);
    if (m_flag)
        return true;
    const std::uint64_t gen = m_generation;
    const auto pulsed = [&] {
        return m_generation != gen;
    };
    if (timeout < 0) {
        m_cv.wait(g, pulsed);
        return true;
    }
    return m_cv.wait_for(g, seconds(timeout), pulsed);
}

// ---- Queue --------------------------------------------------------------------------------

void Queue::put(std::int64_t item, bool block, double timeout, std::source_location)
{
    std::unique_lock g(m_mutex);
    if (full()) {
        if (!block)
            throw QueueFull();
        const auto notFull = [&] {
            return !full();
        };
        if (timeout < 0)
            m_notFull.wait(g, notFull);
        else if (!m_notFull.wait_for(g, seconds(timeout), notFull))
            throw QueueFull();
    }
    m_items.push_back(item);
    ++m_unfinished;
    m_notEmpty.notify_one();
}

std::int64_t Queue::get(bool block, double timeout, std::source_location)
{
    std::unique_lock g(m_mutex);
    if (m_items.empty()) {
        if (!block)
            throw QueueEmpty();
        const auto notEmpty = [&] {
            return !m_items.empty();
        };
        if (timeout < 0)
            m_notEmpty.wait(g, notEmpty);
        else if (!m_notEmpty.wait_for(g, seconds(timeout), notEmpty))
            throw QueueEmpty();
    }
    const std::int64_t item = m_items.front();
    m_items.pop_front();
    m_notFull.notify_one();
    return item;
}

void Queue::taskDone(std::source_location)
{
    std::lock_guard g(m_mutex);
    if (m_unfinished <= 0)
        throw ValueError("task_done() called too many times");
    if (--m_unfinished == 0)
        m_allTasksDone.notify_all();
}

void Queue::join(std::source_location)
{
    std::unique_lock g(m_mutex);
    m_allTasksDone.wait(g, [&] { return m_unfinished == 0; });
}

std::size_t Queue::size() const
{
    std::lock_guard g(m_mutex);
    return m_items.size();
}

std::int64_t Queue::unfinishedTasks() const
{
    std::lock_guard g(m_mutex);
    return m_unfinished;
}

// ---- the backend ------------------------------------------------------------------------

namespace {
class ModernBackend final : public Backend
{
public:
    std::string_view name() const override { return "modern"; }
    std::unique_ptr<Lockable> makeLock(std::string name) override
    {
        return std::make_unique<Lock>(std::move(name));
    }
    std::unique_ptr<Lockable> makeRLock(std::string name) override
    {
        return std::make_unique<RLock>(std::move(name));
    }
    std::unique_ptr<threads::Condition> makeCondition(Lockable *lock, std::string name) override
    {
        return std::make_unique<Condition>(lock, std::move(name));
    }
    std::unique_ptr<threads::Semaphore> makeSemaphore(std::int64_t value, bool bounded,
                                                      std::string) override
    {
        return std::make_unique<Semaphore>(value, bounded);
    }
    std::unique_ptr<threads::Event> makeEvent(std::string) override
    {
        return std::make_unique<Event>();
    }
    std::unique_ptr<threads::Queue> makeQueue(std::int64_t maxsize, std::string) override
    {
        return std::make_unique<Queue>(maxsize);
    }
};
} // namespace

} // namespace wb::threads::modern

namespace wb::threads {
std::unique_ptr<Backend> modernBackend()
{
    return std::make_unique<modern::ModernBackend>();
}
} // namespace wb::threads
