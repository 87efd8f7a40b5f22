#pragma once
// The cipher view: DES on one block, round by round (L, R, subkey, E(R), S-box outputs, f);
// the four modes drawn block by block with their feedback path; and the image demo, where
// ECB leaks a drawn logo's outline and CBC does not.

#include "common.h"
#include "crypto/core/modes.h"
#include "crypto/core/replay.h"

#include "workbench/ui/session.h"

#include <QImage>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

class DesCanvas : public ScaledCanvas
{
    Q_OBJECT
public:
    explicit DesCanvas(QWidget *parent = nullptr);
    void setState(const DesReplayState &state);

protected:
    int paintContent(QPainter &p, int width) const override;
    int naturalWidth() const override;

private:
    DesReplayState m_state;
};

// One mode_block event per drawn block.
struct ModeBlock
{
    std::uint64_t reg = 0, cipherIn = 0, cipherOut = 0;
    Bytes in, out;
};

class ModesCanvas : public ScaledCanvas
{
    Q_OBJECT
public:
    explicit ModesCanvas(QWidget *parent = nullptr);
    void setBlocks(Mode mode, const std::vector<ModeBlock> &blocks);
    QSize minimumSizeHint() const override;

protected:
    int paintContent(QPainter &p, int width) const override;
    int naturalWidth() const override;

private:
    int columnWidth() const;

    Mode m_mode = Mode::Ecb;
    std::vector<ModeBlock> m_blocks;
};

class ImageLeak : public QWidget
{
    Q_OBJECT
public:
    explicit ImageLeak(QWidget *parent = nullptr);
    // The generated picture and its pixels encrypted with DES-ECB and DES-CBC.
    const QImage &plain() const { return m_plain; }
    const QImage &ecb() const { return m_ecb; }
    const QImage &cbc() const { return m_cbc; }
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    QImage m_plain, m_ecb, m_cbc;
};

class CipherPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit CipherPage(QWidget *parent = nullptr);
    ~CipherPage() override;

    // The DES trace while the rounds tab is in front; null on the modes and picture tabs,
    // which have nothing to step.
    wb::ui::StepController *controller() const override;
    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    // Key and plaintext as 16 hex digits each; false (with the message shown) when invalid.
    bool setKeyAndBlock(const QString &keyHex, const QString &blockHex);
    bool setMode(Mode mode, const QString &ivHex);
    QString errorText() const;
    QString modeOutputHex() const { return m_modeOutput; }
    const DesReplayState &stateAtCursor();
    std::uint64_t ciphertext() const { return m_ciphertext; }
    ImageLeak *imageLeak() const { return m_image; }

protected:
    void refresh() override;
    // Recordings: the stepped run of the rounds tab, as the cipher (des, des3), key, input,
    // mode ("block" for the tab's one block, or ecb, cbc, cfb8, cfb64), IV and direction.
    // The command line records the other forms; the tab shows them pass by pass.
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    bool rerun();
    bool rerunModes();
    // The result line, from the session's trace (live or opened).
    void traceShown();

    // What produced the trace shown on the rounds tab.
    struct Run
    {
        QString cipher = QStringLiteral("des"), key, input, mode = QStringLiteral("block"), iv;
        bool decrypt = false;
        bool oneBlock() const
        {
            return cipher == QLatin1String("des") && mode == QLatin1String("block") && !decrypt;
        }
    };
    Run m_run;
    bool m_modesStale = false; // the modes tab waits for its next showing to run again

    wb::ui::SessionState<DesReplayState> m_state;
    std::uint64_t m_ciphertext = 0;
    QString m_modeOutput;
    DesCanvas *m_canvas;
    ModesCanvas *m_modes;
    ImageLeak *m_image;
    wb::ui::TraceTable *m_table;
    QLineEdit *m_key, *m_block, *m_modeText, *m_iv;
    QComboBox *m_mode;
    QTabWidget *m_tabs;
    QLabel *m_error, *m_modeError, *m_modeResult, *m_result;
};

} // namespace wb::crypto::ui
