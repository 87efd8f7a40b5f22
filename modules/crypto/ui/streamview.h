#pragma once
// The stream view: ARC4's 256-byte state as a 16×16 grid with i, j and the swap of each step,
// first the key schedule (256 steps), then the keystream, XORed into the plaintext.

#include "common.h"
#include "crypto/core/replay.h"

#include "workbench/ui/session.h"

#include <memory>

class QLabel;
class QLineEdit;

namespace wb::ui {
class TraceTable;
}

namespace wb::crypto::ui {

class Arc4Canvas : public QWidget
{
    Q_OBJECT
public:
    explicit Arc4Canvas(QWidget *parent = nullptr);
    void setState(const Arc4ReplayState &state);
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

    Arc4ReplayState m_state;
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
    const Arc4ReplayState &stateAtCursor();
    const Bytes &ciphertext() const { return m_ciphertext; }
    QString errorText() const;
    Arc4Canvas *canvas() const { return m_canvas; }

protected:
    void refresh() override;

private:
    bool rerun();

    wb::ui::SessionState<Arc4ReplayState> m_state;
    Bytes m_ciphertext;
    Arc4Canvas *m_canvas;
    wb::ui::TraceTable *m_table;
    QLineEdit *m_key, *m_text;
    QLabel *m_error;
};

} // namespace wb::crypto::ui
