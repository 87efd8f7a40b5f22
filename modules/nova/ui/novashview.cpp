#include "novashview.h"
#include "common.h"

#include "nova/core/events.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <optional>

namespace wb::nova::ui {

namespace {

enum VarColumn { VarName, VarValue, VarMeaning };

} // namespace

NovaShPage::NovaShPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent), m_command(new QComboBox),
      m_variables(new QTableWidget), m_message(new QLabel), m_detail(new QLabel),
      m_plan(new QTextBrowser), m_conf(new QTextBrowser), m_novarc(new QTextBrowser),
      m_summary(new QLabel)
{
    for (auto c : novaShCommands())
        m_command->addItem(qs(novaShCommandName(c)), static_cast<int>(c));
    m_command->setCurrentText(QStringLiteral("run"));
    m_command->setToolTip(tr("sudo ./nova.sh branch [source-branch] [install-dir], or "
                             "sudo ./nova.sh COMMAND [install-dir] for every other command"));

    const auto &vars = novaShVariables();
    m_variables->setColumnCount(3);
    m_variables->setHorizontalHeaderLabels({tr("Variable"), tr("Value (edit)"), tr("Meaning")});
    m_variables->setRowCount(static_cast<int>(vars.size()));
    m_variables->verticalHeader()->hide();
    m_variables->setTabKeyNavigation(false); // Tab moves on to the next control, arrows within
    for (int r = 0; r < static_cast<int>(vars.size()); ++r) {
        const auto &v = vars[static_cast<std::size_t>(r)];
        auto fixed = [](const QString &t) {
            auto *i = new QTableWidgetItem(t);
            i->setFlags(i->flags() & ~Qt::ItemIsEditable);
            i->setToolTip(t);
            return i;
        };
        auto *name = fixed(qs(v.name));
        name->setFont(monoFont());
        m_variables->setItem(r, VarName, name);
        auto *value = new QTableWidgetItem(qs(v.defaultValue));
        value->setFont(monoFont());
        m_variables->setItem(r, VarValue, value);
        const QString def = v.defaultValue.empty() ? tr("empty") : qs(v.defaultValue);
        auto *meaning = fixed(qs(v.meaning));
        meaning->setToolTip(
            tr("%1 (default: %2, from the %3)").arg(qs(v.meaning), def, qs(v.origin)));
        meaning->setData(Qt::UserRole, qs(v.defaultValue));
        m_variables->setItem(r, VarMeaning, meaning);
    }
    // The names as wide as they are; the values and their meanings share the rest of the
    // width, the meanings wrapped onto as many lines as they need.
    shareColumns(m_variables, {0, 2, 3});
    m_variables->setAccessibleName(tr("Variables"));
    m_variables->setAccessibleDescription(
        tr("nova.sh's variables: name, value (editable) and meaning"));
    m_variables->setEditTriggers(QAbstractItemView::AllEditTriggers);
    // The full meaning of the current row, under the table: a narrow column only has room
    // for its first words.
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::RichText);
    const auto showDetail = [this](int row) {
        if (row < 0 || row >= m_variables->rowCount())
            return;
        m_detail->setText(tr("<b>%1</b>: %2")
                              .arg(m_variables->item(row, VarName)->text().toHtmlEscaped(),
                                   m_variables->item(row, VarMeaning)->toolTip().toHtmlEscaped()));
    };
    connect(m_variables, &QTableWidget::currentCellChanged, this,
            [showDetail](int row) { showDetail(row); });
    connect(m_variables, &QTableWidget::cellEntered, this,
            [showDetail](int row) { showDetail(row); });
    m_variables->setMouseTracking(true);
    showDetail(0);
    m_message->setWordWrap(true);
    styleMessage();
    m_message->hide();

    m_plan->setOpenLinks(false);
    m_plan->setToolTip(tr("The transport bar walks this plan; click a step to go there"));
    connect(m_plan, &QTextBrowser::anchorClicked, this,
            [this](const QUrl &url) { controller()->seek(url.fragment().mid(1).toInt()); });
    for (QTextBrowser *e : {m_conf, m_novarc}) {
        e->setFont(monoFont(0.95));
        e->setLineWrapMode(QTextEdit::NoWrap);
    }
    m_command->setAccessibleName(tr("nova.sh command"));
    m_plan->setAccessibleName(tr("The plan"));
    m_plan->setAccessibleDescription(tr("The steps the script would run, in order; ⚑ marks "
                                        "the ones run as root"));
    m_conf->setAccessibleName(tr("nova.conf"));
    m_novarc->setAccessibleName(tr("novarc"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("<b>sudo ./nova.sh</b>")));
    top->addWidget(m_command);
    top->addWidget(m_summary, 1);

    auto *varBox = new QGroupBox(tr("Variables (VAR=value on the command line; edit a value)"));
    auto *vcol = new QVBoxLayout(varBox);
    vcol->addWidget(m_variables, 1);
    vcol->addWidget(reflow(m_detail));
    m_messageBox = reflow(m_message);
    m_messageBox->hide();
    vcol->addWidget(m_messageBox);
    varBox->setMinimumWidth(320);

    // What the script would do and write, one at a time, beside the variables (below them
    // when the page is narrow).
    auto *outputs = new QTabWidget;
    outputs->setAccessibleName(tr("What the script would do"));
    outputs->addTab(m_plan, tr("The plan (⚑ = as root)"));
    outputs->setTabToolTip(0, tr("What the script would run, in order: step through it with "
                                 "the transport bar"));
    outputs->addTab(m_conf, tr("$NOVA_DIR/bin/nova.conf"));
    outputs->addTab(m_novarc, tr("novarc"));
    outputs->setMinimumWidth(300);
    auto *split = new wb::ui::AdaptiveSplit(varBox, outputs);
    split->setStretch(1, 1);

    auto *col = new QVBoxLayout(this);
    col->addWidget(reflow(top));
    col->addWidget(split, 1);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &NovaShPage::replan);
    connect(m_variables, &QTableWidget::cellChanged, this, &NovaShPage::cellEdited);
    connect(m_command, &QComboBox::currentIndexChanged, this, &NovaShPage::replan);
    m_paletteBase = palette().color(QPalette::Base).rgba();
    // The plan and the files are filled in after the first paint: opening the page stays
    // quick. Anything that needs them earlier (a command chosen, a value typed) plans at once.
    QTimer::singleShot(0, this, [this] {
        if (!m_trace)
            replan();
    });
}

void NovaShPage::styleMessage()
{
    m_message->setStyleSheet(
        QStringLiteral("color: %1; font-weight: bold").arg(wb::ui::stateColor("blocked").name()));
}

void NovaShPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    // Only when the colours changed (not when the page merely moved into a parent).
    const QRgb base = palette().color(QPalette::Base).rgba();
    if (event->type() != QEvent::PaletteChange || !m_trace || m_recolouring ||
        base == m_paletteBase)
        return;
    m_paletteBase = base;
    // The plan, the files and the flagged values take the new palette's colours; the cursor
    // stays where it was.
    m_recolouring = true;
    const qsizetype position = controller()->position();
    styleMessage();
    replan();
    controller()->seek(position);
    m_recolouring = false;
}

NovaShPage::~NovaShPage() = default;

// ---- recordings ------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> NovaShPage::recordingSettings() const
{
    std::vector<std::pair<std::string, std::string>> out{
        {"command", m_command->currentText().toStdString()}};
    for (int r = 0; r < m_variables->rowCount(); ++r) {
        const QString value = m_variables->item(r, VarValue)->text();
        if (value != m_variables->item(r, VarMeaning)->data(Qt::UserRole).toString())
            out.emplace_back("var:" + m_variables->item(r, VarName)->text().toStdString(),
                             value.toStdString());
    }
    return out;
}

bool NovaShPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    std::optional<NovaShCommand> command = NovaShCommand::Run;
    std::map<QString, QString> values;
    std::map<QString, int> rows;
    for (int r = 0; r < m_variables->rowCount(); ++r)
        rows[m_variables->item(r, VarName)->text()] = r;
    for (const auto &[key, value] : settings) {
        const QString k = QString::fromStdString(key);
        if (key == "command")
            command = parseNovaShCommand(value);
        if (key == "command" ? !command
                             : !k.startsWith(QStringLiteral("var:")) || !rows.count(k.mid(4)) ||
                                   value.size() > 4096) {
            *error = tr("the recording's setting %1 ('%2') is not one the nova.sh view takes")
                         .arg(k.left(60), QString::fromStdString(value).left(60));
            return false;
        }
        if (key != "command")
            values[k.mid(4)] = QString::fromStdString(value);
    }
    // The controls as the recording says; the files and the resolved values follow from them
    // (a dry run: nothing is executed). The steps shown are the recording's.
    m_filling = true;
    for (const auto &[name, row] : rows) {
        const auto it = values.find(name);
        m_variables->item(row, VarValue)
            ->setText(it != values.end()
                          ? it->second
                          : m_variables->item(row, VarMeaning)->data(Qt::UserRole).toString());
    }
    m_filling = false;
    {
        const QSignalBlocker block(m_command);
        m_command->setCurrentIndex(m_command->findData(static_cast<int>(*command)));
    }
    replan();
    return true;
}

bool NovaShPage::acceptsEvent(const wb::Event &event) const
{
    try {
        return wb::EventSet<events::NovashStep>::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

bool NovaShPage::showRecording(const wb::Recording &recording, QString *error)
{
    if (!SessionPage::showRecording(recording, error))
        return false;
    // The steps as they were recorded.
    m_steps.clear();
    for (std::size_t i = 0; i < recording.trace->size(); ++i)
        if (const auto s = wb::as<events::NovashStep>(recording.trace->at(i)))
            m_steps.push_back({s->phase, s->command, s->root, s->note});
    requestRefresh();
    return true;
}

void NovaShPage::setCommand(NovaShCommand command)
{
    m_command->setCurrentIndex(m_command->findData(static_cast<int>(command)));
    replan();
}

void NovaShPage::editVariable(const QString &name, const QString &value)
{
    for (int r = 0; r < m_variables->rowCount(); ++r)
        if (m_variables->item(r, VarName)->text() == name)
            m_variables->item(r, VarValue)->setText(value); // cellChanged starts the debounce
}

void NovaShPage::cellEdited(int, int column)
{
    if (!m_filling && column == VarValue)
        m_debounce.start();
}

void NovaShPage::replan()
{
    m_debounce.stop();
    NovaShEnv env;
    QStringList problems;
    m_filling = true;
    for (int r = 0; r < m_variables->rowCount(); ++r) {
        const QString name = m_variables->item(r, VarName)->text();
        QTableWidgetItem *value = m_variables->item(r, VarValue);
        const QString def = m_variables->item(r, VarMeaning)->data(Qt::UserRole).toString();
        // The value exactly as typed: the script takes any value, an empty one meaning the
        // default (${VAR:-default}); only an unknown name could fail here.
        std::string error;
        const bool ok = value->text() == def ||
                        env.set(name.toStdString(), value->text().toStdString(), &error);
        if (!ok)
            problems << QStringLiteral("%1: %2").arg(name, qs(error));
        QString warning;
        for (const auto &w : env.warnings())
            if (qs(w).startsWith(name + QLatin1Char('=')))
                warning = qs(w);
        const bool flagged = !ok || !warning.isEmpty();
        // Flagged: a warning sign and a tint (the tooltip and the message below say why).
        value->setBackground(
            flagged ? QBrush(blend(wb::ui::stateColor("blocked"),
                                   m_variables->palette().color(QPalette::Base), 0.22))
                    : QBrush());
        value->setIcon(flagged ? style()->standardIcon(QStyle::SP_MessageBoxWarning) : QIcon());
        QFont f = value->font();
        f.setBold(ok && value->text() != def);
        value->setFont(f);
        value->setToolTip(!ok                  ? qs(error)
                          : !warning.isEmpty() ? warning
                          : value->text().isEmpty()
                              ? tr("empty: the script's ${%1:-...} gives the default").arg(name)
                              : QString());
    }
    m_filling = false;
    for (const auto &w : env.warnings())
        problems << qs(w);
    m_message->setText(problems.isEmpty()
                           ? QString()
                           : problems.join(QLatin1Char('\n')) +
                                 tr("\n(bash accepts these values; the plan uses them as "
                                    "written)"));
    m_message->setVisible(!problems.isEmpty());
    m_messageBox->setVisible(!problems.isEmpty());

    const auto command = static_cast<NovaShCommand>(m_command->currentData().toInt());
    m_trace = std::make_shared<wb::Trace>();
    const NovaShPlan plan = planNovaSh(command, env, {}, m_trace.get());
    m_steps = plan.steps;
    const int roots = static_cast<int>(std::count_if(plan.steps.begin(), plan.steps.end(),
                                                     [](const PlanStep &s) { return s.root; }));
    m_summary->setText(
        tr("%1 steps, %2 as root%3. A dry run: nothing is executed.")
            .arg(plan.steps.size())
            .arg(roots)
            .arg(plan.exitStatus ? tr(", then exit status %1").arg(plan.exitStatus) : QString()));
    // The files as this plan writes them, lines that differ from the defaults marked.
    const NovaShEnv defaults;
    showFile(m_conf, qs(novaConf(env)), qs(novaConf(defaults)),
             plan.novaConf ? QString()
                           : tr("(only run and run_detached write nova.conf; this is what they "
                                "would write)"));
    showFile(m_novarc, qs(novarcText(env)), qs(novarcText(defaults)),
             plan.novarc ? QString()
                         : tr("(run's `nova-manage project zipfile` produces it; with these "
                              "variables:)"));
    traceSession()->show(m_trace, 0);
    requestRefresh();
}

void NovaShPage::showFile(QTextBrowser *view, const QString &text, const QString &defaults,
                          const QString &note)
{
    const QStringList base = defaults.split(QLatin1Char('\n'));
    QString html = QStringLiteral("<pre style='margin:0'>");
    if (!note.isEmpty())
        html += QStringLiteral("<span style='color:%1'>%2</span>\n\n")
                    .arg(fadedText(palette(), palette().color(QPalette::Base)).name(),
                         note.toHtmlEscaped());
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        if (base.contains(line))
            html += line.toHtmlEscaped() + QLatin1Char('\n');
        else
            html += QStringLiteral("<b style='color:%1'>%2</b>\n")
                        .arg(wb::ui::stateColor("accent").name(), line.toHtmlEscaped());
    }
    html += QStringLiteral("</pre>");
    const int scroll = view->verticalScrollBar()->value();
    view->setHtml(html);
    view->verticalScrollBar()->setValue(scroll);
}

void NovaShPage::refresh()
{
    // Every step with what it does; the one at the cursor highlighted, the ones before it
    // in full colour, the ones still to come faded. One paragraph per step (a table of this
    // size takes the text layout several times as long).
    const qsizetype cursor = controller()->position();
    const QColor base = m_plan->palette().color(QPalette::Base);
    const QColor text = m_plan->palette().color(QPalette::Text);
    const QColor band = cursorBand(m_plan->palette());
    const QColor faded = fadedText(m_plan->palette(), base);
    const QColor fadedHere = fadedText(m_plan->palette(), band);
    QString html;
    for (int i = 0; i < static_cast<int>(m_steps.size()); ++i) {
        const PlanStep &s = m_steps[static_cast<std::size_t>(i)];
        const bool here = i + 1 == cursor;
        const bool done = i + 1 <= cursor;
        const QString colour = done ? text.name() : faded.name();
        html +=
            QStringLiteral("<p style='margin-top:0; margin-bottom:5px%1'><a name='s%2' "
                           "href='#s%2' style='color:%3; text-decoration:none'>%2.</a> "
                           "%4<span style='font-family:monospace; color:%3'>%5</span>"
                           "<br><span style='color:%6'>%7%8</span></p>")
                .arg(here ? QStringLiteral("; background-color:%1").arg(band.name()) : QString())
                .arg(i + 1)
                .arg(colour)
                .arg(s.root ? QStringLiteral("⚑ ") : QString())
                .arg(s.command.empty() ? tr("(inside the script)") : qs(s.command).toHtmlEscaped())
                .arg((here ? fadedHere : faded).name())
                .arg(QStringLiteral("<i>%1</i>").arg(qs(s.phase)),
                     s.note.empty() ? QString()
                                    : QStringLiteral(": ") + qs(s.note).toHtmlEscaped());
    }
    m_plan->setHtml(html);
    if (cursor > 0)
        m_plan->scrollToAnchor(QStringLiteral("s%1").arg(cursor));
    emit highlightsChanged();
}

QString NovaShPage::novaConfShown() const
{
    return m_conf->toPlainText();
}

QString NovaShPage::novarcShown() const
{
    return m_novarc->toPlainText();
}

QString NovaShPage::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

int NovaShPage::planSteps() const
{
    return static_cast<int>(m_steps.size());
}

QString NovaShPage::lessonMarkdown() const
{
    return lesson("novash");
}

QStringList NovaShPage::sourceFiles() const
{
    return coreSources({"core/src/novash.cpp"});
}

} // namespace wb::nova::ui
