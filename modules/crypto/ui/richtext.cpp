#include "richtext.h"

#include "workbench/ui/theme.h"

#include <QApplication>
#include <QPalette>

namespace wb::crypto::ui {

QString opaqueColor(const QColor &c)
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    const double a = c.alphaF();
    auto mix = [a](int top, int under) {
        return int(top * a + under * (1 - a) + 0.5);
    };
    return QColor(mix(c.red(), base.red()), mix(c.green(), base.green()),
                  mix(c.blue(), base.blue()))
        .name();
}

QString shaded(const QString &html, const QColor &c)
{
    return QStringLiteral("<span style=\"background-color:%1\">%2</span>")
        .arg(opaqueColor(c), html);
}

QString monospace(const QString &html)
{
    return QStringLiteral("<span style=\"font-family:monospace\">%1</span>").arg(html);
}

QString faded(const QString &html)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>")
        .arg(QApplication::palette().color(QPalette::PlaceholderText).name(), html);
}

QString verdict(bool good, const QString &html)
{
    return QStringLiteral("<b style=\"color:%1\">%2</b>")
        .arg(wb::ui::stateColor(good ? "running" : "blocked").name(), html);
}

} // namespace wb::crypto::ui
