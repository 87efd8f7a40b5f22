#include "topologyview.h"
#include "runpanel.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

namespace wb::messaging::ui {

QColor keyColor(const std::string &key)
{
    const bool dark = wb::ui::currentTheme() == wb::ui::Theme::Dark;
    auto shade = [&](QColor c, const std::string &rest) {
        if (rest.find("small") != std::string::npos)
            return dark ? c.lighter(125) : c.lighter(118);
        if (rest.find("large") != std::string::npos)
            return c.darker(125);
        return c;
    };
    if (key.rfind("odd", 0) == 0 || key.find("parity=odd") != std::string::npos)
        return shade(dark ? QColor(245, 150, 60) : QColor(224, 110, 20), key.substr(3));
    if (key.rfind("even", 0) == 0 || key.find("parity=even") != std::string::npos)
        return shade(dark ? QColor(90, 160, 250) : QColor(30, 100, 210), key.substr(4));
    if (key.empty())
        return dark ? QColor(150, 150, 155) : QColor(140, 140, 145);
    return QColor::fromHsv(static_cast<int>(qHash(QString::fromStdString(key)) % 360), 160, 200);
}

QColor readable(const QColor &color, const QColor &background)
{
    // A little above 4.5:1, so rounding the colour to 8 bits per channel never takes it under.
    return wb::ui::readableOn(color, background, 4.6);
}

QColor inkOn(const QColor &fill)
{
    const QColor white(Qt::white), black(Qt::black);
    return wb::ui::contrastRatio(white, fill) >= wb::ui::contrastRatio(black, fill) ? white
                                                                                    : black;
}

QColor keyLineColor(const std::string &key, const QPalette &pal)
{
    // The key's colour without the small / large shade: a line is one colour per parity.
    std::string parity = key;
    if (key.rfind("odd", 0) == 0 || key.find("parity=odd") != std::string::npos)
        parity = "odd";
    else if (key.rfind("even", 0) == 0 || key.find("parity=even") != std::string::npos)
        parity = "even";
    // Painting asks for this once per token: the search for a readable shade is done once per
    // key and palette.
    static std::map<std::tuple<std::string, QRgb, QRgb>, QColor> known;
    const QColor base = pal.color(QPalette::Base), alternate = pal.color(QPalette::AlternateBase);
    auto id = std::make_tuple(parity, base.rgba(), alternate.rgba());
    const auto it = known.find(id);
    if (it != known.end())
        return it->second;
    if (known.size() > 256) // keys from a hash: keep the cache small
        known.clear();
    return known[std::move(id)] = readable(readable(keyColor(parity), base), alternate);
}

namespace {

constexpr qint64 kTravelNs = 600'000'000; // how long a token takes along one edge, live
constexpr int kTokensPerEdge = 8;         // more than this on one edge: a stream with a count
constexpr double kPad = 8;                // around the drawing
constexpr double kBandGap = 10;           // between the queues' bands
constexpr double kConsumerGap = 6;        // between the consumers of one queue
constexpr double kAckStub = 56;           // the line acked messages leave a consumer along
// Below this the drawing is not shrunk further (the canvas's minimum size keeps it there in
// the usual scenarios); text under about three quarters of its size is hard to read.
constexpr double kLegibleScale = 0.75;
// With room to spare (a large window) the drawing grows, up to this, for the back rows.
constexpr double kLargestScale = 1.6;

// The shape of a routing key's tokens, so odd and even differ by more than their colour.
enum class Shape { Circle, Square, Diamond };

// Topic keys end in ".small" (50 or less) or ".large": small tokens carry a dot.
bool isSmallKey(const std::string &key)
{
    return key.find("small") != std::string::npos;
}
bool isLargeKey(const std::string &key)
{
    return key.find("large") != std::string::npos;
}

// What the canvas draws with, from its palette when it paints.
struct Colours
{
    explicit Colours(const QPalette &pal)
        : base(pal.color(QPalette::Base)), boxFill(pal.color(QPalette::AlternateBase)),
          text(pal.color(QPalette::Text)),
          // Muted text sits on Base and inside the boxes (AlternateBase).
          muted(readable(readable(pal.color(QPalette::PlaceholderText), boxFill), base)),
          // Edges and box outlines are lines on Base.
          edge(readable(readable(pal.color(QPalette::Mid), base), boxFill)),
          accent(wb::ui::stateColor("accent"))
    {}
    QColor base, boxFill, text, muted, edge, accent;
};

Shape keyShape(const std::string &key)
{
    if (key.rfind("odd", 0) == 0 || key.find("parity=odd") != std::string::npos)
        return Shape::Circle;
    if (key.rfind("even", 0) == 0 || key.find("parity=even") != std::string::npos)
        return Shape::Square;
    return Shape::Diamond;
}

// The fonts of the drawing and the sizes that follow from them.
struct Fonts
{
    explicit Fonts(const QFont &base) : bold(base), small(base), fb(bold), fs(small)
    {
        bold.setBold(true);
        fb = QFontMetricsF(bold);
        fs = QFontMetricsF(small);
        token = std::max(12.0, std::round(fs.height() * 0.75));
    }
    QFont bold, small;
    QFontMetricsF fb, fs;
    double token;
};

// What the producer and exchange boxes say, line by line: the layout sizes them to fit.
struct Captions
{
    QStringList producer, exchange;
    QString bin;
};

// Where each box of the topology is, for one size of the canvas and one state. The rects
// are in the drawing's own coordinates; `scale` maps them onto the widget.
struct Layout
{
    double scale = 1;
    QRectF producer, exchange, dropped;
    std::map<std::string, QRectF> queueNames;  // the name line above a queue's box
    std::map<std::string, QRectF> queues;      // the box holding the ready tokens
    std::map<std::string, QRectF> queueStatus; // the counts under it
    std::map<std::string, QRectF> consumers;
};

// The queues in the scenario's order (odds, evens, smalls), then any other.
std::vector<std::string> queueOrder(const MessagingState &s)
{
    std::vector<std::string> out;
    for (const char *name : {"odds", "evens", "smalls"})
        if (s.queues.count(name))
            out.emplace_back(name);
    for (const auto &[name, q] : s.queues)
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    return out;
}

QString queueStatusText(const QueueView &q)
{
    return QObject::tr("ready %1 · unacked %2").arg(q.ready).arg(q.unacked);
}

QString bindingLabel(const std::string &key)
{
    return QString::fromStdString(key.empty() ? "(empty key)" : key);
}

double widest(const QFontMetricsF &fm, const QStringList &lines)
{
    double w = 0;
    for (const QString &l : lines)
        w = std::max(w, fm.horizontalAdvance(l));
    return w;
}

// The part of the drawing's size that does not depend on the canvas: the boxes sized to
// their text, the gaps to the tokens and binding keys on the edges.
struct Needs
{
    double producer, exchange, queue, consumer; // widths
    double gap1, gap2, gap3; // producer-exchange, exchange-queues, queues-consumers
    double legend, producerH, exchangeH, binH, queueBlock, queueBox, consumerH;
    std::vector<double> bands; // per queue
    double width() const
    {
        return 2 * kPad + producer + gap1 + exchange + gap2 + queue + gap3 + consumer;
    }
    double height(bool bin) const
    {
        double h = 0;
        for (double b : bands)
            h += b;
        h += kBandGap * static_cast<double>(std::max<std::size_t>(1, bands.size()) - 1);
        h = std::max({h, producerH, exchangeH + (bin ? 20 + binH : 0)});
        return 2 * kPad + legend + h;
    }
};

// Consumers per queue, in the order of the consumers' tags.
std::map<std::string, std::vector<std::string>> consumersByQueue(const MessagingState &s)
{
    std::map<std::string, std::vector<std::string>> out;
    for (const auto &[tag, c] : s.consumers)
        out[c.queue].push_back(tag);
    return out;
}

Needs needsFor(const MessagingState &s, const Captions &cap, const Fonts &f,
               const std::vector<std::string> &order)
{
    Needs n;
    const double line = f.fs.height(), bline = f.fb.height();
    n.producer = std::max(f.fb.horizontalAdvance(cap.producer.value(0)),
                          widest(f.fs, cap.producer.mid(1))) +
                 16;
    n.exchange = std::max(f.fb.horizontalAdvance(cap.exchange.value(0)),
                          widest(f.fs, cap.exchange.mid(1))) +
                 16;
    n.producerH = bline + line * static_cast<double>(cap.producer.size() - 1) + 14;
    n.exchangeH = bline + line * static_cast<double>(cap.exchange.size() - 1) + 14;
    n.binH = 2 * line + 12;
    // Queues: the name (and durability) above, at least a few tokens, the counts below.
    n.queue = std::max(
        {f.fs.horizontalAdvance(QObject::tr("ready 99 · unacked 99")), 6 * (f.token + 3) + 12});
    for (const std::string &name : order)
        n.queue = std::max(n.queue, f.fb.horizontalAdvance(QString::fromStdString(name)) +
                                        f.fs.horizontalAdvance(QObject::tr(" · transient")));
    n.queueBox = f.token + 14;
    n.queueBlock = bline + 2 + n.queueBox + 8 + line;
    // Consumers: tag and prefetch on the first line, the held tokens, the counts.
    double tag = f.fb.horizontalAdvance(QStringLiteral("odds-10"));
    for (const auto &[t, c] : s.consumers)
        tag = std::max(tag, f.fb.horizontalAdvance(QString::fromStdString(t)));
    // The middle line holds six tokens (more show as a count) and, on its right, the stub acks
    // leave along.
    n.consumer = std::max({tag + 12 + f.fs.horizontalAdvance(QObject::tr("prefetch 100")),
                           f.fs.horizontalAdvance(QObject::tr("unacked 99 · acked 999")),
                           6 * (f.token * 0.8 + 3) + kAckStub + 8}) +
                 14;
    n.consumerH = bline + f.token * 0.8 + 6 + line + 10;
    // Edges: room for a few travelling tokens and, after the exchange, the binding keys.
    double pill = 0;
    for (const auto &b : s.bindings)
        pill = std::max(pill, f.fs.horizontalAdvance(bindingLabel(b.key)) + 14);
    n.gap1 = 2 * f.token + 16;
    n.gap2 = std::max(n.gap1, pill + 2 * f.token + 16);
    n.gap3 = 2 * f.token + 12;
    n.legend = std::max(f.fb.height(), f.token) + 12;
    const auto mine = consumersByQueue(s);
    for (const std::string &name : order) {
        const auto it = mine.find(name);
        const double k = it == mine.end() ? 0 : static_cast<double>(it->second.size());
        n.bands.push_back(std::max(n.queueBlock, k * n.consumerH + (k - 1) * kConsumerGap));
    }
    return n;
}

Layout layOut(QSizeF size, const MessagingState &s, const Captions &cap, const Fonts &f)
{
    Layout l;
    const auto order = queueOrder(s);
    const Needs n = needsFor(s, cap, f, order);
    const bool bin = s.totals.unroutable > 0;
    l.scale = std::min({kLargestScale, size.width() / n.width(), size.height() / n.height(bin)});
    const double w = size.width() / l.scale, h = size.height() / l.scale;

    // Extra width goes mostly to the queues (more tokens in a line) and the edges; the boxes
    // of text grow a little, up to a limit.
    double extra = w - n.width();
    auto grow = [&](double need, double share, double cap) {
        return need + std::min(extra * share, std::max(0.0, cap - need));
    };
    const double pw = grow(n.producer, 0.06, 190), ew = grow(n.exchange, 0.08, 250);
    const double cw = grow(n.consumer, 0.12, 300);
    const double g1 = grow(n.gap1, 0.10, 160), g3 = grow(n.gap3, 0.10, 160);
    const double g2 = grow(n.gap2, 0.20, 260);
    const double qw = w - 2 * kPad - pw - g1 - ew - g2 - g3 - cw;

    const double x0 = kPad;
    const double top = kPad + n.legend, bottom = h - kPad;
    double bandsHeight =
        kBandGap * static_cast<double>(std::max<std::size_t>(1, order.size()) - 1);
    for (double b : n.bands)
        bandsHeight += b;
    const double spare = std::max(0.0, (bottom - top) - bandsHeight);
    const double perBand = order.empty() ? 0 : spare / static_cast<double>(order.size());
    const double boxH = n.queueBox + std::min(perBand * 0.4, 30.0);
    const double qLeft = x0 + pw + g1 + ew + g2, cLeft = qLeft + qw + g3;
    const auto mine = consumersByQueue(s);
    double y = top;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::string &name = order[i];
        const double band = n.bands[i] + perBand;
        const double block = n.queueBlock - n.queueBox + boxH;
        const double bTop = y + (band - block) / 2;
        l.queueNames[name] = QRectF(qLeft, bTop, qw, f.fb.height());
        const QRectF box(qLeft, bTop + f.fb.height() + 2, qw, boxH);
        l.queues[name] = box;
        l.queueStatus[name] = QRectF(qLeft, box.bottom() + 8, qw, f.fs.height());
        const auto it = mine.find(name);
        if (it != mine.end()) {
            const double k = static_cast<double>(it->second.size());
            const double stack = k * n.consumerH + (k - 1) * kConsumerGap;
            const double cTop = std::clamp(box.center().y() - stack / 2, y, y + band - stack);
            for (std::size_t j = 0; j < it->second.size(); ++j)
                l.consumers[it->second[j]] =
                    QRectF(cLeft, cTop + (n.consumerH + kConsumerGap) * static_cast<double>(j), cw,
                           n.consumerH);
        }
        y += band + kBandGap;
    }
    // Producer and exchange face the middle of the queues; the bin of unroutable messages
    // hangs under the exchange.
    double midY = top + (bottom - top) / 2;
    if (bin)
        midY = std::min(midY, bottom - n.binH - 20 - n.exchangeH / 2);
    l.producer = QRectF(x0, midY - n.producerH / 2, pw, n.producerH);
    l.exchange = QRectF(x0 + pw + g1, midY - n.exchangeH / 2, ew, n.exchangeH);
    l.dropped = QRectF(l.exchange.left(), l.exchange.bottom() + 20, ew, n.binH);
    return l;
}

void drawShape(QPainter &p, QPointF at, Shape shape, double size)
{
    const double r = size / 2;
    switch (shape) {
    case Shape::Circle:
        p.drawEllipse(at, r, r);
        break;
    case Shape::Square:
        p.drawRect(QRectF(at.x() - r * 0.9, at.y() - r * 0.9, r * 1.8, r * 1.8));
        break;
    case Shape::Diamond:
        p.drawPolygon(QPolygonF{at + QPointF(0, -r * 1.1), at + QPointF(r * 1.1, 0),
                                at + QPointF(0, r * 1.1), at + QPointF(-r * 1.1, 0)});
        break;
    }
}

// One message: its routing key's colour and shape, outlined in the key's line colour; small
// ones carry a dot in the middle, redelivered ones a ring inside.
void paintToken(QPainter &p, const QPalette &pal, QPointF at, const std::string &key, double size,
                bool ring = false)
{
    const QColor c = keyColor(key);
    const Shape shape = keyShape(key);
    const QColor ink = inkOn(c);
    p.setPen(QPen(keyLineColor(key, pal), 1.2));
    p.setBrush(c);
    drawShape(p, at, shape, size);
    if (ring) {
        p.setPen(QPen(ink, 1.5));
        p.setBrush(Qt::NoBrush);
        drawShape(p, at, shape, size - 6);
    }
    if (isSmallKey(key)) {
        p.setPen(Qt::NoPen);
        p.setBrush(ink);
        p.drawEllipse(at, size * 0.14 + 0.6, size * 0.14 + 0.6);
    }
}

void drawBox(QPainter &p, const QRectF &r, const QColor &fill, const QColor &edge, double radius)
{
    p.setPen(QPen(edge, 1.4));
    p.setBrush(fill);
    p.drawRoundedRect(r, radius, radius);
}

// Lines of text centred in `r` from the top, the first one bold.
void drawLines(QPainter &p, const QRectF &r, const QStringList &lines, const Fonts &f,
               const QColor &first, const QColor &rest)
{
    double y = r.top();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        p.setFont(i == 0 ? f.bold : f.small);
        p.setPen(i == 0 ? first : rest);
        const double lh = i == 0 ? f.fb.height() : f.fs.height();
        p.drawText(QRectF(r.left(), y, r.width(), lh), Qt::AlignCenter, lines[i]);
        y += lh;
    }
}

Captions captionsFor(MessagingSession *session)
{
    const auto &cfg = session->config();
    const MessagingState &s = session->stateAtCursor();
    const std::string exchange = cfg.exchange;
    Captions c;
    c.producer = QStringList{QObject::tr("producer"),
                             session->unpaced() ? QObject::tr("no pause")
                                                : QObject::tr("%1 /s").arg(cfg.rate),
                             cfg.persistent ? QObject::tr("persistent") : QObject::tr("transient"),
                             QObject::tr("published %1").arg(s.totals.published)};
    const auto ex = s.exchanges.find(exchange);
    c.exchange = QStringList{QStringLiteral("“%1”").arg(QString::fromStdString(exchange))};
    if (ex != s.exchanges.end())
        c.exchange << QObject::tr("%1 exchange").arg(QString::fromStdString(ex->second.type))
                   << (ex->second.durable ? QObject::tr("durable") : QObject::tr("transient"));
    else
        c.exchange << QObject::tr("exchange") << QObject::tr("not declared yet");
    return c;
}

// The middle line of a consumer's box, where the tokens it holds sit.
double consumerTokenRow(const QRectF &consumer, const Fonts &f)
{
    return consumer.top() + 4 + f.fb.height() + f.token * 0.4 + 3;
}

QPointF along(QPointF a, QPointF b, double t)
{
    return a + (b - a) * std::clamp(t, 0.0, 1.0);
}

// ---- the parts of the drawing ----------------------------------------------------------------
// Each part takes the layout and the state at the cursor and paints through a Painting.

// What every part paints with, and what the legend needs to know about the tokens drawn.
struct Painting
{
    Painting(QPainter &painter, const QPalette &palette, const QFont &font,
             TopologyCanvas::PaintStats &paintStats)
        : p(painter), pal(palette), colours(palette), f(font), stats(paintStats)
    {}

    // Every message token goes through here, so the legend knows which kinds were drawn.
    void token(QPointF at, const std::string &key, double size, bool ring = false)
    {
        stats.otherKeys |= keyShape(key) == Shape::Diamond;
        sizes |= isSmallKey(key) || isLargeKey(key);
        paintToken(p, pal, at, key, size, ring);
    }

    QPainter &p;
    const QPalette &pal;
    const Colours colours;
    const Fonts f;
    TopologyCanvas::PaintStats &stats;
    bool sizes = false; // tokens of small or large keys were drawn: the legend explains the dot
};

// How the tokens on the edges move: live, in wall time; stepping, the move of the event at
// the cursor.
struct Motion
{
    bool live = false;
    qint64 now = 0;           // ns on the trace's clock (live)
    std::uint64_t cursor = 0; // the cursor's position (stepping)
};

// The edge from the exchange to a queue a binding puts there (none for a binding of another
// exchange or to a queue not drawn).
std::optional<QLineF> bindingEdge(const Layout &l, const BindingView &b,
                                  const std::string &exchange)
{
    if (b.exchange != exchange || !l.queues.count(b.queue))
        return std::nullopt;
    const QRectF q = l.queues.at(b.queue);
    return QLineF(QPointF(l.exchange.right(), l.exchange.center().y()),
                  QPointF(q.left(), q.center().y()));
}

// Producer to exchange, the bindings in their keys' colours, queues to their consumers.
void drawEdges(Painting &g, const Layout &l, const MessagingState &s, const std::string &exchange)
{
    QPainter &p = g.p;
    p.setPen(QPen(g.colours.edge, 1.6));
    p.drawLine(QPointF(l.producer.right(), l.producer.center().y()),
               QPointF(l.exchange.left(), l.exchange.center().y()));
    for (const auto &b : s.bindings)
        if (const auto edge = bindingEdge(l, b, exchange)) {
            p.setPen(QPen(keyLineColor(b.key, g.pal), 2.0));
            p.drawLine(*edge);
        }
    for (const auto &[tag, c] : s.consumers) {
        if (!l.queues.count(c.queue) || !l.consumers.count(tag))
            continue;
        const QRectF q = l.queues.at(c.queue), r = l.consumers.at(tag);
        p.setPen(QPen(g.colours.edge, 1.6));
        p.drawLine(QPointF(q.right(), q.center().y()), QPointF(r.left(), r.center().y()));
    }
}

void drawProducerAndExchange(Painting &g, const Layout &l, const MessagingState &s,
                             const Captions &cap, const std::string &exchange)
{
    const Colours &c = g.colours;
    const bool haveExchange = s.exchanges.count(exchange) > 0;
    drawBox(g.p, l.producer, c.boxFill, c.edge, 6);
    drawLines(g.p, l.producer.adjusted(6, 7, -6, -4), cap.producer, g.f, c.text, c.text);
    drawBox(g.p, l.exchange, haveExchange ? c.boxFill : g.pal.color(QPalette::Base),
            haveExchange ? c.accent : c.muted, 10);
    drawLines(g.p, l.exchange.adjusted(6, 7, -6, -4), cap.exchange, g.f,
              haveExchange ? c.text : c.muted, haveExchange ? c.text : c.muted);
}

// Under the exchange, once some message matched no binding: how many, and their fate.
void drawUnroutableBin(Painting &g, const Layout &l, const MessagingState &s)
{
    if (s.totals.unroutable == 0)
        return;
    QPainter &p = g.p;
    p.setPen(QPen(g.colours.edge, 1.2, Qt::DashLine));
    p.drawLine(QPointF(l.exchange.center().x(), l.exchange.bottom()),
               QPointF(l.dropped.center().x(), l.dropped.top()));
    drawBox(p, l.dropped, g.pal.color(QPalette::Base), wb::ui::stateColor("blocked"), 6);
    drawLines(p, l.dropped.adjusted(4, 5, -4, -4),
              {TopologyCanvas::tr("no route: %1").arg(s.totals.unroutable),
               s.totals.returned ? TopologyCanvas::tr("returned %1").arg(s.totals.returned)
                                 : TopologyCanvas::tr("dropped silently")},
              g.f, g.colours.text, g.colours.text);
}

// Each queue: its name and durability, its ready messages as tokens (the head on the right,
// next to the consumers), the counts, and a depth bar.
void drawQueues(Painting &g, const Layout &l, const MessagingState &s)
{
    QPainter &p = g.p;
    const Colours &c = g.colours;
    const Fonts &f = g.f;
    for (const auto &[name, r] : l.queues) {
        const QueueView &q = s.queues.at(name);
        drawBox(p, r, c.boxFill, c.edge, 4);
        const QRectF nameLine = l.queueNames.at(name);
        const QString title = QString::fromStdString(name);
        p.setFont(f.bold);
        p.setPen(c.text);
        p.drawText(nameLine, Qt::AlignLeft | Qt::AlignBottom, title);
        p.setFont(f.small);
        p.setPen(c.muted);
        p.drawText(nameLine.adjusted(f.fb.horizontalAdvance(title), 0, 0, 0),
                   Qt::AlignLeft | Qt::AlignBottom,
                   q.durable ? TopologyCanvas::tr(" · durable")
                             : TopologyCanvas::tr(" · transient"));
        p.setPen(c.text);
        p.drawText(l.queueStatus.at(name), Qt::AlignLeft | Qt::AlignVCenter, queueStatusText(q));
        const QRectF inner = r.adjusted(6, 6, -6, -6);
        const double step = f.token + 3;
        const int capacity = std::max(1, static_cast<int>(inner.width() / step));
        const auto shown = std::min<std::size_t>(q.waiting.size(), capacity);
        const bool more = q.waiting.size() > static_cast<std::size_t>(capacity);
        for (std::size_t i = 0; i < shown - (more ? 1 : 0) && shown > 0; ++i) {
            const QPointF at(inner.right() - step * (static_cast<double>(i) + 0.5),
                             inner.center().y());
            const auto &w = q.waiting[i];
            g.token(at, w.msg ? s.routingKeyOf(w.msg) : w.routingKey, f.token);
            ++g.stats.tokens;
        }
        if (more) {
            p.setPen(c.text);
            p.drawText(QRectF(inner.left(), inner.top(), step * 3, inner.height()),
                       Qt::AlignVCenter | Qt::AlignLeft,
                       TopologyCanvas::tr("+%1").arg(q.waiting.size() - shown + 1));
            ++g.stats.aggregated;
        }
        // A depth bar under the box: ready (solid) and unacked (outlined), on a log-like scale.
        const double total = static_cast<double>(q.ready + q.unacked);
        if (total > 0) {
            const double scale = r.width() / std::max(total, std::max<double>(capacity, 1) * 2);
            const QRectF bar(r.left(), r.bottom() + 2, 0, 5);
            p.setPen(Qt::NoPen);
            p.setBrush(c.accent);
            p.drawRect(bar.adjusted(0, 0, std::min(r.width(), scale * q.ready), 0));
            p.setPen(QPen(c.accent, 1.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(QRectF(bar.left() + std::min(r.width(), scale * q.ready), bar.top(),
                              std::min(r.width(), scale * q.unacked), 5)
                           .adjusted(0.5, 0.5, -0.5, -0.5));
        }
    }
}

// Each consumer: its tag and prefetch, the deliveries it holds unacked as tokens, the counts.
void drawConsumers(Painting &g, const Layout &l, const MessagingState &s)
{
    QPainter &p = g.p;
    const Colours &colours = g.colours;
    const Fonts &f = g.f;
    for (const auto &[tag, r] : l.consumers) {
        const ConsumerView &c = s.consumers.at(tag);
        drawBox(p, r, colours.boxFill, wb::ui::stateColor("running"), 6);
        const QRectF inner = r.adjusted(7, 4, -7, -4);
        p.setFont(f.bold);
        p.setPen(colours.text);
        p.drawText(inner, Qt::AlignTop | Qt::AlignLeft, QString::fromStdString(tag));
        p.setFont(f.small);
        p.setPen(colours.muted);
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), f.fb.height()),
                   Qt::AlignVCenter | Qt::AlignRight,
                   TopologyCanvas::tr("prefetch %1")
                       .arg(c.prefetch ? QString::number(c.prefetch) : TopologyCanvas::tr("∞")));
        p.setPen(colours.text);
        p.drawText(inner, Qt::AlignBottom | Qt::AlignRight,
                   TopologyCanvas::tr("unacked %1 · acked %2").arg(c.holding.size()).arg(c.acked));
        const double held = f.token * 0.8, step = held + 3;
        const int capacity = std::max(1, static_cast<int>((inner.width() - kAckStub - 8) / step));
        const bool more = c.holding.size() > static_cast<std::size_t>(capacity);
        const auto shown =
            std::min<std::size_t>(c.holding.size(), std::max(0, capacity - (more ? 2 : 0)));
        const double rowY = consumerTokenRow(r, f);
        for (std::size_t i = 0; i < shown; ++i) {
            const QPointF at(inner.left() + held / 2 + step * static_cast<double>(i), rowY);
            g.token(at, s.routingKeyOf(c.holding[i]), held);
            ++g.stats.tokens;
        }
        if (more) {
            p.setPen(colours.text);
            p.drawText(QRectF(inner.left() + step * static_cast<double>(shown),
                              rowY - f.fs.height() / 2, step * 3, f.fs.height()),
                       Qt::AlignVCenter | Qt::AlignLeft,
                       TopologyCanvas::tr("+%1").arg(c.holding.size() - shown));
        }
    }
}

// One edge a message moves along, from a to z.
struct EdgeKey
{
    QPointF a, z;
    bool operator<(const EdgeKey &o) const
    {
        const auto key = [](const EdgeKey &e) {
            return std::make_tuple(e.a.x(), e.a.y(), e.z.x(), e.z.y());
        };
        return key(*this) < key(o);
    }
};

// A token on its way: how far along its edge it is.
struct Travel
{
    double t;
    std::string key;
    bool redelivered;
};

using Travels = std::map<EdgeKey, std::vector<Travel>>;

// Where the move `m` goes in the drawing; none when a box it needs is not drawn.
std::optional<EdgeKey> edgeOf(const Move &m, const Layout &l, const Fonts &f)
{
    const auto find = [](const std::map<std::string, QRectF> &boxes,
                         const std::string &name) -> const QRectF * {
        const auto it = boxes.find(name);
        return it == boxes.end() ? nullptr : &it->second;
    };
    const QRectF *q = find(l.queues, m.queue);
    const QRectF *c = find(l.consumers, m.consumer);
    switch (m.kind) {
    case MoveKind::Publish:
        return EdgeKey{{l.producer.right(), l.producer.center().y()},
                       {l.exchange.left(), l.exchange.center().y()}};
    case MoveKind::Route:
        if (!q)
            return std::nullopt;
        return EdgeKey{{l.exchange.right(), l.exchange.center().y()},
                       {q->left(), q->center().y()}};
    case MoveKind::Deliver:
        if (!q || !c)
            return std::nullopt;
        return EdgeKey{{q->right(), q->center().y()}, {c->left(), c->center().y()}};
    case MoveKind::Ack:
        if (!c)
            return std::nullopt;
        // Settled: the token leaves along a stub at the right of the held tokens.
        return EdgeKey{{c->right() - 7 - kAckStub, consumerTokenRow(*c, f)},
                       {c->right() - 7, consumerTokenRow(*c, f)}};
    case MoveKind::Requeue:
        if (!q)
            return std::nullopt;
        return EdgeKey{c ? QPointF(c->left(), c->center().y() + 8)
                         : QPointF(q->right() + 40, q->center().y()),
                       {q->right(), q->center().y() + 8}};
    case MoveKind::Drop:
        if (!q)
            return std::nullopt;
        return EdgeKey{{q->center().x(), q->bottom()}, {q->center().x(), q->bottom() + 24}};
    case MoveKind::Unroutable:
        return EdgeKey{{l.exchange.center().x(), l.exchange.bottom()},
                       {l.dropped.center().x(), l.dropped.top()}};
    case MoveKind::Return:
        return EdgeKey{{l.exchange.left(), l.exchange.center().y() + 14},
                       {l.producer.right(), l.producer.center().y() + 14}};
    }
    return std::nullopt;
}

// The tokens on the edges: live, every move of the last travel time; stepping, the move of
// the event at the cursor, most of the way there.
Travels travelsAt(const Layout &l, const MessagingState &s, const Fonts &f, const Motion &motion)
{
    Travels edges;
    for (auto it = s.moves.rbegin(); it != s.moves.rend(); ++it) {
        const Move &m = *it;
        double t;
        if (motion.live) {
            if (motion.now - m.tNs > kTravelNs)
                break;
            t = static_cast<double>(motion.now - m.tNs) / kTravelNs;
        } else {
            if (m.event + 1 != motion.cursor)
                break;
            t = 0.7;
        }
        if (const auto edge = edgeOf(m, l, f))
            edges[*edge].push_back({t, m.routingKey, m.redelivered});
    }
    return edges;
}

// The moving tokens; an edge with many is drawn as a stream with a count.
void drawTravels(Painting &g, const Layout &l, const MessagingState &s, const Motion &motion)
{
    QPainter &p = g.p;
    const Fonts &f = g.f;
    const double token = f.token;
    const Travels edges = travelsAt(l, s, f, motion);
    if (!motion.live) // stepping: the edge of the move at the cursor stands out
        for (const auto &[e, travels] : edges) {
            p.setPen(QPen(g.colours.accent, 3));
            p.drawLine(e.a, e.z);
        }
    // If the kept moves do not reach back a whole travel time, the edges carry more than
    // were kept: the counts below are scaled to the window.
    double scale = 1;
    if (motion.live && !s.moves.empty() && motion.now - s.moves.front().tNs < kTravelNs &&
        s.moves.size() >= MessagingState::kMoves)
        scale = static_cast<double>(kTravelNs) /
                static_cast<double>(std::max<qint64>(1, motion.now - s.moves.front().tNs));
    p.setFont(f.small);
    const double phase =
        motion.live ? std::fmod(static_cast<double>(motion.now) / kTravelNs, 1.0) : 0.0;
    for (const auto &[e, travels] : edges) {
        const bool many = travels.size() > static_cast<std::size_t>(kTokensPerEdge);
        if (!many) {
            for (const Travel &tr0 : travels) {
                g.token(along(e.a, e.z, tr0.t), tr0.key, token, tr0.redelivered);
                ++g.stats.tokens;
            }
            continue;
        }
        // A stream: evenly spaced tokens sliding along the edge, coloured like a sample of
        // what went that way, and the count.
        ++g.stats.aggregated;
        for (int i = 0; i < kTokensPerEdge; ++i) {
            const double t = std::fmod(static_cast<double>(i) / kTokensPerEdge + phase, 1.0);
            const Travel &sample = travels[travels.size() * static_cast<std::size_t>(i) /
                                           static_cast<std::size_t>(kTokensPerEdge)];
            g.token(along(e.a, e.z, t), sample.key, token * 0.85, sample.redelivered);
            ++g.stats.tokens;
        }
        if (QLineF(e.a, e.z).length() <= kAckStub + 1)
            continue; // the ack stub: the consumer box already counts them
        // The count sits beside the edge, near its start, clear of the binding key.
        const QLineF line(e.a, e.z);
        QPointF normal(-(e.z.y() - e.a.y()), e.z.x() - e.a.x());
        normal /= std::max(1.0, line.length());
        if (normal.y() > 0)
            normal = -normal;
        const QPointF mid = along(e.a, e.z, 0.22) + normal * (f.fs.height() * 0.5 + token);
        p.setPen(g.colours.text);
        p.drawText(
            QRectF(mid.x() - 40, mid.y() - f.fs.height() / 2, 80, f.fs.height()), Qt::AlignCenter,
            TopologyCanvas::tr("×%1").arg(qRound(static_cast<double>(travels.size()) * scale)));
    }
}

// The binding keys as pills on their edges, on top of the tokens.
void drawBindingKeys(Painting &g, const Layout &l, const MessagingState &s,
                     const std::string &exchange)
{
    QPainter &p = g.p;
    p.setFont(g.f.small);
    for (const auto &b : s.bindings) {
        const auto edge = bindingEdge(l, b, exchange);
        if (!edge)
            continue;
        const QString key = bindingLabel(b.key);
        const QRectF box = p.fontMetrics().boundingRect(key).adjusted(-7, -3, 7, 3);
        const QRectF pill = box.translated(along(edge->p1(), edge->p2(), 0.55) - box.center());
        drawBox(p, pill, g.pal.color(QPalette::Base), keyLineColor(b.key, g.pal),
                pill.height() / 2);
        p.setPen(g.colours.text);
        p.drawText(pill, Qt::AlignCenter, key);
    }
}

// What the token colours and shapes mean, along the top of the drawing: the kinds drawn.
void drawLegend(Painting &g)
{
    QPainter &p = g.p;
    const Fonts &f = g.f;
    const double token = f.token;
    p.setFont(f.small);
    QPointF at(kPad + token / 2, kPad + f.fb.height() / 2);
    auto label = [&](const QString &what) {
        p.setPen(g.colours.text);
        p.drawText(QRectF(at.x() + token * 0.8, at.y() - f.fs.height() / 2,
                          f.fs.horizontalAdvance(what) + 4, f.fs.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, what);
        at += QPointF(token * 0.8 + f.fs.horizontalAdvance(what) + 2 * token, 0);
    };
    g.token(at, "odd", token);
    label(TopologyCanvas::tr("routing key odd"));
    g.token(at, "even", token);
    label(TopologyCanvas::tr("routing key even"));
    g.token(at, "odd", token, true);
    label(TopologyCanvas::tr("redelivered"));
    if (g.stats.otherKeys) {
        g.token(at, "", token);
        label(TopologyCanvas::tr("other key"));
    }
    if (g.sizes) {
        g.token(at, "odd.small", token);
        label(TopologyCanvas::tr("small (50 or less)"));
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------

TopologyCanvas::TopologyCanvas(MessagingSession *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("Topology"));
    setAccessibleDescription(
        tr("The producer publishes to the exchange, which routes each message by its routing "
           "key along the bindings to the queues; consumers take messages from the queues. "
           "Odd keys are orange circles, even keys blue squares; small ones carry a dot."));
    m_frames.setInterval(33); // about 30 frames a second while a run is followed
    connect(&m_frames, &QTimer::timeout, this, &TopologyCanvas::animate);
    connect(session, &MessagingSession::runStarted, this, [this] { m_frames.start(); });
    connect(session, &MessagingSession::runFinished, this, [this] {
        m_frames.stop();
        update();
    });
    if (session->isRunning())
        m_frames.start();
}

QSize TopologyCanvas::minimumSizeHint() const
{
    // The odd/even scenario with three queues and a consumer on each, drawn at the smallest
    // legible scale.
    MessagingState typical;
    for (const char *q : {"odds", "evens", "smalls"}) {
        typical.queues[q].name = q;
        typical.consumers[std::string(q) + "-1"].queue = q;
    }
    typical.bindings.push_back({});
    typical.bindings.back().key = "odd.small";
    const Fonts f(font());
    const Needs n = needsFor(typical, captionsFor(m_session), f, queueOrder(typical));
    return {static_cast<int>(std::ceil(n.width() * kLegibleScale)),
            static_cast<int>(std::ceil(n.height(false) * kLegibleScale))};
}

QSize TopologyCanvas::sizeHint() const
{
    const QSize min = minimumSizeHint();
    return {static_cast<int>(min.width() / kLegibleScale * 1.2),
            static_cast<int>(min.height() / kLegibleScale * 1.2)};
}

void TopologyCanvas::animate()
{
    if (isVisible() && m_session->atNewest())
        update();
}

void TopologyCanvas::paintEvent(QPaintEvent *)
{
    QElapsedTimer clock;
    clock.start();
    m_stats = {};
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    Painting g(p, pal, font(), m_stats);
    if (!m_session->trace()) {
        p.setPen(g.colours.muted);
        p.drawText(rect(), Qt::AlignCenter, tr("Press Run to start the odd/even scenario."));
        return;
    }

    const MessagingState &s = m_session->stateAtCursor();
    const std::string exchange = m_session->config().exchange;
    const Captions cap = captionsFor(m_session);
    const Layout l = layOut(QSizeF(size()), s, cap, g.f);
    p.scale(l.scale, l.scale);
    const bool live = m_session->atNewest();
    const Motion motion{live, live ? m_session->nowNs() : 0,
                        static_cast<std::uint64_t>(std::max<qint64>(0, m_session->position()))};

    // Back to front: the edges, the boxes with the tokens they hold, the tokens on their
    // way, then the binding keys and the legend on top of everything.
    drawEdges(g, l, s, exchange);
    drawProducerAndExchange(g, l, s, cap, exchange);
    drawUnroutableBin(g, l, s);
    drawQueues(g, l, s);
    drawConsumers(g, l, s);
    drawTravels(g, l, s, motion);
    drawBindingKeys(g, l, s, exchange);
    drawLegend(g);

    m_stats.nanoseconds = clock.nsecsElapsed();
}

QList<Ink> messagingInks(const QPalette &pal)
{
    const Colours c(pal);
    const QColor window = pal.color(QPalette::Window);
    QList<Ink> inks;
    auto add = [&](const QString &what, const QColor &colour, const QColor &background) {
        inks.append({what, colour, background});
    };
    // The topology: text on the canvas (Base) and in the boxes (AlternateBase), the edges and
    // outlines, the routing keys' lines and the marks drawn on the tokens.
    for (const QColor &bg : {c.base, c.boxFill}) {
        const QString on = bg == c.base ? QStringLiteral(" on Base") : QStringLiteral(" in a box");
        add("text" + on, c.text, bg);
        add("muted text" + on, c.muted, bg);
        add("edge and outline" + on, c.edge, bg);
        add("exchange outline" + on, c.accent, bg);
        add("consumer outline" + on, wb::ui::stateColor("running"), bg);
        add("no-route outline" + on, wb::ui::stateColor("blocked"), bg);
        for (const char *key : {"odd", "even", "odd.small", "even.large", "parity=odd", "", "x"})
            add(QStringLiteral("key '%1' line%2").arg(key, on), keyLineColor(key, pal), bg);
    }
    for (const char *key :
         {"odd", "even", "odd.small", "odd.large", "even.small", "even.large", "", "x"})
        add(QStringLiteral("mark on a '%1' token").arg(key), inkOn(keyColor(key)), keyColor(key));
    // The run panel's broker status (on Window) and the rates plot's lines (on Base).
    for (const char *role : {"running", "waiting", "blocked"})
        add(QStringLiteral("broker status %1").arg(role), wb::ui::stateColor(role), window);
    for (int i : {0, 1, 2, 3, 5})
        add(QStringLiteral("rates series %1").arg(i), wb::ui::seriesColor(i), c.base);
    return inks;
}

// ---------------------------------------------------------------------------------------------

TopologyPage::TopologyPage(std::shared_ptr<MessagingSession> session, QWidget *parent)
    : MessagingPage(session, parent), m_runPanel(new RunPanel(session)),
      m_canvas(new TopologyCanvas(m_session)), m_rate(new QSpinBox), m_prefetch(new QSpinBox),
      m_queue(new QComboBox), m_work(new QSpinBox), m_add(new QPushButton(tr("Add consumer"))),
      m_consumer(new QComboBox), m_stopConsumer(new QPushButton(tr("Stop it"))),
      m_kill(new QPushButton(tr("Kill it"))), m_restart(new QPushButton(tr("Restart broker"))),
      m_summary(new QLabel)
{
    m_rate->setRange(0, 5000);
    m_rate->setSuffix(tr(" /s"));
    m_rate->setToolTip(tr("Integers published per second (0 pauses the producer)"));
    m_prefetch->setRange(0, 1000);
    m_prefetch->setSpecialValueText(tr("∞"));
    m_prefetch->setToolTip(tr("basic.qos: at most this many unacked deliveries per consumer "
                              "(∞: none, as in the tutorial)"));
    m_work->setRange(0, 10000);
    m_work->setSingleStep(50);
    m_work->setValue(150);
    m_work->setSuffix(tr(" ms"));
    m_work->setToolTip(tr("How long the new consumer works on each integer before it acks"));
    m_stopConsumer->setToolTip(tr("basic.cancel, then close: what it had not processed goes "
                                  "back to the queue"));
    m_kill->setToolTip(tr("The consumer's host dies: its connection drops with deliveries "
                          "unacked, and the broker requeues them with redelivered set"));
    m_restart->setToolTip(tr("The embedded broker crashes and starts again: only durable "
                             "queues and persistent messages come back"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rate->setAccessibleName(tr("Publish rate"));
    m_prefetch->setAccessibleName(tr("Prefetch"));
    m_queue->setAccessibleName(tr("Queue of the new consumer"));
    m_work->setAccessibleName(tr("Work per message"));
    m_consumer->setAccessibleName(tr("Consumer"));

    // The live controls flow onto as many lines as the width needs, each group kept whole:
    // the producer, a new consumer, a running consumer, the broker.
    auto *controls = new wb::ui::FlowLayout;
    controls->addWidget(labelled(tr("Rate"), m_rate));
    controls->addWidget(labelled(tr("prefetch"), m_prefetch));
    auto *add = new QWidget;
    auto *addRow = new QHBoxLayout(add);
    addRow->setContentsMargins(0, 0, 0, 0);
    addRow->addWidget(m_add);
    addRow->addWidget(labelled(tr("on"), m_queue));
    addRow->addWidget(labelled(tr("working"), m_work));
    controls->addWidget(add);
    auto *running = new QWidget;
    auto *runningRow = new QHBoxLayout(running);
    runningRow->setContentsMargins(0, 0, 0, 0);
    runningRow->addWidget(labelled(tr("Consumer"), m_consumer));
    runningRow->addWidget(m_stopConsumer);
    runningRow->addWidget(m_kill);
    controls->addWidget(running);
    controls->addWidget(m_restart);

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runPanel);
    col->addWidget(m_canvas, 1);
    col->addLayout(controls);
    col->addWidget(m_summary);

    MessagingSession *s = m_session;
    connect(m_rate, &QSpinBox::valueChanged, s, &MessagingSession::setRate);
    connect(m_prefetch, &QSpinBox::valueChanged, s, &MessagingSession::setPrefetch);
    connect(m_add, &QPushButton::clicked, this,
            [this] { m_session->addConsumer(m_queue->currentText(), m_work->value()); });
    connect(m_stopConsumer, &QPushButton::clicked, this,
            [this] { m_session->removeConsumer(m_consumer->currentText()); });
    connect(m_kill, &QPushButton::clicked, this,
            [this] { m_session->killConsumer(m_consumer->currentText()); });
    connect(m_restart, &QPushButton::clicked, s, &MessagingSession::restartBroker);
    connect(s, &MessagingSession::runStarted, this, &TopologyPage::refreshControls);
    connect(s, &MessagingSession::runFinished, this, &TopologyPage::refreshControls);
    connect(s, &MessagingSession::consumersChanged, this, &TopologyPage::refreshControls);
    connect(s, &MessagingSession::brokerStatusChanged, this, &TopologyPage::refreshControls);
    connect(s, &MessagingSession::settingsApplied, this, &TopologyPage::refreshControls);
    connect(s, &MessagingSession::runStarted, this, &ModulePage::lessonChanged);
    connect(s, &MessagingSession::settingsApplied, this, &ModulePage::lessonChanged);
    connect(s, &MessagingSession::positionChanged, this, &ModulePage::highlightsChanged);

    m_session->ensureOpeningExample();
    refreshControls();
}

void TopologyPage::refreshControls()
{
    const bool running = m_session->isRunning();
    const LiveConfig &c = m_session->config();
    QSignalBlocker b1(m_rate), b2(m_prefetch);
    m_rate->setValue(c.rate);
    m_prefetch->setValue(c.prefetch);
    const QString queue = m_queue->currentText();
    m_queue->clear();
    for (const auto &q : queuesFor(c.type))
        m_queue->addItem(QString::fromStdString(q.name));
    m_queue->setCurrentIndex(std::max(0, m_queue->findText(queue)));
    const QString chosen = m_consumer->currentText();
    m_consumer->clear();
    // Only a run in progress has consumers to stop or kill.
    if (running)
        for (const auto &cs : m_session->consumers())
            if (!cs.killed)
                m_consumer->addItem(QString::fromStdString(cs.tag));
    m_consumer->setCurrentIndex(std::max(0, m_consumer->findText(chosen)));
    const bool haveConsumer = running && m_consumer->count() > 0;
    m_add->setEnabled(running);
    m_stopConsumer->setEnabled(haveConsumer);
    m_kill->setEnabled(haveConsumer);
    m_restart->setEnabled(running && m_session->isEmbedded());
    m_restart->setToolTip(m_session->isEmbedded()
                              ? tr("The embedded broker crashes and starts again: only durable "
                                   "queues and persistent messages come back")
                              : tr("Restart a RabbitMQ node from its host (rabbitmqctl "
                                   "stop_app / start_app)"));
}

QString TopologyPage::summaryText() const
{
    if (!m_session->trace())
        return {};
    const MessagingState &s = m_session->stateAtCursor();
    const MessagingTotals &t = s.totals;
    QString line = tr("At the cursor: published %1 · routed %2 · delivered %3 (redelivered %4) "
                      "· acked %5 · requeued %6 · no route %7 · returned %8")
                       .arg(t.published)
                       .arg(t.routed)
                       .arg(t.delivered)
                       .arg(t.redelivered)
                       .arg(t.acked)
                       .arg(t.requeued)
                       .arg(t.unroutable)
                       .arg(t.returned);
    if (s.restarts)
        line += tr(" · broker restarts %1").arg(s.restarts);
    if (!m_session->isEmbedded())
        line += tr("\nA RabbitMQ node reports nothing about routing: what is shown is what the "
                   "producer and the consumers saw, and queue depths from passive declares.");
    const QString error = m_session->runError();
    if (!error.isEmpty())
        line += QStringLiteral("\n") + tr("Last error: %1").arg(error);
    else if (!s.lastError.empty())
        line +=
            QStringLiteral("\n") + tr("Last error: %1").arg(QString::fromStdString(s.lastError));
    return line;
}

void TopologyPage::refresh()
{
    m_summary->setText(summaryText());
    m_canvas->update();
}

QString TopologyPage::lessonMarkdown() const
{
    return lessonFor(QStringLiteral("topology"), m_session->preset());
}

QStringList TopologyPage::sourceFiles() const
{
    return messagingSources();
}

QString lessonFor(const QString &view, const QString &preset)
{
    const QString lesson =
        wb::ui::readTextResource(QStringLiteral(":/modules/messaging/ui/lessons/%1.md").arg(view));
    const QString notes = wb::ui::readTextResource(
        QStringLiteral(":/modules/messaging/ui/lessons/scenario-%1.md").arg(preset));
    if (notes.isEmpty())
        return lesson;
    return lesson + QStringLiteral("\n\n---\n\n") + notes;
}

QStringList messagingSources()
{
    return {QStringLiteral(":/modules/messaging/core/src/broker.cpp"),
            QStringLiteral(":/modules/messaging/core/src/broker_topology.cpp"),
            QStringLiteral(":/modules/messaging/core/src/broker_connections.cpp"),
            QStringLiteral(":/modules/messaging/core/include/messaging/core/routing.h"),
            QStringLiteral(":/modules/messaging/core/src/tutorial.cpp")};
}

} // namespace wb::messaging::ui
