// The component base: a thread consuming its queue, answering calls, reporting its events.
#include "launch_actor.h"

#include "nova/core/events.h"

#include "messaging/core/amqp.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"

#include <stdexcept>

namespace wb::nova {

namespace msg = wb::messaging;
using namespace std::chrono_literals;

namespace detail {

namespace {

template <class E> wb::Event legEvent(const RpcLeg &l, std::string label)
{
    return wb::toEvent(E{l.n, l.from, l.to, l.method, l.routingKey, l.msgId, l.body},
                       std::move(label));
}

} // namespace

// An rpc message sent: the arrow of the sequence diagram.
const wb::Event &addLeg(wb::Trace &trace, const RpcLeg &l, std::int32_t thread)
{
    std::string label =
        std::to_string(l.n) + ". " + l.from + " -> " + l.to + ": " + l.kind + " " + l.method;
    wb::Event e;
    if (l.kind == events::Cast::kind)
        e = legEvent<events::Cast>(l, std::move(label));
    else if (l.kind == events::Call::kind)
        e = legEvent<events::Call>(l, std::move(label));
    else if (l.kind == events::Reply::kind)
        e = legEvent<events::Reply>(l, std::move(label));
    else
        throw std::logic_error("an rpc leg of unknown kind \"" + l.kind + "\"");
    e.thread = thread;
    e.where = l.where; // the line of the component that sent it
    return trace.append(std::move(e));
}

wb::Event stateEvent(const Instance &inst)
{
    // The database keeps the states, not why each came: no `why`.
    return wb::toEvent(events::State{inst.name(), std::string(vmStateName(inst.vmState)),
                                     std::string(taskStateName(inst.taskState)), std::nullopt,
                                     inst.launchedAtNs},
                       inst.name() + ": " + std::string(vmStateName(inst.vmState)) + "/" +
                           std::string(taskStateName(inst.taskState)));
}

} // namespace detail

const wb::Event &NovaDeployment::Impl::leg(const RpcLeg &l, std::int32_t thread)
{
    return detail::addLeg(*trace, l, thread);
}

const wb::Event &NovaDeployment::Impl::local(int n, const std::string &who,
                                             const std::string &method,
                                             const std::string &routingKey,
                                             const std::string &detail, std::int32_t thread,
                                             wb::SourceLocation where)
{
    wb::Event e = wb::toEvent(events::Local{n, who, who, method, routingKey, detail},
                              std::to_string(n) + ". " + who + ": " + method + " " + detail);
    e.thread = thread;
    e.where = where;
    return trace->append(std::move(e));
}

namespace detail {

void Actor::relay(const wb::Event &e)
{
    if (m_d.traceExchange.empty() || !m_out)
        return;
    msg::Message m;
    m.body = encodeEvent(e);
    m.properties.contentType = "application/json";
    m.properties.headers["from"] = m_name;
    m_out->basicPublish(m_d.traceExchange, "", m);
}

void Actor::relayState(std::int64_t id)
{
    if (!m_d.traceExchange.empty())
        relay(stateEvent(db().instanceGet(id).instance));
}

void Actor::openOut()
{
    m_out = m_conn->openChannel();
    RpcRecorder recorder;
    if (recordsLegs())
        recorder = [this](const RpcLeg &l) {
            relay(m_d.leg(l, m_thread));
        };
    m_rpc = std::make_unique<RpcEndpoint>(*m_out, m_name, recorder, &m_d.stopping);
    m_rpc->setExchange(m_d.options.controlExchange);
    m_rpc->setIdSeed(m_d.idSeed(m_name));
    if (!m_d.db)
        m_dbClient = std::make_unique<DbClient>(*m_out, m_name, m_d.options.controlExchange,
                                                m_d.options.rpcTimeout, &m_d.stopping);
}

void Actor::signal(bool ok, const std::string &error)
{
    std::lock_guard lock(m_d.readyMutex);
    if (ok) {
        ++m_d.ready;
    } else {
        ++m_d.failed;
        if (m_d.firstError.empty())
            m_d.firstError = m_name + ": " + error;
    }
    m_d.readyChanged.notify_all();
}

void Actor::run()
{
    bool announced = false;
    try {
        m_conn = m_d.connect(m_name);
        auto in = m_conn->openChannel();
        declareControlExchange(*in, m_d.options.controlExchange);
        if (!m_d.traceExchange.empty())
            in->exchangeDeclare(m_d.traceExchange, msg::ExchangeType::Fanout);
        msg::QueueFlags flags;
        flags.autoDelete = true;
        in->queueDeclare(m_name, flags);
        in->queueBind(m_name, m_d.options.controlExchange, m_name);
        in->basicConsume(m_name, m_name);
        openOut();
        onStart();
        signal(true, {});
        announced = true;
        while (!m_d.stopping.load()) {
            onPoll();
            auto delivery = in->nextDelivery(50ms);
            if (!delivery)
                continue;
            in->basicAck(delivery->deliveryTag); // before the method runs: at-most-once
            process(*delivery);
        }
        onStop();
        in->close();
        m_out->close();
        m_conn->close();
    } catch (const std::exception &e) {
        if (!announced) {
            signal(false, e.what());
        } else {
            ++m_d.lost;
            wb::record(m_d.trace, events::ComponentError{m_name, e.what(), std::nullopt},
                       m_name + ": " + e.what(), m_thread);
        }
    }
    m_dbClient.reset();
    m_rpc.reset();
    m_out.reset();
    m_conn.reset();
}

void Actor::process(const msg::Delivery &delivery)
{
    const auto request = decodeRequest(delivery.message.body);
    const auto &props = delivery.message.properties;
    std::string caller = "?";
    if (auto it = props.headers.find("from"); it != props.headers.end())
        caller = msg::headerValueText(it->second);
    if (!request) {
        wb::record(m_d.trace, events::ComponentError{m_name, std::nullopt, delivery.message.body},
                   m_name + ": not an rpc message", m_thread);
        return;
    }
    RpcReply reply;
    try {
        reply.result = handle(*request);
    } catch (const RpcStopped &) {
        return;
    } catch (const NovaError &e) {
        reply = {{}, true, e.type(), e.what()};
    } catch (const RemoteError &e) {
        reply = {{}, true, e.type(), e.value()};
    } catch (const RpcTimeout &e) {
        reply = {{}, true, "Timeout", e.what()};
    } catch (const NoValidHost &e) {
        reply = {{}, true, "NoValidHost", e.what()};
    } catch (const std::exception &e) {
        reply = {{}, true, "Error", e.what()};
    }
    if (props.replyTo.empty())
        return;
    try {
        m_rpc->reply(replyStep(), caller, props.replyTo, props.correlationId, request->method,
                     reply);
    } catch (const msg::AmqpError &e) {
        // The caller gave up and deleted its reply exchange (404 closes our channel).
        wb::record(m_d.trace, events::ComponentError{m_name, e.what(), std::nullopt},
                   m_name + ": reply lost: " + e.what(), m_thread);
        if (!e.connectionLevel())
            openOut();
    }
}

} // namespace detail

} // namespace wb::nova
