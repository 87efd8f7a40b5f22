#include "session.h"

#include "messaging/core/events.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/stepcontroller.h"

#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <tuple>

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
    // A trace shown rather than followed (a recording): its rates are read whole, before any
    // page draws them (the pages connect later, so their refresh comes after this).
    connect(this, &TraceSession::traceReplaced, this, [this] {
        if (m_running)
            return;
        m_rates.clear();
        if (const wb::Trace *t = trace())
            m_rates.update(*t);
    });
}

MessagingSession::~MessagingSession()
{
    blockSignals(true);
    controller()->blockSignals(true);
    if (m_run)
        m_run->stop();
    if (m_probe.joinable())
        m_probe.join(); // a connect gives up within its 4 s timeout
    joinRetired(true);
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
    m_runBroker = url ? url->anonymous() : std::string("embedded");
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
    m_unpaced = false;
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
    // A turn of the event loop later: a page made to show a recording gets it before then,
    // and the example does not start at all (a recording runs nothing).
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_trace || trace() || !isEmbedded())
                return;
            LiveConfig c = presetConfig("odd-even");
            c.count = 16;
            c.rate = 40;
            c.consumers = {{"odds", 60}, {"evens", 60}};
            // The run goes on its own threads; the pages show it filling in, and when it ends
            // the cursor moves to where the queues hold something (seekOpeningPoint).
            if (start(c, "odd-even"))
                m_openingSeek = true;
        },
        Qt::QueuedConnection);
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

// ---- recordings ------------------------------------------------------------------------------

namespace {

std::string flag(bool b)
{
    return b ? "true" : "false";
}

std::optional<bool> flagOf(const std::string &s)
{
    if (s == "true")
        return true;
    if (s == "false")
        return false;
    return std::nullopt;
}

std::optional<std::uint64_t> numberOf(const std::string &s, std::uint64_t max)
{
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const std::uint64_t v = std::stoull(s);
    if (v > max)
        return std::nullopt;
    return v;
}

} // namespace

RecordingSettings MessagingSession::recordingSettings() const
{
    const LiveConfig &c = m_config;
    RecordingSettings out;
    const bool embedded = m_runBroker == "embedded";
    out.emplace_back("broker", embedded ? "embedded" : "rabbitmq");
    if (!embedded)
        out.emplace_back("url", m_runBroker);
    out.emplace_back("preset",
                     m_preset.isEmpty() ? std::string("odd-even") : m_preset.toStdString());
    out.emplace_back("exchange", c.exchange);
    if (!c.queuePrefix.empty())
        out.emplace_back("queue-prefix", c.queuePrefix);
    out.emplace_back("exchange-type", std::string(exchangeTypeName(c.type)));
    out.emplace_back("durable", flag(c.durable));
    out.emplace_back("persistent", flag(c.persistent));
    out.emplace_back("mandatory", flag(c.mandatory));
    out.emplace_back("publish-before-bind", std::to_string(c.publishBeforeBind));
    out.emplace_back("count", std::to_string(c.count));
    out.emplace_back("seed", std::to_string(c.seed));
    out.emplace_back("rate", m_unpaced ? std::string("unlimited") : std::to_string(c.rate));
    out.emplace_back("prefetch", std::to_string(c.prefetch));
    std::string consumers;
    for (const ConsumerSpec &s : c.consumers)
        consumers += (consumers.empty() ? "" : ",") + s.queue + ":" + std::to_string(s.workMs);
    out.emplace_back("consumers", consumers);
    return out;
}

bool MessagingSession::applyRecordingSettings(const RecordingSettings &settings, QString *error)
{
    std::map<std::string, std::string> given;
    for (const auto &[k, v] : settings)
        given[k] = v;
    const auto value = [&](const char *key, const char *fallback) {
        const auto it = given.find(key);
        return it == given.end() ? std::string(fallback) : it->second;
    };
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    const auto bad = [&](const char *key) {
        return refuse(
            tr("the recording's setting %1 ('%2') is not one the messaging views take")
                .arg(QString::fromLatin1(key), QString::fromStdString(value(key, "")).left(60)));
    };

    const std::string broker = value("broker", "embedded");
    std::string url;
    if (broker == "rabbitmq") {
        std::string why;
        const auto parsed = BrokerUrl::parse(value("url", ""), &why);
        if (!parsed)
            return bad("url");
        url = parsed->anonymous(); // a password in a file is never taken up
    } else if (broker != "embedded")
        return bad("broker");
    const QString preset = QString::fromStdString(value("preset", "odd-even"));
    if (std::none_of(presets().begin(), presets().end(),
                     [&](const Preset &p) { return p.id == preset; }))
        return bad("preset");
    LiveConfig c = presetConfig(preset);
    if (given.count("exchange")) {
        const std::string &x = given["exchange"];
        if (x.empty() || x.size() > 255 || x.rfind("amq.", 0) == 0)
            return bad("exchange");
        c.exchange = x;
    }
    if (given.count("queue-prefix")) {
        if (given["queue-prefix"].size() > 200)
            return bad("queue-prefix");
        c.queuePrefix = given["queue-prefix"];
    }
    if (given.count("exchange-type")) {
        const auto type = parseExchangeType(given["exchange-type"]);
        if (!type)
            return bad("exchange-type");
        c.type = *type;
    }
    for (auto [key, member] : {std::pair{"durable", &LiveConfig::durable},
                               std::pair{"persistent", &LiveConfig::persistent},
                               std::pair{"mandatory", &LiveConfig::mandatory}})
        if (given.count(key)) {
            const auto b = flagOf(given[key]);
            if (!b)
                return bad(key);
            c.*member = *b;
        }
    for (auto [key, member, max] :
         {std::tuple{"publish-before-bind", &LiveConfig::publishBeforeBind, std::uint64_t{100}},
          std::tuple{"count", &LiveConfig::count, std::uint64_t{1'000'000'000}},
          std::tuple{"seed", &LiveConfig::seed, std::uint64_t{INT64_MAX}}})
        if (given.count(key)) {
            const auto n = numberOf(given[key], max);
            if (!n)
                return bad(key);
            c.*member = *n;
        }
    const bool unpaced = given.count("rate") && given["rate"] == "unlimited";
    for (auto [key, member, max] : {std::tuple{"rate", &LiveConfig::rate, 5000},
                                    std::tuple{"prefetch", &LiveConfig::prefetch, 65535}})
        if (given.count(key) && !(unpaced && std::string_view(key) == "rate")) {
            const auto n = numberOf(given[key], static_cast<std::uint64_t>(max));
            if (!n)
                return bad(key);
            c.*member = static_cast<int>(*n);
        }
    if (given.count("consumers")) {
        std::vector<ConsumerSpec> consumers;
        const QStringList parts =
            QString::fromStdString(given["consumers"]).split(',', Qt::SkipEmptyParts);
        for (const QString &part : parts) {
            const QStringList qw = part.split(':');
            const auto work = qw.size() == 2 ? numberOf(qw[1].toStdString(), 100'000)
                                             : std::optional<std::uint64_t>{};
            if (!work || qw[0].isEmpty() || qw[0].size() > 255 || consumers.size() >= 64)
                return bad("consumers");
            consumers.push_back({qw[0].toStdString(), static_cast<int>(*work)});
        }
        c.consumers = std::move(consumers);
    }

    // Everything is taken: the run stops (without waiting here), nothing connects.
    retireRun();
    ++m_probeId; // a connect still under way no longer counts
    m_config = c;
    m_preset = preset;
    m_unpaced = unpaced;
    m_consumers.clear();
    m_runBroker = url.empty() ? std::string("embedded") : url;
    if (url.empty()) {
        m_status = BrokerStatus::Embedded;
        m_statusText = tr("embedded broker (in this process)");
    } else {
        m_status = BrokerStatus::Recorded;
        m_url = QString::fromStdString(url);
        m_statusText = tr("recorded on the RabbitMQ node at %1; nothing is connected (add the "
                          "user and password and press Connect to run there again)")
                           .arg(m_url);
    }
    emit brokerStatusChanged();
    emit settingsApplied();
    emit consumersChanged();
    return true;
}

void MessagingSession::retireRun()
{
    ++m_runNumber; // an end queued for the old run is void
    m_openingSeek = false;
    const bool wasRunning = m_running;
    m_running = false;
    if (m_run)
        m_run->requestStop();
    auto done = std::make_shared<std::atomic<bool>>(false);
    // Destruction order as in the session: the run, the broker it uses, its folder, the trace.
    std::thread reaper([run = std::move(m_run), broker = std::move(m_broker),
                        dir = std::move(m_dataDir), trace = std::move(m_trace), done]() mutable {
        if (run)
            run->stop();
        run.reset();
        broker.reset();
        dir.reset();
        trace.reset();
        *done = true;
    });
    joinRetired(false);
    m_retired.push_back({std::move(reaper), std::move(done)});
    m_rates.clear();
    if (wasRunning)
        emit runFinished();
}

void MessagingSession::joinRetired(bool all)
{
    std::erase_if(m_retired, [all](Retired &r) {
        if (!all && !*r.done)
            return false;
        if (r.thread.joinable())
            r.thread.join();
        return true;
    });
}

std::shared_ptr<const wb::Trace> MessagingSession::snapshot() const
{
    const auto &shown = sharedTrace();
    if (!shown || !isLive())
        return shown;
    // The roles still append: keep what the views were told about, not what arrives while
    // the recording is written.
    auto copy = std::make_shared<wb::Trace>();
    const auto n = static_cast<std::size_t>(
        std::min<qsizetype>(count(), static_cast<qsizetype>(shown->size())));
    for (std::size_t i = 0; i < n; ++i)
        copy->appendRecorded(shown->at(i));
    return copy;
}

bool MessagingSession::acceptsEvent(const wb::Event &event)
{
    try {
        return events::MessagingEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

} // namespace wb::messaging::ui
