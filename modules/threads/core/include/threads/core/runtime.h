#pragma once
// The Runtime owns a scenario's real threads and the gate they pass at every instrumented
// point. It records each synchronization event into a wb::Trace and decides, in step mode,
// which thread runs next.
//
// Modes:
//   Free  - threads run flat out; events are recorded as they happen.
//   Paced - every instrumented point waits `pace` first (a speed control).
//   Step  - exactly one thread runs at a time. A thread parks *before* it appends an event,
//           so the order of the trace is decided by the chooser alone: a seeded chooser
//           (same seed => same interleaving) or the learner, through parked()/choose().
//           A thread that cannot take a lock is not offered until a release wakes it.
//           sleep() uses virtual time: sleepers are offered only when nobody else can run,
//           the earliest first, so scripted latencies order the run without real waiting.
//
// Blocking is modelled, never hidden: a thread blocked on a lock is Blocked, one blocked on a
// condition's waiter lock is Waiting. What counts as a deadlock is what CPython would hang on
// forever: a Lock has no owner (any thread may release it), so a wait without a timeout is
// hopeless only once every thread that could release or notify is itself waiting without a
// timeout or has finished. A timed wait (timeout 0 included) never makes a deadlock: it ends
// by itself, in free mode after a real deadline. When that state is reached the waiting
// threads are reported (with the cycle among them, following each lock to the thread that
// acquired it last, when there is one) and only they are stopped; they never record another
// event. CPython itself reports nothing: its threads just hang.
//
// Recording is split in two. On the hot path a probe appends a compact Record (below) to
// a buffer owned by the calling thread: no allocation, no lock, no string. The records are
// decoded into wb::Events (kind, label, fields) and appended to the trace in seq order when
// the trace is drained: whenever a step-mode thread gives up its turn, before a free-mode
// thread blocks or sleeps, when a thread ends, in join(), and in flush() (a view's poll).
// Readers of a running Runtime's trace call flush() first.
//
// stop() may be called from any thread at any time and never blocks; every gated thread then
// unwinds with Cancelled within one wait slice (10 ms), so join() returns well within 1 s.
// The GUI may call parked(), choose(), threads(), stop() freely: none of them waits on a
// scenario thread.

#include "threads/core/errors.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <source_location>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace wb::threads {

namespace classic {
class Lock;
}

enum class Mode { Free, Paced, Step };
enum class ThreadState { Starting, Runnable, Running, Blocked, Waiting, Sleeping, Done };

const char *toString(Mode m);
const char *toString(ThreadState s);
std::optional<Mode> modeFromString(std::string_view s);

// "MainThread" for 0 (any thread the Runtime did not start), "Thread-N" otherwise.
std::string threadName(int number);

// The identity a primitive records its events under. `layer` names the level of the
// classic stack the event comes from: "sem_t", "Lock", "RLock", "Condition", "Semaphore",
// "BoundedSemaphore", "Event", "Queue" (or "thread", "console", "file" for the rest).
struct PrimitiveRef
{
    int id = -1;
    std::string name;
    std::string layer;
};

// What a compact record says. Each form fixes the event's kind (one declared in
// threads/core/events.h), the wording of its label and which of that kind's fields it fills;
// the record carries only the numbers (Args) and, for a few forms, a list of integers or a
// text. Generic carries a ready-made wb::Event (the typed and string-based record() and
// pass(), for rare events such as errors, deadlocks and a barrier's).
enum class Form : std::uint8_t {
    Generic,
    ThreadStart,       // "start"
    ThreadExit,        // "exit"
    Print,             // text
    Sleep,             // seconds (as double bits)
    SleepWoken,        // "woken" after a sleep
    Write,             // a write to the scenario file output.txt: offset; text = the bytes
    LockAttempt,       // value, blocking
    LockAcquired,      // value
    LockBusy,          // value
    LockBlocked,       // value, waiter
    LockTimeout,       // value
    LockWoken,         // cause, value
    LockReleased,      // value
    RLockAttempt,      // owner, count
    RLockAcquired,     // owner, count
    RLockReentered,    // owner, count
    RLockReleasedOne,  // owner, count ("leaves one level")
    RLockReleased,     // owner, count
    RLockReleaseSave,  // saved count
    RLockRestore,      // owner, count
    ConditionWait,     // waiter id, timeout (double bits); list = waiter ids
    ConditionReturn,   // list = waiter ids
    ConditionTimeout,  // list = waiter ids
    ConditionNotify,   // n, woken; list = waiter ids (before)
    SemaphoreAttempt,  // value
    SemaphoreAcquired, // value, initial
    SemaphoreBusy,     // value, initial
    SemaphoreReleased, // value, initial
    EventSet,
    EventClear,
    EventPassed,   // flag
    EventTimedOut, // flag
    QueuePut,      // unfinished, maxsize, item; list = items
    QueueGet,      // unfinished, maxsize, item; list = items
    QueueTaskDone, // unfinished, maxsize; list = items
    QueueJoin,     // unfinished, maxsize; list = items
};

// The event kind a form records ("attempt", "acquired", ...).
const char *kindOf(Form f);

// The numbers of a compact record; their meaning depends on the form (see Form).
struct Args
{
    std::int64_t a = 0, b = 0, c = 0;
};

struct ThreadInfo
{
    int number = 0;
    std::string name;
    ThreadState state = ThreadState::Starting;
    std::string blockedOn; // primitive name while Blocked or Waiting
    std::string nextEvent; // while parked: the kind of event it will record next
    std::string nextPrimitive;
    std::uint32_t nextLine = 0;
};

struct ThreadError
{
    std::string type;    // Python's exception type: "RuntimeError", "ValueError", ...
    std::string message; // "cannot release un-acquired lock"
    int thread = 0;
};

struct Deadlock
{
    bool global = false;      // no cycle among the last acquirers: threads = every stuck one
    std::vector<int> threads; // the cycle, in wait-for order (one entry: self-wait)
    std::vector<std::string> primitives; // primitives[i] is what threads[i] waits for
    std::vector<int> stuck;              // every thread stopped because it could never go on
    // "Thread-1 waits for lockB, acquired last by Thread-2, ...; ..."
    std::string description;
};

class Runtime
{
public:
    explicit Runtime(wb::Trace *trace = nullptr, Mode mode = Mode::Free, int firstThread = 1);
    ~Runtime(); // stops and joins every thread it started
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;

    // The trace this Runtime records into. While threads run, call flush() before reading it.
    wb::Trace *trace() const { return m_trace; }
    // Decodes every record that is complete (all earlier seqs written) into the trace, in seq
    // order. Any thread, any time; join() and the destructor flush everything.
    void flush();
    Mode mode() const { return m_mode; }

    // Configuration; call before start().
    void setSeed(std::uint64_t seed);  // step mode: a seeded chooser (the default, seed 0)
    void setManualChoice(bool manual); // step mode: wait for choose() instead
    void setPace(std::chrono::nanoseconds pace);
    // How long one scenario second lasts in free and paced modes (sleep and timeouts).
    void setRealSecond(std::chrono::nanoseconds d);
    std::chrono::nanoseconds realDuration(double seconds) const;

    // Threads are numbered from `firstThread` in spawn order: Thread-1, Thread-2, ...
    int spawn(std::function<void()> body);
    int nextThreadNumber() const;
    void start(); // starts every spawned thread that has not started yet
    void join();  // waits for all of them; returns within 1 s of stop()
    void run()
    {
        start();
        join();
    }

    void stop(); // any thread, never blocks
    bool stopRequested() const { return m_stop.load(std::memory_order_acquire); }

    // Step mode with manual choice: the threads the learner may let go next, and the call
    // that lets one go. choose() returns false if that thread is not offered right now.
    std::vector<ThreadInfo> parked() const;
    bool choose(int thread);
    std::vector<ThreadInfo> threads() const;

    std::optional<Deadlock> deadlock() const;
    // The first error that ended one of our threads.
    std::optional<ThreadError> firstError() const;
    std::vector<std::string> console() const;

    // ---- used by primitives and scenario code, on the calling thread ----
    int addPrimitive(std::string name, std::string layer, const classic::Lock *lock = nullptr,
                     bool ownership = true);
    void removePrimitive(int id);
    PrimitiveRef ref(int id) const;

    // Waits at the gate (step: until chosen; paced: the pace), then appends `e`, one of the
    // events declared in threads/core/events.h, with its primitive and layer taken from p.
    // Returns its seq (-1 without a trace). Throws Cancelled once the run is stopped.
    template <wb::TypedEvent E>
    std::int64_t pass(const PrimitiveRef &p, E e, std::string label,
                      std::source_location loc = std::source_location::current())
    {
        gate(E::kind, p, loc);
        return record(p, std::move(e), std::move(label), loc);
    }
    // Appends without waiting: for an event that belongs to the step already granted.
    template <wb::TypedEvent E>
    std::int64_t record(const PrimitiveRef &p, E e, std::string label,
                        std::source_location loc = std::source_location::current())
    {
        if (!m_trace)
            return -1;
        e.primitive = p.name;
        e.layer = p.layer;
        return recordEvent(wb::toEvent(e, std::move(label)), loc, true);
    }

    // The same with the kind and fields given as strings, for code outside the module (the
    // benchmark): `kind` must be declared in events.h (std::invalid_argument otherwise) and
    // `fields` must be its fields after "primitive" and "layer", which come from p. A braced
    // list of fields picks the initializer_list overloads, which build the event's field
    // vector in one allocation.
    std::int64_t pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                      std::vector<wb::Field> fields = {},
                      std::source_location loc = std::source_location::current());
    std::int64_t pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                      std::initializer_list<wb::Field> fields,
                      std::source_location loc = std::source_location::current());
    std::int64_t record(std::string_view kind, const PrimitiveRef &p, std::string label,
                        std::vector<wb::Field> fields = {},
                        std::source_location loc = std::source_location::current());
    std::int64_t record(std::string_view kind, const PrimitiveRef &p, std::string label,
                        std::initializer_list<wb::Field> fields,
                        std::source_location loc = std::source_location::current());
    void gate(std::string_view kind, const PrimitiveRef &p, std::source_location loc);

    // The hot path: the same, as a compact record decoded later (see Form). p is the
    // primitive's reference (its id picks the name and layer when decoded).
    std::int64_t pass(Form f, const PrimitiveRef &p, Args args = {},
                      std::source_location loc = std::source_location::current());
    std::int64_t record(Form f, const PrimitiveRef &p, Args args = {},
                        std::source_location loc = std::source_location::current());
    // With a list of integers (waiter ids, queue items) copied into the record's buffer.
    template <class Ints>
    std::int64_t recordList(Form f, const PrimitiveRef &p, Args args, Ints &&list,
                            std::source_location loc = std::source_location::current());
    template <class Ints>
    std::int64_t passList(Form f, const PrimitiveRef &p, Args args, Ints &&list,
                          std::source_location loc = std::source_location::current())
    {
        gate(kindOf(f), p, loc);
        return recordList(f, p, args, std::forward<Ints>(list), loc);
    }
    // With a text (a console line, the bytes of a write) copied into the record's buffer.
    std::int64_t recordText(Form f, const PrimitiveRef &p, Args args, std::string_view text,
                            std::source_location loc = std::source_location::current());

    // A line of the scenario's console output, recorded as a "print" event.
    void print(std::string text, std::source_location loc = std::source_location::current());
    // The same for a line that reports state (`A.locked() = True`): `text` is called once
    // the thread is let go, so the line shows the state at the moment it is recorded.
    void printAtTurn(const std::function<std::string()> &text,
                     std::source_location loc = std::source_location::current());
    // time.sleep(seconds): virtual in step mode, scaled by realSecond otherwise.
    void sleep(double seconds, std::source_location loc = std::source_location::current());
    // Seconds on the clock sleep() and timeouts use (virtual in step mode).
    double now() const;

    // Scripted threads (the playground): until called again, the events the calling thread
    // records point at `line` of `file` (a static string) instead of the C++ caller.
    // line 0 goes back to the C++ locations.
    static void setScriptLine(const char *file, std::uint32_t line);

    bool gated() const;        // the caller is one of our threads and we are in step mode
    int currentThread() const; // 0 when the caller is not one of ours
    void checkCancelled() const;

    // Lock bookkeeping (classic::Lock calls these).
    void acquired(int prim);
    void releasing(int prim, std::int64_t causeSeq);
    struct WakeUp
    {
        bool timedOut = false;
        std::int64_t cause = -1;
    };
    // Step mode: give up the turn as Blocked/Waiting on prim until a release wakes us (or
    // the virtual timeout passes) and we are chosen again.
    WakeUp blockGated(int prim, double timeoutSeconds);
    // Free/paced modes: register the wait (for deadlock detection) before really waiting;
    // call stillBlocked() after every wait slice and unblocked() when done. A timed wait
    // (`timed`) has a deadline of its own and is never part of a deadlock.
    void blockFree(int prim, bool timed);
    void stillBlocked(int prim);
    std::int64_t unblocked();

private:
    struct ThreadRecord;
    struct PrimitiveSlot;
    struct Record;
    struct Chunk;
    struct Buffer;
    struct Slot
    {
        Record *record = nullptr;
        Chunk *chunk = nullptr;
        std::int64_t *words = nullptr; // room for the list or text
    };

    // Reserves a record (and `words` 8-byte words next to it) in the caller's buffer and
    // fills in everything but the arguments; commit() publishes it to the drain.
    Slot open(Form f, const PrimitiveRef &p, const Args &args, std::size_t words,
              const std::source_location &loc);
    std::int64_t commit(const Slot &s, std::uint32_t extraLength);
    Buffer *attachBuffer();
    Chunk *nextChunk(Buffer &b, std::size_t words);
    void drainLocked();
    wb::Event decodeLocked(Record &r) const;

    ThreadRecord *self() const;
    // Appends a ready-made event (a Generic record); `scripted`: a playground thread's
    // script line replaces loc.
    std::int64_t recordEvent(wb::Event &&e, const std::source_location &loc, bool scripted);
    template <class Fields>
    std::int64_t recordFields(std::string_view kind, const PrimitiveRef &p, std::string &&label,
                              Fields &&fields, const std::source_location &loc);
    ThreadRecord *find(int number);
    bool stoppingLocked() const { return m_stop.load(std::memory_order_relaxed); }
    void waitForTurnLocked(std::unique_lock<std::mutex> &lk, ThreadRecord &r);
    void scheduleLocked();
    void markBlockedLocked(ThreadRecord &r, int prim);
    void describeCycleLocked(Deadlock &d) const;
    void checkAllBlockedLocked();
    bool blockedWithoutHopeLocked(const ThreadRecord &r) const;
    void reportDeadlockLocked(Deadlock d);
    void threadMain(ThreadRecord &r);
    void threadError(ThreadRecord &r, const std::string &type, const std::string &message,
                     const std::string &tracebackLine);
    ThreadInfo infoLocked(const ThreadRecord &r) const;

    wb::Trace *m_trace;
    Mode m_mode;
    const std::uint64_t m_id;         // unique per Runtime: keys the per-thread caches
    std::atomic<std::uint64_t> m_seq; // the next seq to hand out
    std::uint64_t m_drainedSeq;       // the next seq to decode (under m_mutex)
    mutable std::mutex m_bufferMutex; // the buffer list and the spare chunks
    std::vector<std::unique_ptr<Buffer>> m_buffers;
    std::vector<Chunk *> m_spareChunks;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<ThreadRecord>> m_threads;
    std::vector<PrimitiveSlot> m_primitives;
    std::atomic<bool> m_stop{false};
    int m_nextNumber;
    int m_running = -1;         // step mode: the thread whose turn it is
    std::vector<int> m_offered; // step mode, manual choice: who may go next
    wb::Rng m_rng{0};
    bool m_manual = false;
    std::int64_t m_virtualNs = 0;
    std::chrono::nanoseconds m_pace{0};
    std::chrono::nanoseconds m_realSecond{std::chrono::seconds(1)};
    std::chrono::steady_clock::time_point m_epoch = std::chrono::steady_clock::now();
    std::optional<Deadlock> m_deadlock;
    std::optional<ThreadError> m_firstError;
    std::vector<std::string> m_console;
};

template <class Ints>
std::int64_t Runtime::recordList(Form f, const PrimitiveRef &p, Args args, Ints &&list,
                                 std::source_location loc)
{
    if (!m_trace)
        return -1;
    const auto n = static_cast<std::size_t>(std::ranges::size(list));
    const Slot s = open(f, p, args, n, loc);
    std::int64_t *out = s.words;
    for (auto &&v : list)
        *out++ = static_cast<std::int64_t>(v);
    return commit(s, static_cast<std::uint32_t>(n));
}

} // namespace wb::threads
