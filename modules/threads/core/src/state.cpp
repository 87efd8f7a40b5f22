#include "threads/core/state.h"

#include "threads/core/events.h"

#include <optional>
#include <type_traits>

namespace wb::threads {

namespace {

// A thread's lane after one of its events: blocked (or waiting, on a condition's waiter
// lock), sleeping, done, or running.
ThreadState stateAfter(const events::Blocked &b, ThreadState)
{
    return b.waiter ? ThreadState::Waiting : ThreadState::Blocked;
}
ThreadState stateAfter(const events::Sleep &, ThreadState)
{
    return ThreadState::Sleeping;
}
ThreadState stateAfter(const events::Exit &, ThreadState)
{
    return ThreadState::Done;
}
ThreadState stateAfter(const events::Error &, ThreadState)
{
    return ThreadState::Done;
}
template <class E> ThreadState stateAfter(const E &, ThreadState)
{
    return ThreadState::Running;
}

// Copies a state field the event carries (when an optional one is present).
template <class T> void take(const T &from, T &to)
{
    to = from;
}
template <class T> void take(const std::optional<T> &from, T &to)
{
    if (from)
        to = *from;
}

template <class T> struct IsOptional : std::false_type
{
};
template <class T> struct IsOptional<std::optional<T>> : std::true_type
{
};

// The primitive's state after the event: every state field the event's kind declares.
template <class E> void applyPrimitive(ThreadsState &state, const wb::Event &raw, const E &e)
{
    if (e.layer.empty() || e.layer == "thread" || e.layer == "runtime")
        return;
    PrimitiveView &p = state.primitives[e.primitive];
    p.name = e.primitive;
    p.layer = e.layer;
    p.lastSeq = static_cast<std::int64_t>(raw.seq);
    if constexpr (requires { e.value; })
        take(e.value, p.value);
    if constexpr (requires { e.locked; })
        take(e.locked, p.locked);
    if constexpr (requires { e.owner; })
        take(e.owner, p.owner);
    if constexpr (requires { e.count; })
        take(e.count, p.count);
    if constexpr (requires { e.waiters; })
        take(e.waiters, p.waiters);
    if constexpr (requires { e.flag; })
        take(e.flag, p.flag);
    if constexpr (requires { e.items; })
        take(e.items, p.items);
    if constexpr (requires { e.unfinished; })
        take(e.unfinished, p.unfinished);
    // A Lock is locked when its sem_t is at 0.
    if constexpr (requires { e.value; }) {
        bool hasValue = true;
        if constexpr (IsOptional<decltype(E::value)>::value)
            hasValue = e.value.has_value();
        if (e.layer == "Lock" && hasValue)
            p.locked = p.value == 0;
    }
}

} // namespace

void applyThreadsEvent(ThreadsState &state, const wb::Event &raw)
{
    events::ThreadsEvents::visit(raw, [&](const auto &e) {
        using E = std::remove_cvref_t<decltype(e)>;
        // A deadlock is the runtime's finding about several threads, recorded by whichever
        // thread gave up the turn last: it changes no thread's own line or primitive.
        if constexpr (std::is_same_v<E, events::Deadlock>) {
            state.deadlock = true;
            state.cycle = e.cycle;
            state.deadlockGlobal = e.global;
            return;
        } else {
            if (raw.thread > 0) {
                ThreadView &t = state.threads[raw.thread];
                t.number = raw.thread;
                t.name = threadName(raw.thread);
                t.state = stateAfter(e, t.state);
                t.on = (t.state == ThreadState::Blocked || t.state == ThreadState::Waiting)
                           ? e.primitive
                           : std::string();
                t.file = std::string(raw.where.fileName());
                t.line = raw.where.line;
                t.lastSeq = static_cast<std::int64_t>(raw.seq);
            }
            wb::Overloaded{
                [&](const events::Print &p) { state.console.push_back(p.text); },
                [&](const events::Write &w) {
                    state.file += w.bytes;
                    state.fileWriters.insert(state.fileWriters.end(), w.bytes.size(), raw.thread);
                },
                [&](const events::Error &) {
                    // The label is the line CPython's excepthook starts with.
                    state.console.push_back(raw.label);
                },
                [&](const auto &other) { applyPrimitive(state, raw, other); },
            }(e);
        }
    });
}

} // namespace wb::threads
