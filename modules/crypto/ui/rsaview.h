#pragma once
// The RSA lab: key generation with every candidate and Miller-Rabin round, the modular
// exponentiations of encryption and decryption square by square (and the CRT recombination),
// textbook RSA next to OAEP and PKCS#1 v1.5, and why textbook RSA is malleable. Each tab has
// its own trace; the transport bar steps through the trace of the tab on show.

#include "crypto/core/rsa.h"
#include "crypto/core/rsa_lab.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/session.h"

#include <QSet>
#include <QTimer>
#include <QUrl>

#include <array>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTextBrowser;
class QVBoxLayout;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

class RsaPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    enum Section { KeyGen, Modexp, Padding, Malleate, SectionCount };
    enum class NumberBase { Auto, Decimal, Hex };

    explicit RsaPage(QWidget *parent = nullptr);
    ~RsaPage() override;

    // The transport steps through the trace of the section on show.
    wb::ui::StepController *controller() const override;
    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    void shutdown() override;

    // The learner's controls, for tests and the screenshot hook.
    void showSection(Section section);
    Section currentSection() const;
    void useTutorialKey();          // p 61, q 53, e 17, d from phi
    void startGeneration(int bits); // on a worker thread; keyChanged() when done
    void cancelGeneration();        // the key being made is thrown away
    bool generating() const { return m_generating; }
    QString statusText() const;
    const RsaPrivateKey &key() const { return m_key; }
    // The current key, or a 1024-bit one of the padding tab's own when it is too small for OAEP.
    const RsaPrivateKey &paddingKey();
    bool setModexpInput(const QString &number, bool useCrt = true); // decimal m
    bool setMalleability(const QString &m, const QString &s);       // decimal
    bool setPaddingMessage(const QString &text);
    void setNumberBase(NumberBase base);
    QString errorText() const; // of the tab on show

    // What the current section shows at the cursor.
    const RsaLabState &stateAtCursor();
    QString shownKeyNumber(const QString &name);       // "n", "d", "dp", ... as displayed
    QString shownNumber(const Bytes &bigEndian) const; // in the current number base
    QString shownHtml() const;

signals:
    void keyChanged();

protected:
    void changeEvent(QEvent *event) override;

private:
    // One section: its own trace and cursor, and the state at that cursor.
    struct Lab
    {
        std::shared_ptr<wb::ui::TraceSession> session;
        std::unique_ptr<wb::ui::SessionState<RsaLabState>> state;
        QTextBrowser *view = nullptr;
        QString error; // why the tab shows nothing, if it does not
    };

    // The parts of the page, built by the constructor in this order.
    void buildLabs();
    void buildKeyControls(QVBoxLayout *column); // the key's row and the status row
    QWidget *buildModexpTab();
    QWidget *buildPaddingTab();
    QWidget *buildMalleateTab();
    void connectControls();
    void openRequestedPart(); // the screenshot hook

    void setSectionTrace(Section section, std::shared_ptr<wb::Trace> trace, qsizetype position);
    void adoptKey(const RsaPrivateKey &key, std::shared_ptr<wb::Trace> trace, const QString &how);
    void finishGeneration(int job, std::optional<RsaPrivateKey> key,
                          std::shared_ptr<wb::Trace> trace, const QString &error);
    void pollGeneration();
    void setBusy(bool busy);
    static QString tutorialKeyName();
    void showKeySize(int bits); // selects the size entry without generating (0: the tutorial's)
    bool rerunModexp();
    bool rerunPadding();
    bool rerunMalleate();
    void rerunAll();
    void redraw();
    bool useDecimal() const;
    void showError(Section section, const QString &text); // shown while that tab is

    QString keyGenHtml(const RsaLabState &s) const;
    QString modexpHtml(const RsaLabState &s) const;
    QString paddingHtml(const RsaLabState &s) const;
    QString malleateHtml(const RsaLabState &s) const;
    QString runHtml(const ModexpRun &run, bool current) const;
    // shownNumber(), folded to its first and last digits when long; `id` names it for the
    // "show all" link.
    QString foldedNumber(const QString &id, const Bytes &bigEndian) const;
    void toggleFold(const QUrl &link);

    wb::ui::TraceTable *m_table;
    QTabWidget *m_tabs;
    std::array<Lab, SectionCount> m_labs;
    Section m_shown = KeyGen;

    RsaPrivateKey m_key;
    std::optional<RsaPrivateKey> m_bigKey; // for OAEP when the current key is a toy
    QString m_keyHow;                      // "the tutorial's key", "generated 2048-bit key"
    NumberBase m_base = NumberBase::Auto;
    QSet<QString> m_unfolded; // long numbers the reader asked to see whole

    // Key generation runs on a worker; generateRsaKey cannot be interrupted, so a cancelled
    // worker is left to finish on its own and joined when its result arrives (or at shutdown).
    std::thread m_worker;
    int m_job = 0;
    bool m_generating = false;
    std::shared_ptr<wb::Trace> m_liveTrace;
    std::vector<std::pair<int, std::thread>> m_abandoned;
    QTimer m_poll;
    std::size_t m_polledEvents = 0, m_polledCandidates = 0;

    QComboBox *m_size, *m_exponent, *m_dFrom, *m_numbers;
    QPushButton *m_generate, *m_cancel;
    QProgressBar *m_busy;
    QLabel *m_status, *m_error;
    QLineEdit *m_message, *m_mallM, *m_mallS, *m_padText;
    QCheckBox *m_crt;
    QPushButton *m_again;
};

} // namespace wb::crypto::ui
