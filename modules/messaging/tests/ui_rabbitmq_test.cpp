// The messaging module's views against a real RabbitMQ node: the private node CTest starts
// (WB_RABBITMQ_URL). The learner connects through the run panel, runs the odd/even scenario
// and reads the totals and tables; a consumer killed with deliveries in hand has them
// redelivered to the other consumer of its queue; stopping mid-run returns promptly.
// Every run uses an exchange and queues named for this process, deleted at the end, so other
// tests on the node never see them. Without WB_RABBITMQ_URL the test is skipped (exit 77).
#include "ratesview.h"
#include "runpanel.h"
#include "session.h"
#include "topologyview.h"

#include "messaging/core/client.h"
#include "messaging/core/events.h"
#include "messaging/core/scenario.h"
#include "workbench/core/event_contract.h"
#include "workbench/core/recording.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace wb::messaging;
using namespace wb::messaging::ui;

namespace {

std::uint64_t oddCount(std::uint64_t count, std::uint64_t seed)
{
    std::uint64_t odd = 0;
    for (int n : oddEvenIntegers(count, seed))
        odd += n % 2;
    return odd;
}

// Just after the last ack: the consumers are still subscribed.
qint64 afterLastAck(const wb::Trace &t)
{
    const auto i = t.findPrevious("ack", t.size() - 1);
    return i ? static_cast<qint64>(*i) + 1 : 0;
}

} // namespace

class MessagingRabbitUiTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void panelConnectsWithoutShowingThePassword();
    void oddEvenRunGivesExactTables();
    void recordingKeepsNoPasswordAndReopensWithoutConnecting();
    void killedConsumerMessagesAreRedelivered();
    void shutdownMidRunIsPrompt();

private:
    // A session connected to the node (through its own connect check).
    std::shared_ptr<MessagingSession> connectedSession();
    // The odd/even preset on this process's exchange and queues, as fast as the node takes it.
    LiveConfig oddEven(std::uint64_t count, std::uint64_t seed) const;
    // Deletes this process's queues and exchange on the node.
    void deleteOurs();

    QString m_url;
    std::string m_prefix;
};

void MessagingRabbitUiTest::initTestCase()
{
    m_url = qEnvironmentVariable("WB_RABBITMQ_URL");
    m_prefix = "wb-ui-" + std::to_string(QCoreApplication::applicationPid()) + ".";
    deleteOurs(); // a process with the same id may have left some behind
}

void MessagingRabbitUiTest::cleanupTestCase()
{
    deleteOurs();
    // Gone from the node: a passive declare of each is 404 NOT_FOUND.
    const auto url = BrokerUrl::parse(m_url.toStdString());
    QVERIFY(url);
    auto conn = connectTo(*url);
    for (const auto &q : queuesFor(ExchangeType::Direct)) {
        auto ch = conn->openChannel();
        QueueFlags passive;
        passive.passive = true;
        try {
            ch->queueDeclare(m_prefix + q.name, passive);
            QFAIL(qPrintable(QString::fromStdString(m_prefix + q.name) + " is still there"));
        } catch (const AmqpError &e) {
            QCOMPARE(e.code(), 404);
        }
    }
    conn->close();
}

void MessagingRabbitUiTest::deleteOurs()
{
    const auto url = BrokerUrl::parse(m_url.toStdString());
    QVERIFY(url);
    auto conn = connectTo(*url);
    auto ch = conn->openChannel();
    for (const auto &q : queuesFor(ExchangeType::Topic)) // odds, evens and smalls
        ch->queueDelete(m_prefix + q.name);
    ch->exchangeDelete(m_prefix + "integers");
    ch->close();
    conn->close();
}

std::shared_ptr<MessagingSession> MessagingRabbitUiTest::connectedSession()
{
    auto s = std::make_shared<MessagingSession>();
    s->connectToUrl(m_url);
    if (!QTest::qWaitFor([&] { return s->brokerStatus() != BrokerStatus::Connecting; }, 6000) ||
        s->brokerStatus() != BrokerStatus::Connected) {
        qWarning("not connected: %s", qPrintable(s->brokerText()));
        return nullptr;
    }
    return s;
}

LiveConfig MessagingRabbitUiTest::oddEven(std::uint64_t count, std::uint64_t seed) const
{
    LiveConfig c = presetConfig("odd-even");
    c.exchange = m_prefix + "integers";
    c.queuePrefix = m_prefix;
    c.count = count;
    c.seed = seed;
    c.rate = 500;
    c.consumers = {{"odds", 0}, {"evens", 0}};
    return c;
}

void MessagingRabbitUiTest::panelConnectsWithoutShowingThePassword()
{
    auto session = std::make_shared<MessagingSession>();
    RunPanel panel(session);
    panel.brokerChoice()->setCurrentIndex(1);
    panel.urlEdit()->setText(m_url);
    panel.connectButton()->click();
    QCOMPARE(session->brokerStatus(), BrokerStatus::Connecting);
    QTRY_VERIFY_WITH_TIMEOUT(session->brokerStatus() != BrokerStatus::Connecting, 6000);
    QCOMPARE(session->brokerStatus(), BrokerStatus::Connected);
    const auto url = BrokerUrl::parse(m_url.toStdString());
    QVERIFY(url);
    const QString text = panel.brokerStatus()->text();
    QVERIFY2(text.contains(QString::fromStdString(url->host)), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral(":guest@")), qPrintable(text));
    QVERIFY(!session->isEmbedded());
    QVERIFY(!session->broker()); // no embedded broker behind a RabbitMQ run
}

void MessagingRabbitUiTest::recordingKeepsNoPasswordAndReopensWithoutConnecting()
{
    auto session = connectedSession();
    QVERIFY(session);
    TopologyPage topology(session);
    topology.resize(1180, 720);
    topology.show();
    QVERIFY(session->start(oddEven(16, 3), "odd-even"));
    QVERIFY(session->waitFinished(30000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning() && !session->isLive(), 5000);

    wb::Recording r = topology.recording();
    r.module = "messaging";
    r.view = "topology";
    const wb::Recording back = wb::decodeRecording(wb::encodeRecording(r));
    QCOMPARE(back.setting("broker"), std::string("rabbitmq"));
    const auto url = BrokerUrl::parse(m_url.toStdString());
    QVERIFY(url);
    QCOMPARE(back.setting("url"), url->anonymous());
    QCOMPARE(back.setting("exchange"), m_prefix + "integers");
    QCOMPARE(back.setting("queue-prefix"), m_prefix);
    for (const auto &[k, v] : back.settings)
        QVERIFY2(v.find(url->password) == std::string::npos &&
                     v.find(url->user + "@") == std::string::npos,
                 (k + "=" + v).c_str());

    // Reopened on a session that never connected: nothing connects, nothing runs, and the
    // drawing at every position is the one the live session drew.
    auto other = std::make_shared<MessagingSession>();
    TopologyPage reopened(other);
    reopened.resize(1180, 720);
    reopened.show();
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QCOMPARE(other->brokerStatus(), BrokerStatus::Recorded);
    QVERIFY(!other->isRunning());
    QVERIFY(!other->isEmbedded());
    // The run panels say different things of the broker (connected / recorded, not
    // connected), which may wrap differently: the drawings are compared at one size.
    topology.canvas()->setFixedSize(1100, 480);
    reopened.canvas()->setFixedSize(1100, 480);
    const qsizetype n = session->count();
    for (qsizetype at : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        session->controller()->seek(at);
        other->controller()->seek(at);
        QCoreApplication::processEvents();
        QCOMPARE(reopened.canvas()->grab().toImage(), topology.canvas()->grab().toImage());
        QCOMPARE(reopened.summaryText(), topology.summaryText());
    }
}

void MessagingRabbitUiTest::oddEvenRunGivesExactTables()
{
    auto session = connectedSession();
    QVERIFY(session);
    RatesPage rates(session);
    TopologyPage topology(session);
    rates.show(); // a page draws what it shows while it is visible
    QVERIFY(session->start(oddEven(60, 7), "odd-even"));
    QVERIFY(session->waitFinished(30000));
    QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 5000);
    QVERIFY2(session->runError().isEmpty(), qPrintable(session->runError()));
    session->controller()->toEnd();

    const std::string odds = m_prefix + "odds", evens = m_prefix + "evens";
    const std::uint64_t odd = oddCount(60, 7);
    QVERIFY(odd > 0 && odd < 60);
    const MessagingState s = session->stateAtCursor();
    QCOMPARE(s.totals.published, std::uint64_t{60});
    QCOMPARE(s.totals.delivered, std::uint64_t{60});
    QCOMPARE(s.totals.acked, std::uint64_t{60});
    QCOMPARE(s.totals.redelivered, std::uint64_t{0});
    QCOMPARE(s.queues.at(odds).delivered, odd);
    QCOMPARE(s.queues.at(odds).acked, odd);
    QCOMPARE(s.queues.at(evens).acked, 60 - odd);
    const MessagingState last = session->stateAt(afterLastAck(*session->trace()));
    QVERIFY(last.consumer("odds-1") && last.consumer("evens-2"));
    QCOMPARE(last.consumer("odds-1")->acked, odd);
    QCOMPARE(last.consumer("evens-2")->acked, 60 - odd);
    // Every integer went to the queue of its parity, and every event the roles recorded is
    // one events.h declares, field for field.
    const wb::Trace &t = *session->trace();
    for (std::size_t i = 0; i < t.size(); ++i)
        QCOMPARE(wb::contract::roundTripMismatch<events::MessagingEvents>(t.at(i)), std::string());
    for (std::size_t i = 0; i < t.size(); ++i)
        if (const auto d = wb::as<events::Deliver>(t.at(i))) {
            const int n = QString::fromStdString(t.at(i).label).section(' ', 1, 1).toInt();
            QVERIFY(n >= 1 && n <= 100);
            QCOMPARE(d->queue, n % 2 ? odds : evens);
        }

    // list_queues: both drained, as the node reported after the last ack.
    RowsModel *q = rates.queues();
    for (const auto &name : {odds, evens}) {
        const int row = q->findRow(QString::fromStdString(name));
        QVERIFY2(row >= 0, name.c_str());
        QCOMPARE(q->cell(row, 1), QStringLiteral("0"));
        QCOMPARE(q->cell(row, 4), QStringLiteral("true"));
    }
    // The node agrees: a passive declare finds both queues empty.
    {
        auto conn = connectTo(*BrokerUrl::parse(m_url.toStdString()));
        auto ch = conn->openChannel();
        QueueFlags passive;
        passive.passive = true;
        QCOMPARE(ch->queueDeclare(odds, passive).messageCount, std::uint32_t{0});
        QCOMPARE(ch->queueDeclare(evens, passive).messageCount, std::uint32_t{0});
        conn->close();
    }
    // list_exchanges and list_bindings: what the session declared.
    RowsModel *x = rates.exchanges();
    const int integers = x->findRow(QString::fromStdString(m_prefix + "integers"));
    QVERIFY(integers >= 0);
    QCOMPARE(x->cell(integers, 1), QStringLiteral("direct"));
    QCOMPARE(x->cell(integers, 2), QStringLiteral("true"));
    QCOMPARE(x->cell(integers, 3), QStringLiteral("false"));
    RowsModel *b = rates.bindings();
    bool oddBinding = false;
    for (int r = 0; r < b->rowCount(); ++r)
        oddBinding |= b->cell(r, 0).toStdString() == m_prefix + "integers" &&
                      b->cell(r, 1).toStdString() == odds && b->cell(r, 2) == "odd";
    QVERIFY(oddBinding);
    std::uint64_t published = 0;
    for (const auto &bucket : session->rates().buckets)
        published += bucket.published;
    QCOMPARE(published, std::uint64_t{60});
    QVERIFY2(topology.summaryText().contains(QStringLiteral("published 60")),
             qPrintable(topology.summaryText()));
}

void MessagingRabbitUiTest::killedConsumerMessagesAreRedelivered()
{
    // odds-1 works for a minute on each integer and the node gives it three (prefetch 3);
    // odds-2 is fast and takes every other odd one. A client records a delivery when it reads
    // it, so the trace shows odds-1 holding one integer while two more wait in its socket.
    LiveConfig c = oddEven(20, 5);
    c.consumers = {{"odds", 60000}, {"odds", 0}, {"evens", 0}};
    c.prefetch = 3;
    QVERIFY(oddCount(20, 5) >= 6); // enough odd integers for odds-1 to fill its prefetch
    auto session = connectedSession();
    QVERIFY(session);
    TopologyPage page(session);
    QVERIFY(session->start(c, "kill-before-ack"));
    const auto now = [&] {
        return session->stateAt(session->trace()->size());
    };
    QTRY_COMPARE_WITH_TIMEOUT(now().totals.published, std::uint64_t{20}, 15000);
    // Everything but odds-1's three is acked; it has read one of them.
    QTRY_COMPARE_WITH_TIMEOUT(now().totals.acked, std::uint64_t{17}, 15000);
    QVERIFY(now().consumer("odds-1"));
    QCOMPARE(now().consumer("odds-1")->holding.size(), std::size_t{1});
    const std::uint64_t inHand = now().consumer("odds-1")->holding.front();

    // The learner picks odds-1 and presses Kill.
    QTRY_VERIFY_WITH_TIMEOUT(page.consumerChoice()->findText("odds-1") >= 0, 5000);
    page.consumerChoice()->setCurrentIndex(page.consumerChoice()->findText("odds-1"));
    QVERIFY(page.killButton()->isEnabled());
    page.killButton()->click();
    QVERIFY(session->waitFinished(30000));
    QVERIFY2(session->runError().isEmpty(), qPrintable(session->runError()));
    session->controller()->toEnd();

    // The node requeued all three with redelivered set and odds-2 acked them: nothing lost.
    const MessagingState s = session->stateAtCursor();
    QCOMPARE(s.totals.acked, std::uint64_t{20});
    QCOMPARE(s.totals.redelivered, std::uint64_t{3});
    QCOMPARE(s.totals.delivered, std::uint64_t{21}); // 20 read once, and odds-1's one again
    const MessagingState last = session->stateAt(afterLastAck(*session->trace()));
    QVERIFY(last.consumer("odds-2"));
    QCOMPARE(last.consumer("odds-2")->redelivered, std::uint64_t{3});
    QVERIFY(!last.consumer("odds-1")); // gone with its connection
    // The redelivered integers are odd, different, and include the one odds-1 had in hand.
    const wb::Trace &t = *session->trace();
    std::vector<std::uint64_t> again;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (const auto d = wb::as<events::Deliver>(t.at(i)); d && d->redelivered) {
            again.push_back(d->msg);
            QCOMPARE(d->consumer, std::string("odds-2"));
            QCOMPARE(QString::fromStdString(t.at(i).label).section(' ', 1, 1).toInt() % 2, 1);
        }
    std::sort(again.begin(), again.end());
    QVERIFY(std::adjacent_find(again.begin(), again.end()) == again.end());
    QVERIFY(std::find(again.begin(), again.end(), inHand) != again.end());
}

void MessagingRabbitUiTest::shutdownMidRunIsPrompt()
{
    QElapsedTimer clock;
    clock.start();
    {
        auto session = connectedSession();
        QVERIFY(session);
        LiveConfig c = oddEven(0, 3); // until stopped, with slow consumers
        c.rate = 20;
        c.consumers = {{"odds", 1500}, {"evens", 1500}};
        TopologyPage topology(session);
        RatesPage rates(session);
        QVERIFY(session->start(c, "odd-even"));
        QTRY_VERIFY_WITH_TIMEOUT(session->stateAt(session->trace()->size()).totals.delivered > 2,
                                 10000);
        QVERIFY(session->isRunning());
        QElapsedTimer stopping;
        stopping.start();
        topology.shutdown();
        QVERIFY(!session->isRunning());
        QVERIFY2(stopping.elapsed() < 3000, "stopping must not wait for the slow consumers");
        rates.shutdown();
        QVERIFY2(session->runError().isEmpty(), qPrintable(session->runError()));
    }
    QVERIFY(clock.elapsed() < 20000);
    // The unacked integers went back to the queues on the node: nothing is lost.
    auto conn = connectTo(*BrokerUrl::parse(m_url.toStdString()));
    auto ch = conn->openChannel();
    QueueFlags passive;
    passive.passive = true;
    QVERIFY(ch->queueDeclare(m_prefix + "odds", passive).messageCount +
                ch->queueDeclare(m_prefix + "evens", passive).messageCount >
            0);
    conn->close();
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("WB_RABBITMQ_URL")) {
        std::fprintf(stderr, "WB_RABBITMQ_URL is not set: no RabbitMQ node to test against\n");
        return 77;
    }
    QApplication app(argc, argv);
    MessagingRabbitUiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "ui_rabbitmq_test.moc"
