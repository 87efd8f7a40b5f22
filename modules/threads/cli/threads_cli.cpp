// `workbench-cli threads run SCENARIO [--seed N] [--mode free|step] [--json]`
#include "threads/core/events.h"
#include "threads/core/playground.h"
#include "threads/core/pythontwin.h"
#include "threads/core/recording.h"
#include "threads/core/scenarios.h"

#include "workbench/core/cli.h"
#include "workbench/core/json.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

// threads_trace_python.cpp
int runThreadsTracePython(wb::cli::Invocation &inv, const std::vector<std::string> &args);

namespace {

using namespace wb::threads;

const char *kUsage =
    "Usage: workbench-cli threads run SCENARIO [--seed N] [--mode free|step] [--json]\n"
    "                                          [--record FILE [--force]]\n"
    "       workbench-cli threads run playground [--script FILE | --script-text TEXT] ...\n"
    "       workbench-cli threads run playground [--script FILE | ...] --as-python\n"
    "       workbench-cli threads list\n"
    "       workbench-cli threads trace-python SCRIPT [ARGS...] [--json] [--step --seed S]\n"
    "                     [--time-limit S] [--max-events N] [--record FILE [--force]]\n"
    "Runs one of Python's synchronization lessons on real threads and prints its console\n"
    "lines. With --seed the threads are step-scheduled by a seeded chooser: the same seed\n"
    "gives the same interleaving. --json prints the scenario's events and a summary.\n"
    "The playground runs your own script, e.g. (one thread per line):\n"
    "    lock A\n"
    "    lock B\n"
    "    T1: acquire A; sleep 10; acquire B; release B; release A\n"
    "    T2: acquire B; sleep 10; acquire A; release A; release B\n"
    "Declarations: lock, rlock, semaphore NAME [VALUE], bounded NAME [VALUE], event,\n"
    "queue NAME [MAXSIZE], condition NAME [on LOCK]. Operations: acquire X [timeout MS],\n"
    "release X, wait X [timeout MS], notify C [N], notify_all C, set E, clear E,\n"
    "put Q N [timeout MS], get Q [timeout MS], task_done Q, join Q, sleep MS, print TEXT.\n"
    "Without a script the playground runs its first preset (two locks in opposite order).\n"
    "--as-python prints the script's Python 3 twin (threading, queue, time.sleep; the same\n"
    "names and prints) instead of running it.\n"
    "--record FILE also keeps the run as a recording that `workbench --open FILE` shows in\n"
    "the timeline, without running anything again (an existing FILE is kept unless\n"
    "--force).\n"
    "trace-python runs your own Python 3 script in this machine's python3 under the tracer\n"
    "and prints its threads' operations on Lock, RLock, Condition, Semaphore, Event and\n"
    "Queue; --json: {\"python\", \"events\": [{\"thread\", \"op\", \"primitive\", \"line\",\n"
    "\"t_ns\"}], \"summary\": {\"deadlock\", \"threads\", \"max_blocked_ns\"}}. --step --seed S\n"
    "lets one thread go at a time, chosen by a seeded chooser (same seed, same order). Time\n"
    "limit 10 s by default. Exit codes: 0 it ended, 1 it raised, 2 bad input or no python3,\n"
    "3 a limit stopped it, 4 deadlock (the script is ended).\n";

// The playground's script from --script FILE or --script-text TEXT; an error sentence
// (and no script, `code` set) when the file cannot be read or is not a short text file.
std::optional<std::string> readScript(const wb::cli::Options &opts, std::string &error, int &code)
{
    if (auto text = opts.value("script-text"))
        return *text;
    const auto path = opts.value("script");
    if (!path)
        return std::string();
    std::string text;
    code = wb::cli::readTextFile(*path, kMaxScriptBytes, "script file", "a playground script",
                                 text, error);
    if (code != wb::cli::Ok)
        return std::nullopt;
    return text;
}

void writeSummary(wb::JsonWriter &j, const Summary &s)
{
    j.beginObject();
    if (s.maxConcurrentWriters)
        j.key("max_concurrent_writers").value(*s.maxConcurrentWriters);
    if (s.produced)
        j.key("produced").value(*s.produced);
    if (s.consumed)
        j.key("consumed").value(*s.consumed);
    j.key("deadlock").value(s.deadlock);
    if (s.deadlock) {
        j.key("cycle").beginArray();
        for (const auto &name : s.cycle)
            j.value(std::string_view(name));
        j.endArray();
        j.key("deadlock_description").value(std::string_view(s.deadlockDescription));
    }
    if (s.error) {
        j.key("error").value(std::string_view(*s.error));
        j.key("error_type").value(std::string_view(s.errorType.value_or("")));
    }
    j.key("stopped").value(s.stopped);
    for (const auto &f : s.extra)
        j.key(f.key).value(f.value);
    j.endObject();
}

void writeEvent(wb::JsonWriter &j, const wb::Event &e)
{
    // Every declared event starts with its primitive and layer; reading it as its struct
    // also checks it against its declaration (events.h).
    std::string primitive, layer;
    if (!events::ThreadsEvents::visit(e, [&](const auto &typed) {
            primitive = typed.primitive;
            layer = typed.layer;
        }))
        throw std::logic_error("threads: event kind \"" + e.kind + "\" is not declared");
    j.beginObject();
    j.key("seq").value(e.seq);
    j.key("t_ns").value(e.tNs);
    j.key("thread").value(std::string_view(threadName(e.thread)));
    j.key("primitive").value(std::string_view(primitive));
    j.key("event").value(std::string_view(e.kind));
    j.key("layer").value(std::string_view(layer));
    j.key("label").value(std::string_view(e.label));
    j.key("file").value(e.where.fileName());
    j.key("line").value(static_cast<std::uint64_t>(e.where.line));
    for (const auto &f : e.fields)
        if (f.key != "primitive" && f.key != "layer")
            j.key(f.key).value(f.value);
    j.endObject();
}

std::string summaryLine(const Summary &s)
{
    std::string out = "-- " + s.scenario + ":";
    if (s.maxConcurrentWriters)
        out += " max_concurrent_writers=" + std::to_string(*s.maxConcurrentWriters);
    if (s.produced)
        out += " produced=" + std::to_string(*s.produced);
    if (s.consumed)
        out += " consumed=" + std::to_string(*s.consumed);
    out += std::string(" deadlock=") + (s.deadlock ? "true" : "false");
    if (s.deadlock) {
        out += " cycle=";
        for (std::size_t i = 0; i < s.cycle.size(); ++i)
            out += (i ? "," : "") + s.cycle[i];
    }
    if (s.error)
        out += " error=\"" + s.errorType.value_or("") + ": " + *s.error + "\"";
    return out;
}

int runThreads(wb::cli::Invocation &inv)
{
    const auto fail = [&](int code, const std::string &msg) {
        inv.err << "workbench-cli threads: " << msg << '\n';
        return code;
    };
    if (inv.args.empty())
        return fail(wb::cli::Usage, "give a command: run SCENARIO, or list.");
    const std::string command = inv.args.front();
    std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
    if (command == "list") {
        if (auto refusal = wb::cli::refuseArguments(rest))
            return fail(wb::cli::Usage, "list: " + *refusal + ".");
        for (const auto &s : scenarios())
            inv.out << s.id << '\t' << s.title << '\n';
        return wb::cli::Ok;
    }
    if (command == "trace-python")
        return runThreadsTracePython(inv, rest);
    if (command != "run")
        return fail(wb::cli::Usage,
                    "unknown command '" + command + "'; use `run SCENARIO` or `list`.");
    wb::cli::Options opts;
    if (!opts.parse(rest, {"seed", "mode", "script", "script-text", "record"},
                    {"json", "as-python", "force"},
                    wb::cli::Positionals::exactly(
                        1, "one SCENARIO (`workbench-cli threads list` shows them)")))
        return fail(wb::cli::Usage, "run: " + opts.error() + ".");
    const std::string id = opts.positionals().front();
    if (!isScenario(id))
        return fail(wb::cli::Usage, "unknown scenario '" + id +
                                        "'; `workbench-cli threads list` shows the available "
                                        "ones.");
    ScenarioOptions options;
    if (opts.value("script") || opts.value("script-text")) {
        if (id != "playground")
            return fail(wb::cli::Usage, "--script and --script-text belong to the playground "
                                        "scenario, not '" +
                                            id + "'.");
        if (opts.value("script") && opts.value("script-text"))
            return fail(wb::cli::Usage, "give either --script FILE or --script-text TEXT, not "
                                        "both.");
        std::string error;
        int code = wb::cli::Ok;
        const auto script = readScript(opts, error, code);
        if (!script)
            return fail(code, error);
        options.script = *script;
        if (options.script.find_first_not_of(" \t\r\n") == std::string::npos)
            return fail(wb::cli::Usage, "the script is empty; leave out --script to run the "
                                        "first preset.");
        const ParseResult parsed = parseScript(options.script);
        if (!parsed.ok()) {
            inv.err << "workbench-cli threads: the script has " << parsed.errors.size()
                    << (parsed.errors.size() == 1 ? " error" : " errors") << ":\n";
            for (const auto &e : parsed.errors)
                inv.err << "  " << opts.value("script").value_or("script") << ":" << e.line << ":"
                        << e.column << ": " << e.message << '\n';
            return wb::cli::Usage;
        }
    }
    if (opts.has("as-python")) {
        if (id != "playground")
            return fail(wb::cli::Usage,
                        "--as-python belongs to the playground scenario, not '" + id + "'.");
        if (opts.has("json") || opts.value("seed") || opts.value("mode") || opts.value("record"))
            return fail(wb::cli::Usage, "--as-python prints the program and runs nothing: "
                                        "leave out --json, --seed, --mode and --record.");
        const ParseResult parsed =
            parseScript(options.script.empty() ? scriptPresets().front().script : options.script);
        inv.out << pythonTwin(*parsed.script);
        return wb::cli::Ok;
    }
    if (auto seed = opts.value("seed")) {
        const auto n = wb::cli::parseInt(*seed);
        if (!n || *n < 0)
            return fail(wb::cli::Usage,
                        "--seed needs a non-negative integer, not '" + *seed + "'.");
        options.seed = static_cast<std::uint64_t>(*n);
        options.mode = Mode::Step;
    }
    if (auto mode = opts.value("mode")) {
        const auto m = modeFromString(*mode);
        if (!m || *m == Mode::Paced)
            return fail(wb::cli::Usage, "--mode is free or step, not '" + *mode + "'.");
        options.mode = *m;
    }

    std::string refused;
    if (const int code = wb::cli::checkRecordTarget(opts, refused); code != wb::cli::Ok)
        return fail(code, refused + ".");

    wb::Trace trace;
    ScenarioRun run(id, options, trace);
    run.start();
    // A watchdog: a scenario that has not ended after 60 s is stopped (it cannot hang).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!run.finished() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const bool timedOut = !run.finished();
    run.stop();
    run.wait();
    const Summary summary = run.summary();

    // The recording first: a refused target leaves nothing written, not even the output.
    if (opts.value("record")) {
        RecordedRun recorded;
        recorded.scenario = id;
        recorded.mode = options.mode == Mode::Free ? RecordedMode::Free : RecordedMode::Step;
        // Step mode without --seed runs the chooser with seed 0, as the views would show it.
        recorded.seed = options.mode == Mode::Step ? options.seed.value_or(0) : options.seed;
        recorded.script = options.script.empty() ? scriptPresets().front().script : options.script;
        recorded.summary = summary;
        wb::Recording r;
        r.module = "threads";
        r.view = "timeline";
        r.settings = recordingSettings(recorded);
        auto kept = std::make_shared<wb::Trace>();
        for (std::size_t i = 0; i < trace.size(); ++i)
            kept->appendRecorded(trace.at(i));
        r.trace = std::move(kept);
        r.cursor = trace.size();
        std::ostringstream why;
        if (const int code = wb::cli::writeRecordingOption(opts, r, opts.has("force"), why)) {
            inv.err << "workbench-cli threads: " << why.str();
            return code;
        }
    }

    if (opts.has("json")) {
        wb::JsonWriter j(inv.out);
        j.beginObject();
        j.key("scenario").value(std::string_view(id));
        j.key("seed");
        if (options.seed)
            j.value(*options.seed);
        else
            j.null();
        j.key("mode").value(toString(options.mode));
        j.key("events").beginArray();
        for (std::size_t i = 0; i < trace.size(); ++i)
            writeEvent(j, trace.at(i));
        j.endArray();
        j.key("console").beginArray();
        for (const auto &line : run.console())
            j.value(std::string_view(line));
        j.endArray();
        j.key("summary");
        writeSummary(j, summary);
        j.endObject();
        inv.out << '\n';
    } else {
        for (const auto &line : run.console())
            inv.out << line << '\n';
        inv.out << summaryLine(summary) << '\n';
    }
    if (timedOut)
        return fail(wb::cli::Failure, "the scenario did not finish within 60 s and was "
                                      "stopped; please report this as a bug.");
    return wb::cli::Ok;
}

} // namespace

void wbRegisterCli_threads(wb::cli::Registry &registry)
{
    registry.add({"threads", "Thread synchronization: Python's primitives on real threads", kUsage,
                  runThreads});
}
