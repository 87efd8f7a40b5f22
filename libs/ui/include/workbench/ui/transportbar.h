#pragma once
// Play/pause, step back, step, jump to start/end, speed, a position slider and the event
// counter with the current event's label, bound to whichever StepController is current.

#include <QKeySequence>
#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;
class QComboBox;

namespace wb::ui {

class StepController;

// What the transport's keys do. Each has a first key (Space, the arrows, Home, End, + and -)
// that a focused text input, spin box, list or button may keep for itself, and a second key
// (F5 and Alt with the first key) that no widget takes, so it works with the focus anywhere.
enum class TransportAction { PlayPause, StepForward, StepBack, ToStart, ToEnd, Faster, Slower };
QList<QKeySequence> transportKeys(TransportAction action);
// The keys as a reader sees them: "Right, Alt+Right".
QString transportKeyText(TransportAction action);

class TransportBar : public QWidget
{
    Q_OBJECT
public:
    explicit TransportBar(QWidget *parent = nullptr);
    // Null disables the bar ("This view has no steps").
    void setController(StepController *controller);
    StepController *controller() const { return m_controller; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();
    void refresh();
    void refreshSpeed();

    QPointer<StepController> m_controller;
    QList<QMetaObject::Connection> m_connections;
    QToolButton *m_start, *m_back, *m_play, *m_forward, *m_end;
    QSlider *m_slider;
    QLabel *m_counter;
    QLabel *m_label;
    QComboBox *m_speed;
};

} // namespace wb::ui
