#include "timelineview.h"
#include "runbar.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QFontDatabase>
#include <QLabel>
#include <QListView>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
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

namespace {

QColor laneColor(ThreadState s)
{
    switch (s) {
    case ThreadState::Blocked: return wb::ui::stateColor("blocked");
    case ThreadState::Waiting: return wb::ui::stateColor("waiting");
    case ThreadState::Sleeping: return wb::ui::stateColor("sleeping");
    case ThreadState::Done: return wb::ui::stateColor("done");
    default: return wb::ui::stateColor("running");
    }
}

QString stateWords(const ThreadView &t)
{
    const QString on = QString::fromStdString(t.on);
    switch (t.state) {
    case ThreadState::Blocked: return QObject::tr("blocked on %1").arg(on);
    case ThreadState::Waiting: return QObject::tr("waiting on %1").arg(on);
    case ThreadState::Sleeping: return QObject::tr("sleeping");
    case ThreadState::Done: return QObject::tr("done");
    case ThreadState::Starting: return QObject::tr("not started");
    default: return QObject::tr("running");
    }
}

void drawArrowHead(QPainter &p, QPointF tip, QPointF from, const QColor &c)
{
    const QLineF line(tip, from);
    const double angle = std::atan2(-line.dy(), line.dx());
    const double s = 7;
    QPolygonF head;
    head << tip
         << tip + QPointF(std::sin(angle + M_PI / 3) * s, std::cos(angle + M_PI / 3) * s)
         << tip + QPointF(std::sin(angle + M_PI - M_PI / 3) * s,
                          std::cos(angle + M_PI - M_PI / 3) * s);
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    p.drawPolygon(head);
    p.setBrush(Qt::NoBrush);
}

constexpr int LabelWidth = 150;
constexpr int HeaderHeight = 46;
constexpr int LegendHeight = 24;

} // namespace

// ---------------------------------------------------------------------------------------------
// Canvas

TimelineCanvas::TimelineCanvas(ThreadsSession *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setMouseTracking(true);
    setToolTip(tr("Wheel: zoom around the mouse. Drag: pan. Click: move the cursor there. "
                  "Double-click: show the whole run."));
}

QRectF TimelineCanvas::plotRect() const
{
    return QRectF(LabelWidth, HeaderHeight, std::max(50, width() - LabelWidth - 14),
                  std::max(20, height() - HeaderHeight - LegendHeight - 6));
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

void TimelineCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor faded = pal.color(QPalette::PlaceholderText);
    const QFontMetrics fm(font());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QFontMetrics sfm(small);
    m_painted = 0;

    const TimelineData &t = m_session->timeline();
    const wb::Trace *trace = m_session->trace();
    const qint64 count = t.processed;
    const qint64 cursor = std::min<qint64>(m_session->position(), count);
    const QRectF r = plotRect();
    const double first = firstVisible(), last = lastVisible();

    // Header: where the cursor is and what just happened.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(text);
    QString head = tr("Step %1 of %2").arg(cursor).arg(count);
    if (trace && cursor > 0) {
        const wb::Event &e = trace->at(static_cast<std::size_t>(cursor - 1));
        head += QStringLiteral(" — ") + QString::fromStdString(e.label);
    } else if (!trace) {
        head = tr("Nothing has run yet: pick a scenario and press Run.");
    }
    p.drawText(QRectF(8, 2, width() - 16, fm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(head, Qt::ElideRight, width() - 16));

    // Axis: trace positions (events), with a readable number of ticks.
    p.setFont(small);
    const double span = last - first;
    double step = std::pow(10.0, std::floor(std::log10(std::max(1.0, span / 8))));
    if (span / step > 16)
        step *= 5;
    else if (span / step > 8)
        step *= 2;
    step = std::max(1.0, step);
    p.setPen(faded);
    p.drawText(QRectF(8, HeaderHeight - sfm.height() - 4, LabelWidth - 12, sfm.height()),
               Qt::AlignLeft, tr("step →"));
    for (double v = std::ceil(first / step) * step; v <= last; v += step) {
        const double x = xOf(v);
        p.setPen(QPen(pal.color(QPalette::Mid), 0.5, Qt::DotLine));
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        p.setPen(faded);
        p.drawText(QRectF(x - 40, HeaderHeight - sfm.height() - 4, 80, sfm.height()),
                   Qt::AlignCenter, QString::number(static_cast<qint64>(v)));
    }

    if (t.lanes.empty()) {
        p.setPen(faded);
        p.setFont(font());
        p.drawText(r, Qt::AlignCenter,
                   trace ? tr("Waiting for the first event…") : tr("No run yet."));
        return;
    }

    // Lanes.
    const ThreadsState &state = m_session->stateAtCursor();
    const int lanes = static_cast<int>(t.lanes.size());
    const double laneH = std::min(76.0, r.height() / lanes);
    const double barH = std::max(6.0, laneH * 0.55);
    std::map<int, double> laneY; // centre of each lane
    int row = 0;
    p.save();
    p.setClipRect(r.adjusted(-2, -2, 2, 2));
    for (const auto &[number, lane] : t.lanes) {
        const double cy = r.top() + laneH * (row + 0.5);
        laneY[number] = cy;
        ++row;
        if (row % 2 == 0) {
            p.fillRect(QRectF(r.left(), cy - laneH / 2, r.width(), laneH),
                       pal.color(QPalette::AlternateBase));
        }
        // First segment that can be visible: the one before the first starting after `first`.
        const auto &segs = lane.segments;
        auto it = std::upper_bound(segs.begin(), segs.end(), first - 1.0,
                                   [](double v, const Segment &s) { return v < s.start; });
        if (it != segs.begin())
            --it;
        int lastPx = std::numeric_limits<int>::min();
        int lastBlockedPx = lastPx;
        for (; it != segs.end(); ++it) {
            // A state starts at the middle of the event that caused it (where its tick is).
            const double a = static_cast<double>(it->start) + 0.5;
            const double b = it->end < 0 ? static_cast<double>(count)
                                         : static_cast<double>(it->end) + 0.5;
            if (a - 0.5 > last)
                break;
            double x0 = xOf(a), x1 = xOf(std::max(a, b));
            if (x1 < r.left() || x0 > r.right())
                continue;
            const bool done = it->state == ThreadState::Done;
            // Many segments inside one pixel column: draw the first, skip the rest, but let
            // a blocked stretch mark the column red once (blocking must not vanish when
            // zoomed out).
            if (static_cast<int>(x1) <= lastPx) {
                if (it->state == ThreadState::Blocked && lastBlockedPx != lastPx) {
                    lastBlockedPx = lastPx;
                    p.fillRect(QRectF(lastPx, cy - barH / 2, 1, barH), laneColor(it->state));
                    ++m_painted;
                }
                continue;
            }
            lastPx = static_cast<int>(x1);
            x1 = std::max(x1, x0 + 1.0);
            const double h = done ? barH * 0.3 : barH;
            QColor c = laneColor(it->state);
            p.fillRect(QRectF(x0, cy - h / 2, x1 - x0, h), c);
            ++m_painted;
        }
        // Event ticks, when there is room to tell them apart.
        if (xOf(1) - xOf(0) >= 4) {
            auto e = std::lower_bound(lane.events.begin(), lane.events.end(),
                                      static_cast<qint64>(std::floor(first)));
            p.setPen(QPen(text, 1));
            for (; e != lane.events.end() && *e <= last; ++e) {
                const double x = xOf(*e + 0.5);
                p.drawLine(QPointF(x, cy - barH / 2 - 3), QPointF(x, cy - barH / 2 + 1));
            }
        }
    }

    // Wake-up arrows: from each release / notify to the wake-up it caused.
    qint64 maxSpan = 0;
    for (const auto &a : t.arrows)
        maxSpan = std::max(maxSpan, a.to - a.from);
    auto from = std::lower_bound(t.arrows.begin(), t.arrows.end(), static_cast<qint64>(first),
                                 [](const WakeArrow &a, qint64 v) { return a.to < v; });
    int visibleArrows = 0;
    for (auto a = from; a != t.arrows.end() && a->to <= last + maxSpan; ++a)
        if (a->from <= last)
            ++visibleArrows;
    const bool drawArrows = visibleArrows <= 600;
    if (drawArrows) {
        for (auto a = from; a != t.arrows.end() && a->to <= last + maxSpan; ++a) {
            if (a->from > last || !laneY.count(a->fromThread) || !laneY.count(a->toThread))
                continue;
            const bool past = a->to < cursor;
            QColor c = a->notify ? wb::ui::stateColor("waiting").darker(115)
                                 : wb::ui::stateColor("accent");
            if (!past)
                c.setAlpha(90);
            const double y0 = laneY[a->fromThread], y1 = laneY[a->toThread];
            const QPointF p0(xOf(a->from + 0.5), y0 + (y1 > y0 ? barH / 2 : -barH / 2));
            const QPointF p1(xOf(a->to + 0.5), y1 + (y1 > y0 ? -barH / 2 : barH / 2));
            QPainterPath path(p0);
            const double bend = std::clamp((p1.x() - p0.x()) * 0.5, 8.0, 60.0);
            path.cubicTo(p0 + QPointF(bend, 0), p1 - QPointF(bend, 0), p1);
            p.setPen(QPen(c, past ? 1.6 : 1.0));
            p.drawPath(path);
            drawArrowHead(p, p1, p1 - QPointF(bend * 0.3, y1 > y0 ? -bend * 0.3 : bend * 0.3), c);
            ++m_painted;
        }
    }

    // Deadlocks: a red rule across every lane.
    for (qint64 d : t.deadlocks) {
        if (d < first - 1 || d > last)
            continue;
        const double x = xOf(d + 0.5);
        p.setPen(QPen(wb::ui::stateColor("blocked"), 2, Qt::DashLine));
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        p.setFont(bold);
        p.drawText(QPointF(x + 4, r.top() + fm.ascent()), tr("deadlock"));
    }

    // The cursor.
    if (cursor >= first - 1 && cursor <= last + 1) {
        const double x = xOf(cursor);
        p.setPen(QPen(text, 2));
        p.drawLine(QPointF(x, r.top() - 4), QPointF(x, r.bottom()));
    }
    p.restore();

    // Lane labels: the thread's name and its state at the cursor.
    for (const auto &[number, y] : laneY) {
        const auto st = state.threads.find(number);
        p.setFont(bold);
        p.setPen(threadColor(number));
        const QRectF badge(6, y - fm.height() / 2.0 - (laneH > 34 ? 7 : 0), 26, fm.height());
        p.drawText(badge, Qt::AlignLeft | Qt::AlignVCenter, threadLabel(number));
        p.setPen(text);
        p.setFont(font());
        p.drawText(QRectF(34, badge.top(), LabelWidth - 40, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::fromStdString(threadName(number)));
        if (laneH > 34) {
            p.setFont(small);
            const ThreadView tv = st == state.threads.end() ? ThreadView{} : st->second;
            p.setPen(st == state.threads.end() ? faded : laneColor(tv.state).darker(110));
            p.drawText(QRectF(6, badge.bottom(), LabelWidth - 10, sfm.height()),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       sfm.elidedText(stateWords(tv), Qt::ElideRight, LabelWidth - 10));
        }
    }

    // Legend.
    p.setFont(small);
    double lx = 8;
    const double ly = height() - LegendHeight + 4;
    auto item = [&](const QColor &c, const QString &name) {
        p.fillRect(QRectF(lx, ly + 3, 14, 10), c);
        p.setPen(text);
        p.drawText(QPointF(lx + 18, ly + sfm.ascent()), name);
        lx += 24 + sfm.horizontalAdvance(name) + 8;
    };
    item(wb::ui::stateColor("running"), tr("running"));
    item(wb::ui::stateColor("blocked"), tr("blocked"));
    item(wb::ui::stateColor("waiting"), tr("waiting"));
    item(wb::ui::stateColor("sleeping"), tr("sleeping"));
    item(wb::ui::stateColor("done"), tr("done"));
    p.setPen(wb::ui::stateColor("accent"));
    const QString arrowText = drawArrows ? tr("→ release wakes")
                                         : tr("(%1 wake-up arrows: zoom in to see them)")
                                               .arg(visibleArrows);
    p.drawText(QPointF(lx, ly + sfm.ascent()), arrowText);
    lx += sfm.horizontalAdvance(arrowText) + 12;
    if (drawArrows) {
        p.setPen(wb::ui::stateColor("waiting").darker(130));
        p.drawText(QPointF(lx, ly + sfm.ascent()), tr("→ notify wakes"));
    }
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
        QToolTip::showText(e->globalPosition().toPoint(),
                           tr("#%1 %2: %3").arg(i + 1).arg(
                               QString::fromStdString(threadName(ev.thread)),
                               QString::fromStdString(ev.label)),
                           this);
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
{
}

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
        return line.text;
    if (role == Qt::ForegroundRole && line.thread > 0)
        return threadColor(line.thread).darker(150);
    if (role == Qt::ToolTipRole)
        return tr("step %1, %2").arg(line.index + 1).arg(
            QString::fromStdString(threadName(line.thread)));
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
    setMinimumHeight(90);
}

void FileBytesView::setFile(const std::string &bytes, const std::vector<int> &writers)
{
    if (bytes == m_bytes && writers == m_writers)
        return;
    m_bytes = bytes;
    m_writers = writers;
    update();
}

void FileBytesView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(font().pointSizeF() * 0.9);
    p.setFont(mono);
    const QFontMetrics fm(mono);
    const int cw = std::max(1, fm.horizontalAdvance(QLatin1Char('M')));
    const int ch = fm.height() + 2;
    const int columns = std::max(8, (width() - 8) / cw);
    if (m_bytes.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(4, 4, -4, -4), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   tr("(empty: nobody has written yet)"));
        return;
    }
    for (std::size_t i = 0; i < m_bytes.size(); ++i) {
        const int col = static_cast<int>(i) % columns, line = static_cast<int>(i) / columns;
        const QRect cell(4 + col * cw, 4 + line * ch, cw, ch);
        const int writer = i < m_writers.size() ? m_writers[i] : 0;
        QColor bg = threadColor(writer);
        bg.setAlpha(70);
        p.fillRect(cell, bg);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(cell, Qt::AlignCenter, QString(QLatin1Char(m_bytes[i])));
    }
}

// ---------------------------------------------------------------------------------------------
// The page

QStringList threadsSources()
{
    return {QStringLiteral(":/modules/threads/core/src/scenarios.cpp"),
            QStringLiteral(":/modules/threads/core/src/classic.cpp"),
            QStringLiteral(":/modules/threads/core/include/threads/core/classic.h"),
            QStringLiteral(":/modules/threads/core/src/runtime.cpp")};
}

QString lessonWithScenario(const QString &viewLesson, const QString &scenario)
{
    const QString notes =
        wb::ui::readTextResource(QStringLiteral(":/modules/threads/ui/lessons/scenario-%1.md")
                                     .arg(scenario));
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

TimelinePage::TimelinePage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_canvas(new TimelineCanvas(m_session.get())),
      m_console(new ConsoleModel(m_session.get(), this)), m_consoleView(new QListView),
      m_fileTitle(new QLabel), m_file(new FileBytesView), m_table(new wb::ui::TraceTable)
{
    m_consoleView->setModel(m_console);
    m_consoleView->setUniformItemSizes(true);
    m_consoleView->setSelectionMode(QAbstractItemView::NoSelection);
    m_consoleView->setToolTip(tr("What the scenario printed, up to the cursor"));
    m_fileTitle->setText(tr("<b>output.txt</b> — each byte on its writer's colour"));

    auto *right = new QWidget;
    auto *rightCol = new QVBoxLayout(right);
    rightCol->setContentsMargins(0, 0, 0, 0);
    rightCol->addWidget(new QLabel(tr("<b>Console</b> (up to the cursor)")));
    rightCol->addWidget(m_consoleView, 3);
    rightCol->addWidget(m_fileTitle);
    rightCol->addWidget(m_file, 2);

    auto *across = new QSplitter(Qt::Horizontal);
    across->addWidget(m_canvas);
    across->addWidget(right);
    across->setStretchFactor(0, 3);
    across->setStretchFactor(1, 1);
    across->setSizes({700, 300});

    auto *down = new QSplitter(Qt::Vertical);
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
    connect(s->controller(), &wb::ui::StepController::positionChanged, this,
            &TimelinePage::redraw);
    connect(s->controller(), &wb::ui::StepController::traceReplaced, this,
            &TimelinePage::redraw);
    connect(s, &ThreadsSession::timelineGrew, this, &TimelinePage::redraw);
    connect(s, &ThreadsSession::runStarted, this, [this] {
        m_canvas->fit();
        m_lessonScenario = m_session->scenario();
        emit lessonChanged();
        redraw();
    });
    connect(m_runBar, &RunBar::scenarioSelected, this, [this](const QString &id) {
        m_lessonScenario = id;
        emit lessonChanged();
    });

    m_session->ensureOpeningExample();
    m_lessonScenario = m_session->scenario();
    redraw();
}

TimelinePage::~TimelinePage() = default;

wb::ui::StepController *TimelinePage::controller() const
{
    return m_session->controller();
}

void TimelinePage::showEvent(QShowEvent *event)
{
    ModulePage::showEvent(event);
    m_shown = true;
    if (m_stale)
        redraw();
}

void TimelinePage::redraw()
{
    if (m_shown && !isVisible()) {
        m_stale = true;
        return;
    }
    m_stale = false;
    m_console->sync();
    m_consoleView->scrollToBottom();
    const ThreadsState &s = m_session->stateAtCursor();
    const bool fetch = m_session->scenario().startsWith(QLatin1String("fetch"));
    m_fileTitle->setVisible(fetch);
    m_file->setVisible(fetch);
    if (fetch)
        m_file->setFile(s.file, s.fileWriters);
    m_canvas->update();
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

} // namespace wb::threads::ui
