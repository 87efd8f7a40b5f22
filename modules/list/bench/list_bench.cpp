// The list module against its references: timsort (cpython311) vs std::stable_sort, the
// list model's append vs std::vector::push_back, and what a detached probe costs.
// Every sort iteration copies its 1,000,000-element input first (same cost on both sides).
#include "list/core/listobject.h"
#include "list/core/timsort.h"

#include "workbench/core/rng.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <optional>
#include <vector>

namespace {

using namespace wb::list;

constexpr std::size_t kN = 1'000'000;

enum class Shape { Random, SortedRuns, FewDistinct };

const std::vector<std::uint64_t> &input(Shape shape)
{
    static std::vector<std::uint64_t> data[3];
    auto &v = data[static_cast<int>(shape)];
    if (!v.empty())
        return v;
    wb::Rng rng(42);
    v.resize(kN);
    for (auto &x : v)
        x = shape == Shape::FewDistinct ? rng.below(4) : rng.next();
    if (shape == Shape::SortedRuns) // sorted stretches of 1,000 to 20,000 elements
        for (std::size_t i = 0; i < kN;) {
            const auto len = std::min<std::size_t>(kN - i, 1000 + rng.below(19000));
            std::sort(v.begin() + static_cast<std::ptrdiff_t>(i),
                      v.begin() + static_cast<std::ptrdiff_t>(i + len));
            i += len;
        }
    return v;
}

template <Shape S> void BM_Timsort311(benchmark::State &state)
{
    const auto &in = input(S);
    std::vector<std::uint64_t> v;
    for (auto _ : state) {
        v = in;
        timsort(std::span(v));
        benchmark::DoNotOptimize(v.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

template <Shape S> void BM_StdStableSort(benchmark::State &state)
{
    const auto &in = input(S);
    std::vector<std::uint64_t> v;
    for (auto _ : state) {
        v = in;
        std::stable_sort(v.begin(), v.end());
        benchmark::DoNotOptimize(v.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

// The same sort with every probe compiled out: the baseline for the detached-probe cost.
void BM_Timsort311Unprobed(benchmark::State &state)
{
    const auto &in = input(Shape::Random);
    std::vector<std::uint64_t> v;
    for (auto _ : state) {
        v = in;
        timsortUnprobed(std::span(v));
        benchmark::DoNotOptimize(v.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

// Two sorts of the same input, timed in alternation inside one benchmark: each iteration sorts
// a fresh copy with A and one with B, in an order that flips every iteration, and measures
// each with this thread's CPU clock (the copy is outside both timings). On a machine shared
// with other jobs this keeps A and B under the same conditions, where two separate
// benchmarks run seconds apart. Counters: a_ms and b_ms (mean per sort), ratio = A / B.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Runs `a` and `b` once per iteration, in an order that flips every iteration; each returns
// the milliseconds it measured. Returns the totals.
template <class A, class B>
std::pair<double, double> alternate(benchmark::State &state, A &&a, B &&b)
{
    double ta = 0, tb = 0;
    bool aFirst = true;
    for (auto _ : state) {
        if (aFirst) {
            ta += a();
            tb += b();
        } else {
            tb += b();
            ta += a();
        }
        aFirst = !aFirst;
    }
    return {ta, tb};
}

template <class SortA, class SortB>
void pairedSorts(benchmark::State &state, Shape shape, SortA sortA, SortB sortB)
{
    const auto &in = input(shape);
    std::vector<std::uint64_t> v;
    auto timed = [&](auto &&sort) {
        v = in;
        const double t0 = threadCpuMs();
        sort(v);
        const double t = threadCpuMs() - t0;
        benchmark::DoNotOptimize(v.data());
        return t;
    };
    const auto [a, b] = alternate(
        state, [&] { return timed(sortA); }, [&] { return timed(sortB); });
    const auto n = static_cast<double>(state.iterations());
    state.counters["a_ms"] = a / n;
    state.counters["b_ms"] = b / n;
    state.counters["ratio"] = a / b;
}

const auto kTimsort = [](std::vector<std::uint64_t> &v) {
    timsort(std::span(v));
};
const auto kStable = [](std::vector<std::uint64_t> &v) {
    std::stable_sort(v.begin(), v.end());
};

// A = timsort (cpython311) B = std::stable_sort, per input shape.
template <Shape S> void BM_PairTimsortVsStable(benchmark::State &state)
{
    pairedSorts(state, S, kTimsort, kStable);
}

// The detached probe: A = timsort() with no trace attached (it tests options.trace once and
// runs the uninstrumented instantiation), B = that instantiation called directly
// (timsortUnprobed). The bound is A / B < 1.05.
void BM_PairDetachedProbe(benchmark::State &state)
{
    SortOptions detached; // trace == nullptr: no probe attached
    pairedSorts(
        state, Shape::Random,
        [&](std::vector<std::uint64_t> &v) { timsort(std::span(v), std::less<>{}, detached); },
        [](std::vector<std::uint64_t> &v) { timsortUnprobed(std::span(v)); });
}

// N appends to a new list / vector (Arg = N), growth included, of the same N pointers to
// existing objects (object creation is a separate cost, outside the loop; distinct objects,
// as a real list holds, so the reference counts are not one serial chain). The list side also
// pays for what CPython's app1 and list_dealloc do and a vector does not: Py_INCREF on every
// append and Py_DECREF of every item when the list dies. At 1,000,000 the list's ~110
// reallocations (12.5% growth) against the vector's ~20 (doubling) are large blocks, so the
// allocator's mremap/page-fault costs weigh in; at 1,000 everything stays in the heap.
const std::vector<IntObject *> &objects(std::size_t n)
{
    static ObjectHeap heap; // outlives every list in the benchmark
    static std::vector<IntObject *> objs;
    while (objs.size() < n)
        objs.push_back(heap.fromLong(static_cast<std::int64_t>(objs.size())));
    return objs;
}

void BM_ListAppend(benchmark::State &state)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    IntObject *const *items = objects(n).data();
    for (auto _ : state) {
        ListObject l(GrowthPolicy::CPython311);
        for (std::size_t i = 0; i < n; ++i)
            l.app1(items[i]);
        benchmark::DoNotOptimize(l.obItem());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_VectorPushBack(benchmark::State &state)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    IntObject *const *items = objects(n).data();
    for (auto _ : state) {
        std::vector<IntObject *> v;
        for (std::size_t i = 0; i < n; ++i) {
            v.push_back(items[i]);
            benchmark::ClobberMemory(); // keep it one push_back at a time, like app1
        }
        benchmark::DoNotOptimize(v.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

// Appends in alternation, as the paired sorts. Each iteration fills 256 new lists with N
// appends each (Arg = N) and 256 new vectors with N push_backs, or the other way round,
// timed with the thread's CPU clock. Only the appends are timed: the containers are made in
// groups of 16 and destroyed after the clock has stopped, so the list's list_dealloc (a
// Py_DECREF per item) is not counted as append time; BM_ListAppend above includes it.
// Counters: a_us and b_us (mean per list / vector), ratio = A / B; the list appends at
// 1 / ratio of the vector's speed.
void BM_PairAppendVsPushBack(benchmark::State &state)
{
    const auto n = static_cast<std::size_t>(state.range(0));
    IntObject *const *items = objects(n).data();
    constexpr int kGroup = 16, kGroups = 16;
    // n and items are taken by value: captured by reference they would be memory that
    // ClobberMemory makes the vector's loop reload on every push_back.
    const auto lists = [n, items] {
        double ms = 0;
        for (int g = 0; g < kGroups; ++g) {
            std::optional<ListObject> group[kGroup];
            const double t0 = threadCpuMs();
            for (auto &l : group) {
                l.emplace(GrowthPolicy::CPython311);
                for (std::size_t i = 0; i < n; ++i)
                    l->app1(items[i]);
                benchmark::DoNotOptimize(l->obItem());
            }
            ms += threadCpuMs() - t0;
        }
        return ms;
    };
    const auto vectors = [n, items] {
        double ms = 0;
        for (int g = 0; g < kGroups; ++g) {
            std::vector<IntObject *> group[kGroup];
            const double t0 = threadCpuMs();
            for (auto &v : group) {
                for (std::size_t i = 0; i < n; ++i) {
                    v.push_back(items[i]);
                    benchmark::ClobberMemory();
                }
                benchmark::DoNotOptimize(v.data());
            }
            ms += threadCpuMs() - t0;
        }
        return ms;
    };
    const auto [a, b] = alternate(state, lists, vectors);
    const double per = static_cast<double>(state.iterations()) * kGroup * kGroups / 1e3;
    state.counters["a_us"] = a / per;
    state.counters["b_us"] = b / per;
    state.counters["ratio"] = a / b;
}

} // namespace

BENCHMARK(BM_Timsort311<Shape::Random>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StdStableSort<Shape::Random>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timsort311Unprobed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timsort311<Shape::SortedRuns>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StdStableSort<Shape::SortedRuns>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Timsort311<Shape::FewDistinct>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StdStableSort<Shape::FewDistinct>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairTimsortVsStable<Shape::Random>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairTimsortVsStable<Shape::SortedRuns>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairTimsortVsStable<Shape::FewDistinct>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairDetachedProbe)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ListAppend)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VectorPushBack)->Arg(1000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PairAppendVsPushBack)->Arg(1000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
