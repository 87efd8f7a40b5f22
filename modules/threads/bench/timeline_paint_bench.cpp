// The threads timeline at scale: the canvas painted into a 1280x720 image on the offscreen
// platform over a trace of 1,000,000 events (two threads taking turns on one lock, with the
// wake-up arrows, prints and sleeps a real run records).
//   BM_TimelinePaintFit      everything in view (zoomed out), cursor in the middle
//   BM_TimelinePaintZoomed   200 events in view around the cursor (ticks and arrows drawn)
//   BM_TimelinePlay          one frame while playing: the cursor moves on 64 events, repaint
// The goal is at most 33 ms per frame (30 frames/s); the counter fps is 1 / time per frame.
#include "session.h"
#include "timelineview.h"

#include "threads/core/events.h"

#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>

#include <memory>

namespace {

using namespace wb::threads::ui;
namespace ev = wb::threads::events;

std::shared_ptr<ThreadsSession> &session()
{
    static std::shared_ptr<ThreadsSession> s = [] {
        auto trace = std::make_shared<wb::Trace>();
        const int rounds = 1'000'000 / 6;
        for (int i = 0; i < rounds; ++i) {
            const int a = 1 + i % 2, b = 2 - i % 2;
            wb::record(trace.get(), ev::Acquired{.primitive = "lock", .layer = "Lock", .value = 0},
                       "acquired", a);
            wb::record(trace.get(),
                       ev::Blocked{.primitive = "lock", .layer = "Lock", .locked = true},
                       "blocked", b);
            const wb::Event *rel = wb::record(
                trace.get(), ev::Released{.primitive = "lock", .layer = "Lock", .value = 1},
                "released", a);
            wb::record(trace.get(),
                       ev::Woken{.primitive = "lock",
                                 .layer = "Lock",
                                 .cause = static_cast<std::int64_t>(rel->seq)},
                       "woken", b);
            wb::record(trace.get(),
                       ev::Print{.primitive = "console", .layer = "console", .text = "tick"},
                       "print", a);
            wb::record(trace.get(),
                       ev::Sleep{.primitive = "time", .layer = "thread", .seconds = 0.5}, "sleep",
                       a);
        }
        auto session = std::make_shared<ThreadsSession>();
        session->showTrace(trace, "fetch-lock");
        return session;
    }();
    return s;
}

void report(benchmark::State &state)
{
    state.counters["fps"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["events"] = static_cast<double>(session()->trace()->size());
}

void paint(benchmark::State &state, bool zoomed)
{
    auto &s = session();
    const auto n = static_cast<qint64>(s->trace()->size());
    s->controller()->seek(n / 2);
    TimelineCanvas canvas(s.get());
    canvas.resize(1280, 720);
    if (zoomed)
        canvas.setRange(static_cast<double>(n / 2 - 100), static_cast<double>(n / 2 + 100));
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    // The first paint replays the trace up to the cursor (a seek, not a frame): once, before
    // the clock.
    canvas.render(&image);
    for (auto _ : state) {
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state);
}

void BM_TimelinePaintFit(benchmark::State &state)
{
    paint(state, false);
}
void BM_TimelinePaintZoomed(benchmark::State &state)
{
    paint(state, true);
}

void BM_TimelinePlay(benchmark::State &state)
{
    auto &s = session();
    const auto n = static_cast<qint64>(s->trace()->size());
    TimelineCanvas canvas(s.get());
    canvas.resize(1280, 720);
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    qint64 pos = 0;
    for (auto _ : state) {
        pos = (pos + 64) % n;
        s->controller()->seek(pos);
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state);
}

} // namespace

BENCHMARK(BM_TimelinePaintFit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelinePaintZoomed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelinePlay)->Unit(benchmark::kMillisecond);

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
