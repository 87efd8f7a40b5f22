#pragma once
// One view of a module, as the shell hosts it: the central widget plus what the shell's
// panes need from it (a step controller for the transport bar, lesson text, the core source
// files to show, and the lines to highlight at the cursor).

#include "workbench/core/recording.h"

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace wb::ui {

class StepController;

struct SourceHighlight
{
    QString fileName; // matched against the file names of sourceFiles(): "listobject.cpp"
    int line = 0;     // 1-based
    QColor color;     // invalid: the palette's highlight colour
    QString label;    // shown in the margin: "T2"
};

class ModulePage : public QWidget
{
    Q_OBJECT
public:
    explicit ModulePage(QWidget *parent = nullptr) : QWidget(parent) {}

    // The controller the transport bar drives, or null for a view without steps.
    virtual StepController *controller() const { return nullptr; }
    // Markdown shown in the lesson pane.
    virtual QString lessonMarkdown() const { return {}; }
    // Resource paths of the core sources this view runs (":/modules/list/core/...").
    virtual QStringList sourceFiles() const { return {}; }
    // Lines to mark in the source pane. The default marks the current event's line.
    virtual QList<SourceHighlight> sourceHighlights() const;
    // Called before the page is destroyed or hidden for good: stop live work, join threads.
    virtual void shutdown() {}

    // --- recordings: File > Save Recording…, Open Recording…, `workbench --open FILE` ---
    // What this view would keep of the run it shows: the settings that produced it, the
    // trace and the cursor (the shell adds the module's and the view's ids). A recording
    // without a trace means there is nothing to keep.
    virtual wb::Recording recording() const { return {}; }
    // Shows `recording` (made by this view) without running anything. It checks every event
    // before showing any: false, with a sentence in *error, leaves the page as it was.
    virtual bool showRecording(const wb::Recording &recording, QString *error);

signals:
    // The lesson, the source list or the highlights changed: the shell re-reads them.
    void lessonChanged();
    void sourcesChanged();
    void highlightsChanged();
    // controller() now returns another controller (or null): an inner tab that steps its own
    // trace, or has none, was brought to the front. The shell hands the new one to the bar.
    void controllerChanged();
    // A short line for the status bar.
    void statusMessage(const QString &text);
};

// Reads a text resource (lessons, sources). Empty if it does not exist.
QString readTextResource(const QString &path);

} // namespace wb::ui
