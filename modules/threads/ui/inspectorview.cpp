#include "inspectorview.h"
#include "runbar.h"
#include "timelineview.h"

#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QPainter>
#include <QScrollArea>
#include <QVBoxLayout>

#include <set>

namespace wb::threads::ui {

namespace {

QString pyBool(bool b)
{
    return b ? QStringLiteral("True") : QStringLiteral("False");
}

QString threadList(const std::vector<int> &threads)
{
    QStringList names;
    for (int n : threads)
        names << QString::fromStdString(threadName(n));
    return names.join(QStringLiteral(", "));
}

} // namespace

std::vector<InspectorRow> inspectorRows(const ThreadsState &state, const TimelineData &timeline,
                                        qint64 currentSeq)
{
    // Who is blocked or waiting on what, at the cursor.
    std::map<std::string, std::vector<int>> on;
    for (const auto &[n, t] : state.threads)
        if (!t.on.empty() && (t.state == ThreadState::Blocked || t.state == ThreadState::Waiting))
            on[t.on].push_back(n);
    // Waiter locks still listed in some Condition's waiters list.
    std::set<std::string> listed;
    for (const auto &[name, p] : state.primitives)
        for (auto id : p.waiters)
            if (auto w = timeline.waiterNames.find(id); w != timeline.waiterNames.end())
                listed.insert(w->second.toStdString());

    std::vector<InspectorRow> rows;
    for (const auto &[name, p] : state.primitives) {
        InspectorRow r;
        r.name = QString::fromStdString(name);
        r.group = r.name.section(QLatin1Char('.'), 0, 0);
        r.layer = QString::fromStdString(p.layer);
        r.depth = static_cast<int>(r.name.count(QLatin1Char('.')));
        r.changed = p.lastSeq >= 0 && p.lastSeq == currentSeq;
        QStringList parts;
        const QString layer = r.layer;
        const bool waiterLock = r.name.contains(QLatin1String(".waiter#"));
        if (layer == QLatin1String("Lock")) {
            parts << (p.value < 0
                          ? QObject::tr("sem_t value ?")
                          : QObject::tr("sem_t value %1 (%2)")
                                .arg(p.value)
                                .arg(p.locked ? QObject::tr("locked") : QObject::tr("unlocked")));
            if (waiterLock && !listed.count(name) && !on.count(name))
                r.idle = true;
        } else if (layer == QLatin1String("RLock")) {
            parts << QObject::tr("owner %1, count %2")
                         .arg(p.owner > 0 ? QString::fromStdString(threadName(int(p.owner)))
                                          : QStringLiteral("None"))
                         .arg(p.count);
        } else if (layer == QLatin1String("Condition")) {
            QStringList ws;
            for (auto id : p.waiters) {
                const auto w = timeline.waiterNames.find(id);
                const QString wn = w == timeline.waiterNames.end()
                                       ? QStringLiteral("#%1").arg(id)
                                       : w->second.section(QLatin1Char('.'), -1);
                const auto waiting =
                    w == timeline.waiterNames.end() ? on.end() : on.find(w->second.toStdString());
                ws << (waiting == on.end()
                           ? wn
                           : QStringLiteral("%1 (%2)").arg(wn, threadList(waiting->second)));
            }
            parts << QObject::tr("waiters [%1]").arg(ws.join(QStringLiteral(", ")));
        } else if (layer == QLatin1String("Semaphore") ||
                   layer == QLatin1String("BoundedSemaphore")) {
            parts << QObject::tr("value %1").arg(p.value);
        } else if (layer == QLatin1String("Event")) {
            parts << QObject::tr("flag %1").arg(pyBool(p.flag));
        } else if (layer == QLatin1String("Queue")) {
            QStringList items;
            for (auto i : p.items)
                items << QString::number(i);
            parts << QObject::tr("items [%1]").arg(items.join(QStringLiteral(", ")))
                  << QObject::tr("unfinished_tasks %1").arg(p.unfinished);
        }
        if (auto it = on.find(name); it != on.end())
            parts << (waiterLock ? QObject::tr("%1 waits here (a notify releases it)")
                                 : QObject::tr("%1 blocked here"))
                         .arg(threadList(it->second));
        else if (r.idle)
            parts << QObject::tr("done with (notified or timed out)");
        r.text = parts.join(QStringLiteral(" · "));
        rows.push_back(std::move(r));
    }
    // Group by object, the object first, its parts nested below it.
    std::stable_sort(rows.begin(), rows.end(), [](const InspectorRow &a, const InspectorRow &b) {
        if (a.group != b.group)
            return a.group < b.group;
        if (a.depth != b.depth && (b.name.startsWith(a.name) || a.name.startsWith(b.name)))
            return a.depth < b.depth;
        return a.name < b.name;
    });
    return rows;
}

// ---------------------------------------------------------------------------------------------
// Canvas

InspectorCanvas::InspectorCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void InspectorCanvas::setContent(std::vector<InspectorRow> rows, QStringList threadLines,
                                 QString banner)
{
    m_rows = std::move(rows);
    m_threads = std::move(threadLines);
    m_banner = std::move(banner);
    setMinimumHeight(contentHeight());
    updateGeometry();
    update();
}

QSize InspectorCanvas::sizeHint() const
{
    return {600, contentHeight()};
}

int InspectorCanvas::contentHeight() const
{
    const int line = fontMetrics().height() + 8;
    int groups = 0;
    QString last;
    for (const auto &r : m_rows)
        if (r.group != last) {
            ++groups;
            last = r.group;
        }
    return 40 + line * (m_threads.size() + 2) + groups * (line + 22) +
           line * static_cast<int>(m_rows.size()) + (m_banner.isEmpty() ? 0 : line + 8);
}

void InspectorCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor faded = pal.color(QPalette::PlaceholderText);
    const QColor accent = wb::ui::stateColor("accent");
    const QFontMetrics fm(font());
    const int line = fm.height() + 8;
    QFont bold = font();
    bold.setBold(true);
    QFont mono = font();
    mono.setFamily(QStringLiteral("DejaVu Sans Mono"));
    int y = 10;

    if (!m_banner.isEmpty()) {
        p.setFont(bold);
        p.setPen(wb::ui::stateColor("blocked"));
        p.drawText(QRect(12, y, width() - 24, line), Qt::AlignLeft | Qt::AlignVCenter, m_banner);
        y += line + 8;
    }
    // The first line says where the cursor is; the rest is one line per thread.
    p.setFont(bold);
    p.setPen(text);
    if (!m_threads.isEmpty()) {
        p.drawText(QRect(12, y, width() - 24, line), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(m_threads.first(), Qt::ElideRight, width() - 24));
        y += line + 6;
    }
    p.drawText(QPoint(12, y + fm.ascent()), tr("Threads"));
    y += line;
    p.setFont(font());
    for (const QString &t : m_threads.mid(1)) {
        p.setPen(text);
        p.drawText(QRect(24, y, width() - 36, line), Qt::AlignLeft | Qt::AlignVCenter, t);
        y += line;
    }
    y += 10;
    if (m_rows.empty()) {
        p.setPen(faded);
        p.drawText(QRect(12, y, width() - 24, line * 3), Qt::AlignLeft | Qt::TextWordWrap,
                   m_emptyText.isEmpty() ? tr("No primitive has been used up to the cursor.")
                                         : m_emptyText);
        return;
    }

    const int nameWidth = std::min(280, width() / 3);
    QString group;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const InspectorRow &r = m_rows[i];
        if (r.group != group) {
            group = r.group;
            std::size_t n = i;
            while (n < m_rows.size() && m_rows[n].group == group)
                ++n;
            const QRectF card(8, y, width() - 16, line * (n - i) + line + 10);
            p.setPen(QPen(pal.color(QPalette::Mid), 1));
            p.setBrush(pal.color(QPalette::AlternateBase));
            p.drawRoundedRect(card, 6, 6);
            p.setBrush(Qt::NoBrush);
            p.setFont(bold);
            p.setPen(text);
            p.drawText(QRectF(card.left() + 10, y + 2, card.width() - 20, line),
                       Qt::AlignLeft | Qt::AlignVCenter, group);
            y += line + 4;
        }
        const QRectF rowRect(14, y, width() - 28, line - 2);
        if (r.changed) {
            QColor hl = accent;
            hl.setAlpha(45);
            p.fillRect(rowRect, hl);
        }
        const int indent = 20 + 18 * std::max(0, r.depth - 1) + (r.depth > 0 ? 14 : 0);
        // The layer as a small badge, then the name and the state.
        p.setFont(font());
        const QString badge = r.layer;
        const int bw = fm.horizontalAdvance(badge) + 12;
        const QRectF b(indent, y + 3, bw, line - 8);
        QColor bc = r.layer == QLatin1String("Lock")        ? wb::ui::stateColor("sleeping")
                    : r.layer == QLatin1String("Condition") ? wb::ui::stateColor("waiting")
                    : r.layer == QLatin1String("RLock")     ? wb::ui::stateColor("running")
                                                            : accent;
        if (r.idle)
            bc = wb::ui::stateColor("done");
        p.setPen(Qt::NoPen);
        p.setBrush(bc);
        p.drawRoundedRect(b, 4, 4);
        p.setBrush(Qt::NoBrush);
        p.setPen(Qt::white);
        p.drawText(b, Qt::AlignCenter, badge);
        p.setPen(r.idle ? faded : text);
        p.setFont(mono);
        p.drawText(QRectF(b.right() + 8, y, nameWidth, line - 2), Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetrics(mono).elidedText(r.name, Qt::ElideMiddle, nameWidth));
        p.setFont(r.changed ? bold : font());
        const double tx = b.right() + 16 + nameWidth;
        p.drawText(QRectF(tx, y, width() - tx - 16, line - 2), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(r.text, Qt::ElideRight, int(width() - tx - 16)));
        y += line;
        if (i + 1 == m_rows.size() || m_rows[i + 1].group != group)
            y += 14;
    }
}

// ---------------------------------------------------------------------------------------------
// The page

InspectorPage::InspectorPage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_canvas(new InspectorCanvas), m_scroll(new QScrollArea)
{
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runBar);
    col->addWidget(m_scroll, 1);

    ThreadsSession *s = m_session.get();
    connect(s->controller(), &wb::ui::StepController::positionChanged, this,
            &InspectorPage::redraw);
    connect(s->controller(), &wb::ui::StepController::traceReplaced, this, &InspectorPage::redraw);
    connect(s, &ThreadsSession::timelineGrew, this, &InspectorPage::redraw);
    connect(s, &ThreadsSession::runStarted, this, &ModulePage::lessonChanged);
    m_session->ensureOpeningExample();
    redraw();
}

wb::ui::StepController *InspectorPage::controller() const
{
    return m_session->controller();
}

void InspectorPage::showEvent(QShowEvent *event)
{
    ModulePage::showEvent(event);
    m_shown = true;
    if (m_stale)
        redraw();
}

void InspectorPage::redraw()
{
    if (m_shown && !isVisible()) {
        m_stale = true;
        return;
    }
    m_stale = false;
    const wb::Event *current = m_session->controller()->currentEvent();
    const ThreadsState &s = m_session->stateAtCursor();
    m_rows =
        inspectorRows(s, m_session->timeline(), current ? static_cast<qint64>(current->seq) : -1);
    QStringList threads;
    for (const auto &[n, t] : s.threads) {
        QString what;
        switch (t.state) {
        case ThreadState::Blocked:
            what = tr("blocked on %1").arg(QString::fromStdString(t.on));
            break;
        case ThreadState::Waiting:
            what = tr("waiting on %1").arg(QString::fromStdString(t.on));
            break;
        case ThreadState::Sleeping:
            what = tr("sleeping");
            break;
        case ThreadState::Done:
            what = tr("done");
            break;
        default:
            what = tr("running");
            break;
        }
        threads << tr("%1  %2: %3%4")
                       .arg(threadLabel(n), QString::fromStdString(t.name), what,
                            t.line ? tr("   (line %1 of %2)")
                                         .arg(t.line)
                                         .arg(QString::fromStdString(t.file))
                                   : QString());
    }
    QString banner;
    if (s.deadlock) {
        std::vector<int> cycle(s.cycle.begin(), s.cycle.end());
        QStringList names;
        for (int n : cycle)
            names << QString::fromStdString(threadName(n));
        // Reported only once no thread that could release, notify or set is left running:
        // CPython would hang here for ever, silently.
        if (s.deadlockGlobal) {
            banner = tr("Deadlock: %1 wait without a timeout, and no thread that could wake "
                        "them is left. CPython would hang here.")
                         .arg(names.join(QStringLiteral(", ")));
        } else {
            if (!names.isEmpty())
                names << names.first();
            banner = tr("Deadlock: %1 — each waits for a lock the next one acquired last, and "
                        "no thread that could release one is still running. CPython would "
                        "hang here.")
                         .arg(names.join(QStringLiteral(" → ")));
        }
    }
    QString head =
        tr("Step %1 of %2").arg(m_session->position()).arg(m_session->timeline().processed);
    if (current)
        head += QStringLiteral(" — ") + QString::fromStdString(current->label);
    threads.prepend(head);
    m_canvas->setEmptyText(
        m_session->scenario() == QLatin1String("fetch-nolock")
            ? tr("This scenario uses no primitive at all: nothing guards output.txt, which is "
                 "why the two pages interleave. Run “Two threads, one file, one Lock” to see "
                 "the Lock that fixes it.")
            : QString());
    m_canvas->setContent(m_rows, threads, banner);
    emit highlightsChanged();
}

QString InspectorPage::lessonMarkdown() const
{
    return lessonWithScenario(
        wb::ui::readTextResource(QStringLiteral(":/modules/threads/ui/lessons/inspector.md")),
        m_session->scenario());
}

QStringList InspectorPage::sourceFiles() const
{
    return threadsSources();
}

QList<wb::ui::SourceHighlight> InspectorPage::sourceHighlights() const
{
    return threadHighlights(*m_session);
}

void InspectorPage::shutdown()
{
    m_session->shutdown();
}

} // namespace wb::threads::ui
