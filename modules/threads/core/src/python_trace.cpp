#include "threads/core/python_trace.h"

namespace wb::threads {

namespace {

using wb::pytrace::Json;

// The events.h layer of a tracer primitive.
std::string layerOf(const std::string &primitive)
{
    if (primitive == "Thread")
        return "thread";
    if (primitive == "LifoQueue" || primitive == "PriorityQueue")
        return "Queue";
    return primitive;
}

bool isQueue(const std::string &primitive)
{
    return layerOf(primitive) == "Queue";
}

} // namespace

PythonThreads::ThreadInfo &PythonThreads::thread(std::int64_t ident, const std::string &name)
{
    auto it = m_threads.find(ident);
    if (it != m_threads.end())
        return it->second;
    ThreadInfo info;
    info.number = static_cast<int>(m_threads.size()) + 1;
    info.name = name;
    // Two threads may carry the same name: the later one gets its ident too.
    for (const auto &[other, t] : m_threads)
        if (t.name == name)
            info.name = name + " (" + std::to_string(ident) + ")";
    m_order.push_back(ident);
    return m_threads.emplace(ident, std::move(info)).first->second;
}

std::string PythonThreads::primitiveName(const std::string &kind, std::uint64_t obj)
{
    auto it = m_names.find(obj);
    if (it != m_names.end())
        return it->second;
    const std::string name = kind + "#" + std::to_string(++m_kindCounts[kind]);
    m_names.emplace(obj, name);
    return name;
}

PythonThreadOp PythonThreads::opOf(const Json &line, std::int64_t tNs)
{
    PythonThreadOp op;
    op.ident = line.integer("thread");
    const ThreadInfo &info = thread(op.ident, line.str("name"));
    op.thread = info.name;
    op.number = info.number;
    op.op = line.str("op");
    op.primitive = line.str("primitive");
    op.obj = static_cast<std::uint64_t>(line.integer("obj"));
    op.line = line.integer("line");
    op.tNs = tNs;
    return op;
}

template <class E>
void PythonThreads::emit(const E &e, const PythonThreadOp &op, const std::string &label)
{
    if (!m_trace)
        return;
    wb::Event ev = wb::toEvent(e, label);
    ev.thread = op.number;
    ev.where.file = wb::pytrace::internText(m_file);
    ev.where.line = static_cast<std::uint32_t>(op.line > 0 ? op.line : 0);
    ev.where.function = "";
    m_trace->appendStamped(std::move(ev), op.tNs + m_startNs);
}

void PythonThreads::add(const Json &line)
{
    const std::string type = line.str("type");
    if (type == "hello") {
        m_startNs = line.integer("t_ns");
        m_file = line.str("script");
        return;
    }
    if (type == "deadlock") {
        m_deadlock = true;
        const std::int64_t t = line.integer("t_ns") - m_startNs;
        events::Deadlock d{.primitive = "", .layer = "runtime", .global = true};
        std::string description = "every thread is blocked:";
        for (const auto &s :
             line.find("threads") ? line.find("threads")->asArray() : Json::Array{}) {
            PythonThreadOp op = opOf(s, t);
            ThreadInfo &info = m_threads.at(op.ident);
            if (!op.primitive.empty())
                op.name = primitiveName(op.primitive, op.obj);
            if (info.blockedSince) {
                info.maxBlocked = std::max(info.maxBlocked, t - *info.blockedSince);
                info.blockedSince = t; // still blocked: counted up to the deadlock
            }
            if (d.primitive.empty())
                d.primitive = op.name;
            d.cycle.push_back(info.number);
            d.stuck.push_back(info.number);
            d.cycleNames += (d.cycleNames.empty() ? "" : ",") + info.name;
            description += " " + info.name + " in " + op.op + " " + op.name + " (line " +
                           std::to_string(op.line) + ");";
            m_stuck.push_back(op);
        }
        if (!description.empty() && description.back() == ';')
            description.back() = '.';
        d.description = description;
        PythonThreadOp at;
        at.tNs = t;
        at.number = 0;
        emit(d, at, "deadlock: " + d.cycleNames);
        return;
    }
    if (type == "error") {
        PythonThreadOp op;
        op.tNs = line.integer("t_ns", m_startNs) - m_startNs;
        op.line = line.integer("line");
        op.number = m_order.empty() ? 1 : m_threads.at(m_order.front()).number;
        emit(events::Error{.primitive = "thread",
                           .layer = "thread",
                           .type = line.str("kind"),
                           .message = line.str("message")},
             op, line.str("kind") + ": " + line.str("message"));
        return;
    }
    if (type != "thread")
        return;

    PythonThreadOp op = opOf(line, line.integer("t_ns") - m_startNs);
    ThreadInfo &info = m_threads.at(op.ident);
    if (line.has("blocked"))
        op.blocked = line.flag("blocked");
    op.role = line.str("role");
    if (op.primitive == "Thread") {
        // A Thread object is named after its thread.
        if (op.role == "parent")
            m_names.emplace(op.obj, line.str("target_name"));
        else if (op.role == "child")
            m_names.emplace(op.obj, info.name);
        else if (line.has("target") && m_threads.count(line.integer("target")))
            m_names.emplace(op.obj, m_threads.at(line.integer("target")).name);
    }
    op.name = primitiveName(op.primitive, op.obj);

    // Blocked time: from the operation that had to wait to the thread's next event.
    if (info.blockedSince) {
        info.maxBlocked = std::max(info.maxBlocked, op.tNs - *info.blockedSince);
        info.blockedSince.reset();
    }
    const bool blocks =
        op.op == "join" || (op.op == "wait" && !line.flag("already_set")) ||
        (op.blocked.value_or(false) && (op.op == "acquire" || op.op == "put" || op.op == "get"));
    if (blocks)
        info.blockedSince = op.tNs;

    m_ops.push_back(op);
    record(line, op);
}

void PythonThreads::record(const Json &line, const PythonThreadOp &op)
{
    const std::string layer = layerOf(op.primitive);
    const std::string label = op.thread + ": " + op.op + " " + op.name;
    const std::string &o = op.op;
    const bool isLock = layer == "Lock";
    if (o == "start") {
        if (op.role == "child")
            emit(events::Start{.primitive = "thread", .layer = "thread"}, op, label);
    } else if (o == "end") {
        emit(events::Exit{.primitive = "thread", .layer = "thread"}, op, label);
    } else if (o == "join") {
        emit(events::Blocked{.primitive = op.name, .layer = "thread"}, op, label);
    } else if (o == "joined") {
        emit(events::Woken{.primitive = op.name, .layer = "thread", .reason = "join"}, op, label);
    } else if (o == "acquire") {
        emit(events::Attempt{.primitive = op.name,
                             .layer = layer,
                             .blocking = line.has("blocking") ? line.flag("blocking") : true},
             op, label);
        if (op.blocked.value_or(false))
            emit(
                events::Blocked{
                    .primitive = op.name, .layer = layer, .value = 0, .locked = isLock},
                op, op.thread + ": blocked on " + op.name);
    } else if (o == "acquired") {
        events::Acquired a{.primitive = op.name, .layer = layer};
        if (isLock) {
            a.value = 0;
            a.locked = true;
        }
        emit(a, op, label);
    } else if (o == "release") {
        events::Released r{.primitive = op.name, .layer = layer};
        if (isLock) {
            r.value = 1;
            r.locked = false;
        }
        emit(r, op, label);
    } else if (o == "wait") {
        emit(events::Wait{.primitive = op.name, .layer = layer, .waiter = -1, .timeout = -1}, op,
             label);
        if (!line.flag("already_set"))
            emit(events::Blocked{.primitive = op.name, .layer = layer, .waiter = true}, op,
                 op.thread + ": waits on " + op.name);
    } else if (o == "notified") {
        events::WaitReturn w{.primitive = op.name, .layer = layer};
        if (layer == "Event") {
            w.flag = true;
            w.signaled = true;
        } else {
            w.notified = true;
        }
        emit(w, op, label);
    } else if (o == "timeout") {
        events::Timeout t{.primitive = op.name, .layer = layer};
        if (layer == "Condition")
            t.notified = false;
        emit(t, op, label);
    } else if (o == "notify") {
        emit(events::Notify{.primitive = op.name, .layer = layer, .n = line.integer("n", 1)}, op,
             label);
    } else if (o == "set") {
        emit(events::Set{.primitive = op.name, .layer = layer, .flag = true}, op, label);
    } else if (o == "clear") {
        emit(events::Clear{.primitive = op.name, .layer = layer, .flag = false}, op, label);
    } else if ((o == "put" || o == "get") && isQueue(op.primitive)) {
        if (op.blocked.value_or(false)) {
            emit(events::Blocked{.primitive = op.name, .layer = layer}, op,
                 op.thread + ": " + o + " waits on " + op.name);
            return;
        }
        const auto size = std::max<std::int64_t>(0, line.integer("size"));
        const events::Ints items(static_cast<std::size_t>(size), 0);
        if (o == "put")
            emit(events::Put{.primitive = op.name, .layer = layer, .items = items}, op, label);
        else
            emit(events::Get{.primitive = op.name, .layer = layer, .items = items}, op, label);
    }
}

PythonThreadSummary PythonThreads::summary() const
{
    PythonThreadSummary s;
    s.deadlock = m_deadlock;
    for (std::int64_t ident : m_order) {
        const ThreadInfo &t = m_threads.at(ident);
        s.threads.push_back(t.name);
        s.maxBlockedNs[t.name] = t.maxBlocked;
    }
    s.stuck = m_stuck;
    return s;
}

} // namespace wb::threads
