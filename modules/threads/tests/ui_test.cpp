// The threads module's views, driven as a learner drives them: the opening example scrubbed
// forward and back, a run where the learner picks every step, Stop and scenario switches
// that must not hang, the inspector and the blocked-time bars against what the core did,
// and a large trace that the timeline must draw without walking all of it; and the colours
// the views draw text and lines with, readable in both palettes.
#include "blockedview.h"
#include "inspectorview.h"
#include "runbar.h"
#include "scripteditor.h"
#include "session.h"
#include "timelineview.h"

#include "threads/core/playground.h"
#include "threads/core/pythontwin.h"

#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace wb::threads;
using namespace wb::threads::ui;

namespace {

std::string extraString(const Summary &s, const std::string &key)
{
    for (const auto &f : s.extra)
        if (f.key == key)
            if (auto v = std::get_if<std::string>(&f.value))
                return *v;
    return {};
}

// Runs `scenario` through the session's own Run path and waits for its end.
void runToEnd(ThreadsSession &s, const QString &scenario, RunMode mode, quint64 seed = 1)
{
    QVERIFY(s.start(scenario, mode, seed));
    QTRY_VERIFY_WITH_TIMEOUT(!s.isRunning(), 10000);
}

// With WB_THREADS_SHOTS=<dir>, saves what the learner sees at this point (for reviewing).
void shot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("WB_THREADS_SHOTS");
    if (dir.isEmpty())
        return;
    w.resize(1100, 720);
    w.show();
    QCoreApplication::processEvents();
    w.grab().save(dir + "/" + name + ".png");
}

} // namespace

class ThreadsUiTest : public QObject
{
    Q_OBJECT
private slots:
    void openingExampleInterleavesTheFileAndStepsBack();
    void learnerChoosesEveryStep();
    void stopAndSwitchNeverHang();
    void wakeArrowsFollowTheCause();
    void inspectorShowsQueueAndConditionInsides();
    void deadlockAndErrorsAreShownNotThrown();
    void blockedBarsGrowWithTheCursor();
    void oneHighlightPerLiveThread();
    void largeTraceDrawsOnlyTheVisibleRange();
    void playgroundScriptIsTypedAndRun();
    void pythonTabShowsAndSavesTheTwin();
    void coloursKeepTheirContrastInBothPalettes();
    void cleanup() { wb::ui::applyTheme(*qApp, wb::ui::Theme::Light); }
};

void ThreadsUiTest::openingExampleInterleavesTheFileAndStepsBack()
{
    auto session = std::make_shared<ThreadsSession>();
    TimelinePage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    QVERIFY(session->waitFinished(5000)); // the opening example runs on its own threads
    QCOMPARE(session->scenario(), QStringLiteral("fetch-nolock"));
    QVERIFY(!session->isRunning());
    auto *c = page.controller();
    c->toEnd();
    const ThreadsState end = session->stateAtCursor();
    // The file the views rebuild from the trace is the file the core wrote.
    QCOMPARE(end.file, extraString(session->summary(), "file"));
    QCOMPARE(end.file.size(), std::size_t{160});
    QCOMPARE(end.fileWriters.size(), end.file.size());
    int runs = 0;
    for (std::size_t i = 0; i < end.fileWriters.size(); ++i)
        if (i == 0 || end.fileWriters[i] != end.fileWriters[i - 1])
            ++runs;
    QVERIFY2(runs > 4, "the two writers' bytes must interleave");
    QCOMPARE(*session->summary().maxConcurrentWriters, std::int64_t{2});
    // The console pane shows exactly what the scenario printed.
    QStringList expected;
    for (const auto &l : end.console)
        expected << QString::fromStdString(l);
    QCOMPARE(page.consoleLines(), expected);
    QCOMPARE(expected.size(), 8); // "write done" and "fetched" for four pages

    // Back to the middle and forward again: the same state, nothing re-run.
    const auto count = c->count();
    c->seek(count / 2);
    const ThreadsState mid = session->stateAtCursor();
    QVERIFY(mid.file.size() < end.file.size());
    QVERIFY(page.consoleLines().size() < expected.size());
    c->toEnd();
    c->seek(count / 2);
    QCOMPARE(session->stateAtCursor().file, mid.file);
    QCOMPARE(session->stateAtCursor().console, mid.console);
    c->stepBack();
    QCOMPARE(c->position(), count / 2 - 1);
}

void ThreadsUiTest::learnerChoosesEveryStep()
{
    auto session = std::make_shared<ThreadsSession>();
    session->showTrace(std::make_shared<wb::Trace>(), "condition"); // no opening example
    TimelinePage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    page.runBar()->select("condition", 2);
    page.runBar()->run();
    QVERIFY(session->isRunning());
    QCOMPARE(session->mode(), RunMode::StepManual);
    int clicks = 0;
    while (session->isRunning() && clicks < 400) {
        QTRY_VERIFY_WITH_TIMEOUT(
            !page.runBar()->choiceButtons().isEmpty() || !session->isRunning(), 5000);
        if (!session->isRunning())
            break;
        // Always let the highest-numbered thread go: a different order than the seeded one.
        if (clicks == 12)
            shot(page, "manual-condition");
        QPushButton *b = page.runBar()->choiceButtons().last();
        const int thread = b->objectName().section('-', 1).toInt();
        QVERIFY(b->text().startsWith(QStringLiteral("Let Thread-%1 go").arg(thread)));
        const auto before = session->trace()->size();
        b->click();
        ++clicks;
        QTRY_VERIFY_WITH_TIMEOUT(session->trace()->size() > before || !session->isRunning(), 5000);
        // The step just granted belongs to the thread the learner let go.
        QCOMPARE(session->trace()->at(before).thread, thread);
        // The controller is live and the cursor follows the newest event.
        QTRY_COMPARE_WITH_TIMEOUT(page.controller()->position(),
                                  static_cast<qsizetype>(session->timeline().processed), 2000);
    }
    QVERIFY(!session->isRunning());
    QVERIFY(!page.controller()->isLive());
    QVERIFY(clicks > 10);
    QCOMPARE(*session->summary().produced, std::int64_t{2});
    QCOMPARE(*session->summary().consumed, std::int64_t{2});
    QVERIFY(page.runBar()->choiceButtons().isEmpty());
}

void ThreadsUiTest::stopAndSwitchNeverHang()
{
    auto session = std::make_shared<ThreadsSession>();
    session->showTrace(std::make_shared<wb::Trace>(), "event");
    // A learner-driven run parks forever unless stopped: Stop, a switch and a shutdown must
    // each come back within about a second.
    QVERIFY(session->start("event", RunMode::StepManual, 0));
    QTRY_VERIFY_WITH_TIMEOUT(!session->parked().empty(), 5000);
    QElapsedTimer t;
    t.start();
    session->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 1500);
    QVERIFY(session->summary().stopped);
    QVERIFY(t.elapsed() < 1500);

    QVERIFY(session->start("queue", RunMode::StepManual, 0));
    QTRY_VERIFY_WITH_TIMEOUT(!session->parked().empty(), 5000);
    t.restart();
    QVERIFY(session->start("deadlock", RunMode::Free, 0)); // switch while parked
    QVERIFY(t.elapsed() < 1500);
    t.restart();
    session->shutdown();
    QVERIFY(t.elapsed() < 1500);
    QVERIFY(!session->isRunning());

    // Closing a page while its run is parked: the page's shutdown() joins the threads.
    {
        TimelinePage page(session);
        page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
        QVERIFY(session->start("condition", RunMode::StepManual, 0));
        QTRY_VERIFY_WITH_TIMEOUT(!session->parked().empty(), 5000);
        t.restart();
        page.shutdown();
        QVERIFY(t.elapsed() < 1500);
        QVERIFY(!session->isRunning());
    }
    QString error;
    QVERIFY(!session->start("no-such-scenario", RunMode::Free, 0, &error));
    QVERIFY(error.contains("no-such-scenario"));
}

void ThreadsUiTest::wakeArrowsFollowTheCause()
{
    auto shared = std::make_shared<ThreadsSession>();
    ThreadsSession &session = *shared;
    TimelinePage page(shared);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    runToEnd(session, "fetch-lock", RunMode::StepSeeded, 3);
    page.controller()->seek(page.controller()->count() * 2 / 3);
    shot(page, "timeline-fetch-lock");
    const TimelineData &t = session.timeline();
    QVERIFY(!t.arrows.empty());
    for (const WakeArrow &a : t.arrows) {
        const wb::Event &woken = session.trace()->at(static_cast<std::size_t>(a.to));
        const wb::Event &cause = session.trace()->at(static_cast<std::size_t>(a.from));
        QCOMPARE(woken.kind, std::string("woken"));
        QCOMPARE(woken.intField("cause"), a.from);
        QCOMPARE(cause.kind, std::string("released"));
        QVERIFY(a.fromThread != a.toThread);
    }
    // With the lock the pages stay whole, and the one that waited shows a blocked stretch.
    QCOMPARE(*session.summary().maxConcurrentWriters, std::int64_t{1});
    bool blocked = false;
    for (const auto &[n, lane] : t.lanes)
        for (const Segment &s : lane.segments)
            blocked = blocked || (s.state == ThreadState::Blocked && s.on == "lock");
    QVERIFY(blocked);
}

void ThreadsUiTest::inspectorShowsQueueAndConditionInsides()
{
    auto session = std::make_shared<ThreadsSession>();
    InspectorPage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    runToEnd(*session, "queue", RunMode::StepSeeded, 1);
    auto *c = page.controller();
    bool sawFull = false, sawWaiter = false;
    for (qsizetype pos = 1; pos <= c->count(); ++pos) {
        c->seek(pos);
        const ThreadsState &s = session->stateAtCursor();
        const PrimitiveView &q =
            s.primitives.count("queue") ? s.primitives.at("queue") : PrimitiveView{};
        for (const InspectorRow &r : page.rows()) {
            if (r.name == "queue") {
                QStringList items;
                for (auto i : q.items)
                    items << QString::number(i);
                QVERIFY2(r.text.contains(QStringLiteral("items [%1]").arg(items.join(", "))),
                         qPrintable(r.text));
                QVERIFY(r.text.contains(QStringLiteral("unfinished_tasks %1").arg(q.unfinished)));
                sawFull = sawFull || q.items.size() == 2;
            }
            if (r.name == "queue.not_full" && r.text.contains("(Thread-1)")) {
                // put() waits on not_full with its own waiter lock while the queue is full.
                QVERIFY(r.text.contains("waiter#"));
                if (!sawWaiter)
                    shot(page, "inspector-queue");
                sawWaiter = true;
            }
            if (r.name == "queue.mutex")
                QVERIFY(r.text.contains("sem_t value"));
        }
    }
    QVERIFY(sawFull);
    QVERIFY(sawWaiter);
    // At the end the extra task_done() left unfinished_tasks at 0 and raised.
    c->toEnd();
    QCOMPARE(session->stateAtCursor().primitives.at("queue").unfinished, std::int64_t{0});
    QCOMPARE(QString::fromStdString(*session->summary().error),
             QStringLiteral("task_done() called too many times"));
}

void ThreadsUiTest::deadlockAndErrorsAreShownNotThrown()
{
    auto session = std::make_shared<ThreadsSession>();
    InspectorPage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    runToEnd(*session, "deadlock", RunMode::StepSeeded, 0);
    QVERIFY(session->summary().deadlock);
    QCOMPARE(session->timeline().deadlocks.size(), std::size_t{1});
    page.controller()->toEnd();
    QVERIFY(session->stateAtCursor().deadlock);
    QVERIFY(page.runBar()->status().contains("deadlock"));
    int locked = 0;
    for (const InspectorRow &r : page.rows())
        if (r.name == "lockA" || r.name == "lockB") {
            QVERIFY2(r.text.contains("locked") && r.text.contains("blocked here"),
                     qPrintable(r.text));
            ++locked;
        }
    QCOMPARE(locked, 2);
    shot(page, "inspector-deadlock");

    runToEnd(*session, "rlock", RunMode::StepSeeded, 0);
    QVERIFY(page.runBar()->status().contains("RuntimeError: cannot release un-acquired lock"));
    // The RLock's owner and count as the inspector shows them, after its second acquire.
    auto *c = page.controller();
    c->toStart();
    bool sawCount2 = false;
    while (c->nextOfKind("acquired"))
        for (const InspectorRow &r : page.rows())
            sawCount2 = sawCount2 || (r.name == "rlock" && r.text == "owner Thread-2, count 2");
    QVERIFY(sawCount2);

    runToEnd(*session, "bounded-semaphore", RunMode::Free, 0);
    QVERIFY(page.runBar()->status().contains("ValueError: Semaphore released too many times"));
}

void ThreadsUiTest::blockedBarsGrowWithTheCursor()
{
    auto session = std::make_shared<ThreadsSession>();
    BlockedPage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    runToEnd(*session, "fetch-lock", RunMode::StepSeeded, 3);
    auto *c = page.controller();
    c->toStart();
    for (const auto &[n, t] : page.totals())
        QCOMPARE(t.blocked + t.waiting + t.sleeping + t.running, 0.0);
    double lastBlocked = 0;
    for (qsizetype pos = 1; pos <= c->count(); ++pos) {
        c->seek(pos);
        double blocked = 0;
        for (const auto &[n, t] : page.totals())
            blocked += t.blocked;
        QVERIFY(blocked >= lastBlocked);
        lastBlocked = blocked;
    }
    QVERIFY(lastBlocked > 0); // the second writer waited for the lock
    shot(page, "blocked-fetch-lock");
    // The bars agree with the lanes: blocked steps are the blocked segments' lengths.
    double fromLanes = 0;
    for (const auto &[n, lane] : session->timeline().lanes)
        for (const Segment &s : lane.segments)
            if (s.state == ThreadState::Blocked)
                fromLanes += double((s.end < 0 ? c->count() - 1 : s.end) - s.start);
    QCOMPARE(lastBlocked, fromLanes);
    page.setWallTime(true);
    double ms = 0;
    for (const auto &[n, t] : page.totals())
        ms += t.blocked + t.sleeping + t.running;
    QVERIFY(ms > 0);
}

void ThreadsUiTest::oneHighlightPerLiveThread()
{
    auto session = std::make_shared<ThreadsSession>();
    TimelinePage page(session); // the opening example: fetch-nolock
    page.show();                // a page refreshes while it is visible (wb::ui::SessionPage)
    QVERIFY(session->waitFinished(5000));
    auto *c = page.controller();
    c->toStart();
    QVERIFY(c->nextOfKind("write"));
    const auto highlights = page.sourceHighlights();
    QCOMPARE(highlights.size(), 2);
    QStringList labels;
    for (const auto &h : highlights) {
        labels << h.label;
        QVERIFY(h.line > 0);
        QVERIFY(!h.fileName.isEmpty());
    }
    labels.sort();
    QCOMPARE(labels, (QStringList{"T1", "T2"}));
    // The current event's thread comes first, so the source pane shows its file.
    QCOMPARE(highlights.first().label, threadLabel(c->currentEvent()->thread));
    QCOMPARE(highlights.first().line, static_cast<int>(c->currentEvent()->where.line));
    c->toEnd();
    QVERIFY(page.sourceHighlights().isEmpty()); // every thread is done
}

void ThreadsUiTest::largeTraceDrawsOnlyTheVisibleRange()
{
    // 150,000 events of two threads taking turns on one lock.
    auto trace = std::make_shared<wb::Trace>();
    const int rounds = 25000;
    for (int i = 0; i < rounds; ++i) {
        const int a = 1 + i % 2, b = 2 - i % 2;
        trace->add("acquired", "acquired",
                   {{"primitive", "lock"}, {"layer", "Lock"}, {"value", 0}}, a);
        trace->add("blocked", "blocked",
                   {{"primitive", "lock"},
                    {"layer", "Lock"},
                    {"value", 0},
                    {"locked", true},
                    {"waiter", false}},
                   b);
        const auto &rel = trace->add("released", "released",
                                     {{"primitive", "lock"}, {"layer", "Lock"}, {"value", 1}}, a);
        trace->add("woken", "woken",
                   {{"primitive", "lock"},
                    {"layer", "Lock"},
                    {"cause", static_cast<std::int64_t>(rel.seq)}},
                   b);
        trace->add("print", "print",
                   {{"primitive", "console"}, {"layer", "console"}, {"text", "tick"}}, a);
        trace->add("sleep", "sleep",
                   {{"primitive", "time"}, {"layer", "thread"}, {"seconds", 1.0}}, a);
    }
    auto session = std::make_shared<ThreadsSession>();
    QElapsedTimer clock;
    clock.start();
    session->showTrace(trace, "fetch-lock");
    TimelinePage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    page.resize(1200, 700);
    QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(session->timeline().arrows.size(), std::size_t(rounds));

    // Zoomed out over everything: at most a few pieces per pixel column, no arrows.
    page.controller()->seek(trace->size() / 2);
    clock.restart();
    page.canvas()->grab();
    const auto fitMs = clock.elapsed();
    const int fitItems = page.canvas()->lastPaintedItems();
    QVERIFY2(fitItems < 4 * page.canvas()->width(), qPrintable(QString::number(fitItems)));
    QVERIFY2(fitMs < 3000, qPrintable(QString::number(fitMs)));

    // Zoomed in on 60 steps: only what is visible is drawn, arrows included.
    page.canvas()->setRange(75000, 75060);
    clock.restart();
    page.canvas()->grab();
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(page.canvas()->lastPaintedItems() > 0);
    QVERIFY(page.canvas()->lastPaintedItems() < 200);
    shot(page, "large-zoomed");

    // Stepping across a large trace stays bounded (snapshots every 1,024 events).
    clock.restart();
    for (int i = 0; i < 50; ++i)
        page.controller()->seek((i * 7919) % static_cast<int>(trace->size()));
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
}

namespace {

// Types `lines` into the editor as a learner would, replacing what is there.
void typeScript(ScriptEditor *editor, const QStringList &lines)
{
    editor->setFocus();
    editor->selectAll();
    QTest::keyClick(editor, Qt::Key_Delete);
    for (int i = 0; i < lines.size(); ++i) {
        if (i)
            QTest::keyClick(editor, Qt::Key_Return);
        QTest::keyClicks(editor, lines[i]);
    }
}

QPushButton *runButton(RunBar *bar)
{
    for (QPushButton *b : bar->findChildren<QPushButton *>())
        if (b->text() == QLatin1String("Run"))
            return b;
    return nullptr;
}

} // namespace

void ThreadsUiTest::playgroundScriptIsTypedAndRun()
{
    auto session = std::make_shared<ThreadsSession>();
    TimelinePage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    InspectorPage other(session);
    QVERIFY(session->waitFinished(5000));
    RunBar *bar = page.runBar();
    ScriptEditor *editor = bar->scriptEditor();
    QVERIFY(!editor->isVisibleTo(&page)); // only with the playground selected
    bar->select("playground", 1, 3);
    QVERIFY(editor->isVisibleTo(&page));
    QPushButton *run = runButton(bar);
    QVERIFY(run);

    // A mistake: shown under the editor with its line and column; nothing starts.
    typeScript(editor, {"lock A", "T1: acquire B"});
    QCOMPARE(session->script(), QStringLiteral("lock A\nT1: acquire B"));
    QTest::mouseClick(run, Qt::LeftButton);
    QVERIFY2(bar->scriptErrors().startsWith("Line 2, column 13: unknown primitive 'B'"),
             qPrintable(bar->scriptErrors()));
    QCOMPARE(session->scenario(), QStringLiteral("fetch-nolock"));
    QCOMPARE(editor->extraSelections().size(), 1); // the wavy underline

    // The fixed script runs, on the same views as every scenario.
    const QStringList script = {"lock A", "lock B",
                                "T1: acquire A; sleep 10; acquire B; release B; release A",
                                "T2: acquire B; sleep 10; acquire A; release A; release B"};
    typeScript(editor, script);
    QCOMPARE(other.runBar()->scriptEditor()->toPlainText(), script.join('\n')); // one script
    QTest::mouseClick(run, Qt::LeftButton);
    QVERIFY(bar->scriptErrors().isEmpty());
    QCOMPARE(session->scenario(), QStringLiteral("playground"));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 10000);
    const Summary &s = session->summary();
    QVERIFY(s.deadlock);
    QCOMPARE(std::set<std::string>(s.cycle.begin(), s.cycle.end()),
             std::set<std::string>({"Thread-1", "Thread-2"}));
    QCOMPARE(session->timeline().deadlocks.size(), std::size_t{1});
    QVERIFY(bar->status().contains("deadlock"));
    QCOMPARE(session->timeline().lanes.size(), std::size_t{2});

    // Stepping back: the editor tints the line each live thread is on.
    auto *c = page.controller();
    c->toStart();
    int most = 0;
    while (c->position() < c->count()) {
        c->stepForward();
        std::set<std::uint32_t> lines;
        for (const auto &[number, t] : session->stateAtCursor().threads)
            if (t.state != ThreadState::Done && t.file == kScriptFile)
                lines.insert(t.line);
        QCOMPARE(editor->extraSelections().size(), qsizetype(lines.size()));
        most = std::max(most, int(lines.size()));
    }
    QCOMPARE(most, 2); // both threads, each on its line
    c->toEnd();
    shot(page, "playground");

    // A preset replaces the script as one undoable edit: the learner's text is not lost.
    bar->loadPreset("producer-consumer");
    QCOMPARE(editor->toPlainText().toStdString(), scriptPresets()[1].script);
    editor->undo();
    QCOMPARE(editor->toPlainText(), script.join('\n'));
}

void ThreadsUiTest::pythonTabShowsAndSavesTheTwin()
{
    auto session = std::make_shared<ThreadsSession>();
    TimelinePage page(session);
    page.show(); // a page refreshes while it is visible (wb::ui::SessionPage)
    QVERIFY(session->waitFinished(5000));
    RunBar *bar = page.runBar();
    bar->select("playground", 1, 3);
    QCOMPARE(bar->scriptTabs()->tabText(0), QStringLiteral("Script"));
    QCOMPARE(bar->scriptTabs()->tabText(1), QStringLiteral("Python"));
    auto *view = bar->findChild<QPlainTextEdit *>(QStringLiteral("python-twin"));
    QVERIFY(view);
    QVERIFY(view->isReadOnly());
    auto *save = bar->findChild<QPushButton *>(QStringLiteral("save-python"));
    QVERIFY(save);

    // The tab follows the editor: the core's twin of exactly the script typed.
    const QString script = QStringLiteral("lock A\nT1: acquire A; print in; release A");
    bar->scriptEditor()->replaceText(script);
    const std::string twin = pythonTwin(*parseScript(script.toStdString()).script);
    QCOMPARE(bar->pythonText().toStdString(), twin);
    QCOMPARE(view->toPlainText().toStdString(), twin);
    QVERIFY(save->isEnabled());
    bar->scriptTabs()->setCurrentIndex(1);
    shot(page, "python-tab");

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("twin.py"));
    QString error;
    QVERIFY2(bar->savePython(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().toStdString(), twin);
    file.close();
    error.clear();
    QVERIFY(!bar->savePython(dir.filePath(QStringLiteral("no/such/dir/x.py")), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!bar->savePython(dir.path(), &error)); // a directory is never replaced

    // A script with errors has no twin: nothing to save, and the saved file stays as it was.
    bar->scriptEditor()->replaceText(QStringLiteral("T1: grab"));
    QVERIFY2(bar->pythonText().startsWith(QStringLiteral("# The script has 1 error")),
             qPrintable(bar->pythonText()));
    QVERIFY(!save->isEnabled());
    QVERIFY(!bar->savePython(path, &error));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().toStdString(), twin);
}

void ThreadsUiTest::coloursKeepTheirContrastInBothPalettes()
{
    // Text and lines keep 4.5:1 against every background the views draw them on (Base,
    // AlternateBase for the timeline's striped lanes and the inspector's cards, Window for the
    // run bar), and text drawn on a fill keeps 4.5:1 against that fill.
    QStringList failures;
    for (const auto theme : {wb::ui::Theme::Light, wb::ui::Theme::Dark}) {
        wb::ui::applyTheme(*qApp, theme);
        const QPalette pal = QApplication::palette();
        const QString name = theme == wb::ui::Theme::Dark ? "dark" : "light";
        auto check = [&](const QString &what, const QColor &fg, const QColor &bg) {
            const double ratio = wb::ui::contrastRatio(fg, bg);
            if (ratio < 4.5)
                failures << QStringLiteral("%1: %2 is %3:1 (%4 on %5)")
                                .arg(name, what)
                                .arg(ratio, 0, 'f', 2)
                                .arg(fg.name(), bg.name());
        };
        const std::pair<const char *, QPalette::ColorRole> backgrounds[] = {
            {"Base", QPalette::Base},
            {"AlternateBase", QPalette::AlternateBase},
            {"Window", QPalette::Window}};
        const Inks ink = inks(pal);
        std::vector<std::pair<QString, QColor>> lines = {{"text", ink.text},
                                                         {"muted text", ink.muted},
                                                         {"step lines and card edges", ink.grid},
                                                         {"release arrows", ink.release},
                                                         {"notify arrows", ink.notify},
                                                         {"deadlocks and errors", ink.error}};
        for (int n = 1; n <= 8; ++n)
            lines.emplace_back(QStringLiteral("thread %1's name").arg(n), threadInk(n, pal));
        for (const auto state : {ThreadState::Running, ThreadState::Blocked, ThreadState::Waiting,
                                 ThreadState::Sleeping, ThreadState::Done})
            lines.emplace_back(QStringLiteral("outline of state %1").arg(int(state)),
                               stateOutline(state, pal));
        for (const auto &[what, colour] : lines)
            for (const auto &[where, role] : backgrounds)
                check(QStringLiteral("%1 on %2").arg(what, where), colour, opaqueRole(pal, role));
        // Text on fills: output.txt's bytes and the editor's thread lines, the inspector's
        // changed rows and layer badges.
        const QColor text = pal.color(QPalette::Text);
        for (int n = 0; n <= 8; ++n)
            check(QStringLiteral("text on thread %1's tint").arg(n), text, threadTint(n, pal));
        check("text on a changed row", text, changedRowFill(pal));
        for (const char *layer : {"Lock", "RLock", "Condition", "Semaphore", "Queue", "Event"})
            for (const bool idle : {false, true})
                check(QStringLiteral("the word on the %1 badge%2")
                          .arg(QLatin1String(layer), idle ? " (idle)" : ""),
                      layerBadgeText(pal), layerBadgeFill(QLatin1String(layer), idle, pal));
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QStringLiteral("; "))));
}

QTEST_MAIN(ThreadsUiTest)
#include "ui_test.moc"
