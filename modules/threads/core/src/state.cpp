#include "threads/core/state.h"

namespace wb::threads {

namespace {

ThreadState stateAfter(const wb::Event &e, ThreadState before)
{
    const std::string &k = e.kind;
    if (k == "blocked")
        return e.intField("waiter") ? ThreadState::Waiting : ThreadState::Blocked;
    if (k == "sleep")
        return ThreadState::Sleeping;
    if (k == "exit" || k == "error")
        return ThreadState::Done;
    if (k == "deadlock")
        return before;
    return ThreadState::Running;
}

template <class T> void copyIf(const wb::Event &e, std::string_view key, T &out)
{
    const wb::Value *v = e.field(key);
    if (!v)
        return;
    if constexpr (std::is_same_v<T, bool>) {
        if (auto b = std::get_if<bool>(v))
            out = *b;
    } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
        if (auto a = std::get_if<std::vector<std::int64_t>>(v))
            out = *a;
    } else {
        out = e.intField(key, out);
    }
}

} // namespace

void applyThreadsEvent(ThreadsState &state, const wb::Event &e)
{
    // A deadlock is the runtime's finding about several threads, recorded by whichever thread
    // gave up the turn last: it changes no thread's own line or primitive.
    if (e.thread > 0 && e.kind != "deadlock") {
        ThreadView &t = state.threads[e.thread];
        t.number = e.thread;
        t.name = threadName(e.thread);
        t.state = stateAfter(e, t.state);
        t.on = (t.state == ThreadState::Blocked || t.state == ThreadState::Waiting)
                   ? e.stringField("primitive")
                   : std::string();
        t.file = std::string(e.where.fileName());
        t.line = e.where.line;
        t.lastSeq = static_cast<std::int64_t>(e.seq);
    }
    if (e.kind == "print") {
        state.console.push_back(e.stringField("text"));
        return;
    }
    if (e.kind == "error") // the label is the line CPython's excepthook starts with
        state.console.push_back(e.label);
    if (e.kind == "write") {
        const std::string bytes = e.stringField("bytes");
        state.file += bytes;
        state.fileWriters.insert(state.fileWriters.end(), bytes.size(), e.thread);
        return;
    }
    if (e.kind == "deadlock") {
        state.deadlock = true;
        copyIf(e, "cycle", state.cycle);
        copyIf(e, "global", state.deadlockGlobal);
        return;
    }
    const std::string layer = e.stringField("layer");
    if (layer.empty() || layer == "thread" || layer == "runtime")
        return;
    PrimitiveView &p = state.primitives[e.stringField("primitive")];
    p.name = e.stringField("primitive");
    p.layer = layer;
    p.lastSeq = static_cast<std::int64_t>(e.seq);
    copyIf(e, "value", p.value);
    copyIf(e, "locked", p.locked);
    copyIf(e, "owner", p.owner);
    copyIf(e, "count", p.count);
    copyIf(e, "waiters", p.waiters);
    copyIf(e, "flag", p.flag);
    copyIf(e, "items", p.items);
    copyIf(e, "unfinished", p.unfinished);
    if (layer == "Lock" && e.field("value"))
        p.locked = p.value == 0;
}

} // namespace wb::threads
