#pragma once
// A real CPython program's lists, as the wbtrace tracer reports them (python/README.md, the
// `list` lines), turned into the module's `py_list` events, and checked against the native
// list: every traced list is mirrored by a ListObject that receives the same sequence of
// operations (the same sizes at the same places), and its allocated slot count is compared
// with the one CPython reported.
//
//     wb::list::PythonLists lists(trace);        // trace may be null
//     run.wait([&](const wb::pytrace::Json &e) { lists.add(e); });
//     for (const auto &c : lists.changes()) ... c.nativeAllocated

#include "list/core/events.h"
#include "list/core/listobject.h"

#include "workbench/core/python_trace.h"
#include "workbench/core/trace.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wb::list {

// One traced list: its Python id() and the line that created it (or where it was first
// seen, for a list made by an expression the tracer does not rewrite).
struct TracedList
{
    std::uint64_t id = 0;
    std::int64_t line = 0;
    bool created = false; // its creation was traced
};

struct PythonListChange
{
    std::int64_t line = 0;
    events::PyList event;   // the change as recorded in the trace
    std::int64_t index = 0; // into lists()
};

class PythonLists
{
public:
    // `python` is the interpreter's version ("3.11.2"): it picks the native growth policy.
    explicit PythonLists(wb::Trace *trace = nullptr, const std::string &python = "3.11");

    // A tracer line: `hello` sets the interpreter's version, other lines than `list` are
    // ignored.
    void add(const wb::pytrace::Json &line);
    void setPython(const std::string &python);

    const std::vector<TracedList> &lists() const { return m_lists; }
    const std::vector<PythonListChange> &changes() const { return m_changes; }
    // Changes whose native allocated differs from CPython's.
    std::size_t mismatches() const { return m_mismatches; }
    GrowthPolicy policy() const { return m_policy; }

private:
    struct Mirror
    {
        std::int64_t index = 0;             // into m_lists
        std::unique_ptr<ListObject> native; // null: not checked (its start was not traced)
    };
    std::optional<std::int64_t> replay(Mirror &m, const std::string &op, std::int64_t before,
                                       std::int64_t after, std::int64_t at);

    wb::Trace *m_trace;
    GrowthPolicy m_policy = GrowthPolicy::CPython311;
    std::vector<TracedList> m_lists;
    std::vector<PythonListChange> m_changes;
    std::map<std::uint64_t, Mirror> m_mirrors;
    std::size_t m_mismatches = 0;
};

// True for the ops that make a new list (a literal, a comprehension, list(), sorted(), ...).
bool isCreation(const std::string &op);

} // namespace wb::list
