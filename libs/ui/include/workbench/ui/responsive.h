#pragma once
// Layout pieces that let a view reflow into the width it is given instead of scrolling
// sideways: a row of controls that wraps onto more lines, and a drawing with a side panel
// that moves the panel below the drawing when there is no room beside it.

#include <QBoxLayout>
#include <QLayout>
#include <QList>
#include <QStyle>
#include <QWidget>

namespace wb::ui {

// Lays its items out left to right and starts a new line when the next one does not fit.
// Its minimum width is that of its widest item, so a row of controls never forces a
// horizontal scrollbar.
class FlowLayout : public QLayout
{
public:
    explicit FlowLayout(QWidget *parent = nullptr, int hSpacing = -1, int vSpacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem *item) override;
    int count() const override { return static_cast<int>(m_items.size()); }
    QLayoutItem *itemAt(int index) const override;
    QLayoutItem *takeAt(int index) override;

    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect &rect) override;

    int horizontalSpacing() const;
    int verticalSpacing() const;

private:
    // Places the items in `rect` (or only measures when `apply` is false); returns the
    // height used.
    int arrange(const QRect &rect, bool apply) const;
    int styleSpacing(QStyle::PixelMetric metric) const;

    QList<QLayoutItem *> m_items;
    int m_hSpacing;
    int m_vSpacing;
};

// Two widgets side by side while both fit at their minimum widths, one above the other
// when they do not. The main widget takes the extra width (or height when stacked).
class AdaptiveSplit : public QWidget
{
    Q_OBJECT
public:
    explicit AdaptiveSplit(QWidget *main, QWidget *side, QWidget *parent = nullptr);

    // Stretch of the main and side widgets when side by side (default 3 and 1).
    void setStretch(int mainStretch, int sideStretch);
    // The side panel's width when side by side; 0 lets the layout decide.
    void setSideWidth(int minimum, int maximum);
    bool stacked() const { return m_box->direction() == QBoxLayout::TopToBottom; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void chooseDirection(int width);

    QWidget *m_main;
    QWidget *m_side;
    QBoxLayout *m_box;
    int m_mainStretch = 3;
    int m_sideStretch = 1;
};

// A container for content whose height follows its width (a FlowLayout of controls, a
// word-wrapped label, a tab holding them): its minimum and preferred heights are its
// layout's at its current width, but it does not report height-for-width to its parent. A
// scroll area sizes a height-for-width page to its preferred height rather than to the
// viewport, which would push the bottom of the page below the fold.
class ReflowBox : public QWidget
{
public:
    explicit ReflowBox(QWidget *parent = nullptr) : QWidget(parent) {}
    bool hasHeightForWidth() const override { return false; }
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    int heightAt(int width, bool minimum) const;
};

// `content` alone in a ReflowBox (a label is made to wrap).
ReflowBox *reflow(QWidget *content);
ReflowBox *reflow(QLayout *content);

// A label and its field kept together on one line of a FlowLayout: the label is the field's
// buddy, and names it for screen readers when it has no accessible name of its own.
QWidget *labelled(const QString &label, QWidget *field, int fieldStretch = 1);

} // namespace wb::ui
