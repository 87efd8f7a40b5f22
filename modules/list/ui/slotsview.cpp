#include "slotsview.h"
#include "common.h"

#include "list/core/ops.h"

#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QToolButton>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace wb::list::ui {

// ---------------------------------------------------------------------------------------------
// Drawing

SlotCanvas::SlotCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void SlotCanvas::setState(const ListViewState &state)
{
    m_state = state;
    update();
}

namespace {

void drawArrow(QPainter &p, QPointF from, QPointF to, const QColor &color, qreal width = 1.4)
{
    p.setPen(QPen(color, width));
    p.drawLine(from, to);
    const QLineF line(to, from);
    const qreal angle = std::atan2(-line.dy(), line.dx());
    const qreal s = 7;
    QPolygonF head;
    head << to << to + QPointF(std::sin(angle + M_PI / 3) * s, std::cos(angle + M_PI / 3) * s)
         << to + QPointF(std::sin(angle + M_PI - M_PI / 3) * s,
                         std::cos(angle + M_PI - M_PI / 3) * s);
    p.setBrush(color);
    p.drawPolygon(head);
    p.setBrush(Qt::NoBrush);
}

} // namespace

void SlotCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const ListViewState &s = m_state;
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor faded = pal.color(QPalette::PlaceholderText);
    const QColor accent = wb::ui::stateColor("accent");
    const QColor live = wb::ui::stateColor("running");
    const QColor spare = wb::ui::stateColor("spare");
    const QColor warn = wb::ui::stateColor("blocked");
    const QFontMetrics fm(font());
    const int line = fm.height();
    int y = 10;

    // Header: what was just done, and the two numbers the object keeps.
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    p.setFont(big);
    p.setPen(text);
    const QString op = s.lastOp.empty() ? tr("l = []") : QString::fromStdString(s.lastOp);
    p.drawText(12, y + QFontMetrics(big).ascent(), op);
    y += QFontMetrics(big).height() + 6;
    p.setFont(font());
    const QString counters =
        tr("ob_size = %1     allocated = %2     ob_item = %3     growth: %4")
            .arg(s.size)
            .arg(s.allocated)
            .arg(s.hasBlock ? tr("→ block of %1 bytes").arg(s.allocated * 8) : tr("NULL"))
            .arg(s.policy.empty() ? QStringLiteral("-") : QString::fromStdString(s.policy));
    p.drawText(12, y + fm.ascent(), counters);
    y += line + 4;
    if (!s.lastResize.formula.empty()) {
        const auto &r = s.lastResize;
        QString what = r.realloc ? tr("realloc %1 → %2 slots%3%4")
                                       .arg(r.oldAllocated)
                                       .arg(r.newAllocated)
                                       .arg(r.moved ? tr(", block moved") : tr(", in place"))
                                       .arg(r.copied ? tr(", %1 pointers copied").arg(r.copied)
                                                     : QString())
                                 : tr("no realloc: %1 ≤ %2 ≤ %3, only ob_size changes")
                                       .arg(r.oldAllocated / 2)
                                       .arg(r.newSize)
                                       .arg(r.oldAllocated);
        p.setPen(accent);
        p.drawText(12, y + fm.ascent(),
                   tr("list_resize(%1): %2   —   %3")
                       .arg(r.newSize)
                       .arg(QString::fromStdString(r.formula), what));
        y += line + 4;
    }
    if (!s.lastError.empty()) {
        p.setPen(warn);
        p.drawText(12, y + fm.ascent(), QString::fromStdString(s.lastError));
        y += line + 4;
    }
    y += 18;

    // The slot array, wrapped onto several rows when it is long.
    const int count = static_cast<int>(std::max<std::int64_t>(s.allocated, 0));
    if (count == 0) {
        p.setPen(faded);
        p.drawText(12, y + fm.ascent(),
                   s.hasBlock ? tr("ob_item points to a block of 0 slots.")
                              : tr("No item array yet: ob_item is NULL and allocated is 0."));
        return;
    }
    const int left = 40;
    const int usable = std::max(200, width() - left - 16);
    const int box = std::clamp(usable / std::max(1, std::min(count, 16)), 30, 64);
    const int perRow = std::max(1, usable / box);
    const int rowHeight = box + 2 * line + box + 26;
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);

    auto slotRect = [&](int i) {
        const int r = i / perRow, c = i % perRow;
        return QRectF(left + c * box, y + line + r * rowHeight, box - 4, box - 4);
    };
    // Shift arrows first, under the boxes: each moved pointer from its old slot to its new.
    if (s.shiftCount > 0 && s.shiftCount <= 64) {
        const int d = static_cast<int>(s.shiftTo - s.shiftFrom);
        for (std::int64_t k = 0; k < s.shiftCount; ++k) {
            const int from = static_cast<int>(s.shiftFrom + k), to = from + d;
            if (to < 0 || to >= count || from >= count)
                continue;
            const QRectF a = slotRect(from), b = slotRect(to);
            QPainterPath path(QPointF(a.center().x(), a.top()));
            path.cubicTo(a.center().x(), a.top() - line * 1.2, b.center().x(),
                         b.top() - line * 1.2, b.center().x(), b.top() - 2);
            p.setPen(QPen(accent, 1.4));
            p.drawPath(path);
            drawArrow(p, QPointF(b.center().x(), b.top() - 8), QPointF(b.center().x(), b.top() - 1),
                      accent);
        }
    }
    for (int i = 0; i < count; ++i) {
        const QRectF r = slotRect(i);
        const bool isLive = i < s.size;
        const std::uint64_t id = i < static_cast<int>(s.obItem.size()) ? s.obItem[i] : 0;
        p.setFont(small);
        p.setPen(faded);
        p.drawText(QRectF(r.left(), r.top() - line, r.width(), line), Qt::AlignCenter,
                   QString::number(i));
        QPen border(isLive ? text : faded, i == s.stored ? 3 : 1.2,
                    isLive ? Qt::SolidLine : Qt::DashLine);
        if (i == s.stored)
            border.setColor(accent);
        p.setPen(border);
        p.setBrush(isLive ? QColor(live.red(), live.green(), live.blue(), 60) : spare);
        p.drawRect(r);
        p.setBrush(Qt::NoBrush);
        if (!id) {
            p.setPen(faded);
            p.drawText(r, Qt::AlignCenter, QStringLiteral("∅"));
            continue;
        }
        // The object this slot points to, drawn below it.
        const auto it = s.objects.find(id);
        const bool freed = it != s.objects.end() && it->second.freed;
        const QColor objColor = isLive ? text : faded;
        p.setBrush(objColor);
        p.setPen(Qt::NoPen);
        p.drawEllipse(r.center(), 3.5, 3.5);
        p.setBrush(Qt::NoBrush);
        const QRectF obj(r.left() + 2, r.bottom() + line * 1.6, r.width() - 4, r.width() - 4);
        drawArrow(p, r.center() + QPointF(0, 4), QPointF(obj.center().x(), obj.top()), objColor,
                  isLive ? 1.4 : 1.0);
        p.setPen(QPen(objColor, isLive ? 1.6 : 1.0, isLive ? Qt::SolidLine : Qt::DotLine));
        p.drawEllipse(obj);
        p.setFont(font());
        p.drawText(obj, Qt::AlignCenter,
                   it == s.objects.end() ? QStringLiteral("?")
                                         : QString::number(it->second.value));
        if (!isLive) {
            p.setFont(small);
            p.drawText(QRectF(obj.left() - 10, obj.bottom() + 1, obj.width() + 20, line),
                       Qt::AlignCenter, freed ? tr("freed") : tr("stale"));
        }
    }
    // Legend and the recycle array.
    const int rows = (count + perRow - 1) / perRow;
    int ly = y + line + rows * rowHeight + 4;
    p.setFont(small);
    p.setPen(faded);
    p.drawText(left, ly + fm.ascent(),
               tr("solid: items [0, ob_size)   dashed: spare slots [ob_size, allocated)   "
                  "a spare slot still pointing at an object holds a stale pointer"));
    if (!s.recycle.empty()) {
        QStringList ids;
        for (auto r : s.recycle) {
            auto it = s.objects.find(r);
            ids << (it == s.objects.end() ? QStringLiteral("?") : QString::number(it->second.value));
        }
        p.setPen(accent);
        p.drawText(left, ly + line + fm.ascent(),
                   tr("recycle (released after the list is consistent again): [%1]")
                       .arg(ids.join(", ")));
    }
}

// ---------------------------------------------------------------------------------------------
// The page

SlotsPage::SlotsPage(QWidget *parent)
    : ModulePage(parent), m_controller(new wb::ui::StepController(this)),
      m_canvas(new SlotCanvas), m_table(new wb::ui::TraceTable)
{
    m_policy = new QComboBox;
    m_policy->addItem(tr("CPython ≤ 3.8 growth (the tutorial's)"), "cpython27");
    m_policy->addItem(tr("CPython 3.9+ growth"), "cpython311");
    m_policy->setToolTip(tr("Which over-allocation formula list_resize uses"));
    m_command = new QLineEdit;
    m_command->setPlaceholderText(tr("Type an operation: l.append(7), l.insert(0, 3), l.pop(), "
                                     "l.remove(5), del l[1:3], l.extend([1, 2]) … then Enter"));
    m_command->setClearButtonEnabled(true);
    auto *runButton = new QPushButton(tr("Run"));
    auto *example = new QPushButton(tr("Worked example"));
    example->setToolTip(tr("append 1, 2, 3, 4; insert(1, 5); pop(); pop(); remove(5)"));
    auto *resetButton = new QPushButton(tr("New list"));
    resetButton->setToolTip(tr("Start again from l = []"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Growth:")));
    top->addWidget(m_policy);
    top->addWidget(m_command, 1);
    top->addWidget(runButton);
    top->addWidget(example);
    top->addWidget(resetButton);

    auto *quick = new QHBoxLayout;
    quick->addWidget(new QLabel(tr("Quick:")));
    const QList<QPair<QString, QString>> quickOps{
        {tr("append"), "append %n"}, {tr("insert(0, x)"), "insert 0 %n"}, {tr("pop()"), "pop"},
        {tr("pop(0)"), "pop 0"},     {tr("remove first"), "remove %first"},
        {tr("del l[0:2]"), "del 0 2"}, {tr("extend ×5"), "extend %5"},
        {tr("sort"), "sort"},       {tr("reverse"), "reverse"}, {tr("clear"), "clear"}};
    for (const auto &[title, pattern] : quickOps) {
        // Tool buttons: the whole row fits beside the lesson pane at the default window size.
        auto *b = new QToolButton;
        b->setText(title);
        b->setFocusPolicy(Qt::NoFocus);
        connect(b, &QPushButton::clicked, this, [this, pattern] {
            QString cmd = pattern;
            const qint64 next = m_list ? m_list->heap().created() + 1 : 1;
            cmd.replace("%n", QString::number(next * 7 % 100));
            if (cmd.contains("%first")) {
                const auto values = m_list->values();
                cmd.replace("%first", QString::number(values.empty() ? 0 : values.front()));
            }
            if (cmd.contains("%5")) {
                QStringList vs;
                for (int k = 0; k < 5; ++k)
                    vs << QString::number((next + k) * 13 % 100);
                cmd.replace("%5", vs.join(' '));
            }
            run(cmd);
        });
        quick->addWidget(b);
    }
    quick->addStretch(1);

    m_history = new QLabel;
    m_history->setWordWrap(true);
    m_history->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message = new QLabel;
    m_message->setStyleSheet(QStringLiteral("color: %1").arg(wb::ui::stateColor("blocked").name()));

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_canvas);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addLayout(quick);
    col->addWidget(m_message);
    col->addWidget(m_history);
    col->addWidget(split, 1);

    m_table->setController(m_controller);
    connect(m_controller, &wb::ui::StepController::positionChanged, this, &SlotsPage::redraw);
    connect(m_controller, &wb::ui::StepController::traceReplaced, this, &SlotsPage::redraw);
    connect(m_policy, &QComboBox::currentIndexChanged, this, [this] { reset(); });
    auto submit = [this] {
        if (run(m_command->text()))
            m_command->clear();
    };
    connect(m_command, &QLineEdit::returnPressed, this, submit);
    connect(runButton, &QPushButton::clicked, this, submit);
    connect(example, &QPushButton::clicked, this, &SlotsPage::loadWorkedExample);
    connect(resetButton, &QPushButton::clicked, this, &SlotsPage::reset);

    loadWorkedExample();
}

SlotsPage::~SlotsPage()
{
    // The controller and replayer hold references into the trace; drop them first.
    m_controller->setTrace(nullptr);
    m_replayer.reset();
}

GrowthPolicy SlotsPage::policy() const
{
    return parseGrowthPolicy(m_policy->currentData().toString().toStdString())
        .value_or(GrowthPolicy::CPython27);
}

void SlotsPage::reset()
{
    m_controller->setTrace(nullptr);
    m_replayer.reset();
    m_list.reset();
    m_trace = std::make_shared<wb::Trace>();
    m_list = std::make_unique<ListObject>(policy(), m_trace.get());
    m_replayer = std::make_unique<wb::Replayer<ListViewState>>(*m_trace, ListViewState{},
                                                                applyListEvent);
    m_statements.clear();
    m_history->setText(tr("A new, empty list. Type an operation above."));
    m_message->clear();
    m_controller->setTrace(m_trace, static_cast<qsizetype>(m_trace->size()));
}

bool SlotsPage::run(const QString &statement)
{
    const QString text = statement.trimmed();
    if (text.isEmpty())
        return false;
    std::string error;
    const auto op = parseListOp(text.toStdString(), error);
    if (!op) {
        m_message->setText(QString::fromStdString(error));
        emit statusMessage(QString::fromStdString(error));
        return false;
    }
    m_message->clear();
    const auto before = static_cast<qsizetype>(m_trace->size());
    QString shown = text;
    try {
        if (const auto popped = applyListOp(*m_list, *op))
            shown += tr(" → %1").arg(*popped);
    } catch (const PyException &e) {
        shown += tr(" → %1").arg(QString::fromUtf8(e.what()));
        m_message->setText(QString::fromUtf8(e.what()));
    }
    m_statements << shown;
    m_history->setText(tr("Run so far: %1").arg(m_statements.join(QStringLiteral("  ·  "))));
    // Show the new steps from their first event, played at the chosen speed.
    m_controller->setTrace(m_trace, before);
    m_controller->play();
    return true;
}

void SlotsPage::loadWorkedExample()
{
    const QSignalBlocker block(m_policy);
    m_policy->setCurrentIndex(0); // the tutorial's table uses the CPython 2 formula
    reset();
    for (const char *s : {"l.append(1)", "l.append(2)", "l.append(3)", "l.append(4)",
                          "l.insert(1, 5)", "l.pop()", "l.pop()", "l.remove(5)"})
        run(QString::fromLatin1(s));
    // Open on the most telling moment: just after insert(1, 5) shifted three pointers right.
    m_controller->pause();
    m_controller->toStart();
    for (int i = 0; i < 6; ++i)
        m_controller->nextOfKind("op");
    m_controller->stepBack();
}

const ListViewState &SlotsPage::stateAtCursor()
{
    return m_replayer->stateAt(static_cast<std::size_t>(m_controller->position()));
}

QString SlotsPage::message() const
{
    return m_message->text();
}

void SlotsPage::redraw()
{
    if (m_replayer)
        m_canvas->setState(stateAtCursor());
}

QString SlotsPage::lessonMarkdown() const
{
    return wb::ui::readTextResource(":/modules/list/ui/lessons/slots.md");
}

QStringList SlotsPage::sourceFiles() const
{
    return coreSources({"core/src/listobject.cpp", "core/include/list/core/listobject.h"});
}

} // namespace wb::list::ui
