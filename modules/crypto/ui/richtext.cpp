#include "richtext.h"
#include "common.h"

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

namespace {
// `c` legible as text on both the page (Window) and a text field or table (Base).
QColor onPage(const QColor &c)
{
    const QPalette pal = QApplication::palette();
    return legibleOn(legibleOn(c, pal.color(QPalette::Window)), pal.color(QPalette::Base));
}
} // namespace

QString faded(const QString &html)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>")
        .arg(onPage(QApplication::palette().color(QPalette::PlaceholderText)).name(), html);
}

QString verdict(bool good, const QString &html)
{
    return QStringLiteral("<b style=\"color:%1\">%2</b>")
        .arg(onPage(wb::ui::stateColor(good ? "running" : "blocked")).name(), html);
}

} // namespace wb::crypto::ui
