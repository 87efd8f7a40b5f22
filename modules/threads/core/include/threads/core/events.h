#pragma once
// The threads module's events, declared once: what the Runtime, the classic primitives and
// the scenarios record, and what state.h, the CLI and the tests read. Field names are the
// wire names in the trace, the JSON and the README's table; see workbench/core/typed_event.h
// for how they are written and read.
//
// Every event starts with `primitive` (the name it is recorded under, e.g. `lock`,
// `condition.waiter#3`, `queue.not_full`) and `layer` (`Lock`, `RLock`, `Condition`,
// `Semaphore`, `BoundedSemaphore`, `Event`, `Queue`, `Barrier`, or `thread`, `console`,
// `file`, `runtime`). A kind recorded by several layers with different fields ("attempt" by
// a Lock, an RLock and a Semaphore) is one struct whose per-layer fields are optional: each
// layer fills its own, in the order the trace shows them. The state fields are the
// primitive's state *after* the event. Every member has a default initializer, so that a
// designated initializer may name only the fields its form fills.

#include "workbench/core/typed_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace wb::threads::events {

using Ints = std::vector<std::int64_t>;

// ---- threads, the clock, the console, the scenario file, the runtime ----------------------

// A thread's body begins (primitive "thread").
struct Start
{
    static constexpr std::string_view kind = "start";
    std::string primitive{};
    std::string layer{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Start::primitive), field("layer", &Start::layer)};
    }
};

// A thread's body returned.
struct Exit
{
    static constexpr std::string_view kind = "exit";
    std::string primitive{};
    std::string layer{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Exit::primitive), field("layer", &Exit::layer)};
    }
};

// An uncaught Python error ended the thread; the label is the console line CPython's
// threading.excepthook starts with.
struct Error
{
    static constexpr std::string_view kind = "error";
    std::string primitive{};
    std::string layer{};
    std::string type{}; // Python's exception type: "RuntimeError", "ValueError", ...
    std::string message{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Error::primitive), field("layer", &Error::layer),
                          field("type", &Error::type), field("message", &Error::message)};
    }
};

// time.sleep(seconds) (primitive "time").
struct Sleep
{
    static constexpr std::string_view kind = "sleep";
    std::string primitive{};
    std::string layer{};
    double seconds = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Sleep::primitive), field("layer", &Sleep::layer),
                          field("seconds", &Sleep::seconds)};
    }
};

// A thread goes on: after a sleep (`reason` "sleep"), or a Lock's blocked thread woken by
// the release whose seq is `cause`, with the sem_t `value` it then sees.
struct Woken
{
    static constexpr std::string_view kind = "woken";
    std::string primitive{};
    std::string layer{};
    std::optional<std::string> reason{}; // thread
    std::optional<std::int64_t> cause{}; // Lock
    std::optional<std::int64_t> value{}; // Lock
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Woken::primitive), field("layer", &Woken::layer),
                          field("reason", &Woken::reason), field("cause", &Woken::cause),
                          field("value", &Woken::value)};
    }
};

// One console line (primitive "console").
struct Print
{
    static constexpr std::string_view kind = "print";
    std::string primitive{};
    std::string layer{};
    std::string text{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Print::primitive), field("layer", &Print::layer),
                          field("text", &Print::text)};
    }
};

// A write to the scenario's in-memory output.txt (primitive "output.txt"); the writer is the
// event's thread.
struct Write
{
    static constexpr std::string_view kind = "write";
    std::string primitive{};
    std::string layer{};
    std::uint64_t offset = 0;
    std::string bytes{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Write::primitive), field("layer", &Write::layer),
                          field("offset", &Write::offset), field("bytes", &Write::bytes)};
    }
};

// The runtime's finding that some threads can never go on (layer "runtime"; primitive: what
// the first of them waits for).
struct Deadlock
{
    static constexpr std::string_view kind = "deadlock";
    std::string primitive{};
    std::string layer{};
    Ints cycle{}; // thread numbers, in wait-for order; every stuck one when `global`
    std::string cycleNames{};
    Ints stuck{}; // every thread stopped
    bool global = false;
    std::string description{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Deadlock::primitive),
                          field("layer", &Deadlock::layer),
                          field("cycle", &Deadlock::cycle),
                          field("cycle_names", &Deadlock::cycleNames),
                          field("stuck", &Deadlock::stuck),
                          field("global", &Deadlock::global),
                          field("description", &Deadlock::description)};
    }
};

// ---- Lock, RLock, Semaphore -----------------------------------------------------------------
// A Lock's `value` is its sem_t's value (1 free, 0 taken); an RLock's `owner` is a thread
// number (-1: none) and `count` its recursion count; a Semaphore's `value` is its counter.

// An acquire begins. Lock: value, blocking; RLock: owner, count; Semaphore: value.
struct Attempt
{
    static constexpr std::string_view kind = "attempt";
    std::string primitive{};
    std::string layer{};
    std::optional<std::int64_t> value{};
    std::optional<bool> blocking{};
    std::optional<std::int64_t> owner{};
    std::optional<std::int64_t> count{};
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Attempt::primitive), field("layer", &Attempt::layer),
            field("value", &Attempt::value),         field("blocking", &Attempt::blocking),
            field("owner", &Attempt::owner),         field("count", &Attempt::count)};
    }
};

// Lock: value, locked; RLock: owner, count, and reentrant when its owner took it again;
// Semaphore: value, initial.
struct Acquired
{
    static constexpr std::string_view kind = "acquired";
    std::string primitive{};
    std::string layer{};
    std::optional<std::int64_t> value{};
    std::optional<bool> locked{};
    std::optional<std::int64_t> owner{};
    std::optional<std::int64_t> count{};
    std::optional<bool> reentrant{};
    std::optional<std::int64_t> initial{};
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Acquired::primitive), field("layer", &Acquired::layer),
            field("value", &Acquired::value),         field("locked", &Acquired::locked),
            field("owner", &Acquired::owner),         field("count", &Acquired::count),
            field("reentrant", &Acquired::reentrant), field("initial", &Acquired::initial)};
    }
};

// A non-blocking acquire failed. Lock: value, locked; Semaphore: value, initial.
struct Busy
{
    static constexpr std::string_view kind = "busy";
    std::string primitive{};
    std::string layer{};
    std::int64_t value = 0;
    std::optional<bool> locked{};
    std::optional<std::int64_t> initial{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Busy::primitive), field("layer", &Busy::layer),
                          field("value", &Busy::value), field("locked", &Busy::locked),
                          field("initial", &Busy::initial)};
    }
};

// A Lock was taken: the thread blocks on it. `waiter`: the lock is a condition's waiter
// lock, so the thread is waiting (on the condition), not blocked.
struct Blocked
{
    static constexpr std::string_view kind = "blocked";
    std::string primitive{};
    std::string layer{};
    std::int64_t value = 0;
    bool locked = false;
    bool waiter = false;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Blocked::primitive), field("layer", &Blocked::layer),
                          field("value", &Blocked::value), field("locked", &Blocked::locked),
                          field("waiter", &Blocked::waiter)};
    }
};

// A timed wait gave up. Lock: value; Condition: notified (false), waiters.
struct Timeout
{
    static constexpr std::string_view kind = "timeout";
    std::string primitive{};
    std::string layer{};
    std::optional<std::int64_t> value{};
    std::optional<bool> notified{};
    std::optional<Ints> waiters{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Timeout::primitive), field("layer", &Timeout::layer),
                          field("value", &Timeout::value), field("notified", &Timeout::notified),
                          field("waiters", &Timeout::waiters)};
    }
};

// Lock: value, locked; RLock: owner, count (a release that leaves a level keeps the owner);
// Semaphore: value, initial.
struct Released
{
    static constexpr std::string_view kind = "released";
    std::string primitive{};
    std::string layer{};
    std::optional<std::int64_t> value{};
    std::optional<bool> locked{};
    std::optional<std::int64_t> owner{};
    std::optional<std::int64_t> count{};
    std::optional<std::int64_t> initial{};
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Released::primitive), field("layer", &Released::layer),
            field("value", &Released::value),         field("locked", &Released::locked),
            field("owner", &Released::owner),         field("count", &Released::count),
            field("initial", &Released::initial)};
    }
};

// Condition.wait's step 3 on an RLock: the count is saved and the lock released completely.
struct ReleaseSave
{
    static constexpr std::string_view kind = "release_save";
    std::string primitive{};
    std::string layer{};
    std::int64_t owner = -1;
    std::int64_t count = 0;
    std::int64_t savedCount = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &ReleaseSave::primitive),
                          field("layer", &ReleaseSave::layer), field("owner", &ReleaseSave::owner),
                          field("count", &ReleaseSave::count),
                          field("saved_count", &ReleaseSave::savedCount)};
    }
};

// Condition.wait's step 5 on an RLock: owner and count restored.
struct AcquireRestore
{
    static constexpr std::string_view kind = "acquire_restore";
    std::string primitive{};
    std::string layer{};
    std::int64_t owner = -1;
    std::int64_t count = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &AcquireRestore::primitive), field("layer", &AcquireRestore::layer),
            field("owner", &AcquireRestore::owner), field("count", &AcquireRestore::count)};
    }
};

// ---- Condition --------------------------------------------------------------------------
// `waiters` holds the ids of the waiter locks in the list, oldest first.

// A thread enters wait with its fresh waiter lock (`waiter`, its id and name); `timeout` in
// seconds, negative for none.
struct Wait
{
    static constexpr std::string_view kind = "wait";
    std::string primitive{};
    std::string layer{};
    std::int64_t waiter = 0;
    std::string waiterName{};
    Ints waiters{};
    double timeout = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Wait::primitive), field("layer", &Wait::layer),
            field("waiter", &Wait::waiter),       field("waiter_name", &Wait::waiterName),
            field("waiters", &Wait::waiters),     field("timeout", &Wait::timeout)};
    }
};

// A wait returns. Condition: notified, waiters; Event: flag, signaled.
struct WaitReturn
{
    static constexpr std::string_view kind = "wait_return";
    std::string primitive{};
    std::string layer{};
    std::optional<bool> notified{};
    std::optional<Ints> waiters{};
    std::optional<bool> flag{};
    std::optional<bool> signaled{};
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &WaitReturn::primitive), field("layer", &WaitReturn::layer),
            field("notified", &WaitReturn::notified),   field("waiters", &WaitReturn::waiters),
            field("flag", &WaitReturn::flag),           field("signaled", &WaitReturn::signaled)};
    }
};

// notify(n) wakes `woken` waiters; `waiters` is the list before.
struct Notify
{
    static constexpr std::string_view kind = "notify";
    std::string primitive{};
    std::string layer{};
    std::int64_t n = 0;
    std::uint64_t woken = 0;
    Ints waiters{};
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Notify::primitive), field("layer", &Notify::layer),
                          field("n", &Notify::n), field("woken", &Notify::woken),
                          field("waiters", &Notify::waiters)};
    }
};

// ---- Event ------------------------------------------------------------------------------

struct Set
{
    static constexpr std::string_view kind = "set";
    std::string primitive{};
    std::string layer{};
    bool flag = false;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Set::primitive), field("layer", &Set::layer),
                          field("flag", &Set::flag)};
    }
};

struct Clear
{
    static constexpr std::string_view kind = "clear";
    std::string primitive{};
    std::string layer{};
    bool flag = false;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Clear::primitive), field("layer", &Clear::layer),
                          field("flag", &Clear::flag)};
    }
};

// ---- Queue ------------------------------------------------------------------------------
// `items` is the queue's content after the event, `unfinished` its count of tasks not yet
// done, `maxsize` 0 for unbounded.

struct Put
{
    static constexpr std::string_view kind = "put";
    std::string primitive{};
    std::string layer{};
    Ints items{};
    std::int64_t unfinished = 0;
    std::int64_t maxsize = 0;
    std::int64_t item = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Put::primitive), field("layer", &Put::layer),
            field("items", &Put::items),         field("unfinished", &Put::unfinished),
            field("maxsize", &Put::maxsize),     field("item", &Put::item)};
    }
};

struct Get
{
    static constexpr std::string_view kind = "get";
    std::string primitive{};
    std::string layer{};
    Ints items{};
    std::int64_t unfinished = 0;
    std::int64_t maxsize = 0;
    std::int64_t item = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("primitive", &Get::primitive), field("layer", &Get::layer),
            field("items", &Get::items),         field("unfinished", &Get::unfinished),
            field("maxsize", &Get::maxsize),     field("item", &Get::item)};
    }
};

struct TaskDone
{
    static constexpr std::string_view kind = "task_done";
    std::string primitive{};
    std::string layer{};
    Ints items{};
    std::int64_t unfinished = 0;
    std::int64_t maxsize = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &TaskDone::primitive),
                          field("layer", &TaskDone::layer), field("items", &TaskDone::items),
                          field("unfinished", &TaskDone::unfinished),
                          field("maxsize", &TaskDone::maxsize)};
    }
};

// join() returns: every task is done.
struct Join
{
    static constexpr std::string_view kind = "join";
    std::string primitive{};
    std::string layer{};
    Ints items{};
    std::int64_t unfinished = 0;
    std::int64_t maxsize = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Join::primitive), field("layer", &Join::layer),
                          field("items", &Join::items), field("unfinished", &Join::unfinished),
                          field("maxsize", &Join::maxsize)};
    }
};

// ---- Barrier ------------------------------------------------------------------------------
// `count` threads in the barrier, `state` 0 filling, 1 draining, -2 broken.

// A thread arrives.
struct Arrive
{
    static constexpr std::string_view kind = "arrive";
    std::string primitive{};
    std::string layer{};
    std::int64_t count = 0;
    std::int64_t parties = 0;
    std::int64_t state = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Arrive::primitive), field("layer", &Arrive::layer),
                          field("count", &Arrive::count), field("parties", &Arrive::parties),
                          field("state", &Arrive::state)};
    }
};

// The last party arrived: everybody may go.
struct Pass
{
    static constexpr std::string_view kind = "pass";
    std::string primitive{};
    std::string layer{};
    std::int64_t count = 0;
    std::int64_t parties = 0;
    std::int64_t state = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Pass::primitive), field("layer", &Pass::layer),
                          field("count", &Pass::count), field("parties", &Pass::parties),
                          field("state", &Pass::state)};
    }
};

// A wait timed out: the barrier is broken for every thread in it.
struct Broken
{
    static constexpr std::string_view kind = "broken";
    std::string primitive{};
    std::string layer{};
    std::int64_t count = 0;
    std::int64_t parties = 0;
    std::int64_t state = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("primitive", &Broken::primitive), field("layer", &Broken::layer),
                          field("count", &Broken::count), field("parties", &Broken::parties),
                          field("state", &Broken::state)};
    }
};

using ThreadsEvents =
    EventSet<Start, Exit, Error, Sleep, Woken, Print, Write, Deadlock, Attempt, Acquired, Busy,
             Blocked, Timeout, Released, ReleaseSave, AcquireRestore, Wait, WaitReturn, Notify,
             Set, Clear, Put, Get, TaskDone, Join, Arrive, Pass, Broken>;

} // namespace wb::threads::events
