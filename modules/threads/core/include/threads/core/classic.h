#pragma once
// CPython 2.6's primitives, each built on the one below (topic brief, section 1):
//
//   sem_t  ->  Lock  ->  RLock  ->  Condition  ->  Semaphore / BoundedSemaphore / Event
//                  \________________________________->  Queue (one Lock, three Conditions)
//
// With a Runtime every synchronization point is recorded (see README.md for the event
// kinds and their fields) and passes the Runtime's gate; without one (runtime == nullptr)
// the code is the same minus the probes.

#include "threads/core/primitives.h"
#include "threads/core/runtime.h"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <semaphore.h>

namespace wb::threads::classic {

// thread.allocate_lock(): one POSIX semaphore initialised to 1 (unlocked). No owner: any
// thread may release it, which is what Condition relies on to wake a waiter.
class Lock final : public Lockable
{
public:
    // ownership=false marks a condition's waiter lock: it is acquired by the waiter and
    // released by the notifier, so it adds no "held by" edge to the wait-for graph.
    explicit Lock(Runtime *runtime = nullptr, std::string name = "lock", bool ownership = true);
    ~Lock() override;
    Lock(const Lock &) = delete;
    Lock &operator=(const Lock &) = delete;

    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    // RuntimeError("release unlocked lock") on an unlocked lock (the guard: a trial
    // sem_trywait that succeeds means it was free; it is undone before raising).
    void release(std::source_location loc = std::source_location::current()) override;
    bool isOwned() const override { return locked(); }
    SavedLockState releaseSave() override;
    void acquireRestore(const SavedLockState &state) override;
    std::string_view name() const override { return m_ref.name; }

    bool locked() const { return semValue() == 0; }
    int semValue() const; // sem_getvalue
    // Teaching switch: without the guard a double release lifts the semaphore to 2 and
    // admits two holders at once.
    void setReleaseGuard(bool on) { m_guard = on; }
    const PrimitiveRef &ref() const { return m_ref; }

private:
    bool waitOnSemaphore(double timeout);
    bool tryWait();
    void post();

    mutable sem_t m_sem;
    Runtime *m_rt;
    PrimitiveRef m_ref;
    bool m_ownership;
    bool m_guard = true;
};

// Python 2.6's threading._RLock: an inner Lock, an owner and a recursion count.
class RLock final : public Lockable
{
public:
    explicit RLock(Runtime *runtime = nullptr, std::string name = "rlock");
    ~RLock() override;

    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    // RuntimeError("cannot release un-acquired lock") unless the caller owns it.
    void release(std::source_location loc = std::source_location::current()) override;
    bool isOwned() const override;
    SavedLockState releaseSave() override;
    void acquireRestore(const SavedLockState &state) override;
    std::string_view name() const override { return m_ref.name; }

    std::int64_t count() const;
    int ownerThread() const; // Runtime thread number of the owner, -1 when free

private:
    Args state() const; // owner, count

    Lock m_block;
    Runtime *m_rt;
    PrimitiveRef m_ref;
    // Written only by the thread that holds m_block; read by others only for display.
    std::atomic<std::thread::id> m_owner{};
    std::atomic<int> m_ownerNumber{-1};
    std::atomic<std::int64_t> m_count{0};
};

// threading.Condition: a lock (an RLock unless one is given) and a list of waiter Locks.
// The list is guarded by the condition's own lock, as in Python.
class Condition final : public threads::Condition
{
public:
    explicit Condition(Runtime *runtime = nullptr, Lockable *lock = nullptr,
                       std::string name = "condition");
    ~Condition() override;

    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    // The five steps of Python's wait(): new waiter lock acquired at once; appended to the
    // list; the condition's lock saved and released completely; the waiter lock acquired
    // again (blocks until a notifier releases it, or the timeout); the lock restored.
    bool wait(double timeout = kForever,
              std::source_location loc = std::source_location::current()) override;
    void notify(int n = 1, std::source_location loc = std::source_location::current()) override;
    void notifyAll(std::source_location loc = std::source_location::current()) override;
    // Python 3.2's wait_for: the predicate is tested first (without waiting when it holds),
    // then after every wake-up; with a timeout the remaining time shrinks on each round.
    // Returns the predicate's last value.
    bool waitFor(const std::function<bool()> &predicate, double timeout = kForever,
                 std::source_location loc = std::source_location::current());
    std::size_t waiterCount() const override { return m_waiters.size(); }
    Lockable &lock() override { return *m_lock; }
    const PrimitiveRef &ref() const { return m_ref; }

private:
    auto waiterIds() const; // the waiter locks' primitive ids, oldest first

    Runtime *m_rt;
    std::unique_ptr<RLock> m_ownLock;
    Lockable *m_lock;
    PrimitiveRef m_ref;
    std::deque<std::shared_ptr<Lock>> m_waiters;
    std::int64_t m_nextWaiter = 1;
};

// threading._Semaphore / _BoundedSemaphore: Condition(Lock()) and a counter.
class Semaphore final : public threads::Semaphore
{
public:
    explicit Semaphore(Runtime *runtime = nullptr, std::int64_t value = 1, bool bounded = false,
                       std::string name = "semaphore");
    ~Semaphore() override;

    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    // Python 3.9's release(n): ValueError("n must be one or more") for n < 1; a bounded
    // semaphore checks value + n against its start before adding anything.
    void release(std::int64_t n, std::source_location loc = std::source_location::current());
    std::int64_t value() const override { return m_value.load(); }

private:
    Runtime *m_rt;
    PrimitiveRef m_ref;
    Lock m_lock;
    Condition m_cond;
    std::atomic<std::int64_t> m_value; // changed only under m_cond; atomic for inspection
    std::int64_t m_initial;
    bool m_bounded;
};

// threading._Event: Condition(Lock()) and a flag.
class Event final : public threads::Event
{
public:
    explicit Event(Runtime *runtime = nullptr, std::string name = "event");
    ~Event() override;

    void set(std::source_location loc = std::source_location::current()) override;
    void clear(std::source_location loc = std::source_location::current()) override;
    bool isSet() const override { return m_flag.load(); }
    bool wait(double timeout = kForever,
              std::source_location loc = std::source_location::current()) override;

private:
    Runtime *m_rt;
    PrimitiveRef m_ref;
    Lock m_lock;
    Condition m_cond;
    std::atomic<bool> m_flag{false};
};

// threading.Barrier (Python 3.2; 2.6 has none): Condition(Lock()), a count of the threads
// inside and a state (filling, draining, resetting, broken), exactly as Lib/threading.py
// builds it. The last of `parties` threads to arrive lets everybody through; a wait that
// times out breaks the barrier, and every thread waiting on it (or arriving later) raises
// BrokenBarrierError.
class Barrier final
{
public:
    explicit Barrier(Runtime *runtime = nullptr, std::int64_t parties = 1,
                     std::string name = "barrier");
    ~Barrier();

    // The arrival index (0 .. parties-1); throws BrokenBarrierError.
    std::int64_t wait(double timeout = kForever,
                      std::source_location loc = std::source_location::current());
    std::int64_t parties() const { return m_parties; }
    std::int64_t waiting() const { return m_count.load(); }
    bool broken() const { return m_state.load() == kBroken; }

private:
    enum : int { kFilling = 0, kDraining = 1, kResetting = -1, kBroken = -2 };
    void enter(std::source_location loc);
    void exit(std::source_location loc);
    void breakBarrier(std::source_location loc);
    // Records a barrier event (events::Arrive, Pass or Broken) with the current count.
    template <class E> void record(const std::string &label, std::source_location loc);

    Runtime *m_rt;
    PrimitiveRef m_ref;
    Lock m_lock;
    Condition m_cond;
    std::int64_t m_parties;
    std::atomic<int> m_state{kFilling};   // changed only under m_cond
    std::atomic<std::int64_t> m_count{0}; // likewise
};

// Python 2's Queue.Queue: a Lock called mutex, not_empty / not_full / all_tasks_done all
// Condition(mutex), unfinished_tasks and a deque (put appends, get pops left: FIFO).
class Queue final : public threads::Queue
{
public:
    explicit Queue(Runtime *runtime = nullptr, std::int64_t maxsize = 0,
                   std::string name = "queue");
    ~Queue() override;

    void put(std::int64_t item, bool block = true, double timeout = kForever,
             std::source_location loc = std::source_location::current()) override;
    std::int64_t get(bool block = true, double timeout = kForever,
                     std::source_location loc = std::source_location::current()) override;
    void taskDone(std::source_location loc = std::source_location::current()) override;
    void join(std::source_location loc = std::source_location::current()) override;
    std::size_t size() const override;
    std::int64_t unfinishedTasks() const override;

private:
    Args state(std::int64_t item = 0) const; // unfinished, maxsize, item; caller holds mutex
    bool full() const { return m_maxsize > 0 && std::int64_t(m_items.size()) >= m_maxsize; }

    Runtime *m_rt;
    PrimitiveRef m_ref;
    std::int64_t m_maxsize;
    Lock m_mutex;
    Condition m_notEmpty;
    Condition m_notFull;
    Condition m_allTasksDone;
    std::deque<std::int64_t> m_items;
    std::atomic<std::int64_t> m_unfinished{0};
    std::atomic<std::size_t> m_size{0};
};

} // namespace wb::threads::classic
