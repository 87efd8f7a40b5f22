#include "runbar.h"
#include "session.h"

#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wb::threads::ui {

namespace {

QString modeText(RunMode m)
{
    switch (m) {
    case RunMode::Free: return QObject::tr("free");
    case RunMode::StepSeeded: return QObject::tr("step, seeded");
    case RunMode::StepManual: return QObject::tr("step, you choose");
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
        parts << QObject::tr("deadlock: %1")
                     .arg(QString::fromStdString(s.deadlockDescription));
    if (s.error)
        parts << QStringLiteral("%1: %2")
                     .arg(QString::fromStdString(s.errorType.value_or("Error")),
                          QString::fromStdString(*s.error));
    if (s.produced)
        parts << QObject::tr("produced %1, consumed %2").arg(*s.produced).arg(s.consumed.value_or(0));
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

} // namespace

RunBar::RunBar(std::shared_ptr<ThreadsSession> session, QWidget *parent)
    : QWidget(parent), m_session(std::move(session)), m_scenario(new QComboBox),
      m_mode(new QComboBox), m_seed(new QSpinBox), m_run(new QPushButton(tr("Run"))),
      m_stop(new QPushButton(tr("Stop"))), m_status(new QLabel), m_choiceRow(new QWidget),
      m_choices(new QHBoxLayout), m_choiceHint(new QLabel)
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

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new QLabel(tr("Scenario:")));
    top->addWidget(m_scenario);
    top->addWidget(m_mode);
    top->addWidget(m_seed);
    top->addWidget(m_run);
    top->addWidget(m_stop);
    top->addStretch(1);

    m_choices->setContentsMargins(0, 0, 0, 0);
    m_choiceHint->setText(tr("<b>Your turn.</b> Who goes next?"));
    auto *row = new QHBoxLayout(m_choiceRow);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_choiceHint);
    row->addLayout(m_choices);
    row->addStretch(1);

    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addLayout(top);
    col->addWidget(m_status);
    col->addWidget(m_choiceRow);

    connect(m_run, &QPushButton::clicked, this, &RunBar::run);
    connect(m_stop, &QPushButton::clicked, this, [this] { m_session->stop(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RunBar::refresh);
    connect(m_scenario, &QComboBox::currentIndexChanged, this,
            [this] { emit scenarioSelected(selectedScenario()); });
    ThreadsSession *s = m_session.get();
    connect(s, &ThreadsSession::runStarted, this, &RunBar::refresh);
    connect(s, &ThreadsSession::runFinished, this, &RunBar::refresh);
    connect(s, &ThreadsSession::parkedChanged, this, &RunBar::rebuildChoices);
    connect(s, &ThreadsSession::timelineGrew, this, &RunBar::refresh);
    // Another tab started a run: show its scenario and mode here too.
    connect(s, &ThreadsSession::runStarted, this, [this] {
        const QSignalBlocker b1(m_scenario), b2(m_mode), b3(m_seed);
        m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(m_session->scenario())));
        m_mode->setCurrentIndex(std::max(0, m_mode->findData(int(m_session->mode()))));
        m_seed->setValue(static_cast<int>(m_session->seed()));
    });
    if (m_session->trace()) {
        const QSignalBlocker b1(m_scenario), b2(m_mode);
        m_scenario->setCurrentIndex(std::max(0, m_scenario->findData(m_session->scenario())));
        m_mode->setCurrentIndex(std::max(0, m_mode->findData(int(m_session->mode()))));
        m_seed->setValue(static_cast<int>(m_session->seed()));
    }
    refresh();
    rebuildChoices();
}

void RunBar::run()
{
    QString error;
    const auto mode = static_cast<RunMode>(m_mode->currentData().toInt());
    if (!m_session->start(selectedScenario(), mode, static_cast<quint64>(m_seed->value()), &error))
        m_status->setText(error);
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
    else if (running)
        text = tr("%1 running: %2 events so far. <i>%3</i>").arg(what).arg(events).arg(lesson);
    else if (m_session->hasSummary()) {
        const Summary &s = m_session->summary();
        const QString end = summaryText(s).toHtmlEscaped();
        const QString colour = (s.deadlock || s.error)
                                   ? wb::ui::stateColor("blocked").name()
                                   : QPalette().color(QPalette::WindowText).name();
        text = tr("%1 ended after %2 events: <span style='color:%3'>%4</span>. <i>%5</i>")
                   .arg(what)
                   .arg(events)
                   .arg(colour, end, lesson);
    }
    m_status->setText(text);
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
