#pragma once
// Internal: the parts of a Runtime its source files share. runtime.cpp holds the threads'
// lives and the queries, runtime_gate.cpp the gate (whose turn it is), runtime_records.cpp
// the per-thread record buffers of the hot path, runtime_decoder.cpp the drain that turns
// records into wb::Events, runtime_waitfor.cpp blocking, the wait-for graph and deadlocks.

#include "threads/core/runtime.h"

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <source_location>
#include <string>
#include <thread>
#include <vector>

namespace wb::threads {

namespace detail {

// The calling thread's Runtime and its ThreadRecord, while it runs one of our threads
// (runtime_gate.cpp).
extern constinit thread_local const Runtime *t_runtime;
extern constinit thread_local void *t_record;
// A playground thread's script line (Runtime::setScriptLine, runtime_records.cpp).
extern constinit thread_local const char *t_scriptFile;
extern constinit thread_local std::uint32_t t_scriptLine;

constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();

inline std::int64_t toVirtualNs(double seconds)
{
    return seconds < 0 ? kNoDeadline : static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

} // namespace detail

struct Runtime::ThreadRecord
{
    int number = 0;
    ThreadState state = ThreadState::Starting;
    int blockedOn = -1;
    std::int64_t wakeAtNs = detail::kNoDeadline; // virtual deadline of a sleep or timed wait
    bool timedWait = false;                      // free mode: the wait has a real deadline
    std::atomic<bool> stuck{false}; // in a reported deadlock: unwinds, records nothing
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

} // namespace wb::threads
