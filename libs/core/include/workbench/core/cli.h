#pragma once
// The headless command line, `workbench-cli <module> <command> ...`, without Qt.
//
// Each module registers itself from its own folder (see workbench_add_cli in
// cmake/Workbench.cmake):
//
//     void wbRegisterCli_list(wb::cli::Registry &r) {
//         r.add({"list", "The CPython list object and timsort", listUsage, runList});
//     }
//
// A handler returns the process exit code: 0 success, 1 a negative answer the command
// defines (e.g. "signature invalid"), 2 a usage error, 3 a runtime failure. Errors are one
// sentence on `err`, saying what to do.

#include "workbench/core/recording.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb::cli {

enum Exit : int { Ok = 0, Negative = 1, Usage = 2, Failure = 3 };

struct Invocation
{
    std::vector<std::string> args; // after the module id
    std::istream &in;
    std::ostream &out;
    std::ostream &err;
};

struct ModuleCommands
{
    std::string id;
    std::string summary;
    std::string usage; // lines shown by `workbench-cli <id> --help`
    std::function<int(Invocation &)> run;
};

class Registry
{
public:
    void add(ModuleCommands m);
    const ModuleCommands *find(std::string_view id) const;
    const std::vector<ModuleCommands> &modules() const { return m_modules; }

private:
    std::vector<ModuleCommands> m_modules;
};

// How many positional arguments a command takes, and their names for messages ("IN OUT",
// "ALG", "FILE..."). The parser refuses fewer than `min` or more than `max`.
struct Positionals
{
    std::size_t min = 0;
    std::size_t max = 0;
    std::string names;

    static Positionals none() { return {}; }
    static Positionals exactly(std::size_t n, std::string names)
    {
        return {n, n, std::move(names)};
    }
    static Positionals atLeast(std::size_t n, std::string names)
    {
        return {n, SIZE_MAX, std::move(names)};
    }
};

// The one option parser every module's commands use: `--name value`, `--name=value`,
// `--flag`, positionals, and `--` before positionals that start with "--". It refuses, with
// one sentence in error(), everything a person may type by mistake: an option the command
// does not take, an option given twice, a flag given a value, a value option without one,
// and too few or too many positionals. Declare exactly what the command uses:
//
//     opts.parse(args, {"password-file"}, {"force"}, Positionals::exactly(2, "IN OUT"));  // right
//     opts.parse(args, {"password-file", "iterations"}, {"force"}, ...);  // wrong for a command
//                                       // that ignores --iterations: the typo passes silently
class Options
{
public:
    // valueOptions take an argument; flags do not. Returns false and sets error() on misuse.
    bool parse(const std::vector<std::string> &args, std::vector<std::string> valueOptions,
               std::vector<std::string> flags, Positionals positionals = Positionals::none());
    bool has(std::string_view name) const;
    std::optional<std::string> value(std::string_view name) const;
    std::string valueOr(std::string_view name, std::string fallback) const;
    const std::vector<std::string> &positionals() const { return m_positionals; }
    const std::string &error() const { return m_error; }

private:
    std::vector<std::pair<std::string, std::string>> m_values;
    std::vector<std::string> m_flags;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

// A refusal for the arguments after a command that takes none (`modules extra`,
// `threads list x`): nullopt when `args` is empty, else the sentence to print.
std::optional<std::string> refuseArguments(const std::vector<std::string> &args);

// `text` made safe to print on a terminal and in a sentence: printable ASCII and valid UTF-8
// pass, every other byte (control characters, escape sequences, invalid UTF-8) becomes
// `\xNN`; at most `limit` bytes of the input are shown, then "...".
std::string printable(std::string_view text, std::size_t limit = 200);

// A short text file a person wrote (a password file, a script), read whole. Refused with one
// sentence in `error`: a directory or other non-file, more than `limit` bytes ("password file
// is 1.0 GiB; expected a short passphrase"), a byte-order mark, NUL or other control bytes
// (tab, CR and LF pass) or invalid UTF-8. `what` names the file in sentences ("password
// file"), `expected` says what belongs in it ("a short passphrase"). Pipes (`<(echo pw)`)
// work. Returns Ok, Usage (wrong content or kind of file) or Failure (cannot open or read).
int readTextFile(const std::string &path, std::size_t limit, std::string_view what,
                 std::string_view expected, std::string &text, std::string &error);

// `--record FILE` on a command that makes a trace: keeps the run as a recording that
// `workbench --open FILE` shows without running it again (docs/recording-format.md). Does
// nothing when `opts` has no "record" (declare it among the command's value options). An
// existing FILE is kept unless `overwrite` (the command's --force). A recording without a
// module version gets the project's, the version every module plugin carries. Returns Ok, or
// Usage (a folder, a missing folder or an existing file as the target) / Failure (the system
// refused) after one
// sentence on `err`; nothing half written is left either way.
int writeRecordingOption(const Options &opts, const Recording &recording, bool overwrite,
                         std::ostream &err);
// Checks the `--record` target of `opts` before anything runs, so that a refused target costs
// no run and prints nothing else: Ok (no --record, or a file that can be written), Usage (a
// folder, an existing file without --force, a file in a folder that does not exist, --force
// without --record) or Failure (the system refuses: no permission, a read-only disk), with a
// sentence in `sentence`. writeRecordingOption checks again as it writes.
int checkRecordTarget(const Options &opts, std::string &sentence);
// "512 B", "4.0 KiB", "1.0 GiB": sizes in the sentences above.
std::string humanSize(std::uint64_t bytes);

// Strict integer parsing: the whole string must be a base-10 integer in range.
std::optional<std::int64_t> parseInt(std::string_view s);

} // namespace wb::cli
