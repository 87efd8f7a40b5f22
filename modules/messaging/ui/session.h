#pragma once
// One live run of the odd/even scenario shared by every view of the messaging module (a
// wb::ui::TraceSession, handed to the pages by wb::ui::SharedSession): the broker it runs on
// (embedded, or a RabbitMQ URL the learner connected to), the run's roles on their threads
// (wb::messaging::LiveRun), the trace they record into, which the session follows, and the
// broker's state at the cursor (SessionState<MessagingState>).
//
// While a run goes on the cursor follows the newest event; step back and it stays where it
// is (the run goes on behind it) until End. Nothing here waits on the GUI thread for a
// network: connecting to a RabbitMQ URL happens on a thread of its own and reports back with
// brokerStatusChanged() within the 4 s connect timeout.

#include "messaging/core/live_run.h"
#include "messaging/core/replay.h"
#include "workbench/ui/session.h"

#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

class QTemporaryDir;

namespace wb::messaging::ui {

// The scenario and its variations, each a configuration of the live run.
struct Preset
{
    QString id;    // "odd-even", "fanout", ..., also the lesson's file name
    QString title; // "Odd/even (direct)"
    QString what;  // one sentence on what to watch
};
const QList<Preset> &presets();
// The configuration of preset `id` (the odd/even one for an unknown id).
LiveConfig presetConfig(const QString &id);

// Recorded: a recording made on a RabbitMQ node is shown; nothing is connected.
enum class BrokerStatus { Embedded, Connecting, Connected, Failed, Recorded };

// What a recording of the messaging views keeps besides the trace: the run's broker (its kind
// and, for RabbitMQ, the URL without user or password), the scenario and its settings.
using RecordingSettings = std::vector<std::pair<std::string, std::string>>;

class MessagingSession : public wb::ui::TraceSession
{
    Q_OBJECT
public:
    explicit MessagingSession(QObject *parent = nullptr);
    ~MessagingSession() override; // stops the run, waits for a connect in progress (≤ 4 s)

    // --- the broker ---------------------------------------------------------------------
    void useEmbedded();
    // Checks `url` on a thread of its own: Connecting now, Connected or Failed (with the
    // reason) within about 4 s. A malformed URL fails at once.
    void connectToUrl(const QString &url);
    BrokerStatus brokerStatus() const { return m_status; }
    QString brokerText() const { return m_statusText; } // "connected to amqp://guest@..."
    QString brokerUrl() const { return m_url; }
    bool isEmbedded() const { return m_status == BrokerStatus::Embedded; }
    // The embedded broker of the current run (null on RabbitMQ or before the first run).
    Broker *broker() const { return m_broker.get(); }

    // --- runs ---------------------------------------------------------------------------
    // Stops any run, then starts `config` on a fresh trace (and, embedded, a fresh broker),
    // which the session follows. False with a sentence in *error when the chosen broker is
    // not connected.
    bool start(const LiveConfig &config, const QString &preset, QString *error = nullptr);
    void stop(); // stops and joins the roles; the trace stays for stepping
    void shutdown() { stop(); }
    bool isRunning() const { return m_running; }
    // Blocks until the run has finished or `ms` pass. For tests and benchmarks only: the
    // views never wait (a finished run is noticed on a poll and ended then).
    bool waitFinished(int ms);
    // Starts the opening example once if nothing has run yet and the broker is embedded;
    // returns at once (the run fills the pages in, then the cursor opens mid-run).
    void ensureOpeningExample();

    // Live controls (false / "" when no run takes them).
    void setRate(int perSecond);
    void setPrefetch(int prefetch);
    QString addConsumer(const QString &queue, int workMs);
    bool removeConsumer(const QString &tag);
    bool killConsumer(const QString &tag);
    bool restartBroker();
    std::vector<ConsumerStatus> consumers() const;
    std::uint64_t returned() const;
    QString runError() const; // the last error a role met

    const LiveConfig &config() const { return m_config; }
    QString preset() const { return m_preset; }
    // The run shown published without pausing between messages (a recording of
    // `workbench-cli messaging demo`): its rate is "unlimited", not config().rate.
    bool unpaced() const { return m_unpaced; }

    // --- recordings -----------------------------------------------------------------------
    // The settings of the run shown: keys broker (embedded or rabbitmq), url (rabbitmq
    // only, without credentials), preset, exchange (its name), queue-prefix (only when the
    // run had one), exchange-type, durable, persistent, mandatory
    // (true or false), publish-before-bind, count (0: no limit), seed, rate (per second, or
    // "unlimited"), prefetch (0: none), consumers (queue:work-ms, "odds:150,evens:150").
    RecordingSettings recordingSettings() const;
    // Takes the settings of a recording: any run is stopped (its threads are joined on a
    // thread of their own), nothing connects and nothing starts. False, with a sentence in
    // *error and the session as it was, for a setting it cannot take. The trace follows with
    // show().
    bool applyRecordingSettings(const RecordingSettings &settings, QString *error);
    // The trace's first count() events, a copy when a run still records into it.
    std::shared_ptr<const wb::Trace> snapshot() const;
    // True for a kind of events.h with the fields it declares.
    static bool acceptsEvent(const wb::Event &event);

    // --- the trace (trace(), controller(), position(), atNewest(): TraceSession) -----------
    const MessagingState &stateAt(qsizetype position) { return m_state.at(position); }
    const MessagingState &stateAtCursor() { return m_state.atCursor(); }
    const RateSeries &rates() const { return m_rates; }
    // Nanoseconds on the trace's clock now (event timestamps are on the same clock).
    qint64 nowNs() const { return m_clock.isValid() ? m_clock.nsecsElapsed() : 0; }

signals:
    void runStarted();
    void runFinished();
    // A recording's settings were taken: the controls show them.
    void settingsApplied();
    void brokerStatusChanged();
    void consumersChanged();

protected:
    // Each live poll: the rates take the new events, the consumers' status is read, and a
    // run that has finished is ended.
    void pollSources() override;

private:
    void endRun(); // the run finished: join its roles, settle the rates, tell the views
    void probeDone(quint64 id, bool ok, const QString &text);
    void recordBrokerSnapshot();
    void seekOpeningPoint();
    // Stops the run without waiting for it: its roles, broker and trace are handed to a
    // thread that joins and frees them.
    void retireRun();
    void joinRetired(bool all);

    // Declared in destruction order: the run records into the trace and uses the broker.
    std::shared_ptr<wb::Trace> m_trace;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<Broker> m_broker;
    std::unique_ptr<LiveRun> m_run;
    wb::ui::SessionState<MessagingState> m_state;
    RateSeries m_rates;
    QElapsedTimer m_clock;
    LiveConfig m_config;
    QString m_preset;
    bool m_unpaced = false;
    bool m_running = false;
    std::uint64_t m_runNumber = 0; // counts start(): an end queued for an older run is void
    bool m_openingSeek = false;    // the opening example runs: seek into it when it ends
    std::vector<ConsumerStatus> m_consumers;

    BrokerStatus m_status = BrokerStatus::Embedded;
    QString m_statusText;
    QString m_url;
    quint64 m_probeId = 0;
    std::thread m_probe;
    // The broker of the run shown: "embedded" or the RabbitMQ URL without credentials.
    std::string m_runBroker = "embedded";
    struct Retired
    {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Retired> m_retired;
};

// What the messaging views share over one MessagingSession: stopping it, and keeping and
// opening recordings of its run (the trace as far as the views were told about it).
class MessagingPage : public wb::ui::SessionPage
{
public:
    explicit MessagingPage(std::shared_ptr<MessagingSession> session, QWidget *parent = nullptr)
        : SessionPage(session, parent), m_session(session.get())
    {}
    MessagingSession *session() const { return m_session; }
    void shutdown() override { m_session->shutdown(); }
    wb::Recording recording() const override
    {
        wb::Recording r = SessionPage::recording();
        r.trace = m_session->snapshot();
        return r;
    }

protected:
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override
    {
        return m_session->recordingSettings();
    }
    bool applyRecordingSettings(const std::vector<std::pair<std::string, std::string>> &settings,
                                QString *error) override
    {
        return m_session->applyRecordingSettings(settings, error);
    }
    bool acceptsEvent(const wb::Event &event) const override
    {
        return MessagingSession::acceptsEvent(event);
    }

    MessagingSession *m_session; // owned by the page (SessionPage keeps it)
};

QString exchangeTypeTitle(ExchangeType type); // "direct"

} // namespace wb::messaging::ui
