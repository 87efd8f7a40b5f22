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

#include "workbench/ui/session.h"

#include <QElapsedTimer>
#include <QPalette>
#include <QTimer>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace wb::messaging::ui {

class RunPanel;

// The colour of a routing key's tokens (a fill): odd keys warm, even keys cool, others from a
// hash; small ones lighter (and marked with a dot, so that colour is not all that tells them
// apart).
QColor keyColor(const std::string &routingKey);
// The same key's colour for lines and outlines (binding edges, token outlines), readable on
// the palette's Base and AlternateBase.
QColor keyLineColor(const std::string &routingKey, const QPalette &pal);

// Colours for text and lines that keep a contrast of at least 4.5:1 against what they are
// drawn on, taken from the palette in use when painting.
QColor readable(const QColor &color, const QColor &background);
QColor inkOn(const QColor &fill); // black or white, whichever reads better on `fill`

// One colour the messaging views draw text or lines with, and the background it is drawn on.
struct Ink
{
    QString what;
    QColor color;
    QColor background;
};
// Every such pair of the messaging views for a palette and the theme in use (the ui test
// checks them in both palettes).
QList<Ink> messagingInks(const QPalette &pal);

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

class TopologyPage : public MessagingPage
{
    Q_OBJECT
public:
    explicit TopologyPage(std::shared_ptr<MessagingSession> session, QWidget *parent = nullptr);

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    RunPanel *runPanel() const { return m_runPanel; }
    TopologyCanvas *canvas() const { return m_canvas; }
    QComboBox *consumerChoice() const { return m_consumer; }
    QPushButton *killButton() const { return m_kill; }
    QPushButton *restartButton() const { return m_restart; }
    QString summaryText() const;

protected:
    void refresh() override; // the summary and the canvas, at the cursor

private:
    void refreshControls();

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
