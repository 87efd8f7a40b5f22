#include "blockedview.h"
#include "runbar.h"
#include "timelineview.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>

namespace wb::threads::ui {

namespace {

// The stacked parts of each bar, bottom up: the blocked part first, since it is what this
// view is about.
const ThreadState kStacked[] = {ThreadState::Blocked, ThreadState::Waiting, ThreadState::Sleeping,
                                ThreadState::Running};

QString partName(ThreadState s)
{
    switch (s) {
    case ThreadState::Blocked:
        return QObject::tr("blocked on a lock");
    case ThreadState::Waiting:
        return QObject::tr("waiting on a condition");
    case ThreadState::Sleeping:
        return QObject::tr("sleeping");
    default:
        return QObject::tr("running");
    }
}

QList<QCPBars *> barsOf(QCustomPlot *plot)
{
    QList<QCPBars *> bars;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto *b = qobject_cast<QCPBars *>(plot->plottable(i)))
            bars << b;
    return bars;
}

double total(const TimelineData::Totals &t)
{
    return t.blocked + t.waiting + t.sleeping + t.running;
}

} // namespace

BlockedPage::BlockedPage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : SessionPage(session, parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_unit(new QComboBox), m_plot(new wb::ui::SettlingPlot)
{
    m_unit->addItem(tr("in steps (events recorded meanwhile)"), false);
    m_unit->addItem(tr("in milliseconds of wall time"), true);
    m_unit->setToolTip(tr("Steps are the same for every run with the same seed; wall time "
                          "includes how long you took to choose in step mode."));
    m_unit->setAccessibleName(tr("Time unit"));
    // The sentence and the unit wrap onto two lines when the page is narrow.
    auto *top = new wb::ui::FlowLayout;
    auto *intro = new QLabel(tr("Time each thread spent in each state, up to the cursor,"));
    intro->setBuddy(m_unit);
    top->addWidget(intro);
    top->addWidget(m_unit);

    // The legend: a swatch with the same colour and pattern as the bars, and the state's
    // name, wrapping like the controls above.
    auto *legend = new wb::ui::FlowLayout;
    for (ThreadState s : kStacked) {
        auto *item = new QWidget;
        auto *row = new QHBoxLayout(item);
        row->setContentsMargins(0, 0, 8, 0);
        auto *swatch = new QLabel;
        row->addWidget(swatch);
        row->addWidget(new QLabel(partName(s)));
        legend->addWidget(item);
        m_swatches << std::make_pair(swatch, s);
    }

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runBar);
    col->addLayout(top);
    col->addLayout(legend);
    col->addWidget(m_plot, 1);

    wb::ui::setupPlot(m_plot, tr("thread"), tr("steps"));
    m_plot->legend->setVisible(false); // the legend above wraps; the plot's own would not
    m_plot->setAccessibleName(tr("Blocked time"));
    m_plot->setToolTip(tr("Point at a bar for its numbers"));
    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, tr("Blocked, waiting and sleeping time per thread"));
    m_plot->plotLayout()->addElement(0, 0, m_title);
    QList<QCPBars *> stacked;
    for (ThreadState s : kStacked) {
        auto *bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        bars->setName(partName(s));
        bars->setWidth(0.6);
        if (!stacked.isEmpty())
            bars->moveAbove(stacked.last());
        stacked << bars;
    }
    restyle();
    connect(m_plot, &QCustomPlot::afterLayout, this, &BlockedPage::fitLabels);
    connect(m_plot, &QCustomPlot::mouseMove, this, &BlockedPage::showBarTip);

    ThreadsSession *s = m_session.get();
    connect(s, &ThreadsSession::runStarted, this, &ModulePage::lessonChanged);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &BlockedPage::requestRefresh);
    m_session->ensureOpeningExample();
    refresh();
}

void BlockedPage::setWallTime(bool wallTime)
{
    m_unit->setCurrentIndex(wallTime ? 1 : 0);
}

void BlockedPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        restyle();
}

void BlockedPage::restyle()
{
    const QFontMetrics fm(font());
    const QSize swatch(fm.height() * 3 / 2, fm.height() * 3 / 4);
    for (const auto &[label, state] : std::as_const(m_swatches))
        label->setPixmap(stateSwatch(state, swatch));
    QFont title = font();
    title.setBold(true);
    title.setPointSizeF(font().pointSizeF() * 1.1);
    m_title->setFont(title);
    m_title->setTextColor(palette().color(QPalette::WindowText));
    const QList<QCPBars *> bars = barsOf(m_plot);
    for (int i = 0; i < bars.size() && i < int(std::size(kStacked)); ++i) {
        bars[i]->setBrush(stateBrush(kStacked[i]));
        QPen pen = bars[i]->pen();
        pen.setColor(stateOutline(kStacked[i], palette()));
        bars[i]->setPen(pen);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void BlockedPage::refresh()
{
    const bool wall = m_unit->currentData().toBool();
    const wb::Trace *trace = m_session->trace();
    m_totals = trace ? m_session->timeline().totalsAt(*trace, m_session->position(), wall)
                     : std::map<int, TimelineData::Totals>{};
    QVector<double> keys, blocked, waiting, sleeping, running;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double top = 1;
    for (const auto &[n, t] : m_totals) {
        keys << n;
        blocked << t.blocked;
        waiting << t.waiting;
        sleeping << t.sleeping;
        running << t.running;
        ticker->addTick(n, m_session->threadTitle(n));
        top = std::max(top, total(t));
    }
    const QList<QCPBars *> bars = barsOf(m_plot);
    if (bars.size() == 4) {
        bars[0]->setData(keys, blocked, true);
        bars[1]->setData(keys, waiting, true);
        bars[2]->setData(keys, sleeping, true);
        bars[3]->setData(keys, running, true);
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(0.4, std::max<double>(2, keys.isEmpty() ? 2 : keys.last()) + 0.6);
    m_plot->yAxis->setLabel(wall ? tr("milliseconds") : tr("steps"));
    // The scale is the whole run's, so bars grow as the cursor moves instead of rescaling.
    m_whole = top;
    if (trace && m_session->position() < m_session->timeline().processed)
        for (const auto &[n, t] :
             m_session->timeline().totalsAt(*trace, m_session->timeline().processed, wall))
            m_whole = std::max(m_whole, total(t));
    m_plot->yAxis->setRange(0, m_whole * 1.25);
    // The numbers that matter, written above each bar (fitLabels() words them).
    m_plot->clearItems();
    m_labels.clear();
    QStringList described;
    const QString unit = wall ? tr("ms") : tr("steps");
    for (const auto &[n, t] : m_totals) {
        auto *label = new QCPItemText(m_plot);
        label->position->setCoords(n, total(t));
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setColor(palette().color(QPalette::WindowText));
        label->setFont(m_plot->font());
        label->setPadding(QMargins(0, 0, 0, 4));
        m_labels << label;
        auto num = [&](double v) {
            return QString::number(v, 'f', wall ? 1 : 0);
        };
        described << tr("%1: blocked %2, waiting %3, sleeping %4, running %5 %6")
                         .arg(m_session->threadTitle(n), num(t.blocked), num(t.waiting),
                              num(t.sleeping), num(t.running), unit);
    }
    m_plot->setAccessibleDescription(described.isEmpty()
                                         ? tr("No thread has run yet.")
                                         : tr("Time per thread up to the cursor. %1.")
                                               .arg(described.join(QStringLiteral("; "))));
    fitLabels();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void BlockedPage::fitLabels()
{
    if (m_labels.size() != static_cast<qsizetype>(m_totals.size()))
        return;
    const bool wall = m_unit->currentData().toBool();
    const QString unit = wall ? tr("ms") : tr("steps");
    auto num = [&](double v) {
        return QString::number(v, 'f', wall ? 1 : 0);
    };
    // The labels' forms, longest first: two lines, one part a line, the total alone (the
    // parts are then in the bar's tooltip).
    auto wording = [&](const TimelineData::Totals &t, int form) {
        switch (form) {
        case 0:
            return tr("blocked %1 · waiting %2 %3\nsleeping %4 · running %5")
                .arg(num(t.blocked), num(t.waiting), unit, num(t.sleeping), num(t.running));
        case 1:
            return tr("blocked %1\nwaiting %2\nsleeping %3\nrunning %4 %5")
                .arg(num(t.blocked), num(t.waiting), num(t.sleeping), num(t.running), unit);
        default:
            return tr("%1 %2").arg(num(total(t)), unit);
        }
    };
    const QFontMetrics fm(m_plot->font());
    const double perBar =
        std::abs(m_plot->xAxis->coordToPixel(1) - m_plot->xAxis->coordToPixel(0)) - 6;
    int form = 0;
    for (; form < 2; ++form) {
        bool fits = true;
        for (const auto &[n, t] : m_totals)
            for (const QString &l : wording(t, form).split(QLatin1Char('\n')))
                fits = fits && fm.horizontalAdvance(l) <= perBar;
        if (fits)
            break;
    }
    int i = 0;
    for (const auto &[n, t] : m_totals)
        m_labels[i++]->setText(wording(t, form));
    // Room above the tallest bar for its label: the axis ends where the label does.
    const int lines = form == 0 ? 2 : form == 1 ? 4 : 1;
    const double height = m_plot->axisRect()->height();
    const double labelPx = lines * fm.lineSpacing() + 10;
    const double barPx = std::max(height * 0.35, height - labelPx);
    const double top = m_totals.empty() ? m_whole * 1.25 : m_whole * height / barPx;
    if (height > 20 && std::abs(m_plot->yAxis->range().upper - top) > top * 0.01) {
        m_plot->yAxis->setRange(0, top);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void BlockedPage::showBarTip(QMouseEvent *event)
{
    const double key = m_plot->xAxis->pixelToCoord(event->position().x());
    const bool wall = m_unit->currentData().toBool();
    auto num = [&](double v) {
        return QString::number(v, 'f', wall ? 1 : 0);
    };
    for (const auto &[n, t] : m_totals)
        if (std::abs(key - n) <= 0.3) {
            QToolTip::showText(event->globalPosition().toPoint(),
                               tr("%1\nblocked %2\nwaiting %3\nsleeping %4\nrunning %5 %6")
                                   .arg(m_session->threadTitle(n), num(t.blocked), num(t.waiting),
                                        num(t.sleeping), num(t.running),
                                        wall ? tr("ms") : tr("steps")),
                               m_plot);
            return;
        }
}

QString BlockedPage::lessonMarkdown() const
{
    return lessonWithScenario(
        wb::ui::readTextResource(QStringLiteral(":/modules/threads/ui/lessons/blocked.md")),
        m_session->scenario());
}

QStringList BlockedPage::sourceFiles() const
{
    return threadsSources();
}

QList<wb::ui::SourceHighlight> BlockedPage::sourceHighlights() const
{
    return threadHighlights(*m_session);
}

void BlockedPage::shutdown()
{
    m_session->shutdown();
}

wb::Recording BlockedPage::recording() const
{
    wb::Recording r = m_session->recording();
    if (r.trace)
        r.settings = recordingSettings();
    return r;
}

bool BlockedPage::showRecording(const wb::Recording &recording, QString *error)
{
    // The unit is this view's own; any other view ignores it. Checked before anything changes.
    std::optional<bool> wall;
    for (const auto &[key, value] : recording.settings)
        if (key == "unit") {
            if (value != "steps" && value != "ms") {
                if (error)
                    *error = tr("the recording's time unit \"%1\" is neither steps nor ms")
                                 .arg(QString::fromStdString(value).left(20));
                return false;
            }
            wall = value == "ms";
        }
    if (!m_session->showRecording(recording, error))
        return false;
    if (wall)
        setWallTime(*wall);
    return true;
}

std::vector<std::pair<std::string, std::string>> BlockedPage::recordingSettings() const
{
    auto settings = wb::threads::recordingSettings(m_session->recordedRun());
    settings.emplace_back("unit", m_unit->currentData().toBool() ? "ms" : "steps");
    return settings;
}

bool BlockedPage::acceptsEvent(const wb::Event &event) const
{
    return isThreadsEvent(event);
}

} // namespace wb::threads::ui
