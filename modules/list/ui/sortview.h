#pragma once
// Timsort at the cursor: the array as bars coloured by pending run, the run just found, the
// merge in progress with its temp area, galloping, the pending-run stack (with powers under
// the 3.11 policy) and the comparison counter against n·log2(n).

#include "list/core/replay.h"

#include "workbench/core/cursor.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <memory>

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
    SortViewState m_state;
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
    void runSort();
    const SortViewState &stateAtCursor();

private:
    void redraw();

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
};

} // namespace wb::list::ui
