#pragma once
// The stream view: ARC4's 256-byte state as a 16×16 grid with i, j and the swap of each step,
// first the key schedule (256 steps), then the keystream, XORed into the plaintext. For
// comparison, the repeating-key XOR "cipher" byte by byte: the key cycles where ARC4's
// keystream does not.

#include "common.h"
#include "crypto/core/replay.h"

#include "workbench/ui/session.h"

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

// Repeating-key XOR at the cursor: the bytes done so far (from the xor_byte events).
struct XorState
{
    Bytes in, key, out;        // key: the key byte used for each input byte
    std::size_t keyLength = 0; // the key's length, when the trace shows it (0: not yet)
};
void applyXorEvent(XorState &state, const wb::Event &event);

class Arc4Canvas : public QWidget
{
    Q_OBJECT
public:
    explicit Arc4Canvas(QWidget *parent = nullptr);
    void setState(const Arc4ReplayState &state);
    // Draws repeating-key XOR instead of ARC4's state.
    void setXorState(const XorState &state);
    bool showsXor() const { return m_showXor; }
    QSize minimumSizeHint() const override;
    // Every text and line colour of the last paint, each with the colour under it.
    const QList<QPair<QColor, QColor>> &inksUsed() const { return m_inks.used(); }

protected:
    void paintEvent(QPaintEvent *) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    int legendHeight(int width) const;
    // The smallest cell of the grid and the smallest size of the digits in it.
    int minimumCell() const;
    int minimumCellPixels() const;
    void paintXor(QPainter &p);

    Arc4ReplayState m_state;
    XorState m_xor;
    bool m_showXor = false;
    InkLog m_inks;
};

class StreamPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit StreamPage(QWidget *parent = nullptr);
    ~StreamPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    bool setKeyAndText(const QString &key, const QString &plaintext);
    // ARC4 (false) or repeating-key XOR (true); hex: key and plaintext typed as hex bytes.
    bool setCipher(bool useXor, bool hex = false);
    bool showsXor() const;
    const Arc4ReplayState &stateAtCursor();
    const Bytes &ciphertext() const { return m_ciphertext; }
    QString errorText() const;
    Arc4Canvas *canvas() const { return m_canvas; }

protected:
    void refresh() override;
    // Recordings: the cipher (arc4, xor), the input format (text, hex), the key and the
    // plaintext as typed.
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    bool rerun();

    wb::ui::SessionState<Arc4ReplayState> m_state;
    wb::ui::SessionState<XorState> m_xorState;
    // The controls that produced the trace shown.
    QString m_runKey, m_runText;
    bool m_runXor = false, m_runHex = false;
    QComboBox *m_cipher, *m_format;
    Bytes m_ciphertext;
    Arc4Canvas *m_canvas;
    wb::ui::TraceTable *m_table;
    QLineEdit *m_key, *m_text;
    QLabel *m_error;
};

} // namespace wb::crypto::ui
