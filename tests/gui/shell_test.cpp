// The shell against fixture plugins: broken modules show as unavailable with their reason,
// the transport bar steps a trace by keyboard, views export to PNG/SVG/PDF.
#include "layoutcheck.h"
#include "mainwindow.h"
#include "moduleregistry.h"

#include "workbench/ui/export.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/sourceview.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/tracetable.h"
#include "workbench/ui/transportbar.h"

#include <QDockWidget>
#include <QSettings>

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include <memory>

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
    void aLongMultiLineStepNeverGrowsTheTransportBar();
    void presentationModeHidesTopicsAndSourceAndBringsThemBack();
    void narrowWindowsTabTheLessonAndSource();
    void narrowWindowsShowTopicsAsARail();
    void layoutCheckNamesWhatDoesNotFit();
    void layoutCheckPassesAWholeView();
    void flowLayoutWrapsIntoTheWidthItIsGiven();
    void adaptiveSplitStacksWhenBothDoNotFit();
    void aPageCanHandTheBarAnotherController();
    void plotsFollowTheFontAndPalette();

private:
    // The good fixture module in a shown window of `size`, its panes arranged as for a screen
    // `screenWidth` wide.
    std::unique_ptr<MainWindow> shownWindow(ModuleRegistry &r, QSize size, int screenWidth);

    QString m_fixtures;
};

std::unique_ptr<MainWindow> ShellTest::shownWindow(ModuleRegistry &r, QSize size, int screenWidth)
{
    r.scan({m_fixtures});
    r.loadAll();
    auto w = std::make_unique<MainWindow>(r);
    w->resize(size);
    w->arrangePanesFor(screenWidth);
    if (!w->showModule("fixture-good"))
        return nullptr;
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        return nullptr;
    return w;
}

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
    QVERIFY(!e->available());    // nothing instantiated yet
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
    QCOMPARE(w.tourStops().size(), 1 + 3 + 3); // home, three views, three unavailable
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

void ShellTest::aLongMultiLineStepNeverGrowsTheTransportBar()
{
    ModuleRegistry r;
    const auto window = shownWindow(r, QSize(1024, 700), 1024);
    QVERIFY(window);
    auto *bar = window->transportBar();
    auto *c = bar->controller();
    QVERIFY(c);
    c->seek(1);
    QCoreApplication::processEvents();
    const int oneLine = bar->height();
    auto *eventLabel = bar->findChild<QLabel *>("EventLabel");
    QVERIFY(eventLabel);

    // A heredoc-like description: many lines, far wider than the window.
    QString longText;
    for (int i = 0; i < 12; ++i)
        longText += QStringLiteral("line %1 of a description much wider than any window\n").arg(i);
    auto trace = std::make_shared<wb::Trace>();
    wb::Event e;
    e.kind = "step";
    e.label = longText.toStdString();
    trace->append(e);
    wb::ui::StepController other;
    other.setTrace(trace);
    other.seek(1);
    bar->setController(&other);
    QCoreApplication::processEvents();
    QCOMPARE(bar->height(), oneLine);
    QVERIFY(eventLabel->height() <= eventLabel->fontMetrics().height() + 4);
    QCOMPARE(eventLabel->toolTip(), longText); // the whole text is a hover away
    QVERIFY(!eventLabel->text().contains(QLatin1Char('\n')));
    QCOMPARE(eventLabel->accessibleName(), QStringLiteral("Current step"));
    bar->setController(c);
}

void ShellTest::presentationModeHidesTopicsAndSourceAndBringsThemBack()
{
    ModuleRegistry r;
    const auto window = shownWindow(r, QSize(1280, 720), 1920);
    QVERIFY(window);
    MainWindow &w = *window;
    auto *topics = w.findChild<QDockWidget *>("TopicsDock");
    auto *lesson = w.findChild<QDockWidget *>("LessonDock");
    auto *source = w.findChild<QDockWidget *>("SourceDock");
    QVERIFY(topics && lesson && source);
    QVERIFY(topics->isVisible() && lesson->isVisible() && source->isVisible());

    w.setPresentationMode(true, false);
    QVERIFY(!topics->isVisible());
    QVERIFY(!source->isVisible());
    QVERIFY(lesson->isVisible());
    QTest::keyClick(&w, Qt::Key_F7); // the lesson folds away too
    QVERIFY(!lesson->isVisible());
    QTest::keyClick(&w, Qt::Key_F6); // and each pane comes back by its key
    QVERIFY(topics->isVisible());
    QTest::keyClick(&w, Qt::Key_F8);
    QVERIFY(source->isVisible());
    QTest::keyClick(&w, Qt::Key_F6);
    QTest::keyClick(&w, Qt::Key_F8);

    w.setPresentationMode(false, false);
    QVERIFY(topics->isVisible());
    QVERIFY(source->isVisible());
}

void ShellTest::narrowWindowsTabTheLessonAndSource()
{
    ModuleRegistry r;
    const auto window = shownWindow(r, QSize(1280, 720), 1280);
    QVERIFY(window);
    MainWindow &w = *window;
    auto *lesson = w.findChild<QDockWidget *>("LessonDock");
    auto *source = w.findChild<QDockWidget *>("SourceDock");
    const auto tabbed = w.tabifiedDockWidgets(lesson);
    QVERIFY(tabbed.contains(source));
    QVERIFY(!lesson->visibleRegion().isEmpty()); // the lesson in front
    QVERIFY(source->visibleRegion().isEmpty());
    QTest::keyClick(&w, Qt::Key_F8); // hide the source tab
    QTest::keyClick(&w, Qt::Key_F8); // and bring it to the front
    QCoreApplication::processEvents();
    QVERIFY(!source->visibleRegion().isEmpty());

    w.arrangePanesFor(1920);
    QVERIFY(!w.tabifiedDockWidgets(lesson).contains(source));
}

QTEST_MAIN(ShellTest)
void ShellTest::narrowWindowsShowTopicsAsARail()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    auto *topics = w->findChild<QDockWidget *>("TopicsDock");
    QVERIFY(topics->isVisible());
    QVERIFY2(topics->width() <= 64, qPrintable(QString::number(topics->width())));
    auto *list = topics->findChild<QListWidget *>("Sidebar");
    QVERIFY(list);
    // The names leave the rail's text but not its tooltips or what a screen reader hears.
    for (int i = 0; i < list->count(); ++i) {
        QVERIFY(list->item(i)->text().isEmpty());
        QVERIFY(!list->item(i)->data(Qt::AccessibleTextRole).toString().isEmpty());
        QVERIFY(!list->item(i)->toolTip().isEmpty());
    }
    w->resize(1800, 1000);
    w->arrangePanesFor(1800);
    QTest::qWait(50);
    QCOMPARE(list->item(0)->text(), QStringLiteral("Home"));
    QVERIFY(topics->width() >= 150);
}

void ShellTest::layoutCheckNamesWhatDoesNotFit()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    wb::shell::LayoutCheckOptions options;
    options.sizes = {QSize(1280, 720)};
    options.presentation = false;
    options.moduleId = "fixture-good";
    options.viewId = "cramped";
    const QString report = wb::shell::checkLayout(*w, options).join('\n');
    QVERIFY2(report.contains("fixture-good/cramped 1280x720 normal: needs a horizontal "
                             "scrollbar"),
             qPrintable(report));
    QVERIFY2(report.contains("QLabel 'WideDrawing'"), qPrintable(report));
    QVERIFY2(report.contains("QLineEdit has no accessible name"), qPrintable(report));
    QVERIFY2(report.contains("QPushButton \"Run\" lies outside the visible width"),
             qPrintable(report));
    QVERIFY2(report.contains("QLabel 'CutCaption'") && report.contains("is cut"),
             qPrintable(report));
}

void ShellTest::layoutCheckPassesAWholeView()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    wb::shell::LayoutCheckOptions options;
    options.moduleId = "fixture-good";
    options.viewId = "counter";
    const QStringList problems = wb::shell::checkLayout(*w, options);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void ShellTest::flowLayoutWrapsIntoTheWidthItIsGiven()
{
    QWidget row;
    auto *flow = new wb::ui::FlowLayout(&row, 6, 4);
    flow->setContentsMargins(0, 0, 0, 0);
    QList<QPushButton *> buttons;
    for (int i = 0; i < 6; ++i) {
        auto *b = new QPushButton(QStringLiteral("Button number %1").arg(i));
        b->setFixedSize(100, 30);
        flow->addWidget(b);
        buttons << b;
    }
    QCOMPARE(flow->minimumSize().width(), 100);
    QCOMPARE(flow->sizeHint().width(), 6 * 100 + 5 * 6);
    QCOMPARE(flow->heightForWidth(700), 30);
    QCOMPARE(flow->heightForWidth(320), 2 * 30 + 4);     // three a line
    QCOMPARE(flow->heightForWidth(100), 6 * 30 + 5 * 4); // one a line
    row.resize(320, flow->heightForWidth(320));
    row.show();
    QTest::qWait(20);
    QCOMPARE(buttons[2]->geometry().topLeft(), QPoint(212, 0));
    QCOMPARE(buttons[3]->geometry().topLeft(), QPoint(0, 34));
}

void ShellTest::adaptiveSplitStacksWhenBothDoNotFit()
{
    auto *main = new QLabel("drawing");
    main->setMinimumWidth(400);
    auto *side = new QLabel("side panel");
    side->setMinimumWidth(200);
    wb::ui::AdaptiveSplit split(main, side);
    // It never asks for both widths: a narrow parent stacks it instead of scrolling.
    QCOMPARE(split.minimumSizeHint().width(), 400);
    split.resize(900, 300);
    split.show();
    QTest::qWait(20);
    QVERIFY(!split.stacked());
    QVERIFY(side->geometry().left() >= main->geometry().right());
    split.resize(500, 600);
    QTest::qWait(20);
    QVERIFY(split.stacked());
    QVERIFY(side->geometry().top() >= main->geometry().bottom());
    split.resize(900, 300);
    QTest::qWait(20);
    QVERIFY(!split.stacked());
}

void ShellTest::aPageCanHandTheBarAnotherController()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    wb::ui::ModulePage *page = w->currentPage();
    QVERIFY(page);
    QVERIFY(w->transportBar()->controller() == page->controller());
    // A page whose controller() changes says so; the shell asks again. The counter page's
    // controller is fixed, so a spurious signal must leave the bar bound to it.
    emit page->controllerChanged();
    QTest::qWait(20);
    QVERIFY(w->transportBar()->controller() == page->controller());
}

void ShellTest::plotsFollowTheFontAndPalette()
{
    QCustomPlot plot;
    plot.resize(400, 300);
    auto *g = plot.addGraph();
    g->setName("a series");
    wb::ui::setupPlot(&plot, "x", "y");
    // A second call (a view re-running its setup) must not stack stylers or lose the first.
    wb::ui::setupPlot(&plot, "x", "y");
    auto *below = new QCPLegend;
    plot.plotLayout()->addElement(1, 0, below);
    plot.show();
    QFont big = plot.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    plot.setFont(big);
    QCOMPARE(plot.legend->font().pointSizeF(), big.pointSizeF());
    QCOMPARE(plot.legend->item(0)->font().pointSizeF(), big.pointSizeF());
    QCOMPARE(below->font().pointSizeF(), big.pointSizeF());
    QCOMPARE(plot.xAxis->tickLabelFont().pointSizeF(), big.pointSizeF());
    QPalette dark = plot.palette();
    dark.setColor(QPalette::Base, QColor(20, 20, 24));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    plot.setPalette(dark);
    QCOMPARE(plot.axisRect()->backgroundBrush().color(), QColor(20, 20, 24));
    QCOMPARE(plot.xAxis->tickLabelColor(), QColor(230, 230, 230));
}

#include "shell_test.moc"
