#include "workbench/ui/stepcontroller.h"

#include <algorithm>
#include <cmath>

namespace wb::ui {

StepController::StepController(QObject *parent) : QObject(parent)
{
    m_playTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_playTimer, &QTimer::timeout, this, &StepController::advance);
    m_liveTimer.setInterval(100);
    connect(&m_liveTimer, &QTimer::timeout, this, &StepController::pollLive);
    updateInterval();
}

void StepController::setTrace(std::shared_ptr<const wb::Trace> trace, qsizetype position)
{
    pause();
    m_trace = std::move(trace);
    m_cursor = m_trace ? std::make_unique<wb::StepCursor>(*m_trace) : nullptr;
    if (m_cursor)
        m_cursor->seek(static_cast<std::size_t>(std::max<qsizetype>(0, position)));
    m_lastCount = count();
    emit traceReplaced();
    emit countChanged(m_lastCount);
    emitPosition();
}

void StepController::setLive(bool live)
{
    if (live)
        m_liveTimer.start();
    else
        m_liveTimer.stop();
    pollLive();
}

qsizetype StepController::position() const
{
    return m_cursor ? static_cast<qsizetype>(m_cursor->position()) : 0;
}

qsizetype StepController::count() const
{
    return m_trace ? static_cast<qsizetype>(m_trace->size()) : 0;
}

const wb::Event *StepController::currentEvent() const
{
    return m_cursor ? m_cursor->current() : nullptr;
}

void StepController::emitPosition()
{
    // The count last announced by countChanged (or the position, if a seek went past it):
    // a live trace keeps growing between polls, and "at the end" must mean the end the
    // views were told about, or a cursor that follows the newest event would stop following.
    const qsizetype pos = position();
    emit positionChanged(pos, std::max(m_lastCount, pos));
}

void StepController::stepForward()
{
    if (m_cursor && m_cursor->forward())
        emitPosition();
}

void StepController::stepBack()
{
    if (m_cursor && m_cursor->back())
        emitPosition();
}

void StepController::toStart()
{
    seek(0);
}

void StepController::toEnd()
{
    seek(count());
}

void StepController::seek(qsizetype position)
{
    if (!m_cursor)
        return;
    const auto before = m_cursor->position();
    m_cursor->seek(static_cast<std::size_t>(std::max<qsizetype>(0, position)));
    if (m_cursor->position() != before)
        emitPosition();
}

void StepController::play()
{
    if (!m_cursor || isPlaying())
        return;
    if (m_cursor->atEnd() && !isLive())
        m_cursor->toStart(); // replay from the top, as media players do
    m_playTimer.start();
    emit playingChanged(true);
    emitPosition();
}

void StepController::pause()
{
    if (!isPlaying())
        return;
    m_playTimer.stop();
    emit playingChanged(false);
}

void StepController::togglePlay()
{
    isPlaying() ? pause() : play();
}

void StepController::setSpeed(double speed)
{
    speed = std::clamp(speed, MinSpeed, MaxSpeed);
    if (speed == m_speed)
        return;
    m_speed = speed;
    updateInterval();
    emit speedChanged(m_speed);
}

void StepController::faster()
{
    setSpeed(m_speed * 2);
}

void StepController::slower()
{
    setSpeed(m_speed / 2);
}

bool StepController::nextOfKind(const QString &kind)
{
    if (!m_cursor || !m_cursor->nextOfKind(kind.toStdString()))
        return false;
    emitPosition();
    return true;
}

bool StepController::previousOfKind(const QString &kind)
{
    if (!m_cursor || !m_cursor->previousOfKind(kind.toStdString()))
        return false;
    emitPosition();
    return true;
}

void StepController::updateInterval()
{
    // Redraws are capped at ~60 per second; faster speeds apply several events per tick.
    const double perSecond = EventsPerSecondAt1x * m_speed;
    m_playTimer.setInterval(std::max(16, static_cast<int>(std::lround(1000.0 / perSecond))));
}

void StepController::advance()
{
    if (!m_cursor)
        return;
    const double perTick = EventsPerSecondAt1x * m_speed * m_playTimer.interval() / 1000.0;
    const auto steps = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(perTick)));
    if (m_cursor->atEnd()) {
        if (!isLive())
            pause();
        return;
    }
    m_cursor->seek(m_cursor->position() + steps);
    emitPosition();
    if (m_cursor->atEnd() && !isLive())
        pause();
}

void StepController::pollLive()
{
    const qsizetype n = count();
    if (n == m_lastCount)
        return;
    m_lastCount = n;
    emit countChanged(n);
    emitPosition();
}

} // namespace wb::ui
