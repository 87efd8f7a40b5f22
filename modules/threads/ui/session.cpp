#include "session.h"

#include "threads/core/playground.h"

#include "workbench/ui/stepcontroller.h"

#include <QElapsedTimer>

#include <algorithm>
#include <chrono>
#include <thread>

namespace wb::threads::ui {

QString threadLabel(int number)
{
    return QStringLiteral("T%1").arg(number);
}

QString scenarioTitle(const QString &id)
{
    for (const auto &s : scenarios())
        if (QString::fromStdString(s.id) == id)
            return QString::fromStdString(s.title);
    return id;
}

// ---------------------------------------------------------------------------------------------
// Timeline data

namespace {

// The same rule as applyThreadsEvent: the lane a thread is in after one of its events.
ThreadState laneStateAfter(const wb::Event &e, ThreadState before)
{
    if (e.kind == "blocked")
        return e.intField("waiter") ? ThreadState::Waiting : ThreadState::Blocked;
    if (e.kind == "sleep")
        return ThreadState::Sleeping;
    if (e.kind == "exit" || e.kind == "error")
        return ThreadState::Done;
    if (e.kind == "deadlock")
        return before;
    return ThreadState::Running;
}

} // namespace

void TimelineData::clear()
{
    *this = TimelineData{};
}

void TimelineData::update(const wb::Trace &trace)
{
    const auto n = static_cast<qint64>(trace.size());
    for (; processed < n; ++processed) {
        const wb::Event &e = trace.at(static_cast<std::size_t>(processed));
        if (e.kind == "deadlock")
            deadlocks.push_back(processed);
        if (e.kind == "wait")
            if (const auto id = e.intField("waiter", -1); id >= 0)
                waiterNames[id] = QString::fromStdString(e.stringField("waiter_name"));
        if (e.kind == "print")
            prints.push_back({processed, e.thread, QString::fromStdString(e.stringField("text"))});
        if (e.thread <= 0)
            continue;
        Lane &lane = lanes[e.thread];
        lane.thread = e.thread;
        lane.events.push_back(processed);
        const ThreadState before =
            lane.segments.empty() ? ThreadState::Starting : lane.segments.back().state;
        const ThreadState after = laneStateAfter(e, before);
        QString on;
        if (after == ThreadState::Blocked || after == ThreadState::Waiting)
            on = QString::fromStdString(e.stringField("primitive"));
        if (lane.segments.empty() || after != before || on != lane.segments.back().on) {
            if (!lane.segments.empty())
                lane.segments.back().end = processed;
            lane.segments.push_back({processed, -1, after, on});
        }
        if (e.kind == "woken") {
            const std::int64_t cause = e.intField("cause", -1);
            if (cause >= 0 && cause < processed) {
                const wb::Event &c = trace.at(static_cast<std::size_t>(cause));
                const bool notify =
                    c.stringField("primitive").find(".waiter#") != std::string::npos;
                arrows.push_back({cause, processed, c.thread, e.thread, notify});
            }
        }
    }
}

std::map<int, TimelineData::Totals> TimelineData::totalsAt(const wb::Trace &trace, qint64 position,
                                                           bool wallTime) const
{
    std::map<int, Totals> out;
    if (position <= 0)
        return out;
    const qint64 size = std::min<qint64>(position, static_cast<qint64>(trace.size()));
    auto timeOf = [&](qint64 index) -> double {
        if (!wallTime)
            return static_cast<double>(index);
        // The moment an event happened; "now" at the cursor is the last applied event.
        const qint64 i = std::clamp<qint64>(index, 0, size - 1);
        return static_cast<double>(trace.at(static_cast<std::size_t>(i)).tNs) / 1e6;
    };
    for (const auto &[number, lane] : lanes) {
        Totals &t = out[number];
        for (const Segment &s : lane.segments) {
            if (s.start >= size)
                break;
            const qint64 end = s.end < 0 ? size - 1 : std::min(s.end, size - 1);
            const double d = std::max(0.0, timeOf(end) - timeOf(s.start));
            switch (s.state) {
            case ThreadState::Blocked:
                t.blocked += d;
                break;
            case ThreadState::Waiting:
                t.waiting += d;
                break;
            case ThreadState::Sleeping:
                t.sleeping += d;
                break;
            case ThreadState::Done:
                break;
            default:
                t.running += d;
                break;
            }
        }
    }
    return out;
}

int TimelineData::printsBefore(qint64 position) const
{
    const auto it = std::lower_bound(prints.begin(), prints.end(), position,
                                     [](const PrintLine &p, qint64 pos) { return p.index < pos; });
    return static_cast<int>(it - prints.begin());
}

// ---------------------------------------------------------------------------------------------
// Session

ThreadsSession::ThreadsSession(QObject *parent)
    : QObject(parent), m_controller(new wb::ui::StepController(this)),
      m_script(QString::fromStdString(scriptPresets().front().script))
{
    m_poll.setInterval(40);
    connect(&m_poll, &QTimer::timeout, this, &ThreadsSession::poll);
    // While the cursor sits at the newest event, it follows the live trace as it grows.
    connect(m_controller, &wb::ui::StepController::countChanged, this, [this](qsizetype n) {
        if (m_follow && m_controller->position() < n)
            m_controller->seek(n);
    });
    connect(m_controller, &wb::ui::StepController::positionChanged, this,
            [this](qsizetype pos, qsizetype count) { m_follow = pos >= count; });
}

ThreadsSession::~ThreadsSession()
{
    // The last owner may be a page half way through its destructor: tell nobody anything.
    blockSignals(true);
    m_controller->blockSignals(true);
    m_poll.stop();
    if (m_run) {
        m_run->stop();
        m_run->wait(); // the core joins every thread within 1 s of stop()
    }
    m_controller->setLive(false);
    m_controller->setTrace(nullptr);
    m_replayer.reset();
}

bool ThreadsSession::start(const QString &scenario, RunMode mode, quint64 seed, QString *error)
{
    if (!isScenario(scenario.toStdString())) {
        if (error)
            *error = tr("There is no scenario called “%1”.").arg(scenario);
        return false;
    }
    ScenarioOptions o;
    o.mode = mode == RunMode::Free ? Mode::Free : Mode::Step;
    if (mode != RunMode::Free)
        o.seed = seed;
    o.manualChoice = mode == RunMode::StepManual;
    if (scenario == QLatin1String("playground")) {
        o.script = m_script.toStdString();
        const ParseResult parsed = parseScript(o.script);
        if (!parsed.ok()) {
            if (error) {
                QStringList lines;
                for (const auto &e : parsed.errors)
                    lines << QString::fromStdString(e.toString());
                *error = lines.join(QLatin1Char('\n'));
            }
            return false;
        }
    }
    shutdown();
    m_controller->setLive(false);
    m_controller->setTrace(nullptr);
    m_replayer.reset();
    m_run.reset();
    m_trace = std::make_shared<wb::Trace>();
    m_trace->setLimit(2'000'000); // a runaway free run cannot exhaust memory
    m_timeline.clear();
    m_parked.clear();
    m_hasSummary = false;
    m_summary = {};
    m_scenario = scenario;
    m_mode = mode;
    m_seed = seed;

    m_run = std::make_unique<ScenarioRun>(scenario.toStdString(), o, *m_trace);
    m_replayer =
        std::make_unique<wb::Replayer<ThreadsState>>(*m_trace, ThreadsState{}, applyThreadsEvent);
    m_follow = true;
    m_openingSeek = false;
    m_controller->setTrace(m_trace, 0);
    m_running = true;
    m_run->start();
    m_controller->setLive(true);
    m_poll.start();
    emit runStarted();
    emit parkedChanged();
    return true;
}

void ThreadsSession::setScript(const QString &text)
{
    if (text == m_script)
        return;
    m_script = text;
    emit scriptChanged(m_script);
}

void ThreadsSession::showTrace(std::shared_ptr<wb::Trace> trace, const QString &scenario)
{
    shutdown();
    m_controller->setLive(false);
    m_controller->setTrace(nullptr);
    m_replayer.reset();
    m_run.reset();
    m_trace = std::move(trace);
    m_timeline.clear();
    m_timeline.update(*m_trace);
    m_parked.clear();
    m_hasSummary = false;
    m_summary = {};
    m_scenario = scenario;
    m_replayer =
        std::make_unique<wb::Replayer<ThreadsState>>(*m_trace, ThreadsState{}, applyThreadsEvent);
    m_controller->setTrace(m_trace, 0);
    emit runStarted();
    emit parkedChanged();
    emit timelineGrew();
}

void ThreadsSession::stop()
{
    if (m_run)
        m_run->stop();
}

void ThreadsSession::shutdown()
{
    if (!m_run || !m_running)
        return;
    m_run->stop();
    m_run->wait(); // the core joins every thread within 1 s of stop()
    poll();
}

bool ThreadsSession::choose(int thread)
{
    if (!m_run || !m_running || !m_run->choose(thread))
        return false;
    // Nobody is offered until the chosen thread parks again: no stale buttons meanwhile.
    m_parked.clear();
    emit parkedChanged();
    // The chosen thread appends its event on its own thread; pick it up promptly.
    QTimer::singleShot(5, this, &ThreadsSession::poll);
    return true;
}

void ThreadsSession::ensureOpeningExample()
{
    if (m_run || m_trace)
        return;
    // The run goes on its own threads and the views fill in; when it ends, finishRun()
    // moves the cursor (seekOpeningPoint). Nothing waits here.
    if (start(QStringLiteral("fetch-nolock"), RunMode::StepSeeded, 1))
        m_openingSeek = true;
}

void ThreadsSession::seekOpeningPoint()
{
    m_openingSeek = false;
    if (!m_follow) // the learner has moved the cursor meanwhile
        return;
    // Open just after the last write: the whole interleaved file is there, threads still live.
    const auto &t = m_timeline;
    qint64 lastWrite = -1;
    for (qint64 i = 0; i < t.processed; ++i)
        if (m_trace->at(static_cast<std::size_t>(i)).kind == "write")
            lastWrite = i;
    if (lastWrite >= 0)
        m_controller->seek(lastWrite + 1);
}

bool ThreadsSession::waitFinished(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (m_run && m_running && !m_run->finished() && clock.elapsed() < ms)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    poll();
    return !m_running;
}

qint64 ThreadsSession::position() const
{
    return m_controller->position();
}

const ThreadsState &ThreadsSession::stateAt(qint64 position)
{
    static const ThreadsState empty;
    if (!m_replayer)
        return empty;
    return m_replayer->stateAt(static_cast<std::size_t>(std::max<qint64>(0, position)));
}

void ThreadsSession::poll()
{
    if (!m_run)
        return;
    const bool finished = m_run->finished();
    m_run->flush();
    if (m_trace && static_cast<qint64>(m_trace->size()) > m_timeline.processed) {
        m_timeline.update(*m_trace);
        m_controller->setLive(m_running); // polls the size now rather than in up to 100 ms
        emit timelineGrew();
    }
    if (!m_running)
        return;
    auto parked = m_run->parked();
    auto same = [](const std::vector<ThreadInfo> &a, const std::vector<ThreadInfo> &b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i].number != b[i].number || a[i].nextEvent != b[i].nextEvent ||
                a[i].nextLine != b[i].nextLine)
                return false;
        return true;
    };
    if (!same(parked, m_parked)) {
        m_parked = std::move(parked);
        emit parkedChanged();
    }
    if (finished)
        finishRun();
}

void ThreadsSession::finishRun()
{
    m_run->wait();
    m_poll.stop();
    m_running = false;
    m_timeline.update(*m_trace);
    m_controller->setLive(false);
    m_summary = m_run->summary();
    m_hasSummary = true;
    m_parked.clear();
    emit parkedChanged();
    emit timelineGrew();
    if (m_openingSeek)
        seekOpeningPoint();
    emit runFinished();
}

} // namespace wb::threads::ui
