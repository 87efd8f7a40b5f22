#pragma once
// One scenario run shared by every view of the threads module: the real threads (a
// wb::threads::ScenarioRun) and the trace they record into, followed live by the
// wb::ui::TraceSession underneath (controller, cursor), the state at the cursor and the
// timeline's lanes (threads/core/timeline.h), built incrementally while the trace grows. The
// module hands the same session to each of its pages, so the timeline, the inspector and the
// blocked-time plot always show the same run at the same cursor.
//
// Nothing here waits on a scenario thread on the GUI thread except shutdown()/start(), which
// stop the old run first (the core joins within 1 s of stop()).

#include "threads/core/recording.h"
#include "threads/core/scenarios.h"
#include "threads/core/state.h"
#include "threads/core/timeline.h"

#include "workbench/ui/session.h"

#include <QString>

#include <map>
#include <memory>
#include <vector>

namespace wb::threads::ui {

// How the scenario's threads are scheduled.
enum class RunMode {
    Free,       // real threads flat out; scrub the trace afterwards
    StepSeeded, // one thread at a time, the next one picked by a seeded chooser
    StepManual  // one thread at a time, the learner picks through choose()
};

class ThreadsSession : public wb::ui::TraceSession
{
    Q_OBJECT
public:
    explicit ThreadsSession(QObject *parent = nullptr);
    ~ThreadsSession() override; // stops and joins the run

    // Stops any run in progress (waits for it, ≤ 1 s), then starts `scenario` on a fresh trace.
    // False with a sentence in *error for an unknown scenario or a playground script with
    // errors (one "line L, column C: ..." per line); the run in progress then keeps going.
    bool start(const QString &scenario, RunMode mode, quint64 seed, QString *error = nullptr);
    // The playground's script (shared by every page's editor); starts as the first preset.
    QString script() const { return m_script; }
    void setScript(const QString &text);
    // Shows a trace recorded elsewhere (a CLI run, a test) with no live run behind it.
    void showTrace(std::shared_ptr<wb::Trace> trace, const QString &scenario);
    // Asks the run to stop; returns at once. runFinished() follows within about a second.
    void stop();
    // Stops and joins the run now (closing the window, switching module).
    void shutdown();
    // Step mode with the learner choosing: let that thread take its next step.
    bool choose(int thread);
    // Starts the opening example once (fetch-nolock, seeded), if nothing has run yet: at the
    // event loop's next turn, so that a recording shown meanwhile (File > Open Recording
    // creates the page, then hands it the recording) starts no thread at all. When it ends
    // the cursor opens just after its last write.
    void ensureOpeningExample();
    // Blocks until the run ends or `ms` pass, then polls once. For tests and the opening
    // example, whose seeded run is short and bounded (a pending opening example starts now).
    bool waitFinished(int ms);

    // --- recordings (threads/core/recording.h for the settings) ---
    // The run shown as a recording: its settings, and its trace as far as the views have been
    // told about it (a copy of those events while the run still records, so the recording
    // never changes under the writer), and the cursor.
    wb::Recording recording() const;
    // What recording() keeps of the run besides its trace.
    RecordedRun recordedRun() const;
    // Shows `recording` without running anything: a run in progress is stopped first, the
    // controls of every page take the recorded scenario, mode, seed and script. False with a
    // sentence in *error (and nothing changed) for an event or a setting it cannot take.
    bool showRecording(const wb::Recording &recording, QString *error);
    // The run shown came from a recording (until the next Run).
    bool fromRecording() const { return m_fromRecording; }
    // The run shown is a real CPython program traced by `workbench-cli threads trace-python`
    // (until the next Run): its script and the version of CPython that ran it. scenario() is
    // then empty.
    bool isPythonRecording() const { return m_python; }
    QString pythonScript() const { return m_pythonScript; }
    QString pythonVersion() const { return m_pythonVersion; }
    // The name a view shows for thread `number`: the Python program's own name ("adder",
    // "MainThread") for a recorded program, else the runtime's ("Thread-2").
    QString threadTitle(int number) const;
    bool isRunning() const { return m_running; }
    QString scenario() const { return m_scenario; }
    RunMode mode() const { return m_mode; }
    quint64 seed() const { return m_seed; }
    const std::vector<ThreadInfo> &parked() const { return m_parked; }
    const Summary &summary() const { return m_summary; } // of the run that ended last
    bool hasSummary() const { return m_hasSummary; }

    const TimelineData &timeline() const { return m_timeline; }
    const ThreadsState &stateAt(qint64 position) { return m_state.at(position); }
    const ThreadsState &stateAtCursor() { return m_state.atCursor(); }

signals:
    void runStarted();
    void runFinished();
    void parkedChanged();
    void scriptChanged(const QString &text);

protected:
    // Each live poll: brings the trace up to date, extends the timeline, reads who is parked
    // and ends the run once its threads are done.
    void pollSources() override;

private:
    void finishRun();
    void seekOpeningPoint();
    void startOpeningExample();
    void clearRun(); // stops and forgets the run and everything derived from it

    // Declared before m_run: the run records into the trace, so it must go first.
    std::shared_ptr<const wb::Trace> m_recording;
    std::unique_ptr<ScenarioRun> m_run;
    wb::ui::SessionState<ThreadsState> m_state;
    TimelineData m_timeline;
    QString m_scenario;
    RunMode m_mode = RunMode::StepSeeded;
    quint64 m_seed = 0;
    QString m_script;
    QString m_runScript; // the playground script the run shown was started with
    bool m_running = false;
    bool m_openingPending = false; // ensureOpeningExample() has a start queued
    bool m_fromRecording = false;
    bool m_python = false; // a recorded Python program is shown
    QString m_pythonScript;
    QString m_pythonVersion;
    bool m_pythonSeeded = false;          // its settings had a seed
    std::map<int, QString> m_pythonNames; // thread number -> the program's name for it
    bool m_openingSeek = false;           // the opening example runs: seek into it when it ends
    std::vector<ThreadInfo> m_parked;
    Summary m_summary;
    bool m_hasSummary = false;
};

QString threadLabel(int number); // "T1"
QString scenarioTitle(const QString &id);

} // namespace wb::threads::ui
