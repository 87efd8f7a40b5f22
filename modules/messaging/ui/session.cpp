#include "session.h"

#include "messaging/core/events.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"

#include <QTemporaryDir>

#include <chrono>
#include <thread>

namespace wb::messaging::ui {

QString exchangeTypeTitle(ExchangeType type)
{
    return QString::fromLatin1(exchangeTypeName(type).data(),
                               static_cast<qsizetype>(exchangeTypeName(type).size()));
}

const QList<Preset> &presets()
{
    static const QList<Preset> all = {
        {"odd-even", QObject::tr("Odd/even (direct)"),
         QObject::tr("The tutorial: odd integers reach odds, even ones evens.")},
        {"fanout", QObject::tr("Fanout"),
         QObject::tr("The keys are ignored: every integer is copied to both queues.")},
        {"topic", QObject::tr("Topic"),
         QObject::tr("Keys like odd.small: odd.* and even.* split them, *.small takes the "
                     "small ones too.")},
        {"headers", QObject::tr("Headers"),
         QObject::tr("Routing on the parity and size headers; the routing key is not used.")},
        {"round-robin", QObject::tr("Two consumers, round-robin"),
         QObject::tr("No prefetch limit: odds is dealt out in turn, so the slow consumer "
                     "hoards half the messages.")},
        {"prefetch-1", QObject::tr("Two consumers, prefetch 1"),
         QObject::tr("One unacked message each: the fast consumer takes most of the work.")},
        {"kill-before-ack", QObject::tr("Consumer killed before it acks"),
         QObject::tr("odds-1 dies holding deliveries: they go back to odds and reach odds-2 "
                     "with redelivered set.")},
        {"restart-durable", QObject::tr("Broker restart, durable + persistent"),
         QObject::tr("The broker crashes after 12 messages: durable queues keep their "
                     "persistent messages.")},
        {"restart-transient", QObject::tr("Broker restart, transient"),
         QObject::tr("The same crash with transient queues and messages: everything "
                     "waiting is gone.")},
        {"publish-before-bind", QObject::tr("Publish before any queue is bound"),
         QObject::tr("The first 5 integers match no binding and are dropped silently.")},
        {"mandatory", QObject::tr("Mandatory"),
         QObject::tr("The same early integers, published mandatory: returned to the producer.")},
    };
    return all;
}

LiveConfig presetConfig(const QString &id)
{
    LiveConfig c;
    c.consumers = {{"odds", 150}, {"evens", 150}};
    if (id == "fanout")
        c.type = ExchangeType::Fanout;
    else if (id == "topic" || id == "headers") {
        c.type = id == "topic" ? ExchangeType::Topic : ExchangeType::Headers;
        c.consumers.push_back({"smalls", 150});
    } else if (id == "round-robin" || id == "prefetch-1") {
        c.consumers = {{"odds", 900}, {"odds", 120}, {"evens", 150}};
        c.prefetch = id == "round-robin" ? 0 : 1;
        c.rate = 6;
    } else if (id == "kill-before-ack") {
        c.consumers = {{"odds", 1500}, {"odds", 300}, {"evens", 150}};
        c.prefetch = 3;
        c.rate = 5;
        c.killFirstConsumerAfter = 12;
    } else if (id == "restart-durable" || id == "restart-transient") {
        c.consumers = {{"odds", 1200}, {"evens", 1200}};
        c.rate = 8;
        c.restartBrokerAfter = 12;
        c.durable = c.persistent = id == "restart-durable";
    } else if (id == "publish-before-bind" || id == "mandatory") {
        c.publishBeforeBind = 5;
        c.mandatory = id == "mandatory";
    }
    return c;
}

// ---------------------------------------------------------------------------------------------

MessagingSession::MessagingSession(QObject *parent)
    : TraceSession(parent), m_state(*this, applyMessagingEvent)
{
    m_statusText = tr("embedded broker (in this process)");
}

MessagingSession::~MessagingSession()
{
    blockSignals(true);
    controller()->blockSignals(true);
    if (m_run)
        m_run->stop();
    if (m_probe.joinable())
        m_probe.join(); // a connect gives up within its 4 s timeout
}

void MessagingSession::useEmbedded()
{
    if (m_status == BrokerStatus::Embedded)
        return;
    ++m_probeId; // a connect still under way no longer counts
    m_status = BrokerStatus::Embedded;
    m_statusText = tr("embedded broker (in this process)");
    emit brokerStatusChanged();
}

void MessagingSession::connectToUrl(const QString &url)
{
    std::string why;
    const auto parsed = BrokerUrl::parse(url.trimmed().toStdString(), &why);
    m_url = url.trimmed();
    const quint64 id = ++m_probeId;
    if (!parsed) {
        m_status = BrokerStatus::Failed;
        m_statusText = tr("not a broker URL: %1").arg(QString::fromStdString(why));
        emit brokerStatusChanged();
        return;
    }
    m_status = BrokerStatus::Connecting;
    m_statusText = tr("connecting to %1 …").arg(QString::fromStdString(parsed->redacted()));
    emit brokerStatusChanged();
    // One check at a time; the previous one has given up or is about to (4 s timeout).
    if (m_probe.joinable())
        m_probe.join();
    m_probe = std::thread([this, id, u = *parsed] {
        bool ok = false;
        QString text;
        try {
            ConnectOptions o;
            o.timeout = std::chrono::milliseconds(4000);
            o.clientName = "workbench-check";
            auto conn = wb::messaging::connectTo(u, o);
            conn->close();
            ok = true;
            text = tr("connected to %1").arg(QString::fromStdString(u.redacted()));
        } catch (const std::exception &e) {
            text = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, id, ok, text] { probeDone(id, ok, text); }, Qt::QueuedConnection);
    });
}

void MessagingSession::probeDone(quint64 id, bool ok, const QString &text)
{
    if (id != m_probeId)
        return; // the learner chose something else meanwhile
    m_status = ok ? BrokerStatus::Connected : BrokerStatus::Failed;
    m_statusText = text;
    emit brokerStatusChanged();
}

bool MessagingSession::start(const LiveConfig &config, const QString &preset, QString *error)
{
    std::optional<BrokerUrl> url;
    if (m_status != BrokerStatus::Embedded) {
        if (m_status != BrokerStatus::Connected) {
            if (error)
                *error = tr("The RabbitMQ broker is not connected: %1").arg(m_statusText);
            return false;
        }
        url = BrokerUrl::parse(m_url.toStdString());
    }
    stop();
    // The old run records into the old trace and uses the old broker: it goes first. The
    // session still shows that trace until follow() replaces it.
    m_run.reset();
    m_broker.reset();
    m_trace = std::make_shared<wb::Trace>();
    m_trace->setLimit(2'000'000); // a run left going for hours cannot exhaust memory
    m_clock.start();              // the trace's clock started a moment ago
    m_rates.clear();
    m_config = config;
    m_preset = preset;
    m_consumers.clear();
    if (!url) {
        // A fresh node with a data folder of its own, so durability is real and starts empty.
        m_dataDir = std::make_unique<QTemporaryDir>();
        BrokerOptions o;
        if (m_dataDir->isValid())
            o.dataDir = m_dataDir->path().toStdString();
        o.trace = m_trace.get();
        m_broker = std::make_unique<Broker>(o);
    }
    recordBrokerSnapshot();
    m_run = std::make_unique<LiveRun>(config, m_broker.get(), url, *m_trace);
    m_openingSeek = false;
    m_running = true;
    ++m_runNumber;
    follow(m_trace);
    // The trace already holds the broker's first events: the cursor starts at the newest one,
    // where following means staying.
    controller()->toEnd();
    m_run->start();
    emit runStarted();
    emit consumersChanged();
    return true;
}

// What a view needs before the run's first event: the exchanges the broker starts with
// (the nameless default and amq.*), which a learner meets in list_exchanges.
void MessagingSession::recordBrokerSnapshot()
{
    wb::record(m_trace.get(), events::StateReset{},
               m_broker ? "a fresh embedded broker" : "a RabbitMQ broker");
    if (!m_broker)
        return;
    for (const auto &x : m_broker->listExchanges()) {
        const std::string type(exchangeTypeName(x.type));
        wb::record(m_trace.get(), events::StateExchange{x.name, type, x.durable, x.autoDelete},
                   "exchange " + (x.name.empty() ? std::string("(default)") : x.name) + " (" +
                       type + ") pre-declared");
    }
}

void MessagingSession::stop()
{
    if (!m_run || !m_running)
        return;
    m_run->stop();
    m_running = false;
    finishFollowing(); // one last poll reads what the roles recorded before they left
    emit runFinished();
}

bool MessagingSession::waitFinished(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (m_run && m_running && !m_run->finished() && clock.elapsed() < ms)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pollNow();
    if (m_running && m_run && m_run->finished())
        endRun(); // this caller waits anyway: join the roles now
    return !m_running;
}

void MessagingSession::ensureOpeningExample()
{
    if (m_trace || !isEmbedded())
        return;
    LiveConfig c = presetConfig("odd-even");
    c.count = 16;
    c.rate = 40;
    c.consumers = {{"odds", 60}, {"evens", 60}};
    // The run goes on its own threads; the pages show it filling in, and when it ends the
    // cursor moves to where the queues hold something (seekOpeningPoint). Nothing waits here.
    if (start(c, "odd-even"))
        m_openingSeek = true;
}

void MessagingSession::seekOpeningPoint()
{
    // Just after the 8th publish (the caller checks that the cursor still follows the run).
    m_openingSeek = false;
    if (!m_trace)
        return;
    std::size_t publishes = 0;
    for (std::size_t i = 0; i < m_trace->size(); ++i)
        if (wb::as<events::Publish>(m_trace->at(i)) && ++publishes == 8) {
            controller()->seek(static_cast<qsizetype>(i) + 1);
            break;
        }
}

void MessagingSession::setRate(int perSecond)
{
    m_config.rate = perSecond;
    if (m_run && m_running)
        m_run->setRate(perSecond);
}

void MessagingSession::setPrefetch(int prefetch)
{
    m_config.prefetch = prefetch;
    if (m_run && m_running)
        m_run->setPrefetch(prefetch);
}

QString MessagingSession::addConsumer(const QString &queue, int workMs)
{
    if (!m_run || !m_running)
        return {};
    const auto tag = QString::fromStdString(m_run->addConsumer({queue.toStdString(), workMs}));
    pollNow();
    return tag;
}

bool MessagingSession::removeConsumer(const QString &tag)
{
    return m_run && m_running && m_run->removeConsumer(tag.toStdString());
}

bool MessagingSession::killConsumer(const QString &tag)
{
    return m_run && m_running && m_run->killConsumer(tag.toStdString());
}

bool MessagingSession::restartBroker()
{
    return m_run && m_running && m_run->restartBroker();
}

std::vector<ConsumerStatus> MessagingSession::consumers() const
{
    return m_consumers;
}

std::uint64_t MessagingSession::returned() const
{
    return m_run ? m_run->returned() : 0;
}

QString MessagingSession::runError() const
{
    return m_run ? QString::fromStdString(m_run->lastError()) : QString();
}

void MessagingSession::pollSources()
{
    if (!m_trace)
        return;
    if (m_trace->size() > m_rates.processed)
        m_rates.update(*m_trace);
    if (m_run) {
        auto now = m_run->consumers();
        auto same = [](const std::vector<ConsumerStatus> &a,
                       const std::vector<ConsumerStatus> &b) {
            if (a.size() != b.size())
                return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (a[i].tag != b[i].tag || a[i].connected != b[i].connected ||
                    a[i].killed != b[i].killed || a[i].handled != b[i].handled)
                    return false;
            return true;
        };
        if (!same(now, m_consumers)) {
            m_consumers = std::move(now);
            emit consumersChanged();
        }
    }
    if (m_running && m_run && m_run->finished()) {
        // The roles are told to stop and joined once they have left (a poll or two later):
        // the GUI thread never waits for a consumer in the middle of its work. The run ends
        // once this poll is over (ending it reads the trace one last time); a run started
        // meanwhile is not the one that finished.
        m_run->requestStop();
        if (m_run->threadsDone())
            QMetaObject::invokeMethod(
                this,
                [this, run = m_runNumber] {
                    if (run == m_runNumber)
                        endRun();
                },
                Qt::QueuedConnection);
    }
}

void MessagingSession::endRun()
{
    if (!m_running || !m_run)
        return; // stopped, or waited for, meanwhile
    m_run->stop();
    m_running = false;
    const bool followed = atNewest();
    finishFollowing(); // the last poll: the rates and the cursor take the run's last events
    if (m_openingSeek && followed)
        seekOpeningPoint();
    m_openingSeek = false;
    emit runFinished();
}

} // namespace wb::messaging::ui
