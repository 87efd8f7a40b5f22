// The session layer: a trace shown or followed while another thread records into it, the
// state at the cursor rebuilt when the trace is replaced, and a page that redraws only while
// it is visible and only when what it shows changed.
#include "workbench/ui/session.h"
#include "workbench/ui/stepcontroller.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <thread>

namespace {

std::shared_ptr<wb::Trace> traceOf(int n)
{
    auto t = std::make_shared<wb::Trace>();
    for (int i = 0; i < n; ++i)
        t->add("add", "add " + std::to_string(i + 1), {{"value", i + 1}});
    return t;
}

// The state after a prefix: the sum of the values, and how many events were applied.
struct Sum
{
    std::int64_t total = 0;
    int applied = 0;
};

void applySum(Sum &s, const wb::Event &e)
{
    s.total += e.intField("value", -1000000);
    ++s.applied;
}

class CountingPage : public wb::ui::SessionPage
{
public:
    using SessionPage::SessionPage;
    int refreshes = 0;
    qsizetype shownPosition = -1;

protected:
    void refresh() override
    {
        ++refreshes;
        shownPosition = traceSession()->position();
    }
};

// A page that keeps its run in recordings: its setting is the colour it draws with, and it
// draws the sum at the cursor as a bar.
class RecordingPage : public wb::ui::SessionPage
{
public:
    explicit RecordingPage(std::shared_ptr<wb::ui::TraceSession> s)
        : SessionPage(std::move(s)), m_state(*traceSession(), applySum)
    {
        resize(240, 80);
    }
    QString colour = QStringLiteral("#336699");

protected:
    void refresh() override { update(); }
    bool keepsRecordings() const override { return true; }
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), Qt::white);
        p.fillRect(QRect(0, 20, static_cast<int>(m_state.atCursor().total) * 2, 40),
                   QColor(colour));
    }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override
    {
        return {{"colour", colour.toStdString()}};
    }
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override
    {
        for (const auto &[k, v] : settings)
            if (k == "colour") {
                if (!QColor::isValidColorName(QString::fromStdString(v))) {
                    *error = QStringLiteral("not a colour");
                    return false;
                }
                colour = QString::fromStdString(v);
            }
        return true;
    }
    bool acceptsEvent(const wb::Event &e) const override
    {
        return e.kind == "add" && e.intField("value", -1) >= 0;
    }

private:
    wb::ui::SessionState<Sum> m_state;
};

// Waits until `done` holds, serving the event loop (the session polls on a timer).
template <class F> bool waitFor(F done, int ms = 5000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < ms)
        QTest::qWait(10);
    return done();
}

} // namespace

class SessionTest : public QObject
{
    Q_OBJECT
private slots:
    void showPutsTheCursorWhereAsked()
    {
        wb::ui::TraceSession s;
        QSignalSpy replaced(&s, &wb::ui::TraceSession::traceReplaced);
        s.show(traceOf(10), 4);
        QCOMPARE(s.position(), 4);
        QCOMPARE(s.count(), 10);
        QCOMPARE(replaced.count(), 1);
        QVERIFY(!s.isLive());
        QVERIFY(!s.atNewest());
        s.show(traceOf(3), 99); // clamped
        QCOMPARE(s.position(), 3);
        s.show(nullptr);
        QCOMPARE(s.count(), 0);
        QCOMPARE(s.trace(), nullptr);
    }

    void stateFollowsTheCursorAndTheTrace()
    {
        wb::ui::TraceSession s;
        wb::ui::SessionState<Sum> state(s, applySum, Sum{}, 4);
        QCOMPARE(state.atCursor().applied, 0); // no trace yet: the initial state
        s.show(traceOf(10), 10);
        QCOMPARE(state.atCursor().total, 55);
        s.controller()->seek(3);
        QCOMPARE(state.atCursor().total, 6);
        QCOMPARE(state.at(7).total, 28);
        QCOMPARE(state.at(2).applied, 2);
        // A new trace: the old one's snapshots must not leak into it.
        auto other = std::make_shared<wb::Trace>();
        for (int i = 0; i < 6; ++i)
            other->add("add", "", {{"value", 100}});
        s.show(other, 6);
        QCOMPARE(state.atCursor().total, 600);
        QCOMPARE(state.at(2).total, 200);
    }

    void aFollowedTraceIsFollowedUntilTheLearnerStepsBack()
    {
        wb::ui::TraceSession s;
        auto trace = std::make_shared<wb::Trace>();
        std::atomic<bool> more{true};
        std::atomic<int> written{0};
        s.follow(trace, 10);
        QVERIFY(s.isLive());
        QSignalSpy grew(&s, &wb::ui::TraceSession::traceGrew);
        std::thread writer([&] {
            for (int i = 0; i < 200 && more; ++i) {
                trace->add("add", "", {{"value", 1}});
                ++written;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        QVERIFY(waitFor([&] { return s.count() >= 20 && s.position() >= 20; }));
        QVERIFY(s.atNewest());
        QVERIFY(grew.count() > 0);
        // Stepping back leaves the cursor where the learner put it while the trace grows.
        s.controller()->seek(5);
        QVERIFY(!s.atNewest());
        const qsizetype before = s.count();
        QVERIFY(waitFor([&] { return s.count() > before + 10; }));
        QCOMPARE(s.position(), 5);
        // End follows again.
        s.controller()->toEnd();
        QVERIFY(s.atNewest());
        more = false;
        writer.join();
        s.finishFollowing();
        QVERIFY(!s.isLive());
        QCOMPARE(s.count(), written.load());
        QCOMPARE(s.position(), s.count());
    }

    void followingATraceThatHasEventsOpensAtTheNewest()
    {
        wb::ui::TraceSession s;
        auto trace = traceOf(5);
        s.follow(trace, 10);
        QCOMPARE(s.position(), 5);
        QVERIFY(s.atNewest());
        trace->add("add", "", {{"value", 1}});
        QVERIFY(waitFor([&] { return s.position() == 6; }));
        s.finishFollowing();
    }

    void pollSourcesRunsOnEveryLivePoll()
    {
        struct Polled : wb::ui::TraceSession
        {
            int polls = 0;
            void pollSources() override { ++polls; }
        } s;
        s.follow(traceOf(1), 10);
        QVERIFY(waitFor([&] { return s.polls >= 3; }));
        s.finishFollowing();
        const int after = s.polls;
        QTest::qWait(60);
        QCOMPARE(s.polls, after); // no polling once the recording has ended
    }

    void aPageRefreshesWhileVisibleAndCatchesUpWhenShown()
    {
        auto session = std::make_shared<wb::ui::TraceSession>();
        CountingPage page(session);
        page.resize(200, 100);
        session->show(traceOf(10), 0);
        QCOMPARE(page.refreshes, 0); // hidden: nothing drawn
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.refreshes, 1);
        QCOMPARE(page.shownPosition, 0);
        session->controller()->stepForward();
        QCOMPARE(page.refreshes, 2);
        QCOMPARE(page.shownPosition, 1);
        // Replacing the trace redraws once, not once per signal.
        session->show(traceOf(4), 2);
        QCOMPARE(page.refreshes, 3);
        QCOMPARE(page.shownPosition, 2);
        page.hide();
        session->controller()->stepForward();
        session->controller()->stepForward();
        QCOMPARE(page.refreshes, 3);
        page.show();
        QCOMPARE(page.refreshes, 4);
        QCOMPARE(page.shownPosition, 4);
        QCOMPARE(page.controller(), session->controller());
    }

    void aRecordingShowsTheSamePicturesAtEveryStep()
    {
        auto session = std::make_shared<wb::ui::TraceSession>();
        RecordingPage original(session);
        original.colour = QStringLiteral("#aa3300");
        session->show(traceOf(12), 7);
        original.show();
        QVERIFY(QTest::qWaitForWindowExposed(&original));
        // Through the file format, as a learner's file would come.
        wb::Recording r = original.recording();
        QCOMPARE(r.cursor, 7u);
        r.module = "fixture";
        const wb::Recording back = wb::decodeRecording(wb::encodeRecording(r));

        RecordingPage opened(std::make_shared<wb::ui::TraceSession>());
        opened.show();
        QString error;
        QVERIFY2(opened.showRecording(back, &error), qPrintable(error));
        QCOMPARE(opened.colour, QStringLiteral("#aa3300"));
        QCOMPARE(opened.traceSession()->position(), 7);
        for (qsizetype p : {0, 1, 5, 7, 12}) {
            session->controller()->seek(p);
            opened.traceSession()->controller()->seek(p);
            QCOMPARE(opened.grab().toImage(), original.grab().toImage());
        }
    }

    void aRecordingWithAnUnknownEventIsRefusedWhole()
    {
        auto trace = traceOf(5);
        trace->add("format_disk", "not this view's", {});
        wb::Recording r;
        r.trace = trace;
        r.settings = {{"colour", "#010203"}};
        RecordingPage page(std::make_shared<wb::ui::TraceSession>());
        page.traceSession()->show(traceOf(2), 1);
        QString error;
        QVERIFY(!page.showRecording(r, &error));
        QVERIFY2(error.contains("event 6"), qPrintable(error));
        QCOMPARE(page.colour, QStringLiteral("#336699")); // nothing applied
        QCOMPARE(page.traceSession()->count(), 2);
        // A setting the page cannot take is refused too.
        r.trace = traceOf(3);
        r.settings = {{"colour", "no-such-colour"}};
        QVERIFY(!page.showRecording(r, &error));
        QCOMPARE(page.traceSession()->count(), 2);
    }

    void aPageThatKeepsNoRecordingsSaysSo()
    {
        auto session = std::make_shared<wb::ui::TraceSession>();
        CountingPage page(session);
        session->show(traceOf(3), 1);
        QVERIFY(!page.recording().trace);
        wb::Recording r;
        r.trace = traceOf(2);
        QString error;
        QVERIFY(!page.showRecording(r, &error));
        QVERIFY2(error.contains("does not show recordings"), qPrintable(error));
        QCOMPARE(session->count(), 3);
    }

    void pagesOfOneModuleShareOneSession()
    {
        wb::ui::SharedSession<wb::ui::TraceSession> shared;
        auto a = shared.get();
        auto b = shared.get();
        QCOMPARE(a.get(), b.get());
        a.reset();
        b.reset();
        auto c = shared.get(); // the last holder went away: a fresh session
        QVERIFY(c);
        QCOMPARE(c->count(), 0);
    }
};

QTEST_MAIN(SessionTest)
#include "session_test.moc"
