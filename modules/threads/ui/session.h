#pragma once
// One scenario run shared by every view of the threads module: the real threads (a
// wb::threads::ScenarioRun), the trace they record into, the step controller over it, the
// state at the cursor (wb::Replayer) and the timeline's lanes, built incrementally while the
// trace grows. The module hands the same session to each of its pages, so the timeline, the
// inspector and the blocked-time plot always show the same run at the same cursor.
//
// Nothing here waits on a scenario thread on the GUI thread except shutdown()/start(), which
// stop the old run first (the core joins within 1 s of stop()).

#include "threads/core/scenarios.h"
#include "threads/core/state.h"

#include "workbench/core/cursor.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <map>
#include <memory>
#include <vector>

namespace wb::ui {
class StepController;
}

namespace wb::threads::ui {

// How the scenario's threads are scheduled.
enum class RunMode {
    Free,       // real threads flat out; scrub the trace afterwards
    StepSeeded, // one thread at a time, the next one picked by a seeded chooser
    StepManual  // one thread at a time, the learner picks through choose()
};

// A stretch of one thread's life in one state, in trace positions [start, end).
struct Segment
{
    qint64 start = 0;
    qint64 end = -1; // -1: still open (up to the newest event)
    ThreadState state = ThreadState::Running;
    QString on; // the primitive it is blocked or waiting on
};

// "This release (or notify) woke that thread": drawn as an arrow between two lanes.
struct WakeArrow
{
    qint64 from = 0; // index of the release that caused it
    qint64 to = 0;   // index of the woken event
    int fromThread = 0;
    int toThread = 0;
    bool notify = false; // a condition's waiter lock released by notify()
};

struct Lane
{
    int thread = 0;
    std::vector<Segment> segments;
    std::vector<qint64> events; // every event this thread recorded, in order
};

struct PrintLine
{
    qint64 index = 0;
    int thread = 0;
    QString text;
};

// The lanes, arrows and console of a trace, consumed event by event (never re-read).
struct TimelineData
{
    std::map<int, Lane> lanes;                   // by thread number (1, 2, ...)
    std::vector<WakeArrow> arrows;               // ordered by `to`
    std::vector<PrintLine> prints;               // console lines, ordered by index
    std::vector<qint64> deadlocks;               // indices of deadlock events
    std::map<std::int64_t, QString> waiterNames; // waiter lock id -> "condition.waiter#2"
    qint64 processed = 0;

    void clear();
    void update(const wb::Trace &trace);
    // How long each thread spent in each state up to `position` (events, or t_ns).
    struct Totals
    {
        double running = 0, blocked = 0, waiting = 0, sleeping = 0;
    };
    std::map<int, Totals> totalsAt(const wb::Trace &trace, qint64 position, bool wallTime) const;
    // Console lines recorded before `position`.
    int printsBefore(qint64 position) const;
};

class ThreadsSession : public QObject
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
    // Starts the opening example once (fetch-nolock, seeded), if nothing has run yet, and
    // returns at once; when it ends the cursor opens just after its last write.
    void ensureOpeningExample();
    // Blocks until the run ends or `ms` pass, then polls once. For tests and the opening
    // example, whose seeded run is short and bounded.
    bool waitFinished(int ms);

    bool isRunning() const { return m_running; }
    QString scenario() const { return m_scenario; }
    RunMode mode() const { return m_mode; }
    quint64 seed() const { return m_seed; }
    const std::vector<ThreadInfo> &parked() const { return m_parked; }
    const Summary &summary() const { return m_summary; } // of the run that ended last
    bool hasSummary() const { return m_hasSummary; }

    wb::ui::StepController *controller() const { return m_controller; }
    const wb::Trace *trace() const { return m_trace.get(); }
    const TimelineData &timeline() const { return m_timeline; }
    qint64 position() const;
    const ThreadsState &stateAt(qint64 position);
    const ThreadsState &stateAtCursor() { return stateAt(position()); }

signals:
    void runStarted();
    void runFinished();
    void parkedChanged();
    void timelineGrew();
    void scriptChanged(const QString &text);

private:
    void poll();
    void finishRun();
    void seekOpeningPoint();

    // Declared before m_run: the run records into the trace, so it must go first.
    std::shared_ptr<wb::Trace> m_trace;
    std::unique_ptr<wb::Replayer<ThreadsState>> m_replayer;
    std::unique_ptr<ScenarioRun> m_run;
    wb::ui::StepController *m_controller;
    TimelineData m_timeline;
    QTimer m_poll;
    QString m_scenario;
    RunMode m_mode = RunMode::StepSeeded;
    quint64 m_seed = 0;
    QString m_script;
    bool m_running = false;
    bool m_follow = true;       // the cursor sits at the newest event and keeps following it
    bool m_openingSeek = false; // the opening example runs: seek into it when it ends
    std::vector<ThreadInfo> m_parked;
    Summary m_summary;
    bool m_hasSummary = false;
};

QString threadLabel(int number); // "T1"
QString scenarioTitle(const QString &id);

} // namespace wb::threads::ui
