#include "workbench/ui/lessonview.h"

#include <QEvent>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QTextFrame>
#include <QTextTable>

#include <algorithm>
#include <cmath>

namespace wb::ui {

namespace {

// A column keeps this many average characters on a line before its table counts as cramped:
// narrower columns break a short phrase into a word per line.
constexpr int kComfortableColumnChars = 10;

// Markdown's code spans and blocks come with the system's fixed font at its own point size,
// which presentation mode does not change. Without a size of their own they take the
// document's, which follows the pane's font.
void letCodeFollowTheText(QTextDocument *doc)
{
    struct Range
    {
        int start, length;
        QTextCharFormat format;
    };
    QList<Range> code;
    const QString fixedFamily = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            QTextCharFormat format = f.charFormat();
            if (!format.fontFixedPitch() &&
                !format.fontFamilies().toStringList().contains(fixedFamily))
                continue;
            if (!format.hasProperty(QTextFormat::FontPointSize) &&
                !format.hasProperty(QTextFormat::FontPixelSize))
                continue;
            format.clearProperty(QTextFormat::FontPointSize);
            format.clearProperty(QTextFormat::FontPixelSize);
            code.append({f.position(), f.length(), format});
        }
    QTextCursor cursor(doc);
    cursor.beginEditBlock();
    for (const Range &r : std::as_const(code)) {
        cursor.setPosition(r.start);
        cursor.setPosition(r.start + r.length, QTextCursor::KeepAnchor);
        cursor.setCharFormat(r.format);
    }
    cursor.endEditBlock();
}

void collectTables(QTextFrame *frame, QList<QTextTable *> &out)
{
    for (QTextFrame *child : frame->childFrames()) {
        if (auto *table = qobject_cast<QTextTable *>(child))
            out << table;
        collectTables(child, out);
    }
}

QList<QTextTable *> tablesOf(QTextDocument *doc)
{
    QList<QTextTable *> tables;
    collectTables(doc->rootFrame(), tables);
    std::sort(tables.begin(), tables.end(), [](const QTextTable *a, const QTextTable *b) {
        return a->firstPosition() < b->firstPosition();
    });
    return tables;
}

// The widest word of a cell and the width of its longest line unbroken.
struct CellWidths
{
    qreal word = 0;
    qreal line = 0;
};

CellWidths measureCell(const QTextTableCell &cell, const QFont &base, bool header)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    CellWidths w;
    for (auto frameIt = cell.begin(); !frameIt.atEnd(); ++frameIt) {
        const QTextBlock block = frameIt.currentBlock();
        if (!block.isValid())
            continue;
        qreal line = 0;
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            QFont font = f.charFormat().font().resolve(base);
            if (header)
                font.setBold(true);
            const QFontMetricsF fm(font);
            line += fm.horizontalAdvance(f.text());
            for (const QString &word : f.text().split(space, Qt::SkipEmptyParts))
                w.word = std::max(w.word, fm.horizontalAdvance(word));
        }
        w.line = std::max(w.line, line);
    }
    return w;
}

// The width at which a table reads well: each column as wide as its widest word and, up to
// a comfortable measure, as wide as its longest line.
int readableWidth(const QTextTable *table, const QFont &base)
{
    const QTextTableFormat format = table->format();
    const qreal comfortable = QFontMetricsF(base).averageCharWidth() * kComfortableColumnChars;
    const qreal perColumn =
        2 * format.cellPadding() + format.cellSpacing() + 2 * std::max<qreal>(format.border(), 1);
    qreal total =
        format.cellSpacing() + 2 * format.border() + format.leftMargin() + format.rightMargin();
    for (int c = 0; c < table->columns(); ++c) {
        qreal word = 0, line = 0;
        for (int r = 0; r < table->rows(); ++r) {
            const QTextTableCell cell = table->cellAt(r, c);
            if (!cell.isValid() || cell.column() != c || cell.columnSpan() > 1)
                continue;
            const CellWidths w = measureCell(cell, base, r == 0);
            word = std::max(word, w.word);
            line = std::max(line, w.line);
        }
        total += std::max(word, std::min(line, comfortable)) + perColumn;
    }
    return static_cast<int>(std::ceil(total));
}

QTextDocumentFragment cellContents(const QTextTableCell &cell)
{
    QTextCursor c = cell.firstCursorPosition();
    c.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
    return c.selection();
}

// Replaces `table` by one card per body row: the first column's value as the card's title,
// then each other column's name and value on a line of its own. The cards are framed and
// filled like the palette's alternate rows; their text keeps the palette's text colour.
void replaceWithCards(QTextTable *table, const QPalette &palette, qreal spacing)
{
    const int rows = table->rows();
    const int columns = table->columns();
    QStringList names;
    for (int c = 0; c < columns; ++c)
        names << table->cellAt(0, c).firstCursorPosition().block().text().trimmed();
    QList<QList<QTextDocumentFragment>> body;
    for (int r = 1; r < rows; ++r) {
        QList<QTextDocumentFragment> values;
        for (int c = 0; c < columns; ++c) {
            const QTextTableCell cell = table->cellAt(r, c);
            values << (cell.isValid() && cell.column() == c ? cellContents(cell)
                                                            : QTextDocumentFragment());
        }
        body << values;
    }

    QTextDocument *doc = table->document();
    const int at = table->firstPosition() - 1;
    table->removeRows(0, rows); // removing every row removes the table

    QTextFrameFormat card;
    card.setBorder(1);
    card.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
    card.setBorderBrush(palette.color(QPalette::Mid));
    card.setBackground(palette.color(QPalette::AlternateBase));
    card.setPadding(spacing);
    card.setMargin(0);
    QTextCharFormat title;
    title.setFontWeight(QFont::Bold);
    QTextCharFormat label;
    label.setFontItalic(true);

    QTextCursor cursor(doc);
    cursor.setPosition(at);
    cursor.beginEditBlock();
    QList<QTextFrame *> cards;
    for (int r = 0; r < body.size(); ++r) {
        const QList<QTextDocumentFragment> &values = body[r];
        QTextFrame *frame = cursor.insertFrame(card);
        const int titleStart = cursor.position();
        if (values.value(0).toPlainText().trimmed().isEmpty())
            cursor.insertText(QObject::tr("Row %1").arg(r + 1));
        else
            cursor.insertFragment(values[0]);
        QTextCursor titleRange(doc);
        titleRange.setPosition(titleStart);
        titleRange.setPosition(cursor.position(), QTextCursor::KeepAnchor);
        titleRange.mergeCharFormat(title);
        for (int c = 1; c < columns; ++c) {
            if (values.value(c).toPlainText().trimmed().isEmpty())
                continue;
            QTextBlockFormat line;
            line.setAlignment(Qt::AlignLeft);
            cursor.insertBlock(line, QTextCharFormat());
            const QString name = names.value(c);
            if (!name.isEmpty()) {
                const bool ends = name.endsWith(QChar(0x2026)) || name.endsWith(QLatin1Char(':'));
                cursor.insertText(name + (ends ? QStringLiteral(" ") : QStringLiteral(": ")),
                                  label);
            }
            cursor.setCharFormat(QTextCharFormat());
            cursor.insertFragment(values[c]);
        }
        cursor.setPosition(frame->lastPosition() + 1);
        cards << frame;
    }
    // The empty block after a card is the gap before what follows, a line's third.
    QTextBlockFormat gap;
    gap.setLineHeight(spacing, QTextBlockFormat::FixedHeight);
    for (const QTextFrame *frame : std::as_const(cards)) {
        cursor.setPosition(frame->lastPosition() + 1);
        if (cursor.block().text().isEmpty())
            cursor.setBlockFormat(gap);
    }
    cursor.endEditBlock();
}

} // namespace

LessonView::LessonView(QWidget *parent) : QTextBrowser(parent)
{
    setOpenExternalLinks(true);
    setPlaceholderText(tr("No lesson for this view."));
    document()->setDocumentMargin(12);
}

void LessonView::setLesson(const QString &markdown)
{
    if (markdown == m_markdown && !document()->isEmpty())
        return; // the same lesson again: keep the reader's place
    m_markdown = markdown;
    render();
    verticalScrollBar()->setValue(0);
}

int LessonView::availableWidth() const
{
    const int scrollBar = verticalScrollBar()->sizeHint().width();
    return width() - 2 * frameWidth() - scrollBar -
           2 * static_cast<int>(document()->documentMargin());
}

QList<bool> LessonView::chooseCards(int width) const
{
    QList<bool> cards;
    for (int needed : m_tableWidths)
        cards << (needed > width);
    return cards;
}

void LessonView::render()
{
    // The lesson is built in a document of its own, which nothing lays out yet: fixing the
    // code spans and turning tables into cards are then plain edits, and the text is laid
    // out once, when the pane takes the finished document.
    QScrollBar *bar = verticalScrollBar();
    const double place = bar->maximum() > 0 ? double(bar->value()) / bar->maximum() : 0.0;
    auto *doc = new QTextDocument(this);
    doc->setDefaultFont(font());
    doc->setDocumentMargin(document()->documentMargin());
    doc->setMarkdown(m_markdown);
    letCodeFollowTheText(doc);
    const QList<QTextTable *> tables = tablesOf(doc);
    m_tableWidths.clear();
    for (const QTextTable *t : tables)
        m_tableWidths << readableWidth(t, doc->defaultFont());
    m_asCards = chooseCards(availableWidth());
    const qreal spacing = QFontMetricsF(doc->defaultFont()).height() / 3;
    for (qsizetype i = tables.size() - 1; i >= 0; --i)
        if (m_asCards[i])
            replaceWithCards(tables[i], palette(), spacing);
    doc->setModified(false);
    // The pane's first document belongs to its text control, which deletes it on the
    // switch; the ones made here belong to the pane.
    QTextDocument *old = document();
    const bool ours = old->parent() == this;
    setDocument(doc);
    if (ours)
        delete old;
    bar->setValue(qRound(place * bar->maximum()));
}

void LessonView::resizeEvent(QResizeEvent *event)
{
    QTextBrowser::resizeEvent(event);
    if (!m_tableWidths.isEmpty() && chooseCards(availableWidth()) != m_asCards)
        render();
}

void LessonView::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    // Widths are measured in the pane's font and cards are painted in its palette.
    if ((event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange) &&
        !m_markdown.isEmpty())
        render();
}

} // namespace wb::ui
