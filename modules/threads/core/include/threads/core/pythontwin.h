#pragma once
// A playground script's Python twin: the same program written for CPython 3 with `threading`,
// `queue` and `time.sleep`. Every declaration becomes a module-level primitive of the same
// name, every thread line a function `thread_<n>` run as a `threading.Thread` named
// "Thread-<n>", every operation the call Python offers for it, and every line the module
// prints (`print`, a timed-out wait, a query) is printed by the same thread with the same
// text. Where the playground reports a deadlock, the twin just hangs: CPython detects none.
//
//     const ParseResult parsed = parseScript(text);
//     if (parsed.ok())
//         std::cout << pythonTwin(*parsed.script);    // right: only a script without errors
//
//     pythonTwin(*parseScript(text).script);           // wrong: no script when it has errors

#include "threads/core/playground.h"

#include <string>

namespace wb::threads {

struct PythonTwinOptions
{
    // Seconds of real time per millisecond of script time: 0.001 writes `sleep 10` as
    // time.sleep(0.01). A larger value stretches every sleep and timeout alike, which keeps
    // the order the sleeps force on a busy machine (the differential test uses it).
    double secondsPerMs = 0.001;
};

std::string pythonTwin(const Script &script, const PythonTwinOptions &options = {});

// The identifier a script name gets in the twin: the name itself, or the name followed by
// underscores when it is a Python keyword or a name the twin itself uses (`print`, `time`,
// `thread_1`, `got`, ...) or would then collide with another declared name.
std::string pythonName(const Script &script, std::string_view name);

} // namespace wb::threads
