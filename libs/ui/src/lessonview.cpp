#include "workbench/ui/lessonview.h"

namespace wb::ui {

LessonView::LessonView(QWidget *parent) : QTextBrowser(parent)
{
    setOpenExternalLinks(true);
    setPlaceholderText(tr("No lesson for this view."));
    document()->setDocumentMargin(12);
}

void LessonView::setLesson(const QString &markdown)
{
    setMarkdown(markdown);
}

} // namespace wb::ui
