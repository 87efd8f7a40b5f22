// Cost of recording one event into a trace, of seeking back over a large trace, and of
// writing and opening a recording of a million events.
#include "workbench/core/cursor.h"
#include "workbench/core/recording.h"

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

// A million events shaped like a timsort trace: a few kinds, three or four fields each.
static const wb::Recording &millionEvents()
{
    static const wb::Recording r = [] {
        auto t = std::make_shared<wb::Trace>();
        for (std::int64_t i = 0; i < 1'000'000; ++i)
            t->add(i % 5 ? "compare" : "merge_begin", i % 5 ? "compare two keys" : "merge runs",
                   {{"i", i}, {"j", i + 17}, {"length_a", std::uint64_t(i % 300)}});
        wb::Recording rec;
        rec.module = "list";
        rec.view = "sort";
        rec.trace = t;
        rec.cursor = 500'000;
        return rec;
    }();
    return r;
}

static void BM_WriteRecording(benchmark::State &state)
{
    const wb::Recording &r = millionEvents();
    std::size_t bytes = 0;
    for (auto _ : state)
        bytes = wb::encodeRecording(r).size();
    state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
    state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_WriteRecording)->Unit(benchmark::kMillisecond);

// Goal: a million events open in under 2 s.
static void BM_ReadRecording(benchmark::State &state)
{
    const auto bytes = wb::encodeRecording(millionEvents());
    for (auto _ : state)
        benchmark::DoNotOptimize(wb::decodeRecording(bytes).trace->size());
    state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_ReadRecording)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
