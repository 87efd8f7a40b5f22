#pragma once
// nova.sh explorer: pick a command, edit any variable, and see (as you type) the resolved
// values, the ordered plan with root-only steps marked and each step explained, and the
// nova.conf and novarc the run would write. A dry run: nothing is executed. The plan is also a
// trace, so the transport bar walks it step by step.

#include "nova/core/novash.h"

#include "workbench/ui/session.h"

#include <QTimer>

#include <memory>

class QComboBox;
class QLabel;
class QTableWidget;
class QTextBrowser;

namespace wb {
class Trace;
}
namespace wb::ui {
class StepController;
}

namespace wb::nova::ui {

class NovaShPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit NovaShPage(QWidget *parent = nullptr);
    ~NovaShPage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    void setCommand(NovaShCommand command);
    // Types a value into a variable's cell; the plan follows after the debounce (or at once
    // with replan()).
    void editVariable(const QString &name, const QString &value);
    void replan();
    QString novaConfShown() const;
    QString novarcShown() const;
    QString message() const; // the inline error for invalid values, "" when all are valid
    int planSteps() const;
    bool showRecording(const wb::Recording &recording, QString *error) override;

protected:
    bool keepsRecordings() const override { return true; }
    // command (branch, install, run, ...), then var:NAME for each variable whose value is not
    // its default (an empty value included).
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override;
    bool acceptsEvent(const wb::Event &event) const override;
    void changeEvent(QEvent *event) override;
    void refresh() override; // the plan with the step at the cursor

private:
    void styleMessage();
    void cellEdited(int row, int column);
    void showFile(QTextBrowser *view, const QString &text, const QString &defaults,
                  const QString &note);

    std::shared_ptr<wb::Trace> m_trace;
    QComboBox *m_command;
    QTableWidget *m_variables;
    QLabel *m_message;
    QWidget *m_messageBox; // the message's ReflowBox, hidden when all values are valid
    QLabel *m_detail;      // the current variable: what it means, its default, where it comes from
    QTextBrowser *m_plan;
    QTextBrowser *m_conf;
    QTextBrowser *m_novarc;
    std::vector<PlanStep> m_steps;
    QLabel *m_summary;
    QTimer m_debounce;
    bool m_filling = false;
    bool m_recolouring = false;
    QRgb m_paletteBase = 0; // the Base colour the page was last coloured for
};

} // namespace wb::nova::ui
