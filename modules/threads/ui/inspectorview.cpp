#include "inspectorview.h"
#include "runbar.h"
#include "timelineview.h"

#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QHelpEvent>
#include <QPainter>
#include <QScrollArea>
#include <QToolTip>
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
                listed.insert(w->second);

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
                const QString wn =
                    w == timeline.waiterNames.end()
                        ? QStringLiteral("#%1").arg(id)
                        : QString::fromStdString(w->second).section(QLatin1Char('.'), -1);
                const auto waiting =
                    w == timeline.waiterNames.end() ? on.end() : on.find(w->second);
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

QColor layerBadgeFill(const QString &layer, bool idle, const QPalette &palette)
{
    // Each fill keeps 4.5:1 against Base, so Base-coloured words on it keep it too.
    const QColor c = idle                                  ? wb::ui::stateColor("done")
                     : layer == QLatin1String("Lock")      ? wb::ui::stateColor("sleeping")
                     : layer == QLatin1String("Condition") ? wb::ui::stateColor("waiting")
                     : layer == QLatin1String("RLock")     ? wb::ui::stateColor("running")
                                                           : wb::ui::stateColor("accent");
    return wb::ui::readableOn(c, opaqueRole(palette, QPalette::Base));
}

QColor layerBadgeText(const QPalette &palette)
{
    return opaqueRole(palette, QPalette::Base);
}

QColor changedRowFill(const QPalette &palette)
{
    const QColor under = opaqueRole(palette, QPalette::AlternateBase);
    const QColor accent = wb::ui::stateColor("accent");
    constexpr double alpha = 0.18;
    return QColor::fromRgbF(under.redF() + (accent.redF() - under.redF()) * alpha,
                            under.greenF() + (accent.greenF() - under.greenF()) * alpha,
                            under.blueF() + (accent.blueF() - under.blueF()) * alpha);
}

// ---------------------------------------------------------------------------------------------
// Canvas

InspectorCanvas::InspectorCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setAccessibleName(tr("Primitives"));
    setAccessibleDescription(tr("Each thread's state at the cursor, then every primitive "
                                "grouped by the object it belongs to, with its inside: "
                                "semaphore values, owners, waiters, flags and queue items"));
}

void InspectorCanvas::setContent(std::vector<InspectorRow> rows, QStringList threadLines,
                                 QString banner)
{
    m_rows = std::move(rows);
    m_threads = std::move(threadLines);
    m_banner = std::move(banner);
    updateGeometry();
    update();
}

QSize InspectorCanvas::sizeHint() const
{
    const int w = fontMetrics().averageCharWidth() * 90;
    return {w, heightForWidth(w)};
}

QSize InspectorCanvas::minimumSizeHint() const
{
    return {fontMetrics().averageCharWidth() * 30, fontMetrics().height() * 4};
}

int InspectorCanvas::heightForWidth(int width) const
{
    return layOut(width, nullptr);
}

bool InspectorCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const QPoint at = static_cast<QHelpEvent *>(event)->pos();
        for (const auto &[rect, tip] : m_rowRects)
            if (rect.contains(at)) {
                QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), tip, this);
                return true;
            }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}

void InspectorCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    layOut(width(), &p);
}

int InspectorCanvas::layOut(int width, QPainter *p) const
{
    // Taken here, not once: a palette switch changes them.
    const QPalette pal = palette();
    const Inks ink = inks(pal);
    const QColor text = ink.text;
    const QColor faded = ink.muted;
    const QFontMetrics fm(font());
    const int line = fm.height() + 8;
    QFont bold = font();
    bold.setBold(true);
    QFont mono = font();
    mono.setFamily(QStringLiteral("DejaVu Sans Mono"));
    const QFontMetrics mfm(mono);
    const int w = std::max(width, fm.averageCharWidth() * 20);
    if (p)
        m_rowRects.clear();

    // A paragraph that wraps at `textWidth`; returns its height.
    auto para = [&](const QFont &f, const QColor &c, int x, int y, int textWidth,
                    const QString &s) {
        const QFontMetrics m(f);
        textWidth = std::max(textWidth, m.averageCharWidth() * 8);
        const int h = std::max(
            m.height(),
            m.boundingRect(QRect(0, 0, textWidth, 1 << 20), Qt::TextWordWrap, s).height());
        if (p) {
            p->setFont(f);
            p->setPen(c);
            p->drawText(QRect(x, y, textWidth, h), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                        s);
        }
        return h;
    };

    int y = 10;
    if (!m_banner.isEmpty())
        y += para(bold, ink.error, 12, y, w - 24, m_banner) + 12;
    // The first line says where the cursor is; the rest is one line per thread.
    if (!m_threads.isEmpty())
        y += para(bold, text, 12, y, w - 24, m_threads.first()) + 10;
    y += para(bold, text, 12, y, w - 24, tr("Threads")) + 4;
    for (const QString &t : m_threads.mid(1))
        y += para(font(), text, 24, y, w - 36, t) + 4;
    y += 12;
    if (m_rows.empty()) {
        y += para(font(), faded, 12, y, w - 24,
                  m_emptyText.isEmpty() ? tr("No primitive has been used up to the cursor.")
                                        : m_emptyText);
        return y + 12;
    }

    // Each row: the layer as a badge, the name, the state. The states line up in one column
    // when there is room for it; otherwise each goes under its name.
    auto indentOf = [](const InspectorRow &r) {
        return 20 + 18 * std::max(0, r.depth - 1) + (r.depth > 0 ? 14 : 0);
    };
    auto badgeWidth = [&](const InspectorRow &r) {
        return fm.horizontalAdvance(r.layer) + 12;
    };
    int badgeEnd = 0, longestName = 0;
    for (const auto &r : m_rows) {
        badgeEnd = std::max(badgeEnd, indentOf(r) + badgeWidth(r));
        longestName =
            std::max(longestName, mfm.horizontalAdvance(r.name) + mfm.averageCharWidth());
    }
    const int nameWidth = std::min(longestName, w / 3);
    const int textX = badgeEnd + 8 + nameWidth + 14;
    const bool columns = w - 16 - textX >= fm.averageCharWidth() * 24;
    struct Geometry
    {
        int nameX, nameWidth, textX, textWidth, height;
    };
    auto geometry = [&](const InspectorRow &r) {
        Geometry g;
        g.nameX = indentOf(r) + badgeWidth(r) + 8;
        if (columns) {
            g.nameWidth = textX - 14 - g.nameX;
            g.textX = textX;
        } else {
            g.nameWidth = w - 16 - g.nameX;
            g.textX = std::min(g.nameX, w / 3);
        }
        g.textWidth = w - 16 - g.textX;
        QFont f = r.changed ? bold : font();
        const int textH = QFontMetrics(f)
                              .boundingRect(QRect(0, 0, std::max(1, g.textWidth), 1 << 20),
                                            Qt::TextWordWrap, r.text)
                              .height();
        g.height = columns ? std::max(line, textH + 8) : line + textH + 4;
        return g;
    };

    QString group;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const InspectorRow &r = m_rows[i];
        if (r.group != group) {
            group = r.group;
            int cardH = line + 4 + 6;
            for (std::size_t n = i; n < m_rows.size() && m_rows[n].group == group; ++n)
                cardH += geometry(m_rows[n]).height;
            if (p) {
                const QRectF card(8, y, w - 16, cardH);
                p->setPen(QPen(ink.grid, 1));
                p->setBrush(pal.color(QPalette::AlternateBase));
                p->drawRoundedRect(card, 6, 6);
                p->setBrush(Qt::NoBrush);
                p->setFont(bold);
                p->setPen(text);
                p->drawText(
                    QRectF(card.left() + 10, y + 2, card.width() - 20, line),
                    Qt::AlignLeft | Qt::AlignVCenter,
                    QFontMetrics(bold).elidedText(group, Qt::ElideRight, int(card.width() - 20)));
            }
            y += line + 4;
        }
        const Geometry g = geometry(r);
        if (p) {
            const QRect rowRect(14, y, w - 28, g.height - 2);
            m_rowRects.emplace_back(rowRect,
                                    QStringLiteral("%1 (%2): %3").arg(r.name, r.layer, r.text));
            if (r.changed)
                p->fillRect(rowRect, changedRowFill(pal));
            // The layer as a small badge, then the name and the state.
            const QRectF b(indentOf(r), y + 3, badgeWidth(r), line - 8);
            p->setPen(Qt::NoPen);
            p->setBrush(layerBadgeFill(r.layer, r.idle, pal));
            p->drawRoundedRect(b, 4, 4);
            p->setBrush(Qt::NoBrush);
            p->setFont(font());
            p->setPen(layerBadgeText(pal));
            p->drawText(b, Qt::AlignCenter, r.layer);
            p->setPen(r.idle ? faded : text);
            p->setFont(mono);
            p->drawText(QRectF(g.nameX, y, g.nameWidth, line - 2),
                        Qt::AlignLeft | Qt::AlignVCenter,
                        mfm.elidedText(r.name, Qt::ElideMiddle, g.nameWidth));
        }
        const int textY = columns ? y + 4 : y + line;
        para(r.changed ? bold : font(), r.idle ? faded : text, g.textX, textY, g.textWidth,
             r.text);
        y += g.height;
        if (i + 1 == m_rows.size() || m_rows[i + 1].group != group)
            y += 14;
    }
    return y + 4;
}

// ---------------------------------------------------------------------------------------------
// The page

InspectorPage::InspectorPage(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : SessionPage(session, parent), m_session(std::move(session)), m_runBar(new RunBar(m_session)),
      m_canvas(new InspectorCanvas), m_scroll(new QScrollArea)
{
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    // The rows wrap to the width, so there is nothing to scroll sideways to.
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setAccessibleName(tr("Primitives at the cursor"));
    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runBar);
    col->addWidget(m_scroll, 1);

    ThreadsSession *s = m_session.get();
    connect(s, &ThreadsSession::runStarted, this, &ModulePage::lessonChanged);
    m_session->ensureOpeningExample();
    refresh();
}

void InspectorPage::refresh()
{
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
            names << m_session->threadTitle(n);
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

wb::Recording InspectorPage::recording() const
{
    return m_session->recording();
}

bool InspectorPage::showRecording(const wb::Recording &recording, QString *error)
{
    return m_session->showRecording(recording, error);
}

std::vector<std::pair<std::string, std::string>> InspectorPage::recordingSettings() const
{
    return wb::threads::recordingSettings(m_session->recordedRun());
}

bool InspectorPage::acceptsEvent(const wb::Event &event) const
{
    return isThreadsEvent(event);
}

} // namespace wb::threads::ui
