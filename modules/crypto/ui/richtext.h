#pragma once
// Small rich-text pieces for views that show their state as HTML (the RSA lab, the file
// encryption panel): Qt's rich text has no alpha, so role colours are blended onto the
// page's background first.

#include <QColor>
#include <QString>

namespace wb::crypto::ui {

// `c` drawn over the palette's Base colour, as an opaque "#rrggbb".
QString opaqueColor(const QColor &c);
// `html` on a background of `c` (blended as above).
QString shaded(const QString &html, const QColor &c);
// `html` in the fixed-width font.
QString monospace(const QString &html);
// `html` in the palette's placeholder (faded) colour.
QString faded(const QString &html);
// `html` in bold, green for good news and red for bad.
QString verdict(bool good, const QString &html);

} // namespace wb::crypto::ui
