#pragma once
// Small pieces the crypto views share: resource paths, byte formatting, input parsing, and
// the colours every view uses for message / padding / length / changed values.

#include "crypto/core/bytes.h"
#include "workbench/ui/responsive.h"

#include <QColor>
#include <QFont>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>

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
};

// Shows `label` in the error colour (or, with false, in the normal text colour again). A
// palette rather than a style sheet, so the label keeps following the page's font.
void setErrorColor(QWidget *label, bool error = true);

using wb::ui::labelled;

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
