#pragma once
// The trace: what an instrumented core reports about the work it does.
//
// A core takes a `wb::Trace *` (null when nobody watches) and, at each point worth seeing,
// appends an Event. With no trace attached the only cost is a null check, placed outside
// hot loops where it matters:
//
//     void listResize(ListObject &l, std::size_t n, wb::Trace *trace) {
//         ...
//         if (trace)                                   // right: one test, then record
//             trace->add("resize", "list_resize to 8 slots", {{"old", 4}, {"new", 8}});
//     }
//
//     trace->add(...);                                 // wrong: crashes when detached
//
// Events are immutable once appended. A trace may be appended to by several threads while
// other threads read it (live topics); references returned by at() stay valid for the
// trace's lifetime.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wb {

// One payload value. Byte strings and integer arrays cover registers, slot arrays and blocks.
using Value = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string,
                           std::vector<std::int64_t>, std::vector<std::uint8_t>>;

struct Field
{
    std::string key;
    Value value;

    Field(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}
    // Integers of any width become int64/uint64 so call sites need no casts.
    template <class T>
    requires std::is_integral_v<T> &&(!std::is_same_v<T, bool>)Field(std::string k, T v)
        : key(std::move(k)), value(std::is_signed_v<T> ? Value(static_cast<std::int64_t>(v))
                                                       : Value(static_cast<std::uint64_t>(v)))
    {}
    Field(std::string k, const char *v) : key(std::move(k)), value(std::string(v)) {}
};

struct SourceLocation
{
    // Static strings from std::source_location (or literals): recording an event copies no
    // text for its location.
    const char *file = ""; // as the compiler saw it; views match on the file name
    std::uint32_t line = 0;
    const char *function = "";

    static SourceLocation from(const std::source_location &loc)
    {
        return {loc.file_name(), loc.line(), loc.function_name()};
    }
    // The last path component: "listobject.cpp".
    std::string_view fileName() const;
};

struct Event
{
    std::uint64_t seq = 0;   // position in its trace, 0-based
    std::int64_t tNs = 0;    // nanoseconds since the trace started
    std::int32_t thread = 0; // 0 for single-threaded cores
    std::string kind;        // short, stable, machine-readable: "resize", "round", "block"
    std::string label;       // what a person reads: "round 17: A,B,C,D = ..."
    SourceLocation where;
    std::vector<Field> fields;

    // The field named `key`, or null.
    const Value *field(std::string_view key) const;
    std::int64_t intField(std::string_view key, std::int64_t fallback = 0) const;
    std::string stringField(std::string_view key) const;
};

class Trace
{
public:
    Trace();
    Trace(const Trace &) = delete;
    Trace &operator=(const Trace &) = delete;

    // Appends an event stamped with the next sequence number, the time and the caller's
    // location. Thread-safe.
    const Event &add(std::string kind, std::string label, std::vector<Field> fields = {},
                     std::int32_t thread = 0,
                     std::source_location loc = std::source_location::current());
    const Event &append(Event e); // e.seq and e.tNs are overwritten
    // For recorders that stamp events themselves and append them later: e.tNs becomes
    // `steadyNs` (std::chrono::steady_clock, nanoseconds since its epoch) relative to the
    // trace's start, never earlier than the event before it, so times stay in seq order.
    const Event &appendStamped(Event e, std::int64_t steadyNs);
    // For a trace read back from a recording: e.tNs is kept as it was recorded (e.seq is
    // still overwritten), so times read back equal the times written.
    const Event &appendRecorded(Event e);

    std::size_t size() const;
    bool empty() const { return size() == 0; }
    const Event &at(std::size_t i) const;
    const Event &operator[](std::size_t i) const { return at(i); }

    // First index >= from (or <= from, backwards) whose kind is `kind`.
    std::optional<std::size_t> findNext(std::string_view kind, std::size_t from) const;
    std::optional<std::size_t> findPrevious(std::string_view kind, std::size_t from) const;

    // Optional cap: events beyond it are dropped and counted (a runaway live topic must not
    // exhaust memory). 0 means no cap.
    void setLimit(std::size_t maxEvents);
    std::size_t dropped() const;

    void clear();

private:
    // Appends under the lock; a null `steadyNs` keeps e.tNs as it is.
    const Event &push(Event &&e, const std::int64_t *steadyNs);

    mutable std::mutex m_mutex;
    std::deque<Event> m_events;
    std::int64_t m_startNs;
    std::size_t m_limit = 0;
    std::size_t m_dropped = 0;
};

} // namespace wb
