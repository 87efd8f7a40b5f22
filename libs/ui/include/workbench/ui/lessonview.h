#pragma once
// The lesson pane: our own explanatory text, Markdown from the module's resources.
//
// The pane is narrow (about 300 px on a projector), so a table that cannot be read at its
// width is shown as a column of cards instead, one card per row with each value under its
// column's name; it goes back to a table when the pane is widened. Inline code and code
// blocks follow the pane's font, so presentation mode enlarges them with the text.

#include <QTextBrowser>

namespace wb::ui {

class LessonView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit LessonView(QWidget *parent = nullptr);
    void setLesson(const QString &markdown);
    // The lesson's tables in order, true for each one shown as cards.
    QList<bool> tablesShownAsCards() const { return m_asCards; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void render();
    // The width a table may use whether or not the vertical scrollbar is shown, so showing
    // cards (a longer lesson) never flips the choice back.
    int availableWidth() const;
    QList<bool> chooseCards(int width) const;

    QString m_markdown;
    QList<int> m_tableWidths; // the width each table needs to be read, in document order
    QList<bool> m_asCards;
};

} // namespace wb::ui
