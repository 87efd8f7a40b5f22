#pragma once
// The transport over a trace: step, play at a speed, seek. Back never re-runs anything; it
// moves the core cursor, and views redraw "the state at the cursor" on positionChanged.

#include "workbench/core/cursor.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace wb::ui {

class StepController : public QObject
{
    Q_OBJECT
public:
    static constexpr double MinSpeed = 0.25;
    static constexpr double MaxSpeed = 64.0;
    // At 1x playback applies this many events per second.
    static constexpr double EventsPerSecondAt1x = 4.0;

    explicit StepController(QObject *parent = nullptr);

    // Replaces the trace (null clears). The cursor goes to `position` (clamped).
    void setTrace(std::shared_ptr<const wb::Trace> trace, qsizetype position = 0);
    const wb::Trace *trace() const { return m_trace.get(); }
    // A live trace grows while it is shown; the controller polls its size.
    void setLive(bool live);
    bool isLive() const { return m_liveTimer.isActive(); }

    qsizetype position() const;
    qsizetype count() const;
    // The event applied last, or null at the start.
    const wb::Event *currentEvent() const;
    bool isPlaying() const { return m_playTimer.isActive(); }
    double speed() const { return m_speed; }

public slots:
    void stepForward();
    void stepBack();
    void toStart();
    void toEnd();
    void seek(qsizetype position);
    void play();
    void pause();
    void togglePlay();
    void setSpeed(double speed); // clamped to [MinSpeed, MaxSpeed]
    void faster();               // doubles
    void slower();               // halves
    bool nextOfKind(const QString &kind);
    bool previousOfKind(const QString &kind);

signals:
    void positionChanged(qsizetype position, qsizetype count);
    void countChanged(qsizetype count);
    void playingChanged(bool playing);
    void speedChanged(double speed);
    void traceReplaced();

private:
    void advance();
    void pollLive();
    void emitPosition();
    void updateInterval();

    std::shared_ptr<const wb::Trace> m_trace;
    std::unique_ptr<wb::StepCursor> m_cursor;
    QTimer m_playTimer;
    QTimer m_liveTimer;
    double m_speed = 1.0;
    qsizetype m_lastCount = 0;
};

} // namespace wb::ui
