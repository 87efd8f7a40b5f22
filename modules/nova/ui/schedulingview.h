#pragma once
// Scheduling at scale: the same stream of launch requests simulated once per scheduler
// (chance, zone, simple) on a worker thread, with progress and cancel, then compared: how
// instances spread over the hosts, how many requests failed and why, and how long each phase
// of a launch took.

#include "nova/core/simulation.h"

#include "workbench/ui/modulepage.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace wb {
class Trace;
}
namespace wb::ui {
class TraceSession;
}

namespace wb::nova::ui {

class SchedulingPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit SchedulingPage(QWidget *parent = nullptr);
    ~SchedulingPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    void shutdown() override;

    void setParameters(int requests, int hosts, quint64 seed);
    // Starts the three simulations on a worker thread; false when one is running (the
    // opening comparison the page starts by itself is stopped and replaced instead).
    bool start();
    void cancel();
    bool running() const { return m_running; }
    // The results shown (one per scheduler, in chance, zone, simple order); empty until the
    // opening comparison has finished.
    const std::vector<SimulationResult> &results() const { return m_results; }
    QString status() const;

signals:
    void finished(bool cancelled);

protected:
    void changeEvent(QEvent *event) override;

private:
    void poll();
    void finish(std::vector<SimulationResult> results, bool cancelled, QString error);
    void plot();

    QSpinBox *m_requests, *m_hosts, *m_seed;
    QPushButton *m_run, *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QCustomPlot *m_perHost, *m_failures, *m_phases;
    QTableWidget *m_table;

    std::thread m_worker;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_done{0}; // simulations finished in this run
    std::mutex m_traceMutex;
    std::shared_ptr<wb::Trace> m_current; // the running simulation's trace: progress
    int m_requestsRunning = 0;
    bool m_running = false;
    bool m_opening = false; // the run is the opening comparison the page starts by itself
    bool m_restart = false; // start() was called during it: run again when it stops
    QRgb m_paletteBase = 0; // the Base colour the charts were last coloured for
    // Polls the run for its progress while the worker records into the simulation in
    // progress (its trace changes from one scheduler to the next, so the session follows no
    // trace of its own: it reads the current one on each poll).
    wb::ui::TraceSession *m_live;
    std::vector<SimulationResult> m_results;
};

} // namespace wb::nova::ui
