#pragma once
// The controls every threads view shares: which scenario, how it is scheduled, Run / Stop,
// and in step mode one button per parked thread ("Let Thread-2 go"). All of them act on the
// module's one ThreadsSession, so a run started on one tab is the run the other tabs show.

#include <QWidget>

#include <memory>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace wb::threads::ui {

class ScriptEditor;
class ThreadsSession;

class RunBar : public QWidget
{
    Q_OBJECT
public:
    explicit RunBar(std::shared_ptr<ThreadsSession> session, QWidget *parent = nullptr);

    // Starts the chosen scenario with the chosen mode (what the Run button does).
    void run();
    // Picks a scenario and mode in the controls (does not start it).
    void select(const QString &scenario, int modeIndex, int seed = 1);
    QString selectedScenario() const;
    QString status() const;
    // The "Let Thread-N go" buttons currently shown.
    QList<QPushButton *> choiceButtons() const;
    // The playground's script editor (shown while the playground is selected) and the
    // errors of the last Run that was refused ("" when none).
    ScriptEditor *scriptEditor() const { return m_editor; }
    QString scriptErrors() const;
    // Loads a preset into the editor (an undoable edit).
    void loadPreset(const QString &id);

signals:
    void scenarioSelected(const QString &id);

private:
    void refresh();
    void rebuildChoices();
    void showScriptPanel();
    void markThreadLines();

    std::shared_ptr<ThreadsSession> m_session;
    QComboBox *m_scenario;
    QComboBox *m_mode;
    QSpinBox *m_seed;
    QPushButton *m_run;
    QPushButton *m_stop;
    QLabel *m_status;
    QWidget *m_choiceRow;
    QHBoxLayout *m_choices;
    QLabel *m_choiceHint;
    QList<QPushButton *> m_buttons;
    QWidget *m_scriptPanel;
    ScriptEditor *m_editor;
    QComboBox *m_preset;
    QLabel *m_scriptError;
};

} // namespace wb::threads::ui
