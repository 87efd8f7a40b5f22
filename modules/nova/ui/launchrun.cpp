#include "launchrun.h"

#include "messaging/core/broker.h"
#include "workbench/core/trace.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

#include <chrono>

namespace wb::nova::ui {

using namespace std::chrono_literals;

namespace {
constexpr auto kFinishTimeout = 10s; // a launch on the embedded broker takes milliseconds
}

LaunchRun::LaunchRun(QObject *parent) : QObject(parent) {}

LaunchRun::~LaunchRun()
{
    shutdown();
}

bool LaunchRun::reset(const LaunchSettings &settings, QString *error)
{
    shutdown();
    ++m_generation;
    m_settings = settings;
    m_launches.clear();
    m_trace = std::make_shared<wb::Trace>();
    m_broker = std::make_unique<wb::messaging::Broker>();
    LaunchOptions o;
    o.scheduler = settings.scheduler;
    o.hosts = settings.hosts;
    o.seed = settings.seed;
    try {
        m_deployment = std::make_unique<NovaDeployment>(
            o,
            [b = m_broker.get()](const std::string &component) {
                return b->connect("nova-" + component);
            },
            m_trace.get());
        m_deployment->start();
    } catch (const std::exception &e) {
        m_deployment.reset();
        m_broker.reset();
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    return true;
}

LaunchRecord LaunchRun::runOne(qsizetype begin)
{
    LaunchRecord r;
    r.begin = begin;
    try {
        r.instanceId = m_deployment->runInstances();
    } catch (const RemoteError &e) {
        r.finished = true; // refused, and the refusal came back as the call's failure
        r.error = QString::fromStdString(e.type() + ": " + e.value());
    } catch (const RpcStopped &) {
        r.error = tr("stopped before the API server answered");
    } catch (const std::exception &e) {
        r.error = QString::fromStdString(e.what());
    }
    if (r.instanceId > 0) {
        // In slices of 5 ms: shutdown() joins this thread on the GUI thread, which must not
        // wait for more than the end of one slice.
        const auto deadline = std::chrono::steady_clock::now() + kFinishTimeout;
        while (!m_cancel && std::chrono::steady_clock::now() < deadline && !r.finished)
            r.finished = m_deployment->waitFinished(r.instanceId, 5ms);
        r.instance = m_deployment->instance(r.instanceId);
        if (!r.finished)
            r.error = m_cancel ? tr("stopped while the instance was building")
                               : tr("the instance did not become active or error within 10 s");
        else if (r.instance.vmState == VmState::Error)
            r.error = QString::fromStdString(m_deployment->failure(r.instanceId));
    }
    r.end = static_cast<qsizetype>(m_trace->size());
    return r;
}

void LaunchRun::record(LaunchRecord r, quint64 generation)
{
    if (generation != m_generation)
        return; // a reset joined that worker already; a newer one may be running
    if (m_worker.joinable())
        m_worker.join();
    m_busy = false;
    m_launches.push_back(std::move(r));
    emit launchFinished(static_cast<int>(m_launches.size()) - 1);
}

bool LaunchRun::launch()
{
    if (m_busy || !m_deployment)
        return false;
    m_busy = true;
    m_cancel = false;
    m_pendingBegin = static_cast<qsizetype>(m_trace->size());
    const quint64 generation = m_generation;
    const qsizetype begin = m_pendingBegin;
    emit launchStarted(static_cast<int>(m_launches.size()));
    m_worker = std::thread([this, begin, generation] {
        LaunchRecord r = runOne(begin);
        QMetaObject::invokeMethod(
            this, [this, r, generation] { record(r, generation); }, Qt::QueuedConnection);
    });
    return true;
}

const LaunchRecord &LaunchRun::launchNow()
{
    if (m_deployment && !m_busy) {
        m_cancel = false;
        m_pendingBegin = static_cast<qsizetype>(m_trace->size());
        emit launchStarted(static_cast<int>(m_launches.size()));
        m_launches.push_back(runOne(m_pendingBegin));
        emit launchFinished(static_cast<int>(m_launches.size()) - 1);
    }
    static const LaunchRecord none;
    return m_launches.empty() ? none : m_launches.back();
}

bool LaunchRun::waitIdle(int ms)
{
    const QDeadlineTimer deadline(ms);
    while (m_busy && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(2);
    }
    return !m_busy;
}

void LaunchRun::shutdown()
{
    m_cancel = true;
    if (m_deployment)
        m_deployment->stop(); // a call waiting for its reply ends with RpcStopped
    if (m_worker.joinable())
        m_worker.join();
    m_busy = false;
    m_deployment.reset();
    m_broker.reset();
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
