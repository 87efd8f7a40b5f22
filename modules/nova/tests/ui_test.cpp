// The nova module's views, driven as a learner drives them: the launch stepped forward and
// back, packets walked through the filter rules, nova.sh variables edited, the schedulers
// simulated (and cancelled), and every view shut down while it works.
#include "common.h"
#include "launchview.h"
#include "novashview.h"
#include "schedulingview.h"
#include "sequencediagram.h"
#include "spawnview.h"

#include "nova/core/simulation.h"

#include "workbench/core/recording.h"
#include "workbench/core/trace.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace wb::nova;
using namespace wb::nova::ui;

class NovaUiTest : public QObject
{
    Q_OBJECT
private slots:
    void launchDiagramShowsTheStepsInOrder();
    void steppingBackMovesTheHighlightAndTheState();
    void sourceHighlightIsTheComponentsOwnLine();
    void moreLaunchesGrowTheInstancesTable();
    void packetWalkEndsInTheBriefsVerdicts();
    void packetWalkRejectsABadAddress();
    void domainXmlWarnsAboutWhatLibvirtAndNovaRefuse();
    void novashFollowsAVariableAndWarnsAboutABadCidr();
    void simulationPlacesOrFailsEveryRequest();
    void simulationCancelKeepsThePreviousRun();
    void shutdownMidRunReturns();
    void coloursKeepTheirContrastInBothPalettes();
    void spawnFollowsAPaletteSwitch();
    void launchRecordingReopensPixelForPixel();
    void damagedLaunchRecordingIsRefused();
    void novashRecordingReopensPixelForPixel();
    void spawnRecordingReopensPixelForPixel_data();
    void spawnRecordingReopensPixelForPixel();
};

void NovaUiTest::launchDiagramShowsTheStepsInOrder()
{
    LaunchPage page;                      // the opening launch: chance, 3 hosts, seed 1
    page.show();                          // a page draws what it shows while it is visible
    QVERIFY(page.run()->waitIdle(20000)); // it runs on the worker thread
    QCOMPARE(page.run()->launches().size(), std::size_t{1});
    const LaunchRecord &r = page.run()->launches().front();
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(QString::fromStdString(r.instance.fixedIp->toString()), QStringLiteral("10.0.0.3"));

    const auto &rows = page.diagram()->model().rows;
    // Each of the tutorial's steps 1..8 first appears after the one before it.
    std::vector<int> firstSeen;
    for (const auto &row : rows)
        if (std::find(firstSeen.begin(), firstSeen.end(), row.n) == firstSeen.end())
            firstSeen.push_back(row.n);
    QCOMPARE(firstSeen, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    // The messages the brief names, each once, with its kind and routing key.
    QStringList messages;
    for (const auto &row : rows)
        if (row.kind != RowKind::Local && row.kind != RowKind::Driver)
            messages << QStringLiteral("%1 %2 %3 %4")
                            .arg(row.n)
                            .arg(rowKindName(row.kind), row.method,
                                 row.kind == RowKind::Reply ? QStringLiteral("-")
                                                            : row.routingKey);
    const QString host = QStringLiteral("compute.") + QString::fromStdString(r.instance.host);
    const QStringList expected{"1 call run_instances api",      "1 call run_instances cloud",
                               "2 cast run_instance scheduler", "1 reply run_instances -",
                               "3 cast run_instance " + host,   "5 call allocate_fixed_ip network",
                               "7 reply allocate_fixed_ip -"};
    QCOMPARE(messages.size(), expected.size() + 1); // two replies of step 1
    for (const auto &m : expected)
        QVERIFY2(messages.contains(m), qPrintable(m));
    // Causal order, whatever the threads did meanwhile: each message after its cause.
    auto at = [&](const QString &m) {
        return messages.indexOf(m);
    };
    QVERIFY(at(expected[0]) < at(expected[1]));
    QVERIFY(at(expected[1]) < at(expected[2]));
    QVERIFY(at(expected[2]) < at(expected[3])); // the cloud replies after its cast
    QVERIFY(at(expected[2]) < at(expected[4]));
    QVERIFY(at(expected[4]) < at(expected[5]));
    QVERIFY(at(expected[5]) < at(expected[6]));
    QCOMPARE(messages.lastIndexOf(expected[3]) > at(expected[3]), true); // api's reply after
    // Casts and calls go through the exchange; the spawn's driver calls end at libvirt.
    for (const auto &row : rows) {
        if (row.kind == RowKind::Driver)
            QCOMPARE(page.diagram()->model().lifelines[std::size_t(row.toColumn)].title,
                     QStringLiteral("libvirt"));
    }
}

void NovaUiTest::sourceHighlightIsTheComponentsOwnLine()
{
    LaunchPage page;
    page.show();
    QVERIFY(page.run()->waitIdle(20000));
    auto *c = page.controller();
    // Each step's highlight is a line of a file the Source pane shows, and the line holds the
    // component's own call: the scheduler's "schedule" in launch_scheduler.cpp, the compute
    // worker's call to the network in launch_compute.cpp.
    const QStringList files = page.sourceFiles();
    int checked = 0;
    for (qsizetype i = 1; i <= c->count(); ++i) {
        c->seek(i);
        const wb::Event *e = c->currentEvent();
        const auto marks = page.sourceHighlights();
        if (e->kind != "local" && e->kind != "cast" && e->kind != "call")
            continue;
        QCOMPARE(marks.size(), 1);
        QString path;
        for (const QString &f : files)
            if (f.endsWith("/" + marks[0].fileName))
                path = f;
        QVERIFY2(!path.isEmpty(), qPrintable(marks[0].fileName + " is not in the Source pane"));
        // The test has no plugin resources: read the same file from the source tree.
        QFile source(QStringLiteral(WB_NOVA_CORE_SRC "/") + marks[0].fileName);
        QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(source.fileName()));
        const QString line =
            QString::fromUtf8(source.readAll()).split('\n').value(marks[0].line - 1);
        const QString method = QString::fromStdString(e->stringField("method"));
        const QString kind = QString::fromStdString(e->kind);
        QVERIFY2(line.contains(kind == "local" ? QStringLiteral("local(") : kind + "(") ||
                     line.contains(method),
                 qPrintable(marks[0].fileName + ":" + QString::number(marks[0].line) + ": " +
                            line + " for " + QString::fromStdString(e->label)));
        QCOMPARE(marks[0].label, QString::number(e->intField("n")));
        if (e->kind == "local" && method == "schedule")
            QCOMPARE(marks[0].fileName, QStringLiteral("launch_scheduler.cpp"));
        if (e->kind == "call" && method == "allocate_fixed_ip")
            QCOMPARE(marks[0].fileName, QStringLiteral("launch_compute.cpp"));
        ++checked;
    }
    QVERIFY(checked >= 15);
}

void NovaUiTest::steppingBackMovesTheHighlightAndTheState()
{
    LaunchPage page;
    page.show();
    QVERIFY(page.run()->waitIdle(20000));
    auto *c = page.controller();
    c->toStart();
    QCOMPARE(page.diagram()->highlightedRow(), -1);
    QCOMPARE(page.stateMachine()->litState(), QString());
    // Forward, event by event: the highlight only moves down, one row at a time.
    int last = -1;
    std::vector<int> seenSteps;
    while (c->position() < c->count()) {
        c->stepForward();
        const int row = page.diagram()->highlightedRow();
        QVERIFY(row == last || row == last + 1);
        if (row != last)
            seenSteps.push_back(page.diagram()->model().rows[std::size_t(row)].n);
        last = row;
    }
    QCOMPARE(last + 1, static_cast<int>(page.diagram()->model().rows.size()));
    QCOMPARE(page.stateMachine()->litState(), QStringLiteral("active/none"));
    // The instances table at the end: i-00000001 running with the brief's address.
    QCOMPARE(page.instancesTable()->rowCount(), 1);
    QCOMPARE(page.instancesTable()->item(0, 0)->text(), QStringLiteral("i-00000001"));
    QCOMPARE(page.instancesTable()->item(0, 2)->text(), QStringLiteral("running"));
    QCOMPARE(page.instancesTable()->item(0, 4)->text(), QStringLiteral("10.0.0.3"));

    // Back to just before the last state change: spawning, and the highlight moves up.
    const wb::Trace &trace = *c->trace();
    qsizetype lastState = -1;
    for (qsizetype i = 0; i < c->count(); ++i)
        if (trace.at(std::size_t(i)).kind == "state")
            lastState = i;
    c->seek(lastState);
    QCOMPARE(page.stateMachine()->litState(), QStringLiteral("building/spawning"));
    QCOMPARE(page.instancesTable()->item(0, 2)->text(), QStringLiteral("spawning"));
    // Back to just after the scheduler's cast (step 3): that row is lit, nothing after it is
    // drawn, and the instance is still being scheduled (no address yet).
    const auto &rows = page.diagram()->model().rows;
    const auto cast3 = std::find_if(rows.begin(), rows.end(), [](const DiagramRow &r) {
        return r.kind == RowKind::Cast && r.n == 3;
    });
    QVERIFY(cast3 != rows.end());
    c->seek(cast3->seq + 1);
    QCOMPARE(page.diagram()->highlightedRow(), static_cast<int>(cast3 - rows.begin()));
    QCOMPARE(page.diagram()->drawnRows(), static_cast<int>(cast3 - rows.begin()) + 1);
    QCOMPARE(page.stateMachine()->litState(), QStringLiteral("building/scheduling"));
    QVERIFY(page.instancesTable()->item(0, 4)->text().isEmpty());
    QVERIFY(page.explanation().contains(QStringLiteral("compute.")));
    c->stepBack();
    QVERIFY(page.diagram()->highlightedRow() < static_cast<int>(cast3 - rows.begin()));
}

void NovaUiTest::moreLaunchesGrowTheInstancesTable()
{
    LaunchPage page;
    page.show();
    QVERIFY(page.run()->waitIdle(20000)); // the opening launch
    QVERIFY(page.launch());               // on a worker thread
    QVERIFY(page.run()->waitIdle(20000));
    QCOMPARE(page.run()->launches().size(), std::size_t{2});
    const LaunchRecord &second = page.run()->launches().back();
    QVERIFY2(second.error.isEmpty(), qPrintable(second.error));
    // The cursor went to the new launch's start; at its end both instances are listed.
    page.controller()->toEnd();
    QCOMPARE(page.instancesTable()->rowCount(), 2);
    QCOMPARE(page.instancesTable()->item(1, 0)->text(), QStringLiteral("i-00000002"));
    QCOMPARE(page.instancesTable()->item(1, 4)->text(), QStringLiteral("10.0.0.4"));
    // The diagram shows the second launch only; stepping to the first one shows its rows.
    const qsizetype firstEnd = page.run()->launches().front().end;
    QVERIFY(page.diagram()->model().rows.front().seq >= firstEnd);
    page.controller()->seek(firstEnd);
    QVERIFY(page.diagram()->model().rows.back().seq < firstEnd);
    QCOMPARE(page.instancesTable()->rowCount(), 1);
}

void NovaUiTest::packetWalkEndsInTheBriefsVerdicts()
{
    SpawnPage page; // opens on the XML: the walk is on the iptables tab
    page.show();    // a page draws what it shows while it is visible
    page.showTab(SpawnPage::RulesTab);
    auto *c = page.controller();
    // Inside the project network: FORWARD -> nova-local -> nova-inst-1 -> nova-sg-1, TCP rule.
    page.setRules(SpawnPage::Rules::RecordedLoadable);
    page.choosePreset(0);
    QVERIFY(page.walk());
    c->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("ACCEPT"));
    QCOMPARE(page.chainStack(),
             (QStringList{"FORWARD", "nova-local", "nova-inst-1", "nova-sg-1"}));
    QVERIFY(page.currentRuleText().startsWith(QStringLiteral("-A nova-sg-1 -p tcp")));
    c->stepBack(); // before the verdict event: no verdict yet, the rule still lit
    QCOMPARE(page.verdictAtCursor(), QString());
    // From outside: nothing in nova-sg-1 matches, back to nova-inst-1, fallback, DROP.
    page.choosePreset(1);
    QVERIFY(page.walk());
    QCOMPARE(c->position(), 0);
    QCOMPARE(page.verdictAtCursor(), QString());
    c->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("DROP"));
    QCOMPARE(page.currentRuleText(), QStringLiteral("-A nova-ipv4-fallback -j DROP"));
    // As recorded the table never loads: the walk says where iptables-restore stopped and
    // FORWARD's policy forwards the ping unfiltered.
    page.setRules(SpawnPage::Rules::Recorded);
    page.choosePreset(3);
    QVERIFY(page.walk());
    c->toStart();
    c->stepForward(); // the "load" event lights the line that failed
    QCOMPARE(page.currentRuleText(),
             QStringLiteral("-A nova-sg-1 -p icmp -s 10.0.0.0/27 -m icmp --icmp-type 1/65535 "
                            "-j ACCEPT"));
    c->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("ACCEPT"));
    QCOMPARE(page.chainStack(), QStringList());
    page.setCorrected(true);
    c->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("ACCEPT"));
    QVERIFY(page.currentRuleText().startsWith(QStringLiteral("-A nova-sg-1 -p icmp")));
    // ICMP type and code reach the walk: a timestamp request from outside ends in DROP.
    page.choosePreset(1);
    page.setIcmp(13, 0);
    QVERIFY(page.walk());
    c->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("DROP"));
}

void NovaUiTest::domainXmlWarnsAboutWhatLibvirtAndNovaRefuse()
{
    SpawnPage page;
    page.showTab(SpawnPage::XmlTab);
    QCOMPARE(page.xmlWarning(), QString());
    QVERIFY(page.domainXml().contains(
        QStringLiteral("<parameter name=\"RASERVER\" value=\"fe80::1031:39ff:fe04:58f5\" />")));
    page.setXmlAddress(QStringLiteral("10.0.0.31"), QStringLiteral("02:16:3e:17:35:39"));
    QVERIFY(page.xmlWarning().contains(QStringLiteral("broadcast")));
    page.setXmlAddress(QStringLiteral("10.0.0.2"), QStringLiteral("02:16:3e:17:35:39"));
    QVERIFY(page.xmlWarning().contains(QStringLiteral("VPN")));
    page.setXmlAddress(QStringLiteral("10.0.0.4"), QStringLiteral("ff:ff:ff:ff:ff:ff"));
    QVERIFY(page.xmlWarning().contains(QStringLiteral("multicast")));
    QVERIFY(page.domainXml().contains(QStringLiteral("<mac address='ff:ff:ff:ff:ff:ff'/>")));
    page.setXmlAddress(QStringLiteral("10.0.0.4"), QStringLiteral("02:16:3e:00:00:04"));
    QCOMPARE(page.xmlWarning(), QString());
    QVERIFY(
        page.domainXml().contains(QStringLiteral("<parameter name=\"IP\" value=\"10.0.0.4\" />")));
}

void NovaUiTest::packetWalkRejectsABadAddress()
{
    SpawnPage page;
    page.showTab(SpawnPage::RulesTab);
    page.choosePreset(0);
    QVERIFY(page.walk());
    // A typo in the source address: a message, and the previous walk stays.
    auto edits = page.findChildren<QLineEdit *>();
    QLineEdit *src = nullptr;
    for (auto *e : edits)
        if (e->text() == QLatin1String("10.0.0.5"))
            src = e;
    QVERIFY(src);
    src->setText(QStringLiteral("10.0.0.256"));
    QVERIFY(!page.walk());
    QVERIFY(page.walkMessage().contains(QStringLiteral("source")));
    page.controller()->toEnd();
    QCOMPARE(page.verdictAtCursor(), QStringLiteral("ACCEPT"));
}

void NovaUiTest::novashFollowsAVariableAndWarnsAboutABadCidr()
{
    NovaShPage page;
    page.setCommand(NovaShCommand::Run);
    QVERIFY(page.novaConfShown().contains(QStringLiteral("--fixed_range=10.0.0.0/24\n")));
    QVERIFY(page.novarcShown().contains(QStringLiteral("http://10.240.95.3:8773/services/Cloud")));
    // Typed into the table: the files follow after the debounce, with no further call.
    page.editVariable(QStringLiteral("FIXED_RANGE"), QStringLiteral("10.1.0.0/24"));
    QTRY_VERIFY(page.novaConfShown().contains(QStringLiteral("--fixed_range=10.1.0.0/24\n")));
    QCOMPARE(page.message(), QString());
    // A prefix of 33 is no network, but the script writes it as it is: a warning naming the
    // variable, and nova.conf as bash would write it.
    page.editVariable(QStringLiteral("FIXED_RANGE"), QStringLiteral("10.1.0.0/33"));
    page.replan();
    QVERIFY(page.message().contains(QStringLiteral("FIXED_RANGE")));
    QVERIFY(page.novaConfShown().contains(QStringLiteral("--fixed_range=10.1.0.0/33\n")));
    // Empty means the default, as ${INTERFACE:-eth0} reads it.
    page.editVariable(QStringLiteral("INTERFACE"), QString());
    page.replan();
    QVERIFY(page.novaConfShown().contains(QStringLiteral("--public_interface=eth0\n")));
    page.editVariable(QStringLiteral("HOST_IP"), QStringLiteral("10.240.95.7"));
    page.editVariable(QStringLiteral("FIXED_RANGE"), QStringLiteral("10.2.0.0/24"));
    page.replan();
    QCOMPARE(page.message(), QString());
    QVERIFY(page.novaConfShown().contains(QStringLiteral("--my_ip=10.240.95.7\n")));
    QVERIFY(page.novarcShown().contains(QStringLiteral("http://10.240.95.7:8773/services/Cloud")));
    // The plan is a trace: the transport bar walks it to its end.
    QVERIFY(page.planSteps() > 10);
    page.controller()->toEnd();
    QCOMPARE(page.controller()->position(), static_cast<qsizetype>(page.planSteps()));
}

void NovaUiTest::simulationPlacesOrFailsEveryRequest()
{
    SchedulingPage page;
    QSignalSpy done(&page, &SchedulingPage::finished);
    page.setParameters(3000, 20, 7);
    QVERIFY(page.start());
    QVERIFY(done.wait(120000));
    QCOMPARE(done.takeFirst().at(0).toBool(), false);
    QCOMPARE(page.results().size(), std::size_t{3});
    const SchedulerKind kinds[] = {SchedulerKind::Chance, SchedulerKind::Zone,
                                   SchedulerKind::Simple};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto &r = page.results()[i];
        QCOMPARE(r.requests, 3000);
        QCOMPARE(r.placed + r.failed, 3000);
        QCOMPARE(r.failed, r.noValidHost + r.computeRejected);
        // The worker ran the core: the same config gives the same numbers here.
        SimulationConfig c;
        c.scheduler = kinds[i];
        c.requests = 3000;
        c.hosts = 20;
        c.seed = 7;
        const auto direct = simulateLaunches(c);
        QCOMPARE(r.placed, direct.placed);
        QCOMPARE(r.noValidHost, direct.noValidHost);
    }
    // 20 hosts for 3000 requests: chance never finds "no host" while one is up, it sends
    // instances to full hosts instead, which refuse them.
    QCOMPARE(page.results()[0].noValidHost, 0);
    QVERIFY(page.results()[0].computeRejected > 0);
}

void NovaUiTest::simulationCancelKeepsThePreviousRun()
{
    SchedulingPage page;
    // The opening comparison runs on the worker as the page opens; it fills the charts in.
    QCOMPARE(page.results().size(), std::size_t{0});
    QTRY_COMPARE_WITH_TIMEOUT(page.results().size(), std::size_t{3}, 60000);
    QVERIFY(!page.running());
    const auto before = page.results();
    QSignalSpy done(&page, &SchedulingPage::finished);
    page.setParameters(200000, 500, 3);
    QVERIFY(page.start());
    page.cancel();
    QVERIFY(done.wait(120000));
    QCOMPARE(done.takeFirst().at(0).toBool(), true);
    QVERIFY(!page.running());
    QVERIFY(page.status().startsWith(QStringLiteral("Cancelled")));
    QCOMPARE(page.results().size(), std::size_t{3});
    QCOMPARE(page.results()[0].placed, before[0].placed);
    // And it can run again afterwards.
    page.setParameters(500, 10, 3);
    QVERIFY(page.start());
    QVERIFY(done.wait(120000));
    QCOMPARE(page.results()[0].requests, 500);
}

void NovaUiTest::shutdownMidRunReturns()
{
    {
        SchedulingPage page;
        page.setParameters(200000, 500, 5);
        QVERIFY(page.start());
        page.shutdown(); // joins the worker; must return
        QVERIFY(!page.running());
    }
    {
        LaunchPage page;
        QVERIFY(page.run()->waitIdle(20000));
        QVERIFY(page.launch());
        // Stops the components while the launch may still wait. The GUI thread does not wait
        // for them: their threads notice the stop at their next poll of the queue (up to
        // 50 ms), and are joined elsewhere.
        QElapsedTimer stopping;
        stopping.start();
        page.shutdown();
        const qint64 stopMs = stopping.elapsed();
        QVERIFY2(stopMs < 25, qPrintable(QStringLiteral("shutdown took %1 ms").arg(stopMs)));
        QVERIFY(!page.run()->busy());
        // A launch afterwards starts a fresh deployment.
        QVERIFY(page.launch());
        QVERIFY(page.run()->waitIdle(20000));
        QVERIFY(!page.run()->launches().empty());
    }
    {
        LaunchPage page; // destroyed while launching (the opening launch)
        // The opening launch starts on the first turn of the event loop (a page made to show
        // a recording starts none).
        QCoreApplication::sendPostedEvents(&page, QEvent::MetaCall);
        QVERIFY(page.run()->busy());
    }
}

void NovaUiTest::coloursKeepTheirContrastInBothPalettes()
{
    // Every colour the views draw text and lines with, against what it is drawn on, in the
    // light and the dark palette: at least 4.5:1.
    int checked = 0;
    for (auto theme : {wb::ui::Theme::Dark, wb::ui::Theme::Light}) {
        wb::ui::applyTheme(*qApp, theme);
        const QPalette pal = QApplication::palette();
        for (const Ink &ink : novaInks(pal)) {
            const double ratio = wb::ui::contrastRatio(ink.color, ink.background);
            QVERIFY2(ratio >= 4.5,
                     qPrintable(QStringLiteral("%1 palette: %2 (%3 on %4) is %5:1")
                                    .arg(theme == wb::ui::Theme::Dark ? "dark" : "light", ink.what,
                                         ink.color.name(), ink.background.name())
                                    .arg(ratio, 0, 'f', 2)));
            ++checked;
        }
        // The check has teeth: the palette's own colours for lines and placeholders, drawn
        // as they are, would not pass in at least one of the palettes.
        if (theme == wb::ui::Theme::Light)
            QVERIFY(wb::ui::contrastRatio(pal.color(QPalette::Mid), pal.color(QPalette::Base)) <
                    4.5);
    }
    QVERIFY(checked > 60);
    // A view painted in the dark palette takes its colours when it paints: its lines are the
    // dark palette's, not those it was made with.
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
    const QColor lightLine = rowKindColor(RowKind::Call, QApplication::palette());
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Dark);
    QVERIFY(rowKindColor(RowKind::Call, QApplication::palette()) != lightLine);
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
}

void NovaUiTest::spawnFollowsAPaletteSwitch()
{
    // The listing's refused line is coloured when it is filled in; a palette switch recolours
    // it for the new background.
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
    SpawnPage page;
    page.showTab(SpawnPage::RulesTab);
    auto *listing = page.findChild<QListWidget *>();
    QVERIFY(listing);
    QListWidgetItem *refused = nullptr;
    for (int i = 0; i < listing->count(); ++i)
        if (listing->item(i)->text().startsWith(QStringLiteral("✘")))
            refused = listing->item(i);
    QVERIFY(refused);
    auto check = [&] {
        const QColor fg = refused->foreground().color();
        const QColor bg = refused->background().style() == Qt::NoBrush
                              ? listing->palette().color(QPalette::Base)
                              : refused->background().color();
        return wb::ui::contrastRatio(fg, bg);
    };
    QVERIFY(check() >= 4.5);
    const QColor before = refused->foreground().color();
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Dark);
    QCoreApplication::processEvents();
    for (int i = 0; i < listing->count(); ++i)
        if (listing->item(i)->text().startsWith(QStringLiteral("✘")))
            refused = listing->item(i);
    QVERIFY(refused->foreground().color() != before);
    QVERIFY(check() >= 4.5);
    wb::ui::applyTheme(*qApp, wb::ui::Theme::Light);
}

// ---- recordings ------------------------------------------------------------------------------

namespace {

// `recording` of `view` through the file format and back.
wb::Recording roundTrip(wb::Recording recording, const std::string &view)
{
    recording.module = "nova";
    recording.moduleVersion = "0.1.0";
    recording.view = view;
    return wb::decodeRecording(wb::encodeRecording(recording));
}

QImage grabAt(wb::ui::SessionPage &page, qsizetype position)
{
    page.controller()->seek(position);
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    return page.grab().toImage();
}

// Compares two pages at five positions of their traces (0, 1/4, 1/2, 3/4, the end).
void samePictures(wb::ui::SessionPage &a, wb::ui::SessionPage &b, const QString &what)
{
    const qsizetype n = a.controller()->count();
    QCOMPARE(b.controller()->count(), n);
    for (qsizetype at : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        const QImage x = grabAt(a, at), y = grabAt(b, at);
        if (x != y) {
            x.save(QStringLiteral("/tmp/nova-rec-%1-%2-a.png").arg(what).arg(at));
            y.save(QStringLiteral("/tmp/nova-rec-%1-%2-b.png").arg(what).arg(at));
        }
        QVERIFY2(
            x == y,
            qPrintable(QStringLiteral("%1 differs at step %2 of %3").arg(what).arg(at).arg(n)));
    }
}

} // namespace

void NovaUiTest::launchRecordingReopensPixelForPixel()
{
    LaunchPage page;
    page.resize(1180, 760);
    page.show();
    QVERIFY(page.run()->waitIdle(20000)); // the opening launch
    QVERIFY(page.launch());               // and one more on the same deployment
    QVERIFY(page.run()->waitIdle(20000));
    page.controller()->pause();
    QTRY_VERIFY(!page.traceSession()->isLive());

    const wb::Recording back = roundTrip(page.recording(), "launch");
    QCOMPARE(back.setting("scheduler"), std::string("chance"));
    QCOMPARE(back.setting("hosts"), std::string("3"));
    QCOMPARE(back.setting("seed"), std::string("1"));
    QCOMPARE(back.setting("broker"), std::string("embedded"));
    QVERIFY(!back.setting("launches").empty());

    LaunchPage reopened; // its opening launch is posted, not started
    reopened.resize(1180, 760);
    reopened.show();
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QCoreApplication::processEvents();
    QVERIFY(!reopened.run()->ready()); // no component was started
    QVERIFY(!reopened.run()->busy());
    QCOMPARE(reopened.run()->launches().size(), std::size_t{2});
    samePictures(page, reopened, "launch");

    // The next launch starts a deployment as usual.
    QVERIFY(reopened.launch());
    QVERIFY(reopened.run()->waitIdle(20000));
    QCOMPARE(reopened.run()->launches().size(), std::size_t{1});
}

void NovaUiTest::damagedLaunchRecordingIsRefused()
{
    LaunchPage page;
    page.show();
    QVERIFY(page.run()->waitIdle(20000));
    const wb::Recording good = roundTrip(page.recording(), "launch");
    page.controller()->seek(5);
    const wb::Trace *before = page.traceSession()->trace();
    auto refused = [&](const wb::Recording &r, const char *what) {
        QString error;
        QVERIFY2(!page.showRecording(r, &error), what);
        QVERIFY2(!error.isEmpty() && error.size() < 300, qPrintable(error));
        QCOMPARE(page.traceSession()->trace(), before);
        QCOMPARE(page.controller()->position(), qsizetype(5));
        QVERIFY(page.run()->ready()); // the deployment still runs
    };
    const auto damaged = [&](auto change) {
        wb::Recording r = good;
        auto t = std::make_shared<wb::Trace>();
        const std::size_t state = *good.trace->findNext("state", 0);
        for (std::size_t i = 0; i < good.trace->size(); ++i) {
            wb::Event e = good.trace->at(i);
            if (i == state)
                change(e);
            t->appendRecorded(std::move(e));
        }
        r.trace = t;
        return r;
    };
    refused(damaged([](wb::Event &e) { e.kind = "teleport"; }), "an unknown kind");
    refused(damaged([](wb::Event &e) {
                std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "vm_state"; });
            }),
            "a missing field");
    for (auto [key, value] : {std::pair{"scheduler", "dice"}, std::pair{"hosts", "0"},
                              std::pair{"launches", "9-3"}, std::pair{"launches", "0-999999"}}) {
        wb::Recording r = good;
        for (auto &[k, v] : r.settings)
            if (k == key)
                v = value;
        refused(r, key);
    }
}

void NovaUiTest::novashRecordingReopensPixelForPixel()
{
    NovaShPage page;
    page.resize(1180, 760);
    page.show();
    page.setCommand(NovaShCommand::Install);
    page.editVariable(QStringLiteral("FIXED_RANGE"), QStringLiteral("10.1.0.0/33"));
    page.editVariable(QStringLiteral("INTERFACE"), QString());
    page.replan();
    page.controller()->seek(3);
    const wb::Recording back = roundTrip(page.recording(), "novash");
    QCOMPARE(back.setting("command"), std::string("install"));
    QCOMPARE(back.setting("var:FIXED_RANGE"), std::string("10.1.0.0/33"));
    QCOMPARE(back.setting("var:INTERFACE", "unset"), std::string());
    QCOMPARE(back.cursor, std::uint64_t{3});

    NovaShPage reopened;
    reopened.resize(1180, 760);
    reopened.show();
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QCOMPARE(reopened.controller()->position(), qsizetype(3));
    QCOMPARE(reopened.novaConfShown(), page.novaConfShown());
    samePictures(page, reopened, "novash");

    // A variable the script does not have, a command it does not know: refused, unchanged.
    for (auto [key, value] : {std::pair{"var:NOPE", "1"}, std::pair{"command", "reboot"}}) {
        wb::Recording r = back;
        r.settings.emplace_back(key, value);
        QVERIFY(!reopened.showRecording(r, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(reopened.novaConfShown(), page.novaConfShown());
    }
    wb::Recording r = back;
    auto t = std::make_shared<wb::Trace>();
    for (std::size_t i = 0; i < back.trace->size(); ++i) {
        wb::Event e = back.trace->at(i);
        if (i == 1)
            std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "root"; });
        t->appendRecorded(std::move(e));
    }
    r.trace = t;
    const wb::Trace *shown = reopened.traceSession()->trace();
    QVERIFY(!reopened.showRecording(r, &error)); // a step without its root field
    QCOMPARE(reopened.traceSession()->trace(), shown);
}

void NovaUiTest::spawnRecordingReopensPixelForPixel_data()
{
    QTest::addColumn<int>("tab");
    QTest::newRow("xml") << int(SpawnPage::XmlTab);
    QTest::newRow("rules") << int(SpawnPage::RulesTab);
    QTest::newRow("image") << int(SpawnPage::ImageTab);
}

void NovaUiTest::spawnRecordingReopensPixelForPixel()
{
    QFETCH(int, tab);
    SpawnPage page;
    page.resize(1180, 760);
    page.show();
    page.showTab(static_cast<SpawnPage::Tab>(tab));
    if (tab == SpawnPage::RulesTab) {
        page.setRules(SpawnPage::Rules::RecordedLoadable);
        page.choosePreset(1);
        QVERIFY(page.walk());
    } else if (tab == SpawnPage::XmlTab) {
        page.setXmlAddress(QStringLiteral("10.0.0.1"), QStringLiteral("02:16:3e:00:00:01"));
    }
    page.controller()->pause();
    page.controller()->seek(page.controller()->count() / 2);
    const wb::Recording back = roundTrip(page.recording(), "spawn");
    QCOMPARE(back.setting("tab"), std::string(tab == 0 ? "xml" : tab == 1 ? "rules" : "image"));

    SpawnPage reopened;
    reopened.resize(1180, 760);
    reopened.show();
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QCOMPARE(reopened.controller()->position(), static_cast<qsizetype>(back.cursor));
    QVERIFY(!reopened.controller()->isPlaying());
    samePictures(page, reopened, QStringLiteral("spawn-%1").arg(tab));

    wb::Recording bad = back;
    for (auto &[k, v] : bad.settings)
        if (k == "rules")
            v = "lenient";
    QVERIFY(!reopened.showRecording(bad, &error));
    QVERIFY(!error.isEmpty());
}

QTEST_MAIN(NovaUiTest)
#include "ui_test.moc"
