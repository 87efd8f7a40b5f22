// The timsort view at scale: the canvas painted into a 1280x720 image on the offscreen
// platform, with the trace of a 100,000-element sort (random values, cpython311).
//   BM_SortCanvasPaint   one repaint of a state in the middle of the sort (the cursor still)
//   BM_SortCanvasPlay64  what one frame costs while playing at 64x: the replayer moves 64
//                        events on, the canvas takes the new state, then paints
// The goal is at most 33 ms per frame (30 frames/s); the counter fps is 1 / time per frame.
#include "sortview.h"

#include "list/core/timsort.h"

#include "workbench/core/rng.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <memory>
#include <vector>

namespace {

using namespace wb::list;

struct SortFixture
{
    std::shared_ptr<wb::Trace> trace = std::make_shared<wb::Trace>();
    std::unique_ptr<wb::Replayer<SortViewState>> replayer;

    explicit SortFixture(std::size_t n)
    {
        wb::Rng rng(5);
        std::vector<std::int64_t> v(n);
        for (auto &x : v)
            x = rng.between(0, 999'999);
        SortOptions o;
        o.trace = trace.get();
        timsort(std::span(v), std::less<>{}, o);
        replayer =
            std::make_unique<wb::Replayer<SortViewState>>(*trace, SortViewState{}, applySortEvent);
    }
};

SortFixture &fixture()
{
    static SortFixture f(100'000);
    return f;
}

void report(benchmark::State &state)
{
    state.counters["fps"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SortCanvasPaint(benchmark::State &state)
{
    auto &f = fixture();
    wb::list::ui::SortCanvas canvas;
    canvas.resize(1280, 720);
    // Half way through the events: a merge on screen, a deep stack.
    canvas.setState(f.replayer->stateAt(f.trace->size() / 2));
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state);
}

void BM_SortCanvasPlay64(benchmark::State &state)
{
    auto &f = fixture();
    wb::list::ui::SortCanvas canvas;
    canvas.resize(1280, 720);
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    std::size_t pos = 0;
    for (auto _ : state) {
        pos = (pos + 64) % f.trace->size();
        canvas.setState(f.replayer->stateAt(pos));
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state);
}

} // namespace

BENCHMARK(BM_SortCanvasPaint)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortCanvasPlay64)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
