#pragma once
// The RSA lab: key generation with every candidate and Miller-Rabin round, the modular
// exponentiations of encryption and decryption square by square (and the CRT recombination),
// textbook RSA next to OAEP and PKCS#1 v1.5, and why textbook RSA is malleable.
//
// One lab, one trace: the key's part first, then each other part's latest run in the order
// the learner ran them (see rsa_lab.h). The transport bar steps through all of it, and the tab
// of the part the cursor is in comes forward; clicking a tab moves the cursor into that part,
// where the learner last left it. Running a part again (a new message, a new key) replaces its
// run in the trace and puts it last. The four tabs are views (rsaparts.h) that draw the one
// state at the cursor.

#include "rsaparts.h"

#include "crypto/core/rsa.h"
#include "crypto/core/rsa_lab.h"

#include "workbench/ui/session.h"

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
class QVBoxLayout;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

class RsaPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    enum Section { KeyGen, Modexp, Padding, Malleate, SectionCount };
    using NumberBase = RsaNumberStyle::Base;

    explicit RsaPage(QWidget *parent = nullptr);
    ~RsaPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    void shutdown() override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

    // The learner's controls, for tests and the screenshot hook.
    void showSection(Section section); // the tab, and the cursor into its part
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
    // How many events of the lab's trace belong to `section` (0: it has no run).
    qsizetype sectionLength(Section section) const;
    bool showingRecording() const { return m_recorded; }

    // What the lab shows at the cursor.
    const RsaLabState &stateAtCursor();
    QString shownKeyNumber(const QString &name);       // "n", "d", "dp", ... as displayed
    QString shownNumber(const Bytes &bigEndian) const; // in the current number base
    QString shownHtml();                               // the tab on show, drawn now

signals:
    void keyChanged();

protected:
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;
    void refresh() override;
    void changeEvent(QEvent *event) override;

private:
    // The parts of the page, built by the constructor in this order.
    void buildKeyControls(QVBoxLayout *column); // the key's row and the status row
    QWidget *buildModexpTab();
    QWidget *buildPaddingTab();
    QWidget *buildMalleateTab();
    void connectControls();
    void openRequestedPart(); // the screenshot hook

    // The lab's trace.
    std::shared_ptr<const wb::Trace> labTrace() const;
    const std::vector<RsaLabSpan> &spans() const;
    std::optional<RsaLabSpan> span(Section section) const;
    // Where the cursor goes when `section`'s tab is picked: where the learner left it, else
    // the part's opening step.
    qsizetype openingPosition(Section section) const;
    // Puts `run` (a part's events, its marker first) into the lab and the cursor in it.
    void adoptRun(Section section, const wb::Trace &run);
    void dropRun(Section section);
    void showLab(std::shared_ptr<wb::Trace> lab, Section at);

    // Running the parts: each returns its run, or null with the part's error shown.
    std::unique_ptr<wb::Trace> runPart(Section section);
    std::unique_ptr<wb::Trace> runModexp();
    std::unique_ptr<wb::Trace> runPadding();
    std::unique_ptr<wb::Trace> runMalleate();
    bool rerun(Section section);
    void leaveRecording();

    // The key.
    void adoptKey(const RsaPrivateKey &key, const wb::Trace &keyEvents, const QString &how);
    void finishGeneration(int job, std::optional<RsaPrivateKey> key,
                          std::shared_ptr<wb::Trace> trace, const QString &error);
    void pollGeneration();
    void setBusy(bool busy);
    static QString tutorialKeyName();
    void showKeySize(int bits); // selects the size entry without generating (0: the tutorial's)
    void showKeyStatus();

    // The tab follows the cursor; the views draw the state at it.
    void followCursor();
    void setTab(Section section); // without moving the cursor
    void onTabPicked(int index);
    void redraw();
    RsaPartView *view(Section section) const { return m_views[section]; }
    RsaLabInputs inputs() const;
    void showError(Section section, const QString &text); // shown while that tab is
    void toggleFold(const QUrl &link);

    std::unique_ptr<wb::ui::SessionState<RsaLabState>> m_state;
    wb::ui::TraceTable *m_table;
    QTabWidget *m_tabs;
    std::array<RsaPartView *, SectionCount> m_views{};
    std::array<QString, SectionCount> m_errors;
    // Per part: how far into its run the learner left the cursor (-1: its opening step).
    std::array<qsizetype, SectionCount> m_leftAt{-1, -1, -1, -1};
    Section m_shown = KeyGen;
    bool m_following = false; // the tab is being moved to the cursor's part
    // A tab whose part has no run stays on show until the cursor or the trace changes.
    struct Held
    {
        std::uint64_t generation = 0;
        qsizetype position = 0;
        bool operator==(const Held &) const = default;
    };
    std::optional<Held> m_holdTab;
    mutable std::uint64_t m_spansOf = ~std::uint64_t(0);
    mutable std::vector<RsaLabSpan> m_spans;
    // The view drawn last, and where: a redraw at the same place keeps the reader's scroll.
    struct Drawn
    {
        std::uint64_t generation = ~std::uint64_t(0);
        qsizetype position = -1;
        Section section = SectionCount;
        bool operator==(const Drawn &) const = default;
    } m_drawn;

    RsaPrivateKey m_key;
    std::optional<RsaPrivateKey> m_bigKey; // for OAEP when the current key is a toy
    QString m_keyHow;                      // "the tutorial's key", "a new 2048-bit key"
    RsaNumberStyle m_numberStyle;
    bool m_recorded = false; // showing a recording: nothing is run until the learner asks

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
