// `workbench-cli list ...`: the list object and timsort without a display.
#include "list/core/listobject.h"
#include "list/core/ops.h"
#include "list/core/timsort.h"
#include "list/core/viewsort.h"
#include "workbench/core/cli.h"
#include "workbench/core/json.h"

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// list_trace_python.cpp
int runListTracePython(wb::cli::Invocation &inv, const std::vector<std::string> &args);

namespace {

using namespace wb::list;
namespace cli = wb::cli;

const char *const kUsage =
    "Usage: workbench-cli list <command> [options]\n"
    "\n"
    "  growth [--policy cpython27|cpython311] --appends N\n"
    "      Append N items to an empty list; print one line per reallocation:\n"
    "      <size that caused it> <new allocated>.\n"
    "  sort [--policy cpython27|cpython311|tutorial] [--json] [--record FILE [--force]]\n"
    "      Read whitespace-separated integers from stdin and print them sorted by timsort.\n"
    "      --json: {\"minrun\", \"runs\", \"merges\", \"comparisons\", \"sorted\"}.\n"
    "      --record FILE: also keep the sort as a recording that `workbench --open FILE`\n"
    "      shows in the timsort view, with those integers and that policy, without sorting\n"
    "      again (an existing FILE is kept unless --force).\n"
    "  ops [--policy cpython27|cpython311] OP...\n"
    "      Run list operations from an empty list and print the state after each one as a\n"
    "      JSON line {\"op\", \"size\", \"allocated\", \"items\"}. Each OP is one argument:\n"
    "      \"append V\" \"insert I V\" pop \"pop I\" \"remove V\" \"extend V...\" \"del I J\"\n"
    "      clear reverse sort\n"
    "  trace-python SCRIPT [ARGS...] [--json] [--time-limit S] [--max-events N]\n"
    "      Run your Python 3 script in this machine's python3 under the tracer and print\n"
    "      one line per list change: <line> <list-id> <op> size=<n> allocated=<m>\n"
    "      moved=<yes|no>. --json: {\"python\", \"lists\": [{\"id\", \"line\"}], \"events\":\n"
    "      [{\"line\", \"list\", \"op\", \"size\", \"allocated\", \"moved\", ...}]}, a sort\n"
    "      with \"comparisons\", and \"native_allocated\": what the native list allocates\n"
    "      after the same operations. The script's own output goes to standard error.\n"
    "      Time limit 10 s, at most 1000000 events by default. Exit codes: 0 it ended,\n"
    "      1 it raised, 2 bad input or no python3, 3 a limit stopped it, 4 deadlock.\n"
    "\n"
    "--policy defaults to cpython311.\n"
    "Exit codes: 0 ok, 1 an operation raised a Python exception, 2 bad usage or input.\n";

constexpr std::int64_t kMaxAppends = 100'000'000;

int usageError(cli::Invocation &inv, const std::string &message)
{
    inv.err << "workbench-cli list: " << message << '\n';
    return cli::Usage;
}

template <class Policy, class Parse>
std::optional<Policy> policyOption(cli::Invocation &inv, const cli::Options &opts, Parse parse,
                                   const char *choices)
{
    const std::string name = opts.valueOr("policy", "cpython311");
    auto p = parse(name);
    if (!p)
        inv.err << "workbench-cli list: unknown policy '" << name << "'; use " << choices << ".\n";
    return p;
}

int runGrowth(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!opts.parse(args, {"policy", "appends"}, {}))
        return usageError(inv, "growth: " + opts.error() + "; see `workbench-cli list --help`.");
    auto policy =
        policyOption<GrowthPolicy>(inv, opts, parseGrowthPolicy, "cpython27 or cpython311");
    if (!policy)
        return cli::Usage;
    const auto appendsText = opts.value("appends");
    if (!appendsText)
        return usageError(inv, "growth: give the number of appends with --appends N.");
    const auto n = cli::parseInt(*appendsText);
    if (!n || *n < 0 || *n > kMaxAppends)
        return usageError(inv, "growth: --appends needs an integer from 0 to 100000000, not '" +
                                   *appendsText + "'.");
    ListObject list(*policy);
    IntObject *item = list.heap().fromLong(0);
    std::int64_t reallocations = 0;
    std::ostringstream out;
    for (std::int64_t i = 0; i < *n; ++i) {
        list.app1(item);
        if (list.reallocations() != reallocations) {
            reallocations = list.reallocations();
            out << list.size() << ' ' << list.allocated() << '\n';
        }
    }
    inv.out << out.str();
    return cli::Ok;
}

int runSort(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!opts.parse(args, {"policy", "record"}, {"json", "force"}))
        return usageError(inv, "sort: " + opts.error() +
                                   " (the integers come on stdin); see "
                                   "`workbench-cli list --help`.");
    auto policy = policyOption<MergePolicy>(inv, opts, parseMergePolicy,
                                            "cpython27, cpython311 or tutorial");
    if (!policy)
        return cli::Usage;
    std::string refused;
    if (const int code = cli::checkRecordTarget(opts, refused); code != cli::Ok) {
        inv.err << "workbench-cli list: sort: " << refused << ".\n";
        return code;
    }
    std::vector<std::int64_t> values;
    std::string token;
    std::size_t position = 0;
    while (inv.in >> token) {
        ++position;
        const auto v = cli::parseInt(token);
        if (!v)
            return usageError(inv, "sort: input token " + std::to_string(position) + " ('" +
                                       token.substr(0, 40) +
                                       "') is not a 64-bit integer; give whitespace-separated "
                                       "integers on stdin.");
        values.push_back(*v);
    }
    if (opts.value("record")) {
        // The trace the timsort view makes of these integers, written before any output: a
        // refused target leaves nothing written.
        std::ostringstream numbers;
        for (std::size_t i = 0; i < values.size(); ++i)
            numbers << (i ? " " : "") << values[i];
        auto trace = std::make_shared<wb::Trace>();
        std::vector<std::int64_t> copy = values;
        recordViewSort(copy, *policy, *trace);
        wb::Recording r;
        r.module = "list";
        r.view = "sort";
        r.settings = {{"input", "custom"},
                      {"numbers", numbers.str()},
                      {"policy", std::string(mergePolicyName(*policy))}};
        r.cursor = trace->empty() ? 0 : 1; // just after sort_begin, where the view opens a sort
        r.trace = std::move(trace);
        std::ostringstream why;
        if (const int code = cli::writeRecordingOption(opts, r, opts.has("force"), why)) {
            inv.err << "workbench-cli list: sort: " << why.str();
            return code;
        }
    }
    SortOptions options;
    options.policy = *policy;
    const SortStats st = timsort(std::span<std::int64_t>(values), std::less<>{}, options);
    if (!opts.has("json")) {
        std::ostringstream out;
        for (std::size_t i = 0; i < values.size(); ++i)
            out << (i ? " " : "") << values[i];
        inv.out << out.str() << '\n';
        return cli::Ok;
    }
    wb::JsonWriter j(inv.out);
    j.beginObject();
    j.key("minrun").value(st.minrun);
    j.key("runs").beginArray();
    for (const auto &r : st.runs) {
        j.beginObject();
        j.key("start").value(r.start);
        j.key("natural_length").value(r.naturalLength);
        j.key("length").value(r.length);
        j.key("descending").value(r.descending);
        j.endObject();
    }
    j.endArray();
    j.key("merges").beginArray();
    for (const auto &m : st.merges) {
        j.beginObject();
        j.key("base").value(m.base);
        j.key("length_a").value(m.lengthA);
        j.key("length_b").value(m.lengthB);
        j.key("length").value(m.length);
        j.endObject();
    }
    j.endArray();
    j.key("comparisons").value(st.comparisons);
    j.key("sorted").array(values);
    j.endObject();
    inv.out << '\n';
    return cli::Ok;
}

void writeState(wb::JsonWriter &j, const ListOp &op, const ListObject &l,
                std::optional<std::int64_t> result)
{
    j.beginObject();
    j.key("op").value(std::string_view(op.text));
    j.key("size").value(l.size());
    j.key("allocated").value(l.allocated());
    j.key("items").array(l.values());
    if (result)
        j.key("result").value(*result);
    j.endObject();
}

int runOps(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!opts.parse(args, {"policy"}, {},
                    cli::Positionals::atLeast(1, "at least one OP, e.g. \"append 1\" pop")))
        return usageError(inv, "ops: " + opts.error() + "; see `workbench-cli list --help`.");
    auto policy =
        policyOption<GrowthPolicy>(inv, opts, parseGrowthPolicy, "cpython27 or cpython311");
    if (!policy)
        return cli::Usage;
    if (opts.positionals().empty())
        return usageError(inv, "ops: give at least one operation, e.g. \"append 1\" pop.");
    std::vector<ListOp> ops;
    for (const auto &text : opts.positionals()) {
        std::string error;
        auto op = parseListOp(text, error);
        if (!op)
            return usageError(inv, "ops: " + error + ".");
        ops.push_back(std::move(*op));
    }
    ListObject l(*policy);
    for (const auto &op : ops) {
        std::optional<std::int64_t> result;
        try {
            result = applyListOp(l, op);
        } catch (const PyException &e) {
            inv.out.flush();
            inv.err << "workbench-cli list: \"" << op.text << "\" raised " << e.what() << '\n';
            return cli::Negative;
        }
        wb::JsonWriter j(inv.out);
        writeState(j, op, l, result);
        inv.out << '\n';
    }
    return cli::Ok;
}

int runList(cli::Invocation &inv)
{
    const std::string command = inv.args.front();
    const std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
    if (command == "growth")
        return runGrowth(inv, rest);
    if (command == "sort")
        return runSort(inv, rest);
    if (command == "ops")
        return runOps(inv, rest);
    if (command == "trace-python")
        return runListTracePython(inv, rest);
    return usageError(
        inv, "unknown command '" + command +
                 "'; use growth, sort, ops or trace-python (see `workbench-cli list --help`).");
}

} // namespace

void wbRegisterCli_list(wb::cli::Registry &registry)
{
    registry.add({"list", "The CPython list object and its sort (timsort)", kUsage, runList});
}
