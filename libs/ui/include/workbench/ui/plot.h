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

} // namespace wb::ui
