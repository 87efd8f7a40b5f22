#pragma once
// Saving any widget as an image or a document; the format follows the file's suffix.

#include <QString>

class QWidget;

namespace wb::ui {

// .png (pixels, at the device pixel ratio), .svg (vectors where the widget paints vectors),
// .pdf (one page fitted to the widget). Writes to a temporary file and renames it, so a failed
// export leaves any existing file untouched. Returns false with a sentence in *error.
bool exportWidget(QWidget *widget, const QString &path, QString *error);
QString exportFileFilter();

} // namespace wb::ui
