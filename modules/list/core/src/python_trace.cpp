#include "list/core/python_trace.h"

#include <charconv>
#include <string_view>

namespace wb::list {

namespace {

using events::Ints;
using wb::pytrace::Json;

// "3.8.18" -> {3, 8}.
std::pair<int, int> versionOf(const std::string &python)
{
    int major = 0, minor = 0;
    const char *p = python.data();
    const char *end = p + python.size();
    auto r = std::from_chars(p, end, major);
    if (r.ptr < end && *r.ptr == '.')
        std::from_chars(r.ptr + 1, end, minor);
    return {major, minor};
}

Ints intsOf(const Json *array)
{
    Ints out;
    if (!array)
        return out;
    out.reserve(array->asArray().size());
    for (const auto &v : array->asArray())
        out.push_back(v.asInt());
    return out;
}

} // namespace

bool isCreation(const std::string &op)
{
    return op == "literal" || op == "listcomp" || op == "list()" || op == "concat" ||
           op == "repeat" || op == "sorted";
}

PythonLists::PythonLists(wb::Trace *trace, const std::string &python) : m_trace(trace)
{
    setPython(python);
}

void PythonLists::setPython(const std::string &python)
{
    const auto [major, minor] = versionOf(python);
    // bpo-38373 changed list_resize's over-allocation in 3.9.
    m_policy = (major == 3 && minor < 9) ? GrowthPolicy::CPython27 : GrowthPolicy::CPython311;
}

std::optional<std::int64_t> PythonLists::replay(Mirror &m, const std::string &op,
                                                std::int64_t before, std::int64_t after,
                                                std::int64_t at)
{
    ListObject &l = *m.native;
    const std::int64_t delta = after - before;
    const auto zeros = [](std::int64_t n) {
        return std::vector<std::int64_t>(static_cast<std::size_t>(n), 0);
    };
    if (op == "append") {
        l.append(0);
    } else if (op == "insert") {
        l.insert(at, 0);
    } else if (op == "pop") {
        l.pop(at);
    } else if (op == "remove" || op == "del" || op == "delslice") {
        if (delta < 0)
            l.delSlice(at, at - delta);
    } else if (op == "setslice") {
        // list_ass_slice resizes by the difference in length alone.
        if (delta > 0)
            l.assignSlice(at, at, zeros(delta));
        else if (delta < 0)
            l.delSlice(at, at - delta);
    } else if (op == "extend" || op == "+=") {
        if (delta > 0)
            l.extend(zeros(delta));
    } else if (op == "*=") {
        // list_inplace_repeat: n < 1 clears, otherwise one list_resize to size * n.
        if (after == 0)
            l.clear();
        else if (delta > 0)
            l.extend(zeros(delta));
    } else if (op == "clear") {
        l.clear();
    } else if (op == "reverse" || op == "sort") {
        // The block and its size stay.
    } else {
        return std::nullopt;
    }
    if (l.size() != after)
        return std::nullopt; // the mirror lost step with the real list
    return l.allocated();
}

void PythonLists::add(const Json &line)
{
    const std::string type = line.str("type");
    if (type == "hello")
        setPython(line.str("python"));
    if (type != "list")
        return;
    events::PyList e;
    e.op = line.str("op");
    e.list = static_cast<std::uint64_t>(line.integer("list"));
    e.size = line.integer("len");
    e.allocated = line.integer("allocated");
    e.prevAllocated = line.integer("prev_allocated");
    e.block = static_cast<std::uint64_t>(line.integer("block"));
    e.moved = line.flag("moved");
    e.at = line.integer("at");
    e.items = intsOf(line.find("items"));
    e.more = line.flag("more");
    if (line.has("comparisons"))
        e.comparisons = static_cast<std::uint64_t>(line.integer("comparisons"));
    if (const Json *pairs = line.find("pairs")) {
        Ints flat;
        flat.reserve(pairs->asArray().size() * 2);
        for (const auto &p : pairs->asArray())
            for (const auto &v : p.asArray())
                flat.push_back(v.asInt());
        e.pairs = std::move(flat);
    }
    if (line.flag("failed"))
        e.failed = true;
    const std::int64_t lineNo = line.integer("line");

    auto found = m_mirrors.find(e.list);
    const bool creation = isCreation(e.op);
    if (creation || found == m_mirrors.end()) {
        Mirror m;
        m.index = static_cast<std::int64_t>(m_lists.size());
        m_lists.push_back({e.list, lineNo, creation});
        if (creation)
            m.native = std::make_unique<ListObject>(m_policy);
        found = m_mirrors.insert_or_assign(e.list, std::move(m)).first;
        if (creation) {
            ListObject &l = *found->second.native;
            // A comprehension appends one by one; a display built with BUILD_LIST n is one
            // PyList_New(n); the others extend an empty list (list_extend's exact
            // preallocation).
            const std::vector<std::int64_t> zeros(static_cast<std::size_t>(e.size), 0);
            if (e.op == "listcomp") {
                for (std::int64_t i = 0; i < e.size; ++i)
                    l.append(0);
            } else if (e.op == "literal" && line.str("built") == "new") {
                found->second.native = std::make_unique<ListObject>(m_policy, nullptr, e.size);
                if (e.size > 0)
                    found->second.native->assignSlice(0, e.size, zeros);
            } else if (e.size > 0) {
                l.extend(zeros);
            }
            e.nativeAllocated = found->second.native->allocated();
        }
    } else if (found->second.native) {
        Mirror &m = found->second;
        const std::int64_t before = m.native->size();
        std::optional<std::int64_t> native;
        try {
            native = replay(m, e.op, before, e.size, e.at);
        } catch (const PyException &) {
            native.reset();
        }
        if (native)
            e.nativeAllocated = *native;
        else
            m.native.reset();
    }
    if (e.nativeAllocated && *e.nativeAllocated != e.allocated)
        ++m_mismatches;

    if (m_trace) {
        wb::Event ev = wb::toEvent(e, e.op + " on list " + std::to_string(e.list) + ": size " +
                                          std::to_string(e.size) + ", " +
                                          std::to_string(e.allocated) + " slots");
        ev.where.file = wb::pytrace::internText(line.str("file"));
        ev.where.line = static_cast<std::uint32_t>(lineNo > 0 ? lineNo : 0);
        ev.where.function = "";
        m_trace->appendStamped(std::move(ev), line.integer("t_ns"));
    }
    m_changes.push_back({lineNo, std::move(e), found->second.index});
}

} // namespace wb::list
