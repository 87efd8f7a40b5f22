#pragma once
// A deployment the launch view keeps running: the embedded broker, Nova's components as
// actors on their own threads (wb::nova::NovaDeployment), and one trace they all record into.
// Each launch is one more euca-run-instances against the same deployment, so the instances
// table grows and the quota and the hosts' load carry over from launch to launch.
//
// A launch runs on a worker thread (the GUI never waits on the bus). shutdown() tells the
// components to stop, which ends a call still waiting for its reply, and returns at once: the
// components' threads and the worker are joined on a thread of their own (they notice the
// stop within one poll of their queue), and the destructor waits for that.

#include "nova/core/launch.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace wb {
class Trace;
}
namespace wb::messaging {
class Broker;
}

namespace wb::nova::ui {

struct LaunchSettings
{
    SchedulerKind scheduler = SchedulerKind::Chance;
    int hosts = 3;
    quint64 seed = 1;
};

// One euca-run-instances: its events are the trace positions [begin, end).
struct LaunchRecord
{
    qsizetype begin = 0;
    qsizetype end = 0;
    std::int64_t instanceId = -1; // -1 when the request was refused before an instance existed
    Instance instance;            // as the database has it at the end
    bool finished = false;        // active or error (or refused) before the timeout
    QString error;                // why it was refused or failed; empty when active
};

class LaunchRun : public QObject
{
    Q_OBJECT
public:
    explicit LaunchRun(QObject *parent = nullptr);
    ~LaunchRun() override; // shutdown()

    // A fresh deployment with these settings; the trace and the launches start over.
    // False with a sentence in *error when a component cannot start.
    bool reset(const LaunchSettings &settings, QString *error = nullptr);
    // One more launch on a worker thread; launchFinished(index) follows. False when one is
    // still running or there is no deployment (reset() first).
    bool launch();
    // The same launch on the calling thread (the opening example).
    const LaunchRecord &launchNow();
    // Blocks until the launch in progress has finished and been recorded (or `ms` pass).
    bool waitIdle(int ms);
    // Stops the components (a waiting rpc.call ends at once) without waiting for their
    // threads; a later reset() starts a fresh deployment beside the one still stopping.
    void shutdown();
    // A recorded run instead of a deployment: the settings and launches it had, nothing
    // running (a deployment still running is shut down as above). The trace is the
    // recording's, shown by the page's session; the next launch() needs a reset().
    void showRecorded(const LaunchSettings &settings, std::vector<LaunchRecord> launches);

    bool ready() const { return m_deployment.nova != nullptr; } // components running
    bool busy() const { return m_busy; }
    qsizetype busyBegin() const { return m_pendingBegin; }
    const LaunchSettings &settings() const { return m_settings; }
    std::shared_ptr<const wb::Trace> trace() const { return m_trace; }
    const std::vector<LaunchRecord> &launches() const { return m_launches; }
    // The launch whose events hold the event at `position - 1` (the last one begun before
    // `position`, including one still running), or -1. The running one is launches().size().
    int launchAt(qsizetype position) const;
    // The trace range of launch `index` (the running one included).
    std::pair<qsizetype, qsizetype> rangeOf(int index) const;

signals:
    void launchStarted(int index);
    void launchFinished(int index);

private:
    // What a worker needs, shared with it: a shutdown hands the deployment to a thread that
    // stops it while the worker may still be reading from it.
    struct Deployment
    {
        std::shared_ptr<wb::Trace> trace;
        std::shared_ptr<wb::messaging::Broker> broker;
        std::shared_ptr<NovaDeployment> nova;
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    static LaunchRecord runOne(const Deployment &d, qsizetype begin);
    void record(LaunchRecord r, quint64 generation);
    void joinRetired();

    LaunchSettings m_settings;
    std::shared_ptr<wb::Trace> m_trace;
    Deployment m_deployment;
    std::vector<LaunchRecord> m_launches;
    std::thread m_worker;
    std::vector<std::thread> m_retiring; // stopping deployments, joined by the destructor
    bool m_busy = false;
    qsizetype m_pendingBegin = 0;
    quint64 m_generation = 0; // a reset makes the results of an older worker stale
};

} // namespace wb::nova::ui
