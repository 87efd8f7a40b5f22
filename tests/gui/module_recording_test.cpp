// Every real module's views, kept and opened again in another process: each view with steps
// runs its opening example, its recording is written to a file, and a child process (this
// same binary with --child) opens the file on a new page of the same view and draws it at five
// cursor positions. The pictures must equal the original's pixel for pixel. The CLI's
// `--record` files are opened the same way, here and in a child, and must agree too.
//
// On a difference the two pictures are kept in $TMPDIR/wb-module-recording/ for a look.
#include "moduleregistry.h"

#include "workbench/core/recording.h"
#include "workbench/ui/moduleinterface.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QStyleHints>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <memory>

using wb::shell::ModuleEntry;
using wb::shell::ModuleRegistry;

namespace {

const QSize kPageSize(1000, 640);
constexpr int kSettleMs = 250;   // after a seek: the page redraws, animations come to rest
constexpr int kReadyMs = 30'000; // the most an opening example may take
constexpr int kStableMs = 600;   // no new event for this long: the run is over
constexpr int kChildMs = 90'000; // the most the child may take for one file

void loadModules(ModuleRegistry &registry)
{
    registry.setShellVersion(QStringLiteral(WB_VERSION));
    registry.scan({QStringLiteral(WB_TEST_PLUGIN_DIR)});
    registry.loadAll();
}

// A page of `view`, shown at kPageSize as the shell would host it.
std::unique_ptr<wb::ui::ModulePage> openPage(const ModuleEntry &entry, const QString &view)
{
    std::unique_ptr<wb::ui::ModulePage> page(entry.module->createView(view, nullptr));
    if (!page)
        return page;
    page->setObjectName(view);
    page->resize(kPageSize);
    page->show();
    return page;
}

QImage pictureAt(wb::ui::ModulePage &page, qsizetype position)
{
    page.controller()->seek(position);
    QTest::qWait(kSettleMs);
    return page.grab().toImage().convertToFormat(QImage::Format_ARGB32);
}

// The five positions a round trip compares: start, quarters, end.
QList<qsizetype> fivePositions(qsizetype count)
{
    const qsizetype last = std::max<qsizetype>(count - 1, 0);
    return {0, last / 4, last / 2, last * 3 / 4, last};
}

QString positionsArg(const QList<qsizetype> &positions)
{
    QStringList s;
    for (qsizetype p : positions)
        s << QString::number(p);
    return s.join(',');
}

// --child FILE OUTDIR POSITIONS: open the recording as the shell does (the view first shown,
// then handed the recording) and write OUTDIR/<position>.png for each position.
int runChild(const QStringList &args)
{
    if (args.size() != 5) {
        std::fprintf(stderr, "usage: --child FILE OUTDIR POSITIONS\n");
        return 2;
    }
    wb::Recording r;
    try {
        r = wb::readRecording(args[2].toStdString());
    } catch (const wb::RecordingError &e) {
        std::fprintf(stderr, "child: %s\n", e.what());
        return 2;
    }
    ModuleRegistry registry;
    loadModules(registry);
    const ModuleEntry *entry = registry.find(QString::fromStdString(r.module));
    if (!entry || !entry->available()) {
        std::fprintf(stderr, "child: module %s is not available\n", r.module.c_str());
        return 2;
    }
    auto page = openPage(*entry, QString::fromStdString(r.view));
    if (!page) {
        std::fprintf(stderr, "child: no view %s\n", r.view.c_str());
        return 2;
    }
    QTest::qWait(kSettleMs); // as in the shell: the view is up before the recording comes
    QString error;
    if (!page->showRecording(r, &error)) {
        std::fprintf(stderr, "child: %s\n", qPrintable(error));
        return 2;
    }
    if (!page->controller()) {
        std::fprintf(stderr, "child: the view has no controller after opening\n");
        return 2;
    }
    for (const QString &p : args[4].split(',')) {
        const QImage image = pictureAt(*page, p.toLongLong());
        if (!image.save(args[3] + "/" + p + ".png")) {
            std::fprintf(stderr, "child: cannot write %s\n", qPrintable(args[3]));
            return 2;
        }
    }
    page->shutdown();
    return 0;
}

// Where differing pictures are kept.
QString keepDir()
{
    const QString dir = QDir::temp().filePath(QStringLiteral("wb-module-recording"));
    QDir().mkpath(dir);
    return dir;
}

// How the two pictures differ, or empty when they are equal.
QString difference(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return QStringLiteral("sizes %1x%2 and %3x%4")
            .arg(a.width())
            .arg(a.height())
            .arg(b.width())
            .arg(b.height());
    QRect box;
    int count = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (a.pixel(x, y) != b.pixel(x, y)) {
                ++count;
                box |= QRect(x, y, 1, 1);
            }
    if (count == 0)
        return {};
    return QStringLiteral("%1 pixels differ, within (%2,%3) %4x%5")
        .arg(count)
        .arg(box.x())
        .arg(box.y())
        .arg(box.width())
        .arg(box.height());
}

// Opens `file` in a child process and compares its pictures with `originals`.
void compareWithChild(const QString &file, const QString &name, const QList<qsizetype> &positions,
                      const QList<QImage> &originals)
{
    QTemporaryDir out;
    QVERIFY(out.isValid());
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--child"), file, out.path(), positionsArg(positions)});
    QVERIFY2(child.waitForFinished(kChildMs), "the child did not finish");
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             qPrintable(QStringLiteral("the child failed to open %1: %2")
                            .arg(name, QString::fromLocal8Bit(child.readAllStandardError()))));
    for (int i = 0; i < positions.size(); ++i) {
        const QImage reopened(out.path() + "/" + QString::number(positions[i]) + ".png");
        QVERIFY2(!reopened.isNull(), "the child wrote no picture");
        const QImage original = originals[i].convertToFormat(QImage::Format_ARGB32);
        const QString diff = difference(original, reopened.convertToFormat(QImage::Format_ARGB32));
        if (!diff.isEmpty()) {
            const QString stem = keepDir() + "/" + name + "-" + QString::number(positions[i]);
            original.save(stem + "-original.png");
            reopened.save(stem + "-reopened.png");
            QFAIL(qPrintable(QStringLiteral("%1 at step %2: %3 (pictures in %4-*.png)")
                                 .arg(name)
                                 .arg(positions[i])
                                 .arg(diff, stem)));
        }
    }
}

// Waits until the page's opening run is over: a controller, a recording with events, not
// live, no new event for kStableMs. False on timeout.
bool waitForRun(wb::ui::ModulePage &page, QString *why)
{
    QElapsedTimer clock;
    clock.start();
    qsizetype lastCount = -1;
    qint64 lastChange = 0;
    while (clock.elapsed() < kReadyMs) {
        QTest::qWait(50);
        wb::ui::StepController *c = page.controller();
        if (!c || c->isLive())
            continue;
        const qsizetype count = c->count();
        if (count != lastCount) {
            lastCount = count;
            lastChange = clock.elapsed();
            continue;
        }
        if (count > 0 && clock.elapsed() - lastChange >= kStableMs)
            return true;
    }
    *why = page.controller() ? QStringLiteral("its run never settled (%1 events)").arg(lastCount)
                             : QStringLiteral("it has no controller");
    return false;
}

} // namespace

class ModuleRecordingTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        loadModules(m_registry);
        int available = 0;
        for (const ModuleEntry &e : m_registry.entries())
            available += e.available() ? 1 : 0;
        QVERIFY2(available >= 5, "the five modules did not load");
        QVERIFY(m_files.isValid());
    }

    // Every view with steps keeps a recording, and it opens in another process the same.
    void viewRoundTrip_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<QString>("view");
        for (const ModuleEntry &e : m_registry.entries())
            if (e.available())
                for (const auto &v : e.module->views())
                    QTest::newRow(qPrintable(e.id + "-" + v.id)) << e.id << v.id;
    }

    void viewRoundTrip()
    {
        QFETCH(QString, module);
        QFETCH(QString, view);
        const ModuleEntry *entry = m_registry.find(module);
        auto page = openPage(*entry, view);
        QVERIFY(page);
        QTest::qWait(kSettleMs);
        if (!page->controller() && page->recording().trace == nullptr)
            QSKIP("this view has no steps");
        QString why;
        QVERIFY2(waitForRun(*page, &why), qPrintable(why));
        wb::Recording r = page->recording();
        QVERIFY2(r.trace, "a view with steps keeps no recording");
        QVERIFY2(!r.trace->empty(), "the recording is empty");
        r.module = module.toStdString();
        r.moduleVersion = entry->version.toStdString();
        r.view = view.toStdString();
        const qsizetype count = page->controller()->count();
        QCOMPARE(static_cast<qsizetype>(r.trace->size()), count);

        const QString file = m_files.filePath(module + "-" + view + ".wbrec");
        std::string error;
        QVERIFY2(wb::writeRecording(file.toStdString(), r, true, error), error.c_str());

        const QList<qsizetype> positions = fivePositions(count);
        QList<QImage> originals;
        for (qsizetype p : positions)
            originals << pictureAt(*page, p);
        page->shutdown();
        page.reset();
        compareWithChild(file, module + "-" + view, positions, originals);
    }

    // The CLI's --record files open in their view, and draw the same here and in a child.
    void cliRecording_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("module");
        QTest::newRow("crypto-trace-md5")
            << QStringList{"crypto", "trace", "md5", "--text", "abc"} << QByteArray() << "crypto";
        QTest::newRow("crypto-trace-des-cbc") << QStringList{"crypto",
                                                             "trace",
                                                             "des",
                                                             "--key",
                                                             "133457799BBCDFF1",
                                                             "--mode",
                                                             "cbc",
                                                             "--iv",
                                                             "0000000000000000",
                                                             "--text",
                                                             "Now is the time for all "}
                                              << QByteArray() << "crypto";
        QTest::newRow("crypto-trace-arc4")
            << QStringList{"crypto", "trace", "arc4", "--key", "4B6579", "--text", "Plaintext"}
            << QByteArray() << "crypto";
        QTest::newRow("list-sort")
            << QStringList{"list", "sort"} << QByteArray("5 3 9 1 4 8 2 7 6 0 11 15 13 12 14 10\n")
            << "list";
        QTest::newRow("threads-run")
            << QStringList{"threads", "run", "fetch-nolock", "--seed", "7"} << QByteArray()
            << "threads";
        QTest::newRow("messaging-demo") << QStringList{"messaging", "demo", "--broker", "embedded",
                                                       "--count",   "12",   "--seed",   "3"}
                                        << QByteArray() << "messaging";
        QTest::newRow("nova-launch")
            << QStringList{"nova", "launch", "--seed", "2"} << QByteArray() << "nova";
    }

    void cliRecording()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, module);
        const QString name = QString::fromLatin1(QTest::currentDataTag());
        const QString file = m_files.filePath("cli-" + name + ".wbrec");
        QProcess cli;
        cli.start(QStringLiteral(WB_TEST_CLI), args + QStringList{"--record", file});
        QVERIFY(cli.waitForStarted());
        cli.write(input);
        cli.closeWriteChannel();
        QVERIFY2(cli.waitForFinished(60'000), "the CLI did not finish");
        QVERIFY2(cli.exitCode() == 0,
                 qPrintable(QStringLiteral("%1 exited %2: %3")
                                .arg(args.join(' '))
                                .arg(cli.exitCode())
                                .arg(QString::fromLocal8Bit(cli.readAllStandardError()))));

        wb::Recording r;
        try {
            r = wb::readRecording(file.toStdString());
        } catch (const wb::RecordingError &e) {
            QFAIL(e.what());
        }
        QCOMPARE(QString::fromStdString(r.module), module);
        const ModuleEntry *entry = m_registry.find(module);
        QVERIFY(entry && entry->available());
        auto page = openPage(*entry, QString::fromStdString(r.view));
        QVERIFY2(page, qPrintable("no view " + QString::fromStdString(r.view)));
        QTest::qWait(kSettleMs);
        QString error;
        QVERIFY2(page->showRecording(r, &error), qPrintable(error));
        QVERIFY(page->controller());
        QCOMPARE(page->controller()->count(), static_cast<qsizetype>(r.trace->size()));
        QCOMPARE(page->controller()->position(), static_cast<qsizetype>(r.cursor));

        const QList<qsizetype> positions = fivePositions(page->controller()->count());
        QList<QImage> pictures;
        for (qsizetype p : positions)
            pictures << pictureAt(*page, p);
        page->shutdown();
        page.reset();
        compareWithChild(file, name, positions, pictures);
    }

private:
    ModuleRegistry m_registry;
    QTemporaryDir m_files;
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    // A text field with focus blinks its cursor on the clock, not on the trace.
    QGuiApplication::styleHints()->setCursorFlashTime(0);
    const QStringList args = app.arguments();
    if (args.size() > 1 && args[1] == QLatin1String("--child"))
        return runChild(args);
    ModuleRecordingTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "module_recording_test.moc"
