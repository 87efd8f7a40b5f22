#pragma once
// The hash view: one input through all five hashes (the brief's table), then one algorithm's
// compression stepped event by event: the padded message (padding and length field marked),
// the current block, the message schedule, the registers after each step (the register the
// step computed is marked), and an avalanche plot (one flipped input bit, bits of state that
// differ after each step).

#include "common.h"
#include "crypto/core/replay.h"

#include "workbench/ui/session.h"

#include <memory>

class QComboBox;
class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QTabWidget;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

class HashCanvas : public ScaledCanvas
{
    Q_OBJECT
public:
    explicit HashCanvas(QWidget *parent = nullptr);
    // The whole padded message (message, padding, length field / MD2 checksum) and where
    // the padding starts and the trailer starts.
    void setMessage(HashAlg alg, const Bytes &padded, std::size_t messageBytes,
                    std::size_t paddingBytes);
    void setState(const HashReplayState &state);
    // Every text and line colour of the last paint, each with the colour under it.
    const QList<QPair<QColor, QColor>> &inksUsed() const { return m_inks.used(); }

protected:
    int paintContent(QPainter &p, int width) const override;
    int naturalWidth() const override;

private:
    HashAlg m_alg = HashAlg::Md5;
    Bytes m_padded;
    std::size_t m_messageBytes = 0, m_paddingBytes = 0;
    HashReplayState m_state;
    mutable InkLog m_inks;
};

class HashPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit HashPage(QWidget *parent = nullptr);
    ~HashPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    // The learner's controls, for tests.
    void setInput(const QString &text, bool hex);
    void setStepAlgorithm(HashAlg alg);
    HashAlg stepAlgorithm() const;
    // What the table shows for `alg` (hex digest, or empty after bad input), and the error.
    QString shownDigest(HashAlg alg) const;
    QString errorText() const;
    const HashReplayState &stateAtCursor();
    const std::vector<int> &avalanche() const { return m_avalanche; }
    HashCanvas *canvas() const { return m_canvas; }
    // The colours the page gives text outside the drawing (the digest table's verdicts, the
    // plot's curves and cursor), each with the colour under it.
    QList<QPair<QColor, QColor>> inksUsed() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void refresh() override;
    // Recordings: the input and its format, the algorithm stepped, the flipped bit and the
    // side tab, with the five digests and the avalanche counts the page showed beside the
    // trace (so a reopened recording shows them without hashing anything).
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    void fitDigestTable();
    // Colours that are not painted by the page itself (table items, plot pens), set again
    // when the palette changes.
    void applyColors();
    void recompute();
    void retrace();
    void updateAvalanche(); // computes the counts, then shows them
    void makePlot();
    void showAvalanche();
    void moveCursor();
    // The padded message and the step positions, from the session's trace (live or opened).
    void traceShown();
    Bytes tracedBytes() const; // the part of the message a trace covers

    Bytes m_message;
    // The input and format that produced the trace shown (the line edit may hold bad hex).
    QString m_runInput;
    bool m_runHex = false;
    wb::ui::SessionState<HashReplayState> m_state;
    std::vector<int> m_avalanche;
    std::vector<std::size_t> m_stepPositions; // trace position of each step (avalanche x)
    HashCanvas *m_canvas;
    wb::ui::TraceTable *m_table;
    QLineEdit *m_input;
    QComboBox *m_format;
    QComboBox *m_alg;
    QSpinBox *m_bit;
    QLabel *m_error;
    QTableWidget *m_digests;
    QTabWidget *m_side;
    QWidget *m_avalanchePage;
    QCustomPlot *m_plot = nullptr;
    QCPItemStraightLine *m_cursorLine = nullptr;
};

} // namespace wb::crypto::ui
