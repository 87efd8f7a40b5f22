#include "workbench/core/python_trace_cli.h"

namespace wb::pytrace {

std::optional<std::string> parseCommand(const std::vector<std::string> &args,
                                        const std::string &module, std::vector<std::string> values,
                                        std::vector<std::string> flags, wb::cli::Options &opts,
                                        Options &o)
{
    values.insert(values.end(), {"time-limit", "max-events"});
    if (!opts.parse(args, std::move(values), std::move(flags),
                    wb::cli::Positionals::atLeast(1, "SCRIPT [ARGS...]")))
        return opts.error() + "; see `workbench-cli " + module + " --help`";
    o.timeLimitSeconds = kDefaultTimeLimit;
    if (auto t = opts.value("time-limit")) {
        std::size_t used = 0;
        double seconds = 0;
        try {
            seconds = std::stod(*t, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != t->size() || !(seconds > 0) || seconds > 86400)
            return "--time-limit needs a number of seconds from 0 to 86400, not '" +
                   wb::cli::printable(*t, 40) + "'.";
        o.timeLimitSeconds = seconds;
    }
    if (auto m = opts.value("max-events")) {
        const auto n = wb::cli::parseInt(*m);
        if (!n || *n < 1 || *n > 100'000'000)
            return "--max-events needs an integer from 1 to 100000000, not '" +
                   wb::cli::printable(*m, 40) + "'.";
        o.maxEvents = static_cast<std::uint64_t>(*n);
    }
    const auto &pos = opts.positionals();
    o.script = pos.front();
    o.args.assign(pos.begin() + 1, pos.end());
    return std::nullopt;
}

int exitCode(Ending ending)
{
    switch (ending) {
    case Ending::Ok:
        return 0;
    case Ending::Error:
        return 1;
    case Ending::BadInput:
    case Ending::NoPython:
        return 2;
    case Ending::Deadlock:
        return 4;
    case Ending::Limit:
    case Ending::Stopped:
    case Ending::Failure:
        break;
    }
    return 3;
}

bool refused(const Result &r, const std::string &prefix, std::ostream &err)
{
    if (r.ending != Ending::BadInput && r.ending != Ending::NoPython)
        return false;
    err << prefix << ": " << r.message << '\n';
    return true;
}

void writeRunFields(wb::JsonWriter &j, const Result &r)
{
    j.key("status").value(toString(r.ending));
    j.key("message").value(std::string_view(r.message));
    j.key("exit_status").value(r.exitStatus);
    j.key("events_count").value(r.events);
    j.key("wall_ns").value(r.wallNs);
    j.key("stdout").value(std::string_view(r.out));
    if (r.outCut)
        j.key("stdout_cut").value(true);
    j.key("stderr").value(std::string_view(r.err));
    if (r.errCut)
        j.key("stderr_cut").value(true);
}

void reportRun(std::ostream &err, const std::string &prefix, const Result &r, bool withOutput)
{
    if (withOutput) {
        err << r.out;
        if (r.outCut)
            err << "\n"
                << prefix << ": the script's standard output was cut after "
                << wb::cli::humanSize(r.out.size()) << ".\n";
        err << r.err;
        if (r.errCut)
            err << "\n"
                << prefix << ": the script's standard error was cut after "
                << wb::cli::humanSize(r.err.size()) << ".\n";
    }
    if (r.ending != Ending::Ok || r.exitStatus != 0)
        err << prefix << ": " << r.message << '\n';
}

} // namespace wb::pytrace
