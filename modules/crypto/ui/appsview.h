#pragma once
// The applications view: a file checksum with every hash in one pass (off the GUI thread,
// with progress and cancel), and password storage: MD5 as the tutorial does it, PBKDF2 with a
// salt, and how many MD5 guesses per second this machine makes.

#include "crypto/core/bytes.h"

#include "workbench/ui/modulepage.h"

#include <atomic>
#include <thread>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace wb::crypto::ui {

// One background job: a thread and its cancel flag. stop() cancels and joins.
struct Job
{
    std::thread thread;
    std::atomic<bool> cancel{false};
    void stop()
    {
        cancel = true;
        if (thread.joinable())
            thread.join();
        cancel = false;
    }
    bool running() const { return thread.joinable(); }
};

class AppsPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit AppsPage(QWidget *parent = nullptr);
    ~AppsPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    void shutdown() override;

    // Starts hashing `path` in the background; results land in the table.
    void startChecksum(const QString &path);
    void cancelChecksum();
    bool checksumRunning() const { return m_checksumBusy; }
    QString checksumShown(int row) const; // hex digest of kAllHashAlgs[row], or empty
    QString checksumStatus() const;

    void setPassword(const QString &password);
    QString md5Shown() const;
    QString pbkdf2Shown() const;
    // Measures MD5 guesses per second for about a second in the background.
    void startMeasure();
    bool measuring() const { return m_measureBusy; }
    double guessesPerSecond() const { return m_guessesPerSecond; }

signals:
    void checksumFinished();
    void measureFinished();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void fitSumsTable();
    void applyColors(); // the table's verdict colours, for the palette in use
    void updatePassword();
    void finishChecksum(const std::vector<Bytes> &digests, const QString &status);

    Job m_checksumJob, m_passwordJob, m_measureJob;
    bool m_checksumBusy = false, m_measureBusy = false;
    double m_guessesPerSecond = 0;
    double m_pbkdf2Seconds = 0;
    Bytes m_salt;
    QLineEdit *m_path;
    QPushButton *m_browse, *m_start, *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_checksumStatus;
    QTableWidget *m_sums;
    QLineEdit *m_password;
    QLabel *m_md5, *m_pbkdf2, *m_measure, *m_verdict;
    QPushButton *m_measureButton;
};

} // namespace wb::crypto::ui
