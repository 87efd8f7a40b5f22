// The rules of each primitive, and stress invariants, for both implementations (typed tests).
#include "threads/core/primitives.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace {

using namespace wb::threads;

struct Classic
{
    static std::unique_ptr<Backend> make() { return classicBackend(); }
};
struct Modern
{
    static std::unique_ptr<Backend> make() { return modernBackend(); }
};

template <class B> class ThreadsPrimitives : public ::testing::Test
{
protected:
    std::unique_ptr<Backend> backend = B::make();
};

using Backends = ::testing::Types<Classic, Modern>;
TYPED_TEST_SUITE(ThreadsPrimitives, Backends);

template <class Fn> std::string pythonError(Fn fn)
{
    try {
        fn();
    } catch (const PyError &e) {
        return e.pythonType() + ": " + e.what();
    }
    return "no error";
}

// Polls a condition that another thread makes true; a bound, not a timing assertion.
template <class Pred> bool eventually(Pred pred)
{
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

// ---- Lock ----------------------------------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, LockAcquireBlocksOthersUntilReleased)
{
    auto lock = this->backend->makeLock();
    EXPECT_TRUE(lock->acquire());
    EXPECT_FALSE(lock->acquire(false));      // held: a non-blocking acquire fails at once
    EXPECT_FALSE(lock->acquire(true, 0.01)); // a timed acquire gives up
    lock->release();
    EXPECT_TRUE(lock->acquire(false));
    lock->release();
}

TYPED_TEST(ThreadsPrimitives, LockReleaseOfUnlockedLockIsAnError)
{
    auto lock = this->backend->makeLock();
    EXPECT_EQ(pythonError([&] { lock->release(); }), "RuntimeError: release unlocked lock");
    lock->acquire();
    lock->release();
    EXPECT_EQ(pythonError([&] { lock->release(); }), "RuntimeError: release unlocked lock");
    // The guard undid its trial acquire: the lock is still usable and free.
    EXPECT_TRUE(lock->acquire(false));
    lock->release();
}

TYPED_TEST(ThreadsPrimitives, LockHasNoOwnerAnyThreadMayRelease)
{
    auto lock = this->backend->makeLock();
    lock->acquire();
    std::thread other([&] { lock->release(); });
    other.join();
    EXPECT_TRUE(lock->acquire(false));
    lock->release();
}

TYPED_TEST(ThreadsPrimitives, LockSecondAcquireBySameThreadDoesNotReenter)
{
    auto lock = this->backend->makeLock();
    lock->acquire();
    EXPECT_FALSE(lock->acquire(false));
    lock->release();
}

// ---- RLock ---------------------------------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, RLockIsReentrantAndCounts)
{
    auto rlock = this->backend->makeRLock();
    EXPECT_TRUE(rlock->acquire());
    EXPECT_TRUE(rlock->acquire());
    EXPECT_TRUE(rlock->acquire(false));
    bool otherGot = true;
    std::thread([&] { otherGot = rlock->acquire(false); }).join();
    EXPECT_FALSE(otherGot);
    rlock->release();
    rlock->release();
    std::thread([&] { otherGot = rlock->acquire(false); }).join();
    EXPECT_FALSE(otherGot) << "still held once";
    rlock->release();
    std::thread([&] {
        otherGot = rlock->acquire(false);
        if (otherGot)
            rlock->release();
    }).join();
    EXPECT_TRUE(otherGot);
}

TYPED_TEST(ThreadsPrimitives, RLockReleaseByNonOwnerIsAnError)
{
    auto rlock = this->backend->makeRLock();
    EXPECT_EQ(pythonError([&] { rlock->release(); }),
              "RuntimeError: cannot release un-acquired lock");
    rlock->acquire();
    std::string error;
    std::thread([&] { error = pythonError([&] { rlock->release(); }); }).join();
    EXPECT_EQ(error, "RuntimeError: cannot release un-acquired lock");
    rlock->release();
}

// ---- Condition -----------------------------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, ConditionRequiresItsLock)
{
    auto cond = this->backend->makeCondition();
    EXPECT_EQ(pythonError([&] { cond->wait(0.01); }),
              "RuntimeError: cannot wait on un-acquired lock");
    EXPECT_EQ(pythonError([&] { cond->notify(); }),
              "RuntimeError: cannot notify on un-acquired lock");
    EXPECT_EQ(pythonError([&] { cond->notifyAll(); }),
              "RuntimeError: cannot notify on un-acquired lock");
}

TYPED_TEST(ThreadsPrimitives, ConditionWaitTimesOutAndHoldsTheLockAgain)
{
    auto cond = this->backend->makeCondition();
    cond->acquire();
    EXPECT_FALSE(cond->wait(0.01));
    EXPECT_EQ(cond->waiterCount(), 0u) << "a timed-out waiter leaves the list";
    EXPECT_TRUE(cond->lock().isOwned());
    cond->release();
}

TYPED_TEST(ThreadsPrimitives, ConditionWaitReleasesAnRLockFullyAndRestoresItsCount)
{
    auto cond = this->backend->makeCondition(); // owns an RLock
    std::atomic<bool> ready{false};
    std::thread waiter([&] {
        cond->acquire();
        cond->acquire();
        cond->acquire(); // count 3
        ready = true;
        EXPECT_TRUE(cond->wait());
        cond->release();
        cond->release();
        cond->release(); // exactly three releases: the count was restored
        EXPECT_EQ(pythonError([&] { cond->release(); }),
                  "RuntimeError: cannot release un-acquired lock");
    });
    ASSERT_TRUE(eventually([&] {
        if (!ready || !cond->acquire(false))
            return false; // the waiter still holds it (count 3) or has not started
        const bool waiting = cond->waiterCount() == 1;
        if (waiting)
            cond->notify();
        cond->release();
        return waiting;
    }));
    waiter.join();
}

TYPED_TEST(ThreadsPrimitives, ConditionNotifyWakesTheRequestedNumberOfWaiters)
{
    auto cond = this->backend->makeCondition();
    std::atomic<int> woken{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i)
        waiters.emplace_back([&] {
            cond->acquire();
            cond->wait();
            ++woken;
            cond->release();
        });
    const auto waiting = [&](std::size_t n) {
        cond->acquire();
        const bool ok = cond->waiterCount() == n;
        cond->release();
        return ok;
    };
    ASSERT_TRUE(eventually([&] { return waiting(3); }));
    cond->acquire();
    cond->notify(2);
    cond->release();
    ASSERT_TRUE(eventually([&] { return woken == 2; }));
    EXPECT_TRUE(waiting(1));
    cond->acquire();
    cond->notifyAll();
    cond->release();
    for (auto &t : waiters)
        t.join();
    EXPECT_EQ(woken, 3);
}

TYPED_TEST(ThreadsPrimitives, ConditionOverAPlainLock)
{
    auto lock = this->backend->makeLock();
    auto cond = this->backend->makeCondition(lock.get());
    cond->acquire();
    EXPECT_FALSE(cond->wait(0.01));
    EXPECT_FALSE(lock->acquire(false)) << "held again after wait";
    cond->release();
}

// ---- Semaphore / BoundedSemaphore ----------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, SemaphoreCountsPermits)
{
    auto sem = this->backend->makeSemaphore(2);
    EXPECT_TRUE(sem->acquire());
    EXPECT_TRUE(sem->acquire());
    EXPECT_EQ(sem->value(), 0);
    EXPECT_FALSE(sem->acquire(false));
    EXPECT_FALSE(sem->acquire(true, 0.01));
    sem->release();
    EXPECT_EQ(sem->value(), 1);
    sem->release();
    sem->release(); // an unbounded semaphore may go above its initial value
    EXPECT_EQ(sem->value(), 3);
}

TYPED_TEST(ThreadsPrimitives, BoundedSemaphoreRejectsOverRelease)
{
    auto sem = this->backend->makeSemaphore(2, true);
    EXPECT_EQ(pythonError([&] { sem->release(); }),
              "ValueError: Semaphore released too many times");
    sem->acquire();
    sem->release();
    EXPECT_EQ(pythonError([&] { sem->release(); }),
              "ValueError: Semaphore released too many times");
    EXPECT_EQ(sem->value(), 2);
}

TYPED_TEST(ThreadsPrimitives, SemaphoreReleaseWakesABlockedAcquirer)
{
    auto sem = this->backend->makeSemaphore(0);
    std::thread t([&] { EXPECT_TRUE(sem->acquire()); });
    sem->release();
    t.join();
    EXPECT_EQ(sem->value(), 0);
}

// ---- Event ---------------------------------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, EventFlag)
{
    auto ev = this->backend->makeEvent();
    EXPECT_FALSE(ev->isSet());
    EXPECT_FALSE(ev->wait(0.01));
    ev->set();
    EXPECT_TRUE(ev->isSet());
    EXPECT_TRUE(ev->wait());
    ev->clear();
    EXPECT_FALSE(ev->isSet());
}

TYPED_TEST(ThreadsPrimitives, EventPulseWakesAThreadAlreadyWaiting)
{
    auto ev = this->backend->makeEvent();
    std::atomic<bool> returned{false};
    std::thread waiter([&] {
        EXPECT_TRUE(ev->wait());
        returned = true;
    });
    // A set()+clear() pulse wakes a thread only if it is already waiting; keep pulsing until
    // the waiter has arrived and returned.
    ASSERT_TRUE(eventually([&] {
        ev->set();
        ev->clear();
        return returned.load();
    }));
    waiter.join();
    EXPECT_FALSE(ev->isSet());
}

// ---- Queue ---------------------------------------------------------------------------------

TYPED_TEST(ThreadsPrimitives, QueueIsFifoAndRaisesFullAndEmpty)
{
    auto q = this->backend->makeQueue(2);
    EXPECT_THROW(q->get(false), QueueEmpty);
    EXPECT_THROW(q->get(true, 0.01), QueueEmpty);
    q->put(1);
    q->put(2);
    EXPECT_THROW(q->put(3, false), QueueFull);
    EXPECT_THROW(q->put(3, true, 0.01), QueueFull);
    EXPECT_EQ(q->size(), 2u);
    EXPECT_EQ(q->get(), 1);
    EXPECT_EQ(q->get(), 2);
    EXPECT_EQ(q->unfinishedTasks(), 2);
}

TYPED_TEST(ThreadsPrimitives, QueueTaskDoneAndJoin)
{
    auto q = this->backend->makeQueue();
    EXPECT_EQ(pythonError([&] { q->taskDone(); }),
              "ValueError: task_done() called too many times");
    EXPECT_EQ(q->unfinishedTasks(), 0) << "the counter stays at 0";
    q->put(7);
    q->put(8);
    std::thread consumer([&] {
        q->get();
        q->taskDone();
        q->get();
        q->taskDone();
    });
    q->join(); // returns only after both task_done calls
    EXPECT_EQ(q->unfinishedTasks(), 0);
    consumer.join();
    q->join(); // nothing unfinished: returns at once
}

// ---- stress: invariants under many threads -------------------------------------------------

constexpr int kThreads = 4;
constexpr int kOps = 5000;

TYPED_TEST(ThreadsPrimitives, StressLockMutualExclusion)
{
    auto lock = this->backend->makeLock();
    std::atomic<int> inside{0};
    std::atomic<int> maxInside{0};
    long counter = 0; // plain: only the lock protects it
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < kOps; ++i) {
                lock->acquire();
                const int now = ++inside;
                int seen = maxInside.load();
                while (now > seen && !maxInside.compare_exchange_weak(seen, now)) {
                }
                ++counter;
                --inside;
                lock->release();
            }
        });
    for (auto &t : ts)
        t.join();
    EXPECT_EQ(counter, long(kThreads) * kOps);
    EXPECT_EQ(maxInside.load(), 1);
}

TYPED_TEST(ThreadsPrimitives, StressRLockMutualExclusion)
{
    auto rlock = this->backend->makeRLock();
    long counter = 0;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < kOps / 2; ++i) {
                rlock->acquire();
                rlock->acquire();
                ++counter;
                rlock->release();
                ++counter;
                rlock->release();
            }
        });
    for (auto &t : ts)
        t.join();
    EXPECT_EQ(counter, long(kThreads) * kOps);
}

TYPED_TEST(ThreadsPrimitives, StressSemaphoreNeverExceedsPermitsNorGoesNegative)
{
    constexpr int kPermits = 3;
    auto sem = this->backend->makeSemaphore(kPermits, true);
    std::atomic<int> inside{0};
    std::atomic<bool> violated{false};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads * 2; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < kOps / 2; ++i) {
                sem->acquire();
                if (++inside > kPermits || sem->value() < 0)
                    violated = true;
                --inside;
                sem->release();
            }
        });
    for (auto &t : ts)
        t.join();
    EXPECT_FALSE(violated.load());
    EXPECT_EQ(sem->value(), kPermits);
}

TYPED_TEST(ThreadsPrimitives, StressQueueLosesAndDuplicatesNothing)
{
    auto q = this->backend->makeQueue(16);
    constexpr int kPerProducer = kOps;
    std::vector<std::vector<std::int64_t>> got(kThreads);
    std::vector<std::thread> ts;
    for (int p = 0; p < kThreads; ++p)
        ts.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i)
                q->put(std::int64_t(p) * kPerProducer + i);
        });
    for (int c = 0; c < kThreads; ++c)
        ts.emplace_back([&, c] {
            for (int i = 0; i < kPerProducer; ++i) {
                got[c].push_back(q->get());
                q->taskDone();
            }
        });
    q->join();
    for (auto &t : ts)
        t.join();
    std::set<std::int64_t> all;
    std::size_t total = 0;
    for (const auto &v : got) {
        total += v.size();
        all.insert(v.begin(), v.end());
        // FIFO per producer: one consumer sees each producer's items in increasing order.
        std::vector<std::int64_t> last(kThreads, -1);
        for (auto item : v) {
            EXPECT_GT(item, last[item / kPerProducer]);
            last[item / kPerProducer] = item;
        }
    }
    EXPECT_EQ(total, std::size_t(kThreads) * kPerProducer);
    EXPECT_EQ(all.size(), total) << "no duplicates";
    EXPECT_EQ(*all.begin(), 0);
    EXPECT_EQ(*all.rbegin(), std::int64_t(kThreads) * kPerProducer - 1) << "no losses";
    EXPECT_EQ(q->unfinishedTasks(), 0);
}

TYPED_TEST(ThreadsPrimitives, StressConditionProducerConsumer)
{
    auto cond = this->backend->makeCondition();
    std::vector<int> items; // guarded by cond
    long consumed = 0;
    constexpr int kItems = kOps;
    std::thread producer([&] {
        for (int i = 0; i < kItems; ++i) {
            cond->acquire();
            items.push_back(i);
            cond->notify();
            cond->release();
        }
    });
    std::thread consumer([&] {
        for (int i = 0; i < kItems; ++i) {
            cond->acquire();
            while (items.empty())
                cond->wait();
            items.pop_back();
            ++consumed;
            cond->release();
        }
    });
    producer.join();
    consumer.join();
    EXPECT_EQ(consumed, kItems);
    EXPECT_TRUE(items.empty());
}

} // namespace
