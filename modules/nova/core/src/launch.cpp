// The user's side of a launch: a whole launch in this process (launchInstance), or against
// components already running elsewhere (launchOnComponents), and the steps of its trace.
#include "nova/core/launch.h"

#include "launch_actor.h"

#include "nova/core/events.h"

#include "messaging/core/amqp.h"
#include "messaging/core/broker.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <map>

namespace wb::nova {

namespace msg = wb::messaging;
using namespace std::chrono_literals;

std::vector<LaunchStep> launchSteps(const wb::Trace &trace)
{
    std::vector<LaunchStep> steps;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto &e = trace.at(i);
        events::StepEvents::visit(e, [&](const auto &s) {
            std::string msgId; // a local step has none
            if constexpr (requires { s.msgId; })
                msgId = s.msgId;
            steps.push_back({static_cast<int>(s.n), s.from, s.to, e.kind, s.method, s.routingKey,
                             std::move(msgId), e.seq});
        });
    }
    std::stable_sort(steps.begin(), steps.end(),
                     [](const LaunchStep &a, const LaunchStep &b) { return a.n < b.n; });
    return steps;
}

std::optional<ConnectionFactory> urlConnections(const std::string &url, std::string *error)
{
    auto parsed = msg::BrokerUrl::parse(url, error);
    if (!parsed)
        return std::nullopt;
    return ConnectionFactory([u = *parsed](const std::string &component) {
        msg::ConnectOptions co;
        co.clientName = "nova-" + component;
        return msg::connectTo(u, co);
    });
}

LaunchResult launchInstance(const LaunchOptions &options, wb::Trace *trace)
{
    wb::Trace own;
    wb::Trace *t = trace ? trace : &own;
    LaunchResult result;

    std::unique_ptr<msg::Broker> broker;
    ConnectionFactory connect;
    if (options.brokerUrl.empty() || options.brokerUrl == "embedded") {
        msg::BrokerOptions bo;
        bo.trace = options.traceBroker ? t : nullptr;
        broker = std::make_unique<msg::Broker>(bo);
        connect = [b = broker.get()](const std::string &component) {
            return b->connect("nova-" + component);
        };
    } else {
        auto factory = urlConnections(options.brokerUrl, &result.error);
        if (!factory)
            return result;
        connect = std::move(*factory);
    }

    try {
        NovaDeployment deployment(options, connect, t);
        std::int64_t id = -1;
        try {
            deployment.start();
            id = deployment.runInstances();
            result.finished = deployment.waitFinished(id, options.timeout);
            if (!result.finished)
                result.error = "the instance did not become active or error within " +
                               std::to_string(options.timeout.count()) + " ms";
        } catch (const RemoteError &e) {
            result.finished = true; // the request was refused, and the answer came back
            result.error = e.what();
        } catch (const std::exception &e) {
            result.error = e.what();
        }
        if (id > 0) {
            result.instance = deployment.instance(id);
            result.states = deployment.states(id);
            result.domainXml = deployment.domainXml(id);
            result.ruleset = deployment.ruleset(id);
            if (result.finished && result.instance.vmState == VmState::Error)
                result.error = deployment.failure(id);
        }
        deployment.stop();
    } catch (const std::exception &e) {
        result.error = e.what();
    }
    result.steps = launchSteps(*t);
    return result;
}

LaunchResult launchOnComponents(const LaunchOptions &o, const ConnectionFactory &connect,
                                wb::Trace *trace)
{
    wb::Trace own;
    wb::Trace *t = trace ? trace : &own;
    LaunchResult result;
    try {
        auto conn = connect("user");
        // The components' reports, from before the request is sent.
        auto watch = conn->openChannel();
        declareControlExchange(*watch, o.controlExchange);
        const std::string reports = traceExchangeFor(o.controlExchange);
        watch->exchangeDeclare(reports, msg::ExchangeType::Fanout);
        msg::QueueFlags flags;
        flags.exclusive = true;
        flags.autoDelete = true;
        const std::string queue = watch->queueDeclare("", flags).queue;
        watch->queueBind(queue, reports, "");
        watch->basicConsume(queue, {}, /*noAck=*/true);

        auto ch = conn->openChannel();
        RpcEndpoint user(*ch, "user", [&](const RpcLeg &l) { detail::addLeg(*t, l, 0); });
        user.setExchange(o.controlExchange);
        std::int64_t id = -1;
        try {
            id = rpcInt(
                user.call(1, "api", "api", detail::runInstancesRequest(o), o.rpcTimeout * 2),
                "instance_id", -1);
        } catch (const RemoteError &e) {
            result.finished = true;
            result.error = e.what();
        } catch (const RpcTimeout &e) {
            result.error = std::string(e.what()) + "; is the api component running?";
        }

        // Each component's report, a thread number per component (0 is the user), until
        // the instance leaves building; then whatever is still on its way.
        std::map<std::string, std::int32_t> threads;
        const auto take = [&](std::chrono::milliseconds wait) -> const wb::Event * {
            auto d = watch->nextDelivery(wait);
            if (!d)
                return nullptr;
            auto e = decodeEvent(d->message.body);
            if (!e)
                return nullptr;
            auto from = d->message.properties.headers.find("from");
            const std::string who = from == d->message.properties.headers.end()
                                        ? "?"
                                        : msg::headerValueText(from->second);
            e->thread =
                threads.emplace(who, static_cast<std::int32_t>(threads.size()) + 1).first->second;
            return &t->append(std::move(*e));
        };
        if (id > 0) {
            const std::string name = instanceName(id);
            const auto deadline = std::chrono::steady_clock::now() + o.timeout;
            bool done = false;
            while (!done && std::chrono::steady_clock::now() < deadline) {
                const wb::Event *e = take(50ms);
                if (!e)
                    continue;
                const auto state = wb::as<events::State>(*e);
                done = state && state->instance == name &&
                       state->vmState != vmStateName(VmState::Building);
            }
            while (take(done ? 100ms : 0ms)) {
            }
            detail::DbClient db(*ch, "user", o.controlExchange, o.rpcTimeout, nullptr);
            const detail::InstanceRecord r = db.instanceGet(id);
            result.instance = r.instance;
            result.states = r.states;
            result.domainXml = r.xml;
            result.ruleset = r.rules;
            result.finished = r.instance.vmState != VmState::Building;
            if (!result.finished)
                result.error = "the instance did not become active or error within " +
                               std::to_string(o.timeout.count()) + " ms";
            else if (r.instance.vmState == VmState::Error)
                result.error = r.failure;
        }
        ch->close();
        watch->close();
        conn->close();
    } catch (const std::exception &e) {
        if (result.error.empty())
            result.error = e.what();
    }
    result.steps = launchSteps(*t);
    return result;
}

} // namespace wb::nova
