// Opening a recording in the shell: what cannot be opened says why and changes nothing.
// (Each module's own views are opened from real recordings in its ui tests.)
#include "shellwindow.h"

#include "workbench/core/recording.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

std::shared_ptr<wb::Trace> someTrace()
{
    auto t = std::make_shared<wb::Trace>();
    t->add("tick", "count to 1", {{"value", 1}});
    return t;
}

QString writeRecording(const QTemporaryDir &dir, const QString &name, const std::string &module,
                       const std::string &view)
{
    wb::Recording r;
    r.module = module;
    r.view = view;
    r.trace = someTrace();
    const QString path = dir.filePath(name);
    std::string error;
    if (!wb::writeRecording(path.toStdString(), r, true, error))
        qFatal("cannot write %s: %s", qPrintable(path), error.c_str());
    return path;
}

} // namespace

class RecordingShellTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void whatCannotBeOpenedSaysWhy()
    {
        ShellWindow shell;
        QVERIFY(shell.open(qEnvironmentVariable("WB_FIXTURE_PLUGINS")));
        wb::shell::MainWindow &window = *shell.window;
        QTemporaryDir dir;
        QString error;

        QFile text(dir.filePath("notes.wbrec"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("slide 1: lists\n");
        text.close();
        QVERIFY(!window.openRecording(text.fileName(), &error));
        QVERIFY2(error.contains("not a workbench recording"), qPrintable(error));

        QVERIFY(!window.openRecording(dir.filePath("missing.wbrec"), &error));
        QVERIFY2(error.contains("No such file"), qPrintable(error));

        QVERIFY(!window.openRecording(writeRecording(dir, "a.wbrec", "nosuch", "x"), &error));
        QVERIFY2(error.contains("'nosuch'") && error.contains("does not have"), qPrintable(error));

        QVERIFY(!window.openRecording(writeRecording(dir, "b.wbrec", "fixture-failinit", "x"),
                                      &error));
        QVERIFY2(error.contains("could not load"), qPrintable(error));

        QVERIFY(!window.openRecording(
            writeRecording(dir, "c.wbrec", "fixture-good", "no-such-view"), &error));
        QVERIFY2(error.contains("'no-such-view'"), qPrintable(error));

        // A view that keeps no recordings refuses, and the shell stays usable.
        QVERIFY(!window.openRecording(writeRecording(dir, "d.wbrec", "fixture-good", "counter"),
                                      &error));
        QVERIFY2(error.contains("does not show recordings"), qPrintable(error));
        QVERIFY(window.showModule("fixture-good", "second"));

        // Nothing to keep on a view without a run of its own.
        window.showHome();
        QVERIFY(!window.saveRecording(dir.filePath("home.wbrec"), &error));
        QVERIFY(!QFile::exists(dir.filePath("home.wbrec")));
    }
};

QTEST_MAIN(RecordingShellTest)
#include "recording_shell_test.moc"
