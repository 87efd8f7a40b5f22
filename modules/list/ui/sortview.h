#pragma once
// Timsort at the cursor: the array as bars coloured by pending run, the run just found, the
// merge in progress with its temp area, galloping, the pending-run stack (with powers under
// the 3.11 policy) and the comparison counter against n·log2(n).

#include "list/core/replay.h"

#include "workbench/ui/session.h"

#include <QImage>

#include <atomic>
#include <memory>
#include <thread>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QSplitter;

namespace wb::ui {
class TraceTable;
}

namespace wb::list::ui {

// What the event at the cursor looks at, beyond what the state holds: the two elements a
// comparison reads, and the run a merge has just written.
struct SortHighlight
{
    std::int64_t x = -1, y = -1;  // slots of less(x, y)'s operands, as the bars stand
    bool less = false;            // what the comparison answered
    std::uint64_t number = 0;     // its number in the sort
    std::int64_t mergedBase = -1; // merge_end: the merged run
    std::int64_t mergedLength = 0;
};

// The array as bars, with the runs and the merge in progress marked below them.
class SortCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit SortCanvas(QWidget *parent = nullptr);
    void setState(const SortViewState &state);
    void setHighlight(const SortHighlight &highlight);
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    // Per pixel column of the bars, when there are more elements than pixels: the tallest
    // value (recomputed only when the values or the width change), and the values' range.
    void updateColumns(int width);

    SortViewState m_state;
    SortHighlight m_highlight;
    std::vector<std::int64_t> m_columnMax;
    int m_columnsWidth = -1;
    double m_low = 0, m_high = 1;
    QImage m_columns; // the columns' pixels, reused from frame to frame
};

// Beside or below the bars: the comparison counter, why the merge at the cursor happens, and
// the pending-run stack. Its text wraps to the width it is given.
class SortSidePanel : public QWidget
{
    Q_OBJECT
public:
    explicit SortSidePanel(QWidget *parent = nullptr);
    void setState(const SortViewState &state);
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    // Lays the panel out in `width` and paints it when `p` is set, stopping at `height`;
    // returns the height the whole panel needs.
    int arrange(QPainter *p, int width, int height) const;

    // The parts of the state the panel shows (not the values, which can be many).
    std::int64_t m_n = 0;
    std::uint64_t m_comparisons = 0;
    std::int64_t m_minGallop = 0;
    std::int64_t m_gallopEntries = 0;
    MergeView m_merge;
    std::vector<PendingRunView> m_stack;
};

class SortPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit SortPage(QWidget *parent = nullptr);
    ~SortPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    // The input as chosen by the controls; empty with a message in *error when the custom
    // text does not parse.
    std::vector<std::int64_t> input(QString *error) const;
    // Sorts the input with a trace: at once up to kInlineSort elements (a few milliseconds),
    // else on a worker thread, and the trace replaces the old one when it is done.
    void runSort();
    bool sorting() const { return m_sorting; } // a worker's trace is still to come
    const SortViewState &stateAtCursor();

    static constexpr std::size_t kInlineSort = 5000;

protected:
    void changeEvent(QEvent *event) override;
    void refresh() override;
    // Recordings: the input (preset, n, seed, the numbers typed) and the merge policy of the
    // sort shown, its trace and the cursor. Opening one sorts nothing: the compared pair of
    // each comparison is in its event (viewsort.h).
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    void setMessage(const QString &text); // shown in red, hidden while empty
    void updateMinimumHeight();
    SortHighlight highlightAtCursor();
    void showTrace(std::shared_ptr<wb::Trace> trace);
    void stopWorker();
    // The settings the controls stand at now (taken when Sort is pressed).
    std::vector<std::pair<std::string, std::string>> controlSettings() const;

    wb::ui::SessionState<SortViewState> m_state; // the sort at the cursor
    // The trace positions of the "compare" events of the trace shown (for their numbers),
    // found again when the session's generation changes.
    std::vector<std::size_t> m_compares;
    std::uint64_t m_comparesGeneration = 0;
    // The settings that produced the trace shown (or the one a worker is making).
    std::vector<std::pair<std::string, std::string>> m_runSettings;
    SortCanvas *m_canvas;
    SortSidePanel *m_side;
    wb::ui::TraceTable *m_table;
    QSplitter *m_split;
    QComboBox *m_preset;
    QComboBox *m_policy;
    QSpinBox *m_size;
    QSpinBox *m_seed;
    QLineEdit *m_custom;
    QLabel *m_message;
    std::thread m_worker; // a large sort in progress
    std::atomic<bool> m_cancel{false};
    quint64 m_generation = 0; // the sort whose trace the page waits for
    bool m_sorting = false;
};

} // namespace wb::list::ui
