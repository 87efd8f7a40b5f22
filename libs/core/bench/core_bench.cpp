// Cost of recording one event into a trace, and of seeking back over a large trace.
#include "workbench/core/cursor.h"

#include <benchmark/benchmark.h>

static void BM_TraceAdd(benchmark::State &state)
{
    wb::Trace t;
    std::int64_t i = 0;
    for (auto _ : state) {
        t.add("step", "s", {{"i", i++}});
        if (t.size() > 1'000'000)
            t.clear();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TraceAdd);

static void BM_ReplayerStepBack(benchmark::State &state)
{
    wb::Trace t;
    for (int i = 0; i < 1'000'000; ++i)
        t.add("step", "", {{"d", 1}});
    wb::Replayer<std::int64_t> r(
        t, 0, [](std::int64_t &s, const wb::Event &e) { s += e.intField("d"); });
    r.stateAt(t.size());
    std::size_t p = t.size();
    for (auto _ : state) {
        if (p == 0)
            p = t.size();
        benchmark::DoNotOptimize(r.stateAt(--p));
    }
}
BENCHMARK(BM_ReplayerStepBack);

BENCHMARK_MAIN();
