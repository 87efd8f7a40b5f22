#include "workbench/ui/transportbar.h"
#include "workbench/ui/stepcontroller.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace wb::ui {

namespace {
QToolButton *makeButton(QWidget *parent, QStyle::StandardPixmap icon, const QString &tip)
{
    auto *b = new QToolButton(parent);
    b->setIcon(parent->style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setFocusPolicy(Qt::NoFocus); // the window's shortcuts own the keyboard
    b->setAccessibleName(tip);
    return b;
}

// The current step's description on exactly one line: a long or multi-line description
// (a heredoc, a dump of registers) is cut with an ellipsis and never makes the bar taller.
// The whole text is in the tooltip and in the view's trace table.
class StepDescription : public QLabel
{
public:
    explicit StepDescription(QWidget *parent) : QLabel(parent)
    {
        setTextFormat(Qt::PlainText);
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    }

    void setDescription(const QString &text)
    {
        QString line = text;
        line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
        setText(line);
        setToolTip(text);
        setAccessibleDescription(text);
    }

    QSize sizeHint() const override
    {
        return {fontMetrics().horizontalAdvance(text()) + 4, fontMetrics().height() + 2};
    }
    QSize minimumSizeHint() const override { return {40, fontMetrics().height() + 2}; }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled,
                                 QPalette::WindowText));
        const QString shown = fontMetrics().elidedText(text(), Qt::ElideRight, width());
        p.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, shown);
    }
};
} // namespace

TransportBar::TransportBar(QWidget *parent) : QWidget(parent)
{
    setObjectName("TransportBar");
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(6, 2, 6, 2);
    m_start = makeButton(this, QStyle::SP_MediaSkipBackward, tr("Jump to start (Home)"));
    m_back = makeButton(this, QStyle::SP_MediaSeekBackward, tr("Step back (Left)"));
    m_play = makeButton(this, QStyle::SP_MediaPlay, tr("Play / pause (Space)"));
    m_forward = makeButton(this, QStyle::SP_MediaSeekForward, tr("Step forward (Right)"));
    m_end = makeButton(this, QStyle::SP_MediaSkipForward, tr("Jump to end (End)"));
    for (auto *b : {m_start, m_back, m_play, m_forward, m_end})
        row->addWidget(b);

    m_speed = new QComboBox(this);
    m_speed->setToolTip(tr("Playback speed (+ / -)"));
    m_speed->setFocusPolicy(Qt::NoFocus);
    for (double s = StepController::MinSpeed; s <= StepController::MaxSpeed; s *= 2)
        m_speed->addItem(QStringLiteral("%1×").arg(s), s);
    row->addWidget(m_speed);

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setToolTip(tr("Position in the trace"));
    m_slider->setFocusPolicy(Qt::NoFocus);
    m_slider->setMinimumWidth(160);
    row->addWidget(m_slider, 2);

    m_counter = new QLabel(this);
    m_counter->setObjectName("EventCounter");
    m_counter->setMinimumWidth(m_counter->fontMetrics().horizontalAdvance("000000 / 000000") + 8);
    m_counter->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    row->addWidget(m_counter);
    m_label = new StepDescription(this);
    m_label->setObjectName("EventLabel");
    m_label->setAccessibleName(tr("Current step"));
    row->addWidget(m_label, 3);
    m_speed->setAccessibleName(tr("Playback speed"));
    m_slider->setAccessibleName(tr("Position in the trace"));
    m_counter->setAccessibleName(tr("Step number"));

    setController(nullptr);
}

void TransportBar::setController(StepController *controller)
{
    for (const auto &c : m_connections)
        disconnect(c);
    m_connections.clear();
    m_controller = controller;
    const bool on = controller != nullptr;
    for (QWidget *w : std::initializer_list<QWidget *>{m_start, m_back, m_play, m_forward, m_end,
                                                       m_speed, m_slider})
        w->setEnabled(on);
    if (!on) {
        m_counter->clear();
        static_cast<StepDescription *>(m_label)->setDescription(tr("This view has no steps."));
        m_slider->setRange(0, 0);
        return;
    }
    auto *c = controller;
    m_connections << connect(m_start, &QToolButton::clicked, c, &StepController::toStart)
                  << connect(m_back, &QToolButton::clicked, c, &StepController::stepBack)
                  << connect(m_play, &QToolButton::clicked, c, &StepController::togglePlay)
                  << connect(m_forward, &QToolButton::clicked, c, &StepController::stepForward)
                  << connect(m_end, &QToolButton::clicked, c, &StepController::toEnd)
                  << connect(m_slider, &QSlider::valueChanged, c,
                             [c](int v) {
                                 if (v != c->position())
                                     c->seek(v);
                             })
                  << connect(m_speed, &QComboBox::activated, c,
                             [this, c](int i) { c->setSpeed(m_speed->itemData(i).toDouble()); })
                  << connect(c, &StepController::positionChanged, this, &TransportBar::refresh)
                  << connect(c, &StepController::playingChanged, this, &TransportBar::refresh)
                  << connect(c, &StepController::speedChanged, this, &TransportBar::refreshSpeed);
    refresh();
    refreshSpeed();
}

void TransportBar::refresh()
{
    if (!m_controller)
        return;
    const auto pos = m_controller->position();
    const auto n = m_controller->count();
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, static_cast<int>(n));
        m_slider->setValue(static_cast<int>(pos));
    }
    m_counter->setText(tr("%1 / %2").arg(pos).arg(n));
    const wb::Event *e = m_controller->currentEvent();
    static_cast<StepDescription *>(m_label)->setDescription(
        e ? QString::fromStdString(e->label)
          : (n ? tr("Start: press Right or Space") : tr("No events yet")));
    const bool playing = m_controller->isPlaying();
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_back->setEnabled(pos > 0);
    m_start->setEnabled(pos > 0);
    m_forward->setEnabled(pos < n);
    m_end->setEnabled(pos < n);
}

void TransportBar::refreshSpeed()
{
    if (!m_controller)
        return;
    const int i = m_speed->findData(m_controller->speed());
    if (i >= 0)
        m_speed->setCurrentIndex(i);
}

} // namespace wb::ui
