#pragma once
// Exporting a range of steps of the current view: an animated GIF (giflib), one frame per
// step, or a PDF with one page per step (the view, what the step did, the lesson paragraph
// it belongs to). Frames are taken by moving the view's own controller, exactly as the
// transport bar does, and the cursor is put back afterwards. The file appears whole or not
// at all (wb::OutputFile); a cancelled export leaves nothing behind.

#include <QList>
#include <QSize>
#include <QString>

#include <functional>

namespace wb::ui {
class ModulePage;
class StepController;
} // namespace wb::ui

namespace wb::shell {

struct StepExportRequest
{
    qsizetype from = 0; // cursor positions, both included: 0 is before the first event
    qsizetype to = 0;
    qsizetype every = 1; // every Nth position from `from`; `to` is always included
    QString path;
    QString format;    // "gif" or "pdf"; empty: from the path's suffix
    int frameMs = 700; // how long the GIF shows each step
};

// "A-B", "A-" (to the end), "-B" (from the start) or "N" (one step), against a trace of
// `count` events (positions 0..count). False with a sentence in *error.
bool parseStepRange(const QString &text, qsizetype count, qsizetype *from, qsizetype *to,
                    QString *error);
// The positions a request exports, in order.
QList<qsizetype> exportPositions(const StepExportRequest &request);
// "gif", "pdf" or empty when the suffix is neither.
QString stepExportFormat(const StepExportRequest &request);

// Called after each frame with (done, total); returning false cancels.
using StepExportProgress = std::function<bool(int done, int total)>;

// Renders `page` at each position of `request` through `controller` and writes the file.
// False with a sentence in *error, or with *cancelled set (no file written either way).
bool exportSteps(wb::ui::ModulePage *page, wb::ui::StepController *controller,
                 const StepExportRequest &request, const StepExportProgress &progress,
                 QString *error, bool *cancelled = nullptr);

// The paragraph of a lesson that speaks of an event `kind` ("merge_begin", also read as
// "merge begin"), else the lesson's first paragraph of prose; Markdown.
QString lessonParagraphFor(const QString &markdown, const QString &kind);

} // namespace wb::shell
