#include "blockedview.h"
#include "runbar.h"
#include "timelineview.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace wb::threads::ui {

namespace {

// One stacked bar per state; the threads are the x axis (1, 2, 3, ...).
struct Stack
{
    QCPBars *blocked, *waiting, *sleeping, *running;
};

QCPBars *addBars(QCustomPlot *plot, const QString &name, const QColor &colour)
{
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setWidth(0.6);
    bars->setPen(QPen(colour.darker(130)));
    bars->setBrush(colour);
    return bars;
}

} // namespace

BlockedPage::BlockedPage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_unit(new QComboBox), m_plot(new QCustomPlot)
{
    m_unit->addItem(tr("in steps (events recorded meanwhile)"), false);
    m_unit->addItem(tr("in milliseconds of wall time"), true);
    m_unit->setToolTip(tr("Steps are the same for every run with the same seed; wall time "
                          "includes how long you took to choose in step mode."));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Time each thread spent in each state, up to the cursor,")));
    top->addWidget(m_unit);
    top->addStretch(1);

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runBar);
    col->addLayout(top);
    col->addWidget(m_plot, 1);

    wb::ui::setupPlot(m_plot, tr("thread"), tr("steps"));
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_plot, tr("Blocked, waiting and sleeping time per thread"),
                                 QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    // Stacked from the bottom: the blocked part first, since it is what this view is about.
    QCPBars *blocked = addBars(m_plot, tr("blocked on a lock"), wb::ui::stateColor("blocked"));
    QCPBars *waiting = addBars(m_plot, tr("waiting on a condition"), wb::ui::stateColor("waiting"));
    QCPBars *sleeping = addBars(m_plot, tr("sleeping"), wb::ui::stateColor("sleeping"));
    QCPBars *running = addBars(m_plot, tr("running"), wb::ui::stateColor("running"));
    waiting->moveAbove(blocked);
    sleeping->moveAbove(waiting);
    running->moveAbove(sleeping);

    ThreadsSession *s = m_session.get();
    connect(s->controller(), &wb::ui::StepController::positionChanged, this, &BlockedPage::redraw);
    connect(s->controller(), &wb::ui::StepController::traceReplaced, this, &BlockedPage::redraw);
    connect(s, &ThreadsSession::timelineGrew, this, &BlockedPage::redraw);
    connect(s, &ThreadsSession::runStarted, this, &ModulePage::lessonChanged);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &BlockedPage::redraw);
    m_session->ensureOpeningExample();
    redraw();
}

void BlockedPage::setWallTime(bool wallTime)
{
    m_unit->setCurrentIndex(wallTime ? 1 : 0);
}

wb::ui::StepController *BlockedPage::controller() const
{
    return m_session->controller();
}

void BlockedPage::showEvent(QShowEvent *event)
{
    ModulePage::showEvent(event);
    m_shown = true;
    if (m_stale)
        redraw();
}

void BlockedPage::redraw()
{
    if (m_shown && !isVisible()) {
        m_stale = true;
        return;
    }
    m_stale = false;
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
        ticker->addTick(n, QString::fromStdString(threadName(n)));
        top = std::max(top, t.blocked + t.waiting + t.sleeping + t.running);
    }
    QList<QCPBars *> bars;
    for (int i = 0; i < m_plot->plottableCount(); ++i)
        if (auto *b = qobject_cast<QCPBars *>(m_plot->plottable(i)))
            bars << b;
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
    double whole = top;
    if (trace && m_session->position() < m_session->timeline().processed)
        for (const auto &[n, t] :
             m_session->timeline().totalsAt(*trace, m_session->timeline().processed, wall))
            whole = std::max(whole, t.blocked + t.waiting + t.sleeping + t.running);
    m_plot->yAxis->setRange(0, whole * 1.25);
    // The numbers that matter, written above each bar.
    m_plot->clearItems();
    const QString unit = wall ? tr("ms") : tr("steps");
    for (const auto &[n, t] : m_totals) {
        auto *label = new QCPItemText(m_plot);
        label->position->setCoords(n, t.blocked + t.waiting + t.sleeping + t.running);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setColor(palette().color(QPalette::WindowText));
        label->setPadding(QMargins(0, 0, 0, 4));
        auto num = [&](double v) { return QString::number(v, 'f', wall ? 1 : 0); };
        label->setText(tr("blocked %1 · waiting %2 %3\nsleeping %4 · running %5")
                           .arg(num(t.blocked), num(t.waiting), unit, num(t.sleeping),
                                num(t.running)));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
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

} // namespace wb::threads::ui
