#pragma once
// The launch: euca-run-instances against Nova's components running as actors on the embedded
// broker, drawn as a sequence diagram with the tutorial's numbered steps, the instance's
// state machine lit at the cursor, what the current step does (and the message on the wire),
// and the instances table as euca-describe-instances prints it at the cursor.

#include "launchrun.h"
#include "sequencediagram.h"

#include "nova/core/launch_replay.h"

#include "workbench/ui/session.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;
class QTextBrowser;

namespace wb {
struct Event;
}
namespace wb::ui {
class StepController;
}

namespace wb::nova::ui {

// vm_state and task_state as boxes: the four task states inside "building", then active or
// error; the state at the cursor lit, the ones passed through outlined.
class StateMachineView : public QWidget
{
    Q_OBJECT
public:
    explicit StateMachineView(QWidget *parent = nullptr);
    // The states the instance has passed through up to the cursor, oldest first.
    void setHistory(std::vector<StateChange> history);
    // "building/networking", or "" before the instance exists.
    QString litState() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    // Where the parts go at a width, from the font: the title wraps, and the container's
    // two headings and the two notes under the end states go onto two lines when narrow.
    struct Geometry
    {
        QRectF title;
        QRectF container;
        double headingHeight = 0;
        bool headingsStacked = false;
        double boxHeight = 0;
        double gap = 0;
        QRectF active, error;
        bool notesStacked = false;
        double height = 0;
    };
    Geometry geometry(double width) const;
    QString title() const;

    std::vector<StateChange> m_history;
};

// The page follows the deployment's trace while a launch runs (the components record into it
// from their threads) and replays it at the cursor (wb::nova::LaunchState).
class LaunchPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit LaunchPage(QWidget *parent = nullptr);
    ~LaunchPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    QList<wb::ui::SourceHighlight> sourceHighlights() const override;
    void shutdown() override;
    // The deployment's trace as far as the page was told about it (a copy while a launch
    // still records into it), with the settings below.
    wb::Recording recording() const override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

    // The Launch button: a new deployment first when the settings changed.
    bool launch();
    void setSettings(const LaunchSettings &s); // the controls; applied by the next launch()
    LaunchRun *run() const { return m_run; }
    SequenceDiagram *diagram() const { return m_diagram; }
    StateMachineView *stateMachine() const { return m_states; }
    QTableWidget *instancesTable() const { return m_instances; }
    QTabWidget *details() const { return m_details; }
    QString explanation() const;

protected:
    void changeEvent(QEvent *event) override;
    void refresh() override;
    bool keepsRecordings() const override { return true; }
    // scheduler (chance, zone, simple), hosts, seed, broker (embedded), launches (each
    // launch's trace range, "begin-end,begin-end"), outcome (the sentence under the
    // controls once the last launch finished; derived from the trace when absent).
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;

private:
    void startOpeningLaunch();
    // What the status line says of finished launch `r` (trace positions of `trace`).
    QString outcomeOf(const LaunchRecord &r, const wb::Trace &trace) const;
    LaunchSettings settingsFromControls() const;
    void showLaunch(int index);
    void updateInstances(const LaunchState &state);
    void launchFinished(int index);

    LaunchRun *m_run;
    wb::ui::SessionState<LaunchState> m_state;
    SequenceDiagram *m_diagram;
    StateMachineView *m_states;
    QTextBrowser *m_explain;
    QTableWidget *m_instances;
    QTabWidget *m_details;
    QComboBox *m_scheduler;
    QSpinBox *m_hosts;
    QSpinBox *m_seed;
    QPushButton *m_launch;
    QLabel *m_status;
    QString m_outcome;                     // the status line's sentence on the last launch
    const wb::Trace *m_incoming = nullptr; // the trace of a recording being shown
    int m_shownLaunch = -2;
    bool m_opening = false; // the opening launch runs: show it from its end when it is done
    qsizetype m_shownEnd = -1;
};

// What an event of the launch means, in a few sentences (HTML).
QString explainLaunchEvent(const wb::Event &e);

} // namespace wb::nova::ui
