#include "workbench/ui/plot.h"
#include "workbench/ui/theme.h"

#include <QEvent>

namespace wb::ui {

namespace {

// Colours, fonts and line widths of a plot follow the application: a palette change (the dark
// theme) and a font change (presentation mode's scale) restyle it and replot.
void stylePlot(QCustomPlot *plot)
{
    const QPalette pal = plot->palette();
    const QColor fg = pal.color(QPalette::WindowText);
    const QColor grid = pal.color(QPalette::Mid);
    const QFont font = plot->font();
    const double scale = fontScale();
    plot->setBackground(pal.color(QPalette::Base));
    for (QCPAxisRect *rect : plot->axisRects()) {
        rect->setBackground(pal.color(QPalette::Base));
        for (QCPAxis *axis : rect->axes()) {
            axis->setBasePen(QPen(fg, scale));
            axis->setTickPen(QPen(fg, scale));
            axis->setSubTickPen(QPen(fg, scale));
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
            axis->grid()->setPen(QPen(grid, scale, Qt::DotLine));
            axis->setTickLabelFont(font);
            axis->setLabelFont(font);
        }
    }
    // Every legend and title in the plot's layout, not only the default legend: views place
    // legends in rows of their own, below or beside the axes.
    QList<QCPLegend *> legends{plot->legend};
    for (QCPLayoutElement *el : plot->plotLayout()->elements(true)) {
        if (auto *legend = qobject_cast<QCPLegend *>(el); legend && !legends.contains(legend))
            legends << legend;
        if (auto *title = qobject_cast<QCPTextElement *>(el)) {
            QFont f = font;
            f.setBold(title->font().bold());
            title->setFont(f);
            title->setTextColor(fg);
        }
    }
    for (QCPAxisRect *rect : plot->axisRects())
        for (QCPLayoutElement *el : rect->insetLayout()->elements(false))
            if (auto *legend = qobject_cast<QCPLegend *>(el); legend && !legends.contains(legend))
                legends << legend;
    for (QCPLegend *legend : legends) {
        legend->setFont(font);
        legend->setBrush(pal.color(QPalette::Base));
        legend->setTextColor(fg);
        legend->setBorderPen(QPen(grid));
    }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = plot->plottable(i);
        QVariant base = p->property("wbBaseWidth");
        if (!base.isValid()) {
            base = p->pen().widthF();
            p->setProperty("wbBaseWidth", base);
        }
        QPen pen = p->pen();
        pen.setWidthF(std::max(1.0, base.toDouble()) * scale);
        p->setPen(pen);
    }
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto *text = qobject_cast<QCPItemText *>(plot->item(i))) {
            text->setFont(font);
            text->setColor(fg);
        }
}

class PlotStyler : public QObject
{
public:
    explicit PlotStyler(QCustomPlot *plot) : QObject(plot), m_plot(plot)
    {
        plot->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_plot &&
            (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)) {
            stylePlot(m_plot);
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
        return false;
    }

private:
    QCustomPlot *m_plot;
};

} // namespace

QColor seriesColor(int index)
{
    // After Okabe and Ito (distinguishable with the common colour-vision deficiencies), each
    // darkened or lightened for the palette until lines and labels keep 4.5:1 against it.
    static const QColor light[] = {QColor(0, 112, 175),  QColor(166, 83, 0),   QColor(0, 122, 89),
                                   QColor(176, 67, 128), QColor(90, 80, 190),  QColor(143, 99, 0),
                                   QColor(0, 110, 130),  QColor(106, 106, 106)};
    static const QColor dark[] = {
        QColor(86, 180, 233),  QColor(230, 159, 0),  QColor(0, 190, 140),  QColor(225, 140, 185),
        QColor(150, 150, 255), QColor(240, 228, 66), QColor(249, 120, 40), QColor(160, 160, 160)};
    const auto &colors = currentTheme() == Theme::Dark ? dark : light;
    return colors[static_cast<unsigned>(index) % std::size(colors)];
}

void setupPlot(QCustomPlot *plot, const QString &xLabel, const QString &yLabel)
{
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setAccessibleName(yLabel.isEmpty() ? xLabel : yLabel);
    // One styler a plot (PlotStyler has no meta-object of its own, so findChild cannot tell
    // it from the plot's other children: a property marks the plot instead).
    if (!plot->property("wbStyled").toBool()) {
        plot->setProperty("wbStyled", true);
        new PlotStyler(plot);
    }
    stylePlot(plot);
}

QCPItemStraightLine *cursorLine(QCustomPlot *plot)
{
    auto *line = new QCPItemStraightLine(plot);
    line->setPen(QPen(plot->palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
    line->point1->setCoords(0, 0);
    line->point2->setCoords(0, 1);
    return line;
}

void moveCursorLine(QCPItemStraightLine *line, double x)
{
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
}

} // namespace wb::ui
