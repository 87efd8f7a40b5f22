#include "workbench/ui/responsive.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace wb::ui {

FlowLayout::FlowLayout(QWidget *parent, int hSpacing, int vSpacing)
    : QLayout(parent), m_hSpacing(hSpacing), m_vSpacing(vSpacing)
{}

FlowLayout::~FlowLayout()
{
    while (QLayoutItem *item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem *item)
{
    m_items.append(item);
}

QLayoutItem *FlowLayout::itemAt(int index) const
{
    return index >= 0 && index < m_items.size() ? m_items.at(index) : nullptr;
}

QLayoutItem *FlowLayout::takeAt(int index)
{
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::styleSpacing(QStyle::PixelMetric metric) const
{
    const QObject *p = parent();
    if (!p)
        return 6;
    if (p->isWidgetType()) {
        const auto *w = static_cast<const QWidget *>(p);
        return w->style()->pixelMetric(metric, nullptr, w);
    }
    return static_cast<const QLayout *>(p)->spacing();
}

int FlowLayout::horizontalSpacing() const
{
    if (m_hSpacing >= 0)
        return m_hSpacing;
    const int s = spacing();
    return s >= 0 ? s : styleSpacing(QStyle::PM_LayoutHorizontalSpacing);
}

int FlowLayout::verticalSpacing() const
{
    if (m_vSpacing >= 0)
        return m_vSpacing;
    const int s = spacing();
    return s >= 0 ? s : styleSpacing(QStyle::PM_LayoutVerticalSpacing);
}

int FlowLayout::heightForWidth(int width) const
{
    return arrange(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const
{
    QSize size;
    for (const QLayoutItem *item : m_items)
        if (!item->isEmpty())
            size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const
{
    // One line: the width every item asks for, the height of the tallest.
    int width = 0;
    int height = 0;
    int visible = 0;
    for (const QLayoutItem *item : m_items) {
        if (item->isEmpty())
            continue;
        const QSize s = item->sizeHint();
        width += s.width();
        height = std::max(height, s.height());
        ++visible;
    }
    width += std::max(0, visible - 1) * horizontalSpacing();
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect &rect)
{
    QLayout::setGeometry(rect);
    arrange(rect, true);
}

int FlowLayout::arrange(const QRect &rect, bool apply) const
{
    const QMargins m = contentsMargins();
    const QRect area = rect.marginsRemoved(m);
    const int hs = horizontalSpacing();
    const int vs = verticalSpacing();
    // Items of one line share its height and are centred on it, so a label and the input it
    // names stay aligned.
    QList<QLayoutItem *> line;
    int lineWidth = 0;
    int lineHeight = 0;
    int y = area.top();
    auto flush = [&] {
        if (apply) {
            int x = area.left();
            for (QLayoutItem *item : line) {
                const QSize s = item->sizeHint().boundedTo(QSize(area.width(), QWIDGETSIZE_MAX));
                const QSize size = s.expandedTo(item->minimumSize());
                item->setGeometry(QRect(QPoint(x, y + (lineHeight - size.height()) / 2), size));
                x += size.width() + hs;
            }
        }
        y += lineHeight + vs;
        line.clear();
        lineWidth = 0;
        lineHeight = 0;
    };
    for (QLayoutItem *item : m_items) {
        if (item->isEmpty())
            continue;
        const QSize s = item->sizeHint()
                            .boundedTo(QSize(area.width(), QWIDGETSIZE_MAX))
                            .expandedTo(item->minimumSize());
        const int needed = line.isEmpty() ? s.width() : lineWidth + hs + s.width();
        if (!line.isEmpty() && needed > area.width())
            flush();
        lineWidth = line.isEmpty() ? s.width() : lineWidth + hs + s.width();
        lineHeight = std::max(lineHeight, s.height());
        line.append(item);
    }
    if (!line.isEmpty())
        flush();
    const int used = y == area.top() ? 0 : y - vs - area.top();
    return used + m.top() + m.bottom();
}

AdaptiveSplit::AdaptiveSplit(QWidget *main, QWidget *side, QWidget *parent)
    : QWidget(parent), m_main(main), m_side(side)
{
    m_box = new QBoxLayout(QBoxLayout::LeftToRight, this);
    m_box->setContentsMargins(0, 0, 0, 0);
    // The widget reports its own minimum (the stacked one), so a row too narrow for both
    // sides stacks instead of pushing the page wider than its scroll area.
    m_box->setSizeConstraint(QLayout::SetNoConstraint);
    m_box->addWidget(main, m_mainStretch);
    m_box->addWidget(side, m_sideStretch);
}

void AdaptiveSplit::setStretch(int mainStretch, int sideStretch)
{
    m_mainStretch = mainStretch;
    m_sideStretch = sideStretch;
    if (!stacked()) {
        m_box->setStretchFactor(m_main, mainStretch);
        m_box->setStretchFactor(m_side, sideStretch);
    }
}

void AdaptiveSplit::setSideWidth(int minimum, int maximum)
{
    m_side->setMinimumWidth(minimum);
    if (maximum > 0)
        m_side->setMaximumWidth(maximum);
    updateGeometry();
}

QSize AdaptiveSplit::minimumSizeHint() const
{
    const QSize a = m_main->minimumSizeHint().expandedTo(m_main->minimumSize());
    const QSize b = m_side->minimumSizeHint().expandedTo(m_side->minimumSize());
    const int width = std::max(a.width(), b.width());
    const int height =
        stacked() ? a.height() + m_box->spacing() + b.height() : std::max(a.height(), b.height());
    return {width, height};
}

QSize AdaptiveSplit::sizeHint() const
{
    return m_box->sizeHint();
}

void AdaptiveSplit::resizeEvent(QResizeEvent *event)
{
    chooseDirection(event->size().width());
    QWidget::resizeEvent(event);
}

void AdaptiveSplit::chooseDirection(int width)
{
    const int a = m_main->minimumSizeHint().expandedTo(m_main->minimumSize()).width();
    const int b = m_side->minimumSizeHint().expandedTo(m_side->minimumSize()).width();
    const int sideBySide = a + b + std::max(0, m_box->spacing());
    // A little slack before going back side by side: a scrollbar appearing as the height
    // changes must not flip the layout to and fro.
    const bool stack = stacked() ? width < sideBySide + 24 : width < sideBySide;
    if (stack == stacked())
        return;
    m_box->setDirection(stack ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight);
    m_box->setStretchFactor(m_main, stack ? 0 : m_mainStretch);
    m_box->setStretchFactor(m_side, stack ? 0 : m_sideStretch);
    updateGeometry();
}

int ReflowBox::heightAt(int width, bool minimum) const
{
    QLayout *l = layout();
    if (!l || !l->hasHeightForWidth())
        return -1;
    width = std::max(width, l->totalMinimumSize().width());
    return minimum ? l->totalMinimumHeightForWidth(width) : l->totalHeightForWidth(width);
}

QSize ReflowBox::minimumSizeHint() const
{
    QSize s = QWidget::minimumSizeHint();
    const int h = heightAt(width(), true);
    if (h >= 0)
        s.setHeight(h);
    return s;
}

QSize ReflowBox::sizeHint() const
{
    QSize s = QWidget::sizeHint();
    const int h = heightAt(width(), false);
    if (h >= 0)
        s.setHeight(h);
    return s;
}

void ReflowBox::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        updateGeometry(); // the height it needs changed with the width
}

ReflowBox *reflow(QLayout *content)
{
    auto *box = new ReflowBox;
    auto *col = new QVBoxLayout(box);
    col->setContentsMargins(0, 0, 0, 0);
    col->addLayout(content);
    return box;
}

ReflowBox *reflow(QWidget *content)
{
    if (auto *label = qobject_cast<QLabel *>(content))
        label->setWordWrap(true);
    auto *box = new ReflowBox;
    auto *col = new QVBoxLayout(box);
    col->setContentsMargins(0, 0, 0, 0);
    col->addWidget(content);
    return box;
}

QWidget *labelled(const QString &label, QWidget *field, int fieldStretch)
{
    auto *box = new QWidget;
    auto *row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto *name = new QLabel(label);
    name->setBuddy(field);
    row->addWidget(name);
    row->addWidget(field, fieldStretch);
    if (field->accessibleName().isEmpty())
        field->setAccessibleName(QString(label).remove(QLatin1Char(':')).remove(QLatin1Char('&')));
    return box;
}

} // namespace wb::ui
