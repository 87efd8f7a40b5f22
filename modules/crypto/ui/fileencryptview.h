#pragma once
// The file encryption application (part of the applications view): a password-protected file
// in the sealed format (sealed_file.h: header, PBKDF2, Triple-DES CFB-64, HMAC-SHA256 over
// everything) made and opened on a worker thread with progress and cancel; and, beside it,
// the tutorial's space-padded scheme (tutorial_file.h) on a sample line, whose decryption
// comes back longer than the input, next to the sealed format's exact round trip.

#include "appsview.h"

#include "crypto/core/bytes.h"

#include <QWidget>

#include <cstdint>
#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace wb::crypto::ui {

class FileEncryptPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FileEncryptPanel(QWidget *parent = nullptr);
    ~FileEncryptPanel() override;
    void shutdown(); // cancels and joins the worker

    // The learner's controls, for tests.
    void setFiles(const QString &input, const QString &output, bool replaceExisting = false);
    void setPasswords(const QString &password, const QString &again);
    void setIterations(std::uint32_t iterations); // PBKDF2 cost when encrypting
    // False, with the reason shown, when the job is refused before it starts.
    bool startEncrypt();
    bool startDecrypt();
    void cancel();
    bool running() const { return m_busy; }
    QString resultText() const; // plain text of the result line
    bool lastSucceeded() const { return m_succeeded; }

    // The pitfall demo on `line` plus a newline, as the tutorial's file held it.
    void setSample(const QString &line);
    // Each runs the demo first if the panel has not been shown yet.
    const Bytes &sample();
    const Bytes &tutorialRoundTrip();
    const Bytes &sealedRoundTrip();

signals:
    void finished();

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    bool start(bool encrypt);
    void finish(bool encrypt, bool done, bool authFailed, const QString &error);
    void showResult(const QString &html, bool good);
    // Keeps the builder, so that the text is made again with the new palette's colours.
    void showResult(const std::function<QString()> &html, bool good);
    void updatePitfall(); // runs the demo, then shows it
    void ensurePitfall(); // runs it if it has not run yet
    void showPitfall();
    void chooseInput();
    void chooseOutput();

    Job m_job;
    bool m_busy = false, m_succeeded = false;
    std::uint32_t m_iterations = 200000;
    QString m_jobInput, m_jobOutput;
    Bytes m_sample, m_tutorialBack, m_sealedBack;
    bool m_pitfallPending = true;
    std::size_t m_tutorialEncrypted = 0;
    qint64 m_sealedSize = 0;
    QString m_sealedError;
    std::function<QString()> m_resultHtml;

    QLineEdit *m_input, *m_output, *m_password, *m_again, *m_sampleText;
    QCheckBox *m_replace;
    QPushButton *m_chooseIn, *m_chooseOut, *m_encrypt, *m_decrypt, *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_result, *m_tutorialShown, *m_sealedShown;
};

} // namespace wb::crypto::ui
