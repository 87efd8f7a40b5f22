#pragma once
// The interfaces of Python's synchronization primitives, implemented twice:
//   classic - CPython 2.6's layering (classic.h): Lock on a POSIX semaphore, RLock over a
//             Lock, Condition over a lock plus per-waiter Locks, Semaphore/Event/Queue over
//             Condition(Lock()). Instrumented; runs under a Runtime's gate.
//   modern  - the same contracts on the C++ standard library: std::mutex and
//             std::condition_variable (a counting semaphore of its own), std::timed_mutex
//             (modern.h). Not traced; the comparison point of the tests and the benchmark.
// Both throw the same Python errors with the same messages.
//
// Timeouts are in seconds; kForever (any negative value) means no timeout. With a Runtime
// they are scenario seconds (virtual in step mode).
//
// The optional std::source_location parameters record the caller's line in the trace:
//     lock.acquire();              // right: the event points at this line
//     auto a = [&] { lock.acquire(); }; // also right: the lambda's line

#include "threads/core/errors.h"

#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace wb::threads {

class Runtime;

inline constexpr double kForever = -1.0;

// What Condition.wait saves when it releases its lock completely (Python's _release_save):
// for an RLock the owner and the recursion count, for a Lock nothing.
struct SavedLockState
{
    std::thread::id owner;
    std::int64_t count = 0;
};

class Lockable
{
public:
    virtual ~Lockable() = default;
    // Blocking: waits (up to timeout) and returns true once acquired; non-blocking: tries once.
    virtual bool acquire(bool blocking = true, double timeout = kForever,
                         std::source_location loc = std::source_location::current()) = 0;
    virtual void release(std::source_location loc = std::source_location::current()) = 0;
    // Condition's hooks. isOwned() for a Lock means "locked by someone" (Lock has no owner).
    virtual bool isOwned() const = 0;
    virtual SavedLockState releaseSave() = 0;
    virtual void acquireRestore(const SavedLockState &state) = 0;
    virtual std::string_view name() const = 0;
};

class Condition
{
public:
    virtual ~Condition() = default;
    virtual bool acquire(bool blocking = true, double timeout = kForever,
                         std::source_location loc = std::source_location::current()) = 0;
    virtual void release(std::source_location loc = std::source_location::current()) = 0;
    // Requires the lock: RuntimeError("cannot wait on un-acquired lock"). Returns false on
    // timeout. The lock is held again on return, with the state it had before.
    virtual bool wait(double timeout = kForever,
                      std::source_location loc = std::source_location::current()) = 0;
    // Wakes up to n waiters, oldest first. Requires the lock:
    // RuntimeError("cannot notify on un-acquired lock").
    virtual void notify(int n = 1, std::source_location loc = std::source_location::current()) = 0;
    virtual void notifyAll(std::source_location loc = std::source_location::current()) = 0;
    virtual std::size_t waiterCount() const = 0; // read it while holding the lock
    virtual Lockable &lock() = 0;
};

class Semaphore
{
public:
    virtual ~Semaphore() = default;
    virtual bool acquire(bool blocking = true, double timeout = kForever,
                         std::source_location loc = std::source_location::current()) = 0;
    // A bounded semaphore already at its initial value throws
    // ValueError("Semaphore released too many times").
    virtual void release(std::source_location loc = std::source_location::current()) = 0;
    virtual std::int64_t value() const = 0;
};

class Event
{
public:
    virtual ~Event() = default;
    virtual void set(std::source_location loc = std::source_location::current()) = 0;
    virtual void clear(std::source_location loc = std::source_location::current()) = 0;
    virtual bool isSet() const = 0;
    // True if the flag was set or a set() woke us (even if clear() followed at once, as in
    // Python 3); false on timeout.
    virtual bool wait(double timeout = kForever,
                      std::source_location loc = std::source_location::current()) = 0;
};

// Python 2's Queue.Queue of integers. maxsize <= 0 means unbounded.
class Queue
{
public:
    virtual ~Queue() = default;
    // Throws QueueFull when non-blocking or timed out on a full bounded queue.
    virtual void put(std::int64_t item, bool block = true, double timeout = kForever,
                     std::source_location loc = std::source_location::current()) = 0;
    // Throws QueueEmpty when non-blocking or timed out on an empty queue. FIFO.
    virtual std::int64_t get(bool block = true, double timeout = kForever,
                             std::source_location loc = std::source_location::current()) = 0;
    // ValueError("task_done() called too many times") when no task is unfinished.
    virtual void taskDone(std::source_location loc = std::source_location::current()) = 0;
    // Blocks until every item put has been marked done.
    virtual void join(std::source_location loc = std::source_location::current()) = 0;
    virtual std::size_t size() const = 0;
    virtual std::int64_t unfinishedTasks() const = 0;
};

// Selects an implementation at run time (the UI's "classic / modern" toggle).
class Backend
{
public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0; // "classic" or "modern"
    virtual std::unique_ptr<Lockable> makeLock(std::string name = "lock") = 0;
    virtual std::unique_ptr<Lockable> makeRLock(std::string name = "rlock") = 0;
    // lock == nullptr: the condition owns a new RLock. Otherwise `lock` (from the same
    // backend) must outlive the condition.
    virtual std::unique_ptr<Condition> makeCondition(Lockable *lock = nullptr,
                                                     std::string name = "condition") = 0;
    virtual std::unique_ptr<Semaphore> makeSemaphore(std::int64_t value = 1, bool bounded = false,
                                                     std::string name = "semaphore") = 0;
    virtual std::unique_ptr<Event> makeEvent(std::string name = "event") = 0;
    virtual std::unique_ptr<Queue> makeQueue(std::int64_t maxsize = 0,
                                             std::string name = "queue") = 0;
};

// The classic backend records into `runtime` when given one (it must outlive the primitives).
std::unique_ptr<Backend> classicBackend(Runtime *runtime = nullptr);
std::unique_ptr<Backend> modernBackend();

} // namespace wb::threads
