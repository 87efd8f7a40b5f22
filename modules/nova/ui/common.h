#pragma once
// Small pieces the nova views share: resource paths, fonts, and finding the line of the core
// source that did what an event describes.

#include "workbench/ui/responsive.h"

#include <QColor>
#include <QFont>
#include <QList>
#include <QPalette>
#include <QString>
#include <QStringList>
#include <QWidget>

class QLayout;
class QTableWidget;

#include <string>
#include <string_view>

namespace wb::nova::ui {

// Resource paths of core sources, from paths relative to the module folder.
QStringList coreSources(const QStringList &relativePaths);
QString lesson(const QString &name); // ui/lessons/<name>.md

QFont monoFont(double scale = 1.0);

// The cores speak std::string; the views Qt.
inline QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}
inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

using wb::ui::labelled;
using wb::ui::reflow;
using wb::ui::ReflowBox;

// Colours for text and lines that keep a contrast of at least 4.5:1 against what they are
// drawn on. They are taken from the palette (and the light or dark state colours) in use when
// painting, so a switch of palette is followed.
QColor readable(const QColor &color, const QColor &background);
QColor blend(const QColor &over, const QColor &under, double alpha); // `over` at `alpha`
QColor fadedText(const QPalette &pal, const QColor &background);     // the palette's placeholder
QColor lineColor(const QPalette &pal, const QColor &background);     // outlines, lifelines
QColor inkOn(const QColor &fill);       // black or white, whichever reads better on `fill`
QColor cursorBand(const QPalette &pal); // the row at the cursor: the accent faintly over Base

// One colour the nova views draw text or lines with, and the background it is drawn on.
struct Ink
{
    QString what;
    QColor color;
    QColor background;
};
// Every such pair of the nova views for a palette and the theme in use (the ui test checks
// them in both palettes).
QList<Ink> novaInks(const QPalette &pal);

// Shares a table's width among its columns by weight (0: as wide as its contents; others at
// least `minimum` px) whenever the table is resized, and grows the rows to their wrapped
// text, so a narrow table wraps its prose instead of cutting it.
void shareColumns(QTableWidget *table, const QList<int> &weights, int minimum = 60);

} // namespace wb::nova::ui
