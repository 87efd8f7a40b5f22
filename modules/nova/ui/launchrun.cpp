#include "launchrun.h"

#include "messaging/core/broker.h"
#include "workbench/core/trace.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

#include <chrono>
#include <utility>

namespace wb::nova::ui {

using namespace std::chrono_literals;

namespace {
constexpr auto kFinishTimeout = 10s; // a launch on the embedded broker takes milliseconds
}

LaunchRun::LaunchRun(QObject *parent) : QObject(parent) {}

LaunchRun::~LaunchRun()
{
    shutdown();
    joinRetired();
}

bool LaunchRun::reset(const LaunchSettings &settings, QString *error)
{
    shutdown();
    ++m_generation;
    m_settings = settings;
    m_launches.clear();
    m_trace = std::make_shared<wb::Trace>();
    Deployment d;
    d.trace = m_trace;
    d.broker = std::make_shared<wb::messaging::Broker>();
    d.cancel = std::make_shared<std::atomic<bool>>(false);
    LaunchOptions o;
    o.scheduler = settings.scheduler;
    o.hosts = settings.hosts;
    o.seed = settings.seed;
    try {
        d.nova = std::make_shared<NovaDeployment>(
            o,
            [b = d.broker.get()](const std::string &component) {
                return b->connect("nova-" + component);
            },
            m_trace.get());
        d.nova->start();
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    m_deployment = std::move(d);
    return true;
}

LaunchRecord LaunchRun::runOne(const Deployment &d, qsizetype begin)
{
    LaunchRecord r;
    r.begin = begin;
    try {
        r.instanceId = d.nova->runInstances();
    } catch (const RemoteError &e) {
        r.finished = true; // refused, and the refusal came back as the call's failure
        r.error = QString::fromStdString(e.type() + ": " + e.value());
    } catch (const RpcStopped &) {
        r.error = tr("stopped before the API server answered");
    } catch (const std::exception &e) {
        r.error = QString::fromStdString(e.what());
    }
    if (r.instanceId > 0) {
        // In slices of 5 ms, so that a stop is noticed at once.
        const auto deadline = std::chrono::steady_clock::now() + kFinishTimeout;
        while (!*d.cancel && std::chrono::steady_clock::now() < deadline && !r.finished)
            r.finished = d.nova->waitFinished(r.instanceId, 5ms);
        r.instance = d.nova->instance(r.instanceId);
        if (!r.finished)
            r.error = *d.cancel ? tr("stopped while the instance was building")
                                : tr("the instance did not become active or error within 10 s");
        else if (r.instance.vmState == VmState::Error)
            r.error = QString::fromStdString(d.nova->failure(r.instanceId));
    }
    r.end = static_cast<qsizetype>(d.trace->size());
    return r;
}

void LaunchRun::record(LaunchRecord r, quint64 generation)
{
    if (generation != m_generation)
        return; // a reset retired that worker already; a newer one may be running
    if (m_worker.joinable())
        m_worker.join(); // it has posted this as its last act
    m_busy = false;
    m_launches.push_back(std::move(r));
    emit launchFinished(static_cast<int>(m_launches.size()) - 1);
}

bool LaunchRun::launch()
{
    if (m_busy || !m_deployment.nova)
        return false;
    m_busy = true;
    *m_deployment.cancel = false;
    m_pendingBegin = static_cast<qsizetype>(m_trace->size());
    const quint64 generation = m_generation;
    const qsizetype begin = m_pendingBegin;
    emit launchStarted(static_cast<int>(m_launches.size()));
    m_worker = std::thread([this, d = m_deployment, begin, generation] {
        LaunchRecord r = runOne(d, begin);
        QMetaObject::invokeMethod(
            this, [this, r, generation] { record(r, generation); }, Qt::QueuedConnection);
    });
    return true;
}

const LaunchRecord &LaunchRun::launchNow()
{
    if (m_deployment.nova && !m_busy) {
        *m_deployment.cancel = false;
        m_pendingBegin = static_cast<qsizetype>(m_trace->size());
        emit launchStarted(static_cast<int>(m_launches.size()));
        m_launches.push_back(runOne(m_deployment, m_pendingBegin));
        emit launchFinished(static_cast<int>(m_launches.size()) - 1);
    }
    static const LaunchRecord none;
    return m_launches.empty() ? none : m_launches.back();
}

bool LaunchRun::waitIdle(int ms)
{
    const QDeadlineTimer deadline(ms);
    // A launch posted for the next turn of the event loop (the opening one) starts first.
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    while (m_busy && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(2);
    }
    return !m_busy;
}

void LaunchRun::shutdown()
{
    m_busy = false;
    if (!m_deployment.nova && !m_worker.joinable())
        return;
    Deployment d = std::exchange(m_deployment, Deployment{});
    if (d.cancel)
        *d.cancel = true;
    // The joins happen elsewhere: the components notice the stop at their next poll of their
    // queue, which the GUI thread does not wait for. Stopping them ends a call the worker
    // still waits on (RpcStopped).
    m_retiring.emplace_back([d = std::move(d), worker = std::move(m_worker)]() mutable {
        if (d.nova)
            d.nova->stop();
        if (worker.joinable())
            worker.join();
    });
}

void LaunchRun::showRecorded(const LaunchSettings &settings, std::vector<LaunchRecord> launches)
{
    shutdown();
    ++m_generation; // a worker's result still on its way is stale
    m_settings = settings;
    m_trace.reset();
    m_launches = std::move(launches);
}

void LaunchRun::joinRetired()
{
    for (auto &t : m_retiring)
        if (t.joinable())
            t.join();
    m_retiring.clear();
}

int LaunchRun::launchAt(qsizetype position) const
{
    if (m_busy && position > m_pendingBegin)
        return static_cast<int>(m_launches.size());
    for (int i = static_cast<int>(m_launches.size()) - 1; i >= 0; --i)
        if (position > m_launches[static_cast<std::size_t>(i)].begin)
            return i;
    if (m_busy)
        return static_cast<int>(m_launches.size());
    return m_launches.empty() ? -1 : 0;
}

std::pair<qsizetype, qsizetype> LaunchRun::rangeOf(int index) const
{
    if (index >= 0 && index < static_cast<int>(m_launches.size())) {
        const auto &r = m_launches[static_cast<std::size_t>(index)];
        return {r.begin, r.end};
    }
    if (m_busy && index == static_cast<int>(m_launches.size()))
        return {m_pendingBegin, m_trace ? static_cast<qsizetype>(m_trace->size()) : 0};
    return {0, 0};
}

} // namespace wb::nova::ui
