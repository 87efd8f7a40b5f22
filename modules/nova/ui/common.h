#pragma once
// Small pieces the nova views share: resource paths, fonts, and finding the line of the core
// source that did what an event describes.

#include <QFont>
#include <QString>
#include <QStringList>

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

// The 1-based number of the first line of the resource `path` that contains every one of
// `needles` (in any order), or 0. The text of each resource is read once and kept.
int sourceLineOf(const QString &path, const QStringList &needles);

} // namespace wb::nova::ui
