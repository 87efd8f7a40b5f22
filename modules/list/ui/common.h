#pragma once
// Small pieces the list module's views share.

#include <QString>
#include <QStringList>

namespace wb::list::ui {

// Resource paths of core sources, from paths relative to the module folder.
QStringList coreSources(const QStringList &relativePaths);

} // namespace wb::list::ui
