#pragma once
// The slot view: a real ListObject driven by typed operations, drawn as CPython's ob_item
// array at the cursor (live, spare and stale slots, the objects they point to, shift arrows,
// and the list_resize arithmetic of the call just made).

#include "list/core/listobject.h"
#include "list/core/replay.h"

#include "workbench/ui/session.h"

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;

namespace wb::ui {
class TraceTable;
}

namespace wb::list::ui {

// What the event at the cursor did, beyond what the state shows: the slot a pop takes its
// value from, and whether the list_resize of the current operation has run yet.
struct SlotFocus
{
    bool popping = false;    // the event at the cursor is a pop
    bool resizing = false;   // the event at the cursor is a list_resize
    std::int64_t index = -1; // pop: the slot read
    std::int64_t value = 0;  // pop: the value returned
    bool resizeInOp = false; // the state's lastResize belongs to the operation at the cursor
};

class SlotCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit SlotCanvas(QWidget *parent = nullptr);
    void setState(const ListViewState &state, const SlotFocus &focus = {});
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    ListViewState m_state;
    SlotFocus m_focus;
};

class SlotsPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit SlotsPage(QWidget *parent = nullptr);
    ~SlotsPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    // Starts a fresh list with the chosen growth policy; the trace restarts too.
    void reset();
    // Runs one typed operation ("l.append(7)", "pop 0", ...); false with a message if it
    // does not parse. A Python error (pop from empty list) is recorded and shown, not thrown.
    bool run(const QString &statement);
    // The worked example of the lesson: appends 1..4, insert(1, 5), pop, pop, remove(5).
    void loadWorkedExample();
    // What the canvas draws: the state rebuilt from the trace at the cursor.
    const ListViewState &stateAtCursor();
    const ListObject &list() const { return *m_list; }
    QString message() const;

protected:
    void changeEvent(QEvent *event) override;
    void refresh() override;
    // Recordings: the growth policy, the operations run (one per line) with what each
    // returned or raised, the message shown, the trace and the cursor. Opening one runs
    // nothing; the next operation typed replays the recorded ones on a fresh list first.
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    GrowthPolicy policy() const;
    // After a recording was opened, the list object is rebuilt from its operations (on the
    // learner's next operation, never on opening).
    void ensureLiveList();
    void showHistory();
    SlotFocus focusAtCursor() const;
    void setMessage(const QString &text); // shown in red, hidden while empty

    // The trace the list records into; the session shows it, and replays it for the canvas.
    std::shared_ptr<wb::Trace> m_trace;
    std::unique_ptr<ListObject> m_list;
    wb::ui::SessionState<ListViewState> m_state;
    SlotCanvas *m_canvas;
    wb::ui::TraceTable *m_table;
    QComboBox *m_policy;
    QLineEdit *m_command;
    QLabel *m_history;
    QLabel *m_message;
    QStringList m_statements; // as typed
    QStringList m_results;    // what each returned or raised, "" for nothing
    bool m_listStale = false; // a recording is shown: m_list is not its list
};

} // namespace wb::list::ui
