#include "common.h"

#include "workbench/ui/modulepage.h"

#include <QFontDatabase>
#include <QHash>

namespace wb::nova::ui {

QStringList coreSources(const QStringList &relativePaths)
{
    QStringList paths;
    for (const auto &p : relativePaths)
        paths << QStringLiteral(":/modules/nova/%1").arg(p);
    return paths;
}

QString lesson(const QString &name)
{
    return wb::ui::readTextResource(QStringLiteral(":/modules/nova/ui/lessons/%1.md").arg(name));
}

QFont monoFont(double scale)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (scale != 1.0)
        f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

int sourceLineOf(const QString &path, const QStringList &needles)
{
    static QHash<QString, QStringList> cache;
    auto it = cache.find(path);
    if (it == cache.end())
        it = cache.insert(path, wb::ui::readTextResource(path).split(QLatin1Char('\n')));
    const QStringList &lines = *it;
    for (int i = 0; i < lines.size(); ++i) {
        bool all = true;
        for (const auto &n : needles)
            all = all && lines[i].contains(n);
        if (all)
            return i + 1;
    }
    return 0;
}

} // namespace wb::nova::ui
