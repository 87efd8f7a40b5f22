#pragma once
// The controls every threads view shares: which scenario, how it is scheduled, Run / Stop,
// and in step mode one button per parked thread ("Let Thread-2 go"). All of them act on the
// module's one ThreadsSession, so a run started on one tab is the run the other tabs show.

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace wb::ui {
class FlowLayout;
}

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
    // The "Python" tab beside the editor: the script's Python 3 twin (pythontwin.h), read
    // only, or a sentence saying the script has errors. savePython() writes it to `path`
    // through wb::OutputFile (a failed save leaves an existing file as it was); false with a
    // sentence in *error.
    QTabWidget *scriptTabs() const { return m_scriptTabs; }
    // A recorded Python program's text (shown, read only, while that recording is).
    ScriptEditor *pythonSource() const { return m_pythonSource; }
    // True when Run would start the selected scenario (not the recorded Python program's entry).
    bool canRun() const;
    QString pythonText() const;
    bool savePython(const QString &path, QString *error) const;

signals:
    void scenarioSelected(const QString &id);

protected:
    void changeEvent(QEvent *event) override;

private:
    // The parts of the bar: the scenario, mode and seed row with Run and Stop (returned, to
    // be placed), the playground's editor with its presets and Python tab, the connections.
    wb::ui::FlowLayout *buildControls();
    void buildScriptPanel();
    void buildPythonPanel();
    // The scenario, mode and seed boxes take the run the session shows; a recorded Python
    // program gets an entry of its own in the scenario box, which Run cannot start.
    void followSession();
    void connectSignals();
    void styleErrors(); // the script errors' colour, from the palette in use
    void sizeEditor();  // the editor's height in lines of its font
    void refresh();
    void rebuildChoices();
    void showScriptPanel();
    void markThreadLines();
    void updatePython();
    void savePythonAs();

    std::shared_ptr<ThreadsSession> m_session;
    QComboBox *m_scenario;
    QComboBox *m_mode;
    QSpinBox *m_seed;
    QPushButton *m_run;
    QPushButton *m_stop;
    QLabel *m_status;
    QWidget *m_choiceRow;
    wb::ui::FlowLayout *m_choices;
    QLabel *m_choiceHint;
    QList<QPushButton *> m_buttons;
    QWidget *m_scriptPanel;
    ScriptEditor *m_editor;
    QComboBox *m_preset;
    QLabel *m_scriptError;
    QTabWidget *m_scriptTabs;
    QPlainTextEdit *m_python;
    QPushButton *m_savePython;
    bool m_pythonValid = false;
    QWidget *m_pythonPanel;
    QLabel *m_pythonTitle;
    ScriptEditor *m_pythonSource;
};

} // namespace wb::threads::ui
