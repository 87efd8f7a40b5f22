// `workbench-cli list trace-python SCRIPT [--json]`: a real Python program's lists, traced in
// the machine's python3 (python/README.md), with the native list's allocated sizes beside.
#include "list/core/python_trace.h"

#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/python_trace_cli.h"

#include <ostream>
#include <string>
#include <vector>

namespace {

namespace cli = wb::cli;
namespace pytrace = wb::pytrace;

const char *const kPrefix = "workbench-cli list";

void writeJson(std::ostream &out, const pytrace::Result &r, const wb::list::PythonLists &lists)
{
    wb::JsonWriter j(out);
    j.beginObject();
    j.key("python").value(std::string_view(r.python));
    j.key("lists").beginArray();
    for (const auto &l : lists.lists()) {
        j.beginObject();
        j.key("id").value(l.id);
        j.key("line").value(l.line);
        j.key("created").value(l.created);
        j.endObject();
    }
    j.endArray();
    j.key("events").beginArray();
    for (const auto &c : lists.changes()) {
        const auto &e = c.event;
        j.beginObject();
        j.key("line").value(c.line);
        j.key("list").value(e.list);
        j.key("op").value(std::string_view(e.op));
        j.key("size").value(e.size);
        j.key("allocated").value(e.allocated);
        j.key("moved").value(e.moved);
        j.key("prev_allocated").value(e.prevAllocated);
        j.key("block").value(e.block);
        if (e.comparisons)
            j.key("comparisons").value(*e.comparisons);
        if (e.nativeAllocated)
            j.key("native_allocated").value(*e.nativeAllocated);
        if (e.failed)
            j.key("failed").value(true);
        j.endObject();
    }
    j.endArray();
    j.key("native_policy")
        .value(lists.policy() == wb::list::GrowthPolicy::CPython27 ? "cpython27" : "cpython311");
    j.key("native_mismatches").value(static_cast<std::uint64_t>(lists.mismatches()));
    pytrace::writeRunFields(j, r);
    j.endObject();
    out << '\n';
}

} // namespace

int runListTracePython(cli::Invocation &inv, const std::vector<std::string> &args)
{
    const auto usage = [&](const std::string &message) {
        inv.err << kPrefix << ": trace-python: " << message << '\n';
        return cli::Usage;
    };
    cli::Options opts;
    pytrace::Options o;
    if (auto refusal = pytrace::parseCommand(args, "list", {}, {"json"}, opts, o))
        return usage(*refusal);

    wb::list::PythonLists lists;
    pytrace::TraceRun run(o);
    const pytrace::Result r = run.wait([&](const pytrace::Json &e) { lists.add(e); });
    if (pytrace::refused(r, kPrefix, inv.err))
        return cli::Usage;
    if (opts.has("json")) {
        writeJson(inv.out, r, lists);
    } else {
        for (const auto &c : lists.changes())
            inv.out << c.line << ' ' << c.event.list << ' ' << c.event.op
                    << " size=" << c.event.size << " allocated=" << c.event.allocated
                    << " moved=" << (c.event.moved ? "yes" : "no") << '\n';
        if (lists.mismatches())
            inv.err << kPrefix << ": the native list allocates differently at "
                    << lists.mismatches() << " of these changes (see --json, native_allocated).\n";
    }
    pytrace::reportRun(inv.err, kPrefix, r, !opts.has("json"));
    return pytrace::exitCode(r.ending);
}
