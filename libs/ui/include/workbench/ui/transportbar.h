#pragma once
// Play/pause, step back, step, jump to start/end, speed, a position slider and the event
// counter with the current event's label, bound to whichever StepController is current.

#include <QPointer>
#include <QWidget>

class QLabel;
class QSlider;
class QToolButton;
class QComboBox;

namespace wb::ui {

class StepController;

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
