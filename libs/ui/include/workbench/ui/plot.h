#pragma once
// QCustomPlot helpers shared by every module's plots, so all of them look alike and follow
// the light/dark palette. Include this rather than qcustomplot.h directly.

#ifndef QCUSTOMPLOT_USE_LIBRARY
#define QCUSTOMPLOT_USE_LIBRARY
#endif
#include <qcustomplot.h>

namespace wb::ui {

// Axis labels, fonts and colours from the widget's palette, a legend in the top left.
void setupPlot(QCustomPlot *plot, const QString &xLabel, const QString &yLabel);
// A distinct, colour-blind-friendly colour for series `index`.
QColor seriesColor(int index);
// A vertical marker line (e.g. "the cursor is here"), reused across redraws.
QCPItemStraightLine *cursorLine(QCustomPlot *plot);
void moveCursorLine(QCPItemStraightLine *line, double x);

// A plot that redraws once its size has settled: QCustomPlot redraws every layer at each
// resize, and a page being laid out resizes its plots several times in a row.
class SettlingPlot : public QCustomPlot
{
public:
    using QCustomPlot::QCustomPlot;

protected:
    void resizeEvent(QResizeEvent *) override
    {
        setViewport(rect());
        replot(rpQueuedReplot);
    }
};

} // namespace wb::ui
