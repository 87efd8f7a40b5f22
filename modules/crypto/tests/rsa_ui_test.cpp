// The RSA lab and the file encryption panel, driven as a learner drives them: the tutorial's
// key shows its known numbers, every step of an exponentiation shows base^(exponent so far)
// mod n (checked against an independent modPow) forward and back, the malleability demo
// decrypts to m*s mod n, OAEP never repeats while textbook RSA does, and files round-trip,
// refuse a wrong password and leave nothing behind when cancelled.
#include "appsview.h"
#include "fileencryptview.h"
#include "rsaview.h"

#include "crypto/core/bigint.h"
#include "crypto/core/events.h"
#include "crypto/core/hash.h"
#include "crypto/core/rsa.h"

#include "workbench/core/recording.h"
#include "workbench/ui/stepcontroller.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <set>

using namespace wb::crypto;
using namespace wb::crypto::ui;

namespace {

BigInt dec(const char *digits)
{
    return BigInt::fromDecimal(digits).value();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(data), data.size());
}

QByteArray patterned(qsizetype size)
{
    QByteArray data(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(i * 31 + i / 509);
    return data;
}

// The operations of a finished section trace, by the lab's name.
std::vector<const RsaOperation *> operationsNamed(const RsaLabState &s, const std::string &op)
{
    std::vector<const RsaOperation *> found;
    for (const RsaOperation &o : s.operations)
        if (o.op == op)
            found.push_back(&o);
    return found;
}

// A picture of the page as drawn at `position`.
QImage pictureAt(RsaPage &page, qsizetype position)
{
    page.controller()->seek(position);
    QCoreApplication::processEvents();
    return page.grab().toImage().convertToFormat(QImage::Format_ARGB32);
}

// `trace`'s events with `change` applied to a copy of the one at `index` (or one more event
// appended there when `index` is the size).
std::shared_ptr<wb::Trace> damaged(const wb::Trace &trace, std::size_t index,
                                   const std::function<void(wb::Event &)> &change)
{
    auto out = std::make_shared<wb::Trace>();
    for (std::size_t i = 0; i <= trace.size(); ++i) {
        wb::Event e = i < trace.size() ? trace.at(i) : wb::Event{};
        if (i == index)
            change(e);
        if (i < trace.size() || i == index)
            out->appendRecorded(std::move(e));
    }
    return out;
}

} // namespace

class RsaUiTest : public QObject
{
    Q_OBJECT
private slots:
    void tutorialKeyShowsItsNumbers();
    void exponentiationStepsForwardAndBack();
    void decryptionWithoutCrtIsOneExponentiation();
    void malleabilityDecryptsToMTimesS();
    void oaepNeverRepeatsTextbookDoes();
    void generationStepsAndCancels();
    void badNumbersShowAMessage();
    void oneTraceStepsThroughEveryTab();
    void recordingReopensPixelForPixel();
    void damagedRecordingIsRefused();
    void fileRoundTripAndWrongPassword();
    void fileRefusesToOverwrite();
    void cancelLeavesNoOutput();
    void pitfallDemoShowsTheTrailingSpaces();
};

void RsaUiTest::tutorialKeyShowsItsNumbers()
{
    RsaPage page;
    page.showSection(RsaPage::KeyGen);
    QCOMPARE(page.shownKeyNumber("p"), QStringLiteral("61"));
    QCOMPARE(page.shownKeyNumber("q"), QStringLiteral("53"));
    QCOMPARE(page.shownKeyNumber("n"), QStringLiteral("3233"));
    QCOMPARE(page.shownKeyNumber("phi"), QStringLiteral("3120"));
    QCOMPARE(page.shownKeyNumber("e"), QStringLiteral("17"));
    QCOMPARE(page.shownKeyNumber("d"), QStringLiteral("2753"));
    QVERIFY(page.shownHtml().contains("2753"));
    page.setNumberBase(RsaPage::NumberBase::Hex);
    QCOMPARE(page.shownKeyNumber("n"), QStringLiteral("0xca1")); // 3233
    // Back to the start: nothing is known yet.
    page.controller()->toStart();
    QVERIFY(page.shownKeyNumber("n").isEmpty());
}

void RsaUiTest::exponentiationStepsForwardAndBack()
{
    RsaPage page;
    page.showSection(RsaPage::Modexp);
    QVERIFY(page.setModexpInput("65"));
    auto *c = page.controller();
    c->toStart();
    // Forward: every step shows base^(exponent so far) mod modulus, and the table's current
    // row is that value as displayed.
    std::vector<std::pair<qsizetype, Bytes>> seen;
    while (c->position() < c->count()) {
        c->stepForward();
        const RsaLabState &s = page.stateAtCursor();
        const ModexpStep *step = currentModexpStep(s);
        if (!step)
            continue;
        const ModexpRun &run = s.operations.back().modexps.back();
        const BigInt expected = modPow(BigInt::fromBytes(run.base), step->exponentSoFar,
                                       BigInt::fromBytes(run.modulus), ExponentKind::Public);
        QCOMPARE(BigInt::fromBytes(step->value), expected);
        QVERIFY(page.shownHtml().contains(page.shownNumber(step->value)));
        seen.emplace_back(c->position(), step->value);
    }
    // 17 = 10001b: the start, four squarings and one multiplication; then the CRT halves.
    QVERIFY(seen.size() > 6);
    const RsaLabState &end = page.stateAtCursor();
    QCOMPARE(end.operations.size(), std::size_t(2));
    QCOMPARE(BigInt::fromBytes(end.operations[0].output), BigInt(2790));
    QCOMPARE(end.operations[0].modexps[0].squarings, std::uint64_t(4));
    QCOMPARE(end.operations[0].modexps[0].multiplications, std::uint64_t(2));
    QVERIFY(end.operations[1].crtCombined);
    QCOMPARE(BigInt::fromBytes(end.operations[1].output), BigInt(65));
    QVERIFY(page.shownHtml().contains("gives the message back"));
    // Back, one step at a time: each position shows again exactly what it showed going forward.
    for (auto it = seen.rbegin(); it != seen.rend(); ++it) {
        while (c->position() > it->first)
            c->stepBack();
        const ModexpStep *step = currentModexpStep(page.stateAtCursor());
        QVERIFY(step);
        QCOMPARE(step->value, it->second);
    }
    // The first square of 65: 65^2 mod 3233 = 992.
    QCOMPARE(BigInt::fromBytes(seen[1].second), BigInt(992));
}

void RsaUiTest::decryptionWithoutCrtIsOneExponentiation()
{
    RsaPage page;
    page.showSection(RsaPage::Modexp);
    QVERIFY(page.setModexpInput("65", false));
    page.controller()->toEnd();
    const RsaLabState &s = page.stateAtCursor();
    QCOMPARE(s.operations.size(), std::size_t(2));
    const RsaOperation &decrypt = s.operations[1];
    QVERIFY(!decrypt.crt);
    QCOMPARE(decrypt.modexps.size(), std::size_t(1));
    QCOMPARE(BigInt::fromBytes(decrypt.modexps[0].exponent), BigInt(2753));
    QCOMPARE(BigInt::fromBytes(decrypt.output), BigInt(65));
    // 2753 has 12 bits; a secret exponent costs one multiplication per 1-bit window.
    QCOMPARE(decrypt.modexps[0].multiplications, std::uint64_t(12));
    QCOMPARE(decrypt.modexps[0].squarings, std::uint64_t(11));
}

void RsaUiTest::malleabilityDecryptsToMTimesS()
{
    RsaPage page;
    page.showSection(RsaPage::Malleate);
    QVERIFY(page.setMalleability("65", "2"));
    page.controller()->toEnd();
    {
        const RsaLabState &s = page.stateAtCursor();
        const auto enc = operationsNamed(s, "encrypt"), dec = operationsNamed(s, "decrypt");
        QCOMPARE(BigInt::fromBytes(enc.at(0)->output), BigInt(2790));
        QCOMPARE(BigInt::fromBytes(dec.at(0)->output), BigInt(130));
        QVERIFY(page.shownHtml().contains("130"));
        QVERIFY(page.shownHtml().contains("equal"));
    }
    // Wrapping around n: 3000 * 5 = 15000 = 4 * 3233 + 2068.
    QVERIFY(page.setMalleability("3000", "5"));
    page.controller()->toEnd();
    QCOMPARE(BigInt::fromBytes(operationsNamed(page.stateAtCursor(), "decrypt").at(0)->output),
             BigInt(2068));
    // Stepping back hides the decryption again.
    page.controller()->toStart();
    QVERIFY(operationsNamed(page.stateAtCursor(), "decrypt").empty());

    // A real-size key: the same algebra, checked with independent arithmetic.
    QSignalSpy changed(&page, &RsaPage::keyChanged);
    page.startGeneration(512);
    QTRY_VERIFY_WITH_TIMEOUT(!page.generating(), 60000);
    QCOMPARE(changed.count(), 1);
    const BigInt m = dec("123456789012345678901234567890"), s = dec("98765432109876543210");
    QVERIFY(page.setMalleability(QString::fromStdString(m.toDecimal()),
                                 QString::fromStdString(s.toDecimal())));
    page.controller()->toEnd();
    QCOMPARE(BigInt::fromBytes(operationsNamed(page.stateAtCursor(), "decrypt").at(0)->output),
             m * s % page.key().n);
}

void RsaUiTest::oaepNeverRepeatsTextbookDoes()
{
    RsaPage page;
    page.showSection(RsaPage::Padding);
    QVERIFY(page.setPaddingMessage("abcdefgh"));
    page.controller()->toEnd();
    const RsaPrivateKey &key = page.paddingKey(); // the tutorial key is too small: its own key
    QVERIFY(key.bits() >= 1024);
    const Bytes msg = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    const RsaLabState &s = page.stateAtCursor();
    const auto textbook = operationsNamed(s, "textbook"), oaep = operationsNamed(s, "oaep");
    QCOMPARE(textbook.size(), std::size_t(2));
    QCOMPARE(oaep.size(), std::size_t(2));
    QCOMPARE(textbook[0]->output, textbook[1]->output);
    QCOMPARE(BigInt::fromBytes(textbook[0]->output),
             rsaPublicOp(key.publicKey(), BigInt::fromBytes(msg)));
    QVERIFY(oaep[0]->output != oaep[1]->output);
    for (const RsaOperation *op : oaep) {
        QCOMPARE(oaepDecrypt(key, BigInt::fromBytes(op->output).toBytes(key.byteLength())), msg);
        // EM = 00 || maskedSeed || maskedDB, and DB = lHash || zeros || 01 || M.
        QCOMPARE(op->em.size(), key.byteLength());
        QCOMPARE(int(op->em[0]), 0);
        QCOMPARE(op->db.size(), key.byteLength() - 33);
        QCOMPARE(Bytes(op->db.end() - 9, op->db.end()),
                 (Bytes{1, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}));
        QCOMPARE(op->lhash, digest(HashAlg::Sha256, ""));
    }
    QVERIFY(oaep[0]->seed != oaep[1]->seed);
    // The signature block: 00 01 FF.. 00 DigestInfo H, and the signature verifies.
    const RsaOperation *sign = operationsNamed(s, "sign").at(0);
    QCOMPARE(int(sign->em[0]), 0);
    QCOMPARE(int(sign->em[1]), 1);
    QCOMPARE(int(sign->em[2]), 0xff);
    QCOMPARE(sign->digest, digest(HashAlg::Sha256, "abcdefgh"));
    QCOMPARE(Bytes(sign->em.end() - 51, sign->em.end()), sign->digestInfo);
    QVERIFY(pkcs1v15Verify(key.publicKey(), msg,
                           BigInt::fromBytes(sign->output).toBytes(key.byteLength())));
    // The table says which pair repeats.
    QVERIFY(page.shownHtml().contains("identical"));
    QVERIFY(page.shownHtml().contains("fresh random seed"));
}

void RsaUiTest::generationStepsAndCancels()
{
    RsaPage page;
    page.startGeneration(64);
    QVERIFY(page.generating());
    QTRY_VERIFY_WITH_TIMEOUT(!page.generating(), 60000);
    QCOMPARE(page.key().bits(), std::size_t(64));
    QCOMPARE(page.key().n, page.key().p * page.key().q);
    page.showSection(RsaPage::KeyGen);
    // Opens on the finished key; the shown n is the key's n.
    QCOMPARE(page.shownKeyNumber("n").remove(' '),
             QString::fromStdString(page.key().n.toDecimal()));
    const RsaLabState &done = page.stateAtCursor();
    QCOMPARE(done.p.accepted.empty(), false);
    QCOMPARE(done.q.accepted.empty(), false);
    QVERIFY(done.p.tested >= 1);
    // Step back to the first candidate: nothing found yet, no key.
    auto *c = page.controller();
    c->toStart();
    QVERIFY(c->nextOfKind("rsa_candidate"));
    QCOMPARE(page.stateAtCursor().p.tested, std::int64_t(1));
    QVERIFY(!page.stateAtCursor().key.known);
    QVERIFY(page.shownKeyNumber("n").isEmpty());

    // Cancel a long one: the page is idle at once and keeps the 64-bit key.
    const BigInt n = page.key().n;
    page.startGeneration(2048);
    QVERIFY(page.generating());
    page.cancelGeneration();
    QVERIFY(!page.generating());
    QCOMPARE(page.key().n, n);
    QVERIFY(page.statusText().contains("Cancelled"));
    // A tiny key asked for right after: it wins, the cancelled result is dropped.
    page.startGeneration(32);
    QTRY_VERIFY_WITH_TIMEOUT(!page.generating(), 60000);
    QCOMPARE(page.key().bits(), std::size_t(32));
    page.shutdown(); // joins the abandoned worker
    QCOMPARE(page.key().bits(), std::size_t(32));
}

void RsaUiTest::badNumbersShowAMessage()
{
    RsaPage page;
    page.showSection(RsaPage::Modexp);
    QVERIFY(!page.setModexpInput("4000")); // >= n = 3233
    QVERIFY(page.errorText().contains("smaller than n"));
    // Nothing of the exponentiations to step through: the lab's trace holds no run of them.
    QCOMPARE(page.sectionLength(RsaPage::Modexp), 0);
    QCOMPARE(page.currentSection(), RsaPage::Modexp); // the tab stays, with its message
    // Each tab keeps its own message.
    page.showSection(RsaPage::Malleate);
    QVERIFY(page.errorText().isEmpty());
    page.showSection(RsaPage::Modexp);
    QVERIFY(page.errorText().contains("smaller than n"));
    QVERIFY(!page.setModexpInput("12x"));
    QVERIFY(page.errorText().contains("decimal"));
    QVERIFY(page.setModexpInput("42"));
    QVERIFY(page.errorText().isEmpty());
    page.showSection(RsaPage::Malleate);
    QVERIFY(!page.setMalleability("65", "0"));
    QVERIFY(!page.errorText().isEmpty());
}

void RsaUiTest::oneTraceStepsThroughEveryTab()
{
    RsaPage page;
    page.showSection(RsaPage::Padding); // the padding part is made when first shown
    QVERIFY(page.setModexpInput("42"));
    // The key first, then the parts in the order they were last run.
    const std::vector<RsaLabSpan> spans = rsaLabSpans(*page.controller()->trace());
    QCOMPARE(spans.size(), std::size_t(4));
    QCOMPARE(spans[0].part, RsaLabPart::KeyGen);
    QCOMPARE(spans.back().part, RsaLabPart::Modexp);
    QCOMPARE(page.currentSection(), RsaPage::Modexp);
    // Stepping through the one trace brings each part's tab forward in turn, and each tab
    // draws its own part at the cursor.
    auto *c = page.controller();
    for (const RsaLabSpan &span : spans) {
        c->seek(qsizetype(span.end));
        QCOMPARE(int(page.currentSection()), int(span.part));
        QCOMPARE(page.stateAtCursor().part, span.part);
    }
    c->seek(qsizetype(spans[1].end));
    QCOMPARE(int(page.currentSection()), int(spans[1].part));
    // Picking a tab moves the cursor into its part, where the learner left it.
    c->seek(qsizetype(spans[3].begin + 5));
    page.showSection(RsaPage::KeyGen);
    QCOMPARE(c->position(), qsizetype(spans[0].end));
    page.showSection(RsaPage::Modexp);
    QCOMPARE(c->position(), qsizetype(spans[3].begin + 5));
    // A new message replaces the part's run: still one run of it, last.
    QVERIFY(page.setModexpInput("43"));
    QCOMPARE(rsaLabSpans(*c->trace()).size(), std::size_t(4));
    QCOMPARE(BigInt::fromBytes(page.stateAtCursor().operations.at(0).modexps.at(0).base),
             BigInt(43));
}

void RsaUiTest::recordingReopensPixelForPixel()
{
    RsaPage page;
    page.resize(1000, 640);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.startGeneration(32);
    QTRY_VERIFY_WITH_TIMEOUT(!page.generating(), 60000);
    page.showSection(RsaPage::Padding);
    QVERIFY(page.setPaddingMessage("attack at dawn"));
    QVERIFY(page.setMalleability("1234567", "3"));
    page.setNumberBase(RsaPage::NumberBase::Hex);
    wb::Recording kept = page.recording();
    kept.module = "crypto"; // the shell adds the ids
    kept.view = "rsa";
    QVERIFY(kept.trace);
    QCOMPARE(qsizetype(kept.trace->size()), page.controller()->count());
    const wb::Recording back = wb::decodeRecording(wb::encodeRecording(kept));
    QCOMPARE(back.setting("key"), std::string("32"));
    QCOMPARE(back.setting("numbers"), std::string("hex"));
    QCOMPARE(back.setting("malleate_m"), std::string("1234567"));
    QCOMPARE(back.setting("padding_text"), std::string("attack at dawn"));
    QCOMPARE(back.setting("parts"), std::string("keygen,modexp,padding,malleate"));

    RsaPage reopened;
    reopened.resize(1000, 640);
    reopened.show();
    QVERIFY(QTest::qWaitForWindowExposed(&reopened));
    QString error;
    QVERIFY2(reopened.showRecording(back, &error), qPrintable(error));
    QVERIFY(reopened.showingRecording());
    QCOMPARE(reopened.controller()->trace(), back.trace.get()); // shown, not run again
    QCOMPARE(reopened.key().n, page.key().n);
    // Every position of all four parts draws the same picture.
    const qsizetype count = page.controller()->count();
    std::set<int> tabs;
    for (qsizetype p = 0; p <= count; ++p) {
        const QImage original = pictureAt(page, p), shown = pictureAt(reopened, p);
        QCOMPARE(reopened.currentSection(), page.currentSection());
        tabs.insert(page.currentSection());
        if (original != shown) {
            original.save(QDir::temp().filePath("rsa-original.png"));
            shown.save(QDir::temp().filePath("rsa-reopened.png"));
            QFAIL(qPrintable(QStringLiteral("step %1 of %2 differs").arg(p).arg(count)));
        }
    }
    QCOMPARE(tabs.size(), std::size_t(4));
    qInfo("%lld positions compared", qint64(count + 1));
    // The learner's next run works as usual, with the recorded key.
    QVERIFY(reopened.setModexpInput("1000"));
    QVERIFY(!reopened.showingRecording());
    reopened.controller()->toEnd();
    QCOMPARE(BigInt::fromBytes(reopened.stateAtCursor().operations.at(1).output), BigInt(1000));
    QCOMPARE(reopened.key().n, page.key().n);
}

void RsaUiTest::damagedRecordingIsRefused()
{
    RsaPage page;
    QVERIFY(page.setMalleability("65", "2"));
    const wb::Recording good = page.recording();
    RsaPage target;
    const qsizetype before = target.controller()->count();
    const QString html = target.shownHtml();
    const auto refused = [&](wb::Recording r, const char *why) {
        QString error;
        QVERIFY2(!target.showRecording(r, &error), why);
        QVERIFY2(error.size() > 20, why); // a sentence
        qInfo("%s: %s", why, qPrintable(error));
        QCOMPARE(target.controller()->count(), before);
        QCOMPARE(target.shownHtml(), html);
        QVERIFY(!target.showingRecording());
    };
    wb::Recording r = good;
    r.trace = damaged(*good.trace, good.trace->size(), [](wb::Event &e) { e.kind = "bogus"; });
    refused(r, "an unknown kind");
    r.trace = damaged(*good.trace, 0, [](wb::Event &e) { e.fields.pop_back(); });
    refused(r, "the lab's marker without its key size");
    const auto modexp = good.trace->findNext(events::ModexpBegin::kind, 0).value();
    r.trace = damaged(*good.trace, modexp, [](wb::Event &e) {
        for (wb::Field &f : e.fields)
            if (f.key == "window")
                f.value = wb::Value(std::int64_t(0));
    });
    refused(r, "an exponentiation with a window of 0");
    // `key` set to `value`, or left out when `value` is null.
    const auto withSetting = [&](const std::string &key, const char *value) {
        wb::Recording changed = good;
        std::erase_if(changed.settings, [&](const auto &kv) { return kv.first == key; });
        if (value)
            changed.settings.emplace_back(key, value);
        return changed;
    };
    refused(withSetting("numbers", "octal"), "a number base the lab does not know");
    refused(withSetting("message", nullptr), "a missing setting");
    refused(withSetting("parts", "keygen,padding"), "settings naming parts the trace lacks");
}

void RsaUiTest::fileRoundTripAndWrongPassword()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString plain = dir.filePath("data.bin"), sealed = dir.filePath("data.bin.wbef"),
                  back = dir.filePath("data.back"), wrong = dir.filePath("wrong.out"),
                  tampered = dir.filePath("tampered.wbef");
    const QByteArray data = patterned(3 * 1024 * 1024 + 5);
    writeFile(plain, data);
    FileEncryptPanel panel;
    panel.setIterations(1000);
    QSignalSpy finished(&panel, &FileEncryptPanel::finished);

    panel.setFiles(plain, sealed);
    panel.setPasswords("correct horse", "correct horse");
    QVERIFY(panel.startEncrypt());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
    QVERIFY(panel.lastSucceeded());
    QVERIFY(panel.resultText().contains("WBEF"));
    QVERIFY(panel.resultText().contains("version 1"));
    QCOMPARE(QFileInfo(sealed).size(), data.size() + 36 + 32);
    QCOMPARE(readAll(plain), data); // the input is untouched

    panel.setFiles(sealed, back);
    panel.setPasswords("correct horse", "");
    QVERIFY(panel.startDecrypt());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
    QVERIFY(panel.lastSucceeded());
    QCOMPARE(readAll(back), data);
    QVERIFY(panel.resultText().contains("Tag verified"));

    // Wrong password: the error, and no output file.
    panel.setFiles(sealed, wrong);
    panel.setPasswords("Correct horse", "");
    QVERIFY(panel.startDecrypt());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
    QVERIFY(!panel.lastSucceeded());
    QVERIFY(panel.resultText().contains("Wrong password"));
    QVERIFY(panel.resultText().contains("Nothing was written"));
    QVERIFY(!QFileInfo::exists(wrong));

    // One changed ciphertext byte: the same, with the right password.
    QByteArray bytes = readAll(sealed);
    bytes[1000] = char(bytes[1000] ^ 0x01);
    writeFile(tampered, bytes);
    panel.setFiles(tampered, wrong);
    panel.setPasswords("correct horse", "");
    QVERIFY(panel.startDecrypt());
    QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
    QVERIFY(panel.resultText().contains("Wrong password, or the file was changed"));
    QVERIFY(!QFileInfo::exists(wrong));
    // No temporary file left anywhere.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 4);
    QCOMPARE(finished.count(), 4);
}

void RsaUiTest::fileRefusesToOverwrite()
{
    QTemporaryDir dir;
    const QString plain = dir.filePath("keep.txt"), other = dir.filePath("other.txt");
    writeFile(plain, "precious");
    writeFile(other, "also precious");
    FileEncryptPanel panel;
    panel.setIterations(1000);
    panel.setPasswords("pw", "pw");
    // The input as the output: refused, even with "replace" ticked.
    panel.setFiles(plain, plain, true);
    QVERIFY(!panel.startEncrypt());
    QVERIFY(panel.resultText().contains("never overwritten"));
    panel.setFiles(plain, dir.path() + "/./keep.txt", true);
    QVERIFY(!panel.startEncrypt());
    // An existing file needs "replace".
    panel.setFiles(plain, other);
    QVERIFY(!panel.startEncrypt());
    QVERIFY(panel.resultText().contains("already exists"));
    // Mismatched passwords.
    panel.setFiles(plain, dir.filePath("new.wbef"));
    panel.setPasswords("pw", "pW");
    QVERIFY(!panel.startEncrypt());
    QVERIFY(panel.resultText().contains("differ"));
    QCOMPARE(readAll(plain), QByteArray("precious"));
    QCOMPARE(readAll(other), QByteArray("also precious"));
    QVERIFY(!QFileInfo::exists(dir.filePath("new.wbef")));
}

void RsaUiTest::cancelLeavesNoOutput()
{
    QTemporaryDir dir;
    const QString big = dir.filePath("big.bin"), out = dir.filePath("big.bin.wbef");
    writeFile(big, patterned(16 * 1024 * 1024));
    FileEncryptPanel panel; // the default 200,000 PBKDF2 iterations: the cancel lands first
    panel.setFiles(big, out);
    panel.setPasswords("pw", "pw");
    QVERIFY(panel.startEncrypt());
    QVERIFY(panel.running());
    panel.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!panel.running(), 60000);
    QVERIFY(!panel.lastSucceeded());
    QVERIFY(panel.resultText().contains("Cancelled"));
    QVERIFY(!QFileInfo::exists(out));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"big.bin"});
}

void RsaUiTest::pitfallDemoShowsTheTrailingSpaces()
{
    AppsPage apps; // the panel lives in the applications view
    FileEncryptPanel *panel = apps.findChild<FileEncryptPanel *>();
    QVERIFY(panel);
    // The tutorial's line: 36 bytes in, 48 back, the last 12 of them spaces.
    QCOMPARE(panel->sample().size(), std::size_t(36));
    const Bytes &back = panel->tutorialRoundTrip();
    QCOMPARE(back.size(), std::size_t(48));
    QCOMPARE(Bytes(back.begin(), back.begin() + 36), panel->sample());
    QCOMPARE(Bytes(back.begin() + 36, back.end()), Bytes(12, ' '));
    QCOMPARE(panel->sealedRoundTrip(), panel->sample());
    // 31 bytes + newline = 32: a multiple of 16, nothing added this time.
    panel->setSample("0123456789012345678901234567890");
    QCOMPARE(panel->tutorialRoundTrip(), panel->sample());
    QCOMPARE(panel->sealedRoundTrip(), panel->sample());
}

QTEST_MAIN(RsaUiTest)
#include "rsa_ui_test.moc"
