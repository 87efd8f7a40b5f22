#pragma once
// Small pieces the crypto views share: resource paths, byte formatting, input parsing, and
// the colours every view uses for message / padding / length / changed values.

#include "crypto/core/bytes.h"
#include "workbench/ui/responsive.h"

#include <QColor>
#include <QFont>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wb::ui {
class TraceTable;
}
class QPainter;

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

// The value a recording's settings give `key`, or null when they give none.
std::optional<QString>
settingValue(const std::vector<std::pair<std::string, std::string>> &settings, const char *key);
QFont monoFont(double scale = 1.0);
// The fixed-width font at the size of `base` times `scale`: drawings pass their own font(),
// which the shell scales in presentation mode.
QFont monoFontLike(const QFont &base, double scale = 1.0);

// The factor a drawing laid out for `natural` (in its own font's pixels) is painted at so it
// fills `available`: below 1 when the space is short (never below `minimum`, so text stays
// legible), above 1 on a large screen (never above `maximum`).
double fitScale(const QSize &available, const QSizeF &natural, double minimum = 0.7,
                double maximum = 1.6);

// A drawing laid out at its own font size and painted scaled to the space it gets: smaller
// on a narrow page (down to a legible minimum), larger on a big screen or a projector. Its
// minimum height follows its width, so the page scrolls vertically rather than squeezing the
// text below the minimum.
class ScaledCanvas : public QWidget
{
public:
    explicit ScaledCanvas(QWidget *parent = nullptr);
    QSize minimumSizeHint() const override;

protected:
    // Draws everything `width` unscaled pixels wide and returns the height used.
    virtual int paintContent(QPainter &p, int width) const = 0;
    // The width below which the content no longer fits unscaled (what does not wrap).
    virtual int naturalWidth() const = 0;
    // Call after the content changed in a way that can change its height.
    void contentChanged();

    void paintEvent(QPaintEvent *) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

    double m_minScale = 0.85;
    double m_maxScale = 1.6;

private:
    int contentHeight(double scale) const;
    // Heights already measured for the current content and font, by unscaled width: a
    // paint measures at several scales and a resize asks again, so each width is laid out
    // once.
    mutable QHash<int, int> m_heights;
};

// `top` (possibly translucent) painted over the opaque `under`: the colour the eye sees.
QColor composite(const QColor &top, const QColor &under);
// `ink` as text or a line on `paper` (a translucent paper is taken over the palette's Base):
// the same hue, darkened or lightened until it keeps 4.5:1 against it.
QColor legibleOn(const QColor &ink, const QColor &paper);

// The colours a drawing wrote text and drew lines with, each with the opaque colour under
// it, gathered while it paints: a test reads them back and checks every contrast.
class InkLog
{
public:
    void clear() { m_used.clear(); }
    // Sets `p`'s pen to `ink` and notes it as drawn on `paper` (both as given: choosing a
    // legible ink is the caller's work, which the notes let a test check).
    void pen(QPainter &p, const QColor &ink, const QColor &paper, qreal width = 0,
             Qt::PenStyle style = Qt::SolidLine);
    // Notes a pair drawn some other way (a filled bar used as a marker).
    QColor note(const QColor &ink, const QColor &paper);
    const QList<QPair<QColor, QColor>> &used() const { return m_used; }

private:
    QList<QPair<QColor, QColor>> m_used;
};

// How the views fill a byte or a cell by its role: the translucent role colour, and for the
// roles whose meaning must not rest on colour alone a hatching over it (padding: lines
// slanting down, the length field or checksum: crossed lines, just written: lines slanting
// up). Legends draw the same swatch.
enum class Fill { Message, Padding, Length, Fresh, Keystream };
QColor fillBase(Fill fill); // the translucent role colour (messageColor() etc.)
Qt::BrushStyle fillPattern(Fill fill);
// The opaque colour of the fill over `base`, and of its hatching (the fill itself when it has
// none). The hatching is kept light enough for `text` to keep 4.5:1 on it.
QColor fillColor(Fill fill, const QColor &base);
QColor hatchColor(Fill fill, const QColor &base, const QColor &text);
// Paints `box` with the fill; text drawn on it afterwards in `text` stays legible.
void paintFill(QPainter &p, const QRectF &box, Fill fill, const QColor &base, const QColor &text);

// Shows `label` in the error colour (or, with false, in the normal text colour again). A
// palette rather than a style sheet, so the label keeps following the page's font; the
// colour is chosen again when the application's palette changes (light and dark).
void setErrorColor(QWidget *label, bool error = true);

using wb::ui::labelled;

// The event list beside a canvas: the crypto cores are single-threaded, so the Thread column
// is hidden, and the table never gets narrower than Step, Kind and a readable part of the
// description (it is what a learner double-clicks to jump).
void setupEventTable(wb::ui::TraceTable *table);
int eventTableMinimumWidth(const wb::ui::TraceTable *table);

// Screenshot hook: with WB_CRYPTO_SHOW=<view>:<part> in the environment (for example
// "cipher:modes", "cipher:image", "hash:md2", "hash:avalanche", "apps:files"), the view named
// <view> opens on <part> when it is created, so `workbench --screenshot` can render parts
// that sit behind a tab or a choice.
// Returns <part> for `view`, or an empty string.
QString requestedPart(const QString &view);

// Fixed roles: message bytes, padding, length field, "changed by the last step".
QColor messageColor();
QColor paddingColor();
QColor lengthColor();
QColor freshColor();

} // namespace wb::crypto::ui
