#pragma once
// Light and dark palettes, and presentation mode's larger fonts.

#include <QColor>
#include <QString>

class QApplication;

namespace wb::ui {

enum class Theme { Light, Dark };

void applyTheme(QApplication &app, Theme theme);
Theme currentTheme();
// 1.0 normally; presentation mode scales every font for a projector: the application's
// font, and the fonts widgets were given of their own (setFont) in proportion to the size
// they were given. Fonts made in a paint event from QFontDatabase multiply by fontScale().
void setFontScale(QApplication &app, double scale);
double fontScale();
// Colours views use for states, readable on both palettes.
QColor stateColor(const QString &role); // "running", "blocked", "waiting", "done", "accent", ...

} // namespace wb::ui
