#include "workbench/ui/theme.h"

#include <QApplication>
#include <QColor>
#include <QEvent>
#include <QFont>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace wb::ui {

namespace {
Theme g_theme = Theme::Light;
double g_scale = 1.0;
QFont g_baseFont;
bool g_haveBaseFont = false;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(37, 39, 43), base(27, 29, 32), text(225, 228, 232);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(44, 47, 52));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, QColor(140, 145, 152));
    p.setColor(QPalette::Button, QColor(48, 51, 56));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 120, 120));
    p.setColor(QPalette::Link, QColor(110, 170, 255));
    p.setColor(QPalette::Highlight, QColor(64, 132, 214));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(80, 84, 90));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
    return p;
}
const char *const kBaseSizeProperty = "wbBasePointSize";

// A widget given a font of its own (a monospace listing, a heading) does not follow the
// application's font, so presentation mode scales it here: from the size it was given,
// remembered the first time, so scaling up and back never drifts.
void scaleOwnFont(QWidget *w)
{
    if (!w->testAttribute(Qt::WA_SetFont))
        return;
    QFont f = w->font();
    QVariant base = w->property(kBaseSizeProperty);
    if (!base.isValid()) {
        if (f.pointSizeF() <= 0)
            return;
        base = f.pointSizeF();
        w->setProperty(kBaseSizeProperty, base);
    }
    const double size = base.toDouble() * g_scale;
    if (qFuzzyCompare(f.pointSizeF(), size))
        return;
    f.setPointSizeF(size);
    w->setFont(f);
}

// Widgets made while presentation mode is on (a module opened on the projector) get the
// same scale when they are first shown.
class OwnFontScaler : public QObject
{
public:
    using QObject::QObject;
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (e->type() == QEvent::Polish && o->isWidgetType() && g_scale != 1.0)
            scaleOwnFont(static_cast<QWidget *>(o));
        return false;
    }
};
} // namespace

void applyTheme(QApplication &app, Theme theme)
{
    g_theme = theme;
    app.setStyle(QStyleFactory::create("Fusion"));
    app.setPalette(theme == Theme::Dark ? darkPalette() : app.style()->standardPalette());
}

Theme currentTheme()
{
    return g_theme;
}

void setFontScale(QApplication &app, double scale)
{
    if (!g_haveBaseFont) {
        g_baseFont = app.font();
        g_haveBaseFont = true;
    }
    static OwnFontScaler *scaler = nullptr;
    if (!scaler) {
        scaler = new OwnFontScaler(&app);
        app.installEventFilter(scaler);
    }
    g_scale = scale;
    QFont f = g_baseFont;
    f.setPointSizeF(g_baseFont.pointSizeF() * scale);
    app.setFont(f);
    const QWidgetList widgets = QApplication::allWidgets();
    for (QWidget *w : widgets)
        scaleOwnFont(w);
}

double fontScale()
{
    return g_scale;
}

QColor stateColor(const QString &role)
{
    const bool dark = g_theme == Theme::Dark;
    if (role == "running")
        return dark ? QColor(80, 190, 120) : QColor(35, 122, 51);
    if (role == "blocked")
        return dark ? QColor(240, 115, 115) : QColor(200, 30, 42);
    if (role == "waiting")
        return dark ? QColor(240, 180, 70) : QColor(140, 99, 0);
    if (role == "sleeping")
        return dark ? QColor(120, 160, 230) : QColor(70, 98, 194);
    if (role == "done")
        return dark ? QColor(152, 152, 156) : QColor(106, 106, 112);
    if (role == "spare")
        return dark ? QColor(70, 74, 80) : QColor(225, 228, 232);
    return dark ? QColor(110, 170, 255) : QColor(9, 100, 210); // accent
}

namespace {
double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double luminance(const QColor &c)
{
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor readableOn(const QColor &color, const QColor &background, double minimum)
{
    const bool lighten = luminance(background) < 0.18;
    QColor c = color.toHsl();
    float h, s, l, a;
    c.getHslF(&h, &s, &l, &a);
    for (int i = 0; i < 200 && contrastRatio(c, background) < minimum; ++i) {
        l = std::clamp(l + (lighten ? 0.005f : -0.005f), 0.0f, 1.0f);
        c = QColor::fromHslF(h < 0 ? 0 : h, s, l, a);
    }
    return c.toRgb();
}

} // namespace wb::ui
