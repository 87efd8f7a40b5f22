// The topology at 1,000 messages per second: the odd/even tutorial on the embedded broker,
// its producer at 1,000/s and two consumers taking 5 ms a message (200/s each), so the
// queues fill with hundreds of waiting tokens; recorded until every message is acked, then
// the canvas painted into a 1280x720 image on the offscreen platform.
//   BM_TopologyPaintBusy   the cursor where the most messages are in flight at once
//   BM_TopologyPlay        one frame while playing at 64x: the cursor moves on, repaint
// The goal is at most 33 ms per frame (30 frames/s); fps is 1 / time per frame, tokens the
// message tokens the frame drew (the rest aggregated into streams with counts).
#include "session.h"
#include "topologyview.h"

#include "messaging/core/events.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>

#include <cstdlib>
#include <memory>

namespace {

using namespace wb::messaging;
using namespace wb::messaging::ui;
namespace events = wb::messaging::events;

// 2,000 messages published at 1,000/s, every delivery acked (about five seconds).
std::shared_ptr<MessagingSession> &session()
{
    static std::shared_ptr<MessagingSession> s = [] {
        LiveConfig c = presetConfig("odd-even");
        c.rate = 1000;
        c.count = 2000;
        for (auto &consumer : c.consumers)
            consumer.workMs = 5;
        auto session = std::make_shared<MessagingSession>();
        QString error;
        if (!session->start(c, "odd-even", &error) || !session->waitFinished(60000)) {
            std::fprintf(stderr, "topology_paint_bench: the run did not finish: %s\n",
                         qPrintable(error));
            std::exit(1);
        }
        return session;
    }();
    return s;
}

// The position with the most messages published but not yet acked.
qint64 busiest(const wb::Trace &t)
{
    qint64 inFlight = 0, most = -1, at = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (wb::as<events::Publish>(t[i]))
            ++inFlight;
        else if (wb::as<events::Ack>(t[i]))
            --inFlight;
        if (inFlight > most) {
            most = inFlight;
            at = static_cast<qint64>(i) + 1;
        }
    }
    return at;
}

void report(benchmark::State &state, const TopologyCanvas &canvas)
{
    state.counters["fps"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["events"] = static_cast<double>(session()->trace()->size());
    state.counters["tokens"] = canvas.lastPaint().tokens;
    state.counters["aggregated"] = canvas.lastPaint().aggregated;
}

void BM_TopologyPaintBusy(benchmark::State &state)
{
    auto &s = session();
    s->controller()->seek(busiest(*s->trace()));
    TopologyCanvas canvas(s.get());
    canvas.resize(1280, 720);
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    canvas.render(&image); // the first paint replays up to the cursor: before the clock
    for (auto _ : state) {
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state, canvas);
}
BENCHMARK(BM_TopologyPaintBusy)->Unit(benchmark::kMillisecond);

void BM_TopologyPlay(benchmark::State &state)
{
    auto &s = session();
    const qint64 n = static_cast<qint64>(s->trace()->size());
    qint64 at = n / 4;
    s->controller()->seek(at);
    TopologyCanvas canvas(s.get());
    canvas.resize(1280, 720);
    QImage image(1280, 720, QImage::Format_ARGB32_Premultiplied);
    canvas.render(&image);
    for (auto _ : state) {
        at = at + 64 < n ? at + 64 : n / 4; // 64x: 64 events a frame at 4 events/s per 1x
        s->controller()->seek(at);
        canvas.render(&image);
        benchmark::DoNotOptimize(image.constBits());
    }
    report(state, canvas);
}
BENCHMARK(BM_TopologyPlay)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    session()->shutdown();
    benchmark::Shutdown();
    return 0;
}
