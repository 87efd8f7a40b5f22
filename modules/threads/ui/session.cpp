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
    auto trace = std::make_shared<wb::Trace>();
    trace->setLimit(2'000'000); // a runaway free run cannot exhaust memory
    clearRun();
    m_recording = trace;
    m_scenario = scenario;
    m_mode = mode;
    m_seed = seed;
    m_runScript = scenario == QLatin1String("playground") ? m_script : QString();

    m_run = std::make_unique<ScenarioRun>(scenario.toStdString(), o, *trace);
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

void ThreadsSession::clearRun()
{
    m_openingPending = false;
    m_openingSeek = false;
    shutdown();
    show(nullptr);
    m_run.reset();
    m_running = false;
    m_recording.reset();
    m_timeline.clear();
    m_parked.clear();
    m_hasSummary = false;
    m_summary = {};
    m_fromRecording = false;
    m_runScript.clear();
    m_python = false;
    m_pythonScript.clear();
    m_pythonVersion.clear();
    m_pythonSeeded = false;
    m_pythonNames.clear();
}

QString ThreadsSession::threadTitle(int number) const
{
    if (const auto it = m_pythonNames.find(number); it != m_pythonNames.end())
        return it->second;
    return QString::fromStdString(threadName(number));
}

void ThreadsSession::showTrace(std::shared_ptr<wb::Trace> trace, const QString &scenario)
{
    clearRun();
    m_recording = std::move(trace);
    m_timeline.update(*m_recording);
    m_scenario = scenario;
    show(m_recording, 0);
    emit runStarted();
    emit parkedChanged();
}

RecordedRun ThreadsSession::recordedRun() const
{
    RecordedRun run;
    if (isPythonRecording()) {
        run.source = "python";
        run.python = m_pythonVersion.toStdString();
        run.script = m_pythonScript.toStdString();
        run.mode = m_mode == RunMode::Free ? RecordedMode::Free : RecordedMode::Step;
        if (m_pythonSeeded)
            run.seed = m_seed;
        return run;
    }
    run.scenario = m_scenario.toStdString();
    run.mode = m_mode == RunMode::Free         ? RecordedMode::Free
               : m_mode == RunMode::StepManual ? RecordedMode::Manual
                                               : RecordedMode::Step;
    run.seed = m_seed;
    run.script = m_runScript.toStdString();
    if (m_hasSummary && !m_running)
        run.summary = m_summary;
    return run;
}

wb::Recording ThreadsSession::recording() const
{
    wb::Recording r;
    if (!m_recording)
        return r;
    r.settings = recordingSettings(recordedRun());
    const auto known = static_cast<std::size_t>(std::max<qsizetype>(count(), 0));
    if (m_running) {
        // The run's threads still append: keep a copy of the events the views were told
        // about, which are whole and never change.
        auto copy = std::make_shared<wb::Trace>();
        for (std::size_t i = 0; i < known && i < m_recording->size(); ++i)
            copy->appendRecorded(m_recording->at(i));
        r.trace = std::move(copy);
    } else
        r.trace = m_recording;
    r.cursor = static_cast<std::uint64_t>(std::max<qsizetype>(position(), 0));
    return r;
}

bool ThreadsSession::showRecording(const wb::Recording &recording, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!recording.trace)
        return fail(tr("the recording has no trace"));
    const wb::Trace &trace = *recording.trace;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (!isThreadsEvent(trace.at(i)))
            return fail(tr("event %1 of the recording (%2) is not a threads event with all "
                           "its fields; the recording is damaged or was made by another "
                           "version")
                            .arg(i + 1)
                            .arg(QString::fromStdString(trace.at(i).kind).left(40)));
    std::string why;
    const auto run = readRecordingSettings(recording.settings, why);
    if (!run)
        return fail(QString::fromStdString(why));

    clearRun();
    m_fromRecording = true;
    m_recording = recording.trace;
    m_timeline.update(*m_recording);
    m_scenario = QString::fromStdString(run->scenario);
    if (run->source == "python") {
        m_python = true;
        m_pythonScript = QString::fromStdString(run->script);
        m_pythonVersion = QString::fromStdString(run->python);
        m_pythonSeeded = run->seed.has_value();
        m_seed = 0; // a free run has none
        // Each event's label starts with its thread's name ("adder: acquire Lock#1").
        for (std::size_t i = 0; i < m_recording->size(); ++i) {
            const wb::Event &e = m_recording->at(i);
            const auto colon = e.label.find(": ");
            if (e.thread > 0 && colon != std::string::npos && colon > 0 &&
                !m_pythonNames.count(e.thread))
                m_pythonNames.emplace(e.thread,
                                      QString::fromStdString(e.label.substr(0, colon)).left(40));
        }
    }
    m_mode = run->mode == RecordedMode::Free     ? RunMode::Free
             : run->mode == RecordedMode::Manual ? RunMode::StepManual
                                                 : RunMode::StepSeeded;
    if (run->seed)
        m_seed = *run->seed;
    if (run->scenario == "playground") {
        m_runScript = QString::fromStdString(run->script);
        setScript(m_runScript);
    }
    if (run->summary) {
        m_summary = *run->summary;
        m_hasSummary = true;
    }
    show(m_recording,
         static_cast<qsizetype>(std::min<std::uint64_t>(recording.cursor, m_recording->size())));
    emit runStarted();
    emit parkedChanged();
    return true;
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
    if (m_run || trace() || m_openingPending)
        return;
    // The run goes on its own threads and the views fill in; when it ends, finishRun()
    // moves the cursor (seekOpeningPoint). Nothing waits here.
    m_openingPending = true;
    QTimer::singleShot(0, this, &ThreadsSession::startOpeningExample);
}

void ThreadsSession::startOpeningExample()
{
    if (!m_openingPending)
        return; // a run or a recording came first
    m_openingPending = false;
    if (m_run || trace())
        return;
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
    if (m_openingPending)
        startOpeningExample();
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
