#include "runbar.h"
#include "scripteditor.h"
#include "session.h"
#include "timelineview.h"

#include "threads/core/playground.h"
#include "threads/core/pythontwin.h"

#include "workbench/core/output_file.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace wb::threads::ui {

namespace {

QString modeText(RunMode m)
{
    switch (m) {
    case RunMode::Free:
        return QObject::tr("free");
    case RunMode::StepSeeded:
        return QObject::tr("step, seeded");
    case RunMode::StepManual:
        return QObject::tr("step, you choose");
    }
    return {};
}

// One line about how the run ended: the deadlock, the error, or the counts.
QString summaryText(const Summary &s)
{
    QStringList parts;
    if (s.stopped)
        parts << QObject::tr("stopped by you");
    if (s.deadlock)
        parts << QObject::tr("deadlock: %1").arg(QString::fromStdString(s.deadlockDescription));
    if (s.error)
        parts << QStringLiteral("%1: %2").arg(
            QString::fromStdString(s.errorType.value_or("Error")),
            QString::fromStdString(*s.error));
    if (s.produced)
        parts << QObject::tr("produced %1, consumed %2")
                     .arg(*s.produced)
                     .arg(s.consumed.value_or(0));
    if (s.maxConcurrentWriters)
        parts << QObject::tr("at most %1 writer(s) at once").arg(*s.maxConcurrentWriters);
    for (const auto &f : s.extra) {
        if (f.key == "file")
            continue;
        QString v;
        if (auto i = std::get_if<std::int64_t>(&f.value))
            v = QString::number(*i);
        else if (auto b = std::get_if<bool>(&f.value))
            v = *b ? QStringLiteral("yes") : QStringLiteral("no");
        else if (auto d = std::get_if<std::string>(&f.value))
            v = QString::fromStdString(*d);
        else
            continue;
        parts << QStringLiteral("%1 %2").arg(QString::fromStdString(f.key), v);
    }
    return parts.join(QStringLiteral(" · "));
}

// The script and Python tabs: they ask for the editor's minimum height (six lines, enough
// for every preset) rather than a text editor's usual size. The page is as tall as its parts
// prefer, so a taller wish would push the timeline below the window; the tabs still grow to
// the editor's maximum when there is height to spare.
class CompactTabs : public QTabWidget
{
public:
    QSize sizeHint() const override
    {
        QSize hint = QTabWidget::sizeHint();
        int pages = 0;
        for (int i = 0; i < count(); ++i)
            pages = std::max(
                {pages, widget(i)->minimumSizeHint().height(), widget(i)->minimumHeight()});
        hint.setHeight(std::min(hint.height(), tabBar()->sizeHint().height() + pages + 8));
        return hint;
    }
};

// The reminder of the language beside the editor: it asks for a few lines only and scrolls
// when the column is too short for all of it (presentation mode's larger font), so the editor
// sets the panel's height and the drawing below keeps its room.
class HelpScroll : public QScrollArea
{
public:
    explicit HelpScroll(QWidget *content)
    {
        setWidget(content);
        setWidgetResizable(true);
        setFrameShape(QFrame::NoFrame);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setBackgroundRole(QPalette::Window);
        viewport()->setAutoFillBackground(false);
    }
    QSize sizeHint() const override
    {
        return {QScrollArea::sizeHint().width(), fontMetrics().lineSpacing() * 4};
    }
    QSize minimumSizeHint() const override
    {
        return {QScrollArea::minimumSizeHint().width(), fontMetrics().lineSpacing() * 3};
    }
};

} // namespace

RunBar::RunBar(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : QWidget(parent), m_session(std::move(session)), m_scenario(new QComboBox),
      m_mode(new QComboBox), m_seed(new QSpinBox), m_run(new QPushButton(tr("Run"))),
      m_stop(new QPushButton(tr("Stop"))), m_status(new QLabel), m_choiceRow(new QWidget),
      m_choices(new wb::ui::FlowLayout), m_choiceHint(new QLabel), m_scriptPanel(new QWidget),
      m_editor(new ScriptEditor), m_preset(new QComboBox), m_scriptError(new QLabel),
      m_scriptTabs(new CompactTabs), m_python(new QPlainTextEdit),
      m_savePython(new QPushButton(tr("Save as…"))), m_pythonPanel(new QWidget),
      m_pythonTitle(new QLabel), m_pythonSource(new ScriptEditor)
{
    auto *top = buildControls();
    m_choices->setContentsMargins(0, 0, 0, 0);
    m_choiceHint->setText(tr("<b>Your turn.</b> Who goes next?"));
    auto *row = new QVBoxLayout(m_choiceRow);
    row->setContentsMargins(0, 0, 0, 0);
    row->addLayout(m_choices);
    m_choices->addWidget(m_choiceHint);

    buildScriptPanel();
    buildPythonPanel();

    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addLayout(top);
    col->addWidget(m_scriptPanel);
    col->addWidget(m_pythonPanel);
    col->addWidget(m_status);
    col->addWidget(m_choiceRow);

    connectSignals();
    refresh();
    rebuildChoices();
    showScriptPanel();
    updatePython();
}

wb::ui::FlowLayout *RunBar::buildControls()
{
    for (const auto &s : scenarios())
        m_scenario->addItem(QString::fromStdString(s.title), QString::fromStdString(s.id));
    m_scenario->setToolTip(tr("The lesson's programs, each on real threads"));
    m_mode->addItem(tr("Free (real threads flat out)"), int(RunMode::Free));
    m_mode->addItem(tr("Step, seeded chooser"), int(RunMode::StepSeeded));
    m_mode->addItem(tr("Step, you choose who goes"), int(RunMode::StepManual));
    m_mode->setCurrentIndex(1);
    m_mode->setToolTip(tr("Free: the OS schedules. Step: one thread at a time; the same seed "
                          "gives the same interleaving, or you pick each step yourself."));
    m_seed->setRange(0, 9999);
    m_seed->setValue(1);
    m_seed->setPrefix(tr("seed "));
    m_seed->setToolTip(tr("Seed of the chooser in seeded step mode"));
    m_run->setToolTip(tr("Start the scenario (a run in progress is stopped first)"));
    m_stop->setToolTip(tr("Stop the threads now; they unwind within a second"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_scenario->setAccessibleName(tr("Scenario"));
    m_mode->setAccessibleName(tr("Scheduling mode"));
    m_seed->setAccessibleName(tr("Seed"));
    m_run->setAccessibleName(tr("Run"));
    m_stop->setAccessibleName(tr("Stop"));
    m_status->setAccessibleName(tr("Run status"));
    // Long scenario titles must not make the row wider than a narrow window: the combo box
    // shrinks to a few dozen characters and its list still shows the whole titles.
    m_scenario->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_scenario->setMinimumContentsLength(22);
    m_scenario->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    // The controls wrap onto a second line when the row is narrow, so Run and Stop stay in
    // sight; the label stays with the combo box it names.
    auto *scenarioBox = new QWidget;
    auto *scenarioRow = new QHBoxLayout(scenarioBox);
    scenarioRow->setContentsMargins(0, 0, 0, 0);
    auto *scenarioLabel = new QLabel(tr("Scenario:"));
    scenarioLabel->setBuddy(m_scenario);
    scenarioRow->addWidget(scenarioLabel);
    scenarioRow->addWidget(m_scenario, 1);
    auto *top = new wb::ui::FlowLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(scenarioBox);
    top->addWidget(m_mode);
    top->addWidget(m_seed);
    top->addWidget(m_run);
    top->addWidget(m_stop);
    return top;
}

void RunBar::buildScriptPanel()
{
    // The playground: a script editor, presets, a short reminder of the language.
    m_editor->setObjectName(QStringLiteral("script-editor"));
    m_editor->setPlainText(m_session->script());
    m_editor->setToolTip(tr("One declaration or one thread per line; Run starts it"));
    m_preset->addItem(tr("Load a preset…"), QString());
    for (const auto &p : scriptPresets())
        m_preset->addItem(QString::fromStdString(p.title), QString::fromStdString(p.id));
    m_preset->setToolTip(tr("Replaces the script (Ctrl+Z in the editor brings yours back)"));
    m_editor->setAccessibleName(tr("Script"));
    m_preset->setAccessibleName(tr("Preset"));
    auto *help = new QLabel(
        tr("<b>Declare</b> <code>lock A</code>, <code>rlock R</code>, "
           "<code>semaphore S 2</code>, <code>bounded B 1</code>, <code>event E</code>, "
           "<code>queue Q 3</code>, <code>condition C on A</code>, <code>barrier B 2</code>, "
           "<code>counter N</code>.<br>"
           "<b>Threads</b> <code>T1: acquire A; sleep 10; release A</code><br>"
           "<b>Operations</b> acquire X [timeout ms | nowait] · release X [n] · "
           "wait C|E|B [timeout ms] · wait_for C N &gt;= 3 · notify C [n] · notify_all C · "
           "set/clear/is_set E · locked A · put Q n · get Q · task_done Q · join Q|T2 · "
           "add N k · sleep ms · print text {Q} {N}"));
    help->setWordWrap(true);
    help->setTextFormat(Qt::RichText);
    help->setMinimumWidth(help->fontMetrics().averageCharWidth() * 24);
    m_scriptError->setObjectName(QStringLiteral("script-errors"));
    m_scriptError->setWordWrap(true);
    m_scriptError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    styleErrors();
    m_scriptError->hide();
    auto *side = new QVBoxLayout;
    side->setContentsMargins(0, 0, 0, 0);
    side->addWidget(m_preset);
    side->addWidget(new HelpScroll(help), 1);
    // The Python tab: the same program for CPython, to read beside the script or save.
    m_python->setObjectName(QStringLiteral("python-twin"));
    m_python->setReadOnly(true);
    // The family only: the size follows the application's font (presentation mode).
    QFont mono;
    mono.setFamily(QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
    mono.setStyleHint(QFont::TypeWriter);
    m_python->setFont(mono);
    m_python->setAccessibleName(tr("Python twin"));
    m_python->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_python->setToolTip(tr("The script as a Python 3 program (threading, queue, time.sleep); "
                            "where the playground reports a deadlock, CPython just hangs"));
    m_savePython->setObjectName(QStringLiteral("save-python"));
    m_savePython->setToolTip(tr("Write this program to a .py file"));
    m_savePython->setAccessibleName(tr("Save the Python twin"));
    auto *pythonPage = new QWidget;
    auto *pythonCol = new QVBoxLayout(pythonPage);
    pythonCol->setContentsMargins(0, 0, 0, 0);
    pythonCol->addWidget(m_python, 1);
    auto *saveRow = new QHBoxLayout;
    saveRow->addStretch(1);
    saveRow->addWidget(m_savePython);
    pythonCol->addLayout(saveRow);
    m_scriptTabs->setObjectName(QStringLiteral("script-tabs"));
    m_scriptTabs->setAccessibleName(tr("Script and Python twin"));
    m_scriptTabs->addTab(m_editor, tr("Script"));
    m_scriptTabs->addTab(pythonPage, tr("Python"));
    sizeEditor();
    auto *editorCol = new QVBoxLayout;
    editorCol->setContentsMargins(0, 0, 0, 0);
    editorCol->addWidget(m_scriptTabs);
    editorCol->addWidget(m_scriptError);
    auto *panel = new QHBoxLayout(m_scriptPanel);
    panel->setContentsMargins(0, 0, 0, 0);
    panel->addLayout(editorCol, 3);
    panel->addLayout(side, 2);
}

void RunBar::buildPythonPanel()
{
    // A recorded Python program: its text, read only, the line each live thread is on tinted.
    m_pythonSource->setObjectName(QStringLiteral("python-source"));
    m_pythonSource->setReadOnly(true);
    m_pythonSource->setAccessibleName(tr("Recorded Python program"));
    m_pythonSource->setToolTip(tr("The program that was traced; the line each live thread is "
                                  "on at the cursor is tinted in its colour"));
    const int line = m_pythonSource->fontMetrics().lineSpacing();
    m_pythonSource->setMinimumHeight(line * 4 + 10);
    m_pythonSource->setMaximumHeight(line * 9 + 10);
    m_pythonTitle->setWordWrap(true);
    auto *col = new QVBoxLayout(m_pythonPanel);
    col->setContentsMargins(0, 0, 0, 0);
    col->addWidget(m_pythonTitle);
    col->addWidget(m_pythonSource);
    m_pythonPanel->hide();
}

bool RunBar::canRun() const
{
    return !selectedScenario().isEmpty() && selectedScenario() != QLatin1String("python");
}

void RunBar::followSession()
{
    const QSignalBlocker b1(m_scenario), b2(m_mode), b3(m_seed);
    const int extra = m_scenario->findData(QStringLiteral("python"));
    if (m_session->isPythonRecording()) {
        const QString version = m_session->pythonVersion();
        const QString title = version.isEmpty()
                                  ? tr("Your Python program (CPython, recorded)")
                                  : tr("Your Python program (CPython %1, recorded)").arg(version);
        if (extra < 0)
            m_scenario->addItem(title, QStringLiteral("python"));
        else
            m_scenario->setItemText(extra, title);
        // Shown, never started: Run only starts the lesson's scenarios.
        if (auto *model = qobject_cast<QStandardItemModel *>(m_scenario->model()))
            model->item(m_scenario->findData(QStringLiteral("python")))->setEnabled(false);
        m_scenario->setCurrentIndex(m_scenario->findData(QStringLiteral("python")));
        m_pythonTitle->setText(
            tr("<b>%1</b> — traced by <code>workbench-cli threads trace-python</code>; nothing "
               "runs here.")
                .arg(title.toHtmlEscaped()));
        m_pythonSource->setPlainText(m_session->pythonScript());
    } else {
        if (extra >= 0)
            m_scenario->removeItem(extra);
        m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(m_session->scenario())));
        if (!m_pythonSource->document()->isEmpty())
            m_pythonSource->clear();
    }
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(int(m_session->mode()))));
    m_seed->setValue(static_cast<int>(m_session->seed()));
}

void RunBar::connectSignals()
{
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        m_session->setScript(m_editor->toPlainText());
        updatePython();
    });
    connect(m_savePython, &QPushButton::clicked, this, &RunBar::savePythonAs);
    connect(m_session.get(), &ThreadsSession::scriptChanged, this, [this](const QString &text) {
        if (text != m_editor->toPlainText())
            m_editor->replaceText(text);
    });
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        loadPreset(m_preset->itemData(index).toString());
        m_preset->setCurrentIndex(0);
    });
    connect(m_scenario, &QComboBox::currentIndexChanged, this, &RunBar::showScriptPanel);
    connect(m_session->controller(), &wb::ui::StepController::positionChanged, this,
            &RunBar::markThreadLines);

    connect(m_run, &QPushButton::clicked, this, &RunBar::run);
    connect(m_stop, &QPushButton::clicked, this, [this] { m_session->stop(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RunBar::refresh);
    connect(m_scenario, &QComboBox::currentIndexChanged, this,
            [this] { emit scenarioSelected(selectedScenario()); });
    ThreadsSession *s = m_session.get();
    connect(s, &ThreadsSession::runStarted, this, &RunBar::refresh);
    connect(s, &ThreadsSession::runFinished, this, &RunBar::refresh);
    connect(s, &ThreadsSession::parkedChanged, this, &RunBar::rebuildChoices);
    connect(s, &ThreadsSession::traceGrew, this, &RunBar::refresh);
    // Another tab started a run: show its scenario and mode here too.
    connect(s, &ThreadsSession::runStarted, this, [this] {
        followSession();
        showScriptPanel();
        markThreadLines();
        refresh(); // the seed box is enabled by the mode just set
    });
    // Picking a scenario after a recorded Python program makes Run start it.
    connect(m_scenario, &QComboBox::currentIndexChanged, this, &RunBar::refresh);
    if (m_session->trace())
        followSession();
}

void RunBar::updatePython()
{
    const ParseResult parsed = parseScript(m_editor->toPlainText().toStdString());
    m_pythonValid = parsed.ok();
    const QString text =
        m_pythonValid
            ? QString::fromStdString(pythonTwin(*parsed.script))
            : (parsed.errors.size() == 1
                   ? tr("# The script has 1 error; Run lists it.")
                   : tr("# The script has %1 errors; Run lists them.").arg(parsed.errors.size())) +
                  tr("\n# Its Python twin appears here once the script has none.\n");
    if (text != m_python->toPlainText())
        m_python->setPlainText(text);
    m_savePython->setEnabled(m_pythonValid);
}

QString RunBar::pythonText() const
{
    return m_python->toPlainText();
}

bool RunBar::savePython(const QString &path, QString *error) const
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!m_pythonValid)
        return fail(tr("The script has errors, so it has no Python twin yet."));
    // The project's one writer: the dialog asked before replacing a file, and a failed write
    // leaves the old one as it was.
    wb::OutputFile out;
    std::string why;
    const std::string text = m_python->toPlainText().toStdString();
    if (!out.open(path.toStdString(), true, false, why) || !out.write(text, why) ||
        !out.commit(why))
        return fail(QString::fromStdString(why));
    return true;
}

void RunBar::savePythonAs()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save the Python twin"),
                                     QStringLiteral("playground.py"), tr("Python program (*.py)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!savePython(path, &error))
        QMessageBox::warning(this, tr("Save the Python twin"), error);
}

void RunBar::run()
{
    if (!canRun())
        return; // the recorded Python program's entry: pick a scenario first
    QString error;
    const auto mode = static_cast<RunMode>(m_mode->currentData().toInt());
    const bool playground = selectedScenario() == QLatin1String("playground");
    if (playground) {
        m_session->setScript(m_editor->toPlainText());
        const ParseResult parsed = parseScript(m_editor->toPlainText().toStdString());
        QList<QPair<int, int>> marks;
        QStringList lines;
        for (const auto &e : parsed.errors) {
            marks << qMakePair(e.line, e.column);
            lines << tr("Line %1, column %2: %3")
                         .arg(e.line)
                         .arg(e.column)
                         .arg(QString::fromStdString(e.message));
        }
        m_editor->setErrorMarks(marks);
        m_scriptError->setText(lines.join(QLatin1Char('\n')));
        m_scriptError->setVisible(!lines.isEmpty());
        if (!parsed.ok())
            return;
    }
    if (!m_session->start(selectedScenario(), mode, static_cast<quint64>(m_seed->value()), &error))
        (playground ? m_scriptError : m_status)->setText(error);
}

QString RunBar::scriptErrors() const
{
    return m_scriptError->isHidden() ? QString() : m_scriptError->text();
}

void RunBar::loadPreset(const QString &id)
{
    for (const auto &p : scriptPresets())
        if (QString::fromStdString(p.id) == id)
            m_editor->replaceText(QString::fromStdString(p.script));
    m_scriptError->clear();
    m_scriptError->hide();
}

void RunBar::showScriptPanel()
{
    m_scriptPanel->setVisible(selectedScenario() == QLatin1String("playground"));
    m_pythonPanel->setVisible(m_session->isPythonRecording());
}

// The script line each live thread is on at the trace cursor, tinted in its colour.
void RunBar::markThreadLines()
{
    std::map<int, int> lines;
    if (m_session->isPythonRecording()) {
        // The tracer reports lines of the program's own file only.
        for (const auto &[number, t] : m_session->stateAtCursor().threads)
            if (t.state != ThreadState::Done && t.line > 0)
                lines.emplace(static_cast<int>(t.line), number);
        m_pythonSource->setThreadLines(lines);
        // The first tinted line two lines below the top: the scroll follows the cursor alone,
        // so a reopened recording shows the same lines at the same step.
        m_pythonSource->verticalScrollBar()->setValue(
            lines.empty() ? 0 : std::max(0, lines.begin()->first - 3));
        return;
    }
    if (m_session->scenario() == QLatin1String("playground") && m_scriptPanel->isVisibleTo(this)) {
        for (const auto &[number, t] : m_session->stateAtCursor().threads)
            if (t.state != ThreadState::Done && t.file == kScriptFile && t.line > 0)
                lines.emplace(static_cast<int>(t.line), number);
    }
    m_editor->setThreadLines(lines);
}

void RunBar::select(const QString &scenario, int modeIndex, int seed)
{
    m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(scenario)));
    m_mode->setCurrentIndex(modeIndex);
    m_seed->setValue(seed);
}

QString RunBar::selectedScenario() const
{
    return m_scenario->currentData().toString();
}

QString RunBar::status() const
{
    return m_status->text();
}

QList<QPushButton *> RunBar::choiceButtons() const
{
    return m_buttons;
}

void RunBar::refresh()
{
    const bool running = m_session->isRunning();
    m_stop->setEnabled(running);
    m_run->setEnabled(canRun());
    m_seed->setEnabled(static_cast<RunMode>(m_mode->currentData().toInt()) == RunMode::StepSeeded);
    const auto *trace = m_session->trace();
    const qsizetype events = trace ? static_cast<qsizetype>(trace->size()) : 0;
    const QString what = QStringLiteral("<b>%1</b> (%2)")
                             .arg(scenarioTitle(m_session->scenario()).toHtmlEscaped(),
                                  modeText(m_session->mode()));
    QString lesson;
    for (const auto &info : scenarios())
        if (QString::fromStdString(info.id) == m_session->scenario())
            lesson = QString::fromStdString(info.lesson).toHtmlEscaped();
    QString text;
    if (!trace)
        text = tr("Pick a scenario and press Run.");
    else if (m_session->isPythonRecording())
        text = tr("<b>Your Python program</b> (%1): a recording of %2 events of its threads, "
                  "made by the CLI. Pick a scenario and press Run for a live run.")
                   .arg(m_session->mode() == RunMode::Free
                            ? tr("free")
                            : tr("step, seed %1").arg(m_session->seed()))
                   .arg(events);
    else if (running)
        text = tr("%1 running: %2 events so far. <i>%3</i>").arg(what).arg(events).arg(lesson);
    else if (m_session->hasSummary()) {
        const Summary &s = m_session->summary();
        const QString end = summaryText(s).toHtmlEscaped();
        const QString colour = (s.deadlock || s.error)
                                   ? inks(palette()).error.name()
                                   : palette().color(QPalette::WindowText).name();
        text = tr("%1 ended after %2 events: <span style='color:%3'>%4</span>. <i>%5</i>")
                   .arg(what)
                   .arg(events)
                   .arg(colour, end, lesson);
    } else if (m_session->fromRecording())
        text = tr("%1: a recording of %2 events, kept while the run was still going. <i>%3</i>")
                   .arg(what)
                   .arg(events)
                   .arg(lesson);
    m_status->setText(text);
}

void RunBar::sizeEditor()
{
    // Six lines at least (every preset fits) and its scroll bar, eleven at most.
    const int line = m_editor->fontMetrics().lineSpacing();
    const int bar = m_editor->horizontalScrollBar()->sizeHint().height();
    m_editor->setMinimumHeight(line * 6 + bar + 10);
    m_editor->setMaximumHeight(line * 11 + bar + 10);
    m_scriptTabs->setMaximumHeight(m_editor->maximumHeight() +
                                   m_scriptTabs->tabBar()->sizeHint().height() + 8);
}

void RunBar::styleErrors()
{
    m_scriptError->setStyleSheet(QStringLiteral("color: %1;").arg(inks(palette()).error.name()));
}

void RunBar::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        // The error colours are the palette's: the status line is written again in them.
        styleErrors();
        refresh();
    } else if (event->type() == QEvent::FontChange) {
        // Once the editor has its new font too (presentation mode scales it on its own).
        QTimer::singleShot(0, this, &RunBar::sizeEditor);
    }
}

void RunBar::rebuildChoices()
{
    for (QPushButton *b : std::as_const(m_buttons)) {
        b->hide();
        b->deleteLater(); // one of them may be the button whose click got us here
    }
    m_buttons.clear();
    const bool manual = m_session->isRunning() && m_session->mode() == RunMode::StepManual;
    m_choiceRow->setVisible(manual);
    if (!manual)
        return;
    const auto &parked = m_session->parked();
    m_choiceHint->setText(parked.empty() ? tr("Waiting for the threads to park…")
                                         : tr("<b>Your turn.</b> Who goes next?"));
    for (const ThreadInfo &t : parked) {
        const QString name = QString::fromStdString(t.name);
        auto *b = new QPushButton(tr("Let %1 go").arg(name));
        QString next = QString::fromStdString(t.nextEvent);
        if (!t.nextPrimitive.empty())
            next += QStringLiteral(" ") + QString::fromStdString(t.nextPrimitive);
        b->setToolTip(tr("%1 will record: %2 (line %3)").arg(name, next).arg(t.nextLine));
        b->setText(tr("Let %1 go → %2").arg(name, next));
        b->setObjectName(QStringLiteral("choose-%1").arg(t.number));
        const int number = t.number;
        connect(b, &QPushButton::clicked, this, [this, number] { m_session->choose(number); });
        m_choices->addWidget(b);
        m_buttons << b;
    }
}

} // namespace wb::threads::ui
