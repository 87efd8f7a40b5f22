#include "runpanel.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wb::messaging::ui {

RunPanel::RunPanel(std::shared_ptr<MessagingSession> session, QWidget *parent)
    : QWidget(parent), m_session(std::move(session)), m_brokerChoice(new QComboBox),
      m_url(new QLineEdit), m_connect(new QPushButton(tr("Connect"))), m_status(new QLabel),
      m_preset(new QComboBox), m_type(new QComboBox), m_durable(new QCheckBox(tr("durable"))),
      m_persistent(new QCheckBox(tr("persistent"))), m_mandatory(new QCheckBox(tr("mandatory"))),
      m_early(new QSpinBox), m_count(new QSpinBox), m_run(new QPushButton(tr("Run"))),
      m_stop(new QPushButton(tr("Stop"))), m_about(new QLabel)
{
    m_brokerChoice->addItem(tr("Embedded broker"));
    m_brokerChoice->addItem(tr("RabbitMQ at a URL"));
    m_url->setPlaceholderText(QStringLiteral("amqp://user:password@host:5672/"));
    m_url->setText(QStringLiteral("amqp://guest:guest@127.0.0.1:5672/"));
    m_url->setMinimumWidth(160);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    for (const auto &p : presets())
        m_preset->addItem(p.title, p.id);
    m_preset->setToolTip(tr("The tutorial's scenario and its variations; each fills in the "
                            "settings beside it"));
    for (auto t :
         {ExchangeType::Direct, ExchangeType::Fanout, ExchangeType::Topic, ExchangeType::Headers})
        m_type->addItem(exchangeTypeTitle(t), int(t));
    m_type->setToolTip(tr("The exchange type of “integers”. Changing the type of an existing "
                          "exchange is a 406 error, so it applies on the next Run."));
    m_durable->setToolTip(tr("Exchange and queues survive a broker restart (durable=True)"));
    m_persistent->setToolTip(tr("delivery_mode 2: written to disk, if the queue is durable"));
    m_mandatory->setToolTip(tr("A message no binding takes comes back (basic.return) instead "
                               "of being dropped"));
    m_early->setRange(0, 100);
    m_early->setToolTip(tr("How many integers the producer publishes before the consumers "
                           "declare and bind their queues"));
    m_count->setRange(0, 1'000'000);
    m_count->setSpecialValueText(tr("no limit"));
    m_count->setToolTip(tr("Stop publishing after this many integers (no limit: until Stop)"));
    m_about->setWordWrap(true);

    m_brokerChoice->setAccessibleName(tr("Broker"));
    m_url->setAccessibleName(tr("Broker URL"));
    m_status->setAccessibleName(tr("Broker status"));
    m_preset->setAccessibleName(tr("Scenario"));
    m_type->setAccessibleName(tr("Exchange type"));
    m_early->setAccessibleName(tr("Publish before bind"));
    m_count->setAccessibleName(tr("Count"));

    // The broker line keeps the status beside the choice, where it wraps; the scenario's
    // settings and Run / Stop flow onto as many lines as the width needs.
    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->setSpacing(4);
    auto *brokerRow = new QHBoxLayout;
    brokerRow->addWidget(new QLabel(tr("Broker")));
    brokerRow->addWidget(m_brokerChoice);
    brokerRow->addWidget(m_url, 1);
    brokerRow->addWidget(m_connect);
    brokerRow->addWidget(m_status, 2);
    col->addLayout(brokerRow);

    auto *settings = new wb::ui::FlowLayout;
    settings->addWidget(labelled(tr("Scenario"), m_preset));
    settings->addWidget(labelled(tr("exchange"), m_type));
    settings->addWidget(m_durable);
    settings->addWidget(m_persistent);
    settings->addWidget(m_mandatory);
    settings->addWidget(labelled(tr("publish before bind"), m_early));
    settings->addWidget(labelled(tr("count"), m_count));
    auto *buttons = new QWidget;
    auto *buttonRow = new QHBoxLayout(buttons);
    buttonRow->setContentsMargins(0, 0, 0, 0);
    buttonRow->addWidget(m_run);
    buttonRow->addWidget(m_stop);
    settings->addWidget(buttons);
    col->addLayout(settings);
    col->addWidget(m_about);

    MessagingSession *s = m_session.get();
    connect(m_brokerChoice, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i == 0)
            m_session->useEmbedded();
        refreshBroker();
    });
    connect(m_connect, &QPushButton::clicked, this,
            [this] { m_session->connectToUrl(m_url->text()); });
    connect(m_url, &QLineEdit::returnPressed, m_connect, &QPushButton::click);
    connect(m_preset, &QComboBox::activated, this,
            [this](int i) { selectPreset(m_preset->itemData(i).toString()); });
    connect(m_run, &QPushButton::clicked, this, &RunPanel::run);
    connect(m_stop, &QPushButton::clicked, s, &MessagingSession::stop);
    connect(s, &MessagingSession::brokerStatusChanged, this, &RunPanel::refreshBroker);
    connect(s, &MessagingSession::runStarted, this, &RunPanel::showSessionSettings);
    connect(s, &MessagingSession::runStarted, this, &RunPanel::refreshRun);
    connect(s, &MessagingSession::settingsApplied, this, &RunPanel::showSessionSettings);
    connect(s, &MessagingSession::runFinished, this, &RunPanel::refreshRun);

    selectPreset(s->preset().isEmpty() ? QStringLiteral("odd-even") : s->preset());
    if (s->trace())
        showSessionSettings();
    if (!s->isEmbedded())
        m_brokerChoice->setCurrentIndex(1);
    refreshBroker();
    refreshRun();
}

void RunPanel::showSessionSettings()
{
    const LiveConfig &c = m_session->config();
    m_base = c;
    const int i = m_preset->findData(m_session->preset());
    m_preset->setCurrentIndex(std::max(0, i));
    m_type->setCurrentIndex(m_type->findData(int(c.type)));
    m_durable->setChecked(c.durable);
    m_persistent->setChecked(c.persistent);
    m_mandatory->setChecked(c.mandatory);
    m_early->setValue(static_cast<int>(c.publishBeforeBind));
    m_count->setValue(static_cast<int>(std::min<std::uint64_t>(c.count, 1'000'000)));
    m_about->setText(i >= 0 ? presets().at(i).what : QString());
    {
        const QSignalBlocker block(m_brokerChoice);
        m_brokerChoice->setCurrentIndex(m_session->isEmbedded() ? 0 : 1);
    }
    if (m_session->brokerStatus() == BrokerStatus::Recorded)
        m_url->setText(m_session->brokerUrl());
    refreshBroker();
}

void RunPanel::selectPreset(const QString &id)
{
    m_base = presetConfig(id);
    const int i = m_preset->findData(id);
    m_preset->setCurrentIndex(std::max(0, i));
    m_type->setCurrentIndex(m_type->findData(int(m_base.type)));
    m_durable->setChecked(m_base.durable);
    m_persistent->setChecked(m_base.persistent);
    m_mandatory->setChecked(m_base.mandatory);
    m_early->setValue(static_cast<int>(m_base.publishBeforeBind));
    m_count->setValue(static_cast<int>(m_base.count));
    m_about->setText(i >= 0 ? presets().at(i).what : QString());
}

LiveConfig RunPanel::configuration() const
{
    LiveConfig c = m_base;
    c.type = static_cast<ExchangeType>(m_type->currentData().toInt());
    c.durable = m_durable->isChecked();
    c.persistent = m_persistent->isChecked();
    c.mandatory = m_mandatory->isChecked();
    c.publishBeforeBind = static_cast<std::uint64_t>(m_early->value());
    c.count = static_cast<std::uint64_t>(m_count->value());
    // Queues follow the exchange type (topic and headers add "smalls").
    const auto queues = queuesFor(c.type);
    const bool hasSmalls = std::any_of(queues.begin(), queues.end(),
                                       [](const QueueSpec &q) { return q.name == "smalls"; });
    std::erase_if(c.consumers,
                  [&](const ConsumerSpec &s) { return s.queue == "smalls" && !hasSmalls; });
    if (hasSmalls && std::none_of(c.consumers.begin(), c.consumers.end(),
                                  [](const ConsumerSpec &s) { return s.queue == "smalls"; }))
        c.consumers.push_back({"smalls", 150});
    c.rate = m_session->config().rate > 0 && m_session->preset() == m_preset->currentData()
                 ? m_session->config().rate
                 : m_base.rate;
    c.prefetch = m_session->preset() == m_preset->currentData() ? m_session->config().prefetch
                                                                : m_base.prefetch;
    return c;
}

void RunPanel::run()
{
    QString error;
    if (!m_session->start(configuration(), m_preset->currentData().toString(), &error))
        m_about->setText(error);
}

void RunPanel::refreshBroker()
{
    const bool url = m_brokerChoice->currentIndex() == 1;
    m_url->setVisible(url);
    m_connect->setVisible(url);
    const BrokerStatus st = m_session->brokerStatus();
    m_connect->setEnabled(st != BrokerStatus::Connecting);
    QString colour;
    switch (st) {
    case BrokerStatus::Embedded:
    case BrokerStatus::Connected:
        colour = wb::ui::stateColor("running").name();
        break;
    case BrokerStatus::Connecting:
    case BrokerStatus::Recorded:
        colour = wb::ui::stateColor("waiting").name();
        break;
    case BrokerStatus::Failed:
        colour = wb::ui::stateColor("blocked").name();
        break;
    }
    QString text = m_session->brokerText();
    if (url && st == BrokerStatus::Embedded)
        text = tr("enter a URL and press Connect (the embedded broker is used until then)");
    m_status->setText(
        QStringLiteral("<span style='color:%1'>●</span> %2").arg(colour, text.toHtmlEscaped()));
    refreshRun();
}

void RunPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        refreshBroker(); // the status dot in the new palette's colour
}

void RunPanel::refreshRun()
{
    const bool running = m_session->isRunning();
    const BrokerStatus st = m_session->brokerStatus();
    m_run->setEnabled(st == BrokerStatus::Embedded || st == BrokerStatus::Connected);
    m_run->setText(running ? tr("Run again") : tr("Run"));
    m_stop->setEnabled(running);
}

} // namespace wb::messaging::ui
