#include "growthview.h"
#include "common.h"

#include "list/core/listobject.h"

#include "workbench/ui/plot.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wb::list::ui {

namespace {

struct GrowthRun
{
    QVector<double> size, allocated;       // after each append
    QVector<double> reallocSize, reallocAt; // where list_resize reallocated
    QVector<double> appendMoves;           // cumulative pointers copied by realloc
    QVector<double> insertMoves;           // cumulative pointers shifted + copied, insert(0)
    std::int64_t reallocations = 0;
    std::int64_t wasted = 0;               // spare slots after the last append
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
            if (trace[seen].kind == "shift")
                shifted += trace[seen].intField("count");
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
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Append 0, 1, 2, … one at a time:")));
    top->addWidget(m_appends);
    top->addStretch(1);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);

    auto *plots = new QHBoxLayout;
    plots->addWidget(m_capacity, 1);
    plots->addWidget(m_moves, 1);
    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addLayout(plots, 1);
    col->addWidget(m_summary);

    wb::ui::setupPlot(m_capacity, tr("ob_size (elements)"), tr("allocated (slots)"));
    m_capacity->plotLayout()->insertRow(0);
    m_capacity->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_capacity, tr("Capacity after each append"), QFont()));
    wb::ui::setupPlot(m_moves, tr("elements added"), tr("pointers moved so far (log scale)"));
    m_moves->plotLayout()->insertRow(0);
    m_moves->plotLayout()->addElement(
        0, 0, new QCPTextElement(m_moves, tr("Work done: append vs insert(0, x)"), QFont()));
    m_moves->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_moves->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_moves->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    connect(m_appends, &QSpinBox::valueChanged, this, &GrowthPage::recompute);
    recompute();
}

void GrowthPage::recompute()
{
    const int n = m_appends->value();
    const GrowthRun old = measure(GrowthPolicy::CPython27, n);
    const GrowthRun now = measure(GrowthPolicy::CPython311, n);

    m_capacity->clearGraphs();
    m_moves->clearGraphs();
    auto stairs = [&](const GrowthRun &g, int color, const QString &name) {
        QCPGraph *graph = m_capacity->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setPen(QPen(wb::ui::seriesColor(color), 2));
        graph->setData(g.size, g.allocated, true);
        QCPGraph *marks = m_capacity->addGraph();
        marks->setName(tr("%1: reallocation").arg(name));
        marks->setLineStyle(QCPGraph::lsNone);
        marks->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle,
                                               wb::ui::seriesColor(color), 6));
        marks->setData(g.reallocSize, g.reallocAt, true);
    };
    stairs(old, 0, tr("CPython ≤ 3.8"));
    stairs(now, 1, tr("CPython 3.9+"));
    QCPGraph *diag = m_capacity->addGraph();
    diag->setName(tr("allocated = size"));
    diag->setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
    diag->setData({0, double(n)}, {0, double(n)});
    m_capacity->rescaleAxes();
    if (isVisible()) // a hidden plot has no paint buffer yet; its first resize replots
        m_capacity->replot();

    auto moves = [&](const QVector<double> &ys, int color, const QString &name) {
        QVector<double> xs(ys.size()), clamped(ys);
        for (int i = 0; i < ys.size(); ++i) {
            xs[i] = i + 1;
            clamped[i] = std::max(1.0, ys[i]); // log axis: 0 moves shown at 1
        }
        QCPGraph *g = m_moves->addGraph();
        g->setName(name);
        g->setPen(QPen(wb::ui::seriesColor(color), 2));
        g->setData(xs, clamped, true);
    };
    moves(old.appendMoves, 0, tr("append, CPython ≤ 3.8 (realloc copies)"));
    moves(now.appendMoves, 1, tr("append, CPython 3.9+"));
    moves(old.insertMoves, 5, tr("insert(0, x): every item shifts"));
    m_moves->rescaleAxes();
    m_moves->yAxis->setRangeLower(1);
    if (isVisible())
        m_moves->replot();

    const double total27 = old.appendMoves.isEmpty() ? 0 : old.appendMoves.back();
    const double totalIns = old.insertMoves.isEmpty() ? 0 : old.insertMoves.back();
    m_summary->setText(
        tr("<b>%1 appends.</b> CPython ≤ 3.8: %2 reallocations, %3 pointers copied in all "
           "(%4 per append), %5 spare slots at the end. CPython 3.9+: %6 reallocations, "
           "%7 spare slots. <b>%1 × insert(0, x)</b> moved %8 pointers: about n²/2, "
           "%9 times the work of appending.")
            .arg(n)
            .arg(old.reallocations)
            .arg(total27)
            .arg(total27 / n, 0, 'f', 2)
            .arg(old.wasted)
            .arg(now.reallocations)
            .arg(now.wasted)
            .arg(totalIns)
            .arg(total27 > 0 ? totalIns / total27 : 0, 0, 'f', 0));
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
