#include "layoutcheck.h"
#include "mainwindow.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/transportbar.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMetaEnum>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QTabBar>
#include <QTabWidget>
#include <QTextEdit>

namespace wb::shell {

namespace {

void settle()
{
    for (int i = 0; i < 4; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

// How a widget is named in a report: its class with its object name and its text, or with
// the name a screen reader gives it when it has neither.
QString describe(const QWidget *w)
{
    QString text;
    if (const auto *b = qobject_cast<const QAbstractButton *>(w))
        text = b->text();
    else if (const auto *l = qobject_cast<const QLabel *>(w))
        text = l->text();
    text = text.simplified();
    if (text.size() > 40)
        text = text.left(39) + QChar(0x2026);
    QString name = QString::fromLatin1(w->metaObject()->className());
    if (!w->objectName().isEmpty() && !w->objectName().startsWith(QLatin1String("qt_")))
        name += " '" + w->objectName() + "'";
    if (!text.isEmpty())
        name += " \"" + text + "\"";
    else if (w->objectName().isEmpty() && !w->accessibleName().isEmpty())
        name += " named \"" + w->accessibleName().simplified() + "\"";
    return name;
}

bool shown(const QWidget *w, const QWidget *top)
{
    return w->isVisibleTo(top) && w->width() > 0 && w->height() > 0;
}

bool isControl(const QWidget *w)
{
    return qobject_cast<const QAbstractButton *>(w) || qobject_cast<const QLineEdit *>(w) ||
           qobject_cast<const QAbstractSpinBox *>(w) || qobject_cast<const QComboBox *>(w) ||
           qobject_cast<const QAbstractSlider *>(w);
}

// Inner parts of a compound control (a spin box's line edit, a combo box's list, a tab
// bar's scroll buttons, a table's scroll bars) are named by the control they belong to.
bool partOfCompound(const QWidget *w)
{
    if (qobject_cast<const QScrollBar *>(w))
        return true;
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<const QAbstractSpinBox *>(p) || qobject_cast<const QComboBox *>(p) ||
            qobject_cast<const QTabBar *>(p))
            return true;
    return false;
}

// What a keyboard user works with: each must be a stop of the Tab key. A list's or a
// table's own parts (its headers, its corner button) are reached through the list.
bool takesKeyboardInput(const QWidget *w)
{
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<const QAbstractItemView *>(p))
            return false;
    return isControl(w) || qobject_cast<const QTabBar *>(w) ||
           qobject_cast<const QAbstractItemView *>(w) || qobject_cast<const QTextEdit *>(w) ||
           qobject_cast<const QPlainTextEdit *>(w);
}

// The widgets the Tab key stops at in `window`, chosen as Qt chooses them: along the focus
// chain, each enabled and visible widget whose focus policy includes Tab and that hands its
// focus to no proxy.
QSet<const QWidget *> tabStops(QWidget *window)
{
    QSet<const QWidget *> stops;
    QWidget *w = window;
    do {
        if (w->isEnabled() && w->isVisibleTo(window) && (w->focusPolicy() & Qt::TabFocus) &&
            !w->focusProxy())
            stops.insert(w);
        w = w->nextInFocusChain();
    } while (w && w != window);
    return stops;
}

// Why Tab never reaches `w`, or an empty string when it does. A widget with a focus proxy
// (a tab widget's tab bar, a spin box's editor) is reached through the proxy.
QString whyNotATabStop(const QWidget *w, const QSet<const QWidget *> &stops)
{
    const QWidget *target = w;
    while (target->focusProxy())
        target = target->focusProxy();
    if (stops.contains(target))
        return {};
    if (!(target->focusPolicy() & Qt::TabFocus)) {
        const QMetaEnum policies = QMetaEnum::fromType<Qt::FocusPolicy>();
        const char *name = policies.valueToKey(target->focusPolicy());
        return QStringLiteral("its focus policy is %1")
            .arg(name ? QString::fromLatin1(name) : QString::number(target->focusPolicy()));
    }
    return QStringLiteral("it is not in the focus chain");
}

// How a widget keeps the Tab key for itself, so that a keyboard user who enters it cannot get
// out: an editable text types a tab character, a table moves from cell to cell and wraps.
QString keepsTheTabKey(const QWidget *w)
{
    const auto *text = qobject_cast<const QTextEdit *>(w);
    const auto *plain = qobject_cast<const QPlainTextEdit *>(w);
    if ((text && !text->isReadOnly() && !text->tabChangesFocus()) ||
        (plain && !plain->isReadOnly() && !plain->tabChangesFocus()))
        return QStringLiteral("takes Tab as text (setTabChangesFocus(true))");
    if (const auto *view = qobject_cast<const QAbstractItemView *>(w);
        view && view->tabKeyNavigation())
        return QStringLiteral("moves between its cells with Tab (setTabKeyNavigation(false))");
    return {};
}

bool startsOrStopsWork(const QAbstractButton *b)
{
    static const QStringList verbs{"run", "stop", "sort", "launch", "kill", "restart"};
    const QString first = b->text().remove(QLatin1Char('&')).section(QLatin1Char(' '), 0, 0);
    return verbs.contains(first.toLower());
}

// The widgets too wide for the viewport whose children all fit: where the width comes from.
void widestCulprits(const QWidget *w, int limit, QStringList &out)
{
    if (out.size() >= 3)
        return;
    bool childTooWide = false;
    for (const QObject *o : w->children()) {
        const auto *c = qobject_cast<const QWidget *>(o);
        if (!c || c->isWindow() || !c->isVisibleTo(w))
            continue;
        const int min = std::max(c->minimumSizeHint().width(), c->minimumWidth());
        if (min > limit) {
            childTooWide = true;
            widestCulprits(c, limit, out);
        }
    }
    if (!childTooWide)
        out << QStringLiteral("%1 (needs %2 px)")
                   .arg(describe(w))
                   .arg(std::max(w->minimumSizeHint().width(), w->minimumWidth()));
}

void checkView(QScrollArea *area, const QString &where, QStringList &problems,
               QStringList &warnings)
{
    QWidget *page = area->widget();
    QWidget *viewport = area->viewport();
    area->horizontalScrollBar()->setValue(0);
    area->verticalScrollBar()->setValue(0);
    settle();
    const int viewWidth = viewport->width();
    if (area->horizontalScrollBar()->maximum() > 0 || page->width() > viewWidth) {
        QStringList culprits;
        widestCulprits(page, viewWidth, culprits);
        problems << where + QStringLiteral(": needs a horizontal scrollbar (page %1 px in a "
                                           "%2 px viewport); widest: %3")
                                .arg(page->width())
                                .arg(viewWidth)
                                .arg(culprits.join("; "));
    }
    const QList<QWidget *> widgets = page->findChildren<QWidget *>();
    const QSet<const QWidget *> stops = tabStops(page->window());
    for (QWidget *w : widgets) {
        if (!shown(w, page))
            continue;
        if (takesKeyboardInput(w) && w->isEnabled() && !partOfCompound(w)) {
            const QString why = whyNotATabStop(w, stops);
            if (!why.isEmpty())
                problems << where + QStringLiteral(": %1 cannot be reached with Tab (%2)")
                                        .arg(describe(w), why);
            else if (const QString trap = keepsTheTabKey(w); !trap.isEmpty())
                warnings << where + QStringLiteral(": %1 %2, so the key never leaves it")
                                        .arg(describe(w), trap);
        }
        // A widget hidden inside a collapsed splitter or a zero-sized parent is not seen.
        const QRect r(w->mapTo(viewport, QPoint(0, 0)), w->size());
        if (isControl(w) && w->isEnabled() && !partOfCompound(w)) {
            if (r.left() < 0 || r.right() > viewWidth)
                problems << where + QStringLiteral(": %1 lies outside the visible width "
                                                   "(x %2 to %3 of %4)")
                                        .arg(describe(w))
                                        .arg(r.left())
                                        .arg(r.right())
                                        .arg(viewWidth);
            const auto *b = qobject_cast<const QAbstractButton *>(w);
            if (b && startsOrStopsWork(b) && r.bottom() > viewport->height())
                problems << where + QStringLiteral(": %1 is below the fold (y %2 of %3)")
                                        .arg(describe(w))
                                        .arg(r.bottom())
                                        .arg(viewport->height());
        }
        if (w->isEnabled() && (w->focusPolicy() & Qt::TabFocus) && !partOfCompound(w) &&
            !qobject_cast<QTabBar *>(w)) {
            QAccessibleInterface *ai = QAccessible::queryAccessibleInterface(w);
            if (ai && ai->text(QAccessible::Name).trimmed().isEmpty())
                problems << where + QStringLiteral(": %1 has no accessible name").arg(describe(w));
        }
        if (const auto *l = qobject_cast<const QLabel *>(w)) {
            if (l->wordWrap() || l->text().isEmpty() || !l->toolTip().isEmpty())
                continue;
            const int needed = l->sizeHint().width();
            if (needed > l->width() + 2 && r.left() >= 0)
                problems << where + QStringLiteral(": %1 is cut (%2 of %3 px) with no "
                                                   "ellipsis or tooltip")
                                        .arg(describe(w))
                                        .arg(l->width())
                                        .arg(needed);
        }
    }
}

// A view's own tabs (DES rounds / modes / ECB picture): each is checked as shown.
void checkWithInnerTabs(QScrollArea *area, const QString &where, QStringList &problems,
                        QStringList &warnings)
{
    QList<QTabWidget *> inner;
    for (QTabWidget *t : area->widget()->findChildren<QTabWidget *>())
        if (t->isVisibleTo(area->widget()))
            inner << t;
    if (inner.isEmpty()) {
        checkView(area, where, problems, warnings);
        return;
    }
    for (QTabWidget *t : inner) {
        const int was = t->currentIndex();
        for (int i = 0; i < t->count(); ++i) {
            t->setCurrentIndex(i);
            settle();
            checkView(area, where + " [" + t->tabText(i).remove(QLatin1Char('&')) + "]", problems,
                      warnings);
        }
        t->setCurrentIndex(was);
    }
    problems.removeDuplicates();
    warnings.removeDuplicates();
}

} // namespace

QStringList checkLayout(MainWindow &window, const LayoutCheckOptions &options,
                        QStringList *warnings)
{
    QStringList problems;
    QStringList cautions;
    QList<bool> modes;
    if (options.normal)
        modes << false;
    if (options.presentation)
        modes << true;
    for (const QSize &size : options.sizes) {
        for (bool present : modes) {
            window.setPresentationMode(false, false);
            window.resize(size);
            window.arrangePanesFor(size.width());
            window.setPresentationMode(present, false);
            settle();
            const QString mode =
                present ? QStringLiteral("presentation") : QStringLiteral("normal");
            for (const auto &stop : window.tourStops()) {
                if (stop.moduleId.isEmpty() || stop.viewId.isEmpty())
                    continue;
                if (!options.moduleId.isEmpty() && stop.moduleId != options.moduleId)
                    continue;
                if (!options.viewId.isEmpty() && stop.viewId != options.viewId)
                    continue;
                window.showTourStop(stop);
                settle();
                QScrollArea *area = window.currentViewArea();
                const QString where = QStringLiteral("%1/%2 %3x%4 %5")
                                          .arg(stop.moduleId, stop.viewId)
                                          .arg(size.width())
                                          .arg(size.height())
                                          .arg(mode);
                if (!area) {
                    problems << where + ": the view did not open";
                    continue;
                }
                checkWithInnerTabs(area, where, problems, cautions);
                const int line = window.transportBar()->fontMetrics().height();
                if (window.transportBar()->height() > 3 * line)
                    problems << where + QStringLiteral(": the transport bar is %1 px tall, "
                                                       "more than one line")
                                            .arg(window.transportBar()->height());
            }
        }
    }
    window.setPresentationMode(false, false);
    if (warnings)
        *warnings = cautions;
    return problems;
}

} // namespace wb::shell
