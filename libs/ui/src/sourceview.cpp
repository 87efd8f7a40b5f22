#include "workbench/ui/sourceview.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QPainter>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QVBoxLayout>

namespace wb::ui {

// A read-only editor with a margin of line numbers and per-line labels ("T2").
class CodeEditor : public QPlainTextEdit
{
public:
    explicit CodeEditor(QWidget *parent) : QPlainTextEdit(parent), m_margin(new Margin(this))
    {
        setReadOnly(true);
        setLineWrapMode(QPlainTextEdit::NoWrap);
        setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { updateMarginWidth(); });
        connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &r, int dy) {
            if (dy)
                m_margin->scroll(0, dy);
            else
                m_margin->update(0, r.y(), m_margin->width(), r.height());
        });
        updateMarginWidth();
    }

    void setLineLabels(QMap<int, QString> labels)
    {
        m_labels = std::move(labels);
        updateMarginWidth();
        m_margin->update();
    }

protected:
    void resizeEvent(QResizeEvent *e) override
    {
        QPlainTextEdit::resizeEvent(e);
        const QRect cr = contentsRect();
        m_margin->setGeometry(cr.left(), cr.top(), marginWidth(), cr.height());
    }

private:
    class Margin : public QWidget
    {
    public:
        explicit Margin(CodeEditor *editor) : QWidget(editor), m_editor(editor) {}
        QSize sizeHint() const override { return {m_editor->marginWidth(), 0}; }

    protected:
        void paintEvent(QPaintEvent *e) override { m_editor->paintMargin(e->rect()); }

    private:
        CodeEditor *m_editor;
    };

    int marginWidth() const
    {
        int digits = QString::number(std::max(1, blockCount())).size();
        int labelWidth = 0;
        for (const auto &l : m_labels)
            labelWidth = std::max(labelWidth, fontMetrics().horizontalAdvance(l + " "));
        return 10 + labelWidth + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
    }

    void updateMarginWidth() { setViewportMargins(marginWidth(), 0, 0, 0); }

    void paintMargin(const QRect &rect)
    {
        QPainter p(m_margin);
        p.fillRect(rect, palette().color(QPalette::AlternateBase));
        QTextBlock block = firstVisibleBlock();
        int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
        const int h = fontMetrics().height();
        while (block.isValid() && top <= rect.bottom()) {
            const int line = block.blockNumber() + 1;
            if (block.isVisible() && top + h >= rect.top()) {
                p.setPen(palette().color(QPalette::PlaceholderText));
                p.drawText(0, top, m_margin->width() - 4, h, Qt::AlignRight,
                           QString::number(line));
                if (auto it = m_labels.find(line); it != m_labels.end()) {
                    p.setPen(palette().color(QPalette::Highlight));
                    p.drawText(3, top, m_margin->width(), h, Qt::AlignLeft, *it);
                }
            }
            block = block.next();
            top += qRound(blockBoundingRect(block).height());
        }
    }

    Margin *m_margin;
    QMap<int, QString> m_labels;
};

SourceView::SourceView(QWidget *parent)
    : QWidget(parent), m_fileBox(new QComboBox(this)), m_editor(new CodeEditor(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_fileBox);
    layout->addWidget(m_editor);
    m_fileBox->setToolTip(tr("Source file of the core that produced the events"));
    connect(m_fileBox, &QComboBox::currentIndexChanged, this, &SourceView::showFile);
    m_editor->setPlaceholderText(tr("This view shows no source."));
    m_fileBox->hide();
}

QPlainTextEdit *SourceView::editor() const
{
    return m_editor;
}

void SourceView::setFiles(const QStringList &resourcePaths)
{
    if (resourcePaths == m_files)
        return;
    m_files = resourcePaths;
    const QSignalBlocker block(m_fileBox);
    m_fileBox->clear();
    for (const auto &f : m_files)
        m_fileBox->addItem(QFileInfo(f).fileName(), f);
    m_fileBox->setVisible(!m_files.isEmpty());
    showFile(m_files.isEmpty() ? -1 : 0);
}

QString SourceView::currentFileName() const
{
    return m_fileBox->currentText();
}

void SourceView::showFile(int index)
{
    if (index < 0 || index >= m_files.size()) {
        m_editor->clear();
        return;
    }
    if (m_fileBox->currentIndex() != index) {
        const QSignalBlocker block(m_fileBox);
        m_fileBox->setCurrentIndex(index);
    }
    const QString text = readTextResource(m_files[index]);
    m_editor->setPlainText(text.isEmpty() ? tr("(%1 could not be read)").arg(m_files[index])
                                          : text);
    applyHighlights(true);
}

void SourceView::setHighlights(const QList<SourceHighlight> &highlights)
{
    m_highlights = highlights;
    if (!highlights.isEmpty() && highlights.first().fileName != currentFileName()) {
        const int i = m_fileBox->findText(highlights.first().fileName);
        if (i >= 0) {
            showFile(i); // applies the highlights
            return;
        }
    }
    applyHighlights(true);
}

void SourceView::applyHighlights(bool scroll)
{
    QList<QTextEdit::ExtraSelection> selections;
    QMap<int, QString> labels;
    const QString file = currentFileName();
    QTextCursor first;
    for (const auto &h : m_highlights) {
        if (h.fileName != file || h.line < 1)
            continue;
        QTextBlock block = m_editor->document()->findBlockByNumber(h.line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection sel;
        QColor c = h.color.isValid() ? h.color : palette().color(QPalette::Highlight);
        c.setAlpha(70);
        sel.format.setBackground(c);
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        sel.cursor = QTextCursor(block);
        selections << sel;
        if (!h.label.isEmpty())
            labels[h.line] =
                labels.value(h.line).isEmpty() ? h.label : labels[h.line] + "," + h.label;
        if (first.isNull())
            first = sel.cursor;
    }
    m_editor->setExtraSelections(selections);
    m_editor->setLineLabels(labels);
    if (scroll && !first.isNull()) {
        m_editor->setTextCursor(first);
        m_editor->centerCursor();
    }
}

} // namespace wb::ui
