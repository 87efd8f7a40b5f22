#pragma once
// The same contracts on the C++20 standard library, for comparison with the classic layering.
// Not traced and not gated: these are what a modern program would use directly.
//   Lock      Permits holding one permit (ownerless, like Python's Lock; std::mutex may not
//             be released by another thread)
//   RLock     std::timed_mutex held once by the owner + owner + count
//   Condition std::condition_variable with an explicit FIFO of waiters (notify(n) wakes the
//             n oldest, and no spurious wake-ups reach the caller)
//   Semaphore Permits + a counter for value() and the bound check
// Permits is std::mutex + std::condition_variable + a count, not std::counting_semaphore:
// libstdc++ 12 (Debian 12's GCC 12.2) can leave a waiter asleep after the release that should
// have woken it (GCC PR 104928, fixed in GCC 13); a stress test of four threads hung about
// once in 400 runs.
//   Event     std::mutex + std::condition_variable + flag + a generation counter
//   Queue     std::mutex + three std::condition_variables

#include "threads/core/primitives.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace wb::threads::modern {

// A counting semaphore on a mutex and a condition variable.
class Permits
{
public:
    explicit Permits(std::int64_t count) : m_count(count) {}
    bool tryAcquire();
    void acquire();
    bool acquireFor(std::chrono::nanoseconds timeout);
    void release(std::int64_t n = 1);

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::int64_t m_count;
};

class Lock final : public Lockable
{
public:
    explicit Lock(std::string name = "lock") : m_name(std::move(name)) {}
    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    bool isOwned() const override { return m_locked.load(); }
    SavedLockState releaseSave() override;
    void acquireRestore(const SavedLockState &state) override;
    std::string_view name() const override { return m_name; }

private:
    Permits m_sem{1};
    std::atomic<bool> m_locked{false};
    std::string m_name;
};

class RLock final : public Lockable
{
public:
    explicit RLock(std::string name = "rlock") : m_name(std::move(name)) {}
    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    bool isOwned() const override { return m_owner.load() == std::this_thread::get_id(); }
    SavedLockState releaseSave() override;
    void acquireRestore(const SavedLockState &state) override;
    std::string_view name() const override { return m_name; }

private:
    std::timed_mutex m_mutex; // held once while owned; recursion is m_count
    std::atomic<std::thread::id> m_owner{};
    std::int64_t m_count = 0; // touched by the owner only
    std::string m_name;
};

class Condition final : public threads::Condition
{
public:
    explicit Condition(Lockable *lock = nullptr, std::string name = "condition");
    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    bool wait(double timeout = kForever,
              std::source_location loc = std::source_location::current()) override;
    void notify(int n = 1, std::source_location loc = std::source_location::current()) override;
    void notifyAll(std::source_location loc = std::source_location::current()) override;
    std::size_t waiterCount() const override;
    Lockable &lock() override { return *m_lock; }

private:
    struct Waiter
    {
        bool notified = false;
    };
    std::unique_ptr<RLock> m_ownLock;
    Lockable *m_lock;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Waiter *> m_waiters;
};

class Semaphore final : public threads::Semaphore
{
public:
    explicit Semaphore(std::int64_t value = 1, bool bounded = false);
    bool acquire(bool blocking = true, double timeout = kForever,
                 std::source_location loc = std::source_location::current()) override;
    void release(std::source_location loc = std::source_location::current()) override;
    std::int64_t value() const override { return m_value.load(); }

private:
    Permits m_sem;
    std::atomic<std::int64_t> m_value;
    std::int64_t m_initial;
    bool m_bounded;
};

class Event final : public threads::Event
{
public:
    void set(std::source_location loc = std::source_location::current()) override;
    void clear(std::source_location loc = std::source_location::current()) override;
    bool isSet() const override;
    bool wait(double timeout = kForever,
              std::source_location loc = std::source_location::current()) override;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_flag = false;
    std::uint64_t m_generation = 0; // bumped by set(): a pulse wakes current waiters
};

class Queue final : public threads::Queue
{
public:
    explicit Queue(std::int64_t maxsize = 0) : m_maxsize(maxsize) {}
    void put(std::int64_t item, bool block = true, double timeout = kForever,
             std::source_location loc = std::source_location::current()) override;
    std::int64_t get(bool block = true, double timeout = kForever,
                     std::source_location loc = std::source_location::current()) override;
    void taskDone(std::source_location loc = std::source_location::current()) override;
    void join(std::source_location loc = std::source_location::current()) override;
    std::size_t size() const override;
    std::int64_t unfinishedTasks() const override;

private:
    bool full() const { return m_maxsize > 0 && std::int64_t(m_items.size()) >= m_maxsize; }

    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty, m_notFull, m_allTasksDone;
    std::deque<std::int64_t> m_items;
    std::int64_t m_maxsize;
    std::int64_t m_unfinished = 0;
};

} // namespace wb::threads::modern
