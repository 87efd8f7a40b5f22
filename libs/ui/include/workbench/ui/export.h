#pragma once
// Saving any widget as an image or a document; the format follows the file's suffix.

#include <QString>

class QWidget;

namespace wb::ui {

// .png (pixels, at the device pixel ratio), .svg (vectors where the widget paints vectors),
// .pdf (one page fitted to the widget); `format` ("png", "svg", "pdf") overrides the suffix.
// Writes through wb::OutputFile (temporary file, checked writes, fsync, rename), so a failed
// export leaves any existing file untouched; a device, pipe or directory is refused. Returns
// false with a sentence in *error.
bool exportWidget(QWidget *widget, const QString &path, QString *error,
                  const QString &format = {});
QString exportFileFilter();

} // namespace wb::ui
