#pragma once
// Timsort at the cursor: the array as bars coloured by pending run, the run just found, the
// merge in progress with its temp area, galloping, the pending-run stack (with powers under
// the 3.11 policy) and the comparison counter against n·log2(n).

#include "list/core/replay.h"

#include "workbench/core/cursor.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QImage>

#include <atomic>
#include <memory>
#include <thread>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace wb::ui {
class TraceTable;
}

namespace wb::list::ui {

class SortCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit SortCanvas(QWidget *parent = nullptr);
    void setState(const SortViewState &state);
    QSize minimumSizeHint() const override { return {520, 300}; }

protected:
    void paintEvent(QPaintEvent *) override;

private:
    // Per pixel column of the bars, when there are more elements than pixels: the tallest
    // value (recomputed only when the values or the width change), and the values' range.
    void updateColumns(int width);

    SortViewState m_state;
    std::vector<std::int64_t> m_columnMax;
    int m_columnsWidth = -1;
    double m_low = 0, m_high = 1;
    QImage m_columns; // the columns' pixels, reused from frame to frame
};

class SortPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit SortPage(QWidget *parent = nullptr);
    ~SortPage() override;

    wb::ui::StepController *controller() const override { return m_controller; }
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

private:
    void redraw();
    void showTrace(std::shared_ptr<wb::Trace> trace);
    void stopWorker();

    std::shared_ptr<wb::Trace> m_trace;
    std::unique_ptr<wb::Replayer<SortViewState>> m_replayer;
    wb::ui::StepController *m_controller;
    SortCanvas *m_canvas;
    wb::ui::TraceTable *m_table;
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
