#pragma once
// The inspector: the inside of every primitive at the cursor, grouped by the object it
// belongs to so the layering shows (a Queue's mutex and its three Conditions, a Condition's
// lock and its waiter locks): sem_t values, RLock owner and count, the waiters list with
// each waiter lock and the thread parked on it, Event flags, Queue items and
// unfinished_tasks.

#include "session.h"

#include "workbench/ui/session.h"

#include <QColor>
#include <QPalette>

#include <memory>

class QScrollArea;

namespace wb::threads::ui {

class RunBar;

// One line of the inspector, as drawn: also what the tests read.
struct InspectorRow
{
    QString group;        // "queue"
    QString name;         // "queue.not_full.waiter#1"
    QString layer;        // "Lock"
    QString text;         // "sem_t value 0 (locked) · waiter lock of Thread-1"
    int depth = 0;        // nesting under the group's object
    bool changed = false; // touched by the event just applied
    bool idle = false;    // a waiter lock nobody uses any more
};

std::vector<InspectorRow> inspectorRows(const ThreadsState &state, const TimelineData &timeline,
                                        qint64 currentSeq);

// The badge naming a row's layer ("Lock", "Condition", ...): its fill, and the colour of the
// word on it (4.5:1 on every fill). A waiter lock nobody uses any more is grey.
QColor layerBadgeFill(const QString &layer, bool idle, const QPalette &palette);
QColor layerBadgeText(const QPalette &palette);
// Behind a row the event at the cursor changed (on its card), with palette Text on it.
QColor changedRowFill(const QPalette &palette);

class InspectorCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit InspectorCanvas(QWidget *parent = nullptr);
    void setContent(std::vector<InspectorRow> rows, QStringList threadLines, QString banner);
    void setEmptyText(const QString &text) { m_emptyText = text; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The rows wrap into the width given, so the height follows the width.
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *) override;
    bool event(QEvent *event) override;

private:
    // Lays the content out for `width` and, with a painter, draws it; returns the height.
    int layOut(int width, QPainter *p) const;

    // Where the last paint put each primitive's row, for its tooltip.
    mutable std::vector<std::pair<QRect, QString>> m_rowRects;
    std::vector<InspectorRow> m_rows;
    QStringList m_threads;
    QString m_banner;
    QString m_emptyText;
};

class InspectorPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit InspectorPage(std::shared_ptr<ThreadsSession> session, QWidget *parent = nullptr);

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    QList<wb::ui::SourceHighlight> sourceHighlights() const override;
    void shutdown() override;
    // Recordings: the shared run's settings (threads/core/recording.h), its trace and cursor;
    // opening one restores the run on every page of the module without running anything.
    wb::Recording recording() const override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

    ThreadsSession *session() const { return m_session.get(); }
    RunBar *runBar() const { return m_runBar; }
    const std::vector<InspectorRow> &rows() const { return m_rows; }

protected:
    void refresh() override;
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    std::shared_ptr<ThreadsSession> m_session;
    RunBar *m_runBar;
    InspectorCanvas *m_canvas;
    QScrollArea *m_scroll;
    std::vector<InspectorRow> m_rows;
};

} // namespace wb::threads::ui
