#include "threads/core/runtime.h"

#include "threads/core/classic.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <deque>
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

std::int64_t nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

std::atomic<std::uint64_t> g_nextRuntimeId{1};

// Each thread remembers its record buffer in the last few Runtimes it recorded into (keyed
// by the Runtime's unique id, so a new Runtime at a reused address never matches).
struct CachedBuffer
{
    std::uint64_t runtime = 0;
    void *buffer = nullptr;
};
thread_local std::array<CachedBuffer, 4> t_buffers{};
thread_local unsigned t_nextBuffer = 0;

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

std::int64_t toVirtualNs(double seconds)
{
    return seconds < 0 ? kNoDeadline : static_cast<std::int64_t>(std::llround(seconds * 1e9));
}
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

// 0.04 rather than std::to_string's 0.040000.
static std::string secondsText(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", seconds);
    return text;
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
    bool timedWait = false;              // free mode: the wait has a real deadline
    std::atomic<bool> stuck{false};      // in a reported deadlock: unwinds, records nothing
    bool timedOut = false;
    std::int64_t cause = -1; // seq of the release that woke it
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

// ---- compact records ---------------------------------------------------------------------
//
// One event as the hot path writes it, 80 bytes and nothing to free: the strings an event
// shows (kind, label, field names, the primitive's name, the thread's name) all follow from
// the form, the primitive id and the thread number, so they are built only when the trace is
// drained. `where` is the compiler's static source_location (one pointer). Lists and texts
// live in the chunk's word area next to the records; only Form::Generic owns a heap Event.
struct Runtime::Record
{
    std::uint64_t seq;          // the event's position in the trace
    std::int64_t tNs;           // steady clock when recorded
    std::source_location where; // the C++ caller
    const char *scriptFile;     // with scriptLine != 0: a playground thread's script line
    void *extra;                // list (int64s) or text (bytes) in the chunk; Generic: an Event
    Args args;
    std::int32_t prim; // index into m_primitives
    std::uint32_t scriptLine;
    std::uint32_t extraLength; // list entries or text bytes
    std::int16_t thread;
    Form form;
};
static_assert(sizeof(void *) != 8 || sizeof(std::source_location) == 8);

// Records are appended by one thread (the buffer's owner) and read by the drain. The owner
// writes a record, then publishes it with a release store of `published`; the drain reads
// up to an acquire load of it. Switching to a new chunk and recycling a drained one happen
// under m_bufferMutex, about once per kRecords events.
struct Runtime::Chunk
{
    static constexpr std::uint32_t kRecords = 1024;
    static constexpr std::size_t kWords = 1024;

    std::array<Record, kRecords> records;
    std::atomic<std::uint32_t> published{0};
    std::uint32_t drained = 0; // the drain's cursor (under m_mutex)
    std::size_t wordsUsed = 0; // the owner's
    std::vector<std::int64_t> words = std::vector<std::int64_t>(kWords);
};

struct Runtime::Buffer
{
    std::int16_t thread = 0;    // the owner's thread number (0: not one of ours)
    Chunk *current = nullptr;   // the owner's
    std::deque<Chunk *> chunks; // oldest first; back() is current (under m_bufferMutex)
};

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

bool Runtime::gated() const
{
    return m_mode == Mode::Step && self() != nullptr;
}

int Runtime::currentThread() const
{
    const ThreadRecord *r = self();
    return r ? r->number : 0;
}

void Runtime::checkCancelled() const
{
    const ThreadRecord *r = self();
    if (r && (stopRequested() || r->stuck.load(std::memory_order_acquire)))
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

// ---- the gate -------------------------------------------------------------------------

void Runtime::waitForTurnLocked(std::unique_lock<std::mutex> &lk, ThreadRecord &r)
{
    m_cv.wait(lk, [&] { return m_running == r.number || stoppingLocked() || r.stuck; });
    if (stoppingLocked() || r.stuck)
        throw Cancelled{};
    r.state = ThreadState::Running;
}

// Picks who goes next, once every live thread has reached a park point (none Running or
// Starting): the Runnable ones are offered; if there are none, virtual time jumps to the
// earliest sleeper or timed waiter; if there is still nobody, the run is deadlocked.
void Runtime::scheduleLocked()
{
    if (m_mode != Mode::Step)
        return;
    drainLocked(); // the turn changes hands: whoever looks next sees every event so far
    if (m_running != -1 || stoppingLocked())
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
    checkCancelled();
    if (m_mode == Mode::Paced && m_pace.count() > 0) {
        std::unique_lock lk(m_mutex);
        drainLocked();
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

// ---- recording ---------------------------------------------------------------------------

Runtime::Buffer *Runtime::attachBuffer()
{
    auto owned = std::make_unique<Buffer>();
    Buffer *b = owned.get();
    b->thread = static_cast<std::int16_t>(currentThread());
    {
        std::lock_guard lk(m_bufferMutex);
        m_buffers.push_back(std::move(owned));
    }
    nextChunk(*b, 0);
    t_buffers[t_nextBuffer++ % t_buffers.size()] = {m_id, b};
    return b;
}

Runtime::Chunk *Runtime::nextChunk(Buffer &b, std::size_t words)
{
    std::lock_guard lk(m_bufferMutex);
    Chunk *c = nullptr;
    if (m_spareChunks.empty()) {
        c = new Chunk;
    } else {
        c = m_spareChunks.back();
        m_spareChunks.pop_back();
        c->published.store(0, std::memory_order_relaxed);
        c->drained = 0;
        c->wordsUsed = 0;
    }
    if (c->words.size() < words)
        c->words.resize(words);
    b.chunks.push_back(c);
    b.current = c;
    return c;
}

Runtime::Slot Runtime::open(Form f, const PrimitiveRef &p, const Args &args, std::size_t words,
                            const std::source_location &loc)
{
    Buffer *b = nullptr;
    for (const CachedBuffer &cached : t_buffers)
        if (cached.runtime == m_id)
            b = static_cast<Buffer *>(cached.buffer);
    if (!b)
        b = attachBuffer();
    Chunk *c = b->current;
    std::uint32_t i = c->published.load(std::memory_order_relaxed); // we are its only writer
    if (i == Chunk::kRecords || c->wordsUsed + words > c->words.size()) {
        c = nextChunk(*b, words);
        i = 0;
    }
    Record &r = c->records[i];
    r.tNs = nowNs();
    r.seq = m_seq.fetch_add(1, std::memory_order_relaxed);
    r.where = loc;
    r.scriptFile = t_scriptFile;
    r.scriptLine = t_scriptLine;
    r.args = args;
    r.prim = p.id;
    r.thread = b->thread;
    r.form = f;
    r.extra = c->words.data() + c->wordsUsed;
    r.extraLength = 0;
    c->wordsUsed += words;
    return {&r, c, static_cast<std::int64_t *>(r.extra)};
}

std::int64_t Runtime::commit(const Slot &s, std::uint32_t extraLength)
{
    s.record->extraLength = extraLength;
    const auto next = static_cast<std::uint32_t>(s.record - s.chunk->records.data()) + 1;
    s.chunk->published.store(next, std::memory_order_release);
    return static_cast<std::int64_t>(s.record->seq);
}

std::int64_t Runtime::record(Form f, const PrimitiveRef &p, Args args, std::source_location loc)
{
    if (!m_trace)
        return -1;
    return commit(open(f, p, args, 0, loc), 0);
}

std::int64_t Runtime::pass(Form f, const PrimitiveRef &p, Args args, std::source_location loc)
{
    gate(kindOf(f), p, loc);
    return record(f, p, args, loc);
}

std::int64_t Runtime::recordText(Form f, const PrimitiveRef &p, Args args, std::string_view text,
                                 std::source_location loc)
{
    if (!m_trace)
        return -1;
    const Slot s = open(f, p, args, (text.size() + 7) / 8, loc);
    std::copy(text.begin(), text.end(), reinterpret_cast<char *>(s.words));
    return commit(s, static_cast<std::uint32_t>(text.size()));
}

// The string-based path: the Event is built here, carried by a Generic record.
template <class Fields>
std::int64_t Runtime::recordFields(std::string_view kind, const PrimitiveRef &p,
                                   std::string &&label, Fields &&fields,
                                   const std::source_location &loc, bool scripted)
{
    if (!m_trace)
        return -1;
    auto e = std::make_unique<wb::Event>();
    e->thread = currentThread();
    e->kind = kind;
    e->label = std::move(label);
    e->where = scripted ? whereOf(loc) : wb::SourceLocation::from(loc);
    e->fields.reserve(fields.size() + 2);
    e->fields.emplace_back("primitive", p.name);
    e->fields.emplace_back("layer", p.layer);
    if constexpr (std::is_rvalue_reference_v<Fields &&>)
        e->fields.insert(e->fields.end(), std::make_move_iterator(fields.begin()),
                         std::make_move_iterator(fields.end()));
    else
        e->fields.insert(e->fields.end(), fields.begin(), fields.end());
    const Slot s = open(Form::Generic, p, {}, 0, loc);
    s.record->extra = e.release();
    return commit(s, 0);
}

// ---- draining: compact records into wb::Events, in seq order ------------------------------

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

// The label and fields each form stands for: exactly what the string-based calls recorded.
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
    recordText(Form::Print, console, {}, text, loc);
}

void Runtime::printAtTurn(const std::function<std::string()> &text, std::source_location loc)
{
    static const PrimitiveRef console{-1, "console", "console"};
    gate("print", console, loc);
    std::string line = text();
    {
        std::lock_guard lk(m_mutex);
        m_console.push_back(line);
    }
    recordText(Form::Print, console, {}, line, loc);
}

void Runtime::sleep(double seconds, std::source_location loc)
{
    static const PrimitiveRef clock{-1, "time", "thread"};
    ThreadRecord *r = self();
    pass(Form::Sleep, clock, {std::bit_cast<std::int64_t>(seconds)}, loc);
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
            drainLocked();
            const bool stopped =
                m_cv.wait_for(lk, realDuration(seconds), [&] { return stoppingLocked(); });
            r->state = ThreadState::Running;
            if (stopped)
                throw Cancelled{};
        }
    }
    record(Form::SleepWoken, clock, {}, loc);
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
    m_running = -1;
    scheduleLocked();
    waitForTurnLocked(lk, *r);
    r->blockedOn = -1;
    return {r->timedOut, r->cause};
}

void Runtime::blockFree(int prim, bool timed)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    markBlockedLocked(*r, prim);
    r->timedWait = timed;
    checkAllBlockedLocked();
    drainLocked();
}

void Runtime::stillBlocked(int prim)
{
    ThreadRecord *r = self();
    if (!r)
        return;
    std::lock_guard lk(m_mutex);
    // A release marked us runnable but another thread took the lock first: wait again.
    if (r->state == ThreadState::Runnable)
        markBlockedLocked(*r, prim);
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
    r->timedWait = false;
    return r->cause;
}

// A thread waiting without a timeout, in a state no release can change by itself.
bool Runtime::blockedWithoutHopeLocked(const ThreadRecord &r) const
{
    if (r.state != ThreadState::Blocked && r.state != ThreadState::Waiting)
        return false;
    if (r.wakeAtNs != kNoDeadline || r.timedWait)
        return false; // a timed wait ends by itself
    if (m_mode == Mode::Step)
        return true;
    // Free mode: a lock already posted will be taken on the next wait slice.
    const PrimitiveSlot *slot = r.blockedOn >= 0 && r.blockedOn < int(m_primitives.size())
                                    ? &m_primitives[r.blockedOn]
                                    : nullptr;
    return slot && slot->lock && slot->lock->semValue() == 0;
}

// Among the stuck threads, follows "T waits for lock P, P was acquired last by H" from each
// thread; the first walk that comes back to a thread it passed becomes d.threads (a cycle),
// otherwise d.threads stays every stuck thread. The last acquirer of a Lock is not its owner
// (a Lock has none), but once nobody can run it is the thread that would have to release it.
void Runtime::describeCycleLocked(Deadlock &d) const
{
    auto waitsOn = [&](int number) -> const ThreadRecord * {
        for (const auto &r : m_threads)
            if (r->number == number &&
                std::find(d.stuck.begin(), d.stuck.end(), number) != d.stuck.end())
                return r.get();
        return nullptr;
    };
    auto holderOf = [&](const ThreadRecord &r) {
        const PrimitiveSlot &slot = m_primitives[r.blockedOn];
        return slot.ownership ? slot.holder : -1;
    };
    for (int first : d.stuck) {
        std::vector<int> path;
        int cur = first;
        while (const ThreadRecord *r = waitsOn(cur)) {
            const auto seen = std::find(path.begin(), path.end(), cur);
            if (seen != path.end()) {
                d.threads.assign(seen, path.end());
                for (int n : d.threads)
                    d.primitives.push_back(m_primitives[waitsOn(n)->blockedOn].name);
                return;
            }
            path.push_back(cur);
            cur = holderOf(*r);
        }
    }
    d.global = true;
    for (int n : d.stuck) {
        d.threads.push_back(n);
        d.primitives.push_back(m_primitives[waitsOn(n)->blockedOn].name);
    }
}

// Called whenever a thread blocks, finishes, or (step mode) nobody is left to choose.
// Reports a deadlock once every thread that has not finished waits without a timeout and
// without hope: no thread that could release, notify or set is left running.
void Runtime::checkAllBlockedLocked()
{
    if (stoppingLocked())
        return;
    Deadlock d;
    for (const auto &r : m_threads) {
        if (r->state == ThreadState::Done)
            continue;
        if (!r->started || !blockedWithoutHopeLocked(*r))
            return;
        d.stuck.push_back(r->number);
    }
    if (d.stuck.empty())
        return;
    describeCycleLocked(d);
    std::string others;
    for (int n : d.stuck) {
        if (!d.global && std::find(d.threads.begin(), d.threads.end(), n) != d.threads.end())
            continue;
        const ThreadRecord *r = find(n);
        others += (others.empty() ? "" : ", ") + threadName(n) + " waits on " +
                  m_primitives[r->blockedOn].name;
    }
    if (!d.global) {
        for (std::size_t i = 0; i < d.threads.size(); ++i) {
            const int next = d.threads[(i + 1) % d.threads.size()];
            d.description += (i ? ", " : "") + threadName(d.threads[i]) + " waits for " +
                             d.primitives[i] + ", acquired last by " + threadName(next);
        }
        if (!others.empty())
            d.description += "; " + others;
    } else {
        d.description = others;
    }
    d.description += d.stuck.size() == 1 ? "; no other thread is left that could wake it"
                                         : "; no other thread is left that could wake them";
    reportDeadlockLocked(std::move(d));
}

// Records the deadlock and stops the stuck threads (only them: every other thread has
// already finished). A later deadlock of the same run (none is possible once all are
// stuck) would be recorded too; deadlock() keeps the first.
void Runtime::reportDeadlockLocked(Deadlock d)
{
    for (int n : d.stuck)
        if (ThreadRecord *r = find(n)) {
            r->stuck.store(true, std::memory_order_release);
            r->state = ThreadState::Done;
            r->blockedOn = -1;
            r->wakeAtNs = kNoDeadline;
        }
    if (m_trace) {
        std::vector<std::int64_t> cycle(d.threads.begin(), d.threads.end());
        std::vector<std::int64_t> stuck(d.stuck.begin(), d.stuck.end());
        std::string names;
        for (int n : d.threads)
            names += (names.empty() ? "" : " -> ") + threadName(n);
        if (!d.global && !d.threads.empty())
            names += " -> " + threadName(d.threads.front());
        const PrimitiveRef runtime{-1, d.primitives.empty() ? std::string() : d.primitives.front(),
                                   "runtime"};
        recordFields("deadlock", runtime, "deadlock: " + d.description,
                     std::vector<wb::Field>{{"cycle", cycle},
                                            {"cycle_names", names},
                                            {"stuck", stuck},
                                            {"global", d.global},
                                            {"description", d.description}},
                     std::source_location::current(), false);
    }
    if (!m_deadlock)
        m_deadlock = std::move(d);
    m_cv.notify_all();
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
    record("error", thread, line, {{"type", type}, {"message", message}});
}

void Runtime::threadMain(ThreadRecord &r)
{
    t_runtime = this;
    t_record = &r;
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
    t_runtime = nullptr;
    t_record = nullptr;
}

} // namespace wb::threads
