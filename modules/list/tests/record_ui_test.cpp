// Recordings of the list views: a run kept with File > Save Recording and opened again on a
// new page draws the same pictures at every cursor position, pixel for pixel, without running
// the list or the sort again; the learner's next operation works as before; a damaged
// recording is refused with a sentence and leaves the page as it was.
#include "slotsview.h"
#include "sortview.h"

#include "list/core/events.h"
#include "list/core/viewsort.h"

#include "workbench/core/recording.h"
#include "workbench/ui/stepcontroller.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

using namespace wb::list;
using namespace wb::list::ui;

namespace {

wb::Recording roundTrip(const wb::Recording &r, const char *view)
{
    wb::Recording out = r;
    out.module = "list";
    out.moduleVersion = "0.1.0";
    out.view = view;
    return wb::decodeRecording(wb::encodeRecording(out));
}

template <class W> W *control(QWidget &page, const QString &accessibleName)
{
    for (W *w : page.findChildren<W *>())
        if (w->accessibleName() == accessibleName)
            return w;
    return nullptr;
}

void compareAtFivePositions(wb::ui::ModulePage &original, wb::ui::ModulePage &reopened,
                            const QString &name)
{
    auto *a = original.controller();
    auto *b = reopened.controller();
    QCOMPARE(b->count(), a->count());
    const qsizetype n = a->count();
    for (qsizetype pos : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        a->seek(pos);
        b->seek(pos);
        QCoreApplication::processEvents();
        const QImage x = original.grab().toImage();
        const QImage y = reopened.grab().toImage();
        if (x != y) {
            x.save(QStringLiteral("/tmp/list-record-%1-original-%2.png").arg(name).arg(pos));
            y.save(QStringLiteral("/tmp/list-record-%1-reopened-%2.png").arg(name).arg(pos));
        }
        QVERIFY2(x == y, qPrintable(QStringLiteral("%1: the pictures differ at position %2 of %3 "
                                                   "(saved in /tmp/list-record-*)")
                                        .arg(name)
                                        .arg(pos)
                                        .arg(n)));
    }
}

// `good` with event `index` changed by `change`.
template <class F> wb::Recording damaged(const wb::Recording &good, std::size_t index, F change)
{
    auto trace = std::make_shared<wb::Trace>();
    for (std::size_t i = 0; i < good.trace->size(); ++i) {
        wb::Event e = good.trace->at(i);
        if (i == index)
            change(e);
        trace->appendRecorded(std::move(e));
    }
    wb::Recording r = good;
    r.trace = trace;
    return r;
}

void expectRefused(wb::ui::ModulePage &page, const wb::Recording &bad, const QString &needle)
{
    QCoreApplication::processEvents();
    const QImage before = page.grab().toImage();
    const auto position = page.controller()->position();
    const auto count = page.controller()->count();
    QString error;
    QVERIFY(!page.showRecording(bad, &error));
    QVERIFY2(error.contains(needle), qPrintable(error));
    QCOMPARE(page.controller()->position(), position);
    QCOMPARE(page.controller()->count(), count);
    QCoreApplication::processEvents();
    QVERIFY(page.grab().toImage() == before);
}

} // namespace

class ListRecordTest : public QObject
{
    Q_OBJECT
private slots:
    void sortWithEveryComparisonReopensTheSame();
    void largerSortReopensTheSame();
    void aSortInProgressIsNotRecordedAndOpeningCancelsIt();
    void comparedPairComesFromTheTrace();
    void slotsReopenTheSameAndTheNextOperationWorks();
    void damagedRecordingsAreRefused();
};

void ListRecordTest::sortWithEveryComparisonReopensTheSame()
{
    SortPage page;
    page.resize(1100, 720);
    page.show();
    // The lesson's 130 numbers, every comparison recorded; opened at the first merge.
    const wb::Recording r = roundTrip(page.recording(), "sort");
    QCOMPARE(r.setting("input"), std::string("tutorial"));
    QCOMPARE(r.setting("policy"), std::string("cpython311"));
    QCOMPARE(r.setting("n", "<absent>"), std::string("<absent>"));

    SortPage again;
    again.resize(1100, 720);
    again.show();
    // A different sort first, so that nothing of the opening one is left to reuse.
    control<QComboBox>(again, "Input")->setCurrentIndex(3);
    again.runSort();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QCOMPARE(again.controller()->position(), page.controller()->position());
    QCOMPARE(control<QComboBox>(again, "Input")->currentData().toString(),
             QStringLiteral("tutorial"));
    compareAtFivePositions(page, again, "sort");
    // Every comparison, where the compared pair is drawn.
    auto *a = page.controller();
    auto *b = again.controller();
    a->toStart();
    b->toStart();
    int compared = 0;
    while (a->nextOfKind("compare") && compared < 40) {
        QVERIFY(b->nextOfKind("compare"));
        QCOMPARE(b->position(), a->position());
        if (++compared % 10 == 0)
            QVERIFY(page.grab().toImage() == again.grab().toImage());
    }
    QCOMPARE(compared, 40);
}

void ListRecordTest::largerSortReopensTheSame()
{
    SortPage page;
    page.resize(1024, 768);
    page.show();
    control<QComboBox>(page, "Input")->setCurrentIndex(1); // random
    control<QSpinBox>(page, "Number of elements")->setValue(1500);
    control<QSpinBox>(page, "Random seed")->setValue(42);
    control<QComboBox>(page, "Merge policy")->setCurrentIndex(1); // cpython27
    page.runSort();
    QVERIFY(!page.sorting());
    const wb::Recording r = roundTrip(page.recording(), "sort");
    QCOMPARE(r.setting("input"), std::string("random"));
    QCOMPARE(r.setting("n"), std::string("1500"));
    QCOMPARE(r.setting("seed"), std::string("42"));
    QCOMPARE(r.setting("policy"), std::string("cpython27"));
    // The settings are the run's: a control changed afterwards does not change them.
    control<QSpinBox>(page, "Number of elements")->setValue(900);
    QCOMPARE(page.recording().setting("n"), std::string("1500"));
    control<QSpinBox>(page, "Number of elements")->setValue(1500);

    SortPage again;
    again.resize(1024, 768);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QCOMPARE(control<QSpinBox>(again, "Random seed")->value(), 42);
    compareAtFivePositions(page, again, "sort-large");
    // The next Sort works as ever.
    again.runSort();
    QCOMPARE(again.controller()->count(), page.controller()->count());
}

void ListRecordTest::aSortInProgressIsNotRecordedAndOpeningCancelsIt()
{
    SortPage page;
    const wb::Recording tutorial = roundTrip(page.recording(), "sort");
    control<QComboBox>(page, "Input")->setCurrentIndex(1); // random
    control<QSpinBox>(page, "Number of elements")->setValue(100'000);
    page.runSort();
    QVERIFY(page.sorting());
    // Until its trace comes, the page shows, and keeps, the sort before.
    const wb::Recording during = page.recording();
    QCOMPARE(during.setting("input"), std::string("tutorial"));
    QCOMPARE(during.trace->size(), tutorial.trace->size());
    // Opening a recording cancels the sort in progress: its trace never replaces the one
    // opened.
    QString error;
    QVERIFY2(page.showRecording(tutorial, &error), qPrintable(error));
    QVERIFY(!page.sorting());
    QTest::qWait(200);
    QCOMPARE(page.controller()->count(), static_cast<qsizetype>(tutorial.trace->size()));
    QCOMPARE(page.recording().setting("input"), std::string("tutorial"));
}

void ListRecordTest::comparedPairComesFromTheTrace()
{
    // x and y name the slots of the operands in the array as the replay draws it: at each
    // comparison the values there are the ones a plain comparison of those two would read.
    std::vector<std::int64_t> v = {5, 3, 9, 1, 7, 7, 2, 8, 6, 4, 0, 12, 11, 10};
    wb::Trace trace;
    recordViewSort(v, MergePolicy::CPython311, trace);
    QVERIFY(std::is_sorted(v.begin(), v.end()));
    SortViewState s;
    int checked = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        applySortEvent(s, trace.at(i));
        if (const auto c = wb::as<events::Compare>(trace.at(i))) {
            QVERIFY(c->x && c->y);
            QVERIFY(*c->x >= 0 && *c->x < s.n && *c->y >= 0 && *c->y < s.n);
            const auto xv = s.values[static_cast<std::size_t>(*c->x)];
            const auto yv = s.values[static_cast<std::size_t>(*c->y)];
            QCOMPARE(xv < yv, c->less);
            ++checked;
        }
    }
    QVERIFY(checked > 10);
}

void ListRecordTest::slotsReopenTheSameAndTheNextOperationWorks()
{
    SlotsPage page;
    page.resize(1100, 720);
    page.show();
    QVERIFY(page.run("l.extend([10, 11, 12])"));
    QVERIFY(page.run("pop 1"));
    QVERIFY(page.run("clear"));
    QVERIFY(page.run("pop"));             // IndexError, shown in the message
    QVERIFY(!page.run("l.frobnicate()")); // does not parse: a message, nothing run
    page.controller()->pause();
    page.controller()->seek(page.controller()->count() / 3);
    const wb::Recording r = roundTrip(page.recording(), "slots");
    QCOMPARE(r.setting("policy"), std::string("cpython27"));
    QVERIFY(r.setting("operations").find("pop 1") != std::string::npos);
    QVERIFY(r.setting("results").find("IndexError") != std::string::npos);

    SlotsPage again;
    again.resize(1100, 720);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QCOMPARE(again.message(), page.message());
    compareAtFivePositions(page, again, "slots");

    // The next operation continues the recorded list.
    QVERIFY(page.run("l.append(99)"));
    QVERIFY(again.run("l.append(99)"));
    QCOMPARE(again.list().values(), page.list().values());
    QCOMPARE(again.list().allocated(), page.list().allocated());
    page.controller()->pause();
    again.controller()->pause();
    compareAtFivePositions(page, again, "slots-after");
}

void ListRecordTest::damagedRecordingsAreRefused()
{
    SortPage sort;
    sort.resize(1024, 768);
    sort.show();
    const wb::Recording good = roundTrip(sort.recording(), "sort");
    const std::size_t middle = good.trace->size() / 2;
    expectRefused(sort, damaged(good, middle, [](wb::Event &e) { e.kind = "teleport"; }),
                  "teleport");
    expectRefused(sort, damaged(good, middle, [](wb::Event &e) { e.fields.clear(); }),
                  "not one this view knows");
    wb::Recording badPolicy = good;
    for (auto &[k, v] : badPolicy.settings)
        if (k == "policy")
            v = "bogosort";
    expectRefused(sort, badPolicy, "bogosort");
    wb::Recording badN = good;
    badN.settings.emplace_back("n", "-4");
    expectRefused(sort, badN, "-4");
    wb::Recording unknown = good;
    unknown.settings.emplace_back("colour", "red");
    expectRefused(sort, unknown, "colour");

    SlotsPage slotPage;
    slotPage.resize(1024, 768);
    slotPage.show();
    const wb::Recording list = roundTrip(slotPage.recording(), "slots");
    // A list of a trillion slots would be allocated by the replay: refused before it is.
    expectRefused(slotPage,
                  damaged(list, 0,
                          [](wb::Event &e) {
                              e = wb::toEvent(events::New{1'000'000'000'000, 1'000'000'000'000, 0,
                                                          "cpython27"},
                                              "l = []");
                          }),
                  "not one this view knows");
    wb::Recording badOp = list;
    for (auto &[k, v] : badOp.settings)
        if (k == "operations")
            v = "l.explode()";
    expectRefused(slotPage, badOp, "l.explode()");
}

QTEST_MAIN(ListRecordTest)
#include "record_ui_test.moc"
