#pragma once
// Runs a learner's Python 3 script under the workbench's tracer (the `wbtrace` package,
// python/README.md) in the machine's own `python3`, and hands over what CPython did as one
// parsed JSON object per event line. Qt-free and POSIX-only.
//
//     wb::pytrace::Options o;
//     o.script = "fetch.py";
//     o.timeLimitSeconds = 10;
//     wb::pytrace::TraceRun run(o);                 // another thread may call run.stop()
//     const auto result = run.wait([&](const wb::pytrace::Json &e) {
//         if (e.str("type") == "thread") ...;   // called on the caller's thread, in order
//     });
//     if (result.ending == wb::pytrace::Ending::BadInput) std::cerr << result.message;
//
// The child runs in its own process group, with the events on their own pipe (descriptor 3)
// and the script's standard output and error captured separately, each up to a bound. Stop,
// a limit, a deadlock or the end of the script end the whole group: when wait() returns, no
// process of the run is left, and none is a zombie.

#include "workbench/core/json.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wb::pytrace {

// The parsed JSON values the events arrive as (workbench/core/json.h).
using wb::Json;
using wb::parseJson;

struct Options
{
    std::string script;                // the learner's file
    std::vector<std::string> args;     // the script's own sys.argv[1:]
    std::optional<std::uint64_t> seed; // step mode with a seeded chooser
    std::uint64_t maxEvents = 1'000'000;
    double timeLimitSeconds = 0;          // 0: none
    std::size_t maxLineBytes = 8 << 20;   // one event line at most
    std::size_t maxOutputBytes = 1 << 20; // per stream: the script's stdout and its stderr
    std::string python;                   // the interpreter; empty: `python3` on PATH
    std::string packageDir;               // the folder holding wbtrace; empty: packageDirectory()
};

enum class Ending {
    Ok,       // the script ended (status "ok" or "exit")
    Error,    // the script raised, or has a syntax error: `error` holds the tracer's line
    Limit,    // the event cap or the time limit stopped it
    Stopped,  // stop() was called
    Deadlock, // every thread blocked: `deadlock` holds the tracer's line
    BadInput, // the tracer refused the script (missing, a folder, binary, not UTF-8, ...)
    NoPython, // no python3 to run it with, or no tracer package
    Failure,  // the child died or talked nonsense
};

const char *toString(Ending e);

struct Result
{
    Ending ending = Ending::Failure;
    std::string message; // one sentence for the learner
    int exitStatus = -1; // the child's exit status, or -signal when it was killed
    int pid = -1;        // the child's process id, also its process group's
    std::string python;  // "3.11.2", from the hello line
    std::optional<Json> hello, error, limit, deadlock, end;
    std::uint64_t events = 0; // list and thread lines received
    std::string out, err;     // the script's standard output and error, up to the bound
    bool outCut = false, errCut = false;
    std::int64_t wallNs = 0;
};

// The folder holding the wbtrace package: $WB_PYTRACE_DIR when set, else the installed
// copy beside the executable (<prefix>/share/internals-workbench/python), else the source
// tree this build came from. Empty when none holds wbtrace/__main__.py.
std::string packageDirectory();

// `text` as a string that lives as long as the process, the same pointer for equal texts: a
// script's path as an event's SourceLocation file.
const char *internText(std::string_view text);

// The first executable `python3` on $PATH, or empty.
std::string findPython3();

class TraceRun
{
public:
    explicit TraceRun(Options options);
    ~TraceRun();
    TraceRun(const TraceRun &) = delete;
    TraceRun &operator=(const TraceRun &) = delete;

    // Starts the child and reads it to the end; `onEvent` sees every line (hello first, end
    // last when the tracer wrote one), in order. Call once.
    Result wait(const std::function<void(const Json &)> &onEvent);

    // From any thread: ends the run at once (the child's group is killed).
    void stop();

private:
    Options m_options;
    std::atomic<bool> m_stop{false};
    int m_wake[2] = {-1, -1};
};

} // namespace wb::pytrace
