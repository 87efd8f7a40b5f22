#include "slotsview.h"
#include "common.h"

#include "list/core/events.h"
#include "list/core/ops.h"

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
#include <QPainterPath>
#include <QPushButton>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace wb::list::ui {

// ---------------------------------------------------------------------------------------------
// Drawing

SlotCanvas::SlotCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void SlotCanvas::setState(const ListViewState &state, const SlotFocus &focus)
{
    m_state = state;
    m_focus = focus;
    update();
}

QSize SlotCanvas::minimumSizeHint() const
{
    // Text wraps and the slots wrap onto more rows, so the drawing fits a narrow column.
    const int line = fontMetrics().height();
    return {std::max(280, 16 * line), std::max(240, 12 * line)};
}

namespace {

void drawArrow(QPainter &p, QPointF from, QPointF to, const QColor &color, qreal width = 1.4)
{
    p.setPen(QPen(color, width));
    p.drawLine(from, to);
    const QLineF line(to, from);
    const qreal angle = std::atan2(-line.dy(), line.dx());
    const qreal s = 5 + 1.5 * width;
    QPolygonF head;
    head << to << to + QPointF(std::sin(angle + M_PI / 3) * s, std::cos(angle + M_PI / 3) * s)
         << to + QPointF(std::sin(angle + M_PI - M_PI / 3) * s,
                         std::cos(angle + M_PI - M_PI / 3) * s);
    p.setBrush(color);
    p.drawPolygon(head);
    p.setBrush(Qt::NoBrush);
}

// Draws `text` wrapped to `width` from (x, y) in the painter's font; returns the height used.
int drawWrapped(QPainter &p, int x, int y, int width, const QString &text)
{
    const QRect r(x, y, std::max(width, 40), 100000);
    const QRect used = p.fontMetrics().boundingRect(r, Qt::TextWordWrap, text);
    p.drawText(r, Qt::TextWordWrap, text);
    return used.height();
}

} // namespace

void SlotCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const ListViewState &s = m_state;
    const SlotFocus &f = m_focus;
    // Taken here, not once: a palette switch changes them.
    const ListColours colours = listColours(palette());
    const QColor text = colours.text;
    const QColor muted = colours.muted;
    const QColor faded = colours.faded;
    const QColor accent = colours.accent;
    const QColor warn = colours.warn;
    const QFontMetrics fm(font());
    const int line = fm.height();
    const int margin = std::max(12, line / 2);
    const int textWidth = width() - 2 * margin;
    const bool popping = f.popping;
    const ResizeView &r = s.lastResize;
    const bool resizing = f.resizing;
    int y = margin;

    // Header: what was just done, and the two numbers the object keeps.
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    p.setFont(big);
    p.setPen(text);
    const QString op = s.lastOp.empty() ? tr("l = []") : QString::fromStdString(s.lastOp);
    y += drawWrapped(p, margin, y, textWidth, op) + line / 3;
    p.setFont(font());
    const QString counters =
        tr("ob_size = %1  ·  allocated = %2  ·  ob_item %3  ·  growth: %4")
            .arg(s.size)
            .arg(s.allocated)
            .arg(s.hasBlock ? tr("→ block of %1 bytes").arg(s.allocated * 8) : tr("= NULL"))
            .arg(s.policy.empty() ? QStringLiteral("-") : QString::fromStdString(s.policy));
    y += drawWrapped(p, margin, y, textWidth, counters) + line / 4;
    if (f.resizeInOp && !r.formula.empty()) {
        QString what =
            r.realloc ? tr("realloc %1 → %2 slots%3%4")
                            .arg(r.oldAllocated)
                            .arg(r.newAllocated)
                            .arg(r.moved ? tr(", block moved") : tr(", in place"))
                            .arg(r.copied ? tr(", %1 pointers copied").arg(r.copied) : QString())
                      : tr("no realloc: %1 ≤ %2 ≤ %3, only ob_size changes")
                            .arg(r.oldAllocated / 2)
                            .arg(r.newSize)
                            .arg(r.oldAllocated);
        p.setPen(accent);
        y += drawWrapped(p, margin, y, textWidth,
                         tr("list_resize(%1): %2  —  %3")
                             .arg(r.newSize)
                             .arg(QString::fromStdString(r.formula), what)) +
             line / 4;
    }
    if (popping) {
        p.setPen(warn);
        y += drawWrapped(p, margin, y, textWidth,
                         tr("pop reads ob_item[%1] → %2 and hands that reference to the caller")
                             .arg(f.index)
                             .arg(f.value)) +
             line / 4;
    }
    if (!s.lastError.empty()) {
        p.setPen(warn);
        y += drawWrapped(p, margin, y, textWidth, QString::fromStdString(s.lastError)) + line / 4;
    }
    y += line / 2;

    // The slot array, wrapped onto several rows when it is long. A realloc that shrank the
    // block leaves the slots it gave back drawn as crossed-out ghosts for one step.
    const int allocated = static_cast<int>(std::max<std::int64_t>(s.allocated, 0));
    const int ghostEnd = resizing && r.realloc && r.oldAllocated > r.newAllocated
                             ? static_cast<int>(std::min<std::int64_t>(r.oldAllocated, 4096))
                             : allocated;
    const int count = std::max(allocated, ghostEnd);
    if (count == 0) {
        p.setPen(muted);
        drawWrapped(p, margin, y, textWidth,
                    s.hasBlock ? tr("ob_item points to a block of 0 slots.")
                               : tr("No item array yet: ob_item is NULL and allocated is 0."));
        return;
    }
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    const int smallLine = QFontMetrics(small).height();
    const int usable = std::max(120, textWidth);
    // Slots as large as the width allows (all on one row if they fit), no smaller than the
    // text inside them needs, and smaller again if the rows would not fit the height.
    const int minBox = std::max(28, line * 2);
    const int maxBox = std::max(72, line * 6);
    const int legendHeight = 4 * smallLine + line;
    auto rowHeightFor = [&](int b) {
        return line + smallLine + b + line + b + smallLine + 8;
    };
    int box = std::clamp(usable / count, minBox, maxBox);
    int perRow = std::max(1, usable / box);
    int rows = (count + perRow - 1) / perRow;
    while (box > minBox && y + rows * rowHeightFor(box) + legendHeight > height()) {
        box -= 2;
        perRow = std::max(1, usable / box);
        rows = (count + perRow - 1) / perRow;
    }
    const int rowHeight = rowHeightFor(box);
    const double pen = std::max(1.2, line / 12.0);
    // The values inside the objects grow with the boxes.
    QFont valueFont = font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * std::max(1.0, box / (3.5 * line)));

    auto slotRect = [&](int i) {
        const int row = i / perRow, c = i % perRow;
        return QRectF(margin + c * box, y + line + smallLine + row * rowHeight, box - 4, box - 4);
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
            p.setPen(QPen(accent, pen));
            p.drawPath(path);
            drawArrow(p, QPointF(b.center().x(), b.top() - 8),
                      QPointF(b.center().x(), b.top() - 1), accent, pen);
        }
    }
    // Slots whose side of ob_size the current resize changed.
    const int changedLo = resizing ? static_cast<int>(std::min(r.oldSize, r.newSize)) : 0;
    const int changedHi = resizing ? static_cast<int>(std::max(r.oldSize, r.newSize)) : 0;
    for (int i = 0; i < count; ++i) {
        const QRectF rect = slotRect(i);
        p.setFont(small);
        p.setPen(muted);
        p.drawText(QRectF(rect.left() - 4, rect.top() - smallLine, rect.width() + 8, smallLine),
                   Qt::AlignCenter, QString::number(i));
        if (i >= allocated) {
            p.setPen(QPen(faded, pen, Qt::DashLine));
            p.drawRect(rect);
            p.drawLine(rect.topLeft(), rect.bottomRight());
            p.drawLine(rect.topRight(), rect.bottomLeft());
            p.setPen(muted);
            p.drawText(
                QRectF(rect.left() - 8, rect.bottom() + 4, rect.width() + 16, 2 * smallLine),
                Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, tr("given back"));
            continue;
        }
        const bool isLive = i < s.size;
        const bool isPopped = popping && i == f.index;
        const bool changed = i >= changedLo && i < changedHi;
        const std::uint64_t id = i < static_cast<int>(s.obItem.size()) ? s.obItem[i] : 0;
        QPen border(isLive ? text : faded, pen, isLive ? Qt::SolidLine : Qt::DashLine);
        if (i == s.stored || changed) {
            border.setColor(accent);
            border.setWidthF(pen * 2.5);
        }
        if (isPopped) {
            border.setColor(warn);
            border.setWidthF(pen * 2.5);
        }
        p.setPen(border);
        p.setBrush(isLive ? colours.liveFill : colours.spareFill);
        p.drawRect(rect);
        p.setBrush(Qt::NoBrush);
        if (!id) {
            p.setFont(font());
            p.setPen(text); // on the slot's fill
            p.drawText(rect, Qt::AlignCenter, QStringLiteral("∅"));
            continue;
        }
        // The object this slot points to, drawn below it.
        const auto it = s.objects.find(id);
        const bool freed = it != s.objects.end() && it->second.freed;
        const QColor objColor = isPopped ? warn : isLive ? text : faded;
        p.setBrush(objColor);
        p.setPen(Qt::NoPen);
        p.drawEllipse(rect.center(), 2 + pen * 1.5, 2 + pen * 1.5);
        p.setBrush(Qt::NoBrush);
        const QRectF obj(rect.left() + 2, rect.bottom() + line, rect.width() - 4,
                         rect.width() - 4);
        drawArrow(p, rect.center() + QPointF(0, 4), QPointF(obj.center().x(), obj.top()), objColor,
                  isLive || isPopped ? pen : pen * 0.7);
        p.setPen(QPen(objColor, isLive || isPopped ? pen * 1.2 : pen * 0.8,
                      isLive || isPopped ? Qt::SolidLine : Qt::DotLine));
        p.drawEllipse(obj);
        p.setFont(valueFont);
        p.setPen(isLive || isPopped ? text : muted);
        p.drawText(obj, Qt::AlignCenter,
                   it == s.objects.end() ? QStringLiteral("?")
                                         : QString::number(it->second.value));
        const QRectF under(obj.left() - box / 2.0, obj.bottom() + 2, obj.width() + box, smallLine);
        p.setFont(small);
        if (isPopped) {
            p.setPen(warn);
            p.drawText(under, Qt::AlignCenter, tr("popped"));
        } else if (!isLive) {
            p.setPen(muted);
            p.drawText(under, Qt::AlignCenter, freed ? tr("freed") : tr("stale"));
        }
    }
    // ob_size: a bar between the last item and the first spare slot, labelled above the row.
    {
        const int at = static_cast<int>(std::clamp<std::int64_t>(s.size, 0, count));
        const QRectF ref = at < count ? slotRect(at) : slotRect(count - 1);
        const double x = at < count ? ref.left() - 2 : ref.right() + 2;
        const QColor c = resizing && r.oldSize != r.newSize ? accent : text;
        p.setPen(QPen(c, pen * 2));
        p.drawLine(QPointF(x, ref.top() - smallLine - 2), QPointF(x, ref.bottom() + 2));
        p.setFont(small);
        const QString label = resizing && r.oldSize != r.newSize
                                  ? tr("ob_size %1 → %2").arg(r.oldSize).arg(r.newSize)
                                  : tr("ob_size = %1").arg(s.size);
        const int w = QFontMetrics(small).horizontalAdvance(label) + 4;
        const double lx = std::clamp<double>(x - w / 2.0, margin, width() - margin - w);
        p.drawText(QRectF(lx, ref.top() - smallLine - line, w, line),
                   Qt::AlignCenter | Qt::AlignBottom, label);
    }
    // Legend and the recycle array.
    int ly = y + line + smallLine + rows * rowHeight;
    p.setFont(small);
    {
        // Each kind of slot as a small box drawn as the slots are, then its name: the
        // outline tells them apart as well as the fill does.
        const QFontMetrics sfm(small);
        const QSizeF sw(smallLine * 1.6, smallLine * 0.85);
        enum class Kind { Item, Spare, GivenBack };
        const std::pair<Kind, QString> entries[] = {
            {Kind::Item, tr("item: solid, in [0, ob_size)")},
            {Kind::Spare, tr("spare slot: dashed, in [ob_size, allocated)")},
            {Kind::GivenBack, tr("given back by a shrinking realloc: crossed out")}};
        double x = margin;
        for (const auto &[kind, label] : entries) {
            const double w = sw.width() + 6 + sfm.horizontalAdvance(label);
            if (x > margin && x + w > margin + textWidth) {
                x = margin;
                ly += smallLine + 2;
            }
            const QRectF box(x, ly + (smallLine - sw.height()) / 2, sw.width(), sw.height());
            p.setPen(kind == Kind::Item ? QPen(text, pen) : QPen(faded, pen, Qt::DashLine));
            p.setBrush(kind == Kind::Item    ? QBrush(colours.liveFill)
                       : kind == Kind::Spare ? QBrush(colours.spareFill)
                                             : QBrush(Qt::NoBrush));
            p.drawRect(box);
            p.setBrush(Qt::NoBrush);
            if (kind == Kind::GivenBack) {
                p.drawLine(box.topLeft(), box.bottomRight());
                p.drawLine(box.topRight(), box.bottomLeft());
            }
            p.setPen(muted);
            p.drawText(QRectF(box.right() + 6, ly, w - sw.width() - 6 + 2, smallLine),
                       Qt::AlignLeft | Qt::AlignVCenter, label);
            x += w + sfm.averageCharWidth() * 3;
        }
        ly += smallLine + 2;
    }
    p.setPen(muted);
    ly += drawWrapped(p, margin, ly, textWidth,
                      tr("a spare slot still pointing at an object (dotted circle) holds a stale "
                         "pointer"));
    if (!s.recycle.empty()) {
        QStringList ids;
        for (auto id : s.recycle) {
            auto it = s.objects.find(id);
            ids << (it == s.objects.end() ? QStringLiteral("?")
                                          : QString::number(it->second.value));
        }
        p.setPen(accent);
        drawWrapped(
            p, margin, ly + 2, textWidth,
            tr("recycle (released after the list is consistent again): [%1]").arg(ids.join(", ")));
    }
}

// ---------------------------------------------------------------------------------------------
// The page

SlotsPage::SlotsPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(*traceSession(), applyListEvent), m_canvas(new SlotCanvas),
      m_table(new wb::ui::TraceTable)
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

    m_policy->setAccessibleName(tr("Growth formula"));
    m_command->setAccessibleName(tr("Operation"));
    m_command->setAccessibleDescription(
        tr("A list operation to run on l, such as l.append(7) or l.pop(0); Enter runs it"));
    m_command->setMinimumWidth(160);
    auto *policyLabel = new QLabel(tr("Growth:"));
    policyLabel->setBuddy(m_policy);

    // Controls wrap onto more lines instead of widening the page.
    auto *top = new wb::ui::FlowLayout;
    top->addWidget(policyLabel);
    top->addWidget(m_policy);
    top->addWidget(example);
    top->addWidget(resetButton);
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(runButton);

    auto *quick = new wb::ui::FlowLayout;
    quick->addWidget(new QLabel(tr("Quick:")));
    const QList<QPair<QString, QString>> quickOps{{tr("append"), "append %n"},
                                                  {tr("insert(0, x)"), "insert 0 %n"},
                                                  {tr("pop()"), "pop"},
                                                  {tr("pop(0)"), "pop 0"},
                                                  {tr("remove first"), "remove %first"},
                                                  {tr("del l[0:2]"), "del 0 2"},
                                                  {tr("extend ×5"), "extend %5"},
                                                  {tr("sort"), "sort"},
                                                  {tr("reverse"), "reverse"},
                                                  {tr("clear"), "clear"}};
    for (const auto &[title, pattern] : quickOps) {
        auto *b = new QToolButton;
        b->setText(title);
        b->setAccessibleName(tr("Run %1").arg(title));
        b->setToolTip(tr("Run l.%1 now").arg(title));
        connect(b, &QToolButton::clicked, this, [this, pattern] {
            ensureLiveList();
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

    m_history = new QLabel;
    m_history->setWordWrap(true);
    m_history->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->hide();
    styleMessage(m_message);

    m_canvas->setAccessibleName(tr("Slot array"));
    m_canvas->setAccessibleDescription(
        tr("The list's ob_item array at the cursor: live slots solid, spare slots dashed, each "
           "pointing to its object below; the ob_size bar marks the end of the items"));
    m_table->setAccessibleName(tr("Trace"));
    m_table->setAccessibleDescription(tr("Every step the list object took, one per row"));
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_canvas);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addLayout(commandRow);
    col->addLayout(quick);
    col->addWidget(m_message);
    col->addWidget(m_history);
    col->addWidget(split, 1);

    m_table->setController(controller());
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

void SlotsPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        styleMessage(m_message);
}

SlotsPage::~SlotsPage() = default;

GrowthPolicy SlotsPage::policy() const
{
    return parseGrowthPolicy(m_policy->currentData().toString().toStdString())
        .value_or(GrowthPolicy::CPython27);
}

void SlotsPage::reset()
{
    m_list.reset();
    m_trace = std::make_shared<wb::Trace>();
    m_list = std::make_unique<ListObject>(policy(), m_trace.get());
    m_statements.clear();
    m_results.clear();
    m_listStale = false;
    showHistory();
    setMessage({});
    traceSession()->show(m_trace, static_cast<qsizetype>(m_trace->size()));
}

bool SlotsPage::run(const QString &statement)
{
    const QString text = statement.trimmed();
    if (text.isEmpty())
        return false;
    std::string error;
    const auto op = parseListOp(text.toStdString(), error);
    if (!op) {
        setMessage(QString::fromStdString(error));
        emit statusMessage(QString::fromStdString(error));
        return false;
    }
    setMessage({});
    ensureLiveList();
    const auto before = static_cast<qsizetype>(m_trace->size());
    QString result;
    try {
        if (const auto popped = applyListOp(*m_list, *op))
            result = QString::number(*popped);
    } catch (const PyException &e) {
        result = QString::fromUtf8(e.what());
        setMessage(result);
    }
    m_statements << text;
    m_results << result;
    showHistory();
    // Show the new steps from their first event, played at the chosen speed.
    traceSession()->show(m_trace, before);
    controller()->play();
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
    wb::ui::StepController *c = controller();
    c->pause();
    c->toStart();
    for (int i = 0; i < 6; ++i)
        c->nextOfKind(kindOf<events::Op>());
    c->stepBack();
}

void SlotsPage::showHistory()
{
    if (m_statements.isEmpty()) {
        m_history->setText(tr("A new, empty list. Type an operation above."));
        return;
    }
    QStringList shown;
    for (qsizetype i = 0; i < m_statements.size(); ++i)
        shown << (m_results.value(i).isEmpty()
                      ? m_statements[i]
                      : tr("%1 → %2").arg(m_statements[i], m_results.value(i)));
    m_history->setText(tr("Run so far: %1").arg(shown.join(QStringLiteral("  ·  "))));
}

void SlotsPage::ensureLiveList()
{
    if (!m_listStale)
        return;
    // The recorded operations again, on a fresh list, then the recorded trace goes on as the
    // learner's own. The replay's events are not kept: realloc may place a block elsewhere
    // this time, and the steps already shown stay as they were recorded.
    m_listStale = false;
    wb::Trace scratch;
    m_list = std::make_unique<ListObject>(policy(), &scratch);
    for (const QString &statement : std::as_const(m_statements)) {
        std::string error;
        if (const auto op = parseListOp(statement.toStdString(), error)) {
            try {
                applyListOp(*m_list, *op);
            } catch (const PyException &) {
            }
        }
    }
    m_trace = std::make_shared<wb::Trace>();
    if (const wb::Trace *recorded = traceSession()->trace())
        for (std::size_t i = 0; i < recorded->size(); ++i)
            m_trace->appendRecorded(recorded->at(i));
    m_list->setTrace(m_trace.get());
}

std::vector<std::pair<std::string, std::string>> SlotsPage::recordingSettings() const
{
    std::vector<std::pair<std::string, std::string>> s;
    s.emplace_back("policy", m_policy->currentData().toString().toStdString());
    s.emplace_back("operations", m_statements.join(QLatin1Char('\n')).toStdString());
    QStringList results = m_results;
    for (QString &r : results)
        r.replace(QLatin1Char('\n'), QLatin1Char(' '));
    s.emplace_back("results", results.join(QLatin1Char('\n')).toStdString());
    if (!m_message->text().isEmpty())
        s.emplace_back("message", m_message->text().toStdString());
    return s;
}

bool SlotsPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    int policyIndex = -1;
    QStringList statements, results;
    QString message;
    for (const auto &[key, value] : settings) {
        const QString v = QString::fromStdString(value);
        if (key == "policy") {
            policyIndex = m_policy->findData(v);
            if (policyIndex < 0) {
                *error = tr("the recording's growth policy \"%1\" is neither cpython27 nor "
                            "cpython311")
                             .arg(v.left(40));
                return false;
            }
        } else if (key == "operations") {
            statements = v.isEmpty() ? QStringList() : v.split(QLatin1Char('\n'));
        } else if (key == "results") {
            results = v.isEmpty() ? QStringList() : v.split(QLatin1Char('\n'));
        } else if (key == "message") {
            message = v;
        } else {
            *error = tr("the recording has a setting \"%1\" the slot view does not know")
                         .arg(QString::fromStdString(key).left(40));
            return false;
        }
    }
    if (policyIndex < 0) {
        *error = tr("the recording does not say which growth policy the list used");
        return false;
    }
    for (const QString &statement : std::as_const(statements)) {
        std::string why;
        if (!parseListOp(statement.toStdString(), why)) {
            *error = tr("the recording's operation \"%1\" does not parse: %2")
                         .arg(statement.left(40), QString::fromStdString(why));
            return false;
        }
    }
    while (results.size() < statements.size())
        results << QString();
    results.resize(statements.size());
    {
        const QSignalBlocker block(m_policy); // a policy change would start a new list
        m_policy->setCurrentIndex(policyIndex);
    }
    controller()->pause();
    m_statements = statements;
    m_results = results;
    m_listStale = true;
    showHistory();
    setMessage(message);
    return true;
}

bool SlotsPage::acceptsEvent(const wb::Event &event) const
{
    // Sizes and slot numbers the replay would allocate or index are kept to a list a learner
    // could build here, so that a damaged recording cannot ask for gigabytes.
    constexpr std::int64_t kMost = 1 << 20;
    auto inRange = [](std::initializer_list<std::int64_t> values) {
        for (std::int64_t v : values)
            if (v < 0 || v > kMost)
                return false;
        return true;
    };
    try {
        bool ok = true;
        const bool known = events::ListEvents::visit(
            event, wb::Overloaded{
                       [&](const events::New &n) {
                           ok = inRange({n.size, n.allocated});
                       },
                       [&](const events::Resize &r) {
                           ok = inRange({r.oldSize, r.newSize, r.oldAllocated, r.newAllocated});
                       },
                       [&](const events::Shift &sh) {
                           ok = inRange({sh.from, sh.to, sh.count});
                       },
                       [&](const events::StoreMany &st) {
                           ok = inRange({st.index, st.count});
                       },
                       [](const auto &) {},
                   });
        // list.sort records the sort's own events into the list's trace.
        return (known && ok) || events::SortEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

const ListViewState &SlotsPage::stateAtCursor()
{
    return m_state.atCursor();
}

QString SlotsPage::message() const
{
    return m_message->text();
}

void SlotsPage::setMessage(const QString &text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

SlotFocus SlotsPage::focusAtCursor() const
{
    SlotFocus f;
    const wb::Event *e = controller()->currentEvent();
    const wb::Trace *trace = traceSession()->trace();
    if (!e || !trace)
        return f;
    if (const auto pop = wb::as<events::Pop>(*e)) {
        f.popping = true;
        f.index = pop->index;
        f.value = pop->value;
    }
    f.resizing = wb::as<events::Resize>(*e).has_value();
    // The resize shown is the current operation's: walk back to the operation's first event.
    for (auto i = static_cast<std::size_t>(traceSession()->position()); i-- > 0;) {
        const wb::Event &before = (*trace)[i];
        if (wb::as<events::Resize>(before)) {
            f.resizeInOp = true;
            break;
        }
        if (wb::as<events::Op>(before) || wb::as<events::New>(before))
            break;
    }
    return f;
}

void SlotsPage::refresh()
{
    m_canvas->setState(stateAtCursor(), focusAtCursor());
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
