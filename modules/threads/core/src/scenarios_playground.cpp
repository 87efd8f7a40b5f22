// The playground scenario: a script's declarations built as classic primitives on one
// Phase, and each script thread's operations run on them.
#include "scenarios_internal.h"

#include "threads/core/classic.h"

#include <atomic>
#include <map>
#include <memory>

namespace wb::threads::detail {

namespace {

// The primitives a script declares, built on the phase's Runtime.
class ScriptPrimitives
{
public:
    ScriptPrimitives(const Script &script, Runtime &rt) : m_script(script)
    {
        using P = PrimitiveType;
        for (const auto &d : script.declarations) { // locks first: conditions are built on them
            if (d.type == P::Lock)
                m_locks[d.name] = std::make_unique<classic::Lock>(&rt, d.name);
            else if (d.type == P::RLock)
                m_locks[d.name] = std::make_unique<classic::RLock>(&rt, d.name);
        }
        for (const auto &d : script.declarations) {
            switch (d.type) {
            case P::Semaphore:
            case P::BoundedSemaphore:
                m_semaphores[d.name] = std::make_unique<classic::Semaphore>(
                    &rt, d.value, d.type == P::BoundedSemaphore, d.name);
                break;
            case P::Event:
                m_events[d.name] = std::make_unique<classic::Event>(&rt, d.name);
                break;
            case P::Queue:
                m_queues[d.name] = std::make_unique<classic::Queue>(&rt, d.value, d.name);
                break;
            case P::Condition:
                m_conditions[d.name] = std::make_unique<classic::Condition>(
                    &rt, d.lock.empty() ? nullptr : m_locks.at(d.lock).get(), d.name);
                break;
            case P::Barrier:
                m_barriers[d.name] = std::make_unique<classic::Barrier>(&rt, d.value, d.name);
                break;
            case P::Counter:
                m_counters[d.name].store(d.value);
                break;
            default:
                break;
            }
        }
        // CPython 3's Thread.join() waits on the thread's _tstate_lock, which the thread holds
        // from its start until its end. Only the threads somebody joins get one; they are
        // taken here, before any thread runs, as CPython takes them before start() returns.
        for (const auto &t : script.threads)
            for (const auto &op : t.ops)
                if (op.kind == OpKind::JoinThread && !m_tstate.contains(int(op.number)))
                    m_tstate[int(op.number)] = std::make_unique<classic::Lock>(
                        &rt, threadName(int(op.number)) + "._tstate_lock");
        for (auto &[n, lock] : m_tstate)
            lock->acquire();
    }

    // What one script thread remembers between its operations.
    struct ThreadState
    {
        std::map<std::string, std::int64_t> lastGot; // queue -> the item of its last get
    };

    // Runs one operation on the calling (script) thread. False when a timed or non-blocking
    // wait gave up.
    bool execute(const ScriptOp &op, Runtime &rt, ThreadState &self)
    {
        const double timeout = op.timeoutMs ? double(*op.timeoutMs) / 1000.0 : kForever;
        const bool blocking = !op.nowait;
        const std::string &x = op.target;
        switch (op.kind) {
        case OpKind::Acquire:
            if (auto l = find(m_locks, x))
                return l->acquire(blocking, timeout);
            if (auto c = find(m_conditions, x))
                return c->acquire(blocking, timeout);
            return m_semaphores.at(x)->acquire(blocking, timeout);
        case OpKind::Release:
            if (auto l = find(m_locks, x))
                l->release();
            else if (auto c = find(m_conditions, x))
                c->release();
            else
                m_semaphores.at(x)->release(op.number);
            return true;
        case OpKind::Wait:
            if (auto c = find(m_conditions, x))
                return c->wait(timeout);
            if (auto b = find(m_barriers, x)) {
                b->wait(timeout);
                return true;
            }
            return m_events.at(x)->wait(timeout);
        case OpKind::WaitFor: {
            const std::atomic<std::int64_t> &counter = m_counters.at(op.counter);
            return m_conditions.at(x)->waitFor(
                [&] { return compare(counter.load(), op.comparison, op.number); }, timeout);
        }
        case OpKind::Notify:
            m_conditions.at(x)->notify(int(op.number));
            return true;
        case OpKind::NotifyAll:
            m_conditions.at(x)->notifyAll();
            return true;
        case OpKind::Set:
            m_events.at(x)->set();
            return true;
        case OpKind::Clear:
            m_events.at(x)->clear();
            return true;
        case OpKind::IsSet: {
            const classic::Event &e = *m_events.at(x);
            rt.printAtTurn([&] { return me(rt) + ": " + x + ".is_set() = " + pyBool(e.isSet()); });
            return true;
        }
        case OpKind::Locked: {
            const auto &l = static_cast<const classic::Lock &>(*m_locks.at(x));
            rt.printAtTurn(
                [&] { return me(rt) + ": " + x + ".locked() = " + pyBool(l.locked()); });
            return true;
        }
        case OpKind::Put:
            m_queues.at(x)->put(op.number, true, timeout);
            ++produced;
            return true;
        case OpKind::Get:
            self.lastGot[x] = m_queues.at(x)->get(true, timeout);
            ++consumed;
            return true;
        case OpKind::TaskDone:
            m_queues.at(x)->taskDone();
            return true;
        case OpKind::Join:
            m_queues.at(x)->join();
            return true;
        case OpKind::JoinThread: {
            if (int(op.number) == rt.currentThread())
                throw RuntimeError("cannot join current thread");
            classic::Lock &tstate = *m_tstate.at(int(op.number));
            tstate.acquire(); // Thread._wait_for_tstate_lock: acquire, then release at once
            tstate.release();
            return true;
        }
        case OpKind::Add:
            m_counters.at(x) += op.number;
            return true;
        case OpKind::Sleep:
            rt.sleep(double(op.number) / 1000.0);
            return true;
        case OpKind::Print:
            rt.printAtTurn([&] { return text(op.text, self); });
            return true;
        }
        return true;
    }

    // Thread n ends (normally or by a Python error): a joiner may go on.
    void threadEnds(int n)
    {
        if (auto it = m_tstate.find(n); it != m_tstate.end())
            it->second->release();
    }

    bool hasQueues() const { return !m_queues.empty(); }
    std::atomic<std::int64_t> produced{0}, consumed{0};

private:
    static std::string pyBool(bool b) { return b ? "True" : "False"; }

    std::string text(const std::string &raw, const ThreadState &self) const
    {
        std::string out;
        for (const TextPart &part : m_script.printParts(raw)) {
            if (part.name.empty())
                out += part.literal;
            else if (auto c = m_counters.find(part.name); c != m_counters.end())
                out += std::to_string(c->second.load());
            else
                out += std::to_string(self.lastGot.at(part.name));
        }
        return out;
    }

    template <class Map>
    static auto find(Map &m, const std::string &name) -> typename Map::mapped_type::pointer
    {
        const auto it = m.find(name);
        return it == m.end() ? nullptr : it->second.get();
    }

    const Script &m_script;
    std::map<std::string, std::unique_ptr<Lockable>> m_locks;
    std::map<std::string, std::unique_ptr<classic::Semaphore>> m_semaphores;
    std::map<std::string, std::unique_ptr<classic::Condition>> m_conditions;
    std::map<std::string, std::unique_ptr<classic::Event>> m_events;
    std::map<std::string, std::unique_ptr<classic::Queue>> m_queues;
    std::map<std::string, std::unique_ptr<classic::Barrier>> m_barriers;
    std::map<std::string, std::atomic<std::int64_t>> m_counters;
    std::map<int, std::unique_ptr<classic::Lock>> m_tstate; // by thread number
};

} // namespace

void playgroundScenario(Shared &s)
{
    const Script &script = *s.script;
    Phase phase(s);
    Runtime &rt = phase.rt();
    ScriptPrimitives primitives(script, rt);
    std::atomic<std::int64_t> done{0};
    for (const ScriptThread &t : script.threads) {
        rt.spawn([&] {
            ScriptPrimitives::ThreadState self;
            try {
                for (const ScriptOp &op : t.ops) {
                    Runtime::setScriptLine(kScriptFile, std::uint32_t(op.line));
                    if (!primitives.execute(op, rt, self))
                        rt.print(me(rt) + ": " + toString(op.kind) + " " + op.target +
                                 (op.nowait ? " nowait returned False"
                                            : " timed out after " + std::to_string(*op.timeoutMs) +
                                                  " ms"));
                    ++done;
                }
            } catch (const PyError &) {
                primitives.threadEnds(t.number);
                Runtime::setScriptLine(nullptr, 0);
                throw;
            }
            primitives.threadEnds(t.number);
            Runtime::setScriptLine(nullptr, 0);
        });
    }
    phase.run();
    if (auto d = phase.deadlock())
        phase.say("deadlock detected: " + d->description);
    std::lock_guard lk(s.mutex);
    if (primitives.hasQueues()) {
        s.summary.produced = primitives.produced.load();
        s.summary.consumed = primitives.consumed.load();
    }
    s.summary.extra.emplace_back("threads", std::int64_t(script.threads.size()));
    s.summary.extra.emplace_back("operations", std::int64_t(script.operationCount()));
    s.summary.extra.emplace_back("operations_done", done.load());
}

} // namespace wb::threads::detail
