#include "common.h"

namespace wb::list::ui {

QStringList coreSources(const QStringList &relativePaths)
{
    QStringList paths;
    for (const auto &p : relativePaths)
        paths << QStringLiteral(":/modules/list/%1").arg(p);
    return paths;
}

} // namespace wb::list::ui
