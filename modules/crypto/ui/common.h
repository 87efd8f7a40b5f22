#pragma once
// Small pieces the crypto views share: resource paths, byte formatting, input parsing, and
// the colours every view uses for message / padding / length / changed values.

#include "crypto/core/bytes.h"

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

#include <optional>

namespace wb::ui {
class TraceTable;
}

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

// The event list beside a canvas: the crypto cores are single-threaded, so the Thread column
// is hidden, and the table never gets narrower than Step, Kind and a readable part of the
// description (it is what a learner double-clicks to jump).
void setupEventTable(wb::ui::TraceTable *table);
int eventTableMinimumWidth(const wb::ui::TraceTable *table);

// Screenshot hook: with WB_CRYPTO_SHOW=<view>:<part> in the environment (for example
// "cipher:modes", "cipher:image", "hash:md2"), the view named <view> opens on <part> when it
// is created, so `workbench --screenshot` can render parts that sit behind a tab or a choice.
// Returns <part> for `view`, or an empty string.
QString requestedPart(const QString &view);

// Fixed roles: message bytes, padding, length field, "changed by the last step".
QColor messageColor();
QColor paddingColor();
QColor lengthColor();
QColor freshColor();

} // namespace wb::crypto::ui
