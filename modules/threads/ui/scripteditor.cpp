#include "scripteditor.h"
#include "timelineview.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPainter>
#include <QTextBlock>

namespace wb::threads::ui {

namespace {

class LineNumberMargin : public QWidget
{
public:
    explicit LineNumberMargin(ScriptEditor *editor) : QWidget(editor), m_editor(editor) {}
    QSize sizeHint() const override { return {m_editor->lineNumberWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintLineNumbers(event); }

private:
    ScriptEditor *m_editor;
};

} // namespace

ScriptEditor::ScriptEditor(QWidget *parent)
    : QPlainTextEdit(parent), m_margin(new LineNumberMargin(this))
{
    // Only the family is set: the size stays the application's, so it grows with
    // presentation mode's larger fonts.
    QFont mono;
    mono.setFamily(QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
    mono.setStyleHint(QFont::TypeWriter);
    setFont(mono);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(true);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(lineNumberWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_margin->scroll(0, dy);
        else
            m_margin->update(0, rect.y(), m_margin->width(), rect.height());
    });
    // Typing moves the marks with the text, so they would be misleading: clear them.
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_errors.isEmpty() || !m_threadLines.empty()) {
            m_errors.clear();
            m_threadLines.clear();
            updateSelections();
        }
    });
    setViewportMargins(lineNumberWidth(), 0, 0, 0);
}

void ScriptEditor::replaceText(const QString &text)
{
    if (text == toPlainText())
        return;
    QTextCursor c(document());
    c.select(QTextCursor::Document);
    c.insertText(text);
}

int ScriptEditor::lineNumberWidth() const
{
    // The line number, and room on its left for the thread on that line ("T1").
    const int digits = QString::number(std::max(1, blockCount())).size();
    QFont bold = font();
    bold.setBold(true);
    return 16 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(2, digits) +
           QFontMetrics(bold).horizontalAdvance(QStringLiteral("T9"));
}

void ScriptEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_margin->setGeometry(r.left(), r.top(), lineNumberWidth(), r.height());
}

void ScriptEditor::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        updateSelections(); // the tints and the underline are the palette's
        m_margin->update();
    } else if (event->type() == QEvent::FontChange) {
        setViewportMargins(lineNumberWidth(), 0, 0, 0);
    }
}

void ScriptEditor::paintLineNumbers(QPaintEvent *event)
{
    QPainter p(m_margin);
    const QPalette pal = palette();
    p.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    const Inks ink = inks(pal);
    QFont bold = font();
    bold.setBold(true);
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        if (block.isVisible() && top + height >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            const bool error = std::any_of(m_errors.begin(), m_errors.end(),
                                           [&](const auto &e) { return e.first == line; });
            p.setPen(error ? ink.error : ink.muted);
            p.setFont(font());
            p.drawText(0, top, m_margin->width() - 6, height, Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(line));
            // The thread on this line, by name as well as by the line's tint.
            if (const auto it = m_threadLines.find(line); it != m_threadLines.end()) {
                p.setPen(threadInk(it->second, pal));
                p.setFont(bold);
                p.drawText(3, top, m_margin->width(), height, Qt::AlignLeft | Qt::AlignVCenter,
                           threadLabel(it->second));
            }
        }
        block = block.next();
        top += height;
    }
}

void ScriptEditor::setThreadLines(const std::map<int, int> &lineToThread)
{
    if (lineToThread == m_threadLines)
        return;
    m_threadLines = lineToThread;
    updateSelections();
    m_margin->update();
}

void ScriptEditor::setErrorMarks(const QList<QPair<int, int>> &lineColumns)
{
    m_errors = lineColumns;
    updateSelections();
    m_margin->update();
}

void ScriptEditor::updateSelections()
{
    QList<QTextEdit::ExtraSelection> out;
    for (const auto &[line, thread] : m_threadLines) {
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection s;
        s.format.setBackground(threadTint(thread, palette()));
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        s.cursor = QTextCursor(block);
        out << s;
    }
    for (const auto &[line, column] : m_errors) {
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection s;
        s.format.setUnderlineColor(inks(palette()).error);
        s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        s.cursor = QTextCursor(block);
        const int from = std::clamp(column - 1, 0, std::max(0, block.length() - 1));
        s.cursor.setPosition(block.position() + from);
        s.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        if (!s.cursor.hasSelection()) { // an error at the end of the line: mark the line
            s.cursor.movePosition(QTextCursor::StartOfBlock, QTextCursor::KeepAnchor);
        }
        out << s;
    }
    setExtraSelections(out);
}

} // namespace wb::threads::ui
