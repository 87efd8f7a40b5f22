#pragma once
// The playground's script editor: a plain-text editor with line numbers in a margin, the
// lines of a parse error underlined in red, and the line each live thread is on (at the
// trace cursor) tinted in that thread's colour and named ("T1") in the margin.

#include <QPlainTextEdit>

#include <map>

namespace wb::threads::ui {

class ScriptEditor : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ScriptEditor(QWidget *parent = nullptr);

    // Replaces the whole text as one undoable edit (Ctrl+Z brings the previous text back).
    void replaceText(const QString &text);
    // 1-based line -> the thread number whose current line it is.
    void setThreadLines(const std::map<int, int> &lineToThread);
    // 1-based lines (and columns) of parse errors; empty clears them.
    void setErrorMarks(const QList<QPair<int, int>> &lineColumns);

    int lineNumberWidth() const;
    void paintLineNumbers(QPaintEvent *event);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateSelections();

    QWidget *m_margin;
    std::map<int, int> m_threadLines;
    QList<QPair<int, int>> m_errors;
};

} // namespace wb::threads::ui
