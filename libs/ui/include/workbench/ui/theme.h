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
// Colours views use for states, for the palette in use: as text or a line each keeps a
// contrast of at least 4.5:1 against the palette's Window, Base and AlternateBase colours.
// "spare" is a fill (an empty slot, a free cell), lighter than that; text drawn on it uses
// the palette's Text colour.
QColor stateColor(const QString &role); // "running", "blocked", "waiting", "sleeping", "done",
                                        // "accent", "spare"
// The WCAG 2 contrast ratio of two opaque colours: from 1 (the same) to 21 (black on white).
double contrastRatio(const QColor &a, const QColor &b);
// `color` with its hue and saturation kept, darkened (against a light background) or
// lightened (against a dark one) until its contrast with `background` is at least `minimum`.
QColor readableOn(const QColor &color, const QColor &background, double minimum = 4.5);

} // namespace wb::ui
