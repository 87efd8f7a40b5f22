#include "session.h"

#include "threads/core/playground.h"

#include "workbench/ui/stepcontroller.h"

#include <QElapsedTimer>
#include <QTimer>

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
// Session

ThreadsSession::ThreadsSession(QObject *parent)
    : wb::ui::TraceSession(parent), m_state(*this, applyThreadsEvent),
      m_script(QString::fromStdString(scriptPresets().front().script))
{}

ThreadsSession::~ThreadsSession()
{
    // The last owner may be a page half way through its destructor: tell nobody anything.
    blockSignals(true);
    if (m_run) {
        m_run->stop();
        m_run->wait(); // the core joins every thread within 1 s of stop()
    }
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
    show(nullptr);
    m_run.reset();
    m_recording = std::make_shared<wb::Trace>();
    m_recording->setLimit(2'000'000); // a runaway free run cannot exhaust memory
    m_timeline.clear();
    m_parked.clear();
    m_hasSummary = false;
    m_summary = {};
    m_scenario = scenario;
    m_mode = mode;
    m_seed = seed;

    m_run = std::make_unique<ScenarioRun>(scenario.toStdString(), o, *m_recording);
    m_openingSeek = false;
    m_running = true;
    m_run->start();
    follow(m_recording, 40);
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
    show(nullptr);
    m_run.reset();
    m_recording = std::move(trace);
    m_timeline.clear();
    m_timeline.update(*m_recording);
    m_parked.clear();
    m_hasSummary = false;
    m_summary = {};
    m_scenario = scenario;
    show(m_recording, 0);
    emit runStarted();
    emit parkedChanged();
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
    pollNow();
}

bool ThreadsSession::choose(int thread)
{
    if (!m_run || !m_running || !m_run->choose(thread))
        return false;
    // Nobody is offered until the chosen thread parks again: no stale buttons meanwhile.
    m_parked.clear();
    emit parkedChanged();
    // The chosen thread appends its event on its own thread; pick it up promptly.
    QTimer::singleShot(5, this, &ThreadsSession::pollNow);
    return true;
}

void ThreadsSession::ensureOpeningExample()
{
    if (m_run || trace())
        return;
    // The run goes on its own threads and the views fill in; when it ends, finishRun()
    // moves the cursor (seekOpeningPoint). Nothing waits here.
    if (start(QStringLiteral("fetch-nolock"), RunMode::StepSeeded, 1))
        m_openingSeek = true;
}

void ThreadsSession::seekOpeningPoint()
{
    m_openingSeek = false;
    if (position() < count()) // the learner has moved the cursor meanwhile
        return;
    // Open just after the last write: the whole interleaved file is there, threads still live.
    const qint64 lastWrite = lastWriteBefore(*m_recording, m_timeline.processed);
    if (lastWrite >= 0)
        controller()->seek(lastWrite + 1);
}

bool ThreadsSession::waitFinished(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (m_run && m_running && !m_run->finished() && clock.elapsed() < ms)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    pollNow();
    return !m_running;
}

void ThreadsSession::pollSources()
{
    if (!m_run)
        return;
    const bool finished = m_run->finished();
    m_run->flush();
    m_timeline.update(*m_recording);
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
    m_running = false;
    // One last poll picks up the final events; the trace is an ordinary finished one after.
    finishFollowing();
    m_summary = m_run->summary();
    m_hasSummary = true;
    m_parked.clear();
    emit parkedChanged();
    if (m_openingSeek)
        seekOpeningPoint();
    emit runFinished();
}

} // namespace wb::threads::ui
