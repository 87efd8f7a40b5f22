// The Runtime itself: its threads from spawn() to join(), their errors, the primitives it
// knows, and what a view may ask while they run.
#include "runtime_internal.h"

#include "threads/core/events.h"

#include <algorithm>

namespace wb::threads {

namespace {
std::atomic<std::uint64_t> g_nextRuntimeId{1};
} // namespace

const char *toString(Mode m)
{
    switch (m) {
    case Mode::Free:
        return "free";
    case Mode::Paced:
        return "paced";
    case Mode::Step:
        return "step";
    }
    return "?";
}

const char *toString(ThreadState s)
{
    switch (s) {
    case ThreadState::Starting:
        return "starting";
    case ThreadState::Runnable:
        return "runnable";
    case ThreadState::Running:
        return "running";
    case ThreadState::Blocked:
        return "blocked";
    case ThreadState::Waiting:
        return "waiting";
    case ThreadState::Sleeping:
        return "sleeping";
    case ThreadState::Done:
        return "done";
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

Runtime::Runtime(wb::Trace *trace, Mode mode, int firstThread)
    : m_trace(trace), m_mode(mode), m_id(g_nextRuntimeId.fetch_add(1)),
      m_seq(trace ? trace->size() : 0), m_drainedSeq(trace ? trace->size() : 0),
      m_nextNumber(firstThread < 1 ? 1 : firstThread)
{}

Runtime::~Runtime()
{
    stop();
    join();
    // join() drained everything complete; free what a stray writer may have left.
    std::lock_guard lk(m_bufferMutex);
    for (auto &b : m_buffers)
        for (Chunk *c : b->chunks) {
            const std::uint32_t n = c->published.load(std::memory_order_acquire);
            for (std::uint32_t i = c->drained; i < n; ++i)
                if (c->records[i].form == Form::Generic)
                    delete static_cast<wb::Event *>(c->records[i].extra);
            delete c;
        }
    for (Chunk *c : m_spareChunks)
        delete c;
}

void Runtime::setSeed(std::uint64_t seed)
{
    m_rng.reseed(seed);
}
void Runtime::setManualChoice(bool manual)
{
    m_manual = manual;
}
void Runtime::setPace(std::chrono::nanoseconds pace)
{
    m_pace = pace;
}
void Runtime::setRealSecond(std::chrono::nanoseconds d)
{
    m_realSecond = d;
}

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
    flush();
}

void Runtime::flush()
{
    std::lock_guard lk(m_mutex);
    drainLocked();
}

void Runtime::stop()
{
    std::lock_guard lk(m_mutex);
    m_stop.store(true, std::memory_order_release);
    m_cv.notify_all();
}

Runtime::ThreadRecord *Runtime::find(int number)
{
    for (auto &r : m_threads)
        if (r->number == number)
            return r.get();
    return nullptr;
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
    if (m_running != -1 ||
        std::find(m_offered.begin(), m_offered.end(), thread) == m_offered.end())
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

void Runtime::print(std::string text, std::source_location loc)
{
    static const PrimitiveRef console{-1, "console", "console"};
    gate(events::Print::kind, console, loc);
    {
        std::lock_guard lk(m_mutex);
        m_console.push_back(text);
    }
    recordText(Form::Print, console, {}, text, loc);
}

void Runtime::printAtTurn(const std::function<std::string()> &text, std::source_location loc)
{
    static const PrimitiveRef console{-1, "console", "console"};
    gate(events::Print::kind, console, loc);
    std::string line = text();
    {
        std::lock_guard lk(m_mutex);
        m_console.push_back(line);
    }
    recordText(Form::Print, console, {}, line, loc);
}

// An uncaught error ended thread r. CPython's threading.excepthook prints it at once, as
// "Exception in thread Thread-N:" and the traceback; the console gets the first and last
// lines of that, as one line, in the same step as the error.
void Runtime::threadError(ThreadRecord &r, const std::string &type, const std::string &message,
                          const std::string &tracebackLine)
{
    static const PrimitiveRef thread{-1, "thread", "thread"};
    const std::string line = "Exception in thread " + threadName(r.number) + ": " + tracebackLine;
    {
        std::lock_guard lk(m_mutex);
        m_console.push_back(line);
        if (!m_firstError)
            m_firstError = ThreadError{type, message, r.number};
    }
    record(thread, events::Error{.type = type, .message = message}, line);
}

void Runtime::threadMain(ThreadRecord &r)
{
    detail::t_runtime = this;
    detail::t_record = &r;
    static const PrimitiveRef thread{-1, "thread", "thread"};
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
        record(Form::ThreadStart, thread);
        r.body();
        pass(Form::ThreadExit, thread);
    } catch (const Cancelled &) {
        // Not recorded: stopped threads unwind concurrently, and an event here would make
        // the tail of a step-mode trace depend on the OS scheduler.
    } catch (const PyError &e) {
        threadError(r, e.pythonType(), e.what(), e.tracebackLine());
    } catch (const std::exception &e) {
        threadError(r, "Exception", e.what(), std::string("Exception: ") + e.what());
    }
    std::lock_guard lk(m_mutex);
    r.state = ThreadState::Done; // already so for a stuck thread
    r.blockedOn = -1;
    if (m_running == r.number)
        m_running = -1;
    if (m_mode == Mode::Step) {
        scheduleLocked();
    } else {
        checkAllBlockedLocked();
        drainLocked();
    }
    m_cv.notify_all();
    detail::t_runtime = nullptr;
    detail::t_record = nullptr;
}

} // namespace wb::threads
