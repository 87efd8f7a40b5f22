#pragma once
// The topology: producer -> exchange -> bindings (labelled with their keys) -> queues ->
// consumers, messages as tokens coloured by routing key. Queues show their ready messages
// as tokens and bars, consumers the deliveries they hold unacknowledged. While a run is
// followed live the tokens travel along the edges in wall time; stepping shows the move of
// the event at the cursor. Many tokens on one edge are drawn as a few with a count.
//
// Below the canvas: the live controls (rate, prefetch, add / stop / kill a consumer,
// restart the broker).

#include "session.h"

#include "workbench/ui/modulepage.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace wb::messaging::ui {

class RunPanel;

// The colour of a routing key: odd keys warm, even keys cool, others from a hash.
QColor keyColor(const std::string &routingKey);

class TopologyCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit TopologyCanvas(MessagingSession *session, QWidget *parent = nullptr);

    struct PaintStats
    {
        int tokens = 0;         // token shapes drawn
        int aggregated = 0;     // edges drawn as a stream with a count instead of every token
        bool otherKeys = false; // tokens of keys that are neither odd nor even
        qint64 nanoseconds = 0;
    };
    const PaintStats &lastPaint() const { return m_stats; }

    // Sized from the fonts: the drawing lays itself out in whatever it gets and scales down
    // (to a legible limit) when the boxes do not fit.
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void animate();

    MessagingSession *m_session;
    QTimer m_frames;
    PaintStats m_stats;
};

class TopologyPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit TopologyPage(std::shared_ptr<MessagingSession> session, QWidget *parent = nullptr);

    wb::ui::StepController *controller() const override;
    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    void shutdown() override;

    MessagingSession *session() const { return m_session.get(); }
    RunPanel *runPanel() const { return m_runPanel; }
    TopologyCanvas *canvas() const { return m_canvas; }
    QComboBox *consumerChoice() const { return m_consumer; }
    QPushButton *killButton() const { return m_kill; }
    QPushButton *restartButton() const { return m_restart; }
    QString summaryText() const;

private:
    void refreshControls();
    void refreshSummary();

    std::shared_ptr<MessagingSession> m_session;
    RunPanel *m_runPanel;
    TopologyCanvas *m_canvas;
    QSpinBox *m_rate;
    QSpinBox *m_prefetch;
    QComboBox *m_queue;
    QSpinBox *m_work;
    QPushButton *m_add;
    QComboBox *m_consumer;
    QPushButton *m_stopConsumer;
    QPushButton *m_kill;
    QPushButton *m_restart;
    QLabel *m_summary;
};

// Shared by the pages: the lesson of a view followed by the current variation's notes.
QString lessonFor(const QString &view, const QString &preset);
QStringList messagingSources();

} // namespace wb::messaging::ui
