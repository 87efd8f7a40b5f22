#include "sequencediagram.h"
#include "common.h"

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

// The libvirt driver's methods: in-process calls on the compute host, no broker involved.
bool isDriverMethod(const QString &m)
{
    return m == QLatin1String("to_xml") || m == QLatin1String("apply_ruleset") ||
           m == QLatin1String("_create_image") || m == QLatin1String("createXML");
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
    if (component == QLatin1String("user"))
        return User;
    if (component == QLatin1String("api"))
        return Api;
    if (component == QLatin1String("cloud"))
        return Cloud;
    if (component == QLatin1String("scheduler"))
        return Scheduler;
    if (component == QLatin1String("network"))
        return Network;
    if (component.startsWith(QLatin1String("compute")))
        return Compute;
    return -1;
}

void SequenceModel::build(const wb::Trace &trace, qsizetype begin, qsizetype end)
{
    rows.clear();
    exchangeColumn = Exchange;
    QString host;
    end = std::min<qsizetype>(end, static_cast<qsizetype>(trace.size()));
    for (qsizetype i = std::max<qsizetype>(0, begin); i < end; ++i) {
        const wb::Event &e = trace.at(static_cast<std::size_t>(i));
        RowKind kind;
        if (e.kind == "cast")
            kind = RowKind::Cast;
        else if (e.kind == "call")
            kind = RowKind::Call;
        else if (e.kind == "reply")
            kind = RowKind::Reply;
        else if (e.kind == "local")
            kind = RowKind::Local;
        else
            continue;
        DiagramRow r;
        r.seq = i;
        r.n = static_cast<int>(e.intField("n"));
        r.method = QString::fromStdString(e.stringField("method"));
        r.routingKey = QString::fromStdString(e.stringField("routing_key"));
        r.detail = QString::fromStdString(e.stringField("detail"));
        r.msgId = QString::fromStdString(e.stringField("msg_id"));
        const QString from = QString::fromStdString(e.stringField("from"));
        const QString to = QString::fromStdString(e.stringField("to"));
        for (const QString &c : {from, to})
            if (c.startsWith(QLatin1String("compute.")))
                host = c;
        r.fromColumn = columnOf(from);
        r.toColumn = columnOf(to);
        if (r.fromColumn < 0 || r.toColumn < 0)
            continue;
        r.kind = kind;
        if (kind == RowKind::Local && isDriverMethod(r.method)) {
            r.kind = RowKind::Driver;
            r.toColumn = Libvirt;
        }
        rows.push_back(r);
    }
    lifelines = standardLifelines(host.mid(8));
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

void SequenceDiagram::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    m_labelRects.clear();
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    const QColor faded = fadedText(pal, base);
    const QColor lines = lineColor(pal, base);
    const QColor accent = wb::ui::stateColor("accent");
    const QFontMetrics fm(font());
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics bfm(bold);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.88);
    const QFontMetrics sfm(small);
    const int head = headerHeight();
    const int legend = legendHeight();
    const double right = width() - kScrollWidth - 4;

    // Lifelines: dashed verticals under a box with the component's name.
    const double bodyTop = head, bodyBottom = height() - legend;
    for (int c = 0; c < static_cast<int>(m_model.lifelines.size()); ++c) {
        const double x = columnX(c);
        const bool exchange = c == m_model.exchangeColumn;
        p.setPen(QPen(exchange ? accent : lines, exchange ? 2.2 : 1,
                      exchange ? Qt::SolidLine : Qt::DashLine));
        p.drawLine(QPointF(x, bodyTop), QPointF(x, bodyBottom));
    }

    // Rows up to the cursor.
    p.save();
    p.setClipRect(QRectF(0, bodyTop, right + 4, bodyBottom - bodyTop));
    const double offset = bodyTop - m_scroll->value();
    auto label = [&](QRectF want, const QString &s, const QColor &c, bool strong) {
        // Text on a backing of the page colour, kept inside the widget; bold is wider.
        if (strong)
            want.setWidth(bfm.horizontalAdvance(s) + 6);
        QRectF r = want;
        if (r.right() > right)
            r.moveRight(right);
        if (r.left() < 4)
            r.moveLeft(4);
        p.fillRect(r.adjusted(-2, 0, 2, 0), base); // opaque: the text keeps its contrast
        p.setFont(strong ? bold : font());
        p.setPen(c);
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, s);
        m_labelRects.push_back(r);
        return r;
    };
    auto badge = [&](QPointF centre, int n, const QColor &c) {
        const double rad = fm.height() * 0.5;
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawEllipse(centre, rad, rad);
        p.setBrush(Qt::NoBrush);
        p.setFont(small);
        p.setPen(inkOn(c));
        p.drawText(QRectF(centre.x() - rad, centre.y() - rad, 2 * rad, 2 * rad), Qt::AlignCenter,
                   QString::number(n));
    };
    const double lh = fm.height();
    for (int i = 0; i <= m_current && i < static_cast<int>(m_model.rows.size()); ++i) {
        const DiagramRow &r = m_model.rows[static_cast<std::size_t>(i)];
        const double top = offset + rowTop(i);
        const double h = rowHeight(r);
        if (top > bodyBottom || top + h < bodyTop)
            continue;
        const bool current = i == m_current;
        if (current)
            p.fillRect(QRectF(0, top, right + 4, h), cursorBand(pal));
        const QColor c = rowKindColor(r.kind, pal);
        const double penWidth = current ? 2.6 : 1.6;
        const double x0 = columnX(r.fromColumn), x1 = columnX(r.toColumn);
        const double ex = columnX(m_model.exchangeColumn);
        QString words;
        switch (r.kind) {
        case RowKind::Cast:
        case RowKind::Call: {
            // publish: sender -> exchange; deliver: exchange -> the queue bound with the key.
            const double y = top + lh + 8, y2 = y + 13;
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
            words =
                QStringLiteral("%1 %2   key %3").arg(rowKindName(r.kind), r.method, r.routingKey);
            const double w = fm.horizontalAdvance(words) + 6;
            const double start = std::min(x0, ex) + 14;
            const QRectF at =
                label(QRectF(start + lh, top + 2, w, lh), words, current ? text : c, current);
            badge(QPointF(at.left() - lh * 0.5 - 3, top + 2 + lh / 2), r.n, c);
            break;
        }
        case RowKind::Reply: {
            const double y = top + lh + 8;
            p.setPen(QPen(c, penWidth, Qt::DashLine));
            p.drawLine(QPointF(x0, y), QPointF(x1, y));
            arrowHead(p, QPointF(x1, y), x1 > x0 ? 1 : -1, c, false);
            words = tr("reply %1   via direct exchange %2…").arg(r.method, r.msgId.left(8));
            const double w = fm.horizontalAdvance(words) + 6;
            const double start = std::min(x0, x1) + 14;
            const QRectF at =
                label(QRectF(start + lh, top + 2, w, lh), words, current ? text : c, current);
            badge(QPointF(at.left() - lh * 0.5 - 3, top + 2 + lh / 2), r.n, c);
            break;
        }
        case RowKind::Driver: {
            const double y = top + lh + 8;
            p.setPen(QPen(c, penWidth, kindPenStyle(r.kind)));
            p.drawLine(QPointF(x0, y), QPointF(x1, y));
            arrowHead(p, QPointF(x1, y), 1, c, true);
            words =
                r.detail.isEmpty() ? r.method : QStringLiteral("%1: %2").arg(r.method, r.detail);
            const double w = (current ? bfm : fm).horizontalAdvance(words) + 6;
            // Right-aligned at the libvirt lifeline: the driver is the far right column.
            const QRectF at =
                label(QRectF(x1 + m_columns.width[Libvirt] * 0.45 - w, top + 2, w, lh), words,
                      current ? text : c, current);
            badge(QPointF(at.left() - lh * 0.5 - 3, top + 2 + lh / 2), r.n, c);
            break;
        }
        case RowKind::Local: {
            const QRectF box(x0 - 4, top + 3, 8, h - 6);
            p.fillRect(box, current ? accent : lines);
            words =
                r.detail.isEmpty() ? r.method : QStringLiteral("%1: %2").arg(r.method, r.detail);
            const double w = (current ? bfm : fm).horizontalAdvance(words) + 6;
            // Text on the side with more room.
            const bool leftSide = x0 > width() * 0.6;
            const double bx = leftSide ? x0 - 8 - w : x0 + 8 + lh + 4;
            const QRectF at = label(QRectF(bx, top + (h - lh) / 2, w, lh), words,
                                    current ? text : faded, current);
            badge(QPointF(leftSide ? at.right() + lh * 0.5 + 3 : at.left() - lh * 0.5 - 3,
                          at.center().y()),
                  r.n, current ? accent : lines);
            break;
        }
        }
    }
    if (m_model.rows.empty() || m_current < 0) {
        p.setPen(faded);
        p.drawText(QRectF(0, bodyTop + 20, right, 3 * lh), Qt::AlignCenter,
                   m_model.rows.empty() ? tr("No launch yet: press Launch instance.")
                                        : tr("Before the first message: step forward ▶"));
    }
    p.restore();

    // Header boxes, drawn over the rows that scroll under them.
    p.fillRect(QRectF(0, 0, width(), head), pal.color(QPalette::Window));
    const QFontMetrics tfm(m_columns.title), stfm(m_columns.subtitle);
    for (int c = 0; c < static_cast<int>(m_model.lifelines.size()); ++c) {
        const double x = columnX(c);
        const double colWidth = m_columns.width[static_cast<std::size_t>(c)];
        const bool exchange = c == m_model.exchangeColumn;
        const QRectF box(x - colWidth / 2 + 2, 4, colWidth - 4, head - 8);
        p.setPen(QPen(exchange ? accent : lines, exchange ? 2 : 1));
        p.setBrush(base);
        p.drawRoundedRect(box, 4, 4);
        p.setBrush(Qt::NoBrush);
        const auto &l = m_model.lifelines[static_cast<std::size_t>(c)];
        const QRectF inner = box.adjusted(2, 3, -2, -3);
        p.setFont(m_columns.title);
        p.setPen(exchange ? accent : text);
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), tfm.height()), Qt::AlignCenter,
                   tfm.elidedText(l.title, Qt::ElideRight, int(inner.width())));
        // The subtitle on one line when it fits, else wrapped onto two.
        p.setFont(m_columns.subtitle);
        p.setPen(faded);
        const QRectF sub(inner.left(), inner.top() + tfm.height(), inner.width(),
                         inner.bottom() - inner.top() - tfm.height());
        if (stfm.horizontalAdvance(l.subtitle) <= inner.width())
            p.drawText(QRectF(sub.left(), sub.top(), sub.width(), stfm.height() + 2),
                       Qt::AlignCenter, l.subtitle);
        else
            p.drawText(sub, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, l.subtitle);
    }

    // Legend, on as many rows as the width needs.
    const double ly = height() - legend;
    p.fillRect(QRectF(0, ly, width(), legend), pal.color(QPalette::Window));
    p.setFont(small);
    const auto items = legendItems();
    double lx = 10, my = ly + sfm.height() / 2.0 + 5;
    for (const auto &it : items) {
        const double w = 46 + sfm.horizontalAdvance(it.name);
        if (lx + w > right && lx > 10) {
            lx = 10;
            my += sfm.height() + 4;
        }
        if (it.kind == RowKind::Local) {
            p.fillRect(QRectF(lx + 10, my - 6, 7, 12),
                       lineColor(pal, pal.color(QPalette::Window)));
        } else {
            const QColor c = rowKindColor(it.kind, pal);
            p.setPen(QPen(c, 1.8, kindPenStyle(it.kind)));
            p.drawLine(QPointF(lx, my), QPointF(lx + 26, my));
            arrowHead(p, QPointF(lx + 28, my), 1, c,
                      it.kind != RowKind::Cast && it.kind != RowKind::Reply);
        }
        p.setPen(text);
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
