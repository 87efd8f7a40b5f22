#include "workbench/ui/transportbar.h"
#include "workbench/ui/stepcontroller.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QStyle>
#include <QToolButton>

namespace wb::ui {

namespace {
struct KeyPair
{
    QList<QKeySequence> first;  // kept by a focused widget that uses them
    QList<QKeySequence> second; // taken by no widget
};

KeyPair keysOf(TransportAction action)
{
    switch (action) {
    case TransportAction::PlayPause:
        return {{Qt::Key_Space}, {Qt::Key_F5, Qt::Key_MediaTogglePlayPause}};
    case TransportAction::StepForward:
        return {{Qt::Key_Right}, {QKeySequence(Qt::ALT | Qt::Key_Right)}};
    case TransportAction::StepBack:
        return {{Qt::Key_Left}, {QKeySequence(Qt::ALT | Qt::Key_Left)}};
    case TransportAction::ToStart:
        return {{Qt::Key_Home}, {QKeySequence(Qt::ALT | Qt::Key_Home)}};
    case TransportAction::ToEnd:
        return {{Qt::Key_End}, {QKeySequence(Qt::ALT | Qt::Key_End)}};
    case TransportAction::Faster:
        return {{Qt::Key_Plus, Qt::Key_Equal},
                {QKeySequence(Qt::ALT | Qt::Key_Plus), QKeySequence(Qt::ALT | Qt::Key_Equal)}};
    case TransportAction::Slower:
        return {{Qt::Key_Minus}, {QKeySequence(Qt::ALT | Qt::Key_Minus)}};
    }
    return {};
}
} // namespace

QList<QKeySequence> transportKeys(TransportAction action)
{
    const KeyPair keys = keysOf(action);
    return keys.first + keys.second;
}

QString transportKeyText(TransportAction action)
{
    const KeyPair keys = keysOf(action);
    QStringList names;
    for (const QList<QKeySequence> *list : {&keys.first, &keys.second})
        if (!list->isEmpty())
            names << list->first().toString(QKeySequence::NativeText);
    return names.join(QStringLiteral(", "));
}

namespace {
enum class Glyph { Start, Back, Play, Pause, Forward, End };

// The transport's glyphs drawn in the palette's text colour (and its disabled colour), so
// they stay visible on a dark palette where the style's media icons are dark on dark.
QPixmap glyphPixmap(Glyph g, const QColor &color)
{
    constexpr int n = 64;
    QPixmap pm(n, n);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    auto triangle = [&p](double x0, double x1, bool right) {
        const double tip = right ? x1 : x0;
        const double base = right ? x0 : x1;
        p.drawPolygon(QPolygonF{QPointF(base, 14), QPointF(base, 50), QPointF(tip, 32)});
    };
    auto bar = [&p](double x) {
        p.drawRect(QRectF(x, 14, 7, 36));
    };
    switch (g) {
    case Glyph::Start:
        bar(12);
        triangle(20, 52, false);
        break;
    case Glyph::Back:
        triangle(6, 32, false);
        triangle(32, 58, false);
        break;
    case Glyph::Play:
        triangle(18, 50, true);
        break;
    case Glyph::Pause:
        bar(18);
        bar(39);
        break;
    case Glyph::Forward:
        triangle(6, 32, true);
        triangle(32, 58, true);
        break;
    case Glyph::End:
        triangle(12, 44, true);
        bar(45);
        break;
    }
    return pm;
}

QIcon glyphIcon(Glyph g, const QPalette &pal)
{
    QIcon icon;
    icon.addPixmap(glyphPixmap(g, pal.color(QPalette::Active, QPalette::ButtonText)),
                   QIcon::Normal);
    icon.addPixmap(glyphPixmap(g, pal.color(QPalette::Disabled, QPalette::ButtonText)),
                   QIcon::Disabled);
    return icon;
}

QToolButton *makeButton(QWidget *parent, Glyph glyph, const QString &tip)
{
    auto *b = new QToolButton(parent);
    b->setProperty("glyph", static_cast<int>(glyph));
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
    using TA = TransportAction;
    m_start = makeButton(this, Glyph::Start,
                         tr("Jump to start (%1)").arg(transportKeyText(TA::ToStart)));
    m_back =
        makeButton(this, Glyph::Back, tr("Step back (%1)").arg(transportKeyText(TA::StepBack)));
    m_play = makeButton(this, Glyph::Play,
                        tr("Play / pause (%1)").arg(transportKeyText(TA::PlayPause)));
    m_forward = makeButton(this, Glyph::Forward,
                           tr("Step forward (%1)").arg(transportKeyText(TA::StepForward)));
    m_end = makeButton(this, Glyph::End, tr("Jump to end (%1)").arg(transportKeyText(TA::ToEnd)));
    for (auto *b : {m_start, m_back, m_play, m_forward, m_end})
        row->addWidget(b);

    m_speed = new QComboBox(this);
    m_speed->setToolTip(tr("Playback speed (faster: %1; slower: %2)")
                            .arg(transportKeyText(TA::Faster), transportKeyText(TA::Slower)));
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

    restyle();
    setController(nullptr);
}

void TransportBar::restyle()
{
    // Icons as tall as a line of text: they grow with presentation mode's larger font.
    const int side = fontMetrics().height() + 2;
    for (QToolButton *b : {m_start, m_back, m_play, m_forward, m_end}) {
        auto g = static_cast<Glyph>(b->property("glyph").toInt());
        if (b == m_play && m_controller && m_controller->isPlaying())
            g = Glyph::Pause;
        b->setIcon(glyphIcon(g, palette()));
        b->setIconSize(QSize(side, side));
    }
}

void TransportBar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange ||
        event->type() == QEvent::StyleChange)
        restyle();
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
    if (m_play->property("playing").toBool() != playing) {
        m_play->setProperty("playing", playing);
        m_play->setIcon(glyphIcon(playing ? Glyph::Pause : Glyph::Play, palette()));
    }
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
