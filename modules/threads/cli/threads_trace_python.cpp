// `workbench-cli threads trace-python SCRIPT [--json] [--step --seed S]`: a real Python
// program's threads and synchronisation objects, traced in the machine's python3
// (python/README.md).
#include "threads/core/python_trace.h"

#include "threads/core/recording.h"
#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/python_trace_cli.h"
#include "workbench/core/recording.h"

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace {

namespace cli = wb::cli;
namespace pytrace = wb::pytrace;
using wb::threads::PythonThreadOp;

const char *const kPrefix = "workbench-cli threads";

// The ops the command lists (join and joined feed the trace and the blocked times only).
bool listed(const PythonThreadOp &op)
{
    return op.op != "join" && op.op != "joined";
}

void writeOp(wb::JsonWriter &j, const PythonThreadOp &op)
{
    j.beginObject();
    j.key("thread").value(std::string_view(op.thread));
    j.key("op").value(std::string_view(op.op));
    j.key("primitive").value(std::string_view(op.primitive));
    j.key("line").value(op.line);
    j.key("t_ns").value(op.tNs);
    j.key("ident").value(op.ident);
    j.key("name").value(std::string_view(op.name));
    j.key("obj").value(op.obj);
    if (op.blocked)
        j.key("blocked").value(*op.blocked);
    if (!op.role.empty())
        j.key("role").value(std::string_view(op.role));
    j.endObject();
}

std::string milliseconds(std::int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    return buf;
}

} // namespace

int runThreadsTracePython(cli::Invocation &inv, const std::vector<std::string> &args)
{
    const auto usage = [&](const std::string &message) {
        inv.err << kPrefix << ": trace-python: " << message << '\n';
        return cli::Usage;
    };
    cli::Options opts;
    pytrace::Options o;
    if (auto refusal = pytrace::parseCommand(args, "threads", {"seed", "record"},
                                             {"json", "step", "force"}, opts, o))
        return usage(*refusal);
    if (opts.has("step") != opts.value("seed").has_value())
        return usage("step mode needs both --step and --seed S (the seed picks the order in "
                     "which the threads go).");
    if (auto seed = opts.value("seed")) {
        const auto n = cli::parseInt(*seed);
        if (!n || *n < 0)
            return usage("--seed needs a non-negative integer, not '" + cli::printable(*seed, 40) +
                         "'.");
        o.seed = static_cast<std::uint64_t>(*n);
    }
    std::string refused;
    if (const int code = cli::checkRecordTarget(opts, refused); code != cli::Ok) {
        inv.err << kPrefix << ": trace-python: " << refused << ".\n";
        return code;
    }

    // A recording keeps the program's text, so that the views show it without the file.
    std::string scriptText;
    if (opts.value("record")) {
        std::string error;
        if (const int code = cli::readTextFile(o.script, wb::threads::kMaxPythonScriptBytes,
                                               "script", "a Python 3 program", scriptText, error);
            code != cli::Ok) {
            inv.err << kPrefix << ": trace-python: " << error << '\n';
            return code;
        }
    }

    auto trace = std::make_shared<wb::Trace>();
    wb::threads::PythonThreads threads(trace.get());
    pytrace::TraceRun run(o);
    const pytrace::Result r = run.wait([&](const pytrace::Json &e) { threads.add(e); });
    if (pytrace::refused(r, kPrefix, inv.err))
        return cli::Usage;
    if (opts.value("record")) {
        wb::Recording recording;
        recording.module = "threads";
        recording.view = "timeline";
        recording.trace = trace;
        recording.settings = {{"source", "python"},
                              {"script", scriptText},
                              {"python", r.python},
                              {"mode", o.seed ? "step" : "free"}};
        if (o.seed)
            recording.settings.emplace_back("seed", std::to_string(*o.seed));
        recording.cursor = trace->size();
        if (const int code =
                cli::writeRecordingOption(opts, recording, opts.has("force"), inv.err);
            code != cli::Ok)
            return code;
    }

    const auto summary = threads.summary();
    if (opts.has("json")) {
        wb::JsonWriter j(inv.out);
        j.beginObject();
        j.key("python").value(std::string_view(r.python));
        j.key("mode").value(o.seed ? "step" : "free");
        j.key("seed");
        if (o.seed)
            j.value(*o.seed);
        else
            j.null();
        j.key("events").beginArray();
        for (const auto &op : threads.ops())
            if (listed(op))
                writeOp(j, op);
        j.endArray();
        j.key("summary").beginObject();
        j.key("deadlock").value(summary.deadlock);
        j.key("threads").value(static_cast<std::uint64_t>(summary.threads.size()));
        j.key("thread_names").beginArray();
        for (const auto &name : summary.threads)
            j.value(std::string_view(name));
        j.endArray();
        j.key("max_blocked_ns").beginObject();
        for (const auto &name : summary.threads)
            j.key(name).value(summary.maxBlockedNs.at(name));
        j.endObject();
        if (summary.deadlock) {
            j.key("stuck").beginArray();
            for (const auto &op : summary.stuck)
                writeOp(j, op);
            j.endArray();
        }
        j.endObject();
        pytrace::writeRunFields(j, r);
        j.endObject();
        inv.out << '\n';
    } else {
        for (const auto &op : threads.ops())
            if (listed(op))
                inv.out << milliseconds(op.tNs) << "  line " << op.line << "  " << op.thread
                        << ": " << op.op << ' ' << op.name
                        << (op.blocked.value_or(false) ? " (blocked)" : "") << '\n';
        inv.out << "-- deadlock=" << (summary.deadlock ? "true" : "false")
                << " threads=" << summary.threads.size() << " max_blocked:";
        for (const auto &name : summary.threads)
            inv.out << " \"" << name << "\"=" << milliseconds(summary.maxBlockedNs.at(name));
        inv.out << '\n';
    }
    pytrace::reportRun(inv.err, kPrefix, r, !opts.has("json"));
    return pytrace::exitCode(r.ending);
}
