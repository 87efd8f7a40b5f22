// Recordings of the crypto views: a run kept, written and read back, then shown on a new page
// of the same view draws the same pictures at every cursor position tried; a damaged recording
// is refused with a sentence and leaves the page as it was; and `crypto trace --record` keeps
// exactly the settings the view keeps for the same run.
#include "cipherview.h"
#include "hashview.h"
#include "streamview.h"

#include "crypto/core/hash.h"
#include "workbench/core/cli.h"
#include "workbench/core/recording.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <sstream>

void wbRegisterCli_crypto(wb::cli::Registry &registry);

using namespace wb::crypto;
using namespace wb::crypto::ui;

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

// The recording as the shell writes it, and as it comes back from the file's bytes.
wb::Recording roundTrip(const wb::ui::ModulePage &page, const char *view)
{
    wb::Recording r = page.recording();
    r.module = "crypto";
    r.moduleVersion = "0.1.0";
    r.view = view;
    return wb::decodeRecording(wb::encodeRecording(r));
}

void showAt(QWidget &page)
{
    page.resize(1180, 720);
    page.show();
}

// The two pages' pictures at five cursor positions: 0, a quarter, half, three quarters, end.
bool samePictures(wb::ui::ModulePage &a, wb::ui::ModulePage &b, QString *where)
{
    const qsizetype n = a.controller()->count();
    if (b.controller()->count() != n) {
        *where = QStringLiteral("counts %1 and %2").arg(n).arg(b.controller()->count());
        return false;
    }
    for (const qsizetype at : {qsizetype(0), n / 4, n / 2, 3 * n / 4, n}) {
        a.controller()->seek(at);
        b.controller()->seek(at);
        QCoreApplication::processEvents();
        // The text caret blinks by the clock in whichever window has the focus: no focus.
        if (QWidget *focus = QApplication::focusWidget())
            focus->clearFocus();
        const QImage left = a.grab().toImage(), right = b.grab().toImage();
        if (left != right) {
            *where = QStringLiteral("position %1 of %2").arg(at).arg(n);
            left.save(QDir::temp().filePath("crypto-recording-original.png"));
            right.save(QDir::temp().filePath("crypto-recording-reopened.png"));
            return false;
        }
    }
    return true;
}

// Runs `workbench-cli crypto ARGS` in this process.
int runCli(const std::vector<std::string> &args, std::string *err = nullptr,
           std::string *printed = nullptr)
{
    wb::cli::Registry registry;
    wbRegisterCli_crypto(registry);
    std::istringstream in;
    std::ostringstream out, errors;
    wb::cli::Invocation inv{args, in, out, errors};
    const int code = registry.find("crypto")->run(inv);
    if (err)
        *err = errors.str();
    if (printed)
        *printed = out.str();
    return code;
}

} // namespace

class CryptoRecordingTest : public QObject
{
    Q_OBJECT
private slots:
    void hashRecordingShowsTheSamePictures();
    void cipherRecordingShowsTheSamePictures();
    void streamRecordingShowsTheSamePictures();
    void damagedRecordingsAreRefused();
    void openingARecordingRunsNothingAndTheNextEditRuns();
    void cliRecordsWhatTheViewKeeps();
    void xorDrawingKeepsItsContrast();
    void cliRecordOptionRefusesBadTargets();
};

void CryptoRecordingTest::hashRecordingShowsTheSamePictures()
{
    struct Case
    {
        QString input;
        bool hex;
        HashAlg alg;
    };
    for (const Case &c :
         {Case{"abc", false, HashAlg::Md5}, Case{"61 62 63 64", true, HashAlg::Md2},
          Case{QString(100, QLatin1Char('x')), false, HashAlg::Sha256}}) {
        // The MD2 run with the avalanche plot beside it (the screenshot hook opens that tab).
        if (c.alg == HashAlg::Md2)
            qputenv("WB_CRYPTO_SHOW", "hash:avalanche");
        HashPage original;
        qunsetenv("WB_CRYPTO_SHOW");
        showAt(original);
        original.setInput(c.input, c.hex);
        original.setStepAlgorithm(c.alg);
        const wb::Recording back = roundTrip(original, "hash");
        QCOMPARE(back.setting("alg"), std::string(hashName(c.alg)));
        QCOMPARE(back.setting("input"), c.input.toStdString());
        QCOMPARE(back.setting("format"), std::string(c.hex ? "hex" : "text"));
        QCOMPARE(back.setting("tab"), std::string(c.alg == HashAlg::Md2 ? "avalanche" : "events"));

        HashPage reopened;
        showAt(reopened);
        reopened.setInput("something else", false);
        QString error;
        QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
        QCOMPARE(reopened.stepAlgorithm(), c.alg);
        for (HashAlg alg : kAllHashAlgs)
            QCOMPARE(reopened.shownDigest(alg), original.shownDigest(alg));
        QCOMPARE(reopened.avalanche(), original.avalanche());
        QCOMPARE(reopened.controller()->position(), original.controller()->position());
        QString where;
        QVERIFY2(samePictures(original, reopened, &where), qPrintable(where));
    }
}

void CryptoRecordingTest::cipherRecordingShowsTheSamePictures()
{
    CipherPage original;
    showAt(original);
    QVERIFY(original.setKeyAndBlock("133457799BBCDFF1", "0123456789ABCDEF"));
    const wb::Recording back = roundTrip(original, "cipher");
    QCOMPARE(back.setting("cipher"), std::string("des"));
    QCOMPARE(back.setting("mode"), std::string("block"));
    QCOMPARE(back.setting("key"), std::string("133457799BBCDFF1"));

    CipherPage reopened;
    showAt(reopened);
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QCOMPARE(reopened.ciphertext(), original.ciphertext());
    QString where;
    QVERIFY2(samePictures(original, reopened, &where), qPrintable(where));
}

void CryptoRecordingTest::streamRecordingShowsTheSamePictures()
{
    for (const bool useXor : {false, true}) {
        StreamPage original;
        showAt(original);
        QVERIFY(original.setKeyAndText(useXor ? "6b 65 79" : "Key",
                                       useXor ? "70 6c 61 69 6e" : "Plaintext"));
        QVERIFY(original.setCipher(useXor, useXor));
        const wb::Recording back = roundTrip(original, "stream");
        QCOMPARE(back.setting("cipher"), std::string(useXor ? "xor" : "arc4"));

        StreamPage reopened;
        showAt(reopened);
        QString error;
        QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
        QCOMPARE(reopened.showsXor(), useXor);
        QCOMPARE(reopened.canvas()->showsXor(), useXor);
        QString where;
        QVERIFY2(samePictures(original, reopened, &where), qPrintable(where));
    }
}

void CryptoRecordingTest::damagedRecordingsAreRefused()
{
    // Each damage on a copy of a good recording: the page refuses it with a sentence and
    // keeps showing what it showed.
    HashPage hash;
    CipherPage cipher;
    StreamPage stream;
    struct View
    {
        wb::ui::ModulePage *page;
        const char *id;
    };
    for (const View &v : {View{&hash, "hash"}, View{&cipher, "cipher"}, View{&stream, "stream"}}) {
        showAt(*v.page);
        const wb::Recording good = roundTrip(*v.page, v.id);
        // A copy of the good recording with `how` applied to each event (by index) and to
        // the settings.
        const auto damage = [&](const std::function<void(std::size_t, wb::Event &)> &perEvent,
                                const std::function<void(Settings &)> &perSettings,
                                bool addUnknown = false) {
            auto trace = std::make_shared<wb::Trace>();
            for (std::size_t n = 0; n < good.trace->size(); ++n) {
                wb::Event e = good.trace->at(n);
                perEvent(n, e);
                trace->appendRecorded(std::move(e));
            }
            if (addUnknown)
                trace->add("no_such_kind", "?", {});
            wb::Recording bad = good;
            perSettings(bad.settings);
            bad.trace = trace;
            return wb::decodeRecording(wb::encodeRecording(bad));
        };
        const auto keepEvents = [](std::size_t, wb::Event &) {
        };
        const auto keepSettings = [](Settings &) {
        };
        const std::size_t middle = good.trace->size() / 2;
        const std::vector<std::pair<const char *, wb::Recording>> bad = {
            {"an unknown kind", damage(keepEvents, keepSettings, true)},
            {"a missing field", damage(
                                    [&](std::size_t n, wb::Event &e) {
                                        if (n == middle)
                                            e.fields.erase(e.fields.begin());
                                    },
                                    keepSettings)},
            {"a field of another type", damage(
                                            [&](std::size_t n, wb::Event &e) {
                                                if (n != middle)
                                                    return;
                                                wb::Value &v = e.fields.front().value;
                                                v = std::holds_alternative<std::string>(v)
                                                        ? wb::Value(std::int64_t(7))
                                                        : wb::Value(std::string("?"));
                                            },
                                            keepSettings)},
            {"a missing setting", damage(keepEvents, [](Settings &s) { s.erase(s.begin()); })},
            {"a bad setting", damage(keepEvents,
                                     [](Settings &s) {
                                         for (auto &[k, v] : s)
                                             if (k == "format" || k == "cipher")
                                                 v = "rot13";
                                     })},
        };
        const Settings before = v.page->recording().settings;
        const QImage picture = v.page->grab().toImage();
        for (const auto &[what, recording] : bad) {
            QString error;
            QVERIFY2(!v.page->showRecording(recording, &error),
                     qPrintable(QStringLiteral("%1: %2 accepted").arg(v.id, what)));
            QVERIFY2(error.size() > 10, qPrintable(QStringLiteral("%1: %2").arg(v.id, what)));
            QCOMPARE(v.page->recording().settings, before);
            QVERIFY2(v.page->grab().toImage() == picture,
                     qPrintable(QStringLiteral("%1: %2 changed the page").arg(v.id, what)));
        }
    }
}

void CryptoRecordingTest::openingARecordingRunsNothingAndTheNextEditRuns()
{
    // The settings say one thing, the trace (of another input) another: the page shows the
    // trace it was given, so nothing ran; the next edit runs again.
    HashPage source;
    source.setInput("abc", false);
    wb::Recording r = roundTrip(source, "hash");
    HashPage other;
    other.setInput("xyz", false);
    r.trace = roundTrip(other, "hash").trace;
    HashPage page;
    QString error;
    QVERIFY2(page.showRecording(r, &error), qPrintable(error));
    page.controller()->toEnd();
    QCOMPARE(toHex(page.stateAtCursor().digest), toHex(digest(HashAlg::Md5, "xyz")));
    QCOMPARE(page.shownDigest(HashAlg::Md5), QStringLiteral("900150983cd24fb0d6963f7d28e17f72"));
    page.setInput("abcd", false);
    page.controller()->toEnd();
    QCOMPARE(toHex(page.stateAtCursor().digest), toHex(digest(HashAlg::Md5, "abcd")));

    // A Triple-DES CBC decryption from the command line: the rounds tab steps it and says
    // what it is; editing the key runs one block of DES again.
    QTemporaryDir dir;
    const std::string file = dir.filePath("des3.wbrec").toStdString();
    QCOMPARE(runCli({"trace", "des3", "--key", "0123456789abcdef23456789abcdef01456789abcdef0123",
                     "--mode", "cbc", "--iv", "0001020304050607", "--decrypt", "--hex",
                     "00112233445566778899aabbccddeeff", "--record", file}),
             0);
    CipherPage cipher;
    QVERIFY2(cipher.showRecording(wb::readRecording(file), &error), qPrintable(error));
    QCOMPARE(cipher.controller()->count(), qsizetype(wb::readRecording(file).trace->size()));
    QVERIFY(cipher.setKeyAndBlock("3031323334353637", "6162636465666768"));
    QCOMPARE(cipher.ciphertext(), std::uint64_t(0xecc29ed95d2061d0));
}

void CryptoRecordingTest::cliRecordsWhatTheViewKeeps()
{
    // The same run from the command line and from the view: the same view, settings, trace
    // (kinds and fields) and opening cursor.
    QTemporaryDir dir;
    auto cli = [&](const std::vector<std::string> &args) {
        const std::string file =
            dir.filePath(QString::number(qHash(QString::fromStdString(args[1] + args.back()))) +
                         ".wbrec")
                .toStdString();
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--record", file});
        std::string err;
        const int code = runCli(all, &err);
        if (code != 0)
            qWarning("%s", err.c_str());
        return code == 0 ? wb::readRecording(file) : wb::Recording{};
    };
    auto same = [](const wb::Recording &fromCli, const wb::ui::ModulePage &page,
                   const char *view) {
        const wb::Recording fromView = page.recording();
        QCOMPARE(fromCli.module, std::string("crypto"));
        QCOMPARE(fromCli.view, std::string(view));
        QCOMPARE(fromCli.settings, fromView.settings);
        QCOMPARE(fromCli.cursor, fromView.cursor);
        QCOMPARE(fromCli.trace->size(), fromView.trace->size());
        for (std::size_t n = 0; n < fromView.trace->size(); ++n) {
            const wb::Event &a = fromCli.trace->at(n), &b = fromView.trace->at(n);
            QCOMPARE(a.kind, b.kind);
            QCOMPARE(a.fields.size(), b.fields.size());
            for (std::size_t f = 0; f < a.fields.size(); ++f) {
                QCOMPARE(a.fields[f].key, b.fields[f].key);
                QVERIFY(a.fields[f].value == b.fields[f].value);
            }
        }
    };

    HashPage hash;
    hash.setStepAlgorithm(HashAlg::Sha1);
    hash.setInput("abc", false);
    same(cli({"trace", "sha1", "--text", "abc"}), hash, "hash");
    hash.setStepAlgorithm(HashAlg::Md2);
    hash.setInput("00ff10", true);
    same(cli({"trace", "md2", "--hex", "00ff10"}), hash, "hash");

    StreamPage stream;
    QVERIFY(stream.setKeyAndText("01234567", "abcdefghijklmnop"));
    same(cli({"trace", "arc4", "--key", "3031323334353637", "--text", "abcdefghijklmnop"}), stream,
         "stream");
    QVERIFY(stream.setKeyAndText("00ff", "0102"));
    QVERIFY(stream.setCipher(true, true));
    same(cli({"trace", "xor", "--key", "00ff", "--hex", "0102"}), stream, "stream");

    // The rounds tab steps one block of DES without a mode: the command line's ECB run of the
    // same block is that block's rounds, with the mode's block event around them.
    const wb::Recording des =
        cli({"trace", "des", "--key", "3031323334353637", "--hex", "6162636465666768"});
    QCOMPARE(des.view, std::string("cipher"));
    QCOMPARE(des.setting("mode"), std::string("ecb"));
    CipherPage cipher;
    QString error;
    QVERIFY2(cipher.showRecording(des, &error), qPrintable(error));
    QCOMPARE(cipher.recording().settings, des.settings);
    QCOMPARE(cipher.ciphertext(), std::uint64_t(0xecc29ed95d2061d0));
}

// The repeating-key XOR drawing (the stream view's picture of `crypto trace xor`), in both
// palettes: every text and line keeps 4.5:1 against what it is drawn on.
void CryptoRecordingTest::xorDrawingKeepsItsContrast()
{
    auto &app = *qobject_cast<QApplication *>(QCoreApplication::instance());
    StreamPage page;
    showAt(page);
    QVERIFY(page.setKeyAndText("key", "attack at dawn"));
    QVERIFY(page.setCipher(true));
    for (const auto theme : {wb::ui::Theme::Light, wb::ui::Theme::Dark}) {
        wb::ui::applyTheme(app, theme);
        QCoreApplication::processEvents();
        for (const qsizetype at : {qsizetype(0), qsizetype(1), page.controller()->count()}) {
            page.controller()->seek(at);
            page.canvas()->grab();
            const auto &inks = page.canvas()->inksUsed();
            QVERIFY(!inks.isEmpty());
            for (const auto &[ink, paper] : inks) {
                const double ratio =
                    wb::ui::contrastRatio(ink, composite(paper, QColor(Qt::white)));
                QVERIFY2(
                    ink.alpha() == 255 && ratio >= 4.5,
                    qPrintable(QStringLiteral("%1 on %2 at %3: %4:1")
                                   .arg(ink.name(QColor::HexArgb), paper.name(QColor::HexArgb))
                                   .arg(at)
                                   .arg(ratio)));
            }
        }
    }
    wb::ui::applyTheme(app, wb::ui::Theme::Light);
}

// `--record` leaves the printed events as they were (text and JSON), refuses an existing file
// (unless --force), a folder and a missing folder with exit 2 and writes nothing then, and is
// in the usage text.
void CryptoRecordingTest::cliRecordOptionRefusesBadTargets()
{
    QTemporaryDir dir;
    const std::string file = dir.filePath("run.wbrec").toStdString();
    for (const bool json : {false, true}) {
        std::vector<std::string> args = {"trace", "arc4", "--key", "0102", "--text", "hi"};
        if (json)
            args.push_back("--json");
        std::string plain, recorded, err;
        QCOMPARE(runCli(args, &err, &plain), 0);
        args.insert(args.end(), {"--record", file, "--force"});
        QCOMPARE(runCli(args, &err, &recorded), 0);
        // JSON events carry their times, which differ from run to run.
        const QRegularExpression times(QStringLiteral("\"t_ns\":[0-9]+"));
        QCOMPARE(QString::fromStdString(recorded).remove(times),
                 QString::fromStdString(plain).remove(times));
        QCOMPARE(wb::readRecording(file).view, std::string("stream"));
    }
    const QByteArray before = [&] {
        QFile f(QString::fromStdString(file));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    struct Refusal
    {
        std::string target;
        const char *says;
    };
    for (const Refusal &r :
         {Refusal{file, "already exists"}, Refusal{dir.path().toStdString(), "is a folder"},
          Refusal{dir.filePath("no/such/run.wbrec").toStdString(), "does not exist"}}) {
        std::string err, printed;
        QCOMPARE(runCli({"trace", "md5", "--text", "abc", "--record", r.target}, &err, &printed),
                 2);
        QVERIFY2(err.find(r.says) != std::string::npos, err.c_str());
        QVERIFY(printed.empty());
    }
    QFile f(QString::fromStdString(file));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
    QVERIFY(!QFileInfo::exists(dir.filePath("no")));
    QCOMPARE(runCli({"trace", "md5", "--text", "abc", "--force"}), 2);

    wb::cli::Registry registry;
    wbRegisterCli_crypto(registry);
    QVERIFY(registry.find("crypto")->usage.find("--record FILE") != std::string::npos);
}

QTEST_MAIN(CryptoRecordingTest)
#include "recording_ui_test.moc"
