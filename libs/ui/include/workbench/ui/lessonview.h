#pragma once
// The lesson pane: our own explanatory text, Markdown from the module's resources.

#include <QTextBrowser>

namespace wb::ui {

class LessonView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit LessonView(QWidget *parent = nullptr);
    void setLesson(const QString &markdown);
};

} // namespace wb::ui
