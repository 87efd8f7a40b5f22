// The crypto module's views, driven as a learner drives them: digests shown equal the core's,
// the state at the cursor equals what the core computed, stepping back works, bad input shows
// a message, and background work finishes, cancels and stops on shutdown.
#include "appsview.h"
#include "cipherview.h"
#include "hashview.h"
#include "streamview.h"

#include "crypto/core/checksum.h"
#include "crypto/core/hash.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QApplication>
#include <QLabel>

#include <QHeaderView>
#include <QTabWidget>

#include <QTemporaryFile>
#include <QTest>

#include <chrono>

using namespace wb::crypto;
using namespace wb::crypto::ui;

class CryptoUiTest : public QObject
{
    Q_OBJECT
private slots:
    void hashTableShowsTheCoreDigests();
    void md5StepsForwardAndBack();
    void badHexShowsAnErrorAndDoesNotCrash();
    void avalancheReachesAboutHalf();
    void desRoundsEndWithTheBriefCiphertext();
    void modesAndImageLeak();
    void eventTablesShowTheirColumns();
    void screenshotHookOpensTheRequestedPart();
    void arc4ReproducesTheBriefAndStepsBack();
    void checksumMatchesTheCoreAndCancels();
    void passwordsAndMeasureStopOnShutdown();
    void textKeepsItsContrastInBothPalettes();
};

void CryptoUiTest::hashTableShowsTheCoreDigests()
{
    HashPage page;
    page.setInput("abc", false);
    QCOMPARE(page.shownDigest(HashAlg::Md2), QStringLiteral("da853b0d3f88d99b30283a69e6ded6bb"));
    QCOMPARE(page.shownDigest(HashAlg::Md5), QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    page.setInput("The quick brown fox", false);
    for (HashAlg alg : kAllHashAlgs)
        QCOMPARE(page.shownDigest(alg),
                 QString::fromStdString(toHex(digest(alg, "The quick brown fox"))));
}

void CryptoUiTest::md5StepsForwardAndBack()
{
    HashPage page;
    page.setInput("61 62 63", true);
    page.setStepAlgorithm(HashAlg::Md5);
    auto *c = page.controller();
    // Opens after the first step: B is the register that step computed.
    QCOMPARE(page.stateAtCursor().step, 0);
    QCOMPARE(page.stateAtCursor().fresh, (std::vector<bool>{false, true, false, false}));
    QCOMPARE(page.stateAtCursor().block.size(), std::size_t(64));
    QCOMPARE(int(page.stateAtCursor().block[3]), 0x80);
    c->toEnd();
    QCOMPARE(QString::fromStdString(toHex(page.stateAtCursor().digest)),
             QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    // Back from the end to step 40: same registers as a fresh replay to there.
    c->toStart();
    for (int i = 0; i <= 40; ++i)
        QVERIFY(c->nextOfKind("step"));
    const auto forward = page.stateAtCursor().registers;
    QCOMPARE(page.stateAtCursor().step, 40);
    c->toEnd();
    c->previousOfKind("step");
    while (page.stateAtCursor().step > 40)
        c->stepBack();
    QCOMPARE(page.stateAtCursor().registers, forward);
    // Every algorithm can be stepped to its end and gives the core's digest.
    for (HashAlg alg : kAllHashAlgs) {
        page.setStepAlgorithm(alg);
        c->toEnd();
        QCOMPARE(page.stateAtCursor().digest, digest(alg, "abc"));
    }
}

void CryptoUiTest::badHexShowsAnErrorAndDoesNotCrash()
{
    HashPage page;
    page.setInput("6g", true);
    QVERIFY(!page.errorText().isEmpty());
    QVERIFY(page.shownDigest(HashAlg::Sha256).isEmpty());
    page.setInput("616", true);
    QVERIFY(!page.errorText().isEmpty());
    page.controller()->toEnd(); // still the last good trace
    page.setInput("", false);   // the empty message hashes fine
    QCOMPARE(page.shownDigest(HashAlg::Md5), QStringLiteral("d41d8cd98f00b204e9800998ecf8427e"));
    QVERIFY(page.errorText().isEmpty());

    CipherPage cipher;
    QVERIFY(!cipher.setKeyAndBlock("zz", "6162636465666768"));
    QVERIFY(!cipher.errorText().isEmpty());
    QVERIFY(!cipher.setKeyAndBlock("3031323334353637", "6162"));
    QVERIFY(cipher.setKeyAndBlock("3031323334353637", "6162636465666768"));
    QVERIFY(cipher.errorText().isEmpty());
}

void CryptoUiTest::avalancheReachesAboutHalf()
{
    HashPage page;
    page.setInput("abc", false);
    page.setStepAlgorithm(HashAlg::Sha256);
    const auto &a = page.avalanche();
    QCOMPARE(a.size(), std::size_t(64));
    QVERIFY(a.front() <= 4);
    QVERIFY(a.back() > 80 && a.back() < 176);
}

void CryptoUiTest::desRoundsEndWithTheBriefCiphertext()
{
    CipherPage page;
    QCOMPARE(page.ciphertext(), std::uint64_t(0xecc29ed95d2061d0));
    auto *c = page.controller();
    QCOMPARE(page.stateAtCursor().round, 1);
    c->toEnd();
    QVERIFY(page.stateAtCursor().done);
    QCOMPARE(page.stateAtCursor().output, std::uint64_t(0xecc29ed95d2061d0));
    QCOMPARE(page.stateAtCursor().subkeys.size(), std::size_t(16));
    c->previousOfKind("des_round");
    const auto r16 = page.stateAtCursor();
    QCOMPARE(r16.round, 16);
    c->stepBack();
    QCOMPARE(page.stateAtCursor().round, 15);
    QCOMPARE(page.stateAtCursor().r, r16.l); // L16 = R15
    // The typo key of the tutorial differs only in parity bits: same ciphertext.
    QVERIFY(page.setKeyAndBlock("3130323334353637", "6162636465666768"));
    QCOMPARE(page.ciphertext(), std::uint64_t(0xecc29ed95d2061d0));
}

void CryptoUiTest::modesAndImageLeak()
{
    CipherPage page;
    QVERIFY(page.setMode(Mode::Ecb, QString()));
    QVERIFY(page.modeOutputHex().startsWith("ecc29ed95d2061d0ecc29ed95d2061d0"));
    QVERIFY(page.setMode(Mode::Cfb8, "0001020304050607"));
    QVERIFY(!page.setMode(Mode::Cbc, "00010203")); // a 4-byte IV is refused
    QVERIFY(!page.setMode(Mode::Cbc, "zz"));
    // ECB: two horizontally adjacent white pixel pairs encrypt alike; CBC: they do not.
    const ImageLeak *img = page.imageLeak();
    QCOMPARE(img->ecb().pixel(0, 0), img->ecb().pixel(2, 0));
    QCOMPARE(img->ecb().pixel(1, 0), img->ecb().pixel(3, 0));
    QVERIFY(img->cbc().pixel(0, 0) != img->cbc().pixel(2, 0));
}

// Beside a wide canvas the event table used to shrink to its Step column. At a window a
// laptop gives the page, every view's table shows Step, Kind and the description.
template <typename Page> void checkEventTable(const char *view)
{
    Page page;
    page.resize(1000, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto *table = page.template findChild<wb::ui::TraceTable *>();
    QVERIFY2(table, view);
    QVERIFY2(table->isVisible(), view);
    QVERIFY2(table->isColumnHidden(wb::ui::TraceModel::Thread), view); // single-threaded
    const int labelStart =
        table->horizontalHeader()->sectionViewportPosition(wb::ui::TraceModel::Label);
    const QFontMetrics fm(table->font());
    QVERIFY2(labelStart > 0, view);
    QVERIFY2(table->viewport()->width() - labelStart >=
                 fm.horizontalAdvance(QStringLiteral("DES initial permutation")),
             view);
}

void CryptoUiTest::eventTablesShowTheirColumns()
{
    checkEventTable<CipherPage>("cipher");
    checkEventTable<HashPage>("hash");
    checkEventTable<StreamPage>("stream");
}

void CryptoUiTest::screenshotHookOpensTheRequestedPart()
{
    qputenv("WB_CRYPTO_SHOW", "cipher:modes");
    {
        CipherPage page;
        QCOMPARE(page.findChild<QTabWidget *>()->currentIndex(), 1);
    }
    qputenv("WB_CRYPTO_SHOW", "cipher:image");
    {
        CipherPage page;
        QCOMPARE(page.findChild<QTabWidget *>()->currentIndex(), 2);
    }
    qputenv("WB_CRYPTO_SHOW", "hash:md2");
    {
        HashPage page;
        QCOMPARE(page.stepAlgorithm(), HashAlg::Md2);
        CipherPage other; // the hook names one view; the others open as usual
        QCOMPARE(other.findChild<QTabWidget *>()->currentIndex(), 0);
    }
    qunsetenv("WB_CRYPTO_SHOW");
    HashPage page;
    QCOMPARE(page.stepAlgorithm(), HashAlg::Md5);
}

void CryptoUiTest::arc4ReproducesTheBriefAndStepsBack()
{
    StreamPage page;
    QCOMPARE(QString::fromStdString(toHex(page.ciphertext())),
             QStringLiteral("f0b7907b234142585939d0369fc08c20"));
    auto *c = page.controller();
    QCOMPARE(page.stateAtCursor().keystream.size(), std::size_t(1));
    c->toEnd();
    QCOMPARE(page.stateAtCursor().out, page.ciphertext());
    c->toStart();
    QCOMPARE(page.stateAtCursor().phase, Arc4ReplayState::Phase::Start);
    c->stepForward();
    QCOMPARE(page.stateAtCursor().phase, Arc4ReplayState::Phase::KeySchedule);
    QCOMPARE(page.stateAtCursor().i, 0);
    QCOMPARE(page.stateAtCursor().j, 0x30); // 0 + S[0] + '0'
    QVERIFY(!page.setKeyAndText("", "abc"));
    QVERIFY(!page.errorText().isEmpty());
}

void CryptoUiTest::checksumMatchesTheCoreAndCancels()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    QByteArray data(3 * 1024 * 1024 + 17, '\0');
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 7 + i / 251);
    file.write(data);
    file.flush();
    AppsPage page;
    page.startChecksum(file.fileName());
    QTRY_VERIFY_WITH_TIMEOUT(!page.checksumRunning(), 30000);
    const auto expected = checksumFile(file.fileName().toStdString(), kAllHashAlgs);
    QVERIFY(expected);
    for (int r = 0; r < 5; ++r)
        QCOMPARE(page.checksumShown(r),
                 QString::fromStdString(toHex((*expected)[std::size_t(r)])));
    // Cancel right away: the job stops and says so.
    page.startChecksum(file.fileName());
    page.cancelChecksum();
    QTRY_VERIFY_WITH_TIMEOUT(!page.checksumRunning(), 10000);
    QVERIFY(page.checksumStatus().contains("Cancelled") ||
            page.checksumStatus().startsWith("Done"));
    page.startChecksum("/nonexistent/file");
    QVERIFY(page.checksumStatus().contains("Not a readable file"));
}

void CryptoUiTest::passwordsAndMeasureStopOnShutdown()
{
    {
        AppsPage page;
        page.setPassword("password");
        QVERIFY(page.md5Shown().startsWith("5f4dcc3b5aa765d61d8327deb882cf99"));
        QTRY_VERIFY_WITH_TIMEOUT(page.pbkdf2Shown().contains("ms per guess"), 20000);
        page.startMeasure();
        QTRY_VERIFY_WITH_TIMEOUT(!page.measuring(), 10000);
        QVERIFY(page.guessesPerSecond() > 1000);
    }
    // Shutdown in the middle of a measurement returns within a second.
    AppsPage page;
    page.startMeasure();
    const auto start = std::chrono::steady_clock::now();
    page.shutdown();
    QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}

// Every text and line colour in `inks` keeps 4.5:1 against the colour it was drawn on; the
// message names the first pair that does not.
bool legible(const QList<QPair<QColor, QColor>> &inks, const QString &where, QString *why)
{
    if (inks.isEmpty()) {
        *why = where + ": nothing was drawn";
        return false;
    }
    for (const auto &[ink, paper] : inks) {
        const double ratio = wb::ui::contrastRatio(ink, composite(paper, QColor(Qt::white)));
        if (ink.alpha() != 255 || ratio < 4.5) {
            *why = QStringLiteral("%1: %2 on %3 is %4:1")
                       .arg(where, ink.name(QColor::HexArgb), paper.name(QColor::HexArgb))
                       .arg(ratio, 0, 'f', 2);
            return false;
        }
    }
    return true;
}

// The hash and ARC4 drawings at several steps, in the light palette and again after a switch
// to the dark one (the same pages: colours are taken when painting): every text and line
// keeps 4.5:1 against what it is drawn on.
void CryptoUiTest::textKeepsItsContrastInBothPalettes()
{
    auto &app = *qobject_cast<QApplication *>(QCoreApplication::instance());
    wb::ui::applyTheme(app, wb::ui::Theme::Light);
    HashPage hash;
    StreamPage stream;
    HashPage bad; // shows an error, in a colour that must follow the palette
    bad.setInput("6g", true);
    QLabel *error = nullptr;
    for (QLabel *l : bad.findChildren<QLabel *>())
        if (l->text() == bad.errorText())
            error = l;
    QVERIFY(error);
    for (QWidget *page : {static_cast<QWidget *>(&hash), static_cast<QWidget *>(&stream)}) {
        page->resize(1100, 760);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page));
    }
    for (const auto theme : {wb::ui::Theme::Light, wb::ui::Theme::Dark}) {
        wb::ui::applyTheme(app, theme);
        QCoreApplication::processEvents();
        const QString palette = theme == wb::ui::Theme::Dark ? "dark" : "light";
        const QColor text = app.palette().color(QPalette::Text);
        QString why;
        for (HashAlg alg : kAllHashAlgs) {
            hash.setStepAlgorithm(alg);
            auto *c = hash.controller();
            for (int at : {0, 1, 2}) {
                if (at == 0)
                    c->toStart();
                else if (at == 2)
                    c->toEnd();
                else // the opening position: a step with fresh registers or bytes
                    QVERIFY(c->nextOfKind(alg == HashAlg::Md2 ? "md2_round" : "step"));
                hash.canvas()->grab();
                const QString where = QStringLiteral("hash %1 %2 at %3")
                                          .arg(palette, QString::number(int(alg)))
                                          .arg(c->position());
                QVERIFY2(legible(hash.canvas()->inksUsed(), where, &why), qPrintable(why));
                QVERIFY2(hash.canvas()->inksUsed().front().first == text, qPrintable(where));
            }
        }
        // The avalanche plot is made when its tab is first shown.
        auto *side = hash.findChild<QTabWidget *>();
        QVERIFY(side);
        side->setCurrentIndex(1);
        QVERIFY(hash.findChild<QCustomPlot *>());
        QVERIFY2(legible(hash.inksUsed(), "hash page " + palette, &why), qPrintable(why));
        QVERIFY2(legible({{error->palette().color(QPalette::WindowText),
                           app.palette().color(QPalette::Window)}},
                         "error text " + palette, &why),
                 qPrintable(why));
        QVERIFY(hash.inksUsed().size() >= 5 + 3 + 1); // verdicts, curves and cursor, selection
        side->setCurrentIndex(0);
        // The start, the key schedule, and the keystream (swapped and keystream cells).
        auto *c = stream.controller();
        for (qsizetype at :
             {qsizetype(0), qsizetype(1), qsizetype(130), c->count() - 5, c->count()}) {
            c->seek(at);
            stream.canvas()->grab();
            const QString where = QStringLiteral("arc4 %1 at %2").arg(palette).arg(at);
            QVERIFY2(legible(stream.canvas()->inksUsed(), where, &why), qPrintable(why));
            QVERIFY2(stream.canvas()->inksUsed().front().first == text, qPrintable(where));
        }
    }
    wb::ui::applyTheme(app, wb::ui::Theme::Light);
}

QTEST_MAIN(CryptoUiTest)
#include "ui_test.moc"
