// Recordings of the threads views: a run kept with File > Save Recording and opened again on a
// new page draws the same pictures at every cursor position, pixel for pixel, without running
// anything; a run the learner stepped by hand comes back with the interleaving they chose; a
// run kept while still going keeps only the events already shown; a damaged recording is
// refused with a sentence and leaves the page as it was; a real Python program's threads,
// recorded by `workbench-cli threads trace-python --record`, open in every view and save again
// with the same settings.
#include "blockedview.h"
#include "inspectorview.h"
#include "runbar.h"
#include "session.h"
#include "timelineview.h"

#include "scripteditor.h"

#include "threads/core/events.h"
#include "threads/core/recording.h"

#include "workbench/core/recording.h"
#include "workbench/ui/stepcontroller.h"

#include <QApplication>
#include <QPushButton>
#include <QTest>

using namespace wb::threads;
using namespace wb::threads::ui;

namespace {

// Lets queued layouts and replots (the blocked-time plot replots on the next turn) finish.
void settle()
{
    for (int i = 0; i < 4; ++i) {
        QCoreApplication::processEvents();
        QTest::qWait(5);
    }
}

wb::Recording roundTrip(const wb::Recording &r)
{
    wb::Recording out = r;
    out.module = "threads";
    out.moduleVersion = "0.1.0";
    out.view = "timeline";
    return wb::decodeRecording(wb::encodeRecording(out));
}

// Drives a step-mode run where the learner lets the highest-numbered parked thread go.
void chooseLastEveryTime(ThreadsSession &s, RunBar &bar, int steps)
{
    for (int i = 0; i < steps && s.isRunning(); ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(!bar.choiceButtons().isEmpty() || !s.isRunning(), 5000);
        if (!s.isRunning())
            return;
        const auto before = s.trace()->size();
        bar.choiceButtons().last()->click();
        QTRY_VERIFY_WITH_TIMEOUT(s.trace()->size() > before || !s.isRunning(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(s.count(), static_cast<qsizetype>(s.timeline().processed), 2000);
    }
}

template <class Page> void compareAtFivePositions(Page &original, Page &reopened)
{
    auto *a = original.controller();
    auto *b = reopened.controller();
    QCOMPARE(b->count(), a->count());
    const qsizetype n = a->count();
    for (qsizetype pos : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        a->seek(pos);
        b->seek(pos);
        settle();
        const QImage x = original.grab().toImage();
        const QImage y = reopened.grab().toImage();
        if (x != y) {
            const QString name = QString::fromLatin1(original.metaObject()->className())
                                     .section(QLatin1String("::"), -1);
            x.save(QStringLiteral("/tmp/threads-record-%1-original-%2.png").arg(name).arg(pos));
            y.save(QStringLiteral("/tmp/threads-record-%1-reopened-%2.png").arg(name).arg(pos));
        }
        QVERIFY2(x == y, qPrintable(QStringLiteral("the pictures differ at position %1 of %2 "
                                                   "(saved in /tmp/threads-record-*)")
                                        .arg(pos)
                                        .arg(n)));
    }
}

std::string setting(const wb::Recording &r, const std::string &key)
{
    return r.setting(key, "<absent>");
}

const char *const kPythonScript = R"(import threading
lock = threading.Lock()
total = 0
def work(n):
    global total
    with lock:
        total += n
a = threading.Thread(target=work, args=(1,), name="adder")
b = threading.Thread(target=work, args=(2,), name="doubler")
a.start(); b.start(); a.join(); b.join()
)";

// What `workbench-cli threads trace-python prog.py --step --seed 3 --record FILE` writes for
// kPythonScript: its events as the threads core maps the tracer's lines (python_trace.h).
wb::Recording pythonRecording()
{
    namespace ev = wb::threads::events;
    auto trace = std::make_shared<wb::Trace>();
    std::int64_t ns = 1'000'000;
    auto add = [&](const auto &e, int thread, const std::string &name, const std::string &what,
                   std::uint32_t line) {
        wb::Event event = wb::toEvent(e, name + ": " + what);
        event.thread = thread;
        event.where.file = "/home/learner/prog.py";
        event.where.line = line;
        trace->appendStamped(std::move(event), ns += 150'000);
    };
    add(ev::Start{.primitive = "thread", .layer = "thread"}, 2, "adder", "start adder", 10);
    add(ev::Start{.primitive = "thread", .layer = "thread"}, 3, "doubler", "start doubler", 10);
    add(ev::Blocked{.primitive = "adder", .layer = "thread"}, 1, "MainThread", "join adder", 10);
    add(ev::Attempt{.primitive = "Lock#1", .layer = "Lock", .blocking = true}, 2, "adder",
        "acquire Lock#1", 6);
    add(ev::Acquired{.primitive = "Lock#1", .layer = "Lock", .value = 0, .locked = true}, 2,
        "adder", "acquired Lock#1", 6);
    add(ev::Attempt{.primitive = "Lock#1", .layer = "Lock", .blocking = true}, 3, "doubler",
        "acquire Lock#1", 6);
    add(ev::Blocked{.primitive = "Lock#1", .layer = "Lock", .value = 0, .locked = true}, 3,
        "doubler", "blocked on Lock#1", 6);
    add(ev::Released{.primitive = "Lock#1", .layer = "Lock", .value = 1, .locked = false}, 2,
        "adder", "release Lock#1", 6);
    add(ev::Acquired{.primitive = "Lock#1", .layer = "Lock", .value = 0, .locked = true}, 3,
        "doubler", "acquired Lock#1", 6);
    add(ev::Exit{.primitive = "thread", .layer = "thread"}, 2, "adder", "end adder", 10);
    add(ev::Woken{.primitive = "adder", .layer = "thread", .reason = "join"}, 1, "MainThread",
        "joined adder", 10);
    add(ev::Released{.primitive = "Lock#1", .layer = "Lock", .value = 1, .locked = false}, 3,
        "doubler", "release Lock#1", 6);
    add(ev::Exit{.primitive = "thread", .layer = "thread"}, 3, "doubler", "end doubler", 10);
    wb::Recording r;
    r.trace = trace;
    r.settings = {{"source", "python"},
                  {"script", kPythonScript},
                  {"python", "3.11.2"},
                  {"mode", "step"},
                  {"seed", "3"}};
    r.cursor = trace->size();
    return roundTrip(r);
}

wb::threads::RecordingSettings withoutUnit(wb::threads::RecordingSettings settings)
{
    std::erase_if(settings, [](const auto &kv) { return kv.first == "unit"; });
    return settings;
}

// A recorded Python program on `Page`: nothing runs, the run bar says what it is and shows the
// program, the threads keep the program's names, saving again gives the same settings, the
// reopened recording draws the same pictures, and the next Run of a scenario works.
template <class Page> void checkPythonRecording()
{
    const wb::Recording r0 = pythonRecording();
    auto s1 = std::make_shared<ThreadsSession>();
    Page page(s1);
    page.resize(1100, 720);
    page.show();
    QString error;
    QVERIFY2(page.showRecording(r0, &error), qPrintable(error));
    settle();
    QVERIFY(!s1->isRunning());
    QVERIFY(s1->isPythonRecording());
    QCOMPARE(s1->threadTitle(2), QStringLiteral("adder"));
    QCOMPARE(s1->threadTitle(1), QStringLiteral("MainThread"));
    QCOMPARE(page.runBar()->selectedScenario(), QStringLiteral("python"));
    QVERIFY(!page.runBar()->canRun());
    QVERIFY2(page.runBar()->status().contains(QStringLiteral("Your Python program")),
             qPrintable(page.runBar()->status()));
    QCOMPARE(page.runBar()->pythonSource()->toPlainText(), QString::fromUtf8(kPythonScript));
    QVERIFY(page.runBar()->pythonSource()->isVisible());

    const wb::Recording r1 = roundTrip(page.recording());
    QVERIFY(withoutUnit(r1.settings) == r0.settings);
    QCOMPARE(r1.trace->size(), r0.trace->size());

    auto s2 = std::make_shared<ThreadsSession>();
    Page again(s2);
    again.resize(1100, 720);
    again.show();
    QVERIFY2(again.showRecording(r1, &error), qPrintable(error));
    QCOMPARE(again.runBar()->status(), page.runBar()->status());
    compareAtFivePositions(page, again);
    if (QTest::currentTestFailed())
        return;

    // The learner picks a scenario: Run starts it, and the program's entry is gone.
    again.runBar()->select("fetch-lock", 1, 3);
    QVERIFY(again.runBar()->canRun());
    again.runBar()->run();
    QTRY_VERIFY_WITH_TIMEOUT(!s2->isRunning(), 10000);
    QVERIFY(!s2->isPythonRecording());
    QCOMPARE(s2->scenario(), QStringLiteral("fetch-lock"));
    QCOMPARE(again.runBar()->selectedScenario(), QStringLiteral("fetch-lock"));
    QVERIFY(!again.runBar()->pythonSource()->isVisible());
    QCOMPARE(s2->threadTitle(2), QStringLiteral("Thread-2"));
    QCOMPARE(setting(again.recording(), "scenario"), std::string("fetch-lock"));
    QCOMPARE(setting(again.recording(), "source"), std::string("<absent>"));
}

} // namespace

class ThreadsRecordTest : public QObject
{
    Q_OBJECT
private slots:
    void timelineOfAChosenInterleavingReopensTheSame();
    void inspectorOfAPlaygroundRunReopensTheSame();
    void blockedTimeInMillisecondsReopensTheSame();
    void aRunKeptWhileGoingHoldsOnlyWhatWasShown();
    void damagedRecordingsAreRefused();
    void openingARecordingStartsNoThread();
    void pythonRecordingInTheTimeline() { checkPythonRecording<TimelinePage>(); }
    void pythonRecordingInTheInspector() { checkPythonRecording<InspectorPage>(); }
    void pythonRecordingInTheBlockedTime() { checkPythonRecording<BlockedPage>(); }
    void badPythonRecordingsAreRefused();
};

void ThreadsRecordTest::timelineOfAChosenInterleavingReopensTheSame()
{
    auto s1 = std::make_shared<ThreadsSession>();
    s1->showTrace(std::make_shared<wb::Trace>(), "condition"); // no opening example
    TimelinePage page(s1);
    page.resize(1100, 720);
    page.show();
    page.runBar()->select("condition", 2); // step, the learner chooses
    page.runBar()->run();
    chooseLastEveryTime(*s1, *page.runBar(), 1000);
    QVERIFY(!s1->isRunning());

    const wb::Recording r = roundTrip(page.recording());
    QCOMPARE(setting(r, "scenario"), std::string("condition"));
    QCOMPARE(setting(r, "mode"), std::string("manual"));
    QVERIFY(setting(r, "summary").find("produced=2") != std::string::npos);
    QCOMPARE(r.trace->size(), s1->trace()->size());

    auto s2 = std::make_shared<ThreadsSession>();
    TimelinePage again(s2);
    again.resize(1100, 720);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QVERIFY(!s2->isRunning());
    QVERIFY(s2->fromRecording());
    // The interleaving the learner chose, event for event.
    for (std::size_t i = 0; i < r.trace->size(); ++i) {
        QCOMPARE(s2->trace()->at(i).thread, s1->trace()->at(i).thread);
        QCOMPARE(s2->trace()->at(i).kind, s1->trace()->at(i).kind);
    }
    QCOMPARE(again.runBar()->status(), page.runBar()->status());
    compareAtFivePositions(page, again);
    if (QTest::currentTestFailed())
        return;

    // The learner's next Run works as ever.
    again.runBar()->select("fetch-lock", 1, 3);
    again.runBar()->run();
    QTRY_VERIFY_WITH_TIMEOUT(!s2->isRunning(), 10000);
    QVERIFY(!s2->fromRecording());
    QCOMPARE(s2->scenario(), QStringLiteral("fetch-lock"));
}

void ThreadsRecordTest::inspectorOfAPlaygroundRunReopensTheSame()
{
    auto s1 = std::make_shared<ThreadsSession>();
    s1->showTrace(std::make_shared<wb::Trace>(), "playground");
    InspectorPage page(s1);
    page.resize(1100, 720);
    page.show();
    const QString script = QStringLiteral("lock A\nsemaphore S 1\nT1: acquire A; acquire S; "
                                          "release S; release A\nT2: acquire S; acquire A; "
                                          "release A; release S\n");
    s1->setScript(script);
    page.runBar()->select("playground", 1, 5);
    page.runBar()->run();
    QTRY_VERIFY_WITH_TIMEOUT(!s1->isRunning(), 10000);
    const wb::Recording r = roundTrip(page.recording());
    QCOMPARE(setting(r, "script"), script.toStdString());
    QCOMPARE(setting(r, "seed"), std::string("5"));
    QCOMPARE(setting(r, "mode"), std::string("step"));
    // The script is the one that ran, whatever the editor holds since.
    s1->setScript(QStringLiteral("lock B\n"));
    QCOMPARE(setting(page.recording(), "script"), script.toStdString());
    s1->setScript(script);

    auto s2 = std::make_shared<ThreadsSession>();
    InspectorPage again(s2);
    again.resize(1100, 720);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QCOMPARE(s2->script(), script);
    QCOMPARE(again.runBar()->selectedScenario(), QStringLiteral("playground"));
    compareAtFivePositions(page, again);
    if (QTest::currentTestFailed())
        return;
}

void ThreadsRecordTest::blockedTimeInMillisecondsReopensTheSame()
{
    auto s1 = std::make_shared<ThreadsSession>();
    s1->showTrace(std::make_shared<wb::Trace>(), "fetch-lock");
    BlockedPage page(s1);
    page.resize(1100, 720);
    page.show();
    page.setWallTime(true);
    QVERIFY(s1->start("deadlock", RunMode::Free, 0)); // free: real threads
    QTRY_VERIFY_WITH_TIMEOUT(!s1->isRunning(), 10000);
    const wb::Recording r = roundTrip(page.recording());
    QCOMPARE(setting(r, "unit"), std::string("ms"));
    QCOMPARE(setting(r, "mode"), std::string("free"));

    auto s2 = std::make_shared<ThreadsSession>();
    BlockedPage again(s2);
    again.resize(1100, 720);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    compareAtFivePositions(page, again);
    if (QTest::currentTestFailed())
        return;

    // The same recording in the timeline (the unit is the blocked view's own).
    auto s3 = std::make_shared<ThreadsSession>();
    TimelinePage timeline(s3);
    QVERIFY2(timeline.showRecording(r, &error), qPrintable(error));
    QCOMPARE(s3->scenario(), QStringLiteral("deadlock"));
}

void ThreadsRecordTest::aRunKeptWhileGoingHoldsOnlyWhatWasShown()
{
    auto s1 = std::make_shared<ThreadsSession>();
    s1->showTrace(std::make_shared<wb::Trace>(), "queue");
    TimelinePage page(s1);
    page.resize(1100, 720);
    page.show();
    page.runBar()->select("queue", 2);
    page.runBar()->run();
    chooseLastEveryTime(*s1, *page.runBar(), 6);
    QVERIFY(s1->isRunning());
    const wb::Recording kept = page.recording();
    QCOMPARE(static_cast<qsizetype>(kept.trace->size()), s1->count());
    QVERIFY(kept.trace.get() != s1->trace()); // a copy: the run may still append
    QCOMPARE(setting(kept, "summary"), std::string("<absent>"));
    const wb::Recording r = roundTrip(kept);
    s1->shutdown();

    auto s2 = std::make_shared<ThreadsSession>();
    TimelinePage again(s2);
    again.resize(1100, 720);
    again.show();
    QString error;
    QVERIFY2(again.showRecording(r, &error), qPrintable(error));
    QVERIFY(again.runBar()->status().contains(QStringLiteral("still going")));
    QVERIFY(again.runBar()->choiceButtons().isEmpty());
    QCOMPARE(again.controller()->count(), static_cast<qsizetype>(r.trace->size()));
}

void ThreadsRecordTest::damagedRecordingsAreRefused()
{
    auto s1 = std::make_shared<ThreadsSession>();
    TimelinePage page(s1);
    page.resize(1100, 720);
    page.show();
    QVERIFY(s1->waitFinished(5000));
    const wb::Recording good = roundTrip(page.recording());
    settle();
    const QImage before = page.grab().toImage();
    const auto position = page.controller()->position();

    auto copyWith = [&](auto change) {
        auto trace = std::make_shared<wb::Trace>();
        for (std::size_t i = 0; i < good.trace->size(); ++i) {
            wb::Event e = good.trace->at(i);
            if (i == good.trace->size() / 2)
                change(e);
            trace->appendRecorded(std::move(e));
        }
        wb::Recording r = good;
        r.trace = trace;
        return r;
    };
    const wb::Recording unknownKind = copyWith([](wb::Event &e) { e.kind = "teleport"; });
    const wb::Recording missingField = copyWith([](wb::Event &e) { e.fields.clear(); });
    wb::Recording badSetting = good;
    badSetting.settings.emplace_back("mode", "sideways");
    wb::Recording noScenario = good;
    std::erase_if(noScenario.settings, [](const auto &kv) { return kv.first == "scenario"; });

    for (const wb::Recording &bad : {unknownKind, missingField, badSetting, noScenario}) {
        QString error;
        QVERIFY(!page.showRecording(bad, &error));
        QVERIFY2(error.size() > 20, qPrintable(error));
        QCOMPARE(s1->scenario(), QStringLiteral("fetch-nolock"));
        QCOMPARE(page.controller()->position(), position);
        settle();
        QVERIFY(page.grab().toImage() == before);
    }
    QString error;
    QVERIFY(!page.showRecording(unknownKind, &error));
    QVERIFY2(error.contains("teleport"), qPrintable(error));
}

void ThreadsRecordTest::openingARecordingStartsNoThread()
{
    // File > Open Recording creates the page, then hands it the recording at once: the
    // opening example the page would otherwise start must never start.
    wb::Recording r;
    {
        auto s1 = std::make_shared<ThreadsSession>();
        QVERIFY(s1->start("rlock", RunMode::StepSeeded, 2));
        QTRY_VERIFY_WITH_TIMEOUT(!s1->isRunning(), 10000);
        r = roundTrip(s1->recording());
    }
    auto s2 = std::make_shared<ThreadsSession>();
    TimelinePage page(s2);
    QString error;
    QVERIFY2(page.showRecording(r, &error), qPrintable(error));
    settle();
    QVERIFY(!s2->isRunning());
    QCOMPARE(s2->scenario(), QStringLiteral("rlock"));
    QCOMPARE(s2->trace()->size(), r.trace->size());
    QVERIFY(page.runBar()->status().contains(QStringLiteral("RuntimeError")));
}

void ThreadsRecordTest::badPythonRecordingsAreRefused()
{
    auto s1 = std::make_shared<ThreadsSession>();
    TimelinePage page(s1);
    page.resize(1100, 720);
    page.show();
    QVERIFY(s1->waitFinished(5000));
    settle();
    const QImage before = page.grab().toImage();
    const auto position = page.controller()->position();

    const wb::Recording good = pythonRecording();
    wb::Recording badSource = good;
    badSource.settings.front().second = "ruby";
    wb::Recording noScript = good;
    std::erase_if(noScript.settings, [](const auto &kv) { return kv.first == "script"; });
    wb::Recording withScenario = good;
    withScenario.settings.emplace_back("scenario", "fetch-lock");
    wb::Recording manual = good;
    for (auto &[key, value] : manual.settings)
        if (key == "mode")
            value = "manual";
    const std::vector<std::pair<wb::Recording, QString>> cases{
        {badSource, "ruby"}, {noScript, "script"}, {withScenario, "scenario"}, {manual, "manual"}};
    for (const auto &[bad, word] : cases) {
        QString error;
        QVERIFY(!page.showRecording(bad, &error));
        QVERIFY2(error.size() > 20 && error.contains(word), qPrintable(error));
        QVERIFY(!s1->isPythonRecording());
        QCOMPARE(s1->scenario(), QStringLiteral("fetch-nolock"));
        QCOMPARE(page.controller()->position(), position);
        QCOMPARE(page.runBar()->selectedScenario(), QStringLiteral("fetch-nolock"));
        settle();
        QVERIFY(page.grab().toImage() == before);
    }
}

QTEST_MAIN(ThreadsRecordTest)
#include "record_ui_test.moc"
