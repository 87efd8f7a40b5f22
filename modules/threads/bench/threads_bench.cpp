// Classic (CPython 2.6 layering) versus the standard library and the raw POSIX semaphore.
#include "threads/core/classic.h"
#include "threads/core/events.h"
#include "threads/core/modern.h"
#include "threads/core/runtime.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <semaphore.h>
#include <thread>
#include <vector>

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
            rt.flush();
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

template <class Signal> void pingPong(benchmark::State &state, Signal &ping, Signal &pong)
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

void BM_HandOff_ModernLock(benchmark::State &state)
{
    modern::Lock ping, pong;
    ping.acquire();
    pong.acquire();
    pingPong(state, ping, pong);
}
BENCHMARK(BM_HandOff_ModernLock)->UseRealTime();

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

template <class Q> void queueThroughput(benchmark::State &state, Q &q)
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
//
// Recording is split: the probe appends a compact record (the hot path), the trace's reader
// decodes records into wb::Events (flush). The three are measured separately.

// Times `once(n)` per iteration; every 50,000 events the trace is flushed and cleared
// outside the timing, so the buffers and the trace stay small.
template <class Once>
void recordLoop(benchmark::State &state, wb::Trace &trace, Runtime &rt, Once once)
{
    std::int64_t n = 0;
    for (auto _ : state) {
        once(n);
        if (++n % 50000 == 0) {
            state.PauseTiming();
            rt.flush();
            trace.clear();
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}

// The hot path as Lock::acquire calls it: a registered primitive, two arguments.
void BM_RecordEvent(benchmark::State &state)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("lock", "Lock"));
    recordLoop(state, trace, rt, [&](std::int64_t n) {
        rt.record(Form::LockAttempt, ref, {n & 1, true});
    });
}
BENCHMARK(BM_RecordEvent);

// The clock read every record makes (part of BM_RecordEvent).
void BM_SteadyClockNow(benchmark::State &state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(std::chrono::steady_clock::now());
}
BENCHMARK(BM_SteadyClockNow);

// A record with a list (a queue's items), as Queue::put records it.
void BM_RecordEventWithList(benchmark::State &state)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("queue", "Queue"));
    const std::deque<std::int64_t> items = {159, 116, 42};
    recordLoop(state, trace, rt, [&](std::int64_t) {
        rt.recordList(Form::QueuePut, ref, {3, 0, 42}, items);
    });
}
BENCHMARK(BM_RecordEventWithList);

// The typed record() (an event of threads/core/events.h and its label, built by the caller),
// used for events outside the compact forms: a heap Event carried through the same buffers.
void BM_RecordEventGeneric(benchmark::State &state)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("lock", "Lock"));
    recordLoop(state, trace, rt, [&](std::int64_t) {
        rt.record(ref, events::Acquired{.value = 0, .locked = true}, "Thread-1 acquired lock");
    });
}
BENCHMARK(BM_RecordEventGeneric);

// Decoding: compact records into wb::Events appended to the trace (what flush() costs).
void BM_DecodeEvent(benchmark::State &state)
{
    constexpr std::int64_t kBatch = 10000;
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("lock", "Lock"));
    for (auto _ : state) {
        state.PauseTiming();
        trace.clear();
        for (std::int64_t i = 0; i < kBatch; ++i)
            rt.record(Form::LockAttempt, ref, {i & 1, true});
        state.ResumeTiming();
        rt.flush();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_DecodeEvent);

// End to end: N threads record at once into one Runtime, then the trace is flushed; items
// are events in the trace per second of wall time.
void BM_EventsIntoTrace(benchmark::State &state)
{
    constexpr std::int64_t kPerThread = 20000;
    const auto threads = static_cast<int>(state.range(0));
    for (auto _ : state) {
        wb::Trace trace;
        Runtime rt(&trace);
        const PrimitiveRef ref = rt.ref(rt.addPrimitive("lock", "Lock"));
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t)
            writers.emplace_back([&] {
                for (std::int64_t i = 0; i < kPerThread; ++i)
                    rt.record(Form::LockAttempt, ref, {i & 1, true});
            });
        for (auto &w : writers)
            w.join();
        rt.flush();
        if (trace.size() != std::size_t(threads * kPerThread))
            state.SkipWithError("events missing from the trace");
    }
    state.SetItemsProcessed(state.iterations() * threads * kPerThread);
}
BENCHMARK(BM_EventsIntoTrace)->Arg(1)->Arg(2)->Arg(4)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
