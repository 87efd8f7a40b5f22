#pragma once
// What the `workbench-cli <module> trace-python SCRIPT` commands share: their options for the
// run's limits, their exit codes, and how the run's ending and the script's own output are
// reported.
//
//     wb::cli::Options opts;
//     wb::pytrace::Options o;
//     if (auto refusal = wb::pytrace::parseCommand(args, "list", {}, {"json"}, opts, o))
//         return usage(*refusal);
//     ...
//     return wb::pytrace::exitCode(result.ending);

#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/python_trace.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace wb::pytrace {

inline constexpr double kDefaultTimeLimit = 10;

// The command line of `<module> trace-python`: SCRIPT [ARGS...], --time-limit SECONDS
// (default 10) and --max-events N (default 1,000,000) into `o`, with the command's own value
// options and flags parsed into `opts`; a refusal sentence when something is wrong.
std::optional<std::string> parseCommand(const std::vector<std::string> &args,
                                        const std::string &module, std::vector<std::string> values,
                                        std::vector<std::string> flags, wb::cli::Options &opts,
                                        Options &o);

// 0 the script ended, 1 it raised (or has a syntax error), 2 bad input or no python3,
// 3 a limit, Stop or a failure ended the run, 4 deadlock.
int exitCode(Ending ending);

// A run that never started the script (bad input, no python3): its sentence on `err` and
// true; the command then exits 2.
bool refused(const Result &r, const std::string &prefix, std::ostream &err);

// "status", "message", "stdout", "stderr" (and "stdout_cut"/"stderr_cut" when the bound cut
// them), "exit_status", "wall_ns", "events", inside an open object.
void writeRunFields(wb::JsonWriter &j, const Result &r);

// The script's own output (unless `withOutput` is false: --json holds it), then the ending
// as one sentence unless it ended well.
void reportRun(std::ostream &err, const std::string &prefix, const Result &r,
               bool withOutput = true);

} // namespace wb::pytrace
