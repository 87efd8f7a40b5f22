#include "sequencediagram.h"
#include "common.h"

#include "nova/core/launch_replay.h"

#include "workbench/core/trace.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/theme.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace wb::nova::ui {

namespace {

// Column order: the callers on the left of the exchange, the network and compute side on its
// right, so most messages cross the exchange lifeline on their way, as they do on the wire.
enum Column { User, Api, Cloud, Scheduler, Exchange, Network, Compute, Libvirt, ColumnCount };

static_assert(ColumnCount == kLaneCount && Exchange == static_cast<int>(Lane::Exchange) &&
              Libvirt == static_cast<int>(Lane::Libvirt));

RowKind rowKindOf(MessageKind k)
{
    switch (k) {
    case MessageKind::Cast:
        return RowKind::Cast;
    case MessageKind::Call:
        return RowKind::Call;
    case MessageKind::Reply:
        return RowKind::Reply;
    case MessageKind::Driver:
        return RowKind::Driver;
    case MessageKind::Local:
        break;
    }
    return RowKind::Local;
}

void arrowHead(QPainter &p, QPointF tip, double dir, const QColor &c, bool filled)
{
    const double s = 8;
    const QPointF a = tip + QPointF(-dir * s, -s * 0.5);
    const QPointF b = tip + QPointF(-dir * s, s * 0.5);
    p.save();
    if (filled) {
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawPolygon(QPolygonF{tip, a, b});
    } else {
        p.setPen(QPen(c, 1.6));
        p.drawLine(a, tip);
        p.drawLine(b, tip);
    }
    p.restore();
}

// Driver calls are dotted, replies dashed, casts and calls solid: the kinds differ by more
// than their colour (calls also have a filled head, casts an open one).
Qt::PenStyle kindPenStyle(RowKind k)
{
    return k == RowKind::Reply ? Qt::DashLine : k == RowKind::Driver ? Qt::DotLine : Qt::SolidLine;
}

constexpr int kScrollWidth = 12;
constexpr double kMargin = 6;    // left and right of the columns
constexpr double kHeaderPad = 8; // inside a header box, around its text

// The components in column order; `host` names the compute host once one is chosen.
std::vector<Lifeline> standardLifelines(const QString &host)
{
    return {{QObject::tr("user"), QObject::tr("euca2ools")},
            {QObject::tr("api"), QObject::tr("EC2 API")},
            {QObject::tr("cloud"), QObject::tr("controller")},
            {QObject::tr("scheduler"), QObject::tr("picks a host")},
            {QObject::tr("nova"), QObject::tr("exchange")},
            {QObject::tr("network"), QObject::tr("fixed IPs")},
            {QObject::tr("compute"), host.isEmpty() ? QObject::tr("a host") : host},
            {QObject::tr("libvirt"), QObject::tr("qemu")}};
}

// The smallest the header fonts get, as a share of the widget's font.
constexpr double kSmallestHeader = 0.8;

} // namespace

QString rowKindName(RowKind k)
{
    switch (k) {
    case RowKind::Cast:
        return QStringLiteral("cast");
    case RowKind::Call:
        return QStringLiteral("call");
    case RowKind::Reply:
        return QStringLiteral("reply");
    case RowKind::Driver:
        return QStringLiteral("driver");
    case RowKind::Local:
        break;
    }
    return QStringLiteral("local");
}

QColor rowKindColor(RowKind k, const QPalette &pal)
{
    const QColor base = pal.color(QPalette::Base), window = pal.color(QPalette::Window);
    QColor c;
    switch (k) {
    case RowKind::Call:
        c = wb::ui::seriesColor(0);
        break;
    case RowKind::Cast:
        c = wb::ui::seriesColor(5);
        break;
    case RowKind::Reply:
        c = wb::ui::seriesColor(2);
        break;
    case RowKind::Driver:
        c = wb::ui::seriesColor(3);
        break;
    case RowKind::Local:
        return lineColor(pal, base);
    }
    // Painting asks for these once per row: the search for a readable shade is done once per
    // palette.
    static std::map<std::tuple<int, QRgb, QRgb, QRgb>, QColor> known;
    const auto key = std::make_tuple(static_cast<int>(k), c.rgba(), base.rgba(), window.rgba());
    const auto it = known.find(key);
    if (it != known.end())
        return it->second;
    return known[key] = readable(readable(c, base), window);
}

// ---------------------------------------------------------------------------------------------
// Model

int SequenceModel::columnOf(const QString &component) const
{
    const auto lane = laneOf(component.toStdString());
    return lane ? static_cast<int>(*lane) : -1;
}

void SequenceModel::build(const wb::Trace &trace, qsizetype begin, qsizetype end)
{
    rows.clear();
    exchangeColumn = Exchange;
    const LaunchMessages messages =
        launchMessages(trace, static_cast<std::size_t>(std::max<qsizetype>(0, begin)),
                       static_cast<std::size_t>(std::max<qsizetype>(0, end)));
    for (const LaunchMessage &m : messages.rows) {
        DiagramRow r;
        r.seq = static_cast<qsizetype>(m.position);
        r.kind = rowKindOf(m.kind);
        r.n = m.n;
        r.fromColumn = static_cast<int>(m.from);
        r.toColumn = static_cast<int>(m.to);
        r.method = qs(m.method);
        r.routingKey = qs(m.routingKey);
        r.detail = qs(m.detail);
        r.msgId = qs(m.msgId);
        rows.push_back(r);
    }
    lifelines = standardLifelines(qs(messages.computeHost));
}

int SequenceModel::currentRow(qsizetype cursor) const
{
    int current = -1;
    for (int i = 0; i < static_cast<int>(rows.size()); ++i)
        if (rows[static_cast<std::size_t>(i)].seq < cursor)
            current = i;
    return current;
}

// ---------------------------------------------------------------------------------------------
// Widget

SequenceDiagram::SequenceDiagram(QWidget *parent) : QWidget(parent), m_scroll(new QScrollBar(this))
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    m_scroll->setOrientation(Qt::Vertical);
    connect(m_scroll, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
    setToolTip(tr("Click a row to move the cursor there. Wheel: scroll."));
}

int SequenceDiagram::headerHeight() const
{
    // The name, then its subtitle on one line, or on two when the columns are too narrow
    // for it on one.
    const QFontMetrics tfm(m_columns.title), sfm(m_columns.subtitle);
    return tfm.height() + sfm.height() * (m_columns.subtitles ? 1 : 2) + 16;
}

int SequenceDiagram::legendHeight() const
{
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.88);
    const QFontMetrics sfm(small);
    const double right = width() - kScrollWidth - 4;
    int rows = 1;
    double lx = 10;
    for (const auto &it : legendItems()) {
        const double w = 46 + sfm.horizontalAdvance(it.name);
        if (lx + w > right && lx > 10) {
            ++rows;
            lx = 10;
        }
        lx += w;
    }
    return rows * (sfm.height() + 4) + 8;
}

SequenceDiagram::Columns SequenceDiagram::layoutColumns(double usable) const
{
    const std::vector<Lifeline> lifelines =
        m_model.lifelines.empty() ? standardLifelines(QString()) : m_model.lifelines;
    const std::size_t n = lifelines.size();
    Columns cols;
    std::vector<double> need(n);
    auto measure = [&](double scale, bool subtitles) {
        cols.title = font();
        cols.title.setBold(true);
        cols.title.setPointSizeF(font().pointSizeF() * scale);
        cols.subtitle = font();
        cols.subtitle.setPointSizeF(font().pointSizeF() * scale * 0.88);
        cols.subtitles = subtitles;
        const QFontMetricsF tfm(cols.title), sfm(cols.subtitle);
        double total = 0;
        for (std::size_t c = 0; c < n; ++c) {
            double w = tfm.horizontalAdvance(lifelines[c].title);
            if (subtitles)
                w = std::max(w, sfm.horizontalAdvance(lifelines[c].subtitle));
            need[c] = w + 2 * kHeaderPad;
            total += need[c];
        }
        return total;
    };
    // Full names with their subtitles if they fit; then smaller; then names alone.
    bool fits = false;
    for (bool subtitles : {true, false}) {
        for (double scale : {1.0, 0.9, kSmallestHeader}) {
            if (measure(scale, subtitles) <= usable) {
                fits = true;
                break;
            }
        }
        if (fits)
            break;
    }
    if (!fits)
        measure(kSmallestHeader, false); // narrower than the minimum: names are elided
    double total = 0;
    for (double w : need)
        total += w;
    const double extra = (usable - total) / std::max<std::size_t>(1, n);
    double x = kMargin;
    for (std::size_t c = 0; c < n; ++c) {
        const double w = std::max(16.0, need[c] + extra);
        cols.width.push_back(w);
        cols.centre.push_back(x + w / 2);
        x += w;
    }
    return cols;
}

void SequenceDiagram::relayout()
{
    m_columns = layoutColumns(width() - kScrollWidth - 2 * kMargin);
}

QSize SequenceDiagram::minimumSizeHint() const
{
    // As wide as the names at the smallest header font, without their subtitles.
    const std::vector<Lifeline> lifelines =
        m_model.lifelines.empty() ? standardLifelines(QString()) : m_model.lifelines;
    QFont title = font();
    title.setBold(true);
    title.setPointSizeF(font().pointSizeF() * kSmallestHeader);
    const QFontMetricsF tfm(title);
    double total = 0;
    for (const auto &l : lifelines)
        total += tfm.horizontalAdvance(l.title) + 2 * kHeaderPad;
    const int lh = QFontMetrics(font()).height();
    return {static_cast<int>(std::ceil(total + kScrollWidth + 2 * kMargin)),
            headerHeight() + 6 * lh + 4 * lh};
}

double SequenceDiagram::columnX(int column) const
{
    if (column < 0 || column >= static_cast<int>(m_columns.centre.size()))
        return kMargin;
    return m_columns.centre[static_cast<std::size_t>(column)];
}

double SequenceDiagram::rowHeight(const DiagramRow &r) const
{
    const double lh = QFontMetrics(font()).height();
    switch (r.kind) {
    case RowKind::Cast:
    case RowKind::Call:
        return lh + 30;
    case RowKind::Reply:
    case RowKind::Driver:
        return lh + 18;
    case RowKind::Local:
        break;
    }
    return lh + 8;
}

double SequenceDiagram::contentHeight() const
{
    return m_rowTops.empty() ? 0.0 : m_rowTops.back() + rowHeight(m_model.rows.back()) + 10;
}

double SequenceDiagram::rowTop(int index) const
{
    return m_rowTops[static_cast<std::size_t>(index)];
}

void SequenceDiagram::setModel(SequenceModel model)
{
    m_model = std::move(model);
    relayout();
    updateGeometry();
    m_rowTops.clear();
    double y = 6;
    for (const auto &r : m_model.rows) {
        m_rowTops.push_back(y);
        y += rowHeight(r);
    }
    m_current = m_model.currentRow(m_cursor);
    updateScroll(true);
    update();
}

void SequenceDiagram::setCursor(qsizetype cursor)
{
    m_cursor = cursor;
    m_current = m_model.currentRow(cursor);
    updateScroll(true);
    update();
}

int SequenceDiagram::drawnRows() const
{
    return m_current + 1;
}

void SequenceDiagram::changeEvent(QEvent *e)
{
    QWidget::changeEvent(e);
    if (e->type() == QEvent::FontChange) {
        relayout();
        updateGeometry();
        resizeEvent(nullptr);
    }
}

void SequenceDiagram::resizeEvent(QResizeEvent *)
{
    relayout();
    m_scroll->setGeometry(width() - kScrollWidth, headerHeight(), kScrollWidth,
                          std::max(0, height() - headerHeight() - legendHeight()));
    updateScroll(true);
}

void SequenceDiagram::updateScroll(bool follow)
{
    const double view = height() - headerHeight() - legendHeight();
    const int max = std::max(0, static_cast<int>(std::ceil(contentHeight() - view)));
    m_scroll->setRange(0, max);
    m_scroll->setPageStep(static_cast<int>(std::max(10.0, view)));
    m_scroll->setSingleStep(20);
    m_scroll->setVisible(max > 0);
    if (follow && m_current >= 0 && max > 0) {
        // Keep the current row in view, with the row after it when there is room.
        const auto &r = m_model.rows[static_cast<std::size_t>(m_current)];
        const double top = rowTop(m_current);
        const double bottom = top + rowHeight(r) + 40;
        int v = m_scroll->value();
        if (bottom - v > view)
            v = static_cast<int>(bottom - view);
        if (top - v < 0)
            v = static_cast<int>(top) - 6;
        m_scroll->setValue(std::clamp(v, 0, max));
    }
}

void SequenceDiagram::wheelEvent(QWheelEvent *e)
{
    m_scroll->setValue(m_scroll->value() - e->angleDelta().y() / 2);
    e->accept();
}

void SequenceDiagram::mousePressEvent(QMouseEvent *e)
{
    if (e->button() != Qt::LeftButton)
        return;
    const double y = e->position().y() - headerHeight() + m_scroll->value();
    for (int i = 0; i < static_cast<int>(m_model.rows.size()); ++i) {
        const auto &r = m_model.rows[static_cast<std::size_t>(i)];
        if (y >= rowTop(i) && y < rowTop(i) + rowHeight(r)) {
            emit rowClicked(r.seq);
            return;
        }
    }
}

SequenceDiagram::PaintLayout SequenceDiagram::paintLayout() const
{
    PaintLayout l{palette(), font(), font(), font()};
    l.text = l.pal.color(QPalette::Text);
    l.base = l.pal.color(QPalette::Base);
    l.faded = fadedText(l.pal, l.base);
    l.lines = lineColor(l.pal, l.base);
    l.accent = wb::ui::stateColor("accent");
    l.bold.setBold(true);
    l.small.setPointSizeF(l.small.pointSizeF() * 0.88);
    l.lh = QFontMetrics(l.font).height();
    l.head = headerHeight();
    l.legend = legendHeight();
    l.right = width() - kScrollWidth - 4;
    l.bodyTop = l.head;
    l.bodyBottom = height() - l.legend;
    return l;
}

void SequenceDiagram::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    m_labelRects.clear();
    const PaintLayout l = paintLayout();
    drawLifelines(p, l);
    drawRows(p, l);
    drawHeaders(p, l);
    drawLegend(p, l);
}

void SequenceDiagram::drawLifelines(QPainter &p, const PaintLayout &l) const
{
    // Dashed verticals under a box with the component's name; the exchange solid.
    for (int c = 0; c < static_cast<int>(m_model.lifelines.size()); ++c) {
        const double x = columnX(c);
        const bool exchange = c == m_model.exchangeColumn;
        p.setPen(QPen(exchange ? l.accent : l.lines, exchange ? 2.2 : 1,
                      exchange ? Qt::SolidLine : Qt::DashLine));
        p.drawLine(QPointF(x, l.bodyTop), QPointF(x, l.bodyBottom));
    }
}

QRectF SequenceDiagram::drawLabel(QPainter &p, const PaintLayout &l, QRectF want, const QString &s,
                                  const QColor &c, bool strong)
{
    // Text on a backing of the page colour, kept inside the widget; bold is wider.
    if (strong)
        want.setWidth(QFontMetrics(l.bold).horizontalAdvance(s) + 6);
    QRectF r = want;
    if (r.right() > l.right)
        r.moveRight(l.right);
    if (r.left() < 4)
        r.moveLeft(4);
    p.fillRect(r.adjusted(-2, 0, 2, 0), l.base); // opaque: the text keeps its contrast
    p.setFont(strong ? l.bold : l.font);
    p.setPen(c);
    p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, s);
    m_labelRects.push_back(r);
    return r;
}

void SequenceDiagram::drawBadge(QPainter &p, const PaintLayout &l, QPointF centre, int n,
                                const QColor &c) const
{
    const double rad = l.lh * 0.5;
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawEllipse(centre, rad, rad);
    p.setBrush(Qt::NoBrush);
    p.setFont(l.small);
    p.setPen(inkOn(c));
    p.drawText(QRectF(centre.x() - rad, centre.y() - rad, 2 * rad, 2 * rad), Qt::AlignCenter,
               QString::number(n));
}

void SequenceDiagram::drawRows(QPainter &p, const PaintLayout &l)
{
    // The rows up to the cursor, scrolled under the header.
    p.save();
    p.setClipRect(QRectF(0, l.bodyTop, l.right + 4, l.bodyBottom - l.bodyTop));
    const double offset = l.bodyTop - m_scroll->value();
    for (int i = 0; i <= m_current && i < static_cast<int>(m_model.rows.size()); ++i) {
        const DiagramRow &r = m_model.rows[static_cast<std::size_t>(i)];
        const RowBand band{offset + rowTop(i), rowHeight(r), i == m_current};
        if (band.top > l.bodyBottom || band.top + band.height < l.bodyTop)
            continue;
        if (band.current)
            p.fillRect(QRectF(0, band.top, l.right + 4, band.height), cursorBand(l.pal));
        switch (r.kind) {
        case RowKind::Cast:
        case RowKind::Call:
            drawPublishRow(p, l, r, band);
            break;
        case RowKind::Reply:
            drawReplyRow(p, l, r, band);
            break;
        case RowKind::Driver:
            drawDriverRow(p, l, r, band);
            break;
        case RowKind::Local:
            drawLocalRow(p, l, r, band);
            break;
        }
    }
    if (m_model.rows.empty() || m_current < 0) {
        p.setPen(l.faded);
        p.drawText(QRectF(0, l.bodyTop + 20, l.right, 3 * l.lh), Qt::AlignCenter,
                   m_model.rows.empty() ? tr("No launch yet: press Launch instance.")
                                        : tr("Before the first message: step forward ▶"));
    }
    p.restore();
}

void SequenceDiagram::drawPublishRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                                     const RowBand &band)
{
    // publish: sender -> exchange; deliver: exchange -> the queue bound with the key.
    const QColor c = rowKindColor(r.kind, l.pal);
    const double penWidth = band.current ? 2.6 : 1.6;
    const double x0 = columnX(r.fromColumn), x1 = columnX(r.toColumn);
    const double ex = columnX(m_model.exchangeColumn);
    const double y = band.top + l.lh + 8, y2 = y + 13;
    const bool filled = r.kind == RowKind::Call;
    p.setPen(QPen(c, penWidth));
    p.drawLine(QPointF(x0, y), QPointF(ex, y));
    arrowHead(p, QPointF(ex, y), ex > x0 ? 1 : -1, c, filled);
    p.setPen(QPen(c, penWidth * 0.8));
    p.drawLine(QPointF(ex, y), QPointF(ex, y2));
    p.drawLine(QPointF(ex, y2), QPointF(x1, y2));
    arrowHead(p, QPointF(x1, y2), x1 > ex ? 1 : -1, c, filled);
    p.setBrush(c);
    p.drawEllipse(QPointF(ex, y), 3, 3);
    p.setBrush(Qt::NoBrush);
    drawArrowLabel(
        p, l, r, band, std::min(x0, ex) + 14,
        QStringLiteral("%1 %2   key %3").arg(rowKindName(r.kind), r.method, r.routingKey));
}

void SequenceDiagram::drawArrowLabel(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                                     const RowBand &band, double start, const QString &words)
{
    // Above the arrow, after the step's badge.
    const QColor c = rowKindColor(r.kind, l.pal);
    const double w = QFontMetrics(l.font).horizontalAdvance(words) + 6;
    const QRectF at = drawLabel(p, l, QRectF(start + l.lh, band.top + 2, w, l.lh), words,
                                band.current ? l.text : c, band.current);
    drawBadge(p, l, QPointF(at.left() - l.lh * 0.5 - 3, band.top + 2 + l.lh / 2), r.n, c);
}

void SequenceDiagram::drawReplyRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                                   const RowBand &band)
{
    const QColor c = rowKindColor(r.kind, l.pal);
    const double x0 = columnX(r.fromColumn), x1 = columnX(r.toColumn);
    const double y = band.top + l.lh + 8;
    p.setPen(QPen(c, band.current ? 2.6 : 1.6, Qt::DashLine));
    p.drawLine(QPointF(x0, y), QPointF(x1, y));
    arrowHead(p, QPointF(x1, y), x1 > x0 ? 1 : -1, c, false);
    drawArrowLabel(p, l, r, band, std::min(x0, x1) + 14,
                   tr("reply %1   via direct exchange %2…").arg(r.method, r.msgId.left(8)));
}

void SequenceDiagram::drawDriverRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                                    const RowBand &band)
{
    const QColor c = rowKindColor(r.kind, l.pal);
    const double x0 = columnX(r.fromColumn), x1 = columnX(r.toColumn);
    const double y = band.top + l.lh + 8;
    p.setPen(QPen(c, band.current ? 2.6 : 1.6, kindPenStyle(r.kind)));
    p.drawLine(QPointF(x0, y), QPointF(x1, y));
    arrowHead(p, QPointF(x1, y), 1, c, true);
    const QString words =
        r.detail.isEmpty() ? r.method : QStringLiteral("%1: %2").arg(r.method, r.detail);
    const double w = QFontMetrics(band.current ? l.bold : l.font).horizontalAdvance(words) + 6;
    // Right-aligned at the libvirt lifeline: the driver is the far right column.
    const QRectF at =
        drawLabel(p, l, QRectF(x1 + m_columns.width[Libvirt] * 0.45 - w, band.top + 2, w, l.lh),
                  words, band.current ? l.text : c, band.current);
    drawBadge(p, l, QPointF(at.left() - l.lh * 0.5 - 3, band.top + 2 + l.lh / 2), r.n, c);
}

void SequenceDiagram::drawLocalRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                                   const RowBand &band)
{
    const double x0 = columnX(r.fromColumn);
    const QRectF box(x0 - 4, band.top + 3, 8, band.height - 6);
    p.fillRect(box, band.current ? l.accent : l.lines);
    const QString words =
        r.detail.isEmpty() ? r.method : QStringLiteral("%1: %2").arg(r.method, r.detail);
    const double w = QFontMetrics(band.current ? l.bold : l.font).horizontalAdvance(words) + 6;
    // Text on the side with more room.
    const bool leftSide = x0 > width() * 0.6;
    const double bx = leftSide ? x0 - 8 - w : x0 + 8 + l.lh + 4;
    const QRectF at = drawLabel(p, l, QRectF(bx, band.top + (band.height - l.lh) / 2, w, l.lh),
                                words, band.current ? l.text : l.faded, band.current);
    drawBadge(p, l,
              QPointF(leftSide ? at.right() + l.lh * 0.5 + 3 : at.left() - l.lh * 0.5 - 3,
                      at.center().y()),
              r.n, band.current ? l.accent : l.lines);
}

void SequenceDiagram::drawHeaders(QPainter &p, const PaintLayout &l) const
{
    // Header boxes, drawn over the rows that scroll under them.
    p.fillRect(QRectF(0, 0, width(), l.head), l.pal.color(QPalette::Window));
    const QFontMetrics tfm(m_columns.title), stfm(m_columns.subtitle);
    for (int c = 0; c < static_cast<int>(m_model.lifelines.size()); ++c) {
        const double x = columnX(c);
        const double colWidth = m_columns.width[static_cast<std::size_t>(c)];
        const bool exchange = c == m_model.exchangeColumn;
        const QRectF box(x - colWidth / 2 + 2, 4, colWidth - 4, l.head - 8);
        p.setPen(QPen(exchange ? l.accent : l.lines, exchange ? 2 : 1));
        p.setBrush(l.base);
        p.drawRoundedRect(box, 4, 4);
        p.setBrush(Qt::NoBrush);
        const auto &line = m_model.lifelines[static_cast<std::size_t>(c)];
        const QRectF inner = box.adjusted(2, 3, -2, -3);
        p.setFont(m_columns.title);
        p.setPen(exchange ? l.accent : l.text);
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), tfm.height()), Qt::AlignCenter,
                   tfm.elidedText(line.title, Qt::ElideRight, int(inner.width())));
        // The subtitle on one line when it fits, else wrapped onto two.
        p.setFont(m_columns.subtitle);
        p.setPen(l.faded);
        const QRectF sub(inner.left(), inner.top() + tfm.height(), inner.width(),
                         inner.bottom() - inner.top() - tfm.height());
        if (stfm.horizontalAdvance(line.subtitle) <= inner.width())
            p.drawText(QRectF(sub.left(), sub.top(), sub.width(), stfm.height() + 2),
                       Qt::AlignCenter, line.subtitle);
        else
            p.drawText(sub, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, line.subtitle);
    }
}

void SequenceDiagram::drawLegend(QPainter &p, const PaintLayout &l) const
{
    // On as many rows as the width needs.
    const QFontMetrics sfm(l.small);
    const double ly = height() - l.legend;
    p.fillRect(QRectF(0, ly, width(), l.legend), l.pal.color(QPalette::Window));
    p.setFont(l.small);
    double lx = 10, my = ly + sfm.height() / 2.0 + 5;
    for (const auto &it : legendItems()) {
        const double w = 46 + sfm.horizontalAdvance(it.name);
        if (lx + w > l.right && lx > 10) {
            lx = 10;
            my += sfm.height() + 4;
        }
        if (it.kind == RowKind::Local) {
            p.fillRect(QRectF(lx + 10, my - 6, 7, 12),
                       lineColor(l.pal, l.pal.color(QPalette::Window)));
        } else {
            const QColor c = rowKindColor(it.kind, l.pal);
            p.setPen(QPen(c, 1.8, kindPenStyle(it.kind)));
            p.drawLine(QPointF(lx, my), QPointF(lx + 26, my));
            arrowHead(p, QPointF(lx + 28, my), 1, c,
                      it.kind != RowKind::Cast && it.kind != RowKind::Reply);
        }
        p.setPen(l.text);
        p.drawText(QPointF(lx + 34, my + sfm.ascent() / 2.0 - 1), it.name);
        lx += w;
    }
}

std::vector<SequenceDiagram::LegendItem> SequenceDiagram::legendItems() const
{
    return {{RowKind::Call, tr("call: waits for the reply")},
            {RowKind::Cast, tr("cast: fire and forget")},
            {RowKind::Reply, tr("reply")},
            {RowKind::Driver, tr("driver call (no broker)")},
            {RowKind::Local, tr("work inside a component")}};
}

} // namespace wb::nova::ui
