// File > Export Steps: a GIF with exactly the frames asked for (decoded back with giflib), a
// PDF with a page per step (counted by poppler's pdfinfo), ranges read as a teacher types
// them, and a cancelled or refused export that leaves nothing behind.
#include "stepexport.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QDir>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <gif_lib.h>

namespace {

// A view that draws its cursor position as a bar as long as the position, so that every
// step looks different.
class BarPage : public wb::ui::ModulePage
{
public:
    BarPage()
    {
        auto trace = std::make_shared<wb::Trace>();
        for (int i = 0; i < 30; ++i)
            trace->add(i % 2 ? "merge_begin" : "compare", "event " + std::to_string(i + 1));
        m_controller.setTrace(trace, 3);
        connect(&m_controller, &wb::ui::StepController::positionChanged, this,
                [this] { update(); });
        resize(320, 200);
    }
    wb::ui::StepController *controller() const override
    {
        return const_cast<wb::ui::StepController *>(&m_controller);
    }
    QString lessonMarkdown() const override
    {
        return QStringLiteral("# Title\n\nThe opening paragraph.\n\nA merge begins when two "
                              "runs meet.\n\n## Sources\n\n- a merge_begin reference\n");
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), Qt::white);
        p.fillRect(QRect(0, 80, static_cast<int>(m_controller.position()) * 10, 40), Qt::blue);
    }

private:
    wb::ui::StepController m_controller;
};

struct Gif
{
    int frames = -1;
    int width = 0, height = 0;
    std::vector<std::vector<GifByteType>> pixels;
};

Gif decodeGif(const QString &path)
{
    Gif out;
    int err = 0;
    GifFileType *gif = DGifOpenFileName(path.toLocal8Bit().constData(), &err);
    if (!gif)
        return out;
    if (DGifSlurp(gif) == GIF_OK) {
        out.frames = gif->ImageCount;
        out.width = gif->SWidth;
        out.height = gif->SHeight;
        for (int i = 0; i < gif->ImageCount; ++i) {
            const SavedImage &im = gif->SavedImages[i];
            out.pixels.emplace_back(im.RasterBits,
                                    im.RasterBits + im.ImageDesc.Width * im.ImageDesc.Height);
        }
    }
    DGifCloseFile(gif, &err);
    return out;
}

wb::shell::StepExportRequest request(qsizetype from, qsizetype to, const QString &path,
                                     qsizetype every = 1)
{
    wb::shell::StepExportRequest r;
    r.from = from;
    r.to = to;
    r.every = every;
    r.path = path;
    return r;
}

int pdfPages(const QString &path)
{
    QProcess p;
    p.start(QStringLiteral("pdfinfo"), {path});
    if (!p.waitForFinished(20000) || p.exitCode() != 0)
        return -1;
    for (const QByteArray &line : p.readAllStandardOutput().split('\n'))
        if (line.startsWith("Pages:"))
            return line.mid(6).trimmed().toInt();
    return -1;
}

} // namespace

class StepExportTest : public QObject
{
    Q_OBJECT
private slots:
    void rangesAreReadAsTyped()
    {
        qsizetype a = -1, b = -1;
        QString error;
        QVERIFY(wb::shell::parseStepRange("3-12", 30, &a, &b, &error));
        QCOMPARE(a, 3);
        QCOMPARE(b, 12);
        QVERIFY(wb::shell::parseStepRange("5-", 30, &a, &b, &error));
        QCOMPARE(b, 30);
        QVERIFY(wb::shell::parseStepRange("-4", 30, &a, &b, &error));
        QCOMPARE(a, 0);
        QVERIFY(wb::shell::parseStepRange(" 7 ", 30, &a, &b, &error));
        QCOMPARE(a, 7);
        QCOMPARE(b, 7);
        for (const char *bad : {"", "-", "a-b", "3-31", "12-3", "1-2-3", "x"}) {
            QVERIFY2(!wb::shell::parseStepRange(bad, 30, &a, &b, &error), bad);
            QVERIFY2(!error.isEmpty(), bad);
        }
        QCOMPARE(wb::shell::exportPositions(request(2, 11, {}, 4)),
                 (QList<qsizetype>{2, 6, 10, 11}));
    }

    void aGifHasExactlyTheRequestedFrames()
    {
        QTemporaryDir dir;
        BarPage page;
        const auto r = request(2, 20, dir.filePath("bars.gif"), 6); // 2, 8, 14, 20
        QString error;
        int calls = 0;
        QVERIFY2(wb::shell::exportSteps(
                     &page, page.controller(), r,
                     [&](int done, int total) {
                         ++calls;
                         return done <= total;
                     },
                     &error),
                 qPrintable(error));
        QCOMPARE(calls, 4);
        QCOMPARE(page.controller()->position(), 3); // the cursor is put back
        const Gif gif = decodeGif(r.path);
        QCOMPARE(gif.frames, 4);
        QCOMPARE(gif.width, 320);
        QVERIFY(gif.height > 200); // the view and the caption strip under it
        for (int i = 1; i < gif.frames; ++i)
            QVERIFY2(gif.pixels[i] != gif.pixels[i - 1], "two steps gave the same frame");
    }

    void aPdfHasAPagePerStep()
    {
        if (QStandardPaths::findExecutable("pdfinfo").isEmpty())
            QFAIL("pdfinfo (poppler-utils) is needed to count the pages; "
                  "scripts/install-deps.sh installs it");
        QTemporaryDir dir;
        BarPage page;
        const auto r = request(0, 4, dir.filePath("steps.pdf"));
        QString error;
        QVERIFY2(wb::shell::exportSteps(&page, page.controller(), r, {}, &error),
                 qPrintable(error));
        QCOMPARE(pdfPages(r.path), 5);
    }

    void theLessonParagraphFollowsTheStep()
    {
        BarPage page;
        QCOMPARE(wb::shell::lessonParagraphFor(page.lessonMarkdown(), "merge_begin"),
                 QStringLiteral("A merge begins when two runs meet."));
        QCOMPARE(wb::shell::lessonParagraphFor(page.lessonMarkdown(), "compare"),
                 QStringLiteral("The opening paragraph."));
        QCOMPARE(wb::shell::lessonParagraphFor({}, "compare"), QString());
    }

    void aCancelledExportLeavesNothing()
    {
        QTemporaryDir dir;
        BarPage page;
        const auto r = request(0, 10, dir.filePath("never.gif"));
        QString error;
        bool cancelled = false;
        QVERIFY(!wb::shell::exportSteps(
            &page, page.controller(), r, [](int done, int) { return done < 3; }, &error,
            &cancelled));
        QVERIFY(cancelled);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
        QCOMPARE(page.controller()->position(), 3);
    }

    void badTargetsAreRefusedBeforeAnythingIsDrawn()
    {
        QTemporaryDir dir;
        BarPage page;
        auto r = request(0, 3, dir.path()); // a folder
        QString error;
        r.format = "gif";
        QVERIFY(!wb::shell::exportSteps(&page, page.controller(), r, {}, &error));
        QVERIFY(!error.isEmpty());
        r.format.clear();
        r.path = dir.filePath("steps.png");
        QVERIFY(!wb::shell::exportSteps(&page, page.controller(), r, {}, &error));
        QVERIFY2(error.contains(".gif"), qPrintable(error));
        r.path = dir.filePath("steps.gif");
        r.to = 31; // past the end
        QVERIFY(!wb::shell::exportSteps(&page, page.controller(), r, {}, &error));
        QVERIFY(!QFile::exists(r.path));
    }
};

QTEST_MAIN(StepExportTest)
#include "stepexport_test.moc"
