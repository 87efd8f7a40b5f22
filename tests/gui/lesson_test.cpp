// Presenting a lesson script: the clicker's PageDown and PageUp step through a slide's range
// and then change slides, B blanks the screen and the next key only brings it back, N hides
// the note. The slides are the fixture plugin's views.
#include "lessonpresenter.h"
#include "shellwindow.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using wb::shell::LessonPresenter;

class LessonTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void theClickerStepsThenChangesSlides()
    {
        ShellWindow shell;
        QVERIFY(shell.open(qEnvironmentVariable("WB_FIXTURE_PLUGINS")));
        wb::shell::MainWindow &window = *shell.window;
        QVERIFY(QTest::qWaitForWindowActive(&window));

        QTemporaryDir dir;
        const QString path = dir.filePath("class.lesson");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("lesson: Counting\n"
                "slide: Two to four\n"
                "  module: fixture-good\n"
                "  view: counter\n"
                "  steps: 2-4\n"
                "  note: Count **with** me.\n"
                "slide: The other view\n"
                "  module: fixture-good\n"
                "  view: second\n");
        f.close();
        QStringList problems;
        QVERIFY2(window.startLesson(path, &problems, 0, /*fullScreen=*/false),
                 qPrintable(problems.join('\n')));
        LessonPresenter *p = window.lessonPresenter();
        QVERIFY(p);
        QVERIFY(window.presentationMode());
        auto position = [&window] {
            return window.currentPage()->controller()->position();
        };
        QCOMPARE(p->current(), 0);
        QCOMPARE(position(), 2);
        QVERIFY(p->noteText().contains("with"));

        QTest::keyClick(&window, Qt::Key_PageDown);
        QCOMPARE(position(), 3);
        QTest::keyClick(&window, Qt::Key_PageDown);
        QCOMPARE(position(), 4);
        QTest::keyClick(&window, Qt::Key_PageDown); // the range is done: the next slide
        QCOMPARE(p->current(), 1);
        QCOMPARE(window.currentPage()->objectName(), QStringLiteral("second"));
        QVERIFY(p->noteText().isEmpty());
        QTest::keyClick(&window, Qt::Key_PageDown); // the last slide: it stays
        QCOMPARE(p->current(), 1);

        QTest::keyClick(&window, Qt::Key_PageUp); // back, at the end of the range
        QCOMPARE(p->current(), 0);
        QCOMPARE(position(), 4);
        QTest::keyClick(&window, Qt::Key_PageUp);
        QCOMPARE(position(), 3);

        QTest::keyClick(&window, Qt::Key_B);
        QVERIFY(p->isBlank());
        QTest::keyClick(&window, Qt::Key_PageDown); // only brings the slide back
        QVERIFY(!p->isBlank());
        QCOMPARE(position(), 3);

        QTest::keyClick(&window, Qt::Key_N);
        QVERIFY(p->noteText().isEmpty());
        QTest::keyClick(&window, Qt::Key_N);
        QVERIFY(!p->noteText().isEmpty());

        // A second script replaces the first; a broken one starts nothing.
        QFile bad(dir.filePath("bad.lesson"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("slide: x\n  module: fixture-good\n  view: nowhere\n");
        bad.close();
        problems.clear();
        QVERIFY(!window.startLesson(bad.fileName(), &problems));
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].startsWith(bad.fileName() + ":1:"), qPrintable(problems[0]));
        QCOMPARE(window.lessonPresenter(), p); // the lesson in class goes on
    }
};

QTEST_MAIN(LessonTest)
#include "lesson_test.moc"
