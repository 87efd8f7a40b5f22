#include "growthview.h"
#include "common.h"

#include "list/core/events.h"
#include "list/core/listobject.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace wb::list::ui {

namespace {

struct GrowthRun
{
    QVector<double> size, allocated;        // after each append
    QVector<double> reallocSize, reallocAt; // where list_resize reallocated
    QVector<double> appendMoves;            // cumulative pointers copied by realloc
    QVector<double> insertMoves;            // cumulative pointers shifted + copied, insert(0)
    std::int64_t reallocations = 0;
    std::int64_t wasted = 0; // spare slots after the last append
};

// Runs the real list object; the numbers come from its own counters and trace.
GrowthRun measure(GrowthPolicy policy, int n)
{
    GrowthRun g;
    ListObject appends(policy);
    std::int64_t before = 0;
    for (int i = 0; i < n; ++i) {
        const auto oldAlloc = appends.allocated();
        appends.append(i);
        g.size << appends.size();
        g.allocated << appends.allocated();
        if (appends.allocated() != oldAlloc) {
            g.reallocSize << appends.size();
            g.reallocAt << appends.allocated();
        }
        before = appends.slotsCopied();
        g.appendMoves << static_cast<double>(before);
    }
    g.reallocations = appends.reallocations();
    g.wasted = appends.allocated() - appends.size();

    // insert(0, x) shifts every item one slot right: the trace's shift events count them.
    wb::Trace trace;
    ListObject inserts(policy, &trace);
    std::int64_t shifted = 0;
    std::size_t seen = 0;
    for (int i = 0; i < n; ++i) {
        inserts.insert(0, i);
        for (; seen < trace.size(); ++seen)
            if (const auto shift = wb::as<events::Shift>(trace[seen]))
                shifted += shift->count;
        g.insertMoves << static_cast<double>(shifted + inserts.slotsCopied());
    }
    return g;
}

} // namespace

GrowthPage::GrowthPage(QWidget *parent)
    : ModulePage(parent), m_appends(new QSpinBox), m_capacity(new QCustomPlot),
      m_moves(new QCustomPlot), m_summary(new QLabel)
{
    m_appends->setRange(10, 5000);
    m_appends->setValue(150);
    m_appends->setSingleStep(50);
    m_appends->setSuffix(tr(" appends"));
    m_appends->setToolTip(tr("How many elements to append to an empty list"));
    m_appends->setAccessibleName(tr("Number of appends"));
    auto *appendsLabel = new QLabel(tr("Append 0, 1, 2, … one at a time:"));
    appendsLabel->setBuddy(m_appends);
    auto *top = new wb::ui::FlowLayout;
    top->addWidget(appendsLabel);
    top->addWidget(m_appends);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);

    auto *plots = new QHBoxLayout;
    plots->addWidget(m_capacity, 1);
    plots->addWidget(m_moves, 1);
    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addLayout(plots, 1);
    col->addWidget(m_summary);

    // Each plot: a title row above the axes and the legend in a row of its own below them,
    // where it cannot cover a curve whatever the data.
    auto setup = [](QCustomPlot *plot, QCPTextElement *title) {
        plot->setMinimumSize(240, 260);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, title);
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->plotLayout()->addElement(2, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(2, 0.001);
        plot->plotLayout()->setRowSpacing(0);
        plot->legend->setMargins(QMargins(6, 3, 6, 3));
    };
    wb::ui::setupPlot(m_capacity, tr("ob_size (elements)"), tr("allocated (slots)"));
    m_capacityTitle = new QCPTextElement(m_capacity, tr("Capacity after each append"));
    setup(m_capacity, m_capacityTitle);
    m_capacity->setAccessibleName(tr("Capacity plot"));
    m_capacity->setAccessibleDescription(
        tr("Allocated slots against ob_size after each append, a staircase per growth formula "
           "with a dot at every reallocation"));
    wb::ui::setupPlot(m_moves, tr("elements added"), tr("pointers moved so far (log scale)"));
    m_movesTitle = new QCPTextElement(m_moves, tr("Work: append vs insert(0, x)"));
    setup(m_moves, m_movesTitle);
    m_moves->setAccessibleName(tr("Work plot"));
    m_moves->setAccessibleDescription(
        tr("Pointers moved so far against elements added, on a log scale: append under both "
           "growth formulas and insert(0, x)"));
    m_moves->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_moves->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    styleTitles();

    connect(m_appends, &QSpinBox::valueChanged, this, &GrowthPage::recompute);
    // The curves are measured and plotted once the page is on screen: opening the page lays
    // out and paints the empty plots, and the data follows a moment later, so neither step
    // keeps the event loop waiting long. A timer of its own (not a queued call) lets the
    // event loop run in between.
    auto *later = new QTimer(this);
    later->setSingleShot(true);
    later->setInterval(0);
    connect(later, &QTimer::timeout, this, [this, later] {
        later->deleteLater();
        if (!m_computed)
            recompute();
    });
    later->start();
}

void GrowthPage::recompute()
{
    m_computed = true;
    const int n = m_appends->value();
    const GrowthRun old = measure(GrowthPolicy::CPython27, n);
    const GrowthRun now = measure(GrowthPolicy::CPython311, n);

    m_capacity->clearGraphs();
    m_moves->clearGraphs();
    auto stairs = [&](const GrowthRun &g, int color, const QString &name, Qt::PenStyle style,
                      bool listDots) {
        QCPGraph *graph = m_capacity->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setPen(QPen(wb::ui::seriesColor(color), 2, style));
        graph->setData(g.size, g.allocated, true);
        QCPGraph *marks = m_capacity->addGraph();
        marks->setName(tr("dot: a reallocation"));
        if (!listDots) // one legend entry explains the dots of both
            marks->removeFromLegend();
        marks->setLineStyle(QCPGraph::lsNone);
        marks->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, wb::ui::seriesColor(color), 6));
        marks->setData(g.reallocSize, g.reallocAt, true);
    };
    stairs(old, 0, tr("CPython ≤ 3.8"), Qt::SolidLine, true);
    stairs(now, 1, tr("CPython 3.9+"), Qt::DashLine, false);
    QCPGraph *diag = m_capacity->addGraph();
    diag->setName(tr("allocated = size"));
    diag->setPen(QPen(listColours(palette()).muted, 1, Qt::DashLine));
    diag->setData({0, double(n)}, {0, double(n)});
    m_capacity->rescaleAxes();
    if (isVisible()) // a hidden plot has no paint buffer yet; its first resize replots
        m_capacity->replot();

    auto moves = [&](const QVector<double> &ys, int color, const QString &name,
                     Qt::PenStyle style) {
        QVector<double> xs(ys.size()), clamped(ys);
        for (int i = 0; i < ys.size(); ++i) {
            xs[i] = i + 1;
            clamped[i] = std::max(1.0, ys[i]); // log axis: 0 moves shown at 1
        }
        QCPGraph *g = m_moves->addGraph();
        g->setName(name);
        g->setPen(QPen(wb::ui::seriesColor(color), 2.5, style));
        g->setData(xs, clamped, true);
    };
    const double total27 = old.appendMoves.isEmpty() ? 0 : old.appendMoves.back();
    const double total311 = now.appendMoves.isEmpty() ? 0 : now.appendMoves.back();
    const double totalIns = old.insertMoves.isEmpty() ? 0 : old.insertMoves.back();
    // A realloc that grows the block where it stands copies nothing: a run can end with 0
    // copies, a flat line at the bottom of the log axis. The axis starts below 1 so that line
    // is drawn above the axis instead of on it.
    auto appendName = [&](const QString &policy, double total) {
        return total > 0 ? tr("append, %1: %2 copied").arg(policy).arg(total)
                         : tr("append, %1: 0 (in place)").arg(policy);
    };
    moves(old.appendMoves, 0, appendName(tr("≤ 3.8"), total27), Qt::SolidLine);
    moves(now.appendMoves, 1, appendName(tr("3.9+"), total311), Qt::DashLine);
    moves(old.insertMoves, 5, tr("insert(0, x): all shift"), Qt::DashDotLine);
    m_moves->rescaleAxes();
    m_moves->yAxis->setRange(0.5, std::max(10.0, m_moves->yAxis->range().upper * 1.5));
    if (isVisible())
        m_moves->replot();

    m_summary->setText(
        tr("<b>%1 appends.</b> CPython ≤ 3.8: %2 reallocations, %3 pointers copied in all "
           "(%4 per append), %5 spare slots at the end. CPython 3.9+: %6 reallocations, "
           "%7 pointers copied, %8 spare slots. <b>%1 × insert(0, x)</b> moved %9 pointers: "
           "about n²/2%10.")
            .arg(n)
            .arg(old.reallocations)
            .arg(total27)
            .arg(total27 / n, 0, 'f', 2)
            .arg(old.wasted)
            .arg(now.reallocations)
            .arg(total311)
            .arg(now.wasted)
            .arg(totalIns)
            .arg(total27 > 0 ? tr(", %1 times the copies of appending under CPython ≤ 3.8")
                                   .arg(totalIns / total27, 0, 'f', 0)
                             : QString()));
}

void GrowthPage::styleTitles()
{
    // The titles follow the page's font (presentation mode scales it), a little larger.
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.1);
    f.setBold(true);
    const QColor fg = palette().color(QPalette::Text); // on the plots' Base background
    for (QCPTextElement *title : {m_capacityTitle, m_movesTitle}) {
        title->setFont(f);
        title->setTextColor(fg);
    }
}

void GrowthPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    if (event->type() != QEvent::FontChange && event->type() != QEvent::PaletteChange)
        return;
    // Once the plots have their new font too, set it on every text part again and lay the
    // plots out anew: margins and legend sizes are cached from the old font otherwise.
    const bool palette = event->type() == QEvent::PaletteChange;
    QTimer::singleShot(0, this, [this, palette] {
        // The curves' colours are the palette's: plot them again in the new ones.
        if (palette && m_computed)
            recompute();
        styleTitles();
        const QFont f = font();
        for (QCustomPlot *plot : {m_capacity, m_moves}) {
            for (QCPAxis *axis : plot->axisRect()->axes()) {
                axis->setTickLabelFont(f);
                axis->setLabelFont(f);
            }
            plot->legend->setFont(f);
            for (int i = 0; i < plot->legend->itemCount(); ++i)
                plot->legend->item(i)->setFont(f);
            if (plot->isVisible())
                plot->replot();
        }
    });
}

QString GrowthPage::lessonMarkdown() const
{
    return wb::ui::readTextResource(":/modules/list/ui/lessons/growth.md");
}

QStringList GrowthPage::sourceFiles() const
{
    return coreSources({"core/src/listobject.cpp"});
}

} // namespace wb::list::ui
