#pragma once
// Shows the real source of a module's core (embedded as resources) with line numbers, and
// marks the lines of the current events: one highlight per thread where several run.

#include "workbench/ui/modulepage.h"

#include <QWidget>

class QComboBox;
class QPlainTextEdit;

namespace wb::ui {

class CodeEditor;

class SourceView : public QWidget
{
    Q_OBJECT
public:
    explicit SourceView(QWidget *parent = nullptr);

    void setFiles(const QStringList &resourcePaths);
    QStringList files() const { return m_files; }
    // Switches to the file of the first highlight and scrolls to it.
    void setHighlights(const QList<SourceHighlight> &highlights);
    QString currentFileName() const;
    QPlainTextEdit *editor() const;

private:
    void showFile(int index);
    void applyHighlights(bool scroll);

    QStringList m_files;
    QList<SourceHighlight> m_highlights;
    QComboBox *m_fileBox;
    CodeEditor *m_editor;
};

} // namespace wb::ui
