#include "topologyview.h"
#include "runpanel.h"

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

namespace {

constexpr qint64 kTravelNs = 600'000'000; // how long a token takes along one edge, live
constexpr int kTokensPerEdge = 8;         // more than this on one edge: a stream with a count
constexpr double kToken = 12;

// Where each box of the topology is, for one size of the canvas and one state.
struct Layout
{
    QRectF producer, exchange, dropped;
    std::map<std::string, QRectF> queues;
    std::map<std::string, QRectF> consumers;
    std::string exchangeName;
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

Layout layOut(const QRectF &area, const MessagingState &s, const std::string &exchange)
{
    Layout l;
    const double w = area.width(), h = area.height();
    const double midY = area.top() + h * 0.42;
    l.producer = QRectF(area.left() + 8, midY - 36, std::min(140.0, w * 0.13), 72);
    l.exchange = QRectF(area.left() + w * 0.19, midY - 40, std::min(180.0, w * 0.24), 80);
    l.dropped = QRectF(l.exchange.left(), area.bottom() - 58, l.exchange.width(), 48);
    l.exchangeName = exchange;
    const auto order = queueOrder(s);
    const double top = area.top() + 6;
    const double band = order.empty() ? h : (h - 12) / static_cast<double>(order.size());
    const double qLeft = area.left() + w * 0.47, qWidth = w * 0.27;
    const double cLeft = area.left() + w * 0.80, cWidth = area.right() - cLeft - 4;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const double y0 = top + band * static_cast<double>(i);
        const double qh = std::min(64.0, band - 26);
        l.queues[order[i]] = QRectF(qLeft, y0 + (band - qh) / 2, qWidth, qh);
        std::vector<const ConsumerView *> mine;
        for (const auto &[tag, c] : s.consumers)
            if (c.queue == order[i])
                mine.push_back(&c);
        const double ch = std::min(58.0, (band - 8) / std::max<double>(1, mine.size()) - 6);
        const double stack = (ch + 6) * static_cast<double>(mine.size()) - 6;
        for (std::size_t k = 0; k < mine.size(); ++k)
            l.consumers[mine[k]->tag] =
                QRectF(cLeft, y0 + (band - stack) / 2 + (ch + 6) * static_cast<double>(k),
                       cWidth, ch);
    }
    return l;
}

void drawToken(QPainter &p, QPointF at, const QColor &c, double size = kToken, bool ring = false)
{
    p.setPen(QPen(c.darker(140), ring ? 2.0 : 1.0));
    p.setBrush(c);
    p.drawEllipse(at, size / 2, size / 2);
    if (ring) { // redelivered: a white ring inside
        p.setPen(QPen(Qt::white, 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(at, size / 2 - 3, size / 2 - 3);
    }
}

void drawBox(QPainter &p, const QRectF &r, const QColor &fill, const QColor &edge, double radius)
{
    p.setPen(QPen(edge, 1.4));
    p.setBrush(fill);
    p.drawRoundedRect(r, radius, radius);
}

QPointF along(QPointF a, QPointF b, double t)
{
    return a + (b - a) * std::clamp(t, 0.0, 1.0);
}

} // namespace

// ---------------------------------------------------------------------------------------------

TopologyCanvas::TopologyCanvas(MessagingSession *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    setMinimumSize(640, 340);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    m_frames.setInterval(33); // about 30 frames a second while a run is followed
    connect(&m_frames, &QTimer::timeout, this, &TopologyCanvas::animate);
    connect(session->controller(), &wb::ui::StepController::positionChanged, this,
            [this] { update(); });
    connect(session->controller(), &wb::ui::StepController::traceReplaced, this,
            [this] { update(); });
    connect(session, &MessagingSession::runStarted, this, [this] { m_frames.start(); });
    connect(session, &MessagingSession::runFinished, this, [this] {
        m_frames.stop();
        update();
    });
    if (session->isRunning())
        m_frames.start();
}

void TopologyCanvas::animate()
{
    if (isVisible() && m_session->following())
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
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor boxFill = pal.color(QPalette::AlternateBase);
    const QColor edge = pal.color(QPalette::Mid);
    const QColor accent = wb::ui::stateColor("accent");
    const QFont base = font();
    QFont bold = base;
    bold.setBold(true);
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.9);

    const MessagingState &s = m_session->stateAtCursor();
    const std::string exchange = m_session->config().exchange;
    const QRectF area = rect().adjusted(10, 10, -10, -10);
    const Layout l = layOut(area, s, exchange);

    if (!m_session->trace()) {
        p.setPen(muted);
        p.drawText(rect(), Qt::AlignCenter, tr("Press Run to start the odd/even scenario."));
        return;
    }

    // --- legend: what the token colours mean --------------------------------------------------
    p.setFont(small);
    {
        QPointF at(area.left() + 8, area.top() + 10);
        const std::pair<std::string, QString> items[] = {
            {"odd", tr("routing key odd")}, {"even", tr("routing key even")}};
        for (const auto &[key, label] : items) {
            drawToken(p, at, keyColor(key));
            p.setPen(muted);
            p.drawText(at + QPointF(10, 4), label);
            at += QPointF(p.fontMetrics().horizontalAdvance(label) + 30, 0);
        }
        drawToken(p, at, keyColor("odd"), kToken, true);
        p.setPen(muted);
        p.drawText(at + QPointF(10, 4), tr("redelivered"));
    }

    // --- edges and binding keys -----------------------------------------------------------
    // Binding keys go on top of everything, drawn last.
    std::vector<std::pair<QPointF, std::string>> pills;
    const auto ex = s.exchanges.find(exchange);
    const bool haveExchange = ex != s.exchanges.end();
    p.setPen(QPen(edge, 1.6));
    p.drawLine(QPointF(l.producer.right(), l.producer.center().y()),
               QPointF(l.exchange.left(), l.exchange.center().y()));
    for (const auto &b : s.bindings) {
        if (b.exchange != exchange || !l.queues.count(b.queue))
            continue;
        const QRectF q = l.queues.at(b.queue);
        const QPointF a(l.exchange.right(), l.exchange.center().y());
        const QPointF z(q.left(), q.center().y());
        p.setPen(QPen(keyColor(b.key).lighter(110), 2.0));
        p.drawLine(a, z);
        pills.push_back({along(a, z, 0.55), b.key});
    }
    for (const auto &[tag, c] : s.consumers) {
        if (!l.queues.count(c.queue) || !l.consumers.count(tag))
            continue;
        const QRectF q = l.queues.at(c.queue), r = l.consumers.at(tag);
        p.setPen(QPen(edge, 1.6));
        p.drawLine(QPointF(q.right(), q.center().y()), QPointF(r.left(), r.center().y()));
    }

    // --- producer ---------------------------------------------------------------------------
    p.setFont(bold);
    drawBox(p, l.producer, boxFill, edge, 6);
    p.setPen(text);
    p.drawText(l.producer.adjusted(6, 6, -6, -6), Qt::AlignTop | Qt::AlignHCenter,
               tr("producer"));
    p.setFont(small);
    const auto &cfg = m_session->config();
    p.drawText(l.producer.adjusted(6, 24, -6, -4), Qt::AlignTop | Qt::AlignHCenter,
               tr("%1/s · %2\npublished %3")
                   .arg(cfg.rate)
                   .arg(cfg.persistent ? tr("persistent") : tr("transient"))
                   .arg(s.totals.published));

    // --- exchange ---------------------------------------------------------------------------
    drawBox(p, l.exchange, haveExchange ? boxFill : pal.color(QPalette::Base),
            haveExchange ? accent : muted, 10);
    p.setFont(bold);
    p.setPen(haveExchange ? text : muted);
    p.drawText(l.exchange.adjusted(6, 8, -6, -6), Qt::AlignTop | Qt::AlignHCenter,
               tr("exchange “%1”").arg(QString::fromStdString(exchange)));
    p.setFont(small);
    p.drawText(l.exchange.adjusted(6, 28, -6, -6), Qt::AlignTop | Qt::AlignHCenter,
               haveExchange ? tr("%1 · %2")
                                  .arg(QString::fromStdString(ex->second.type),
                                       ex->second.durable ? tr("durable") : tr("transient"))
                            : tr("not declared yet"));

    // --- the unroutable bin -----------------------------------------------------------------
    const bool showBin = s.totals.unroutable > 0;
    if (showBin) {
        p.setPen(QPen(edge, 1.2, Qt::DashLine));
        p.drawLine(QPointF(l.exchange.center().x(), l.exchange.bottom()),
                   QPointF(l.dropped.center().x(), l.dropped.top()));
        drawBox(p, l.dropped, pal.color(QPalette::Base), wb::ui::stateColor("blocked"), 6);
        p.setPen(text);
        p.drawText(l.dropped, Qt::AlignCenter,
                   tr("no route: %1\n%2")
                       .arg(s.totals.unroutable)
                       .arg(s.totals.returned ? tr("returned %1 (mandatory)").arg(s.totals.returned)
                                              : tr("dropped silently")));
    }

    // --- queues, with their ready messages as tokens -----------------------------------------
    for (const auto &[name, r] : l.queues) {
        const QueueView &q = s.queues.at(name);
        drawBox(p, r, boxFill, edge, 4);
        p.setFont(bold);
        p.setPen(text);
        p.drawText(QRectF(r.left(), r.top() - 20, r.width(), 18), Qt::AlignLeft | Qt::AlignBottom,
                   QString::fromStdString(name));
        p.setFont(small);
        p.setPen(muted);
        p.drawText(QRectF(r.left(), r.top() - 20, r.width(), 18), Qt::AlignRight | Qt::AlignBottom,
                   tr("%1 · ready %2 · unacked %3")
                       .arg(q.durable ? tr("durable") : tr("transient"))
                       .arg(q.ready)
                       .arg(q.unacked));
        // Head of the queue on the right, next to the consumers.
        const QRectF inner = r.adjusted(6, 6, -6, -6);
        const int capacity = std::max(1, static_cast<int>(inner.width() / (kToken + 3)));
        const auto shown = std::min<std::size_t>(q.waiting.size(), capacity);
        const bool more = q.waiting.size() > static_cast<std::size_t>(capacity);
        for (std::size_t i = 0; i < shown - (more ? 1 : 0) && shown > 0; ++i) {
            const QPointF at(inner.right() - (kToken + 3) * (static_cast<double>(i) + 0.5),
                             inner.center().y());
            const auto &w = q.waiting[i];
            drawToken(p, at, keyColor(w.msg ? s.routingKeyOf(w.msg) : w.routingKey));
            ++m_stats.tokens;
        }
        if (more) {
            p.setPen(text);
            p.drawText(QRectF(inner.left(), inner.top(), kToken * 3, inner.height()),
                       Qt::AlignVCenter | Qt::AlignLeft,
                       tr("+%1").arg(q.waiting.size() - shown + 1));
            ++m_stats.aggregated;
        }
        // A depth bar under the box: ready (solid) and unacked (light), on a log-like scale.
        const double total = static_cast<double>(q.ready + q.unacked);
        if (total > 0) {
            const double scale = r.width() / std::max(total, std::max<double>(capacity, 1) * 2);
            const QRectF bar(r.left(), r.bottom() + 3, 0, 5);
            p.setPen(Qt::NoPen);
            p.setBrush(accent);
            p.drawRect(bar.adjusted(0, 0, std::min(r.width(), scale * q.ready), 0));
            p.setBrush(accent.lighter(160));
            p.drawRect(QRectF(bar.left() + std::min(r.width(), scale * q.ready), bar.top(),
                              std::min(r.width(), scale * q.unacked), 5));
        }
    }

    // --- consumers, with the deliveries they hold -------------------------------------------
    for (const auto &[tag, r] : l.consumers) {
        const ConsumerView &c = s.consumers.at(tag);
        drawBox(p, r, boxFill, wb::ui::stateColor("running"), 6);
        p.setFont(bold);
        p.setPen(text);
        p.drawText(r.adjusted(6, 3, -6, -3), Qt::AlignTop | Qt::AlignLeft,
                   QString::fromStdString(tag));
        p.setFont(small);
        p.setPen(muted);
        p.drawText(r.adjusted(6, 3, -6, -3), Qt::AlignTop | Qt::AlignRight,
                   tr("prefetch %1").arg(c.prefetch ? QString::number(c.prefetch) : tr("∞")));
        p.drawText(r.adjusted(6, 3, -6, -3), Qt::AlignBottom | Qt::AlignRight,
                   tr("unacked %1 · acked %2").arg(c.holding.size()).arg(c.acked));
        const int capacity = std::max(1, static_cast<int>((r.width() - 12) / (kToken * 0.8 + 2)));
        const auto shown = std::min<std::size_t>(c.holding.size(), capacity);
        for (std::size_t i = 0; i < shown; ++i) {
            const QPointF at(r.left() + 10 + (kToken * 0.8 + 2) * static_cast<double>(i),
                             r.center().y() + 1);
            drawToken(p, at, keyColor(s.routingKeyOf(c.holding[i])), kToken * 0.8);
            ++m_stats.tokens;
        }
    }

    // --- moving tokens ----------------------------------------------------------------------
    const bool live = m_session->following();
    const qint64 now = live ? m_session->nowNs() : 0;
    const auto cursor = static_cast<std::uint64_t>(std::max<qint64>(0, m_session->position()));
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
    struct Travel
    {
        double t;
        QColor colour;
        bool redelivered;
    };
    std::map<EdgeKey, std::vector<Travel>> edges;
    auto queueRect = [&](const std::string &q) -> const QRectF * {
        const auto it = l.queues.find(q);
        return it == l.queues.end() ? nullptr : &it->second;
    };
    auto consumerRect = [&](const std::string &tag) -> const QRectF * {
        const auto it = l.consumers.find(tag);
        return it == l.consumers.end() ? nullptr : &it->second;
    };
    for (auto it = s.moves.rbegin(); it != s.moves.rend(); ++it) {
        const Move &m = *it;
        double t;
        if (live) {
            if (now - m.tNs > kTravelNs)
                break;
            t = static_cast<double>(now - m.tNs) / kTravelNs;
        } else {
            if (m.event + 1 != cursor)
                break;
            t = 0.7; // the move of the event at the cursor, most of the way there
        }
        QPointF a, z;
        const QRectF *q = queueRect(m.queue);
        const QRectF *c = consumerRect(m.consumer);
        switch (m.kind) {
        case MoveKind::Publish:
            a = {l.producer.right(), l.producer.center().y()};
            z = {l.exchange.left(), l.exchange.center().y()};
            break;
        case MoveKind::Route:
            if (!q)
                continue;
            a = {l.exchange.right(), l.exchange.center().y()};
            z = {q->left(), q->center().y()};
            break;
        case MoveKind::Deliver:
            if (!q || !c)
                continue;
            a = {q->right(), q->center().y()};
            z = {c->left(), c->center().y()};
            break;
        case MoveKind::Ack:
            if (!c)
                continue;
            // Settled: the token leaves along the bottom of the consumer's box.
            a = {c->left() + 10, c->bottom() - 9};
            z = {c->left() + 70, c->bottom() - 9};
            break;
        case MoveKind::Requeue:
            if (!q)
                continue;
            a = c ? QPointF(c->left(), c->center().y() + 8) : QPointF(q->right() + 40, q->center().y());
            z = {q->right(), q->center().y() + 8};
            break;
        case MoveKind::Drop:
            if (!q)
                continue;
            a = {q->center().x(), q->bottom()};
            z = {q->center().x(), q->bottom() + 24};
            break;
        case MoveKind::Unroutable:
            a = {l.exchange.center().x(), l.exchange.bottom()};
            z = {l.dropped.center().x(), l.dropped.top()};
            break;
        case MoveKind::Return:
            a = {l.exchange.left(), l.exchange.center().y() + 14};
            z = {l.producer.right(), l.producer.center().y() + 14};
            break;
        }
        edges[{a, z}].push_back({t, keyColor(m.routingKey), m.redelivered});
        if (!live) {
            p.setPen(QPen(accent, 3));
            p.drawLine(a, z);
        }
    }
    // If the kept moves do not reach back a whole travel time, the edges carry more than
    // were kept: the counts below are scaled to the window.
    double scale = 1;
    if (live && !s.moves.empty() && now - s.moves.front().tNs < kTravelNs &&
        s.moves.size() >= MessagingState::kMoves)
        scale = static_cast<double>(kTravelNs) /
                static_cast<double>(std::max<qint64>(1, now - s.moves.front().tNs));
    p.setFont(small);
    const double phase = live ? std::fmod(static_cast<double>(now) / kTravelNs, 1.0) : 0.0;
    for (const auto &[e, travels] : edges) {
        const bool many = travels.size() > static_cast<std::size_t>(kTokensPerEdge);
        if (!many) {
            for (const Travel &tr0 : travels) {
                drawToken(p, along(e.a, e.z, tr0.t), tr0.colour, kToken, tr0.redelivered);
                ++m_stats.tokens;
            }
            continue;
        }
        // A stream: evenly spaced tokens sliding along the edge, coloured like a sample of
        // what went that way, and the count.
        ++m_stats.aggregated;
        for (int i = 0; i < kTokensPerEdge; ++i) {
            const double t = std::fmod(static_cast<double>(i) / kTokensPerEdge + phase, 1.0);
            const Travel &sample = travels[travels.size() * static_cast<std::size_t>(i) /
                                           static_cast<std::size_t>(kTokensPerEdge)];
            drawToken(p, along(e.a, e.z, t), sample.colour, kToken * 0.85, sample.redelivered);
            ++m_stats.tokens;
        }
        if (QLineF(e.a, e.z).length() <= 60)
            continue; // the ack stub: the consumer box already counts them
        const QPointF mid = along(e.a, e.z, 0.3) + QPointF(0, -16);
        p.setPen(text);
        p.drawText(QRectF(mid.x() - 40, mid.y() - 9, 80, 18), Qt::AlignCenter,
                   tr("×%1").arg(qRound(static_cast<double>(travels.size()) * scale)));
    }
    for (const auto &[at, k] : pills) {
        const QString key = QString::fromStdString(k.empty() ? "(empty key)" : k);
        const QRectF box = p.fontMetrics().boundingRect(key).adjusted(-7, -3, 7, 3);
        const QRectF pill = box.translated(at - box.center());
        drawBox(p, pill, pal.color(QPalette::Base), keyColor(k), pill.height() / 2);
        p.setPen(text);
        p.drawText(pill, Qt::AlignCenter, key);
    }
    m_stats.nanoseconds = clock.nsecsElapsed();
}

// ---------------------------------------------------------------------------------------------

TopologyPage::TopologyPage(std::shared_ptr<MessagingSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session)), m_runPanel(new RunPanel(m_session)),
      m_canvas(new TopologyCanvas(m_session.get())), m_rate(new QSpinBox),
      m_prefetch(new QSpinBox), m_queue(new QComboBox), m_work(new QSpinBox),
      m_add(new QPushButton(tr("Add consumer"))), m_consumer(new QComboBox),
      m_stopConsumer(new QPushButton(tr("Stop it"))), m_kill(new QPushButton(tr("Kill it"))),
      m_restart(new QPushButton(tr("Restart broker"))), m_summary(new QLabel)
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

    // Two rows, so the page fits beside the lesson: the producer and new consumers, then the
    // running consumers and the broker.
    auto *tuneRow = new QHBoxLayout;
    tuneRow->addWidget(new QLabel(tr("Rate")));
    tuneRow->addWidget(m_rate);
    tuneRow->addWidget(new QLabel(tr("prefetch")));
    tuneRow->addWidget(m_prefetch);
    tuneRow->addSpacing(12);
    tuneRow->addWidget(m_add);
    tuneRow->addWidget(new QLabel(tr("on")));
    tuneRow->addWidget(m_queue);
    tuneRow->addWidget(new QLabel(tr("working")));
    tuneRow->addWidget(m_work);
    tuneRow->addStretch(1);
    auto *consumerRow = new QHBoxLayout;
    consumerRow->addWidget(new QLabel(tr("Consumer")));
    consumerRow->addWidget(m_consumer);
    consumerRow->addWidget(m_stopConsumer);
    consumerRow->addWidget(m_kill);
    consumerRow->addSpacing(12);
    consumerRow->addWidget(m_restart);
    consumerRow->addStretch(1);
    auto *controls = new QVBoxLayout;
    controls->addLayout(tuneRow);
    controls->addLayout(consumerRow);

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runPanel);
    col->addWidget(m_canvas, 1);
    col->addLayout(controls);
    col->addWidget(m_summary);

    MessagingSession *s = m_session.get();
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
    connect(s, &MessagingSession::runStarted, this, &ModulePage::lessonChanged);
    connect(s->controller(), &wb::ui::StepController::positionChanged, this,
            &TopologyPage::refreshSummary);
    connect(s, &MessagingSession::traceGrew, this, &TopologyPage::refreshSummary);
    connect(s->controller(), &wb::ui::StepController::positionChanged, this,
            &ModulePage::highlightsChanged);

    m_session->ensureOpeningExample();
    refreshControls();
    refreshSummary();
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
        line += QStringLiteral("\n") + tr("Last error: %1").arg(QString::fromStdString(s.lastError));
    return line;
}

void TopologyPage::refreshSummary()
{
    m_summary->setText(summaryText());
}

wb::ui::StepController *TopologyPage::controller() const
{
    return m_session->controller();
}

QString TopologyPage::lessonMarkdown() const
{
    return lessonFor(QStringLiteral("topology"), m_session->preset());
}

QStringList TopologyPage::sourceFiles() const
{
    return messagingSources();
}

void TopologyPage::shutdown()
{
    m_session->shutdown();
}

QString lessonFor(const QString &view, const QString &preset)
{
    const QString lesson = wb::ui::readTextResource(
        QStringLiteral(":/modules/messaging/ui/lessons/%1.md").arg(view));
    const QString notes = wb::ui::readTextResource(
        QStringLiteral(":/modules/messaging/ui/lessons/scenario-%1.md").arg(preset));
    if (notes.isEmpty())
        return lesson;
    return lesson + QStringLiteral("\n\n---\n\n") + notes;
}

QStringList messagingSources()
{
    return {QStringLiteral(":/modules/messaging/core/src/broker.cpp"),
            QStringLiteral(":/modules/messaging/core/include/messaging/core/routing.h"),
            QStringLiteral(":/modules/messaging/core/src/tutorial.cpp")};
}

} // namespace wb::messaging::ui
