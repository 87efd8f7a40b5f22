#include "fileencryptview.h"
#include "common.h"
#include "richtext.h"

#include "crypto/core/sealed_file.h"
#include "crypto/core/tutorial_file.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"

#include <QCheckBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QVBoxLayout>

#include <atomic>
#include <memory>

namespace wb::crypto::ui {

namespace {

// The tutorial's example as the brief's test vector: a 24-byte Triple-DES key, an 8-byte IV.
const Bytes kTutorialKey = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
                            'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x'};
const Bytes kTutorialIv = {'1', '2', '3', '4', '5', '6', '7', '8'};
// The format's smallest PBKDF2 cost: enough for a demo that reruns on every keystroke.
constexpr std::uint32_t kDemoIterations = 1000;

Bytes utf8Bytes(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return Bytes(utf8.begin(), utf8.end());
}

// The header of a sealed file, field by field; empty when `path` does not start with one.
QString describeHeader(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray h = f.read(qint64(kSealedHeaderSize));
    if (h.size() != qsizetype(kSealedHeaderSize) || !h.startsWith("WBEF"))
        return {};
    const auto *u = reinterpret_cast<const std::uint8_t *>(h.constData());
    const std::uint32_t iterations =
        std::uint32_t(u[8]) << 24 | std::uint32_t(u[9]) << 16 | std::uint32_t(u[10]) << 8 | u[11];
    return FileEncryptPanel::tr(
               "Header: magic <tt>WBEF</tt> · version %1 · cipher %2 (3-key Triple-DES "
               "CFB-64, no padding) · KDF %3 (PBKDF2-HMAC-SHA256, %L4 iterations)<br>"
               "salt <tt>%5</tt> · IV <tt>%6</tt>")
        .arg(u[4])
        .arg(u[5])
        .arg(u[6])
        .arg(iterations)
        .arg(hexBytes(Bytes(u + 12, u + 28), false), hexBytes(Bytes(u + 28, u + 36), false));
}

// Bytes as text a reader can compare: printable ASCII as is, a newline as "⏎", anything else
// as \xNN; bytes from `added` on are shaded as not part of the input, a space among them
// drawn as "·" so that it shows. A zero-width space after every byte lets a long line wrap
// anywhere, since the spaces it shows do not break.
QString visibleBytes(const Bytes &b, std::size_t added)
{
    QString out;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i)
            out += QChar(0x200B);
        const std::uint8_t x = b[i];
        QString ch = x == ' '    ? (i >= added ? QStringLiteral("·") : QStringLiteral("&nbsp;"))
                     : x == '\n' ? QStringLiteral("⏎")
                     : x >= 0x21 && x < 0x7f
                         ? QString(QChar(x)).toHtmlEscaped()
                         : QStringLiteral("\\x%1").arg(x, 2, 16, QLatin1Char('0'));
        out += i >= added ? shaded(ch, freshColor()) : ch;
    }
    return monospace(out);
}

QString fileName(const QString &path)
{
    return QFileInfo(path).fileName().toHtmlEscaped();
}

} // namespace

FileEncryptPanel::FileEncryptPanel(QWidget *parent) : QWidget(parent)
{
    // --- The sealed format on real files --------------------------------------------------
    m_input = new QLineEdit;
    m_input->setPlaceholderText(tr("The file to encrypt or decrypt (never changed)"));
    m_output = new QLineEdit;
    m_output->setPlaceholderText(tr("Where the result goes (written only on success)"));
    m_chooseIn = new QPushButton(tr("Choose…"));
    m_chooseOut = new QPushButton(tr("Save as…"));
    m_replace = new QCheckBox(tr("Replace an existing output file"));
    m_password = new QLineEdit;
    m_again = new QLineEdit;
    for (QLineEdit *e : {m_password, m_again})
        e->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("password"));
    m_again->setPlaceholderText(tr("the same again (needed to encrypt)"));
    m_encrypt = new QPushButton(tr("Encrypt"));
    m_decrypt = new QPushButton(tr("Decrypt"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_result =
        new QLabel(tr("Encrypt a file, then decrypt it: with a wrong password or one changed byte "
                      "the tag check fails and nothing is written."));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_input->setAccessibleName(tr("Input file"));
    m_output->setAccessibleName(tr("Output file"));
    m_password->setAccessibleName(tr("File password"));
    m_again->setAccessibleName(tr("File password again"));
    m_progress->setAccessibleName(tr("File progress"));
    auto *inRow = new QHBoxLayout;
    inRow->addWidget(m_input, 1);
    inRow->addWidget(m_chooseIn);
    auto *outRow = new QHBoxLayout;
    outRow->addWidget(m_output, 1);
    outRow->addWidget(m_chooseOut);
    // Two password fields side by side while they fit, one under the other when narrow.
    auto *pwRow = new wb::ui::FlowLayout;
    pwRow->addWidget(m_password);
    pwRow->addWidget(m_again);
    for (QLineEdit *e : {m_password, m_again})
        e->setMinimumWidth(e->fontMetrics().horizontalAdvance(m_again->placeholderText()) + 16);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_encrypt);
    runRow->addWidget(m_decrypt);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_progress, 1);
    auto *about =
        new QLabel(tr("A PBKDF2 key, Triple-DES in CFB mode, and an HMAC-SHA256 tag over "
                      "the header and the ciphertext."));
    about->setWordWrap(true);
    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(about);
    form->addRow(tr("Input:"), inRow);
    form->addRow(tr("Output:"), outRow);
    form->addRow(QString(), m_replace);
    form->addRow(tr("Password:"), pwRow);
    form->addRow(QString(), runRow);
    form->addRow(QString(), m_result);
    auto *sealedBox = new QGroupBox(tr("Password-protected files"));
    sealedBox->setLayout(form);

    // --- The tutorial's pitfall on a sample line ------------------------------------------
    m_sampleText = new QLineEdit(QStringLiteral("this content needs to be encrypted."));
    m_tutorialShown = new QLabel;
    m_sealedShown = new QLabel;
    for (QLabel *l : {m_tutorialShown, m_sealedShown}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_sampleText->setAccessibleName(tr("Sample line"));
    auto *demo = new QFormLayout;
    demo->setRowWrapPolicy(QFormLayout::WrapLongRows);
    demo->addRow(tr("Sample line (+ newline):"), m_sampleText);
    demo->addRow(tr("Tutorial's scheme:"), m_tutorialShown);
    demo->addRow(tr("Sealed format:"), m_sealedShown);
    auto *pitfallBox = new QGroupBox(tr("The tutorial's pitfall: padding that stays"));
    pitfallBox->setLayout(demo);

    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addWidget(sealedBox);
    col->addWidget(pitfallBox);

    connect(m_chooseIn, &QPushButton::clicked, this, &FileEncryptPanel::chooseInput);
    connect(m_chooseOut, &QPushButton::clicked, this, &FileEncryptPanel::chooseOutput);
    connect(m_encrypt, &QPushButton::clicked, this, &FileEncryptPanel::startEncrypt);
    connect(m_decrypt, &QPushButton::clicked, this, &FileEncryptPanel::startDecrypt);
    connect(m_cancel, &QPushButton::clicked, this, &FileEncryptPanel::cancel);
    connect(m_sampleText, &QLineEdit::textChanged, this, &FileEncryptPanel::updatePitfall);
    // The demo runs the sealed format on scratch files: done when the panel is first shown
    // (or asked for), not while the page opens.
}

FileEncryptPanel::~FileEncryptPanel()
{
    shutdown();
}

void FileEncryptPanel::shutdown()
{
    m_job.stop();
}

void FileEncryptPanel::setFiles(const QString &input, const QString &output, bool replaceExisting)
{
    m_input->setText(input);
    m_output->setText(output);
    m_replace->setChecked(replaceExisting);
}

void FileEncryptPanel::setPasswords(const QString &password, const QString &again)
{
    m_password->setText(password);
    m_again->setText(again);
}

void FileEncryptPanel::setIterations(std::uint32_t iterations)
{
    m_iterations = iterations;
}

QString FileEncryptPanel::resultText() const
{
    QTextDocument doc;
    doc.setHtml(m_result->text());
    return doc.toPlainText();
}

void FileEncryptPanel::chooseInput()
{
    const QString f = QFileDialog::getOpenFileName(this, tr("File to encrypt or decrypt"));
    if (f.isEmpty())
        return;
    m_input->setText(f);
    // Suggest an output beside it: "x" -> "x.wbef", "x.wbef" -> "x".
    if (f.endsWith(QLatin1String(".wbef")))
        m_output->setText(f.chopped(5));
    else
        m_output->setText(f + QStringLiteral(".wbef"));
}

void FileEncryptPanel::chooseOutput()
{
    // The dialog asks before replacing a file; a yes there ticks "replace".
    const QString f =
        QFileDialog::getSaveFileName(this, tr("Write the result to"), m_output->text());
    if (f.isEmpty())
        return;
    m_output->setText(f);
    m_replace->setChecked(QFileInfo::exists(f));
}

bool FileEncryptPanel::startEncrypt()
{
    return start(true);
}

bool FileEncryptPanel::startDecrypt()
{
    return start(false);
}

void FileEncryptPanel::showResult(const QString &html, bool good)
{
    showResult([html] { return html; }, good);
}

void FileEncryptPanel::showResult(const std::function<QString()> &html, bool good)
{
    m_resultHtml = html;
    m_result->setText(html());
    setErrorColor(m_result, !good);
}

bool FileEncryptPanel::start(bool encrypt)
{
    if (m_busy)
        return false;
    m_succeeded = false;
    const QString in = m_input->text().trimmed(), out = m_output->text().trimmed();
    const QFileInfo inInfo(in), outInfo(out);
    QString refuse;
    if (in.isEmpty() || !inInfo.isFile())
        refuse = tr("Choose an input file that exists (got '%1').").arg(in);
    else if (out.isEmpty())
        refuse = tr("Choose where the output goes.");
    else if (outInfo.exists() && outInfo.canonicalFilePath() == inInfo.canonicalFilePath())
        refuse = tr(
            "The output is the input file. The input is never overwritten: choose another name.");
    else if (outInfo.exists() && !m_replace->isChecked())
        refuse = tr("'%1' already exists. Choose another name, or tick “Replace an existing "
                    "output file”.")
                     .arg(outInfo.fileName());
    else if (m_password->text().isEmpty())
        refuse = tr("Type a password.");
    else if (encrypt && m_password->text() != m_again->text())
        refuse = tr("The two passwords differ: type the same password twice to encrypt.");
    if (!refuse.isEmpty()) {
        showResult(refuse.toHtmlEscaped(), false);
        return false;
    }

    m_busy = true;
    m_jobInput = in;
    m_jobOutput = out;
    m_encrypt->setEnabled(false);
    m_decrypt->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setRange(0, 0); // busy until the key derivation is done and bytes move
    showResult(
        encrypt
            ? tr("Deriving the keys (PBKDF2, %L1 iterations), then encrypting…").arg(m_iterations)
            : tr("Deriving the keys, checking the tag over the whole file, then decrypting…"),
        true);
    SealOptions options;
    options.iterations = m_iterations;
    options.overwrite = m_replace->isChecked();
    options.progress = [this, last = std::make_shared<std::atomic<int>>(-1)](std::uint64_t done,
                                                                             std::uint64_t total) {
        const int permille = total ? int(done * 1000 / total) : 1000;
        if (permille != last->exchange(permille))
            QMetaObject::invokeMethod(
                this,
                [this, permille] {
                    m_progress->setRange(0, 1000);
                    m_progress->setValue(permille);
                },
                Qt::QueuedConnection);
        return !m_job.cancel.load();
    };
    const Bytes password = utf8Bytes(m_password->text());
    m_job.thread = std::thread([this, encrypt, in = in.toStdString(), out = out.toStdString(),
                                password, options] {
        bool done = false, authFailed = false;
        QString error;
        try {
            done = encrypt ? encryptFile(in, out, password, options)
                           : decryptFile(in, out, password, options);
        } catch (const AuthenticationError &) {
            authFailed = true;
        } catch (const std::exception &e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, encrypt, done, authFailed, error] { finish(encrypt, done, authFailed, error); },
            Qt::QueuedConnection);
    });
    return true;
}

void FileEncryptPanel::cancel()
{
    m_job.cancel = true; // seen at the next progress report (after each 1 MiB)
}

void FileEncryptPanel::finish(bool encrypt, bool done, bool authFailed, const QString &error)
{
    if (m_job.thread.joinable())
        m_job.thread.join();
    m_job.cancel = false;
    m_busy = false;
    m_encrypt->setEnabled(true);
    m_decrypt->setEnabled(true);
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1000);
    m_succeeded = done;
    const QString outName = fileName(m_jobOutput);
    if (authFailed) {
        m_progress->setValue(0);
        showResult(tr("<b>Wrong password, or the file was changed</b>: the HMAC-SHA256 tag over "
                      "the header "
                      "and ciphertext does not match. Nothing was written."),
                   false);
    } else if (!error.isEmpty()) {
        m_progress->setValue(0);
        showResult(error.toHtmlEscaped() + tr(" Nothing was written."), false);
    } else if (!done) {
        m_progress->setValue(0);
        showResult(tr("Cancelled: the temporary file was removed, <b>%1</b> was not created.")
                       .arg(outName),
                   false);
    } else {
        m_progress->setValue(1000);
        const qint64 size = QFileInfo(m_jobOutput).size();
        const QString header = describeHeader(encrypt ? m_jobOutput : m_jobInput);
        if (encrypt)
            showResult(tr("Wrote <b>%1</b>: %L2 bytes = 36-byte header + %L3 bytes of "
                          "ciphertext (exactly the input's length) + 32-byte tag.<br>%4")
                           .arg(outName)
                           .arg(size)
                           .arg(size - qint64(kSealedHeaderSize + kSealedTagSize))
                           .arg(header),
                       true);
        else // the verdict's colour follows the palette: built again when it changes
            showResult(
                [outName, size, header] {
                    return tr("Tag verified (HMAC-SHA256) %1 — wrote <b>%2</b>: %L3 bytes, the "
                              "original exactly.<br>%4")
                        .arg(verdict(true, tr("OK")), outName)
                        .arg(size)
                        .arg(header);
                },
                true);
    }
    emit finished();
}

void FileEncryptPanel::setSample(const QString &line)
{
    const QSignalBlocker block(m_sampleText);
    m_sampleText->setText(line);
    updatePitfall();
}

const Bytes &FileEncryptPanel::sample()
{
    ensurePitfall();
    return m_sample;
}

const Bytes &FileEncryptPanel::tutorialRoundTrip()
{
    ensurePitfall();
    return m_tutorialBack;
}

const Bytes &FileEncryptPanel::sealedRoundTrip()
{
    ensurePitfall();
    return m_sealedBack;
}

void FileEncryptPanel::ensurePitfall()
{
    if (m_pitfallPending)
        updatePitfall();
}

void FileEncryptPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    ensurePitfall();
}

void FileEncryptPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The demo's verdicts and shading carry palette colours in their rich text.
    if (event->type() == QEvent::PaletteChange && !m_pitfallPending) {
        showPitfall();
        if (m_resultHtml)
            m_result->setText(m_resultHtml());
    }
}

void FileEncryptPanel::updatePitfall()
{
    m_pitfallPending = false;
    m_sample = utf8Bytes(m_sampleText->text() + QLatin1Char('\n'));
    const Bytes encrypted = tutorialEncrypt(m_sample, kTutorialKey, kTutorialIv);
    m_tutorialEncrypted = encrypted.size();
    m_tutorialBack = tutorialDecrypt(encrypted, kTutorialKey, kTutorialIv);

    // The sealed format needs files: a scratch folder, removed at the end of this function.
    m_sealedBack.clear();
    m_sealedSize = 0;
    m_sealedError.clear();
    QTemporaryDir dir;
    const QString plain = dir.filePath("sample.txt"), sealed = dir.filePath("sample.wbef"),
                  back = dir.filePath("sample.back");
    QFile f(plain);
    if (dir.isValid() && f.open(QIODevice::WriteOnly) &&
        f.write(reinterpret_cast<const char *>(m_sample.data()), qint64(m_sample.size())) ==
            qint64(m_sample.size())) {
        f.close();
        try {
            const Bytes pw = utf8Bytes(QStringLiteral("demo"));
            SealOptions o;
            o.iterations = kDemoIterations;
            encryptFile(plain.toStdString(), sealed.toStdString(), pw, o);
            decryptFile(sealed.toStdString(), back.toStdString(), pw, o);
            QFile r(back);
            if (r.open(QIODevice::ReadOnly)) {
                const QByteArray b = r.readAll();
                m_sealedBack.assign(b.begin(), b.end());
            }
            m_sealedSize = QFileInfo(sealed).size();
        } catch (const std::exception &e) {
            m_sealedError = QString::fromUtf8(e.what()).toHtmlEscaped();
        }
    } else {
        m_sealedError = tr("Cannot write a scratch file in %1.").arg(QDir::tempPath());
    }
    showPitfall();
}

void FileEncryptPanel::showPitfall()
{
    const std::size_t extra = m_tutorialBack.size() - m_sample.size();
    m_tutorialShown->setText(
        tr("%1 bytes in, %2 encrypted, %3 back: %4<br>%5")
            .arg(m_sample.size())
            .arg(m_tutorialEncrypted)
            .arg(m_tutorialBack.size())
            .arg(extra ? verdict(false,
                                 tr("%1 trailing spaces (shaded ·) were added and never removed")
                                     .arg(extra))
                       : tr("the length is a multiple of 16 this time, so nothing was added"))
            .arg(visibleBytes(m_tutorialBack, m_sample.size())));
    if (!m_sealedError.isEmpty()) {
        m_sealedShown->setText(m_sealedError);
        return;
    }
    const bool same = m_sealedBack == m_sample;
    m_sealedShown->setText(
        tr("%1 bytes in, file of %2 bytes (header + ciphertext + tag), %3 back: %4<br>%5")
            .arg(m_sample.size())
            .arg(m_sealedSize)
            .arg(m_sealedBack.size())
            .arg(same ? verdict(true, tr("identical: CFB needs no padding"))
                      : verdict(false, tr("different")))
            .arg(visibleBytes(m_sealedBack, m_sealedBack.size())));
}

} // namespace wb::crypto::ui
