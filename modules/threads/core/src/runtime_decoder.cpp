// The drain: compact records decoded into wb::Events and appended to the trace in seq order.
#include "runtime_internal.h"

#include <bit>
#include <cstdio>

namespace wb::threads {

namespace {

// 0.04 rather than std::to_string's 0.040000.
std::string secondsText(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
}

} // namespace

void Runtime::drainLocked()
{
    if (!m_trace)
        return;
    std::lock_guard lk(m_bufferMutex);
    // The oldest record of b not yet drained, or null; recycles chunks the owner has left.
    auto head = [this](Buffer &b) -> Record * {
        while (!b.chunks.empty()) {
            Chunk *c = b.chunks.front();
            const std::uint32_t n = c->published.load(std::memory_order_acquire);
            if (c->drained < n)
                return &c->records[c->drained];
            if (c == b.chunks.back())
                return nullptr; // the owner still writes here
            b.chunks.pop_front();
            m_spareChunks.push_back(c);
        }
        return nullptr;
    };
    // Each buffer holds its records in increasing seq; the next seq is at the head of one of
    // them unless its writer has taken the number but not yet published the record.
    Buffer *from = nullptr;
    for (;;) {
        Record *r = from ? head(*from) : nullptr;
        if (!r || r->seq != m_drainedSeq) {
            r = nullptr;
            for (auto &b : m_buffers) {
                Record *h = head(*b);
                if (h && h->seq == m_drainedSeq) {
                    r = h;
                    from = b.get();
                    break;
                }
            }
        }
        if (!r)
            return;
        m_trace->appendStamped(decodeLocked(*r), r->tNs); // the time it was recorded
        ++from->chunks.front()->drained;
        ++m_drainedSeq;
    }
}

const char *kindOf(Form f)
{
    switch (f) {
    case Form::Generic:
        return "";
    case Form::ThreadStart:
        return "start";
    case Form::ThreadExit:
        return "exit";
    case Form::Print:
        return "print";
    case Form::Sleep:
        return "sleep";
    case Form::SleepWoken:
        return "woken";
    case Form::Write:
        return "write";
    case Form::LockAttempt:
        return "attempt";
    case Form::LockAcquired:
        return "acquired";
    case Form::LockBusy:
        return "busy";
    case Form::LockBlocked:
        return "blocked";
    case Form::LockTimeout:
        return "timeout";
    case Form::LockWoken:
        return "woken";
    case Form::LockReleased:
        return "released";
    case Form::RLockAttempt:
        return "attempt";
    case Form::RLockAcquired:
        return "acquired";
    case Form::RLockReentered:
        return "acquired";
    case Form::RLockReleasedOne:
        return "released";
    case Form::RLockReleased:
        return "released";
    case Form::RLockReleaseSave:
        return "release_save";
    case Form::RLockRestore:
        return "acquire_restore";
    case Form::ConditionWait:
        return "wait";
    case Form::ConditionReturn:
        return "wait_return";
    case Form::ConditionTimeout:
        return "timeout";
    case Form::ConditionNotify:
        return "notify";
    case Form::SemaphoreAttempt:
        return "attempt";
    case Form::SemaphoreAcquired:
        return "acquired";
    case Form::SemaphoreBusy:
        return "busy";
    case Form::SemaphoreReleased:
        return "released";
    case Form::EventSet:
        return "set";
    case Form::EventClear:
        return "clear";
    case Form::EventPassed:
        return "wait_return";
    case Form::EventTimedOut:
        return "wait_return";
    case Form::QueuePut:
        return "put";
    case Form::QueueGet:
        return "get";
    case Form::QueueTaskDone:
        return "task_done";
    case Form::QueueJoin:
        return "join";
    }
    return "?";
}

// The label and fields each form stands for. The fields are those events.h declares for the
// form's kind, in their declared order, built here directly rather than through the event's
// struct and wb::toEvent, which costs about 40% more per event (threads_bench's
// BM_DecodeEvent). tests/events_test.cpp reads every decoded event back as its struct, field
// for field, so the two cannot drift apart.
wb::Event Runtime::decodeLocked(Record &r) const
{
    if (r.form == Form::Generic) {
        std::unique_ptr<wb::Event> owned(static_cast<wb::Event *>(r.extra));
        r.extra = nullptr;
        return std::move(*owned);
    }
    wb::Event e;
    e.thread = r.thread;
    e.kind = kindOf(r.form);
    e.where = r.scriptLine ? wb::SourceLocation{r.scriptFile, r.scriptLine, ""}
                           : wb::SourceLocation::from(r.where);
    const auto *words = static_cast<const std::int64_t *>(r.extra);
    auto list = [&] {
        return std::vector<std::int64_t>(words, words + r.extraLength);
    };
    auto text = [&] {
        return std::string(static_cast<const char *>(r.extra), r.extraLength);
    };
    auto name = [this](std::int64_t id) {
        return id >= 0 && id < std::int64_t(m_primitives.size()) ? m_primitives[id].name
                                                                 : std::string();
    };
    auto real = [](std::int64_t bits) {
        return std::bit_cast<double>(bits);
    };
    const std::string who = threadName(r.thread);
    const std::string prim = name(r.prim);
    const auto [a, b, c] = r.args;

    auto identity = [&](std::string n, std::string layer) {
        e.fields.reserve(7);
        e.fields.emplace_back("primitive", std::move(n));
        e.fields.emplace_back("layer", std::move(layer));
    };
    switch (r.form) {
    case Form::ThreadStart:
    case Form::ThreadExit:
    case Form::Sleep:
    case Form::SleepWoken:
        identity(r.form <= Form::ThreadExit ? "thread" : "time", "thread");
        break;
    case Form::Print:
        identity("console", "console");
        break;
    case Form::Write:
        identity("output.txt", "file");
        break;
    default:
        identity(prim, r.prim >= 0 && r.prim < int(m_primitives.size())
                           ? m_primitives[r.prim].layer
                           : std::string());
    }
    auto add = [&](const char *key, auto value) {
        e.fields.emplace_back(key, value);
    };

    switch (r.form) {
    case Form::Generic:
        break;
    case Form::ThreadStart:
        e.label = who + " starts";
        break;
    case Form::ThreadExit:
        e.label = who + " finishes";
        break;
    case Form::Print:
        e.label = text();
        add("text", e.label);
        break;
    case Form::Sleep:
        e.label = who + " sleeps " + secondsText(real(a)) + " s";
        add("seconds", real(a));
        break;
    case Form::SleepWoken:
        e.label = who + " wakes up";
        add("reason", "sleep");
        break;
    case Form::Write:
        e.label = who + " writes " + std::to_string(r.extraLength) + " bytes";
        add("offset", static_cast<std::uint64_t>(a));
        add("bytes", text());
        break;
    case Form::LockAttempt:
        e.label = who + " tries to acquire " + prim;
        add("value", a);
        add("blocking", b != 0);
        break;
    case Form::LockAcquired:
    case Form::LockBusy:
        e.label =
            who + (r.form == Form::LockBusy ? " finds " + prim + " locked" : " acquired " + prim);
        add("value", a);
        add("locked", true);
        break;
    case Form::LockBlocked:
        e.label = who + " blocks on " + prim;
        add("value", a);
        add("locked", true);
        add("waiter", b != 0);
        break;
    case Form::LockTimeout:
        e.label = who + " gives up waiting for " + prim;
        add("value", a);
        break;
    case Form::LockWoken:
        e.label = who + " is woken on " + prim;
        add("cause", a);
        add("value", b);
        break;
    case Form::LockReleased:
        e.label = who + " released " + prim;
        add("value", a);
        add("locked", false);
        break;
    case Form::RLockAttempt:
    case Form::RLockAcquired:
    case Form::RLockReentered:
    case Form::RLockReleasedOne:
    case Form::RLockReleased:
    case Form::RLockRestore:
        switch (r.form) {
        case Form::RLockAttempt:
            e.label = who + " tries to acquire " + prim;
            break;
        case Form::RLockAcquired:
            e.label = who + " acquired " + prim;
            break;
        case Form::RLockReentered:
            e.label = who + " re-enters " + prim;
            break;
        case Form::RLockReleasedOne:
            e.label = who + " leaves one level of " + prim;
            break;
        case Form::RLockReleased:
            e.label = who + " released " + prim;
            break;
        default:
            e.label = who + " restores count " + std::to_string(b) + " of " + prim;
        }
        add("owner", a);
        add("count", b);
        if (r.form == Form::RLockReentered)
            add("reentrant", true);
        break;
    case Form::RLockReleaseSave:
        e.label = who + " saves count " + std::to_string(a) + " and releases " + prim;
        add("owner", std::int64_t(-1));
        add("count", std::int64_t(0));
        add("saved_count", a);
        break;
    case Form::ConditionWait:
        e.label = who + " waits on " + prim;
        add("waiter", a);
        add("waiter_name", name(a));
        add("waiters", list());
        add("timeout", real(b));
        break;
    case Form::ConditionReturn:
    case Form::ConditionTimeout: {
        const bool notified = r.form == Form::ConditionReturn;
        e.label = who + (notified ? " returns from wait on " : " timed out on ") + prim;
        add("notified", notified);
        add("waiters", list());
        break;
    }
    case Form::ConditionNotify:
        e.label = who + " notifies " + std::to_string(b) + " waiter(s) of " + prim;
        add("n", a);
        add("woken", static_cast<std::uint64_t>(b));
        add("waiters", list());
        break;
    case Form::SemaphoreAttempt:
        e.label = who + " tries to acquire " + prim;
        add("value", a);
        break;
    case Form::SemaphoreAcquired:
    case Form::SemaphoreBusy:
    case Form::SemaphoreReleased:
        e.label = who +
                  (r.form == Form::SemaphoreAcquired ? " acquired "
                   : r.form == Form::SemaphoreBusy   ? " could not acquire "
                                                     : " released ") +
                  prim;
        add("value", a);
        add("initial", b);
        break;
    case Form::EventSet:
    case Form::EventClear: {
        const bool set = r.form == Form::EventSet;
        e.label = who + (set ? " sets " : " clears ") + prim;
        add("flag", set);
        break;
    }
    case Form::EventPassed:
    case Form::EventTimedOut: {
        const bool signaled = r.form == Form::EventPassed;
        e.label = who + (signaled ? " passes " : " timed out on ") + prim;
        add("flag", a != 0);
        add("signaled", signaled);
        break;
    }
    case Form::QueuePut:
    case Form::QueueGet:
    case Form::QueueTaskDone:
    case Form::QueueJoin:
        switch (r.form) {
        case Form::QueuePut:
            e.label = who + " puts " + std::to_string(c) + " into " + prim;
            break;
        case Form::QueueGet:
            e.label = who + " gets " + std::to_string(c) + " from " + prim;
            break;
        case Form::QueueTaskDone:
            e.label = who + " marks a task of " + prim + " done";
            break;
        default:
            e.label = who + " sees every task of " + prim + " done";
        }
        add("items", list());
        add("unfinished", a);
        add("maxsize", b);
        if (r.form == Form::QueuePut || r.form == Form::QueueGet)
            add("item", c);
        break;
    }
    return e;
}

} // namespace wb::threads
