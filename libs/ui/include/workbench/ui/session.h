#pragma once
// The session layer every module's pages stand on.
//
// A TraceSession is one trace as a module's views see it: the trace, the step controller the
// transport bar drives, and, while threads elsewhere still record into it, the following of
// its newest event. Pages of a module share one session (SharedSession hands the same one to
// each page while any page holds it), so every view shows the same run at the same cursor.
//
// SessionState<State> is "the state at the cursor": a wb::Replayer that is rebuilt by itself
// whenever the session's trace is replaced. SessionPage is the page base: it hands the
// session's controller to the shell and calls refresh() when the cursor moves, the trace is
// replaced or grows, but only while the page is visible; a hidden page catches up when it is
// shown. A page built on it only lays out and draws.
//
//     recorder (core, any thread) -> wb::Trace -> TraceSession (poll, follow, controller)
//         -> SessionState<State>::atCursor() -> SessionPage::refresh() -> paintEvent

#include "workbench/core/cursor.h"
#include "workbench/ui/modulepage.h"

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <memory>
#include <utility>

namespace wb::ui {

class StepController;

class TraceSession : public QObject
{
    Q_OBJECT
public:
    explicit TraceSession(QObject *parent = nullptr);
    ~TraceSession() override;

    StepController *controller() const { return m_controller; }
    const wb::Trace *trace() const { return m_trace.get(); }
    const std::shared_ptr<const wb::Trace> &sharedTrace() const { return m_trace; }
    qsizetype position() const;
    qsizetype count() const;
    // Bumped whenever the trace is replaced; caches keyed on the trace compare it.
    std::uint64_t generation() const { return m_generation; }

    // A finished trace (or none): the cursor goes to `position`, clamped.
    void show(std::shared_ptr<const wb::Trace> trace, qsizetype position = 0);
    // A trace that other threads still append to. Every `intervalMs` the session calls
    // pollSources(), then reads the trace's size; new events emit traceGrew(), and while
    // the cursor sits at the newest event it moves on with it. Step back and it stays where
    // it is until End (or toNewest()).
    void follow(std::shared_ptr<const wb::Trace> trace, int intervalMs = 40);
    // The recording has ended: one last poll, then the trace is an ordinary finished one.
    void finishFollowing();
    bool isLive() const { return m_poll.isActive(); }
    // Live, and the cursor at the newest event: views may animate in wall time.
    bool atNewest() const { return isLive() && m_follow; }
    // Polls now rather than at the next tick (after the caller changed what is recorded).
    void pollNow() { poll(); }

signals:
    // show(), follow() or a clear: whatever was derived from the old trace is void.
    void traceReplaced();
    // A live poll found new events (count() is the new size).
    void traceGrew();
    // The cursor moved (forwarded from the controller).
    void positionChanged(qsizetype position, qsizetype count);

protected:
    // Called on every live poll before the trace's size is read: flush recorders, read what
    // the run reports beside its trace. The default does nothing.
    virtual void pollSources() {}

private:
    void poll();
    void replace(std::shared_ptr<const wb::Trace> trace, qsizetype position);

    std::shared_ptr<const wb::Trace> m_trace;
    StepController *m_controller;
    QTimer m_poll;
    std::uint64_t m_generation = 0;
    qsizetype m_known = 0; // the size the views were last told about
    bool m_follow = true;
};

// The state a view draws at a position of a session's trace. Rebuilt from the start when
// the session's trace is replaced; any seek costs at most `interval` applications.
template <class State> class SessionState
{
public:
    using Apply = typename wb::Replayer<State>::Apply;

    SessionState(const TraceSession &session, Apply apply, State initial = {},
                 std::size_t interval = 1024)
        : m_session(&session), m_apply(std::move(apply)), m_initial(std::move(initial)),
          m_interval(interval)
    {}

    const State &at(qsizetype position)
    {
        const wb::Trace *trace = m_session->trace();
        if (!trace)
            return m_initial;
        if (!m_replayer || m_generation != m_session->generation()) {
            m_replayer =
                std::make_unique<wb::Replayer<State>>(*trace, m_initial, m_apply, m_interval);
            m_generation = m_session->generation();
        }
        return m_replayer->stateAt(static_cast<std::size_t>(position < 0 ? 0 : position));
    }
    const State &atCursor() { return at(m_session->position()); }

private:
    const TraceSession *m_session;
    Apply m_apply;
    State m_initial;
    std::size_t m_interval;
    std::unique_ptr<wb::Replayer<State>> m_replayer;
    std::uint64_t m_generation = 0;
};

// One session for all of a module's pages: the first page asks and creates it, later pages
// get the same one, and it goes away with the last page that holds it.
template <class Session> class SharedSession
{
public:
    std::shared_ptr<Session> get()
    {
        auto s = m_session.lock();
        if (!s) {
            s = std::make_shared<Session>();
            m_session = s;
        }
        return s;
    }

private:
    std::weak_ptr<Session> m_session;
};

class SessionPage : public ModulePage
{
    Q_OBJECT
public:
    // `session` may be shared with other pages; the page keeps it alive.
    explicit SessionPage(std::shared_ptr<TraceSession> session, QWidget *parent = nullptr);

    StepController *controller() const override;
    TraceSession *traceSession() const { return m_session.get(); }

    // For a page whose keepsRecordings() is true: the session's trace and cursor with
    // recordingSettings(); showRecording() checks each event with acceptsEvent(), applies the
    // settings, then shows the trace. Other pages keep none.
    wb::Recording recording() const override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

protected:
    // True for a page that implements the three functions below.
    virtual bool keepsRecordings() const { return false; }
    // The settings that produced the run shown ("scenario", "seed", the input ...), kept in
    // a recording. The default keeps none.
    virtual std::vector<std::pair<std::string, std::string>> recordingSettings() const
    {
        return {};
    }
    // Puts the page's controls as `settings` say, without running anything. False with a
    // sentence in *error for a setting the page cannot take. The default takes any.
    virtual bool
    applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                           QString *error)
    {
        Q_UNUSED(settings);
        Q_UNUSED(error);
        return true;
    }
    // True when `event` is one this page's replay understands (a declared kind with its
    // fields). A page that can be handed a recording must check: a recording comes from a
    // file, and its events may be anything. The default accepts none.
    virtual bool acceptsEvent(const wb::Event &event) const
    {
        Q_UNUSED(event);
        return false;
    }

    // Draw the state at the cursor (usually: hand the state to the page's widgets and call
    // update()). Called at once while the page is visible, else when it is next shown.
    virtual void refresh() = 0;
    // Something besides the cursor changed what the page shows: refresh when visible.
    void requestRefresh();
    void showEvent(QShowEvent *event) override;

private:
    struct Shown
    {
        std::uint64_t generation = 0;
        qsizetype position = -1, count = -1;
        bool operator==(const Shown &) const = default;
    };
    void refreshNow();

    std::shared_ptr<TraceSession> m_session;
    Shown m_shown;
    bool m_stale = true;
};

} // namespace wb::ui
