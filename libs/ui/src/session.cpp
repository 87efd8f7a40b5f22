#include "workbench/ui/session.h"

#include "workbench/ui/stepcontroller.h"

namespace wb::ui {

TraceSession::TraceSession(QObject *parent)
    : QObject(parent), m_controller(new StepController(this))
{
    connect(&m_poll, &QTimer::timeout, this, &TraceSession::poll);
    // "At the newest event" is judged against the count the views were told about: the
    // recorders keep appending between polls, and the trace's size at this instant is
    // already further on.
    connect(m_controller, &StepController::countChanged, this, [this](qsizetype n) {
        m_known = n;
        if (m_follow && isLive() && m_controller->position() < n)
            m_controller->seek(n);
    });
    connect(m_controller, &StepController::positionChanged, this,
            [this](qsizetype pos, qsizetype n) {
                m_follow = pos >= m_known;
                emit positionChanged(pos, n);
            });
}

TraceSession::~TraceSession()
{
    // The last owner may be a page half way through its destructor: tell nobody anything.
    blockSignals(true);
    m_controller->blockSignals(true);
    m_poll.stop();
}

qsizetype TraceSession::position() const
{
    return m_controller->position();
}

qsizetype TraceSession::count() const
{
    return m_controller->count();
}

void TraceSession::replace(std::shared_ptr<const wb::Trace> trace, qsizetype position)
{
    m_trace = std::move(trace);
    ++m_generation;
    m_follow = true;
    m_known = 0;
    m_controller->setTrace(m_trace, position);
    emit traceReplaced();
}

void TraceSession::show(std::shared_ptr<const wb::Trace> trace, qsizetype position)
{
    m_poll.stop();
    m_controller->setLive(false);
    replace(std::move(trace), position);
}

void TraceSession::follow(std::shared_ptr<const wb::Trace> trace, int intervalMs)
{
    // Live before the trace arrives, so that its first count is already followed: a trace
    // that has events opens at its newest one.
    m_controller->setLive(false);
    m_poll.start(intervalMs);
    const auto newest = trace ? static_cast<qsizetype>(trace->size()) : 0;
    replace(std::move(trace), newest);
    m_controller->setLive(true);
}

void TraceSession::finishFollowing()
{
    if (!isLive())
        return;
    poll();
    m_poll.stop();
    m_controller->setLive(false);
}

void TraceSession::poll()
{
    pollSources();
    if (!m_trace)
        return;
    if (static_cast<qsizetype>(m_trace->size()) > m_known) {
        // setLive re-reads the size now rather than at the controller's next tick.
        m_controller->setLive(isLive());
        emit traceGrew();
    }
}

// ---------------------------------------------------------------------------------------------

SessionPage::SessionPage(std::shared_ptr<TraceSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session))
{
    // A replaced trace always moves the cursor too, and a followed trace that grows moves
    // it as well: refresh only when what is shown would differ.
    auto changed = [this] {
        const Shown now{m_session->generation(), m_session->position(), m_session->count()};
        if (now != m_shown)
            requestRefresh();
    };
    connect(m_session.get(), &TraceSession::positionChanged, this, changed);
    connect(m_session.get(), &TraceSession::traceGrew, this, changed);
}

StepController *SessionPage::controller() const
{
    return m_session->controller();
}

wb::Recording SessionPage::recording() const
{
    wb::Recording r;
    if (!keepsRecordings())
        return r;
    r.settings = recordingSettings();
    r.trace = m_session->sharedTrace();
    r.cursor = static_cast<std::uint64_t>(m_session->position());
    return r;
}

bool SessionPage::showRecording(const wb::Recording &recording, QString *error)
{
    if (!keepsRecordings())
        return ModulePage::showRecording(recording, error);
    if (!recording.trace) {
        *error = tr("the recording has no trace");
        return false;
    }
    const wb::Trace &trace = *recording.trace;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (!acceptsEvent(trace.at(i))) {
            *error = tr("event %1 of the recording (%2) is not one this view knows; the "
                        "recording is damaged or was made by another version")
                         .arg(i + 1)
                         .arg(QString::fromStdString(trace.at(i).kind).left(40));
            return false;
        }
    if (!applyRecordingSettings(recording.settings, error))
        return false;
    m_session->show(recording.trace, static_cast<qsizetype>(recording.cursor));
    return true;
}

void SessionPage::requestRefresh()
{
    m_stale = true;
    if (isVisible())
        refreshNow();
}

void SessionPage::refreshNow()
{
    m_stale = false;
    m_shown = {m_session->generation(), m_session->position(), m_session->count()};
    refresh();
}

void SessionPage::showEvent(QShowEvent *event)
{
    ModulePage::showEvent(event);
    if (m_stale)
        refreshNow();
}

} // namespace wb::ui
