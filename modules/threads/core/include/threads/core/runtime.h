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
// Blocking is modelled, never hidden: a thread blocked on a lock is Blocked (an edge in the
// wait-for graph from the thread to the lock's holder), one blocked on a condition's waiter
// lock is Waiting. A cycle, a thread waiting for a lock it holds itself, or (in step mode) a
// state where every live thread is blocked with nothing to wake it, is reported as a Deadlock
// and stops the run instead of hanging.
//
// stop() may be called from any thread at any time and never blocks; every gated thread then
// unwinds with Cancelled within one wait slice (10 ms), so join() returns well within 1 s.
// The GUI may call parked(), choose(), threads(), stop() freely: none of them waits on a
// scenario thread.

#include "threads/core/errors.h"

#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
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

struct ThreadInfo
{
    int number = 0;
    std::string name;
    ThreadState state = ThreadState::Starting;
    std::string blockedOn;   // primitive name while Blocked or Waiting
    std::string nextEvent;   // while parked: the kind of event it will record next
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
    bool global = false;          // nobody can run, no cycle among lock holders needed
    std::vector<int> threads;     // the cycle, in wait-for order (one entry: self-wait)
    std::vector<std::string> primitives; // primitives[i] is what threads[i] waits for
    std::string description;      // "Thread-1 waits for lockB held by Thread-2, ..."
};

class Runtime
{
public:
    explicit Runtime(wb::Trace *trace = nullptr, Mode mode = Mode::Free, int firstThread = 1);
    ~Runtime(); // stops and joins every thread it started
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;

    wb::Trace *trace() const { return m_trace; }
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
    void start();  // starts every spawned thread that has not started yet
    void join();   // waits for all of them; returns within 1 s of stop()
    void run() { start(); join(); }

    void stop();   // any thread, never blocks
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

    // Waits at the gate (step: until chosen; paced: the pace), then appends the event.
    // Returns its seq (-1 without a trace). Throws Cancelled once the run is stopped.
    // The event's fields are "primitive" and "layer" (from p), then `fields`. A braced list
    // of fields picks the initializer_list overloads, which build the event's field vector
    // in one allocation.
    std::int64_t pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                      std::vector<wb::Field> fields = {},
                      std::source_location loc = std::source_location::current());
    std::int64_t pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                      std::initializer_list<wb::Field> fields,
                      std::source_location loc = std::source_location::current());
    // Appends without waiting: for an event that belongs to the step already granted.
    std::int64_t record(std::string_view kind, const PrimitiveRef &p, std::string label,
                        std::vector<wb::Field> fields = {},
                        std::source_location loc = std::source_location::current());
    std::int64_t record(std::string_view kind, const PrimitiveRef &p, std::string label,
                        std::initializer_list<wb::Field> fields,
                        std::source_location loc = std::source_location::current());
    void gate(std::string_view kind, const PrimitiveRef &p, std::source_location loc);

    // A line of the scenario's console output, recorded as a "print" event.
    void print(std::string text, std::source_location loc = std::source_location::current());
    // time.sleep(seconds): virtual in step mode, scaled by realSecond otherwise.
    void sleep(double seconds, std::source_location loc = std::source_location::current());
    // Seconds on the clock sleep() and timeouts use (virtual in step mode).
    double now() const;

    // Scripted threads (the playground): until called again, the events the calling thread
    // records point at `line` of `file` (a static string) instead of the C++ caller.
    // line 0 goes back to the C++ locations.
    static void setScriptLine(const char *file, std::uint32_t line);

    bool gated() const; // the caller is one of our threads and we are in step mode
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
    // call stillBlocked() after every wait slice and unblocked() when done.
    void blockFree(int prim);
    void stillBlocked(int prim);
    std::int64_t unblocked();

private:
    struct ThreadRecord;
    struct PrimitiveSlot;

    ThreadRecord *self() const;
    template <class Fields>
    std::int64_t recordFields(std::string_view kind, const PrimitiveRef &p, std::string &&label,
                              Fields &&fields, const std::source_location &loc);
    ThreadRecord *find(int number);
    bool stoppingLocked() const { return m_stop.load(std::memory_order_relaxed); }
    void waitForTurnLocked(std::unique_lock<std::mutex> &lk, ThreadRecord &r);
    void scheduleLocked();
    void markBlockedLocked(ThreadRecord &r, int prim);
    void checkCycleLocked(ThreadRecord &r);
    void checkAllBlockedLocked();
    bool blockedWithoutHopeLocked(const ThreadRecord &r) const;
    void reportDeadlockLocked(Deadlock d);
    void threadMain(ThreadRecord &r);
    ThreadInfo infoLocked(const ThreadRecord &r) const;

    wb::Trace *m_trace;
    Mode m_mode;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<ThreadRecord>> m_threads;
    std::vector<PrimitiveSlot> m_primitives;
    std::atomic<bool> m_stop{false};
    int m_nextNumber;
    int m_running = -1;          // step mode: the thread whose turn it is
    std::vector<int> m_offered;  // step mode, manual choice: who may go next
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

} // namespace wb::threads
