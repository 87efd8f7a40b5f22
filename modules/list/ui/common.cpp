#include "common.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/theme.h"

#include <QLabel>
#include <QPalette>

namespace wb::list::ui {

QStringList coreSources(const QStringList &relativePaths)
{
    QStringList paths;
    for (const auto &p : relativePaths)
        paths << QStringLiteral(":/modules/list/%1").arg(p);
    return paths;
}

QColor blend(const QColor &top, const QColor &bottom, double alpha)
{
    return QColor::fromRgbF(bottom.redF() + (top.redF() - bottom.redF()) * alpha,
                            bottom.greenF() + (top.greenF() - bottom.greenF()) * alpha,
                            bottom.blueF() + (top.blueF() - bottom.blueF()) * alpha);
}

ListColours listColours(const QPalette &palette)
{
    ListColours c;
    c.base = palette.color(QPalette::Base);
    c.text = palette.color(QPalette::Text);
    c.muted = wb::ui::readableOn(blend(c.text, c.base, 0.65), c.base);
    // The placeholder colour may be translucent: flattened onto the background first.
    const QColor placeholder = palette.color(QPalette::PlaceholderText);
    const QColor flatPlaceholder = blend(placeholder, c.base, placeholder.alphaF());
    c.faded = wb::ui::readableOn(flatPlaceholder, c.base);
    c.accent = wb::ui::readableOn(wb::ui::stateColor("accent"), c.base);
    c.warn = wb::ui::readableOn(wb::ui::stateColor("blocked"), c.base);
    c.liveFill = blend(wb::ui::stateColor("running"), c.base, 0.24);
    c.spareFill = wb::ui::stateColor("spare");
    c.hatch = c.base;
    c.unscanned = blend(flatPlaceholder, c.base, 0.8);
    c.moveBand = blend(c.accent, c.base, 0.11);
    c.meterFill = c.accent;
    return c;
}

void styleMessage(QLabel *label)
{
    const QColor c =
        wb::ui::readableOn(wb::ui::stateColor("blocked"), QPalette().color(QPalette::Window));
    label->setStyleSheet(QStringLiteral("color: %1").arg(c.name()));
}

QColor ListColours::run(int k) const
{
    return wb::ui::readableOn(wb::ui::seriesColor(k), base);
}

QColor ListColours::runBox(int k) const
{
    return blend(run(k), base, 0.35);
}

} // namespace wb::list::ui
