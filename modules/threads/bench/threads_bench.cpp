// Classic (CPython 2.6 layering) versus the standard library and the raw POSIX semaphore.
#include "threads/core/classic.h"
#include "threads/core/modern.h"
#include "threads/core/runtime.h"

#include <benchmark/benchmark.h>

#include <mutex>
#include <semaphore.h>
#include <semaphore>
#include <thread>

namespace {

using namespace wb::threads;

// ---- uncontended acquire + release ---------------------------------------------------------

void BM_Uncontended_ClassicLock(benchmark::State &state)
{
    classic::Lock lock;
    for (auto _ : state) {
        lock.acquire();
        lock.release();
    }
}
BENCHMARK(BM_Uncontended_ClassicLock);

void BM_Uncontended_ClassicLockTraced(benchmark::State &state)
{
    wb::Trace trace;
    Runtime rt(&trace);
    classic::Lock lock(&rt, "lock");
    std::int64_t n = 0;
    for (auto _ : state) {
        lock.acquire();
        lock.release();
        if (++n % 20000 == 0) {
            state.PauseTiming();
            trace.clear();
            state.ResumeTiming();
        }
    }
}
BENCHMARK(BM_Uncontended_ClassicLockTraced);

void BM_Uncontended_ClassicRLock(benchmark::State &state)
{
    classic::RLock lock;
    for (auto _ : state) {
        lock.acquire();
        lock.release();
    }
}
BENCHMARK(BM_Uncontended_ClassicRLock);

void BM_Uncontended_ModernLock(benchmark::State &state)
{
    modern::Lock lock;
    for (auto _ : state) {
        lock.acquire();
        lock.release();
    }
}
BENCHMARK(BM_Uncontended_ModernLock);

void BM_Uncontended_StdMutex(benchmark::State &state)
{
    std::mutex m;
    for (auto _ : state) {
        m.lock();
        m.unlock();
    }
}
BENCHMARK(BM_Uncontended_StdMutex);

void BM_Uncontended_RawSemT(benchmark::State &state)
{
    sem_t s;
    sem_init(&s, 0, 1);
    for (auto _ : state) {
        sem_wait(&s);
        sem_post(&s);
    }
    sem_destroy(&s);
}
BENCHMARK(BM_Uncontended_RawSemT);

// ---- contended hand-off: a ping-pong between two threads; one iteration = two hand-offs ----

template <class Signal>
void pingPong(benchmark::State &state, Signal &ping, Signal &pong)
{
    std::atomic<bool> done{false};
    std::thread partner([&] {
        for (;;) {
            ping.acquire();
            if (done.load())
                return;
            pong.release();
        }
    });
    for (auto _ : state) {
        ping.release();
        pong.acquire();
    }
    done = true;
    ping.release();
    partner.join();
}

void BM_HandOff_ClassicLock(benchmark::State &state)
{
    classic::Lock ping, pong;
    ping.acquire(); // both start locked: release() is the signal
    pong.acquire();
    pingPong(state, ping, pong);
}
BENCHMARK(BM_HandOff_ClassicLock)->UseRealTime();

void BM_HandOff_StdBinarySemaphore(benchmark::State &state)
{
    std::binary_semaphore ping{0}, pong{0};
    pingPong(state, ping, pong);
}
BENCHMARK(BM_HandOff_StdBinarySemaphore)->UseRealTime();

struct RawSem
{
    sem_t s;
    RawSem() { sem_init(&s, 0, 0); }
    ~RawSem() { sem_destroy(&s); }
    void acquire() { sem_wait(&s); }
    void release() { sem_post(&s); }
};

void BM_HandOff_RawSemT(benchmark::State &state)
{
    RawSem ping, pong;
    pingPong(state, ping, pong);
}
BENCHMARK(BM_HandOff_RawSemT)->UseRealTime();

// ---- Queue throughput: one producer thread, the benchmark thread consumes ------------------

template <class Q>
void queueThroughput(benchmark::State &state, Q &q)
{
    constexpr std::int64_t kBatch = 10000;
    for (auto _ : state) {
        std::thread producer([&] {
            for (std::int64_t i = 0; i < kBatch; ++i)
                q.put(i);
        });
        std::int64_t sum = 0;
        for (std::int64_t i = 0; i < kBatch; ++i)
            sum += q.get();
        producer.join();
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Queue_Classic(benchmark::State &state)
{
    classic::Queue q(nullptr, state.range(0));
    queueThroughput(state, q);
}
BENCHMARK(BM_Queue_Classic)->Arg(0)->Arg(64)->UseRealTime();

void BM_Queue_MutexCondvar(benchmark::State &state)
{
    modern::Queue q(state.range(0));
    queueThroughput(state, q);
}
BENCHMARK(BM_Queue_MutexCondvar)->Arg(0)->Arg(64)->UseRealTime();

// ---- the cost of one recorded event ---------------------------------------------------------

void BM_RecordEvent(benchmark::State &state)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref{0, "lock", "Lock"};
    std::int64_t n = 0;
    for (auto _ : state) {
        rt.record("acquired", ref, "Thread-1 acquired lock", {{"value", 0}, {"locked", true}});
        if (++n % 50000 == 0) {
            state.PauseTiming();
            trace.clear();
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordEvent);

} // namespace

BENCHMARK_MAIN();
