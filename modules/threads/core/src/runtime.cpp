#include "threads/core/runtime.h"

#include "threads/core/classic.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wb::threads {

namespace {
thread_local const Runtime *t_runtime = nullptr;
thread_local void *t_record = nullptr;
thread_local const char *t_scriptFile = nullptr;
thread_local std::uint32_t t_scriptLine = 0;

wb::SourceLocation whereOf(const std::source_location &loc)
{
    if (t_scriptLine)
        return {t_scriptFile, t_scriptLine, ""};
    return wb::SourceLocation::from(loc);
}

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

std::int64_t toVirtualNs(double seconds)
{
    return seconds < 0 ? kNoDeadline : static_cast<std::int64_t>(std::llround(seconds * 1e9));
}
} // namespace

const char *toString(Mode m)
{
    switch (m) {
    case Mode::Free: return "free";
    case Mode::Paced: return "paced";
    case Mode::Step: return "step";
    }
    return "?";
}

const char *toString(ThreadState s)
{
    switch (s) {
    case ThreadState::Starting: return "starting";
    case ThreadState::Runnable: return "runnable";
    case ThreadState::Running: return "running";
    case ThreadState::Blocked: return "blocked";
    case ThreadState::Waiting: return "waiting";
    case ThreadState::Sleeping: return "sleeping";
    case ThreadState::Done: return "done";
    }
    return "?";
}

std::optional<Mode> modeFromString(std::string_view s)
{
    if (s == "free")
        return Mode::Free;
    if (s == "paced")
        return Mode::Paced;
    if (s == "step")
        return Mode::Step;
    return std::nullopt;
}

std::string threadName(int number)
{
    return number <= 0 ? std::string("MainThread") : "Thread-" + std::to_string(number);
}

struct Runtime::ThreadRecord
{
    int number = 0;
    ThreadState state = ThreadState::Starting;
    int blockedOn = -1;
    std::int64_t wakeAtNs = kNoDeadline; // virtual deadline of a sleep or timed wait
    bool timedOut = false;
    std::int64_t cause = -1;             // seq of the release that woke it
    std::string nextEvent, nextPrimitive;
    std::uint32_t nextLine = 0;
    std::function<void()> body;
    std::thread thread;
    bool started = false;
};

struct Runtime::PrimitiveSlot
{
    std::string name;
    std::string layer;
    const classic::Lock *lock = nullptr;
    bool ownership = true;
    int holder = -1; // thread number holding an ownership lock
};

Runtime::Runtime(wb::Trace *trace, Mode mode, int firstThread)
    : m_trace(trace), m_mode(mode), m_nextNumber(firstThread < 1 ? 1 : firstThread)
{
}

Runtime::~Runtime()
{
    stop();
    join();
}

void Runtime::setSeed(std::uint64_t seed) { m_rng.reseed(seed); }
void Runtime::setManualChoice(bool manual) { m_manual = manual; }
void Runtime::setPace(std::chrono::nanoseconds pace) { m_pace = pace; }
void Runtime::setRealSecond(std::chrono::nanoseconds d) { m_realSecond = d; }

std::chrono::nanoseconds Runtime::realDuration(double seconds) const
{
    return std::chrono::nanoseconds(
        static_cast<std::int64_t>(seconds * static_cast<double>(m_realSecond.count())));
}

int Runtime::spawn(std::function<void()> body)
{
    std::lock_guard lk(m_mutex);
    auto r = std::make_unique<ThreadRecord>();
    r->number = m_nextNumber++;
    r->body = std::move(body);
    m_threads.push_back(std::move(r));
    return m_threads.back()->number;
}

int Runtime::nextThreadNumber() const
{
    std::lock_guard lk(m_mutex);
    return m_nextNumber;
}

void Runtime::start()
{
    std::lock_guard lk(m_mutex);
    // Threads of one start() arrive at their first park point before anyone is chosen,
    // because scheduleLocked() waits while any thread is still Starting.
    for (auto &r : m_threads) {
        if (r->started)
            continue;
        r->started = true;
        ThreadRecord *rec = r.get();
        r->thread = std::thread([this, rec] { threadMain(*rec); });
    }
}

void Runtime::join()
{
    std::vector<std::thread *> toJoin;
    {
        std::lock_guard lk(m_mutex);
        for (auto &r : m_threads)
            if (r->thread.joinable())
                toJoin.push_back(&r->thread);
    }
    for (auto *t : toJoin)
        t->join();
}

void Runtime::stop()
{
    std::lock_guard lk(m_mutex);
    m_stop.store(true, std::memory_order_release);
    m_cv.notify_all();
}

Runtime::ThreadRecord *Runtime::self() const
{
    return t_runtime == this ? static_cast<ThreadRecord *>(t_record) : nullptr;
}

Runtime::ThreadRecord *Runtime::find(int number)
{
    for (auto &r : m_threads)
        if (r->number == number)
            return r.get();
    return nullptr;
}

void Runtime::setScriptLine(const char *file, std::uint32_t line)
{
    t_scriptFile = file;
    t_scriptLine = file ? line : 0;
}

bool Runtime::gated() const { return m_mode == Mode::Step && self() != nullptr; }

int Runtime::currentThread() const
{
    const ThreadRecord *r = self();
    return r ? r->number : 0;
}

void Runtime::checkCancelled() const
{
    if (self() && stopRequested())
        throw Cancelled{};
}

double Runtime::now() const
{
    if (m_mode == Mode::Step) {
        std::lock_guard lk(m_mutex);
        return static_cast<double>(m_virtualNs) / 1e9;
    }
    const auto real = std::chrono::steady_clock::now() - m_epoch;
    return std::chrono::duration<double>(real).count() /
           std::chrono::duration<double>(m_realSecond).count();
}

ThreadInfo Runtime::infoLocked(const ThreadRecord &r) const
{
    ThreadInfo i;
    i.number = r.number;
    i.name = threadName(r.number);
    i.state = r.state;
    if (r.blockedOn >= 0 && r.blockedOn < int(m_primitives.size()))
        i.blockedOn = m_primitives[r.blockedOn].name;
    i.nextEvent = r.nextEvent;
    i.nextPrimitive = r.nextPrimitive;
    i.nextLine = r.nextLine;
    return i;
}

std::vector<ThreadInfo> Runtime::parked() const
{
    std::lock_guard lk(m_mutex);
    std::vector<ThreadInfo> out;
    if (m_running != -1)
        return out;
    for (int n : m_offered)
        for (const auto &r : m_threads)
            if (r->number == n)
                out.push_back(infoLocked(*r));
    return out;
}

bool Runtime::choose(int thread)
{
    std::lock_guard lk(m_mutex);
    if (m_running != -1 || std::find(m_offered.begin(), m_offered.end(), thread) ==
                               m_offered.end())
        return false;
    m_running = thread;
    m_offered.clear();
    m_cv.notify_all();
    return true;
}

std::vector<ThreadInfo> Runtime::threads() const
{
    std::lock_guard lk(m_mutex);
    std::vector<ThreadInfo> out;
    for (const auto &r : m_threads)
        out.push_back(infoLocked(*r));
    return out;
}

std::optional<Deadlock> Runtime::deadlock() const
{
    std::lock_guard lk(m_mutex);
    return m_deadlock;
}

std::optional<ThreadError> Runtime::firstError() const
{
    std::lock_guard lk(m_mutex);
    return m_firstError;
}

std::vector<std::string> Runtime::console() const
{
    std::lock_guard lk(m_mutex);
    return m_console;
}

int Runtime::addPrimitive(std::string name, std::string layer, const classic::Lock *lock,
                          bool ownership)
{
    std::lock_guard lk(m_mutex);
    m_primitives.push_back({std::move(name), std::move(layer), lock, ownership, -1});
    return int(m_primitives.size()) - 1;
}

void Runtime::removePrimitive(int id)
{
    std::lock_guard lk(m_mutex);
    if (id >= 0 && id < int(m_primitives.size())) {
        m_primitives[id].lock = nullptr;
        m_primitives[id].holder = -1;
    }
}

PrimitiveRef Runtime::ref(int id) const
{
    std::lock_guard lk(m_mutex);
    if (id < 0 || id >= int(m_primitives.size()))
        return {};
    return {id, m_primitives[id].name, m_primitives[id].layer};
}

// ---- the gate -------------------------------------------------------------------------

void Runtime::waitForTurnLocked(std::unique_lock<std::mutex> &lk, ThreadRecord &r)
{
    m_cv.wait(lk, [&] { return m_running == r.number || stoppingLocked(); });
    if (stoppingLocked())
        throw Cancelled{};
    r.state = ThreadState::Running;
}

// Picks who goes next, once every live thread has reached a park point (none Running or
// Starting): the Runnable ones are offered; if there are none, virtual time jumps to the
// earliest sleeper or timed waiter; if there is still nobody, the run is deadlocked.
void Runtime::scheduleLocked()
{
    if (m_mode != Mode::Step || m_running != -1 || stoppingLocked())
        return;
    m_offered.clear();
    for (const auto &r : m_threads)
        if (r->state == ThreadState::Starting || r->state == ThreadState::Running)
            return;
    for (const auto &r : m_threads)
        if (r->state == ThreadState::Runnable)
            m_offered.push_back(r->number);
    if (m_offered.empty()) {
        std::int64_t earliest = kNoDeadline;
        for (const auto &r : m_threads)
            if (r->state == ThreadState::Sleeping || r->state == ThreadState::Blocked ||
                r->state == ThreadState::Waiting)
                earliest = std::min(earliest, r->wakeAtNs);
        if (earliest != kNoDeadline) {
            m_virtualNs = std::max(m_virtualNs, earliest);
            for (auto &r : m_threads) {
                if (r->state == ThreadState::Done || r->wakeAtNs != earliest)
                    continue;
                r->timedOut = r->state != ThreadState::Sleeping;
                r->state = ThreadState::Runnable;
                r->blockedOn = -1;
                r->wakeAtNs = kNoDeadline;
                m_offered.push_back(r->number);
            }
        }
    }
    if (m_offered.empty()) {
        checkAllBlockedLocked();
        return;
    }
    if (!m_manual) {
        m_running = m_offered[m_rng.below(m_offered.size())];
        m_offered.clear();
    }
    m_cv.notify_all();
}

void Runtime::gate(std::string_view kind, const PrimitiveRef &p, std::source_location loc)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    if (stopRequested())
        throw Cancelled{};
    if (m_mode == Mode::Paced && m_pace.count() > 0) {
        std::unique_lock lk(m_mutex);
        if (m_cv.wait_for(lk, m_pace, [&] { return stoppingLocked(); }))
            throw Cancelled{};
    } else if (m_mode == Mode::Step) {
        std::unique_lock lk(m_mutex);
        r->nextEvent = std::string(kind);
        r->nextPrimitive = p.name;
        r->nextLine = t_scriptLine ? t_scriptLine : loc.line();
        r->state = ThreadState::Runnable;
        if (m_running == r->number)
            m_running = -1;
        scheduleLocked();
        waitForTurnLocked(lk, *r);
    }
}

// The hot path of every probe: one Event, its field vector allocated once at its final size.
template <class Fields>
std::int64_t Runtime::recordFields(std::string_view kind, const PrimitiveRef &p,
                                   std::string &&label, Fields &&fields,
                                   const std::source_location &loc)
{
    if (!m_trace)
        return -1;
    wb::Event e;
    e.thread = currentThread();
    e.kind = kind;
    e.label = std::move(label);
    e.where = whereOf(loc);
    e.fields.reserve(fields.size() + 2);
    e.fields.emplace_back("primitive", p.name);
    e.fields.emplace_back("layer", p.layer);
    if constexpr (std::is_rvalue_reference_v<Fields &&>)
        e.fields.insert(e.fields.end(), std::make_move_iterator(fields.begin()),
                        std::make_move_iterator(fields.end()));
    else
        e.fields.insert(e.fields.end(), fields.begin(), fields.end());
    return static_cast<std::int64_t>(m_trace->append(std::move(e)).seq);
}

std::int64_t Runtime::record(std::string_view kind, const PrimitiveRef &p, std::string label,
                             std::vector<wb::Field> fields, std::source_location loc)
{
    return recordFields(kind, p, std::move(label), std::move(fields), loc);
}

std::int64_t Runtime::record(std::string_view kind, const PrimitiveRef &p, std::string label,
                             std::initializer_list<wb::Field> fields, std::source_location loc)
{
    return recordFields(kind, p, std::move(label), fields, loc);
}

std::int64_t Runtime::pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                           std::vector<wb::Field> fields, std::source_location loc)
{
    gate(kind, p, loc);
    return recordFields(kind, p, std::move(label), std::move(fields), loc);
}

std::int64_t Runtime::pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                           std::initializer_list<wb::Field> fields, std::source_location loc)
{
    gate(kind, p, loc);
    return recordFields(kind, p, std::move(label), fields, loc);
}

void Runtime::print(std::string text, std::source_location loc)
{
    static const PrimitiveRef console{-1, "console", "console"};
    gate("print", console, loc);
    {
        std::lock_guard lk(m_mutex);
        m_console.push_back(text);
    }
    record("print", console, text, {{"text", text}}, loc);
}

void Runtime::sleep(double seconds, std::source_location loc)
{
    static const PrimitiveRef clock{-1, "time", "thread"};
    ThreadRecord *r = self();
    const std::string who = threadName(currentThread());
    pass("sleep", clock, who + " sleeps " + std::to_string(seconds) + " s",
         {{"seconds", seconds}}, loc);
    if (!r) {
        std::this_thread::sleep_for(realDuration(seconds));
        return;
    }
    {
        std::unique_lock lk(m_mutex);
        if (m_mode == Mode::Step) {
            r->state = ThreadState::Sleeping;
            r->wakeAtNs = m_virtualNs + toVirtualNs(std::max(0.0, seconds));
            m_running = -1;
            scheduleLocked();
            waitForTurnLocked(lk, *r);
        } else {
            r->state = ThreadState::Sleeping;
            const bool stopped =
                m_cv.wait_for(lk, realDuration(seconds), [&] { return stoppingLocked(); });
            r->state = ThreadState::Running;
            if (stopped)
                throw Cancelled{};
        }
    }
    record("woken", clock, who + " wakes up", {{"reason", "sleep"}}, loc);
}

// ---- blocking and the wait-for graph --------------------------------------------------

void Runtime::acquired(int prim)
{
    std::lock_guard lk(m_mutex);
    if (prim >= 0 && prim < int(m_primitives.size()) && m_primitives[prim].ownership)
        m_primitives[prim].holder = currentThread();
}

void Runtime::releasing(int prim, std::int64_t causeSeq)
{
    std::lock_guard lk(m_mutex);
    if (prim < 0 || prim >= int(m_primitives.size()))
        return;
    m_primitives[prim].holder = -1;
    for (auto &r : m_threads) {
        if ((r->state == ThreadState::Blocked || r->state == ThreadState::Waiting) &&
            r->blockedOn == prim) {
            r->state = ThreadState::Runnable;
            r->blockedOn = -1;
            r->wakeAtNs = kNoDeadline;
            r->cause = causeSeq;
        }
    }
}

void Runtime::markBlockedLocked(ThreadRecord &r, int prim)
{
    const bool ownership =
        prim >= 0 && prim < int(m_primitives.size()) && m_primitives[prim].ownership;
    r.state = ownership ? ThreadState::Blocked : ThreadState::Waiting;
    r.blockedOn = prim;
    r.timedOut = false;
    r.cause = -1;
}

Runtime::WakeUp Runtime::blockGated(int prim, double timeoutSeconds)
{
    ThreadRecord *r = self();
    std::unique_lock lk(m_mutex);
    markBlockedLocked(*r, prim);
    r->wakeAtNs = timeoutSeconds < 0 ? kNoDeadline : m_virtualNs + toVirtualNs(timeoutSeconds);
    checkCycleLocked(*r);
    m_running = -1;
    scheduleLocked();
    waitForTurnLocked(lk, *r);
    r->blockedOn = -1;
    return {r->timedOut, r->cause};
}

void Runtime::blockFree(int prim)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    markBlockedLocked(*r, prim);
    checkCycleLocked(*r);
    checkAllBlockedLocked();
}

void Runtime::stillBlocked(int prim)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    // A release marked us runnable but another thread took the lock first: wait again.
    if (r->state == ThreadState::Runnable) {
        markBlockedLocked(*r, prim);
        checkCycleLocked(*r);
    }
    checkAllBlockedLocked();
}

std::int64_t Runtime::unblocked()
{
    ThreadRecord *r = self();
    if (!r)
        return -1;
    std::lock_guard lk(m_mutex);
    r->state = ThreadState::Running;
    r->blockedOn = -1;
    return r->cause;
}

// Follows "r waits for lock P held by H, H waits for P2 held by H2, ..." back to r.
void Runtime::checkCycleLocked(ThreadRecord &start)
{
    Deadlock d;
    ThreadRecord *cur = &start;
    for (std::size_t hops = 0; hops <= m_threads.size(); ++hops) {
        if (cur->state != ThreadState::Blocked || cur->blockedOn < 0)
            return;
        const PrimitiveSlot &slot = m_primitives[cur->blockedOn];
        if (!slot.ownership || slot.holder < 0)
            return;
        d.threads.push_back(cur->number);
        d.primitives.push_back(slot.name);
        if (slot.holder == start.number) {
            for (std::size_t i = 0; i < d.threads.size(); ++i) {
                const int holder = d.threads[(i + 1) % d.threads.size()];
                if (i)
                    d.description += ", ";
                d.description += threadName(d.threads[i]) + " waits for " + d.primitives[i] +
                                 " held by " + threadName(holder);
            }
            reportDeadlockLocked(std::move(d));
            return;
        }
        cur = find(slot.holder);
        if (!cur)
            return;
    }
}

bool Runtime::blockedWithoutHopeLocked(const ThreadRecord &r) const
{
    if (r.state != ThreadState::Blocked && r.state != ThreadState::Waiting)
        return false;
    if (r.wakeAtNs != kNoDeadline)
        return false; // a timed wait ends by itself
    if (m_mode == Mode::Step)
        return true;
    // Free mode: a lock already posted will be taken on the next wait slice.
    const PrimitiveSlot *slot =
        r.blockedOn >= 0 && r.blockedOn < int(m_primitives.size()) ? &m_primitives[r.blockedOn]
                                                                   : nullptr;
    return slot && slot->lock && slot->lock->semValue() == 0;
}

void Runtime::checkAllBlockedLocked()
{
    if (m_deadlock || stoppingLocked())
        return;
    Deadlock d;
    d.global = true;
    for (const auto &r : m_threads) {
        if (r->state == ThreadState::Done)
            continue;
        if (!r->started || !blockedWithoutHopeLocked(*r))
            return;
        d.threads.push_back(r->number);
        d.primitives.push_back(m_primitives[r->blockedOn].name);
    }
    if (d.threads.empty())
        return;
    for (std::size_t i = 0; i < d.threads.size(); ++i) {
        if (i)
            d.description += ", ";
        d.description += threadName(d.threads[i]) + " waits on " + d.primitives[i];
    }
    d.description += "; no thread is left to wake them";
    reportDeadlockLocked(std::move(d));
}

void Runtime::reportDeadlockLocked(Deadlock d)
{
    if (m_deadlock)
        return;
    m_deadlock = d;
    if (m_trace) {
        std::vector<std::int64_t> cycle(d.threads.begin(), d.threads.end());
        std::string names;
        for (int n : d.threads)
            names += (names.empty() ? "" : " -> ") + threadName(n);
        if (!d.global && !d.threads.empty())
            names += " -> " + threadName(d.threads.front());
        wb::Event e;
        e.thread = currentThread();
        e.kind = "deadlock";
        e.label = "deadlock: " + d.description;
        e.where = wb::SourceLocation::from(std::source_location::current());
        e.fields = {{"primitive", d.primitives.empty() ? std::string() : d.primitives.front()},
                    {"layer", "runtime"},
                    {"cycle", cycle},
                    {"cycle_names", names},
                    {"global", d.global},
                    {"description", d.description}};
        m_trace->append(std::move(e));
    }
    m_stop.store(true, std::memory_order_release);
    m_cv.notify_all();
}

void Runtime::threadMain(ThreadRecord &r)
{
    t_runtime = this;
    t_record = &r;
    static const PrimitiveRef thread{-1, "thread", "thread"};
    const std::string name = threadName(r.number);
    try {
        if (m_mode == Mode::Step) {
            std::unique_lock lk(m_mutex);
            r.nextEvent = "start";
            r.state = ThreadState::Runnable;
            scheduleLocked();
            waitForTurnLocked(lk, r);
        } else {
            std::lock_guard lk(m_mutex);
            r.state = ThreadState::Running;
        }
        checkCancelled();
        record("start", thread, name + " starts");
        r.body();
        pass("exit", thread, name + " finishes");
    } catch (const Cancelled &) {
        // Not recorded: stopped threads unwind concurrently, and an event here would make
        // the tail of a step-mode trace depend on the OS scheduler.
    } catch (const PyError &e) {
        const std::string text = e.pythonType() + ": " + e.what();
        record("error", thread, "Exception in thread " + name + ": " + text,
               {{"type", e.pythonType()}, {"message", std::string(e.what())}});
        std::lock_guard lk(m_mutex);
        if (!m_firstError)
            m_firstError = ThreadError{e.pythonType(), e.what(), r.number};
    } catch (const std::exception &e) {
        record("error", thread, "Exception in thread " + name + ": " + e.what(),
               {{"type", "Exception"}, {"message", std::string(e.what())}});
        std::lock_guard lk(m_mutex);
        if (!m_firstError)
            m_firstError = ThreadError{"Exception", e.what(), r.number};
    }
    std::lock_guard lk(m_mutex);
    r.state = ThreadState::Done;
    r.blockedOn = -1;
    if (m_running == r.number)
        m_running = -1;
    if (m_mode == Mode::Step)
        scheduleLocked();
    else
        checkAllBlockedLocked();
    m_cv.notify_all();
    t_runtime = nullptr;
    t_record = nullptr;
}

} // namespace wb::threads
