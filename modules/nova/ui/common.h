#pragma once
// Small pieces the nova views share: resource paths, fonts, and finding the line of the core
// source that did what an event describes.

#include "workbench/ui/responsive.h"

#include <QFont>
#include <QList>
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

// Shares a table's width among its columns by weight (0: as wide as its contents; others at
// least `minimum` px) whenever the table is resized, and grows the rows to their wrapped
// text, so a narrow table wraps its prose instead of cutting it.
void shareColumns(QTableWidget *table, const QList<int> &weights, int minimum = 60);

} // namespace wb::nova::ui
