// The list module's views, driven as a learner drives them: typed operations, the worked
// example stepped forward and back, and a sort stepped to its end; and the colours the views
// draw with, readable in both palettes.
#include "common.h"
#include "slotsview.h"
#include "sortview.h"

#include "list/core/timsort.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QSpinBox>
#include <QTest>

using namespace wb::list;
using namespace wb::list::ui;

class ListUiTest : public QObject
{
    Q_OBJECT
private slots:
    void workedExampleStepsForwardAndBack();
    void typedOperationsMatchTheRealList();
    void pythonErrorsAreShownNotThrown();
    void sortViewEndsSortedWithCPythonMergeOrder();
    void largeSortRunsOnAWorkerAndDrawsEveryColumn();
    void coloursKeepTheirContrastInBothPalettes();
    void canvasesFollowAPaletteSwitch();
    void pagesShowAndPaint();
    void cleanup() { wb::ui::applyTheme(*qApp, wb::ui::Theme::Light); }
};

void ListUiTest::workedExampleStepsForwardAndBack()
{
    SlotsPage page;
    page.loadWorkedExample();
    auto *c = page.controller();
    // The brief's table, (size, allocated) after each of the eight statements.
    const std::vector<std::pair<int, int>> table{{1, 4}, {2, 4}, {3, 4}, {4, 4},
                                                 {5, 8}, {4, 8}, {3, 6}, {2, 5}};
    c->toStart();
    std::vector<std::pair<int, int>> seen;
    bool first = true;
    while (c->nextOfKind("op")) {
        // Just before the next op (or at the end) the previous statement is complete.
        if (!std::exchange(first, false)) {
            c->stepBack();
            const auto &s = page.stateAtCursor();
            seen.emplace_back(static_cast<int>(s.size), static_cast<int>(s.allocated));
            c->stepForward();
        }
    }
    c->toEnd();
    const auto &end = page.stateAtCursor();
    seen.emplace_back(static_cast<int>(end.size), static_cast<int>(end.allocated));
    QCOMPARE(seen, table);
    QCOMPARE(end.liveValues(), (std::vector<std::int64_t>{1, 2}));
    QVERIFY(end.isStale(3) && end.isStale(4)); // pointers pop and remove left behind
    // Back to the middle: after insert(1, 5) the list is [1, 5, 2, 3, 4] again.
    c->toStart();
    for (int i = 0; i < 6; ++i)
        c->nextOfKind("op");
    c->stepBack();
    QCOMPARE(page.stateAtCursor().liveValues(), (std::vector<std::int64_t>{1, 5, 2, 3, 4}));
}

void ListUiTest::typedOperationsMatchTheRealList()
{
    SlotsPage page;
    page.reset();
    for (const char *op : {"l.append(3)", "append 9", "l.insert(0, 7)", "extend 1 2 3 4 5",
                           "del l[1:3]", "l.pop(0)", "reverse", "sort", "l.remove(4)"})
        QVERIFY2(page.run(QString::fromLatin1(op)), op);
    page.controller()->toEnd();
    const auto &s = page.stateAtCursor();
    QCOMPARE(s.liveValues(), page.list().values());
    QCOMPARE(s.size, page.list().size());
    QCOMPARE(s.allocated, page.list().allocated());
    QVERIFY(!page.run("l.frobnicate(1)"));
    QVERIFY(page.message().contains("unknown operation"));
}

void ListUiTest::pythonErrorsAreShownNotThrown()
{
    SlotsPage page;
    page.reset();
    QVERIFY(page.run("l.pop()"));
    QCOMPARE(page.message(), QStringLiteral("IndexError: pop from empty list"));
    QVERIFY(page.run("l.remove(42)"));
    QCOMPARE(page.message(), QStringLiteral("ValueError: list.remove(x): x not in list"));
    QCOMPARE(page.list().size(), 0);
}

void ListUiTest::sortViewEndsSortedWithCPythonMergeOrder()
{
    SortPage page; // opens on the lesson's 130 numbers, CPython 3.11 policy
    auto *c = page.controller();
    c->toEnd();
    const auto &s = page.stateAtCursor();
    QVERIFY(s.done);
    QCOMPARE(s.minrun, 33);
    QVERIFY(std::is_sorted(s.values.begin(), s.values.end()));
    QCOMPARE(static_cast<int>(s.values.size()), 130);
    std::vector<std::int64_t> merged;
    for (const auto &m : s.merges)
        merged.push_back(m.lengthA + m.lengthB);
    QCOMPARE(merged, (std::vector<std::int64_t>{66, 64, 130}));
    // Stepping back from the end never re-runs the sort: the state before the last merge.
    c->previousOfKind("merge_begin");
    c->stepBack();
    QVERIFY(!page.stateAtCursor().done);
    QCOMPARE(page.stateAtCursor().merges.size(), std::size_t{2});
}

void ListUiTest::largeSortRunsOnAWorkerAndDrawsEveryColumn()
{
    SortPage page;
    auto *preset = page.findChildren<QComboBox *>().value(0);
    auto *size = page.findChildren<QSpinBox *>().value(0);
    QVERIFY(preset && size);
    preset->setCurrentIndex(preset->findData(QStringLiteral("random")));
    size->setValue(100'000);
    page.runSort();
    QVERIFY(page.sorting()); // returned before the sort was done: it runs on the worker
    page.runSort();          // a newer sort cancels the one in progress
    QTRY_VERIFY_WITH_TIMEOUT(!page.sorting(), 60000);
    auto *c = page.controller();
    c->toEnd();
    const SortViewState &s = page.stateAtCursor();
    QVERIFY(s.done);
    QCOMPARE(s.values.size(), std::size_t{100'000});
    QVERIFY(std::is_sorted(s.values.begin(), s.values.end()));
    QString error;
    std::vector<std::int64_t> plain = page.input(&error);
    const SortStats st = timsort(std::span(plain));
    QCOMPARE(s.comparisons, st.comparisons); // the traced sort on the worker is the real one
    QCOMPARE(s.values, plain);

    // Sorted, 100,000 values over fewer pixels: one column per pixel, each as high as the
    // tallest value it covers, so the bars rise from left to right to the full height.
    // A canvas of its own: the page's lays itself out beside (or above) the side panel.
    QVERIFY(page.findChild<SortCanvas *>());
    SortCanvas own;
    SortCanvas *canvas = &own;
    canvas->resize(1280, 720);
    canvas->setState(s);
    QImage image(canvas->size(), QImage::Format_ARGB32_Premultiplied);
    canvas->render(&image);
    const QRgb base = canvas->palette().color(QPalette::Base).rgba();
    const int top = 12 + 2 * canvas->fontMetrics().height(); // below the two text lines
    auto barTop = [&](int x) {
        for (int y = top; y < image.height(); ++y)
            if (image.pixel(x, y) != base)
                return y;
        return image.height();
    };
    const int left = barTop(40), middle = barTop(400), right = barTop(800);
    QVERIFY2(left > middle && middle > right,
             qPrintable(QStringLiteral("%1 %2 %3").arg(left).arg(middle).arg(right)));

    {
        SortPage closing; // closed while its large sort runs: the worker is cancelled
        auto *p2 = closing.findChildren<QComboBox *>().value(0);
        p2->setCurrentIndex(p2->findData(QStringLiteral("random")));
        closing.findChildren<QSpinBox *>().value(0)->setValue(100'000);
        closing.runSort();
        QVERIFY(closing.sorting());
    }
}

void ListUiTest::coloursKeepTheirContrastInBothPalettes()
{
    // Text and lines keep 4.5:1 against what they are drawn on: the views' Base background,
    // or the fill under them. Fills themselves may be lighter.
    QStringList failures;
    for (const auto theme : {wb::ui::Theme::Light, wb::ui::Theme::Dark}) {
        wb::ui::applyTheme(*qApp, theme);
        const QPalette pal = QApplication::palette();
        const ListColours c = listColours(pal);
        const QString name = theme == wb::ui::Theme::Dark ? "dark" : "light";
        auto check = [&](const QString &what, const QColor &fg, const QColor &bg) {
            const double ratio = wb::ui::contrastRatio(fg, bg);
            if (ratio < 4.5)
                failures << QStringLiteral("%1: %2 is %3:1 (%4 on %5)")
                                .arg(name, what)
                                .arg(ratio, 0, 'f', 2)
                                .arg(fg.name(), bg.name());
        };
        const std::pair<const char *, QColor> inks[] = {{"text", c.text},
                                                        {"muted text", c.muted},
                                                        {"stale and spare outlines", c.faded},
                                                        {"accent", c.accent},
                                                        {"errors", c.warn}};
        for (const auto &[what, colour] : inks)
            check(what, colour, c.base);
        for (int k = 0; k < 8; ++k) {
            check(QStringLiteral("bracket of run %1").arg(k), c.run(k), c.base);
            check(QStringLiteral("text on the box of pending run %1").arg(k), c.text, c.runBox(k));
        }
        check("text in an item slot", c.text, c.liveFill);
        check("text in a spare slot", c.text, c.spareFill);
        check("x / y tags over the merge's range", c.text, c.moveBand);
        // The growth plots: curves and their dots on Base, the diagonal in the muted colour.
        for (int k : {0, 1, 5})
            check(QStringLiteral("growth curve %1").arg(k), wb::ui::seriesColor(k), c.base);
        // Error messages on the window, above the drawings.
        check("error message",
              wb::ui::readableOn(wb::ui::stateColor("blocked"), pal.color(QPalette::Window)),
              pal.color(QPalette::Window));
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QStringLiteral("; "))));
}

void ListUiTest::canvasesFollowAPaletteSwitch()
{
    // The canvases take their colours when they paint: after a switch to the dark palette the
    // item slots are filled in the dark palette's colour, not the light one's.
    SlotsPage page;
    page.loadWorkedExample();
    SlotCanvas canvas;
    canvas.resize(900, 600);
    canvas.setState(page.stateAtCursor());
    auto count = [&](const QColor &colour) {
        QImage image(canvas.size(), QImage::Format_ARGB32_Premultiplied);
        canvas.render(&image);
        int n = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                n += image.pixel(x, y) == colour.rgba();
        return n;
    };
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
    const QColor light = listColours(canvas.palette()).liveFill;
    QVERIFY(count(light) > 1000);
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Dark);
    const QColor dark = listColours(canvas.palette()).liveFill;
    QVERIFY(light != dark);
    QCOMPARE(count(light), 0);
    QVERIFY(count(dark) > 1000);
}

void ListUiTest::pagesShowAndPaint()
{
    // Shown, each page draws the state at its cursor; a hidden page caught up on show.
    SlotsPage slotsPage;
    SortPage sortPage;
    for (QWidget *page : {static_cast<QWidget *>(&slotsPage), static_cast<QWidget *>(&sortPage)}) {
        page->resize(1280, 720);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page));
        const QImage image = page->grab().toImage();
        QCOMPARE(image.width(), page->width() * int(page->devicePixelRatio()));
        page->hide();
    }
}

QTEST_MAIN(ListUiTest)
#include "ui_test.moc"
