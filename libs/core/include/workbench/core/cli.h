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

// A small option parser for handlers: `--name value`, `--name=value`, `--flag`, positionals.
// Unknown options are errors, so typos never pass silently.
class Options
{
public:
    // valueOptions take an argument; flags do not. Returns false and sets error() on misuse.
    bool parse(const std::vector<std::string> &args, std::vector<std::string> valueOptions,
               std::vector<std::string> flags);
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

// Strict integer parsing: the whole string must be a base-10 integer in range.
std::optional<std::int64_t> parseInt(std::string_view s);

} // namespace wb::cli
