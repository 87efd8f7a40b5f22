// The shell against fixture plugins: broken modules show as unavailable with their reason,
// the transport bar steps a trace by keyboard, views export to PNG/SVG/PDF.
#include "mainwindow.h"
#include "moduleregistry.h"

#include "workbench/ui/export.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/sourceview.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/tracetable.h"
#include "workbench/ui/transportbar.h"

#include <QSettings>

#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTest>

using wb::shell::MainWindow;
using wb::shell::ModuleRegistry;

class ShellTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void brokenPluginsAreUnavailableWithTheirReason();
    void metadataIsReadBeforeLoading();
    void keyboardStepsTheTraceForwardAndBack();
    void playStopsAtTheEndAndSpeedIsClamped();
    void sourcePaneHighlightsTheCurrentEventLine();
    void unavailableModuleDoesNotStopTheShell();
    void traceTableFollowsTheCursor();
    void settingsPersistModuleAndSpeed();
    void exportsPngSvgAndPdf();
    void failedExportKeepsTheExistingFile();

private:
    QString m_fixtures;
};

void ShellTest::initTestCase()
{
    QCoreApplication::setOrganizationName("internals-workbench-tests");
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       qEnvironmentVariable("WB_SETTINGS_DIR"));
    QSettings().clear();
    m_fixtures = qEnvironmentVariable("WB_FIXTURE_PLUGINS");
    QVERIFY2(!m_fixtures.isEmpty(), "WB_FIXTURE_PLUGINS is not set");
}

void ShellTest::brokenPluginsAreUnavailableWithTheirReason()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    QCOMPARE(r.entries().size(), 4);
    const auto *good = r.find("fixture-good");
    QVERIFY(good && good->available());
    QVERIFY(good->error.isEmpty());

    const auto *badIid = r.find("fixture-badiid");
    QVERIFY(badIid && !badIid->available());
    QVERIFY2(badIid->error.contains("org.example.SomethingElse/1.0") &&
                 badIid->error.contains("module interface"),
             qPrintable(badIid->error));

    const auto *failInit = r.find("fixture-failinit");
    QVERIFY(failInit && !failInit->available());
    QCOMPARE(failInit->error,
             QStringLiteral("The fixture refuses to start: its data folder is missing."));

    const auto *missing = r.find("fixture-missing");
    QVERIFY(missing && !missing->available());
    QVERIFY2(missing->error.contains("wbFixtureSymbolThatDoesNotExist"),
             qPrintable(missing->error));
}

void ShellTest::metadataIsReadBeforeLoading()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    const auto *e = r.find("fixture-failinit");
    QVERIFY(e);
    QCOMPARE(e->title, QStringLiteral("Fixture failinit"));
    QCOMPARE(e->category, QStringLiteral("Tests"));
    QVERIFY(!e->available());  // nothing instantiated yet
    QVERIFY(e->error.isEmpty()); // and nothing has failed yet
}

void ShellTest::keyboardStepsTheTraceForwardAndBack()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    QVERIFY(w.showModule("fixture-good"));
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    auto *c = w.transportBar()->controller();
    QVERIFY(c);
    QCOMPARE(c->count(), 20);
    QCOMPARE(c->position(), 0);
    auto *label = w.currentPage()->findChild<QLabel *>("CounterLabel");
    QVERIFY(label);

    QTest::keyClick(&w, Qt::Key_Right);
    QTest::keyClick(&w, Qt::Key_Right);
    QTest::keyClick(&w, Qt::Key_Right);
    QCOMPARE(c->position(), 3);
    QCOMPARE(label->text(), QStringLiteral("value = 3"));
    QTest::keyClick(&w, Qt::Key_Left);
    QCOMPARE(c->position(), 2);
    QCOMPARE(label->text(), QStringLiteral("value = 2"));
    QTest::keyClick(&w, Qt::Key_End);
    QCOMPARE(c->position(), 20);
    QTest::keyClick(&w, Qt::Key_Right); // nothing past the end
    QCOMPARE(c->position(), 20);
    QTest::keyClick(&w, Qt::Key_Home);
    QCOMPARE(c->position(), 0);
    QTest::keyClick(&w, Qt::Key_Left); // nothing before the start
    QCOMPARE(c->position(), 0);

    auto *counter = w.transportBar()->findChild<QLabel *>("EventCounter");
    QVERIFY(counter);
    QTest::keyClick(&w, Qt::Key_Right);
    QCOMPARE(counter->text(), QStringLiteral("1 / 20"));
    auto *eventLabel = w.transportBar()->findChild<QLabel *>("EventLabel");
    QCOMPARE(eventLabel->text(), QStringLiteral("count to 1"));

    const double before = c->speed();
    QTest::keyClick(&w, Qt::Key_Plus);
    QCOMPARE(c->speed(), before * 2);
    QTest::keyClick(&w, Qt::Key_Minus);
    QCOMPARE(c->speed(), before);

    QTest::keyClick(&w, Qt::Key_Space);
    QVERIFY(c->isPlaying());
    QTest::keyClick(&w, Qt::Key_Space);
    QVERIFY(!c->isPlaying());

    // next-of-kind jumps to the milestones (every fifth event)
    c->toStart();
    QVERIFY(c->nextOfKind("milestone"));
    QCOMPARE(c->position(), 5);
    QVERIFY(c->nextOfKind("milestone"));
    QCOMPARE(c->position(), 10);
    QVERIFY(c->previousOfKind("milestone"));
    QCOMPARE(c->position(), 5);
}

void ShellTest::playStopsAtTheEndAndSpeedIsClamped()
{
    wb::ui::StepController c;
    auto trace = std::make_shared<wb::Trace>();
    for (int i = 0; i < 30; ++i)
        trace->add("tick", "t");
    c.setTrace(trace);
    c.setSpeed(1000);
    QCOMPARE(c.speed(), wb::ui::StepController::MaxSpeed);
    c.setSpeed(0.001);
    QCOMPARE(c.speed(), wb::ui::StepController::MinSpeed);
    c.setSpeed(64);
    QSignalSpy playing(&c, &wb::ui::StepController::playingChanged);
    c.play();
    QTRY_COMPARE_WITH_TIMEOUT(c.position(), 30, 5000);
    QTRY_VERIFY(!c.isPlaying());
    QCOMPARE(playing.count(), 2); // started, then stopped by itself at the end
}

void ShellTest::sourcePaneHighlightsTheCurrentEventLine()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    w.showModule("fixture-good");
    auto *page = w.currentPage();
    QVERIFY(page);
    page->controller()->stepForward();
    const auto highlights = page->sourceHighlights();
    QCOMPARE(highlights.size(), 1);
    QCOMPARE(highlights.first().fileName, QStringLiteral("fixtureplugin.cpp"));
    auto *source = w.findChild<wb::ui::SourceView *>();
    QVERIFY(source);
    QCOMPARE(source->currentFileName(), QStringLiteral("fixtureplugin.cpp"));
    const auto selections = source->editor()->extraSelections();
    QCOMPARE(selections.size(), 1);
    const QString line = selections.first().cursor.block().text();
    QVERIFY2(line.contains("trace->add"), qPrintable(line));
}

void ShellTest::unavailableModuleDoesNotStopTheShell()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    QVERIFY(w.showModule("fixture-failinit"));
    QCOMPARE(w.currentPage(), nullptr);
    QCOMPARE(w.transportBar()->controller(), nullptr);
    QVERIFY(!w.showModule("no-such-module"));
    QVERIFY(w.showModule("fixture-good", "second"));
    QCOMPARE(w.currentPage()->objectName(), QStringLiteral("second"));
    QCOMPARE(w.tourStops().size(), 1 + 2 + 3); // home, two views, three unavailable
}

void ShellTest::traceTableFollowsTheCursor()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    w.showModule("fixture-good");
    auto *table = w.currentPage()->findChild<wb::ui::TraceTable *>("FixtureTraceTable");
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 20);
    QCOMPARE(table->model()->index(6, wb::ui::TraceModel::Label).data().toString(),
             QStringLiteral("count to 7"));
    auto *c = w.currentPage()->controller();
    c->seek(7);
    QCOMPARE(table->currentIndex().row(), 6);
    c->stepBack();
    QCOMPARE(table->currentIndex().row(), 5);
    // Double-clicking a row moves the cursor to just after that event.
    const QModelIndex row = table->model()->index(11, 0);
    table->doubleClicked(row);
    QCOMPARE(c->position(), 12);
}

void ShellTest::settingsPersistModuleAndSpeed()
{
    {
        ModuleRegistry r;
        r.scan({m_fixtures});
        r.loadAll();
        MainWindow w(r);
        w.showModule("fixture-good");
        w.currentPage()->controller()->setSpeed(8);
        w.close();
    }
    QSettings s;
    QCOMPARE(s.value("window/lastModule").toString(), QStringLiteral("fixture-good"));
    QCOMPARE(s.value("transport/speed").toDouble(), 8.0);
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    w.showModule("fixture-good", "second");
    QCOMPARE(w.currentPage()->controller()->speed(), 8.0);
}

void ShellTest::exportsPngSvgAndPdf()
{
    QTemporaryDir dir;
    QLabel widget("export me");
    widget.resize(200, 80);
    const QList<QPair<QString, QByteArray>> formats{
        {"view.png", QByteArray("\x89PNG", 4)}, {"view.svg", "<?xml"}, {"view.pdf", "%PDF"}};
    for (const auto &[name, magic] : formats) {
        QString error;
        const QString path = dir.filePath(name);
        QVERIFY2(wb::ui::exportWidget(&widget, path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.read(magic.size()) == magic, qPrintable(name));
    }
}

void ShellTest::failedExportKeepsTheExistingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("notes.txt");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("precious");
    }
    QLabel widget("x");
    QString error;
    QVERIFY(!wb::ui::exportWidget(&widget, path, &error));
    QVERIFY(error.contains(".png"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("precious"));
}

QTEST_MAIN(ShellTest)
#include "shell_test.moc"
