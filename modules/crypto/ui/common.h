#pragma once
// Small pieces the crypto views share: resource paths, byte formatting, input parsing, and
// the colours every view uses for message / padding / length / changed values.

#include "crypto/core/bytes.h"

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

#include <optional>

namespace wb::crypto::ui {

// Resource paths of core sources, from paths relative to the module folder.
QStringList coreSources(const QStringList &relativePaths);
QString lesson(const QString &name); // lessons/<name>.md

// "61 62 63" (or without spaces).
QString hexBytes(const Bytes &bytes, bool spaced = true);
QString hexWord(std::uint64_t value, int digits);

// Text as UTF-8 bytes, or strict hex (spaces allowed between bytes). Null and a sentence in
// *why when the hex does not parse.
std::optional<Bytes> parseInput(const QString &text, bool hex, QString *why);

QFont monoFont(double scale = 1.0);

// Fixed roles: message bytes, padding, length field, "changed by the last step".
QColor messageColor();
QColor paddingColor();
QColor lengthColor();
QColor freshColor();

} // namespace wb::crypto::ui
