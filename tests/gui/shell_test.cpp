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
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"
#include "workbench/ui/transportbar.h"

#include "workbench/ui/lessonview.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextFrame>
#include <QTextTable>
#include <QToolButton>
#include <QVBoxLayout>

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
    void stateAndSeriesColoursKeepTheirContrastInBothPalettes();
    void secondKeysDriveTheTransportWhereverTheFocusIs();
    void theStepMenuAndTheBarNameTheSecondKeys();
    void layoutCheckNamesControlsTabNeverReaches();
    void narrowLessonPaneShowsWideTablesAsCards();
    void lessonCodeAndPaneTitlesGrowWithPresentationMode();
    void pluginsBuiltForAnotherVersionAreRefused();

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
    // The panes fill in on the event loop's next turns, after the page has appeared.
    QCOMPARE(source->currentFileName(), QString());
    QTRY_COMPARE(source->currentFileName(), QStringLiteral("fixtureplugin.cpp"));
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
    QCOMPARE(w.tourStops().size(), 1 + 4 + 3); // home, four views, three unavailable
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

void ShellTest::stateAndSeriesColoursKeepTheirContrastInBothPalettes()
{
    // The formula's known answers: black on white is 21:1, a colour on itself 1:1.
    QCOMPARE(qRound(wb::ui::contrastRatio(Qt::black, Qt::white) * 100), 2100);
    QCOMPARE(wb::ui::contrastRatio(QColor(120, 30, 200), QColor(120, 30, 200)), 1.0);
    // #767676 on white is the lightest grey that reaches 4.5:1.
    QVERIFY(wb::ui::contrastRatio(QColor(0x76, 0x76, 0x76), Qt::white) >= 4.5);
    QVERIFY(wb::ui::contrastRatio(QColor(0x77, 0x77, 0x77), Qt::white) < 4.5);

    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    QVERIFY(app);
    const QPalette saved = app->palette();
    const wb::ui::Theme savedTheme = wb::ui::currentTheme();
    QStringList failures;
    for (const auto theme : {wb::ui::Theme::Light, wb::ui::Theme::Dark}) {
        wb::ui::applyTheme(*app, theme);
        const QPalette p = app->palette();
        const QString name = theme == wb::ui::Theme::Dark ? "dark" : "light";
        const QList<QColor> backgrounds = {p.color(QPalette::Window), p.color(QPalette::Base),
                                           p.color(QPalette::AlternateBase)};
        auto check = [&](const QString &what, const QColor &c) {
            for (const QColor &bg : backgrounds) {
                const double r = wb::ui::contrastRatio(c, bg);
                if (r < 4.5)
                    failures << QStringLiteral("%1 %2 %3 on %4: %5:1")
                                    .arg(name, what, c.name(), bg.name())
                                    .arg(r, 0, 'f', 2);
            }
        };
        for (const QString role : {"running", "blocked", "waiting", "sleeping", "done", "accent"})
            check(role, wb::ui::stateColor(role));
        for (int i = 0; i < 8; ++i)
            check(QStringLiteral("series %1").arg(i), wb::ui::seriesColor(i));
        // Text on a spare slot uses the palette's Text colour.
        const double onSpare =
            wb::ui::contrastRatio(p.color(QPalette::Text), wb::ui::stateColor("spare"));
        if (onSpare < 4.5)
            failures << QStringLiteral("%1 text on spare: %2:1").arg(name).arg(onSpare);
        // readableOn reaches the minimum and keeps the hue.
        for (const QColor &bg : backgrounds) {
            const QColor yellow(240, 228, 66);
            const QColor r = wb::ui::readableOn(yellow, bg);
            QVERIFY2(wb::ui::contrastRatio(r, bg) >= 4.5, qPrintable(name + " " + r.name()));
            QVERIFY(qAbs(r.hslHue() - yellow.hslHue()) <= 2);
        }
    }
    wb::ui::applyTheme(*app, savedTheme);
    app->setPalette(saved);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join("; ")));
}

#include "shell_test.moc"

void ShellTest::secondKeysDriveTheTransportWhereverTheFocusIs()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    QVERIFY(w.showModule("fixture-good", "controls"));
    w.resize(1280, 720);
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    wb::ui::ModulePage *page = w.currentPage();
    QVERIFY(page);
    auto *c = w.transportBar()->controller();
    QVERIFY(c && c->count() == 20);

    auto *edit = page->findChild<QLineEdit *>("Name");
    auto *notes = page->findChild<QPlainTextEdit *>("Notes");
    auto *spin = page->findChild<QSpinBox *>("Count");
    auto *combo = page->findChild<QComboBox *>("Choice");
    auto *grid = page->findChild<QTableWidget *>("Grid");
    auto *apply = page->findChild<QPushButton *>("Apply");
    QVERIFY(edit && notes && spin && combo && grid && apply);
    const QList<QWidget *> focusTargets{edit, notes, spin, combo, grid, apply};
    for (QWidget *target : focusTargets) {
        const QByteArray name = target->objectName().toUtf8();
        target->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY2(target->hasFocus(), name.constData());
        c->pause();
        c->toStart();
        QWidget *focus = QApplication::focusWidget();
        QTest::keyClick(focus, Qt::Key_Right, Qt::AltModifier);
        QTest::keyClick(focus, Qt::Key_Right, Qt::AltModifier);
        QVERIFY2(c->position() == 2, name.constData());
        QTest::keyClick(focus, Qt::Key_Left, Qt::AltModifier);
        QVERIFY2(c->position() == 1, name.constData());
        QTest::keyClick(focus, Qt::Key_End, Qt::AltModifier);
        QVERIFY2(c->position() == 20, name.constData());
        QTest::keyClick(focus, Qt::Key_Home, Qt::AltModifier);
        QVERIFY2(c->position() == 0, name.constData());
        const double speed = c->speed();
        QTest::keyClick(focus, Qt::Key_Equal, Qt::AltModifier);
        QVERIFY2(c->speed() == speed * 2, name.constData());
        QTest::keyClick(focus, Qt::Key_Minus, Qt::AltModifier);
        QVERIFY2(c->speed() == speed, name.constData());
        QTest::keyClick(focus, Qt::Key_F5);
        QVERIFY2(c->isPlaying(), name.constData());
        QTest::keyClick(focus, Qt::Key_F5);
        QVERIFY2(!c->isPlaying(), name.constData());
        QVERIFY2(target->hasFocus(), name.constData()); // the keys never move the focus
    }
    // The controls were left as they were: the second keys never reached them.
    QCOMPARE(edit->text(), QStringLiteral("some text"));
    QCOMPARE(notes->toPlainText(), QStringLiteral("a line of notes"));
    QCOMPARE(spin->value(), 5);
    QCOMPARE(combo->currentIndex(), 1);
    QCOMPARE(grid->currentRow(), 1);
    QCOMPARE(grid->currentColumn(), 1);

    // The first keys stay with a control that uses them: the text cursor moves, Space
    // presses the focused button, and neither steps nor plays.
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    edit->setCursorPosition(0);
    c->toStart();
    QTest::keyClick(edit, Qt::Key_Right);
    QCOMPARE(edit->cursorPosition(), 1);
    QCOMPARE(c->position(), 0);
    apply->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(apply->hasFocus());
    QSignalSpy pressed(apply, &QPushButton::clicked);
    QTest::keyClick(apply, Qt::Key_Space);
    QCOMPARE(pressed.count(), 1);
    QVERIFY(!c->isPlaying());
    // A button a view focused itself does not keep Space: it plays.
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    apply->setFocus(Qt::OtherFocusReason);
    QTRY_VERIFY(apply->hasFocus());
    QTest::keyClick(apply, Qt::Key_Space);
    QCOMPARE(pressed.count(), 1);
    QVERIFY(c->isPlaying());
    c->pause();
    // Nor does a button the mouse just pressed: it plays, as before the click.
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(pressed.count(), 2);
    QTRY_VERIFY(apply->hasFocus());
    QTest::keyClick(apply, Qt::Key_Space);
    QCOMPARE(pressed.count(), 2);
    QVERIFY(c->isPlaying());
    c->pause();
    // Where the focus widget has no use for them (the trace, whose rows are selected whole),
    // the first keys step; Down there moves the cursor to the next row.
    auto *trace = page->findChild<wb::ui::TraceTable *>("FixtureTraceTable");
    QVERIFY(trace);
    trace->setFocus();
    QTRY_VERIFY(trace->hasFocus());
    QTest::keyClick(trace, Qt::Key_Right);
    QCOMPARE(c->position(), 1);
    QTest::keyClick(trace, Qt::Key_Down);
    QCOMPARE(c->position(), 2);
    QTest::keyClick(trace, Qt::Key_Home);
    QCOMPARE(c->position(), 0);

    // Tab reaches every control of the view, the trace included.
    QSet<QWidget *> reached;
    edit->setFocus();
    QTRY_VERIFY(edit->hasFocus());
    for (int i = 0; i < 40; ++i) {
        reached.insert(QApplication::focusWidget());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    }
    for (QWidget *target : focusTargets)
        QVERIFY2(reached.contains(target) || reached.contains(target->focusProxy()),
                 qPrintable(target->objectName()));
    QVERIFY(reached.contains(trace));
}

void ShellTest::theStepMenuAndTheBarNameTheSecondKeys()
{
    ModuleRegistry r;
    r.scan({m_fixtures});
    r.loadAll();
    MainWindow w(r);
    QMenu *step = nullptr;
    for (QAction *a : w.menuBar()->actions())
        if (a->menu() && a->text().remove('&') == "Step")
            step = a->menu();
    QVERIFY(step);
    QStringList lines;
    for (QAction *a : step->actions())
        if (!a->isSeparator())
            lines << a->text();
    const QString menu = lines.join('\n');
    for (const char *keys :
         {"Space, F5", "Right, Alt+Right", "Left, Alt+Left", "Home, Alt+Home", "End, Alt+End"})
        QVERIFY2(menu.contains(QLatin1String(keys)), qPrintable(menu));
    QStringList tips;
    for (auto *b : w.transportBar()->findChildren<QToolButton *>())
        tips << b->toolTip();
    const QString all = tips.join('\n');
    for (const char *keys : {"Space, F5", "Right, Alt+Right", "Left, Alt+Left"})
        QVERIFY2(all.contains(QLatin1String(keys)), qPrintable(all));
}

void ShellTest::layoutCheckNamesControlsTabNeverReaches()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    QVERIFY(w);
    wb::shell::LayoutCheckOptions options;
    options.sizes = {QSize(1280, 720)};
    options.presentation = false;
    options.moduleId = "fixture-good";
    options.viewId = "cramped";
    QStringList warnings;
    const QString report = wb::shell::checkLayout(*w, options, &warnings).join('\n');
    QVERIFY2(report.contains("QPushButton 'MouseOnly' \"Reset\" cannot be reached with Tab (its "
                             "focus policy is NoFocus)"),
             qPrintable(report));
    QVERIFY2(!report.contains("\"Run\" cannot be reached"), qPrintable(report));
    // Controls Tab enters and cannot leave are warnings.
    const QString warned = warnings.join('\n');
    QVERIFY2(warned.contains("QPlainTextEdit 'Script' takes Tab as text"), qPrintable(warned));
    QVERIFY2(warned.contains("QTableWidget 'Sheet' moves between its cells with Tab"),
             qPrintable(warned));
    QVERIFY2(!report.contains("'Sheet'"), qPrintable(report));

    // What the warning says of a table: Tab goes round its cells and never on.
    QWidget box;
    auto *column = new QVBoxLayout(&box);
    auto *sheet = new QTableWidget(2, 2);
    auto *after = new QPushButton("after");
    column->addWidget(sheet);
    column->addWidget(after);
    box.show();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    box.activateWindow();
    sheet->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(sheet->hasFocus());
    for (int i = 0; i < 12; ++i)
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QVERIFY(!after->hasFocus());
    sheet->setTabKeyNavigation(false);
    QTest::keyClick(sheet, Qt::Key_Tab);
    QVERIFY(after->hasFocus());

    // One control of each kind, each a Tab stop: nothing to report.
    options.viewId = "controls";
    options.presentation = true;
    const QStringList problems = wb::shell::checkLayout(*w, options);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void ShellTest::narrowLessonPaneShowsWideTablesAsCards()
{
    const QString lesson = QStringLiteral(
        "# Tables\n\n"
        "| hash | digest | block | words | steps | length field | status |\n"
        "|---|---|---|---|---|---|---|\n"
        "| MD5 (RFC 1321, 1992) | 128 | 64 bytes | 32-bit | 64 | 64-bit, little-endian | "
        "practical collisions since 2004 |\n"
        "| SHA-256 (FIPS 180-2, 2002) | 256 | 64 bytes | 32-bit | 64 | 64-bit, big-endian | "
        "**secure** |\n\n"
        "| bar | the thread is… |\n"
        "|---|---|\n"
        "| grey | done |\n");
    wb::ui::LessonView view;
    view.resize(300, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setLesson(lesson);
    // The seven columns do not fit 300 px; the two short ones do.
    QCOMPARE(view.tablesShownAsCards(), QList<bool>({true, false}));
    const QString text = view.document()->toPlainText();
    QVERIFY2(text.contains("digest: 128") && text.contains("status: secure") &&
                 text.contains("length field: 64-bit, big-endian"),
             qPrintable(text));
    QVERIFY(text.contains("SHA-256 (FIPS 180-2, 2002)"));
    int tables = 0, cards = 0;
    for (QTextFrame *f : view.document()->rootFrame()->childFrames())
        qobject_cast<QTextTable *>(f) ? ++tables : ++cards;
    QCOMPARE(tables, 1);
    QCOMPARE(cards, 2);
    // The value keeps its emphasis on the card; the title is bold.
    const int secure = text.indexOf("secure");
    QTextCursor at(view.document());
    at.setPosition(secure + 1);
    QVERIFY(at.charFormat().fontWeight() >= QFont::Bold);

    // A wide pane shows the table again.
    view.resize(1400, 600);
    QTRY_COMPARE(view.tablesShownAsCards(), QList<bool>({false, false}));
    tables = 0;
    for (QTextFrame *f : view.document()->rootFrame()->childFrames())
        tables += qobject_cast<QTextTable *>(f) ? 1 : 0;
    QCOMPARE(tables, 2);
}

void ShellTest::lessonCodeAndPaneTitlesGrowWithPresentationMode()
{
    ModuleRegistry r;
    auto w = shownWindow(r, QSize(1280, 720), 1280);
    QVERIFY(w);
    auto *lesson = w->findChild<wb::ui::LessonView *>();
    QVERIFY(lesson);
    lesson->setLesson(QStringLiteral("Call `acquire()` first.\n\n```\nlock.acquire()\n```\n"));
    auto codeSize = [lesson] {
        const QTextDocument *doc = lesson->document();
        const int at = doc->toPlainText().indexOf("acquire");
        QTextCursor c(const_cast<QTextDocument *>(doc));
        c.setPosition(at + 1);
        return c.charFormat().font().resolve(doc->defaultFont()).pointSizeF();
    };
    auto blockSize = [lesson] {
        const QTextDocument *doc = lesson->document();
        const int at = doc->toPlainText().indexOf("lock.acquire");
        QTextCursor c(const_cast<QTextDocument *>(doc));
        c.setPosition(at + 1);
        return c.charFormat().font().resolve(doc->defaultFont()).pointSizeF();
    };
    // Ink in the lesson pane's title strip: a larger title leaves more of it.
    auto titleInk = [&w] {
        auto *dock = w->findChild<QDockWidget *>("LessonDock");
        const int strip = dock->widget()->geometry().top();
        const QImage image = dock->grab(QRect(0, 0, dock->width() / 2, strip)).toImage();
        const QColor text = dock->palette().color(QPalette::WindowText);
        int ink = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                ink += wb::ui::contrastRatio(image.pixelColor(x, y),
                                             dock->palette().color(QPalette::Window)) > 3.0 &&
                       qAbs(image.pixelColor(x, y).lightness() - text.lightness()) < 60;
        return ink;
    };
    const qreal bodyBefore = lesson->document()->defaultFont().pointSizeF();
    const qreal codeBefore = codeSize();
    const qreal blockBefore = blockSize();
    const int inkBefore = titleInk();
    QVERIFY(inkBefore > 0);
    w->setPresentationMode(true, false);
    QCoreApplication::processEvents();
    const qreal bodyAfter = lesson->document()->defaultFont().pointSizeF();
    QVERIFY(bodyAfter > bodyBefore * 1.2);
    QVERIFY2(codeSize() > codeBefore * 1.2,
             qPrintable(QStringLiteral("%1 -> %2").arg(codeBefore).arg(codeSize())));
    QVERIFY2(blockSize() > blockBefore * 1.2,
             qPrintable(QStringLiteral("%1 -> %2").arg(blockBefore).arg(blockSize())));
    const int inkAfter = titleInk();
    QVERIFY2(inkAfter > inkBefore * 1.3,
             qPrintable(QStringLiteral("%1 -> %2").arg(inkBefore).arg(inkAfter)));
    w->setPresentationMode(false, false);
}

void ShellTest::pluginsBuiltForAnotherVersionAreRefused()
{
    ModuleRegistry r;
    r.setShellVersion(QStringLiteral(WB_VERSION));
    const QString other = qEnvironmentVariable("WB_FIXTURE_OTHER_VERSION_PLUGINS");
    QVERIFY2(!other.isEmpty(), "WB_FIXTURE_OTHER_VERSION_PLUGINS is not set");
    r.scan({m_fixtures, other});
    // Refused at the scan, before anything is loaded; the fixtures of this version load.
    const auto *refused = r.find("fixture-otherversion");
    QVERIFY(refused && !refused->available());
    QVERIFY2(refused->error.contains(refused->version) &&
                 refused->error.contains(QStringLiteral(WB_VERSION)) &&
                 refused->error.contains("rebuild"),
             qPrintable(refused->error));
    r.loadAll();
    QVERIFY(!r.find("fixture-otherversion")->available());
    const auto *good = r.find("fixture-good");
    QVERIFY2(good && good->available(), good ? qPrintable(good->error) : "no fixture-good");
    QCOMPARE(good->version, QStringLiteral(WB_VERSION));
}
