#include "timelineview.h"
#include "runbar.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QFontDatabase>
#include <QHash>
#include <QLabel>
#include <QListView>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QResizeEvent>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>

namespace wb::threads::ui {

QColor threadColor(int number)
{
    return wb::ui::seriesColor(std::max(0, number - 1));
}

QColor stateColor(ThreadState state)
{
    switch (state) {
    case ThreadState::Blocked:
        return wb::ui::stateColor("blocked");
    case ThreadState::Waiting:
        return wb::ui::stateColor("waiting");
    case ThreadState::Sleeping:
        return wb::ui::stateColor("sleeping");
    case ThreadState::Done:
        return wb::ui::stateColor("done");
    default:
        return wb::ui::stateColor("running");
    }
}

QBrush stateBrush(ThreadState state)
{
    const QColor base = stateColor(state);
    if (state != ThreadState::Blocked && state != ThreadState::Waiting &&
        state != ThreadState::Sleeping)
        return QBrush(base);
    // One tile of the pattern, repeated: diagonals that leave the tile re-enter on the other
    // side, so neighbouring tiles join without seams.
    const int n = std::max(6, static_cast<int>(std::lround(8 * wb::ui::fontScale())));
    static QHash<QString, QPixmap> tiles;
    const QString key = QStringLiteral("%1/%2/%3").arg(int(state)).arg(base.rgba()).arg(n);
    auto it = tiles.find(key);
    if (it == tiles.end()) {
        QPixmap tile(n, n);
        tile.fill(base);
        QPainter p(&tile);
        p.setRenderHint(QPainter::Antialiasing);
        const QColor ink(0, 0, 0, 125);
        p.setPen(QPen(ink, std::max(1.2, n / 5.0)));
        for (int k = -n; k <= n; k += n) {
            if (state != ThreadState::Sleeping)
                p.drawLine(QPointF(k, n), QPointF(k + n, 0)); // "/"
            if (state == ThreadState::Blocked)
                p.drawLine(QPointF(k, 0), QPointF(k + n, n)); // "\", making a cross-hatch
        }
        if (state == ThreadState::Sleeping) {
            p.setPen(Qt::NoPen);
            p.setBrush(ink);
            p.drawEllipse(QPointF(n / 2.0, n / 2.0), n / 5.0, n / 5.0);
        }
        p.end();
        it = tiles.insert(key, tile);
    }
    return QBrush(*it);
}

QPixmap stateSwatch(ThreadState state, QSize size)
{
    QPixmap pix(size);
    pix.fill(Qt::transparent);
    QPainter p(&pix);
    const QRectF all(0.5, 0.5, size.width() - 1, size.height() - 1);
    // Done is the thin bar it is on the timeline; the others are full bars.
    const QRectF bar = state == ThreadState::Done
                           ? QRectF(all.left(), all.center().y() - size.height() * 0.18,
                                    all.width(), size.height() * 0.36)
                           : all;
    p.fillRect(bar, stateBrush(state));
    p.setPen(QPen(stateOutline(state, QPalette()), 1));
    p.drawRect(bar);
    return pix;
}

namespace {

QColor blend(const QColor &top, const QColor &bottom, double alpha)
{
    return QColor::fromRgbF(bottom.redF() + (top.redF() - bottom.redF()) * alpha,
                            bottom.greenF() + (top.greenF() - bottom.greenF()) * alpha,
                            bottom.blueF() + (top.blueF() - bottom.blueF()) * alpha);
}

} // namespace

QColor opaqueRole(const QPalette &palette, QPalette::ColorRole role)
{
    const QColor c = palette.color(role);
    return blend(c, palette.color(QPalette::Base), c.alphaF());
}

QColor readableInk(const QColor &color, const QPalette &palette)
{
    // The three backgrounds are alike in lightness, so each step moves the colour the same way.
    QColor c = color;
    for (auto role : {QPalette::Base, QPalette::AlternateBase, QPalette::Window})
        c = wb::ui::readableOn(c, opaqueRole(palette, role));
    return c;
}

Inks inks(const QPalette &palette)
{
    Inks k;
    k.text = palette.color(QPalette::Text);
    k.muted = readableInk(opaqueRole(palette, QPalette::PlaceholderText), palette);
    k.grid = readableInk(opaqueRole(palette, QPalette::Mid), palette);
    k.release = readableInk(wb::ui::stateColor("accent"), palette);
    k.notify = readableInk(wb::ui::stateColor("waiting"), palette);
    k.error = readableInk(wb::ui::stateColor("blocked"), palette);
    return k;
}

QColor threadInk(int number, const QPalette &palette)
{
    return readableInk(threadColor(number), palette);
}

QColor stateOutline(ThreadState state, const QPalette &palette)
{
    return readableInk(stateColor(state), palette);
}

QColor threadTint(int writer, const QPalette &palette)
{
    return blend(threadColor(writer), opaqueRole(palette, QPalette::Base), 0.27);
}

namespace {

QString stateWords(const ThreadView &t)
{
    const QString on = QString::fromStdString(t.on);
    switch (t.state) {
    case ThreadState::Blocked:
        return QObject::tr("blocked on %1").arg(on);
    case ThreadState::Waiting:
        return QObject::tr("waiting on %1").arg(on);
    case ThreadState::Sleeping:
        return QObject::tr("sleeping");
    case ThreadState::Done:
        return QObject::tr("done");
    case ThreadState::Starting:
        return QObject::tr("not started");
    default:
        return QObject::tr("running");
    }
}

void drawArrowHead(QPainter &p, QPointF tip, QPointF from, const QColor &c, double s)
{
    const QLineF line(tip, from);
    const double angle = std::atan2(-line.dy(), line.dx());
    QPolygonF head;
    head << tip << tip + QPointF(std::sin(angle + M_PI / 3) * s, std::cos(angle + M_PI / 3) * s)
         << tip + QPointF(std::sin(angle + M_PI - M_PI / 3) * s,
                          std::cos(angle + M_PI - M_PI / 3) * s);
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawPolygon(head);
    p.setBrush(Qt::NoBrush);
}

// How the part of the run after the cursor is veiled: still there to see where the run
// goes, but clearly not yet happened.
QColor futureVeil(const QPalette &pal)
{
    QColor veil = pal.color(QPalette::Base);
    veil.setAlpha(190);
    return veil;
}

// One entry of the legend under the lanes, placed by legendLayout().
struct LegendEntry
{
    // A state's swatch, the veil after the cursor, an arrow (solid or dashed), or words.
    enum Kind { State, Future, Arrow, DashedArrow, Text } kind = Text;
    ThreadState state = ThreadState::Running;
    QString text;
    QColor colour;
    QRectF box; // swatch and text
};

// Places the entries left to right, starting a new line when one does not fit `width`;
// returns the height used.
int legendLayout(QList<LegendEntry> &entries, const QFontMetrics &fm, int width)
{
    const int lineH = fm.height() + 4;
    const int swatchW = fm.height() * 3 / 2;
    double x = 8;
    int line = 0;
    for (LegendEntry &e : entries) {
        const double w =
            (e.kind == LegendEntry::Text ? 0 : swatchW + 6) + fm.horizontalAdvance(e.text);
        if (x > 8 && x + w > width - 8) {
            x = 8;
            ++line;
        }
        e.box = QRectF(x, line * lineH, w, lineH);
        x += w + fm.averageCharWidth() * 2;
    }
    return (line + 1) * lineH + 6;
}

// A round step between axis labels: 1, 2 or 5 times a power of ten, at least `minimum`.
double niceStep(double minimum)
{
    const double base = std::pow(10.0, std::floor(std::log10(std::max(1.0, minimum))));
    for (double f : {1.0, 2.0, 5.0, 10.0})
        if (base * f >= minimum)
            return base * f;
    return base * 10;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Canvas

TimelineCanvas::TimelineCanvas(ThreadsSession *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Wheel: zoom around the mouse. Drag: pan. Click: move the cursor there. "
                  "Double-click: show the whole run."));
    setAccessibleName(tr("Timeline"));
    setAccessibleDescription(
        tr("One lane per thread over the steps of the run, up to the cursor: running (solid), "
           "blocked on a lock (cross-hatched), waiting on a condition (striped), sleeping "
           "(dotted) or done (thin bar); arrows from each release or notify to the thread it "
           "woke. The steps after the cursor are faded."));
}

QSize TimelineCanvas::minimumSizeHint() const
{
    // The header, a legend on two lines and a lane of two lines of text per thread.
    const QFontMetrics fm(font()), sfm(smallFont());
    const int lanes = std::max<int>(2, static_cast<int>(m_session->timeline().lanes.size()));
    const int legend = 2 * (sfm.height() + 4) + 6;
    return {fm.averageCharWidth() * 75,
            headerHeight() + legend + 6 + lanes * (fm.height() + sfm.height() + 8)};
}

QSize TimelineCanvas::sizeHint() const
{
    const QFontMetrics fm(font());
    return {fm.averageCharWidth() * 100, minimumSizeHint().height() + fm.height() * 3};
}

void TimelineCanvas::refresh()
{
    const std::size_t lanes = m_session->timeline().lanes.size();
    if (lanes != m_lanes) {
        m_lanes = lanes;
        updateGeometry();
    }
    update();
}

QFont TimelineCanvas::smallFont() const
{
    // Axis numbers and the legend: a little smaller than the text, never below 8 points.
    QFont small = font();
    small.setPointSizeF(std::max(8.0, small.pointSizeF() * 0.88));
    return small;
}

int TimelineCanvas::labelWidth() const
{
    const QFontMetrics fm(font());
    const int wanted = fm.averageCharWidth() * 30;
    return std::clamp(wanted, std::min(wanted, 90), std::max(90, width() * 24 / 100));
}

int TimelineCanvas::headerHeight() const
{
    const QFontMetrics fm(font()), sfm(smallFont());
    return fm.height() + 8 + sfm.height() + 8;
}

void TimelineCanvas::layOutPlot()
{
    const int lw = labelWidth(), hh = headerHeight();
    const int legend =
        m_legendHeight > 0 ? m_legendHeight : QFontMetrics(smallFont()).height() + 10;
    m_plotRect =
        QRectF(lw, hh, std::max(50, width() - lw - 14), std::max(20, height() - hh - legend - 6));
}

void TimelineCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    layOutPlot();
}

void TimelineCanvas::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        layOutPlot();
}

void TimelineCanvas::setRange(double first, double last)
{
    if (last - first < 4) {
        const double mid = (first + last) / 2;
        first = mid - 2;
        last = mid + 2;
    }
    m_fit = false;
    m_first = first;
    m_last = last;
    update();
}

void TimelineCanvas::fit()
{
    m_fit = true;
    update();
}

double TimelineCanvas::firstVisible() const
{
    return m_fit ? 0.0 : m_first;
}

double TimelineCanvas::lastVisible() const
{
    if (!m_fit)
        return m_last;
    const auto *t = m_session->trace();
    return std::max<double>(8.0, t ? static_cast<double>(m_session->timeline().processed) : 0.0);
}

double TimelineCanvas::xOf(double position) const
{
    const QRectF r = plotRect();
    const double a = firstVisible(), b = lastVisible();
    return r.left() + (position - a) / (b - a) * r.width();
}

double TimelineCanvas::positionAt(double x) const
{
    const QRectF r = plotRect();
    const double a = firstVisible(), b = lastVisible();
    return a + (x - r.left()) / r.width() * (b - a);
}

namespace {

// What one frame of the timeline is drawn from: colours and fonts of the palette and font in
// use, the visible range and the plot's rectangle, the cursor, and the lanes' geometry.
struct TimelineFrame
{
    QPalette pal;
    Inks ink;
    QFont font, small, bold;
    QFontMetrics fm, sfm, bfm;
    double scale = 1; // lines and arrow heads grow with the font
    QRectF r;         // the lanes' rectangle
    double first = 0, last = 1;
    qint64 count = 0, cursor = 0;
    int width = 0, height = 0, labelWidth = 0;
    int swatchW = 0, swatchH = 0;
    // Wake-up arrows: the first that may be in view, the longest span, how many are in view.
    std::vector<WakeArrow>::const_iterator arrowsFrom;
    qint64 maxSpan = 0;
    int visibleArrows = 0;
    bool drawArrows = true;
    // Filled by drawLanes(): each lane's centre, its height and its bars' height.
    double laneH = 0, barH = 0;
    std::map<int, double> laneY;
    const ThreadsSession *session = nullptr; // names the threads

    TimelineFrame(const QPalette &palette, const QFont &f, const QFont &smallFont)
        : pal(palette), ink(inks(palette)), font(f), small(smallFont), bold(f), fm(f),
          sfm(smallFont), bfm(boldOf(f))
    {
        bold.setBold(true);
        scale = std::max(1.0, fm.height() / 16.0);
        swatchW = sfm.height() * 3 / 2;
        swatchH = sfm.height() * 2 / 3;
    }
    static QFont boldOf(QFont f)
    {
        f.setBold(true);
        return f;
    }
    double xOf(double position) const
    {
        return r.left() + (position - first) / (last - first) * r.width();
    }
};

// Counts the wake-up arrows in view: too many of them are a smear, so the legend says to
// zoom in instead.
void countArrows(TimelineFrame &f, const TimelineData &t)
{
    for (const auto &a : t.arrows)
        f.maxSpan = std::max<qint64>(f.maxSpan, a.to - a.from);
    f.arrowsFrom = std::lower_bound(t.arrows.begin(), t.arrows.end(), static_cast<qint64>(f.first),
                                    [](const WakeArrow &a, qint64 v) { return a.to < v; });
    f.visibleArrows = 0;
    for (auto a = f.arrowsFrom; a != t.arrows.end() && a->to <= f.last + f.maxSpan; ++a)
        if (a->from <= f.last)
            ++f.visibleArrows;
    f.drawArrows = f.visibleArrows <= 600;
}

QList<LegendEntry> buildLegend(const TimelineFrame &f)
{
    QList<LegendEntry> legend;
    auto stateEntry = [&](ThreadState s, const QString &name) {
        LegendEntry e;
        e.kind = LegendEntry::State;
        e.state = s;
        e.text = name;
        legend << e;
    };
    stateEntry(ThreadState::Running, TimelineCanvas::tr("running"));
    stateEntry(ThreadState::Blocked, TimelineCanvas::tr("blocked"));
    stateEntry(ThreadState::Waiting, TimelineCanvas::tr("waiting"));
    stateEntry(ThreadState::Sleeping, TimelineCanvas::tr("sleeping"));
    stateEntry(ThreadState::Done, TimelineCanvas::tr("done"));
    if (f.drawArrows) {
        legend << LegendEntry{LegendEntry::Arrow,
                              {},
                              TimelineCanvas::tr("release wakes"),
                              f.ink.release,
                              {}}
               << LegendEntry{LegendEntry::DashedArrow,
                              {},
                              TimelineCanvas::tr("notify wakes"),
                              f.ink.notify,
                              {}};
    } else {
        legend << LegendEntry{
            LegendEntry::Text,
            {},
            TimelineCanvas::tr("(%1 wake-up arrows: zoom in to see them)").arg(f.visibleArrows),
            f.ink.release,
            {}};
    }
    legend << LegendEntry{LegendEntry::Future,
                          {},
                          TimelineCanvas::tr("after the cursor: not yet run"),
                          f.ink.muted,
                          {}};
    return legend;
}

// Where the cursor is and what just happened.
void drawHeader(QPainter &p, const TimelineFrame &f, const wb::Trace *trace)
{
    p.setFont(f.bold);
    p.setPen(f.ink.text);
    QString head = TimelineCanvas::tr("Step %1 of %2").arg(f.cursor).arg(f.count);
    if (trace && f.cursor > 0) {
        const wb::Event &e = trace->at(static_cast<std::size_t>(f.cursor - 1));
        head += QStringLiteral(" — ") + QString::fromStdString(e.label);
    } else if (!trace) {
        head = TimelineCanvas::tr("Nothing has run yet: pick a scenario and press Run.");
    }
    p.drawText(QRectF(8, 4, f.width - 16, f.bfm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               f.bfm.elidedText(head, Qt::ElideRight, f.width - 16));
}

// Trace positions (events), labels far enough apart to read.
void drawAxis(QPainter &p, const TimelineFrame &f)
{
    p.setFont(f.small);
    const double span = f.last - f.first;
    const double labelGap = f.sfm.horizontalAdvance(QStringLiteral("00000")) + 10;
    const double step =
        std::max(1.0, niceStep(span / std::max(1.0, std::floor(f.r.width() / labelGap))));
    const double axisY = f.r.top() - f.sfm.height() - 6;
    p.setPen(f.ink.muted);
    p.drawText(QRectF(8, axisY, f.labelWidth - 12, f.sfm.height()), Qt::AlignLeft,
               TimelineCanvas::tr("step →"));
    for (double v = std::ceil(f.first / step) * step; v <= f.last; v += step) {
        const double x = f.xOf(v);
        p.setPen(QPen(f.ink.grid, 1, Qt::DotLine));
        p.drawLine(QPointF(x, f.r.top()), QPointF(x, f.r.bottom()));
        p.setPen(f.ink.muted);
        p.drawText(QRectF(x - labelGap / 2, axisY, labelGap, f.sfm.height()), Qt::AlignCenter,
                   QString::number(static_cast<qint64>(v)));
    }
}

// The legend under the lanes, its entries placed by legendLayout().
void drawLegend(QPainter &p, const TimelineFrame &f, const QList<LegendEntry> &legend,
                double legendTop)
{
    for (const LegendEntry &e : legend) {
        const QRectF box = e.box.translated(0, legendTop);
        double tx = box.left();
        if (e.kind != LegendEntry::Text) {
            const QRectF sw(box.left(), box.center().y() - f.swatchH / 2.0, f.swatchW, f.swatchH);
            if (e.kind == LegendEntry::State) {
                p.drawPixmap(sw.topLeft(), stateSwatch(e.state, sw.size().toSize()));
            } else if (e.kind == LegendEntry::Arrow || e.kind == LegendEntry::DashedArrow) {
                // A piece of the arrow as the lanes draw it: solid or dashed, with its head.
                const QPointF a(sw.left(), sw.center().y()), b(sw.right(), sw.center().y());
                p.setPen(QPen(e.colour, 1.6 * f.scale,
                              e.kind == LegendEntry::DashedArrow ? Qt::DashLine : Qt::SolidLine));
                p.drawLine(a, b - QPointF(3 * f.scale, 0));
                drawArrowHead(p, b, a, e.colour, 6 * f.scale);
            } else {
                p.drawPixmap(sw.topLeft(), stateSwatch(ThreadState::Running, sw.size().toSize()));
                p.fillRect(sw, futureVeil(f.pal));
            }
            tx += f.swatchW + 6;
        }
        p.setPen(e.kind == LegendEntry::Text ? e.colour : f.ink.text);
        p.drawText(QRectF(tx, box.top(), box.right() - tx + 2, box.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }
}

// One lane's state segments. Many segments inside one pixel column: the first is drawn and
// the rest skipped, but a blocked stretch marks the column red once (blocking must not
// vanish when zoomed out). Returns the pieces drawn.
int drawSegments(QPainter &p, const TimelineFrame &f, const Lane &lane, double cy)
{
    int painted = 0;
    // First segment that can be visible: the one before the first starting after `first`.
    const auto &segs = lane.segments;
    auto it = std::upper_bound(segs.begin(), segs.end(), f.first - 1.0,
                               [](double v, const Segment &s) { return v < s.start; });
    if (it != segs.begin())
        --it;
    int lastPx = std::numeric_limits<int>::min();
    int lastBlockedPx = lastPx;
    for (; it != segs.end(); ++it) {
        // A state starts at the middle of the event that caused it (where its tick is).
        const double a = static_cast<double>(it->start) + 0.5;
        const double b =
            it->end < 0 ? static_cast<double>(f.count) : static_cast<double>(it->end) + 0.5;
        if (a - 0.5 > f.last)
            break;
        double x0 = f.xOf(a), x1 = f.xOf(std::max(a, b));
        if (x1 < f.r.left() || x0 > f.r.right())
            continue;
        if (static_cast<int>(x1) <= lastPx) {
            if (it->state == ThreadState::Blocked && lastBlockedPx != lastPx) {
                lastBlockedPx = lastPx;
                p.fillRect(QRectF(lastPx, cy - f.barH / 2, 1, f.barH), stateColor(it->state));
                ++painted;
            }
            continue;
        }
        lastPx = static_cast<int>(x1);
        x1 = std::max(x1, x0 + 1.0);
        const double h = it->state == ThreadState::Done ? f.barH * 0.3 : f.barH;
        p.fillRect(QRectF(x0, cy - h / 2, x1 - x0, h), stateBrush(it->state));
        ++painted;
    }
    return painted;
}

// The lanes with their segments; each lane's event ticks, when there is room to tell them
// apart, go to `pastTicks` / `futureTicks` (drawn over the veil by drawCursor()). Lays the
// lanes out into f.laneY. Returns the pieces drawn.
int drawLanes(QPainter &p, TimelineFrame &f, const TimelineData &t, QVector<QLineF> &pastTicks,
              QVector<QLineF> &futureTicks)
{
    const int lanes = static_cast<int>(t.lanes.size());
    f.laneH = std::min(f.fm.height() * 8.0, f.r.height() / lanes);
    f.barH = std::clamp(f.laneH * 0.55, 6.0, f.fm.height() * 3.0);
    int painted = 0;
    int row = 0;
    for (const auto &[number, lane] : t.lanes) {
        const double cy = f.r.top() + f.laneH * (row + 0.5);
        f.laneY[number] = cy;
        ++row;
        if (row % 2 == 0) {
            p.fillRect(QRectF(f.r.left(), cy - f.laneH / 2, f.r.width(), f.laneH),
                       f.pal.color(QPalette::AlternateBase));
        }
        painted += drawSegments(p, f, lane, cy);
        if (f.xOf(1) - f.xOf(0) >= 4) {
            auto e = std::lower_bound(lane.events.begin(), lane.events.end(),
                                      static_cast<qint64>(std::floor(f.first)));
            for (; e != lane.events.end() && *e <= f.last; ++e) {
                const double x = f.xOf(*e + 0.5);
                (*e < f.cursor ? pastTicks : futureTicks)
                    << QLineF(x, cy - f.barH / 2 - 3 * f.scale, x, cy - f.barH / 2 + 1);
            }
        }
    }
    return painted;
}

// From each release / notify to the wake-up it caused. Returns the arrows drawn.
int drawArrows(QPainter &p, const TimelineFrame &f, const TimelineData &t)
{
    if (!f.drawArrows)
        return 0;
    int painted = 0;
    for (auto a = f.arrowsFrom; a != t.arrows.end() && a->to <= f.last + f.maxSpan; ++a) {
        if (a->from > f.last || !f.laneY.count(a->fromThread) || !f.laneY.count(a->toThread))
            continue;
        const QColor c = a->notify ? f.ink.notify : f.ink.release;
        const Qt::PenStyle style = a->notify ? Qt::DashLine : Qt::SolidLine;
        const double y0 = f.laneY.at(a->fromThread), y1 = f.laneY.at(a->toThread);
        const double barH = f.barH;
        const QPointF p0(f.xOf(a->from + 0.5), y0 + (y1 > y0 ? barH / 2 : -barH / 2));
        const QPointF p1(f.xOf(a->to + 0.5), y1 + (y1 > y0 ? -barH / 2 : barH / 2));
        QPainterPath path(p0);
        const double bend = std::clamp((p1.x() - p0.x()) * 0.5, 8.0, 60.0);
        path.cubicTo(p0 + QPointF(bend, 0), p1 - QPointF(bend, 0), p1);
        p.setPen(QPen(c, 1.6 * f.scale, style));
        p.drawPath(path);
        drawArrowHead(p, p1, p1 - QPointF(bend * 0.3, y1 > y0 ? -bend * 0.3 : bend * 0.3), c,
                      7 * f.scale);
        ++painted;
    }
    return painted;
}

// A red dashed rule across every lane where a deadlock was found.
void drawDeadlocks(QPainter &p, const TimelineFrame &f, const TimelineData &t)
{
    for (qint64 d : t.deadlocks) {
        if (d < f.first - 1 || d > f.last)
            continue;
        const double x = f.xOf(d + 0.5);
        p.setPen(QPen(f.ink.error, 2 * f.scale, Qt::DashLine));
        p.drawLine(QPointF(x, f.r.top()), QPointF(x, f.r.bottom()));
        p.setFont(f.bold);
        const QString word = TimelineCanvas::tr("deadlock");
        const double w = f.bfm.horizontalAdvance(word);
        // Left of the rule when there is no room on its right.
        const double tx = x + 4 + w > f.r.right() ? x - 4 - w : x + 4;
        p.drawText(QPointF(tx, f.r.top() + f.bfm.ascent()), word);
    }
}

// The veil after the cursor (stepping shows time advancing lane by lane), the event ticks
// over it, and the cursor's line.
void drawCursor(QPainter &p, const TimelineFrame &f, const QVector<QLineF> &pastTicks,
                const QVector<QLineF> &futureTicks)
{
    const QRectF &r = f.r;
    const double xc = std::clamp(f.xOf(f.cursor), r.left() - 2, r.right() + 2);
    if (xc < r.right() + 2)
        p.fillRect(QRectF(xc, r.top() - 2, r.right() + 2 - xc, r.height() + 4), futureVeil(f.pal));
    // The ticks still to come in the muted colour, readable all the same.
    p.setPen(QPen(f.ink.text, 1));
    p.drawLines(pastTicks);
    p.setPen(QPen(f.ink.muted, 1));
    p.drawLines(futureTicks);
    if (f.cursor >= f.first - 1 && f.cursor <= f.last + 1) {
        const double x = f.xOf(f.cursor);
        p.setPen(QPen(f.ink.text, 2 * f.scale));
        p.drawLine(QPointF(x, r.top() - 4), QPointF(x, r.bottom()));
    }
}

// Each lane's label: the thread's name and its state at the cursor (with the state's swatch,
// so the words and the lane match without relying on colour). Returns the labels' rectangles.
std::vector<std::pair<int, QRectF>> drawLaneLabels(QPainter &p, const TimelineFrame &f,
                                                   const ThreadsState &state)
{
    std::vector<std::pair<int, QRectF>> rects;
    const int lw = f.labelWidth;
    const QFontMetrics &fm = f.fm, &sfm = f.sfm;
    const bool twoLines = f.laneH >= fm.height() + sfm.height() + 4;
    for (const auto &[number, y] : f.laneY) {
        rects.emplace_back(number, QRectF(0, y - f.laneH / 2, lw, f.laneH));
        const auto st = state.threads.find(number);
        p.setFont(f.bold);
        p.setPen(threadInk(number, f.pal));
        const QString badgeText = threadLabel(number);
        const double top =
            twoLines ? y - (fm.height() + sfm.height()) / 2.0 : y - fm.height() / 2.0;
        const double badgeW = f.bfm.horizontalAdvance(badgeText);
        p.drawText(QRectF(6, top, badgeW + 2, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   badgeText);
        p.setPen(f.ink.text);
        p.setFont(f.font);
        const double nameX = 6 + badgeW + fm.averageCharWidth();
        p.drawText(QRectF(nameX, top, lw - nameX - 6, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(f.session->threadTitle(number), Qt::ElideRight,
                                 static_cast<int>(lw - nameX - 6)));
        if (!twoLines)
            continue;
        p.setFont(f.small);
        const ThreadView tv = st == state.threads.end() ? ThreadView{} : st->second;
        const QRectF sw(6, top + fm.height() + 2, f.swatchW * 0.8, sfm.height() - 4);
        double wx = 6;
        if (st != state.threads.end() && tv.state != ThreadState::Starting) {
            p.drawPixmap(sw.topLeft(), stateSwatch(tv.state, sw.size().toSize()));
            wx = sw.right() + 5;
        }
        p.setPen(st == state.threads.end() ? f.ink.muted : f.ink.text);
        p.drawText(QRectF(wx, top + fm.height(), lw - wx - 4, sfm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   sfm.elidedText(stateWords(tv), Qt::ElideRight, int(lw - wx - 4)));
    }
    return rects;
}

} // namespace

void TimelineCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    // Colours taken here, not once: a palette switch changes them.
    TimelineFrame f(palette(), font(), smallFont());
    f.session = m_session;
    const TimelineData &t = m_session->timeline();
    const wb::Trace *trace = m_session->trace();
    f.count = t.processed;
    f.cursor = std::min<qint64>(m_session->position(), f.count);
    f.first = firstVisible();
    f.last = lastVisible();
    f.width = width();
    f.height = height();
    f.labelWidth = labelWidth();
    countArrows(f, t);
    m_painted = 0;

    // The legend first: how many lines it takes decides the height left for the lanes.
    QList<LegendEntry> legend = buildLegend(f);
    m_legendHeight = legendLayout(legend, f.sfm, width());
    layOutPlot();
    f.r = plotRect();

    drawHeader(p, f, trace);
    drawAxis(p, f);
    drawLegend(p, f, legend, height() - m_legendHeight + 2);
    if (t.lanes.empty()) {
        p.setPen(f.ink.muted);
        p.setFont(font());
        p.drawText(f.r, Qt::AlignCenter | Qt::TextWordWrap,
                   trace ? tr("Waiting for the first event…") : tr("No run yet."));
        return;
    }

    QVector<QLineF> pastTicks, futureTicks;
    p.save();
    p.setClipRect(f.r.adjusted(-2, -2, 2, 2));
    m_painted += drawLanes(p, f, t, pastTicks, futureTicks);
    m_painted += drawArrows(p, f, t);
    drawDeadlocks(p, f, t);
    drawCursor(p, f, pastTicks, futureTicks);
    p.restore();
    m_labelRects = drawLaneLabels(p, f, m_session->stateAtCursor());
}

void TimelineCanvas::wheelEvent(QWheelEvent *e)
{
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    const double at = positionAt(e->position().x());
    const double a = firstVisible(), b = lastVisible();
    const double factor = std::pow(0.8, steps);
    setRange(at - (at - a) * factor, at + (b - at) * factor);
    e->accept();
}

void TimelineCanvas::mousePressEvent(QMouseEvent *e)
{
    if (e->button() != Qt::LeftButton)
        return;
    m_dragging = true;
    m_moved = false;
    m_dragX = e->position().x();
    m_dragFirst = firstVisible();
}

void TimelineCanvas::mouseMoveEvent(QMouseEvent *e)
{
    if (m_dragging) {
        const double dx = e->position().x() - m_dragX;
        if (std::abs(dx) > 3)
            m_moved = true;
        if (m_moved) {
            const double width = lastVisible() - firstVisible();
            const double shift = dx / plotRect().width() * width;
            setRange(m_dragFirst - shift, m_dragFirst - shift + width);
        }
        return;
    }
    // Hover: the event under the mouse.
    const wb::Trace *trace = m_session->trace();
    const qint64 i = static_cast<qint64>(std::floor(positionAt(e->position().x())));
    if (trace && plotRect().contains(e->position()) && i >= 0 &&
        i < m_session->timeline().processed) {
        const wb::Event &ev = trace->at(static_cast<std::size_t>(i));
        QToolTip::showText(
            e->globalPosition().toPoint(),
            tr("#%1 %2: %3")
                .arg(i + 1)
                .arg(m_session->threadTitle(ev.thread), QString::fromStdString(ev.label)),
            this);
        return;
    }
    // Over a lane's label: its thread and state in full (the label may be elided).
    for (const auto &[number, rect] : m_labelRects)
        if (rect.contains(e->position())) {
            const ThreadsState &state = m_session->stateAtCursor();
            const auto st = state.threads.find(number);
            QToolTip::showText(
                e->globalPosition().toPoint(),
                tr("%1: %2").arg(m_session->threadTitle(number), st == state.threads.end()
                                                                     ? tr("not started")
                                                                     : stateWords(st->second)),
                this);
            return;
        }
}

void TimelineCanvas::mouseReleaseEvent(QMouseEvent *e)
{
    if (!m_dragging)
        return;
    m_dragging = false;
    if (!m_moved && plotRect().contains(e->position())) {
        // A click moves the cursor to just after the event under the mouse.
        const double pos = positionAt(e->position().x());
        m_session->controller()->seek(static_cast<qsizetype>(std::floor(pos)) + 1);
    }
}

void TimelineCanvas::mouseDoubleClickEvent(QMouseEvent *)
{
    fit();
}

// ---------------------------------------------------------------------------------------------
// Console and file

ConsoleModel::ConsoleModel(ThreadsSession *session, QObject *parent)
    : QAbstractListModel(parent), m_session(session)
{}

int ConsoleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

QVariant ConsoleModel::data(const QModelIndex &index, int role) const
{
    const auto &prints = m_session->timeline().prints;
    if (!index.isValid() || index.row() >= m_rows || index.row() >= int(prints.size()))
        return {};
    const PrintLine &line = prints[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole)
        return QString::fromStdString(line.text);
    if (role == Qt::ForegroundRole && line.thread > 0) {
        // The writer's colour, deepened or lifted until it reads on the palette in use.
        const QPalette palette;
        if (palette.cacheKey() != m_inkPalette) {
            m_inks.clear();
            m_inkPalette = palette.cacheKey();
        }
        auto ink = m_inks.find(line.thread);
        if (ink == m_inks.end())
            ink = m_inks.emplace(line.thread, threadInk(line.thread, palette)).first;
        return ink->second;
    }
    if (role == Qt::ToolTipRole)
        return tr("step %1, %2").arg(line.index + 1).arg(m_session->threadTitle(line.thread));
    return {};
}

void ConsoleModel::sync()
{
    const void *trace = m_session->trace();
    const int rows = m_session->timeline().printsBefore(m_session->position());
    if (trace != m_trace) {
        beginResetModel();
        m_trace = trace;
        m_rows = rows;
        endResetModel();
        return;
    }
    if (rows > m_rows) {
        beginInsertRows({}, m_rows, rows - 1);
        m_rows = rows;
        endInsertRows();
    } else if (rows < m_rows) {
        beginRemoveRows({}, rows, m_rows - 1);
        m_rows = rows;
        endRemoveRows();
    }
}

FileBytesView::FileBytesView(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setMinimumHeight(QFontMetrics(monoFont()).height() * 3 + 8);
    setAccessibleName(tr("output.txt"));
    setAccessibleDescription(tr("The bytes of output.txt at the cursor, each on the colour of "
                                "the thread that wrote it; the bytes of even-numbered threads "
                                "are also underlined"));
}

QFont FileBytesView::monoFont() const
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(font().pointSizeF() * 0.95);
    return mono;
}

QSize FileBytesView::sizeHint() const
{
    const QFontMetrics fm(monoFont());
    const int w = fm.horizontalAdvance(QLatin1Char('M')) * 40 + 8;
    return {w, heightForWidth(w)};
}

int FileBytesView::heightForWidth(int width) const
{
    const QFontMetrics fm(monoFont());
    const int cw = std::max(1, fm.horizontalAdvance(QLatin1Char('M')));
    const int columns = std::max(8, (width - 8) / cw);
    const std::size_t bytes = std::max(m_bytes.size(), m_reserve);
    const int lines = std::max<int>(3, static_cast<int>((bytes + columns - 1) / columns));
    return 8 + lines * (fm.height() + 2);
}

void FileBytesView::setFile(const std::string &bytes, const std::vector<int> &writers,
                            std::size_t reserve)
{
    reserve = std::max(reserve, bytes.size());
    if (bytes == m_bytes && writers == m_writers && reserve == m_reserve)
        return;
    m_bytes = bytes;
    m_writers = writers;
    if (reserve != m_reserve) {
        m_reserve = reserve;
        updateGeometry();
    }
    update();
}

void FileBytesView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QFont mono = monoFont();
    p.setFont(mono);
    const QFontMetrics fm(mono);
    const int cw = std::max(1, fm.horizontalAdvance(QLatin1Char('M')));
    const int ch = fm.height() + 2;
    const int columns = std::max(8, (width() - 8) / cw);
    const QColor text = palette().color(QPalette::Text);
    if (m_bytes.empty()) {
        p.setPen(inks(palette()).muted);
        p.drawText(rect().adjusted(4, 4, -4, -4), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   tr("(empty: nobody has written yet)"));
        return;
    }
    for (std::size_t i = 0; i < m_bytes.size(); ++i) {
        const int col = static_cast<int>(i) % columns, line = static_cast<int>(i) / columns;
        const QRect cell(4 + col * cw, 4 + line * ch, cw, ch);
        const int writer = i < m_writers.size() ? m_writers[i] : 0;
        p.fillRect(cell, threadTint(writer, palette()));
        p.setPen(text);
        p.drawText(cell, Qt::AlignCenter, QString(QLatin1Char(m_bytes[i])));
        // Not by colour alone: every second thread's bytes are underlined too.
        if (writer > 0 && writer % 2 == 0)
            p.drawLine(cell.left(), cell.bottom() - 1, cell.right(), cell.bottom() - 1);
    }
}

// ---------------------------------------------------------------------------------------------
// The page

QStringList threadsSources()
{
    return {QStringLiteral(":/modules/threads/core/src/scenarios.cpp"),
            QStringLiteral(":/modules/threads/core/src/classic.cpp"),
            QStringLiteral(":/modules/threads/core/include/threads/core/classic.h"),
            QStringLiteral(":/modules/threads/core/src/runtime.cpp"),
            QStringLiteral(":/modules/threads/core/src/runtime_waitfor.cpp"),
            QStringLiteral(":/modules/threads/core/src/scenarios_playground.cpp")};
}

QString lessonWithScenario(const QString &viewLesson, const QString &scenario)
{
    const QString notes = wb::ui::readTextResource(
        QStringLiteral(":/modules/threads/ui/lessons/scenario-%1.md").arg(scenario));
    if (notes.isEmpty())
        return viewLesson;
    return viewLesson + QStringLiteral("\n\n---\n\n") + notes;
}

QList<wb::ui::SourceHighlight> threadHighlights(ThreadsSession &session)
{
    QList<wb::ui::SourceHighlight> out;
    const wb::Event *current = session.controller()->currentEvent();
    const ThreadsState &s = session.stateAtCursor();
    for (const auto &[number, t] : s.threads) {
        if (t.state == ThreadState::Done || t.line == 0)
            continue;
        wb::ui::SourceHighlight h{QString::fromStdString(t.file), static_cast<int>(t.line),
                                  threadColor(number), threadLabel(number)};
        if (current && current->thread == number)
            out.prepend(h);
        else
            out.append(h);
    }
    return out;
}

namespace {

// The console and output.txt: one above the other in the narrow column beside the timeline,
// side by side when they are below it with the page's whole width to share.
class ConsoleFilePanel : public QWidget
{
public:
    ConsoleFilePanel(QWidget *console, QWidget *file, QLabel *fileTitle, FileBytesView *bytes)
        : m_box(new QBoxLayout(QBoxLayout::TopToBottom, this)), m_console(console), m_file(file),
          m_fileTitle(fileTitle), m_bytes(bytes)
    {
        m_box->setContentsMargins(0, 0, 0, 0);
        m_box->addWidget(console, 3);
        m_box->addWidget(file, 2);
    }

    // Its titles wrap, but the panel does not ask for a height to match its width: beside or
    // under the timeline it takes the height the split gives it, and the drawing keeps its
    // share.
    bool hasHeightForWidth() const override { return false; }

    // Side by side, at least the height that shows every byte of output.txt.
    QSize minimumSizeHint() const override
    {
        QSize size = QWidget::minimumSizeHint();
        if (m_box->direction() == QBoxLayout::LeftToRight && !m_file->isHidden()) {
            const int half = (width() - m_box->spacing()) / 2;
            size.setHeight(std::max(size.height(), m_fileTitle->heightForWidth(half) +
                                                       m_box->spacing() +
                                                       m_bytes->heightForWidth(half)));
        }
        return size;
    }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        const int column = fontMetrics().averageCharWidth() * 30;
        const bool across = event->size().width() >= 2 * column;
        const auto direction = across ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
        if (direction != m_box->direction()) {
            m_box->setDirection(direction);
            m_box->setStretchFactor(m_console, across ? 1 : 3);
            m_box->setStretchFactor(m_file, across ? 1 : 2);
        }
        QWidget::resizeEvent(event);
        if (event->size().width() != event->oldSize().width())
            updateGeometry(); // the minimum height above follows the width
    }

private:
    QBoxLayout *m_box;
    QWidget *m_console;
    QWidget *m_file;
    QLabel *m_fileTitle;
    FileBytesView *m_bytes;
};

// The console list: a few lines are enough to ask for; it grows with the room it gets.
class ConsoleList : public QListView
{
public:
    QSize sizeHint() const override
    {
        return {QListView::sizeHint().width(), fontMetrics().lineSpacing() * 6 + 8};
    }
};

// A splitter that asks for little more than its minimum height. The page is as tall as its
// parts prefer (the controls above it wrap, so the page's height follows its width), and a
// tall preference would push the trace table below the window; any height the window has
// left over still goes to the drawing.
class CompactSplitter : public QSplitter
{
public:
    using QSplitter::QSplitter;
    QSize sizeHint() const override
    {
        QSize hint = QSplitter::sizeHint();
        hint.setHeight(minimumSizeHint().height() + fontMetrics().height() * 2);
        return hint;
    }
};

} // namespace

TimelinePage::TimelinePage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : SessionPage(session, parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_canvas(new TimelineCanvas(m_session.get())),
      m_console(new ConsoleModel(m_session.get(), this)), m_consoleView(new ConsoleList),
      m_fileTitle(new QLabel), m_file(new FileBytesView), m_fileBox(new QWidget),
      m_table(new wb::ui::TraceTable)
{
    m_consoleView->setModel(m_console);
    m_consoleView->setSelectionMode(QAbstractItemView::NoSelection);
    m_consoleView->setToolTip(tr("What the scenario printed, up to the cursor"));
    m_consoleView->setAccessibleName(tr("Console"));
    m_consoleView->setAccessibleDescription(tr("What the scenario printed, up to the cursor"));
    // Long lines wrap instead of scrolling sideways.
    m_consoleView->setWordWrap(true);
    m_consoleView->setResizeMode(QListView::Adjust);
    // A long run prints tens of thousands of lines, each wrapped to the width: laid out in
    // batches while the event loop is idle, so stepping stays quick; a short console is laid
    // out in the first batch, as before.
    m_consoleView->setLayoutMode(QListView::Batched);
    m_consoleView->setBatchSize(512);
    m_consoleView->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_consoleView->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    m_consoleView->setMinimumHeight(m_consoleView->fontMetrics().lineSpacing() * 3 + 8);
    m_fileTitle->setText(
        tr("<b>output.txt</b> — each byte on its writer's colour, T2's also underlined"));
    m_fileTitle->setWordWrap(true);

    auto *consoleTitle = new QLabel(tr("<b>Console</b> (up to the cursor)"));
    consoleTitle->setWordWrap(true);
    auto *consoleBox = new QWidget;
    auto *consoleCol = new QVBoxLayout(consoleBox);
    consoleCol->setContentsMargins(0, 0, 0, 0);
    consoleCol->addWidget(consoleTitle);
    consoleCol->addWidget(m_consoleView, 1);
    auto *fileCol = new QVBoxLayout(m_fileBox);
    fileCol->setContentsMargins(0, 0, 0, 0);
    fileCol->addWidget(m_fileTitle);
    fileCol->addWidget(m_file, 1);
    fileCol->addStretch(0);

    // The console beside the timeline while both fit, below it otherwise.
    m_across = new wb::ui::AdaptiveSplit(
        m_canvas, new ConsoleFilePanel(consoleBox, m_fileBox, m_fileTitle, m_file));
    m_across->setStretch(3, 1);
    sizeSidePanel();
    auto *across = m_across;

    auto *down = new CompactSplitter(Qt::Vertical);
    down->addWidget(across);
    down->addWidget(m_table);
    down->setStretchFactor(0, 3);
    down->setStretchFactor(1, 1);
    down->setSizes({500, 160});

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runBar);
    col->addWidget(down, 1);

    m_table->setController(m_session->controller());
    ThreadsSession *s = m_session.get();
    connect(s, &ThreadsSession::runStarted, this, [this] {
        m_canvas->fit();
        m_lessonScenario = m_session->scenario();
        emit lessonChanged();
        requestRefresh();
    });
    connect(m_runBar, &RunBar::scenarioSelected, this, [this](const QString &id) {
        m_lessonScenario = id;
        emit lessonChanged();
    });

    m_session->ensureOpeningExample();
    m_lessonScenario = m_session->scenario();
    refresh();
}

TimelinePage::~TimelinePage() = default;

void TimelinePage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        sizeSidePanel();
}

void TimelinePage::sizeSidePanel()
{
    m_across->setSideWidth(fontMetrics().averageCharWidth() * 34, 0);
}

void TimelinePage::refresh()
{
    m_console->sync();
    m_consoleView->scrollToBottom();
    const ThreadsState &s = m_session->stateAtCursor();
    const bool fetch = m_session->scenario().startsWith(QLatin1String("fetch"));
    m_fileBox->setVisible(fetch);
    if (fetch) {
        const std::string file = s.file;
        const std::vector<int> writers = s.fileWriters;
        const std::size_t newest = m_session->stateAt(m_session->timeline().processed).file.size();
        m_file->setFile(file, writers, newest);
    }
    m_canvas->refresh();
    emit highlightsChanged();
}

QStringList TimelinePage::consoleLines() const
{
    QStringList lines;
    for (int i = 0; i < m_console->rowCount(); ++i)
        lines << m_console->data(m_console->index(i), Qt::DisplayRole).toString();
    return lines;
}

QString TimelinePage::lessonMarkdown() const
{
    const QString scenario = m_lessonScenario.isEmpty() ? m_session->scenario() : m_lessonScenario;
    return lessonWithScenario(
        wb::ui::readTextResource(QStringLiteral(":/modules/threads/ui/lessons/timeline.md")),
        scenario);
}

QStringList TimelinePage::sourceFiles() const
{
    return threadsSources();
}

QList<wb::ui::SourceHighlight> TimelinePage::sourceHighlights() const
{
    return threadHighlights(*m_session);
}

void TimelinePage::shutdown()
{
    m_session->shutdown();
}

wb::Recording TimelinePage::recording() const
{
    return m_session->recording();
}

bool TimelinePage::showRecording(const wb::Recording &recording, QString *error)
{
    return m_session->showRecording(recording, error);
}

std::vector<std::pair<std::string, std::string>> TimelinePage::recordingSettings() const
{
    return wb::threads::recordingSettings(m_session->recordedRun());
}

bool TimelinePage::acceptsEvent(const wb::Event &event) const
{
    return isThreadsEvent(event);
}

} // namespace wb::threads::ui
