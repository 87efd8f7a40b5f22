// The messaging module's views, driven as a learner drives them: the odd/even scenario run to
// the end with exact counts in the rabbitmqctl tables, a consumer killed with deliveries in
// hand, a broker restart with durable and transient settings, stepping back and forth with
// the state consistent at every event, an unreachable RabbitMQ URL, stopping mid-run, and the
// topology drawn at 1,000 messages a second.
#include "ratesview.h"
#include "runpanel.h"
#include "session.h"
#include "topologyview.h"

#include "messaging/core/events.h"
#include "messaging/core/scenario.h"
#include "workbench/core/recording.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using namespace wb::messaging;
using namespace wb::messaging::ui;

namespace {

// How many of the seeded integers are odd: what `odds` must receive.
std::uint64_t oddCount(std::uint64_t count, std::uint64_t seed)
{
    std::uint64_t odd = 0;
    for (int n : oddEvenIntegers(count, seed))
        odd += n % 2;
    return odd;
}

// A run that publishes `count` integers as fast as the test allows.
LiveConfig quickRun(std::uint64_t count, std::uint64_t seed = 7)
{
    LiveConfig c = presetConfig("odd-even");
    c.count = count;
    c.seed = seed;
    c.rate = 1000;
    c.consumers = {{"odds", 0}, {"evens", 0}};
    return c;
}

// With WB_MESSAGING_SHOTS=<dir>, saves what the learner sees at this point (for reviewing).
void shot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("WB_MESSAGING_SHOTS");
    if (dir.isEmpty())
        return;
    if (w.height() < 300 || w.width() < 1000)
        w.resize(std::max(w.width(), 1200), w.height() < 200 ? w.height() : 760);
    w.show();
    QCoreApplication::processEvents();
    w.grab().save(dir + "/" + name + ".png");
}

// The position just after the first event of `kind` at or after `from`, or -1.
qint64 after(const wb::Trace &t, const std::string &kind, std::size_t from = 0)
{
    const auto i = t.findNext(kind, from);
    return i ? static_cast<qint64>(*i) + 1 : -1;
}

// Just after the last ack: the consumers are still subscribed (at the end they have left).
qint64 afterLastAck(const wb::Trace &t)
{
    const auto i = t.findPrevious("ack", t.size() - 1);
    return i ? static_cast<qint64>(*i) + 1 : 0;
}

// A fresh session that has not run its opening example.
std::shared_ptr<MessagingSession> freshSession(const LiveConfig &config, const QString &preset)
{
    auto s = std::make_shared<MessagingSession>();
    if (!s->start(config, preset))
        return nullptr;
    return s;
}

} // namespace

class MessagingUiTest : public QObject
{
    Q_OBJECT
private slots:
    void oddEvenRunGivesExactTables();
    void stoppedConsumerLeavesItsQueueGrowing();
    void killedConsumerMessagesAreRedelivered();
    void restartKeepsOnlyDurablePersistent_data();
    void restartKeepsOnlyDurablePersistent();
    void steppingKeepsTheStateConsistent();
    void variationsRouteAsTheirExchangeSays();
    void unreachableBrokerIsReportedWithoutBlocking();
    void shutdownMidRunNeverHangs();
    void topologyAggregatesAtAThousandPerSecond();
    void coloursKeepTheirContrastInBothPalettes();
    void recordingReopensPixelForPixel_data();
    void recordingReopensPixelForPixel();
    void recordingTakenMidRunIsASnapshot();
    void damagedRecordingIsRefused();
    void rabbitmqRecordingConnectsToNothing();
};

void MessagingUiTest::oddEvenRunGivesExactTables()
{
    auto session = freshSession(quickRun(60), "odd-even");
    QVERIFY(session);
    RatesPage rates(session);
    TopologyPage topology(session);
    rates.show(); // a page draws what it shows while it is visible
    QVERIFY(session->waitFinished(20000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 5000);
    session->controller()->toEnd();

    const std::uint64_t odd = oddCount(60, 7);
    const MessagingState s = session->stateAtCursor();
    QCOMPARE(s.totals.published, std::uint64_t{60});
    QCOMPARE(s.totals.routed, std::uint64_t{60});
    QCOMPARE(s.totals.acked, std::uint64_t{60});
    QCOMPARE(s.queues.at("odds").enqueued, odd);
    QCOMPARE(s.queues.at("evens").enqueued, 60 - odd);
    QCOMPARE(session->stateAt(afterLastAck(*session->trace())).consumers.at("odds-1").acked, odd);
    QVERIFY(s.consumers.empty()); // the run is over: every consumer has disconnected

    // list_queues at the end: everything consumed; the broker agrees with the replayed state.
    RowsModel *q = rates.queues();
    const int oddsRow = q->findRow("odds");
    QVERIFY(oddsRow >= 0);
    QCOMPARE(q->cell(oddsRow, 1), QStringLiteral("0"));
    QCOMPARE(q->cell(oddsRow, 2), QStringLiteral("0"));
    QCOMPARE(q->cell(oddsRow, 3), QStringLiteral("0")); // the consumers have left
    for (const auto &row : session->broker()->listQueues()) {
        const int r = q->findRow(QString::fromStdString(row.name));
        QVERIFY(r >= 0);
        QCOMPARE(q->cell(r, 1), QString::number(row.ready));
        QCOMPARE(q->cell(r, 2), QString::number(row.unacked));
    }
    session->controller()->seek(afterLastAck(*session->trace()));
    QCOMPARE(q->cell(q->findRow("odds"), 3), QStringLiteral("1"));
    session->controller()->toEnd();
    // list_exchanges has the default exchange, amq.* and integers (direct, durable).
    RowsModel *x = rates.exchanges();
    QCOMPARE(x->rowCount(), static_cast<int>(session->broker()->listExchanges().size()));
    QVERIFY(x->findRow(QString()) >= 0);
    QVERIFY(x->findRow("amq.topic") >= 0);
    const int integers = x->findRow("integers");
    QVERIFY(integers >= 0);
    QCOMPARE(x->cell(integers, 1), QStringLiteral("direct"));
    QCOMPARE(x->cell(integers, 2), QStringLiteral("true"));
    // list_bindings: the same rows the broker lists.
    RowsModel *b = rates.bindings();
    const auto brokerBindings = session->broker()->listBindings();
    QCOMPARE(b->rowCount(), static_cast<int>(brokerBindings.size()));
    bool oddBinding = false;
    for (int r = 0; r < b->rowCount(); ++r)
        oddBinding |=
            b->cell(r, 0) == "integers" && b->cell(r, 1) == "odds" && b->cell(r, 2) == "odd";
    QVERIFY(oddBinding);
    // The plot's depth series exist for both queues and the rates add up to the publishes.
    std::uint64_t published = 0;
    for (const auto &bucket : session->rates().buckets)
        published += bucket.published;
    QCOMPARE(published, std::uint64_t{60});
    QVERIFY(session->rates().depth.count("odds") && session->rates().depth.count("evens"));
    QVERIFY(topology.summaryText().contains(QStringLiteral("published 60")));
    shot(topology, "topology-end");
    shot(rates, "rates-end");
}

void MessagingUiTest::stoppedConsumerLeavesItsQueueGrowing()
{
    // Only the odd consumer runs: evens fills up exactly with the even integers.
    LiveConfig c = quickRun(30, 3);
    c.consumers = {{"odds", 0}};
    auto session = freshSession(c, "odd-even");
    QVERIFY(session);
    RatesPage rates(session);
    rates.show();
    QVERIFY(session->waitFinished(20000));
    session->controller()->toEnd();
    const std::uint64_t odd = oddCount(30, 3);
    RowsModel *q = rates.queues();
    const int evens = q->findRow("evens");
    QVERIFY(evens >= 0);
    QCOMPARE(q->cell(evens, 1), QString::number(30 - odd));
    QCOMPARE(q->cell(evens, 2), QStringLiteral("0"));
    QCOMPARE(q->cell(evens, 3), QStringLiteral("0"));
    QCOMPARE(q->cell(q->findRow("odds"), 1), QStringLiteral("0"));
    QCOMPARE(session->stateAtCursor().queues.at("evens").waiting.size(), 30 - odd);
}

void MessagingUiTest::killedConsumerMessagesAreRedelivered()
{
    // odds-1 works forever and holds three deliveries; odds-2 is fast.
    LiveConfig c = quickRun(20, 5);
    c.consumers = {{"odds", 60000}, {"odds", 0}, {"evens", 0}};
    c.prefetch = 3;
    auto session = freshSession(c, "kill-before-ack");
    QVERIFY(session);
    TopologyPage page(session);
    QTRY_VERIFY_WITH_TIMEOUT(
        session->stateAt(session->trace()->size()).consumer("odds-1") &&
            session->stateAt(session->trace()->size()).consumer("odds-1")->holding.size() == 3,
        10000);
    QTRY_COMPARE_WITH_TIMEOUT(session->stateAt(session->trace()->size()).totals.published,
                              std::uint64_t{20}, 10000);
    const auto held = session->stateAt(session->trace()->size()).consumer("odds-1")->holding;
    shot(page, "topology-before-kill");

    // The learner picks odds-1 and presses Kill.
    QTRY_VERIFY_WITH_TIMEOUT(page.consumerChoice()->findText("odds-1") >= 0, 5000);
    page.consumerChoice()->setCurrentIndex(page.consumerChoice()->findText("odds-1"));
    QVERIFY(page.killButton()->isEnabled());
    page.killButton()->click();
    QVERIFY(session->waitFinished(20000));
    session->controller()->toEnd();

    const MessagingState s = session->stateAtCursor();
    QCOMPARE(s.totals.requeued, std::uint64_t{3});
    QCOMPARE(s.totals.redelivered, std::uint64_t{3});
    QCOMPARE(s.totals.acked, std::uint64_t{20}); // nothing lost
    const MessagingState last = session->stateAt(afterLastAck(*session->trace()));
    QVERIFY(!last.consumer("odds-1"));
    QVERIFY(last.consumer("odds-2"));
    QCOMPARE(last.consumer("odds-2")->redelivered, std::uint64_t{3});
    // The requeued messages are the ones odds-1 held, in the same order.
    const wb::Trace &t = *session->trace();
    std::vector<std::uint64_t> requeued;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (const auto r = wb::as<events::Requeue>(t.at(i)))
            requeued.push_back(r->msg);
    std::sort(requeued.begin(), requeued.end());
    auto expected = held;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(requeued, expected);
    // Stepping to just after the first requeue shows the message back in odds, flagged.
    const qint64 at = after(t, "requeue");
    QVERIFY(at > 0);
    session->controller()->seek(at);
    const MessagingState back = session->stateAtCursor();
    QVERIFY(!back.moves.empty());
    QCOMPARE(back.moves.back().kind, MoveKind::Requeue);
    QCOMPARE(back.moves.back().consumer, std::string("odds-1"));
}

void MessagingUiTest::restartKeepsOnlyDurablePersistent_data()
{
    QTest::addColumn<bool>("durable");
    QTest::addColumn<bool>("persistent");
    QTest::newRow("durable queues, persistent messages") << true << true;
    QTest::newRow("durable queues, transient messages") << true << false;
    QTest::newRow("transient queues") << false << false;
}

void MessagingUiTest::restartKeepsOnlyDurablePersistent()
{
    QFETCH(bool, durable);
    QFETCH(bool, persistent);
    // Consumers that never finish: every integer is waiting (or held) when the broker dies.
    LiveConfig c = quickRun(16, 11);
    c.consumers = {{"odds", 60000}, {"evens", 60000}};
    c.prefetch = 1;
    c.durable = durable;
    c.persistent = persistent;
    auto session = freshSession(c, "restart-durable");
    QVERIFY(session);
    RatesPage rates(session);
    QTRY_COMPARE_WITH_TIMEOUT(session->stateAt(session->trace()->size()).totals.published,
                              std::uint64_t{16}, 10000);
    QVERIFY(session->restartBroker());
    const auto after = session->broker()->listQueues(); // before anyone reconnects
    const std::uint64_t odd = oddCount(16, 11);
    if (durable) {
        QCOMPARE(after.size(), std::size_t{2});
        for (const auto &q : after) {
            const std::uint64_t sent = q.name == "odds" ? odd : 16 - odd;
            QCOMPARE(q.ready, persistent ? sent : 0); // the held one is back too
            QCOMPARE(q.unacked, std::uint64_t{0});
        }
    } else {
        QVERIFY(after.empty());
    }
    // The replayed state just after the broker came back says the same.
    const wb::Trace &t = *session->trace();
    const auto recover = t.findNext("recover", 1);
    QVERIFY(recover);
    const MessagingState s = session->stateAt(static_cast<qint64>(*recover) + 1);
    QCOMPARE(s.restarts, std::uint64_t{1});
    QCOMPARE(s.queues.size(), after.size());
    for (const auto &q : after) {
        QCOMPARE(s.queues.at(q.name).ready, q.ready);
        QCOMPARE(s.queues.at(q.name).waiting.size(), q.ready);
        for (const auto &w : s.queues.at(q.name).waiting) // colours survive the renumbering
            QCOMPARE(w.routingKey, std::string(q.name == "odds" ? "odd" : "even"));
    }
    QVERIFY(s.consumers.empty());
    QCOMPARE(s.exchanges.count("integers"), std::size_t(durable ? 1 : 0));
    QVERIFY(s.exchanges.count("amq.direct"));
    if (persistent) {
        // The consumers notice, reconnect, declare again and subscribe.
        QTRY_VERIFY_WITH_TIMEOUT(session->stateAt(t.size()).consumers.size() == 2, 5000);
        session->stop();
    } else {
        // Nothing survived, so nothing is left to deliver: the run is over.
        QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 5000);
        QCOMPARE(session->stateAt(t.size()).totals.acked, std::uint64_t{0});
    }
    QVERIFY(!session->isRunning());
}

void MessagingUiTest::steppingKeepsTheStateConsistent()
{
    LiveConfig c = quickRun(40, 2);
    c.consumers = {{"odds", 5}, {"odds", 0}, {"evens", 5}};
    c.prefetch = 2;
    c.killFirstConsumerAfter = 20;
    auto session = freshSession(c, "kill-before-ack");
    QVERIFY(session);
    TopologyPage page(session);
    QVERIFY(session->waitFinished(20000));
    auto *ctl = session->controller();
    const qint64 n = ctl->count();
    QVERIFY(n > 200);
    // At every position: each queue's tokens match its ready count, each consumer holds
    // exactly its queue's unacked ones, and no message is in two places.
    for (qint64 p = 0; p <= n; ++p) {
        const MessagingState s = session->stateAt(p);
        for (const auto &[name, q] : s.queues) {
            QCOMPARE(q.waiting.size(), q.ready);
            std::uint64_t held = 0;
            for (const auto &[tag, cv] : s.consumers)
                if (cv.queue == name)
                    held += cv.holding.size();
            QCOMPARE(held, q.unacked);
        }
    }
    // Back and forth through the transport: the same state at the same position.
    ctl->seek(n / 2);
    const auto mid = session->stateAtCursor();
    ctl->toEnd();
    QCOMPARE(session->stateAtCursor().totals.acked, std::uint64_t{40});
    ctl->seek(n / 2);
    QCOMPARE(session->stateAtCursor().totals.published, mid.totals.published);
    QCOMPARE(session->stateAtCursor().queues.at("odds").ready, mid.queues.at("odds").ready);
    const auto published = mid.totals.published;
    ctl->stepBack();
    QCOMPARE(ctl->position(), n / 2 - 1);
    QVERIFY(session->stateAtCursor().totals.published <= published);
    ctl->stepForward();
    QCOMPARE(session->stateAtCursor().totals.published, published);
    // The source pane follows the broker's code for the event at the cursor.
    ctl->seek(after(*session->trace(), "route"));
    const auto lines = page.sourceHighlights();
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().fileName, QStringLiteral("broker.cpp"));
    shot(page, "topology-stepping");
}

void MessagingUiTest::variationsRouteAsTheirExchangeSays()
{
    struct Case
    {
        const char *preset;
        std::uint64_t routed; // queue copies for 20 integers
        std::uint64_t unroutable;
        std::uint64_t returned;
    };
    const std::uint64_t odd = oddCount(20, 4);
    std::uint64_t small = 0;
    for (int v : oddEvenIntegers(20, 4))
        small += v <= 50;
    const Case cases[] = {
        {"fanout", 40, 0, 0}, {"topic", 20 + small, 0, 0}, {"headers", 20 + small, 0, 0}};
    for (const Case &k : cases) {
        LiveConfig c = presetConfig(k.preset);
        c.count = 20;
        c.seed = 4;
        c.rate = 1000;
        for (auto &cs : c.consumers)
            cs.workMs = 0;
        auto session = freshSession(c, k.preset);
        QVERIFY(session);
        QVERIFY2(session->waitFinished(20000), k.preset);
        const MessagingState s = session->stateAt(session->trace()->size());
        QCOMPARE(s.totals.routed, k.routed);
        QCOMPARE(s.totals.acked, k.routed);
        if (std::string(k.preset) != "fanout")
            QCOMPARE(s.queues.at("odds").enqueued, odd);
    }
    // Publish before bind: the first five go nowhere; with mandatory they come back.
    for (bool mandatory : {false, true}) {
        LiveConfig c = presetConfig(mandatory ? "mandatory" : "publish-before-bind");
        c.count = 12;
        c.rate = 1000;
        auto session = freshSession(c, "publish-before-bind");
        QVERIFY(session);
        QVERIFY(session->waitFinished(20000));
        const MessagingState s = session->stateAt(session->trace()->size());
        QVERIFY(s.totals.unroutable >= 5);
        QCOMPARE(s.totals.unroutable + s.totals.routed, std::uint64_t{12});
        QCOMPARE(s.totals.returned, mandatory ? s.totals.unroutable : 0);
        QCOMPARE(session->returned(), s.totals.returned);
    }
}

void MessagingUiTest::unreachableBrokerIsReportedWithoutBlocking()
{
    auto session = std::make_shared<MessagingSession>();
    RunPanel panel(session);
    panel.brokerChoice()->setCurrentIndex(1);
    // Nothing listens on port 1: refused at once or, behind a firewall, a timeout.
    panel.urlEdit()->setText(QStringLiteral("amqp://guest:guest@127.0.0.1:1/"));
    QElapsedTimer clock;
    clock.start();
    panel.connectButton()->click();
    QCOMPARE(session->brokerStatus(), BrokerStatus::Connecting); // the click returned first
    QVERIFY(!panel.connectButton()->isEnabled());
    int ticks = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout, [&] { ++ticks; });
    tick.start(20);
    QTRY_VERIFY_WITH_TIMEOUT(session->brokerStatus() == BrokerStatus::Failed, 5000);
    QVERIFY(clock.elapsed() < 5000);
    QVERIFY(ticks > 0 || clock.elapsed() < 40); // the event loop kept running meanwhile
    const QString text = session->brokerText();
    QVERIFY2(text.contains(QStringLiteral("127.0.0.1:1")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("guest:guest")), qPrintable(text)); // no password
    QVERIFY(panel.brokerStatus()->text().contains(QStringLiteral("127.0.0.1:1")));
    QVERIFY(panel.connectButton()->isEnabled());
    panel.resize(1100, 110);
    shot(panel, "broker-failed");
    // Running against it is refused with that reason; the embedded broker still works.
    QString error;
    QVERIFY(!session->start(quickRun(1), "odd-even", &error));
    QVERIFY(error.contains(QStringLiteral("not connected")));
    panel.urlEdit()->setText(QStringLiteral("http://example.org/"));
    panel.connectButton()->click();
    QCOMPARE(session->brokerStatus(), BrokerStatus::Failed);
    QVERIFY(session->brokerText().startsWith(QStringLiteral("not a broker URL")));
    panel.brokerChoice()->setCurrentIndex(0);
    QCOMPARE(session->brokerStatus(), BrokerStatus::Embedded);
    QVERIFY(session->start(quickRun(4), "odd-even"));
    QVERIFY(session->waitFinished(10000));
}

void MessagingUiTest::shutdownMidRunNeverHangs()
{
    QElapsedTimer clock;
    clock.start();
    {
        LiveConfig c = presetConfig("kill-before-ack"); // slow consumers, no count
        auto session = freshSession(c, "kill-before-ack");
        QVERIFY(session);
        TopologyPage topology(session);
        RatesPage rates(session);
        QTest::qWait(400);
        QVERIFY(session->isRunning());
        topology.shutdown();
        QVERIFY(!session->isRunning());
        rates.shutdown(); // a second page's shutdown is harmless
        // A run started again and left running: destroying the pages ends it.
        QVERIFY(session->start(c, "kill-before-ack"));
        QTest::qWait(200);
    }
    QVERIFY2(clock.elapsed() < 10000, "stopping must not wait for the slow consumers");
}

void MessagingUiTest::topologyAggregatesAtAThousandPerSecond()
{
    LiveConfig c = quickRun(0, 9); // until stopped
    auto session = freshSession(c, "odd-even");
    QVERIFY(session);
    TopologyPage page(session);
    page.resize(1200, 760);
    page.show();
    QTest::qWait(1500);
    QVERIFY(session->atNewest());
    qint64 worst = 0, total = 0;
    int frames = 0, aggregated = 0;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 1000) {
        page.canvas()->repaint();
        const auto &st = page.canvas()->lastPaint();
        worst = std::max(worst, st.nanoseconds);
        total += st.nanoseconds;
        aggregated += st.aggregated > 0;
        ++frames;
        QTest::qWait(33);
    }
    const auto published = session->stateAt(session->trace()->size()).totals.published;
    shot(page, "topology-1000");
    session->stop();
    qInfo("1,000 msg/s: %llu published in %.1f s; %d frames, paint mean %.2f ms, worst %.2f ms; "
          "%d frames aggregated",
          static_cast<unsigned long long>(published), 2.5, frames,
          static_cast<double>(total) / frames / 1e6, static_cast<double>(worst) / 1e6, aggregated);
    // Too many tokens to draw one by one: every frame drew some edge as a stream.
    QVERIFY(aggregated > frames / 2);
    QVERIFY(page.canvas()->lastPaint().tokens < 200);
}

void MessagingUiTest::coloursKeepTheirContrastInBothPalettes()
{
    // Every colour the views draw text and lines with, against what it is drawn on, in the
    // light and the dark palette: at least 4.5:1.
    int checked = 0;
    QColor lightOdd;
    for (auto theme : {wb::ui::Theme::Dark, wb::ui::Theme::Light}) {
        wb::ui::applyTheme(*qApp, theme);
        const QPalette pal = QApplication::palette();
        for (const Ink &ink : messagingInks(pal)) {
            const double ratio = wb::ui::contrastRatio(ink.color, ink.background);
            QVERIFY2(ratio >= 4.5,
                     qPrintable(QStringLiteral("%1 palette: %2 (%3 on %4) is %5:1")
                                    .arg(theme == wb::ui::Theme::Dark ? "dark" : "light", ink.what,
                                         ink.color.name(), ink.background.name())
                                    .arg(ratio, 0, 'f', 2)));
            ++checked;
        }
        if (theme == wb::ui::Theme::Light) {
            // The check has teeth: the odd keys' token colour and the palette's Mid, drawn as
            // lines as they are, would not pass on the light Base.
            QVERIFY(wb::ui::contrastRatio(keyColor("odd"), pal.color(QPalette::Base)) < 4.5);
            QVERIFY(wb::ui::contrastRatio(pal.color(QPalette::Mid), pal.color(QPalette::Base)) <
                    4.5);
            lightOdd = keyLineColor("odd", pal);
        }
    }
    QVERIFY(checked > 40);
    // The colours are taken when painting: the dark palette's lines differ from the light's.
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Dark);
    QVERIFY(keyLineColor("odd", QApplication::palette()) != lightOdd);
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
}

// ---- recordings ------------------------------------------------------------------------------

namespace {

// A page of `view` on `session`, laid out at a fixed size and shown.
std::unique_ptr<wb::ui::SessionPage> pageOf(const QString &view,
                                            std::shared_ptr<MessagingSession> session)
{
    std::unique_ptr<wb::ui::SessionPage> page;
    if (view == "topology")
        page = std::make_unique<TopologyPage>(session);
    else
        page = std::make_unique<RatesPage>(session);
    page->resize(1180, 720);
    page->show();
    return page;
}

QImage grabAt(wb::ui::SessionPage &page, MessagingSession &session, qsizetype position)
{
    session.controller()->seek(position);
    QCoreApplication::processEvents(); // queued replots and repaints
    QCoreApplication::processEvents();
    return page.grab().toImage();
}

// `recording` through the file format and back.
wb::Recording roundTrip(wb::Recording recording, const std::string &view)
{
    recording.module = "messaging";
    recording.moduleVersion = "0.1.0";
    recording.view = view;
    const auto bytes = wb::encodeRecording(recording);
    return wb::decodeRecording(bytes);
}

// The trace of `from` with event `index` replaced by `damaged`.
std::shared_ptr<wb::Trace> withEvent(const wb::Trace &from, std::size_t index, wb::Event damaged)
{
    auto t = std::make_shared<wb::Trace>();
    for (std::size_t i = 0; i < from.size(); ++i)
        t->appendRecorded(i == index ? damaged : from.at(i));
    return t;
}

} // namespace

void MessagingUiTest::recordingReopensPixelForPixel_data()
{
    QTest::addColumn<QString>("view");
    QTest::newRow("topology") << QStringLiteral("topology");
    QTest::newRow("rates") << QStringLiteral("rates");
}

void MessagingUiTest::recordingReopensPixelForPixel()
{
    QFETCH(QString, view);
    LiveConfig c = quickRun(30, 11);
    c.consumers = {{"odds", 5}, {"evens", 5}};
    auto session = freshSession(c, "odd-even");
    QVERIFY(session);
    auto page = pageOf(view, session);
    QVERIFY(session->waitFinished(20000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning() && !session->isLive(), 5000);

    const wb::Recording back = roundTrip(page->recording(), view.toStdString());
    QCOMPARE(back.trace->size(), session->trace()->size());
    QCOMPARE(back.setting("broker"), std::string("embedded"));
    QCOMPARE(back.setting("count"), std::string("30"));
    QCOMPARE(back.setting("seed"), std::string("11"));
    QCOMPARE(back.setting("consumers"), std::string("odds:5,evens:5"));

    // A new page on a session of its own, as a second process would have: nothing runs.
    auto other = std::make_shared<MessagingSession>();
    auto reopened = pageOf(view, other);
    QString error;
    QVERIFY2(reopened->showRecording(back, &error), qPrintable(error));
    QCoreApplication::processEvents();
    QVERIFY(!other->isRunning());
    QVERIFY(!other->isLive());
    QVERIFY(other->broker() == nullptr); // no broker was made, no role started
    QCOMPARE(other->recordingSettings(), back.settings);
    QCOMPARE(other->position(), static_cast<qsizetype>(back.cursor));

    const qsizetype n = session->count();
    for (qsizetype at : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        const QImage a = grabAt(*page, *session, at), b = grabAt(*reopened, *other, at);
        if (a != b) {
            a.save(QStringLiteral("/tmp/messaging-rec-%1-%2-a.png").arg(view).arg(at));
            b.save(QStringLiteral("/tmp/messaging-rec-%1-%2-b.png").arg(view).arg(at));
        }
        QVERIFY2(
            a == b,
            qPrintable(QStringLiteral("%1 differs at step %2 of %3").arg(view).arg(at).arg(n)));
    }

    // The learner's next Run runs as usual.
    if (auto *topology = dynamic_cast<TopologyPage *>(reopened.get())) {
        topology->runPanel()->run();
        QVERIFY(other->isRunning());
        QVERIFY(other->waitFinished(20000));
    }
}

void MessagingUiTest::recordingTakenMidRunIsASnapshot()
{
    auto session = freshSession(quickRun(0, 3), "odd-even"); // until stopped
    QVERIFY(session);
    TopologyPage page(session);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(session->count() > 20, 5000);
    wb::Recording r = page.recording();
    r.module = "messaging";
    r.view = "topology";
    const std::size_t kept = r.trace->size();
    QVERIFY(kept <= static_cast<std::size_t>(session->count()));
    QTest::qWait(150);
    QVERIFY(session->trace()->size() > kept); // the run went on
    QCOMPARE(r.trace->size(), kept);          // the recording did not
    QVERIFY(r.cursor <= kept);
    const auto bytes = wb::encodeRecording(r);
    QCOMPARE(wb::decodeRecording(bytes).trace->size(), kept);

    // Showing a recording stops the run without waiting for it on this thread.
    QElapsedTimer clock;
    clock.start();
    QString error;
    QVERIFY2(page.showRecording(r, &error), qPrintable(error));
    QVERIFY(clock.elapsed() < 1000);
    QVERIFY(!session->isRunning());
    QVERIFY(!session->isLive());
    QCOMPARE(session->trace()->size(), kept);
}

void MessagingUiTest::damagedRecordingIsRefused()
{
    auto session = freshSession(quickRun(8, 5), "odd-even");
    QVERIFY(session);
    TopologyPage page(session);
    page.show();
    QVERIFY(session->waitFinished(20000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 5000);
    const wb::Recording good = roundTrip(page.recording(), "topology");
    session->controller()->seek(3);
    const wb::Trace *before = session->trace();

    auto refused = [&](wb::Recording r, const QString &what) {
        QString error;
        QVERIFY2(!page.showRecording(r, &error), qPrintable(what));
        QVERIFY2(!error.isEmpty() && error.size() < 300, qPrintable(error));
        QCOMPARE(session->trace(), before); // the page is as it was
        QCOMPARE(session->position(), qsizetype(3));
    };
    // An event of a kind the views do not know.
    const std::size_t publish = *good.trace->findNext("publish", 0);
    wb::Event unknown = good.trace->at(publish);
    unknown.kind = "telepathy";
    wb::Recording r = good;
    r.trace = withEvent(*good.trace, publish, unknown);
    refused(r, "an unknown kind");
    // A publish without its routing key.
    wb::Event missing = good.trace->at(publish);
    std::erase_if(missing.fields, [](const wb::Field &f) { return f.key == "routing_key"; });
    QCOMPARE(missing.fields.size() + 1, good.trace->at(publish).fields.size());
    r.trace = withEvent(*good.trace, publish, missing);
    refused(r, "a missing field");
    // Settings the views cannot take.
    for (auto [key, value] :
         {std::pair{"exchange-type", "telepathic"}, std::pair{"broker", "x"},
          std::pair{"count", "-4"}, std::pair{"preset", "nope"}, std::pair{"consumers", "odds"}}) {
        r = good;
        for (auto &[k, v] : r.settings)
            if (k == key)
                v = value;
        refused(r, QString::fromLatin1(key));
    }
}

void MessagingUiTest::rabbitmqRecordingConnectsToNothing()
{
    auto session = freshSession(quickRun(6, 2), "odd-even");
    QVERIFY(session);
    TopologyPage page(session);
    QVERIFY(session->waitFinished(20000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 5000);
    wb::Recording r = page.recording();
    for (auto &[k, v] : r.settings)
        if (k == "broker")
            v = "rabbitmq";
    // A URL with a password (a hand-made file): the password is never taken up.
    r.settings.emplace_back("url", "amqp://alice:secret@broker.invalid:5672/");
    QString error;
    QVERIFY2(page.showRecording(r, &error), qPrintable(error));
    QCOMPARE(session->brokerStatus(), BrokerStatus::Recorded);
    QVERIFY(!session->isEmbedded());
    QVERIFY(!session->isRunning());
    QCOMPARE(page.runPanel()->brokerChoice()->currentIndex(), 1);
    QCOMPARE(page.runPanel()->urlEdit()->text(), QStringLiteral("amqp://broker.invalid:5672/"));
    const auto saved = page.recording().settings;
    QVERIFY(std::find(saved.begin(), saved.end(),
                      std::pair<std::string, std::string>("url", "amqp://broker.invalid:5672/")) !=
            saved.end());
    for (const auto &[k, v] : saved)
        QVERIFY2(v.find("secret") == std::string::npos && v.find("alice") == std::string::npos,
                 v.c_str());
    // Run asks for a connected broker first; choosing the embedded one runs again.
    page.runPanel()->run();
    QVERIFY(!session->isRunning());
    page.runPanel()->brokerChoice()->setCurrentIndex(0);
    page.runPanel()->run();
    QVERIFY(session->isRunning());
    QVERIFY(session->waitFinished(20000));
}

QTEST_MAIN(MessagingUiTest)
#include "ui_test.moc"
