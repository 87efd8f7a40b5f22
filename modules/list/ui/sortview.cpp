#include "sortview.h"
#include "common.h"

#include "list/core/events.h"
#include "list/core/timsort.h"
#include "list/core/viewsort.h"

#include "workbench/core/rng.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace wb::list::ui {

namespace {

// The classic 130-element example: 0..129 shuffled (the lesson's input, kept exactly).
const std::vector<std::int64_t> kTutorialInput = {
    107, 44,  97,  121, 26,  11, 24,  100, 79,  19,  109, 7,  52,  93,  70,  94,  124, 117, 92,
    32,  115, 83,  9,   112, 84, 22,  65,  95,  89,  74,  64, 23,  101, 68,  119, 127, 90,  80,
    91,  75,  4,   20,  114, 16, 103, 34,  96,  125, 47,  77, 81,  3,   30,  14,  25,  29,  104,
    102, 98,  69,  78,  60,  33, 12,  31,  37,  76,  10,  5,  105, 35,  48,  85,  106, 63,  71,
    54,  39,  8,   6,   62,  67, 42,  72,  118, 116, 27,  46, 38,  99,  126, 40,  28,  113, 43,
    41,  59,  2,   56,  61,  88, 18,  45,  128, 58,  73,  1,  13,  129, 49,  0,   82,  123, 111,
    57,  86,  110, 51,  15,  36, 120, 108, 66,  55,  53,  87, 122, 17,  21,  50};

} // namespace

// ---------------------------------------------------------------------------------------------
// Drawing

SortCanvas::SortCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void SortCanvas::setState(const SortViewState &state)
{
    // The values change only at reverse, insert, boost and merge_end; the per-column heights
    // are kept until they do.
    if (state.values != m_state.values)
        m_columnsWidth = -1;
    m_state = state;
    update();
}

void SortCanvas::setHighlight(const SortHighlight &highlight)
{
    m_highlight = highlight;
    update();
}

QSize SortCanvas::minimumSizeHint() const
{
    // Narrower than this the bars of the lesson's 130 numbers would merge into a blur; the
    // page then puts the side panel below the bars instead of beside them.
    const int line = fontMetrics().height();
    return {std::max(420, 26 * line), std::max(170, 10 * line)};
}

void SortCanvas::updateColumns(int width)
{
    if (m_columnsWidth == width)
        return;
    m_columnsWidth = width;
    const auto &v = m_state.values;
    m_columnMax.assign(static_cast<std::size_t>(std::max(width, 0)), 0);
    if (v.empty() || width <= 0)
        return;
    const auto [minIt, maxIt] = std::minmax_element(v.begin(), v.end());
    m_low = std::min<double>(0, *minIt);
    m_high = std::max<double>(*maxIt, m_low + 1);
    const auto n = static_cast<std::int64_t>(v.size());
    for (int x = 0; x < width; ++x) {
        const std::int64_t i0 = n * x / width, i1 = std::max(i0 + 1, n * (x + 1) / width);
        m_columnMax[static_cast<std::size_t>(x)] =
            *std::max_element(v.begin() + i0, v.begin() + std::min(i1, n));
    }
}

void SortCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const SortViewState &s = m_state;
    const SortHighlight &h = m_highlight;
    // Taken here, not once: a palette switch changes them.
    const ListColours colours = listColours(palette());
    const QColor text = colours.text;
    const QColor base = colours.base;
    const QColor muted = colours.muted;
    const QColor faded = colours.faded;
    const QColor accent = colours.accent;
    const QFontMetrics fm(font());
    const int line = fm.height();
    const int margin = 12;
    const auto n = static_cast<int>(s.values.size());
    const bool comparing = h.x >= 0 && h.y >= 0 && h.x < n && h.y < n;
    // Bracket rows under the bars: the runs (row 0) and what the merge moves (row 1), then
    // the legend.
    const int bracketRow = line + 8;
    const int legendRow = line + 6;
    const QRect bars(margin, margin + 3 * line + 4, width() - 2 * margin,
                     height() - 3 * line - 2 * bracketRow - legendRow - 2 * margin - 4);

    // Title lines: where the sort is, its parameters, and the comparison at the cursor.
    QString where =
        s.done ? tr("Sorted.")
        : s.merge.active
            ? (s.merge.routine.empty()
                   ? tr("Merging")
                   : tr("Merging with %1").arg(QString::fromStdString(s.merge.routine)))
        : h.mergedBase >= 0 ? tr("Merge done")
        : s.haveRun         ? tr("Scanning for runs")
                            : tr("Ready");
    if (s.galloping)
        where +=
            tr("  —  galloping: run %1 keeps winning").arg(QString::fromStdString(s.gallopRun));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(text);
    p.drawText(QRect(margin, margin, width() - 2 * margin, line), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(bold).elidedText(where, Qt::ElideRight, width() - 2 * margin));
    p.setFont(font());
    p.setPen(muted);
    p.drawText(QRect(margin, margin + line, width() - 2 * margin, line),
               Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(tr("n = %1   minrun = %2   policy: %3")
                                 .arg(s.n)
                                 .arg(s.minrun)
                                 .arg(QString::fromStdString(s.policy)),
                             Qt::ElideRight, width() - 2 * margin));
    if (s.merge.active && !comparing) {
        // The merge's runs in words, for when their brackets are too narrow to be labelled.
        p.setPen(text);
        p.drawText(QRect(margin, margin + 2 * line, width() - 2 * margin, line),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(tr("run A: %1 elements at %2   run B: %3 elements at %4")
                                     .arg(s.merge.lengthA)
                                     .arg(s.merge.base)
                                     .arg(s.merge.lengthB)
                                     .arg(s.merge.base + s.merge.lengthA),
                                 Qt::ElideRight, width() - 2 * margin));
    }
    if (comparing) {
        const auto xv = s.values[static_cast<std::size_t>(h.x)];
        const auto yv = s.values[static_cast<std::size_t>(h.y)];
        p.setPen(text);
        p.drawText(QRect(margin, margin + 2 * line, width() - 2 * margin, line),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(tr("comparison %1: is x < y?  %2 < %3 → %4")
                                     .arg(h.number)
                                     .arg(xv)
                                     .arg(yv)
                                     .arg(h.less ? tr("yes") : tr("no")),
                                 Qt::ElideRight, width() - 2 * margin));
    }
    if (n == 0 || bars.width() < 10 || bars.height() < 10)
        return;

    // The legend, under the bracket rows: each swatch drawn as the bars are, so run A and run
    // B, the compared pair and the merge's range read without their colours.
    {
        enum class Swatch { RunA, RunB, Compared, Moved, Unscanned };
        const std::pair<Swatch, QString> entries[] = {{Swatch::RunA, tr("run A")},
                                                      {Swatch::RunB, tr("run B (hatched)")},
                                                      {Swatch::Compared, tr("x, y: compared")},
                                                      {Swatch::Moved, tr("the merge's range")},
                                                      {Swatch::Unscanned, tr("not in a run yet")}};
        const double ly = bars.bottom() + 6 + 2 * bracketRow;
        const QSizeF sw(line * 1.2, line * 0.75);
        double x = margin;
        for (const auto &[kind, label] : entries) {
            const double w = sw.width() + 5 + fm.horizontalAdvance(label);
            if (x + w > width() - margin)
                break; // the rest is in the lesson; the brackets name the runs anyway
            const QRectF box(x, ly + (line - sw.height()) / 2, sw.width(), sw.height());
            switch (kind) {
            case Swatch::RunA:
                p.fillRect(box, colours.run(0));
                break;
            case Swatch::RunB:
                p.fillRect(box, colours.run(1));
                p.fillRect(box, QBrush(colours.hatch, Qt::BDiagPattern));
                break;
            case Swatch::Compared:
                p.setPen(QPen(text, 2));
                p.drawRect(box.adjusted(1, 1, -1, -1));
                break;
            case Swatch::Moved:
                p.setPen(QPen(accent, 1.5, Qt::DashLine));
                p.drawRect(box.adjusted(1, 1, -1, -1));
                break;
            case Swatch::Unscanned:
                p.fillRect(box, colours.unscanned);
                break;
            }
            p.setPen(muted);
            p.drawText(QRectF(box.right() + 5, ly, w - sw.width() - 5 + 2, line),
                       Qt::AlignLeft | Qt::AlignVCenter, label);
            x += w + fm.averageCharWidth() * 3;
        }
    }

    const double w = double(bars.width()) / n;
    auto xOf = [&](std::int64_t i) {
        return bars.left() + i * w;
    };
    // The elements the merge at the cursor moves: all of A and B until merge_trim has found
    // the ends already in place, then only the rest; after merge_end, the merged run.
    std::int64_t moveLo = -1, moveHi = -1;
    if (s.merge.active) {
        moveLo = s.merge.base + s.merge.skippedA;
        moveHi = s.merge.base + s.merge.lengthA + s.merge.lengthB - s.merge.keptB;
    } else if (h.mergedBase >= 0) {
        moveLo = h.mergedBase;
        moveHi = h.mergedBase + h.mergedLength;
    }
    if (moveHi > moveLo) {
        const QRectF band(xOf(moveLo) - 2, bars.top(), (moveHi - moveLo) * w + 3, bars.height());
        p.fillRect(band, colours.moveBand);
    }

    // The colour of index i: the merge's two runs, else the pending run holding it (the
    // stack is at most a few dozen runs deep), else sorted / not yet scanned.
    auto colourOf = [&](std::int64_t i) {
        if (s.merge.active) {
            const auto a0 = s.merge.base, b0 = a0 + s.merge.lengthA, b1 = b0 + s.merge.lengthB;
            if (i >= a0 && i < b1)
                return i < b0 ? colours.run(0) : colours.run(1);
        }
        for (std::size_t k = s.stack.size(); k-- > 0;)
            if (i >= s.stack[k].base && i < s.stack[k].base + s.stack[k].length)
                return colours.run(static_cast<int>(k));
        return s.done ? colours.run(2) : colours.unscanned;
    };
    // Run B's bars are hatched as well as coloured.
    const std::int64_t hatchFrom = s.merge.active ? s.merge.base + s.merge.lengthA : 0;
    const std::int64_t hatchTo = s.merge.active ? hatchFrom + s.merge.lengthB : 0;
    auto hatched = [&](std::int64_t i) {
        return i >= hatchFrom && i < hatchTo;
    };
    const auto [minIt, maxIt] = std::minmax_element(s.values.begin(), s.values.end());
    const double lo = std::min<double>(0, *minIt), hi = std::max<double>(*maxIt, lo + 1);
    auto barHeight = [&](std::int64_t i) {
        return (s.values[static_cast<std::size_t>(i)] - lo) / (hi - lo) * (bars.height() - 4) + 2;
    };
    p.setRenderHint(QPainter::Antialiasing, false); // bars on whole pixels
    if (n > bars.width()) {
        // More elements than pixels: one column per pixel, as high as its tallest element
        // (cached until the values change), coloured by its first element. The columns are
        // written into an image row by row and drawn at once: a thousand one-pixel fills
        // cost the raster engine far more than the pixels themselves.
        updateColumns(bars.width());
        const int bw = bars.width(), bh = bars.height();
        const double scale = (bh - 4) / (m_high - m_low);
        std::vector<int> top(static_cast<std::size_t>(bw));
        std::vector<QRgb> colour(static_cast<std::size_t>(bw));
        std::vector<char> stripes(static_cast<std::size_t>(bw));
        for (int x = 0; x < bw; ++x) {
            const double ch = (m_columnMax[static_cast<std::size_t>(x)] - m_low) * scale + 2;
            top[static_cast<std::size_t>(x)] = std::clamp(bh - static_cast<int>(ch), 0, bh);
            const std::int64_t first = static_cast<std::int64_t>(n) * x / bw;
            colour[static_cast<std::size_t>(x)] = colourOf(first).rgba();
            stripes[static_cast<std::size_t>(x)] = hatched(first);
        }
        const QRgb hatch = colours.hatch.rgba();
        if (m_columns.size() != QSize(bw, bh))
            m_columns = QImage(bw, bh, QImage::Format_ARGB32_Premultiplied);
        for (int y = 0; y < bh; ++y) {
            auto *row = reinterpret_cast<QRgb *>(m_columns.scanLine(y));
            for (int x = 0; x < bw; ++x) {
                const auto c = static_cast<std::size_t>(x);
                row[x] = y < top[c] ? 0 : stripes[c] && (x + y) % 6 == 0 ? hatch : colour[c];
            }
        }
        p.drawImage(bars.topLeft(), m_columns);
    } else {
        for (int i = 0; i < n; ++i) {
            const double bh = barHeight(i);
            const QRectF bar(xOf(i), bars.bottom() - bh, std::max(1.0, w - 1), bh);
            p.fillRect(bar, colourOf(i));
            if (hatched(i))
                p.fillRect(bar, QBrush(colours.hatch, Qt::BDiagPattern));
        }
    }
    p.setRenderHint(QPainter::Antialiasing);

    // A comparison: both operands outlined and tagged "x" and "y" above their bars.
    if (comparing) {
        const double pen = std::max(2.0, line / 8.0);
        QRectF tags[2];
        int k = 0;
        for (const auto &[i, name] : {std::pair{h.x, tr("x")}, std::pair{h.y, tr("y")}}) {
            const double bh = std::min<double>(barHeight(i), bars.height());
            const QRectF bar(xOf(i) - 1, bars.bottom() - bh - 1, std::max(3.0, w + 1), bh + 2);
            p.setPen(QPen(text, pen));
            p.setBrush(Qt::NoBrush);
            p.drawRect(bar);
            const QString label =
                tr("%1 = %2").arg(name).arg(s.values[static_cast<std::size_t>(i)]);
            const int tw = fm.horizontalAdvance(label) + 10;
            double tx = std::clamp(bar.center().x() - tw / 2.0, double(bars.left()),
                                   double(bars.right() - tw));
            QRectF tag(tx, std::max<double>(bars.top(), bar.top() - line - 8), tw, line + 2);
            if (k == 1 && tag.intersects(tags[0])) {
                // Side by side the tags would overlap: stack the second above (or below) it.
                tag.moveTop(tags[0].top() - line - 4);
                if (tag.top() < bars.top())
                    tag.moveTop(tags[0].bottom() + 2);
            }
            tags[k++] = tag;
            p.setPen(QPen(text, 1));
            p.setBrush(base);
            p.drawRoundedRect(tag, 3, 3);
            p.drawLine(QPointF(bar.center().x(), tag.bottom()),
                       QPointF(bar.center().x(), bar.top()));
            p.drawText(tag, Qt::AlignCenter, label);
        }
        p.setBrush(Qt::NoBrush);
    }

    // Brackets under the bars, each labelled, so the runs read without their colours.
    auto bracket = [&](std::int64_t from, std::int64_t len, const QString &label, QColor c,
                       int row, bool dashed = false) {
        if (len <= 0)
            return;
        const double x0 = xOf(from), x1 = xOf(from + len) - 1;
        const double y = bars.bottom() + 6 + row * bracketRow;
        p.setPen(QPen(c, 2, dashed ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(QPointF(x0, y), QPointF(x1, y));
        p.drawLine(QPointF(x0, y - 4), QPointF(x0, y));
        p.drawLine(QPointF(x1, y - 4), QPointF(x1, y));
        // The label goes under its bracket, shortened to its width; a bracket too narrow for
        // even a few letters goes without (the title line names the merge's runs then).
        const int room = static_cast<int>(x1 - x0) + 4;
        if (room < fm.horizontalAdvance(label.left(4) + QStringLiteral("…")))
            return;
        p.setPen(c == faded ? muted : text);
        p.drawText(QRectF(x0, y + 1, room, line), Qt::AlignLeft,
                   fm.elidedText(label, Qt::ElideRight, room));
    };
    // Pending runs outside the merge, each named by its stack slot.
    for (std::size_t k = 0; k < s.stack.size(); ++k) {
        const auto &run = s.stack[k];
        if (s.merge.active && static_cast<std::int64_t>(k) == s.merge.index)
            continue;
        if (s.haveRun && !s.merge.active && !s.done && run.base == s.currentRun.start)
            continue;
        bracket(run.base, run.length, tr("pending[%1]").arg(k), colours.run(int(k)), 0);
    }
    if (s.merge.active) {
        bracket(s.merge.base, s.merge.lengthA, tr("run A (%1)").arg(s.merge.lengthA),
                colours.run(0), 0);
        bracket(s.merge.base + s.merge.lengthA, s.merge.lengthB,
                tr("run B (%1)").arg(s.merge.lengthB), colours.run(1), 0);
        const bool trimmed = !s.merge.routine.empty();
        bracket(moveLo, moveHi - moveLo,
                trimmed ? tr("moved by the merge: %1").arg(moveHi - moveLo)
                        : tr("the merge may move these %1").arg(moveHi - moveLo),
                accent, 1);
        if (trimmed) {
            bracket(s.merge.base, s.merge.skippedA, tr("in place"), faded, 1, true);
            bracket(moveHi, s.merge.keptB, tr("in place"), faded, 1, true);
        }
    } else if (h.mergedBase >= 0) {
        bracket(h.mergedBase, h.mergedLength, tr("merged: %1 in order").arg(h.mergedLength),
                accent, 1);
    } else if (s.haveRun && !s.done) {
        const auto &r = s.currentRun;
        bracket(r.start, r.naturalLength,
                r.descending ? tr("natural run %1, descending → reversed").arg(r.naturalLength)
                             : tr("natural run %1").arg(r.naturalLength),
                accent, 0);
        if (r.length > r.naturalLength)
            bracket(r.start, r.length, tr("boosted to %1 by binary insertion").arg(r.length),
                    faded, 1);
    }
    if (moveHi > moveLo) {
        // The moved range outlined across the bars' full height.
        p.setPen(QPen(accent, 1.5, Qt::DashLine));
        p.drawRect(QRectF(xOf(moveLo) - 2, bars.top(), (moveHi - moveLo) * w + 3, bars.height()));
    }
}

// ---------------------------------------------------------------------------------------------
// The side panel

SortSidePanel::SortSidePanel(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void SortSidePanel::setState(const SortViewState &state)
{
    m_n = state.n;
    m_comparisons = state.comparisons;
    m_minGallop = state.minGallop;
    m_gallopEntries = state.gallopEntries;
    m_merge = state.merge;
    m_stack = state.stack;
    updateGeometry();
    update();
}

int SortSidePanel::heightForWidth(int width) const
{
    return arrange(nullptr, width, std::numeric_limits<int>::max() / 2);
}

QSize SortSidePanel::sizeHint() const
{
    const int w = 20 * fontMetrics().height();
    return {w, heightForWidth(w)};
}

QSize SortSidePanel::minimumSizeHint() const
{
    const int line = fontMetrics().height();
    return {14 * line, 6 * line};
}

void SortSidePanel::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    arrange(&p, width(), height());
}

int SortSidePanel::arrange(QPainter *p, int width, int height) const
{
    const ListColours colours = listColours(palette());
    const QColor text = colours.text;
    const QColor muted = colours.muted;
    const QColor accent = colours.accent;
    const QFontMetrics fm(font());
    const int line = fm.height();
    const int margin = std::max(8, line / 2);
    QFont bold = font();
    bold.setBold(true);
    // Two columns when the panel is wide (below the bars): counters left, stack right.
    const int inner = width - 2 * margin;
    const bool twoColumns = inner >= 30 * line;
    const int colWidth = twoColumns ? (inner - margin) / 2 : inner;

    // One block of wrapped text at (x, y); returns its height.
    auto block = [&](int x, int y, int w, const QString &s, const QFont &f, const QColor &c) {
        const QRect r(x, y, std::max(w, 20), 100000);
        const int used = QFontMetrics(f).boundingRect(r, Qt::TextWordWrap, s).height();
        if (p && y < height) {
            p->setFont(f);
            p->setPen(c);
            p->drawText(r, Qt::TextWordWrap, s);
        }
        return used;
    };

    int x = margin, y = margin;
    y += block(x, y, colWidth, tr("Comparisons"), bold, text);
    const double nlogn = m_n > 1 ? m_n * std::log2(double(m_n)) : 0;
    y += block(x, y, colWidth,
               tr("%1 so far  (n·log2 n = %2)").arg(m_comparisons).arg(nlogn, 0, 'f', 0), font(),
               text);
    const double frac = nlogn > 0 ? std::min(1.0, m_comparisons / nlogn) : 0;
    const int barH = std::max(8, line / 2);
    if (p) {
        p->setPen(muted);
        p->setBrush(Qt::NoBrush);
        p->drawRect(QRectF(x + 0.5, y + 2.5, colWidth - 1, barH));
        p->fillRect(QRectF(x + 2, y + 4, (colWidth - 4) * frac, barH - 3), colours.meterFill);
    }
    y += barH + 8;
    y += block(x, y, colWidth,
               tr("min_gallop = %1  ·  gallop entries = %2").arg(m_minGallop).arg(m_gallopEntries),
               font(), text) +
         line / 2;
    if (m_merge.active && !m_merge.reason.empty()) {
        const QString reason = QString::fromStdString(m_merge.reason);
        QString why = reason;
        if (reason == "power")
            why = tr("powersort: the boundary below the new run is at least as deep in the "
                     "ideal merge tree as the new one");
        else if (reason == "force collapse")
            why = tr("no input left: merge_force_collapse merges the stack from the top");
        else if (reason == "tutorial")
            why = tr("the tutorial's order (CPython never does this)");
        else if (reason.startsWith('|'))
            why = tr("stack invariant broken: %1").arg(reason);
        y += block(x, y, colWidth, tr("merge_at(%1) because %2").arg(m_merge.index).arg(why),
                   font(), accent) +
             line / 4;
        // merge_lo / merge_hi and the temp area are chosen after gallop trims both runs.
        y += block(x, y, colWidth,
                   m_merge.routine.empty() ? tr("temp area: sized after trimming the runs")
                                           : tr("%1, temp area: %2 elements")
                                                 .arg(QString::fromStdString(m_merge.routine))
                                                 .arg(m_merge.temp),
                   font(), text) +
             line / 2;
    }
    const int leftBottom = y;

    // The pending-run stack, top of the stack first.
    if (twoColumns) {
        x = margin + colWidth + margin;
        y = margin;
    }
    y += block(x, y, colWidth, tr("Pending runs (stack)"), bold, text) + 4;
    if (m_stack.empty())
        y += block(x, y, colWidth, tr("(empty)"), font(), muted);
    for (std::size_t shown = 0; shown < m_stack.size(); ++shown) {
        const std::size_t idx = m_stack.size() - 1 - shown;
        const auto &run = m_stack[idx];
        // Numbered as CPython's pending[] is, so merge_at(i) names the entry it grows.
        QString label =
            tr("pending[%1]: base %2, length %3").arg(idx).arg(run.base).arg(run.length);
        if (m_merge.active && static_cast<std::int64_t>(idx) == m_merge.index)
            label = tr("pending[%1]: base %2, merging A %3 + B %4")
                        .arg(idx)
                        .arg(run.base)
                        .arg(m_merge.lengthA)
                        .arg(m_merge.lengthB);
        if (run.power > 0)
            label += tr(", power %1").arg(run.power);
        const QRect textRect(x + 6, y + 3, colWidth - 12, 100000);
        const int th = fm.boundingRect(textRect, Qt::TextWordWrap, label).height();
        const int boxH = std::max(th + 6, line + 6);
        if (p && y + boxH > height - margin) {
            // No room for the rest: say how many are not drawn.
            block(x, y, colWidth, tr("… %1 more below").arg(m_stack.size() - shown), font(),
                  muted);
            y += line;
            break;
        }
        if (p) {
            p->setPen(Qt::NoPen);
            p->setBrush(colours.runBox(static_cast<int>(idx)));
            p->drawRoundedRect(QRect(x, y, colWidth - 2, boxH), 4, 4);
            p->setBrush(Qt::NoBrush);
            p->setFont(font());
            p->setPen(text);
            p->drawText(textRect, Qt::TextWordWrap, label);
        }
        y += boxH + 4;
    }
    return std::max(leftBottom, y) + margin;
}

// ---------------------------------------------------------------------------------------------
// The page

SortPage::SortPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(*traceSession(), applySortEvent), m_canvas(new SortCanvas),
      m_side(new SortSidePanel), m_table(new wb::ui::TraceTable)
{
    m_preset = new QComboBox;
    m_preset->addItem(tr("The lesson's 130 numbers"), "tutorial");
    m_preset->addItem(tr("Random"), "random");
    m_preset->addItem(tr("Already sorted"), "sorted");
    m_preset->addItem(tr("Reversed"), "reversed");
    m_preset->addItem(tr("Sawtooth (ascending runs)"), "sawtooth");
    m_preset->addItem(tr("Few distinct values"), "few");
    m_preset->addItem(tr("My numbers (below)"), "custom");
    m_policy = new QComboBox;
    m_policy->addItem(tr("CPython 3.11 (powersort)"), "cpython311");
    m_policy->addItem(tr("CPython ≤ 3.10 (merge_collapse)"), "cpython27");
    m_policy->addItem(tr("As the tutorial tells it (never CPython)"), "tutorial");
    m_size = new QSpinBox;
    m_size->setRange(2, 100'000);
    m_size->setValue(200);
    m_size->setPrefix(tr("n = "));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1'000'000);
    m_seed->setValue(1);
    m_seed->setPrefix(tr("seed "));
    m_custom = new QLineEdit;
    m_custom->setPlaceholderText(tr("Your numbers, separated by spaces or commas"));
    auto *sortButton = new QPushButton(tr("Sort"));
    sortButton->setDefault(true);
    m_preset->setAccessibleName(tr("Input"));
    m_size->setAccessibleName(tr("Number of elements"));
    m_seed->setAccessibleName(tr("Random seed"));
    m_policy->setAccessibleName(tr("Merge policy"));
    m_custom->setAccessibleName(tr("Your numbers"));
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->hide();
    styleMessage(m_message);

    // The input row wraps onto more lines when narrow; each label stays with its control.
    auto *inputLabel = new QLabel(tr("Input:"));
    inputLabel->setBuddy(m_preset);
    auto *policyLabel = new QLabel(tr("Merge policy:"));
    policyLabel->setBuddy(m_policy);
    auto pair = [](QWidget *label, QWidget *control) {
        auto *box = new QWidget;
        auto *h = new QHBoxLayout(box);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(label);
        h->addWidget(control, 1);
        return box;
    };
    auto *row = new wb::ui::FlowLayout;
    row->addWidget(pair(inputLabel, m_preset));
    row->addWidget(m_size);
    row->addWidget(m_seed);
    row->addWidget(pair(policyLabel, m_policy));
    row->addWidget(sortButton);

    m_canvas->setAccessibleName(tr("Array bars"));
    m_canvas->setAccessibleDescription(
        tr("The array at the cursor as bars: the runs and the merge's runs A and B bracketed "
           "and named below the bars, the two elements of a comparison tagged x and y"));
    m_side->setAccessibleName(tr("Sort counters and pending runs"));
    m_side->setAccessibleDescription(
        tr("Comparisons so far against n·log2 n, why the current merge happens, and the "
           "pending-run stack, top first"));
    m_table->setAccessibleName(tr("Trace"));
    m_table->setAccessibleDescription(tr("Every step the sort took, one per row"));
    // The panel sits beside the bars while both fit, below them otherwise.
    auto *drawing = new wb::ui::AdaptiveSplit(m_canvas, m_side);
    drawing->setStretch(5, 2);
    m_canvas->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_split = new QSplitter(Qt::Vertical);
    m_split->addWidget(drawing);
    m_split->addWidget(m_table);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    // The splitter takes the height left over, down to an explicit minimum (see changeEvent):
    // its preferred height, the sum of its parts', would make the page scroll at 1024x768.
    m_split->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    updateMinimumHeight();
    auto *col = new QVBoxLayout(this);
    col->addLayout(row);
    col->addWidget(m_custom);
    col->addWidget(m_message);
    col->addWidget(m_split, 1);

    m_table->setController(controller());
    auto updateEnabled = [this] {
        const QString p = m_preset->currentData().toString();
        m_size->setEnabled(p != "tutorial" && p != "custom");
        m_seed->setEnabled(p == "random" || p == "few");
        m_custom->setEnabled(p == "custom");
    };
    connect(m_preset, &QComboBox::currentIndexChanged, this, updateEnabled);
    connect(sortButton, &QPushButton::clicked, this, &SortPage::runSort);
    connect(m_custom, &QLineEdit::returnPressed, this, &SortPage::runSort);
    updateEnabled();
    runSort();
    // Open on the first merge, where the stack and both runs are on screen.
    controller()->nextOfKind(kindOf<events::MergeBegin>());
    // Drawn before the page is first laid out: the splitter's first sizes take the side
    // panel's height with the opening stack in it.
    refresh();
}

SortPage::~SortPage()
{
    stopWorker();
}

void SortPage::stopWorker()
{
    if (!m_worker.joinable())
        return;
    m_cancel = true; // the worker's next comparison throws: the join is immediate
    m_worker.join();
    m_cancel = false;
    m_sorting = false;
}

std::vector<std::int64_t> SortPage::input(QString *error) const
{
    const QString preset = m_preset->currentData().toString();
    const int n = m_size->value();
    std::vector<std::int64_t> v;
    wb::Rng rng(static_cast<std::uint64_t>(m_seed->value()));
    if (preset == "tutorial")
        return kTutorialInput;
    if (preset == "custom") {
        const auto parts =
            m_custom->text().split(QRegularExpression("[\\s,]+"), Qt::SkipEmptyParts);
        for (const auto &part : parts) {
            bool ok = false;
            const qlonglong x = part.toLongLong(&ok);
            if (!ok) {
                *error = tr("'%1' is not an integer.").arg(part);
                return {};
            }
            v.push_back(x);
        }
        if (v.empty())
            *error = tr("Type some numbers to sort first.");
        return v;
    }
    v.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (preset == "random")
            v[i] = rng.between(0, 999);
        else if (preset == "sorted")
            v[i] = i;
        else if (preset == "reversed")
            v[i] = n - i;
        else if (preset == "sawtooth")
            v[i] = i % 40;
        else
            v[i] = rng.between(0, 4);
    }
    return v;
}

void SortPage::runSort()
{
    QString error;
    std::vector<std::int64_t> values = input(&error);
    setMessage(error);
    if (!error.isEmpty())
        return;
    stopWorker();
    const quint64 generation = ++m_generation;
    auto settings = controlSettings();
    const MergePolicy policy = parseMergePolicy(m_policy->currentData().toString().toStdString())
                                   .value_or(MergePolicy::CPython311);
    if (values.size() <= kInlineSort) {
        // Up to a few hundred elements every comparison is recorded with the two elements it
        // reads (viewsort.h); up to kInlineSort the sort takes a few milliseconds.
        auto trace = std::make_shared<wb::Trace>();
        recordViewSort(values, policy, *trace);
        m_runSettings = std::move(settings);
        showTrace(std::move(trace));
        return;
    }
    // Larger inputs are sorted on a thread of their own; the page shows the trace when it is
    // there. A newer sort or closing the page cancels it: its next comparison stops it, and
    // timsort leaves the (private) array a permutation.
    setMessage(tr("Sorting %1 elements…").arg(values.size()));
    m_sorting = true;
    // The settings go with the trace: until it comes, the page keeps showing (and recording)
    // the sort before.
    m_worker = std::thread([this, values = std::move(values), policy, generation,
                            settings = std::move(settings)]() mutable {
        auto trace = std::make_shared<wb::Trace>();
        if (!recordViewSort(values, policy, *trace, &m_cancel))
            return;
        QMetaObject::invokeMethod(
            this,
            [this, trace = std::move(trace), generation,
             settings = std::move(settings)]() mutable {
                if (generation != m_generation)
                    return;
                setMessage({});
                m_runSettings = std::move(settings);
                showTrace(std::move(trace));
            },
            Qt::QueuedConnection);
    });
}

void SortPage::showTrace(std::shared_ptr<wb::Trace> trace)
{
    m_sorting = false;
    traceSession()->show(std::move(trace), 0);
    controller()->nextOfKind(kindOf<events::SortBegin>());
}

std::vector<std::pair<std::string, std::string>> SortPage::controlSettings() const
{
    // Only what the input depends on: the same numbers typed here or given to
    // `workbench-cli list sort --record` make the same settings.
    const QString preset = m_preset->currentData().toString();
    std::vector<std::pair<std::string, std::string>> s{{"input", preset.toStdString()}};
    if (m_size->isEnabled())
        s.emplace_back("n", std::to_string(m_size->value()));
    if (m_seed->isEnabled())
        s.emplace_back("seed", std::to_string(m_seed->value()));
    if (m_custom->isEnabled())
        s.emplace_back("numbers", m_custom->text().toStdString());
    s.emplace_back("policy", m_policy->currentData().toString().toStdString());
    return s;
}

std::vector<std::pair<std::string, std::string>> SortPage::recordingSettings() const
{
    return m_runSettings;
}

bool SortPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    // Every value is checked before any control changes.
    int preset = -1, policy = -1;
    std::optional<int> n, seed;
    std::optional<QString> numbers;
    auto number = [](const std::string &text, int low, int high) -> std::optional<int> {
        bool ok = false;
        const int v = QString::fromStdString(text).toInt(&ok);
        if (!ok || v < low || v > high)
            return std::nullopt;
        return v;
    };
    for (const auto &[key, value] : settings) {
        const QString v = QString::fromStdString(value);
        if (key == "input") {
            preset = m_preset->findData(v);
            if (preset < 0) {
                *error = tr("the recording's input \"%1\" is not one of this view's inputs")
                             .arg(v.left(40));
                return false;
            }
        } else if (key == "policy") {
            policy = m_policy->findData(v);
            if (policy < 0) {
                *error = tr("the recording's merge policy \"%1\" is none of cpython311, "
                            "cpython27 or tutorial")
                             .arg(v.left(40));
                return false;
            }
        } else if (key == "n") {
            n = number(value, m_size->minimum(), m_size->maximum());
            if (!n) {
                *error = tr("the recording's n \"%1\" is not a number from %2 to %3")
                             .arg(v.left(20))
                             .arg(m_size->minimum())
                             .arg(m_size->maximum());
                return false;
            }
        } else if (key == "seed") {
            seed = number(value, m_seed->minimum(), m_seed->maximum());
            if (!seed) {
                *error = tr("the recording's seed \"%1\" is not a number from %2 to %3")
                             .arg(v.left(20))
                             .arg(m_seed->minimum())
                             .arg(m_seed->maximum());
                return false;
            }
        } else if (key == "numbers") {
            numbers = v;
        } else {
            *error = tr("the recording has a setting \"%1\" the timsort view does not know")
                         .arg(QString::fromStdString(key).left(40));
            return false;
        }
    }
    if (preset < 0 || policy < 0) {
        *error = tr("the recording does not say which input and merge policy were sorted");
        return false;
    }
    // Nothing is sorted: a sort still running is cancelled and its trace will not be shown.
    stopWorker();
    ++m_generation;
    setMessage({});
    m_preset->setCurrentIndex(preset);
    m_policy->setCurrentIndex(policy);
    if (n)
        m_size->setValue(*n);
    if (seed)
        m_seed->setValue(*seed);
    if (numbers)
        m_custom->setText(*numbers);
    m_runSettings = settings;
    return true;
}

bool SortPage::acceptsEvent(const wb::Event &event) const
{
    try {
        return events::SortEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

void SortPage::updateMinimumHeight()
{
    // Bars and side panel stacked at their minimum, and a few rows of the trace.
    const int line = fontMetrics().height();
    m_split->setMinimumHeight(m_canvas->minimumSizeHint().height() +
                              m_side->minimumSizeHint().height() + 5 * line);
}

void SortPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateMinimumHeight();
    if (event->type() == QEvent::PaletteChange)
        styleMessage(m_message);
}

void SortPage::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

const SortViewState &SortPage::stateAtCursor()
{
    return m_state.atCursor();
}

SortHighlight SortPage::highlightAtCursor()
{
    SortHighlight h;
    const wb::Event *e = controller()->currentEvent();
    if (!e)
        return h;
    if (const auto merged = wb::as<events::MergeEnd>(*e)) {
        h.mergedBase = merged->base;
        h.mergedLength = merged->length;
        return h;
    }
    const auto compare = wb::as<events::Compare>(*e);
    if (!compare || !compare->x || !compare->y)
        return h;
    // The comparison's number: how many "compare" events the trace has up to this one.
    if (m_comparesGeneration != traceSession()->generation()) {
        m_compares.clear();
        if (const wb::Trace *trace = traceSession()->trace())
            for (std::size_t i = 0; i < trace->size(); ++i)
                if (trace->at(i).kind == events::Compare::kind)
                    m_compares.push_back(i);
        m_comparesGeneration = traceSession()->generation();
    }
    const auto position = static_cast<std::size_t>(traceSession()->position());
    const auto it = std::lower_bound(m_compares.begin(), m_compares.end(), position - 1);
    h.x = *compare->x;
    h.y = *compare->y;
    h.less = compare->less;
    h.number = static_cast<std::uint64_t>(it - m_compares.begin()) + 1;
    return h;
}

void SortPage::refresh()
{
    m_canvas->setHighlight(highlightAtCursor());
    const SortViewState &s = stateAtCursor();
    m_canvas->setState(s);
    m_side->setState(s);
}

QString SortPage::lessonMarkdown() const
{
    return wb::ui::readTextResource(":/modules/list/ui/lessons/sort.md");
}

QStringList SortPage::sourceFiles() const
{
    return coreSources({"core/include/list/core/timsort.h",
                        "core/include/list/core/detail/timsort_runs.h",
                        "core/include/list/core/detail/timsort_gallop.h",
                        "core/include/list/core/detail/timsort_merge.h", "core/src/timsort.cpp"});
}

} // namespace wb::list::ui
