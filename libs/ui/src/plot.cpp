#include "workbench/ui/plot.h"

namespace wb::ui {

QColor seriesColor(int index)
{
    // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
    static const QColor colors[] = {QColor(0, 114, 178), QColor(230, 159, 0),
                                    QColor(0, 158, 115), QColor(204, 121, 167),
                                    QColor(86, 180, 233), QColor(213, 94, 0),
                                    QColor(240, 228, 66), QColor(120, 120, 120)};
    return colors[static_cast<unsigned>(index) % std::size(colors)];
}

void setupPlot(QCustomPlot *plot, const QString &xLabel, const QString &yLabel)
{
    const QPalette pal = plot->palette();
    const QColor fg = pal.color(QPalette::WindowText);
    const QColor grid = pal.color(QPalette::Mid);
    plot->setBackground(pal.color(QPalette::Base));
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
        axis->setBasePen(QPen(fg));
        axis->setTickPen(QPen(fg));
        axis->setSubTickPen(QPen(fg));
        axis->setTickLabelColor(fg);
        axis->setLabelColor(fg);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->setTickLabelFont(plot->font());
        axis->setLabelFont(plot->font());
    }
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->legend->setFont(plot->font());
    plot->legend->setBrush(pal.color(QPalette::Base));
    plot->legend->setTextColor(fg);
    plot->legend->setBorderPen(QPen(grid));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
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
