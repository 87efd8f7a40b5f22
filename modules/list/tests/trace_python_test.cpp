// `workbench-cli list trace-python` and the list core's reading of the tracer (python_trace.h),
// run on scripts under the machine's python3: what the script itself reads with
// sys.getsizeof and ctypes is what the trace says, sort comparisons equal a counting key's,
// the native list allocates the same, and every bad input or bad ending is one clear message.
#include "list/core/events.h"
#include "list/core/python_trace.h"

#include "workbench/core/event_contract.h"
#include "workbench/core/python_trace.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace {

using wb::pytrace::Json;

class ListTracePython : public wb::test::CliTest
{
protected:
    void SetUp() override
    {
        wb::test::CliTest::SetUp();
        if (wb::pytrace::findPython3().empty())
            GTEST_SKIP() << "no python3 on PATH";
    }
    // `list trace-python NAME --json` on `script`, parsed.
    Json traceJson(const std::string &name, const std::string &script,
                   std::vector<std::string> extra = {})
    {
        write(name, script);
        std::vector<std::string> args = {"list", "trace-python", name, "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = cli(args);
        EXPECT_EQ(r.code, 0) << r.err;
        std::string error;
        auto j = wb::pytrace::parseJson(r.out, &error);
        EXPECT_TRUE(j) << error << "\n" << r.out;
        return j ? *j : Json();
    }
    // The script's own printed lines.
    static std::vector<std::string> printed(const Json &j)
    {
        std::vector<std::string> lines;
        std::istringstream in(j.str("stdout"));
        for (std::string l; std::getline(in, l);)
            lines.push_back(l);
        return lines;
    }
};

// After each change of `a`, the script prints its own reading: len, slots from
// sys.getsizeof, and the item block's address read with ctypes.
const char *const kGrowthScript = R"(import ctypes, struct, sys
HEADER = sys.getsizeof([])
SLOT = struct.calcsize("P")
OFFSET = 3 * SLOT
def seen(x):
    block = ctypes.c_void_p.from_address(id(x) + OFFSET).value or 0
    print(len(x), (sys.getsizeof(x) - HEADER) // SLOT, block)
a = [1, 2, 3]
print(id(a))
seen(a)
for i in range(40):
    a.append(i)
    seen(a)
a.insert(0, -1)
seen(a)
a.extend(range(100))
seen(a)
for i in range(120):
    a.pop()
    seen(a)
a.remove(1)
seen(a)
a += [7] * 50
seen(a)
del a[3:40]
seen(a)
a[2:4] = range(30)
seen(a)
a *= 3
seen(a)
a.sort()
seen(a)
a.reverse()
seen(a)
del a[0]
seen(a)
a.clear()
seen(a)
)";

TEST_F(ListTracePython, AllocatedSizesAndBlocksAreWhatTheScriptReads)
{
    const Json j = traceJson("growth.py", kGrowthScript);
    const auto lines = printed(j);
    ASSERT_GT(lines.size(), 2u);
    const std::int64_t id = std::stoll(lines[0]);
    // An id is an address: the `[]` of line 2, freed at once, may have had a's. a's events
    // start at its creation.
    std::vector<const Json *> events;
    for (const auto &e : j.find("events")->asArray())
        if (e.integer("list") == id) {
            if (e.str("op") == "literal")
                events.clear();
            events.push_back(&e);
        }
    ASSERT_EQ(events.size(), lines.size() - 1) << "one event per change of a";
    std::uint64_t previousBlock = 0;
    int moves = 0, inPlace = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        std::istringstream in(lines[i + 1]);
        std::int64_t len = 0, slots = 0;
        std::uint64_t block = 0;
        in >> len >> slots >> block;
        const Json &e = *events[i];
        EXPECT_EQ(e.integer("size"), len) << e.str("op") << " at line " << e.integer("line");
        EXPECT_EQ(e.integer("allocated"), slots)
            << e.str("op") << " at line " << e.integer("line");
        EXPECT_EQ(static_cast<std::uint64_t>(e.integer("block")), block) << e.str("op");
        const bool moved = previousBlock != 0 && block != 0 && block != previousBlock;
        EXPECT_EQ(e.flag("moved"), moved) << e.str("op") << " at line " << e.integer("line");
        if (i > 0 && e.integer("allocated") != e.integer("prev_allocated"))
            (moved ? moves : inPlace)++;
        previousBlock = block;
    }
    EXPECT_GT(moves + inPlace, 5) << "the script resizes the list several times";
    // The list's creation line is the literal's.
    std::int64_t created = 0;
    for (const auto &l : j.find("lists")->asArray())
        if (l.integer("id") == id)
            created = l.integer("line"); // the last list with that id
    EXPECT_EQ(created, 8);
}

TEST_F(ListTracePython, TheNativeListAllocatesTheSameOn311)
{
    const Json j = traceJson("growth.py", kGrowthScript);
    if (j.str("python").rfind("3.11.", 0) != 0)
        GTEST_SKIP() << "python3 is " << j.str("python") << "; the check is for 3.11";
    EXPECT_EQ(j.integer("native_mismatches", -1), 0);
    std::size_t checked = 0;
    for (const auto &e : j.find("events")->asArray())
        if (const Json *n = e.find("native_allocated")) {
            ++checked;
            EXPECT_EQ(n->asInt(), e.integer("allocated"))
                << e.str("op") << " at line " << e.integer("line");
        }
    EXPECT_GT(checked, 150u);
}

TEST_F(ListTracePython, SortComparisonsEqualACountingKey)
{
    const Json j = traceJson("sort.py", R"(import functools, random
rng = random.Random(7)
data = [rng.randrange(1000) for _ in range(500)]
count = 0
def cmp(x, y):
    global count
    count += 1
    return (x > y) - (x < y)
sorted(data, key=functools.cmp_to_key(cmp))
print(count)
b = list(data)
b.sort()
)");
    const auto lines = printed(j);
    ASSERT_EQ(lines.size(), 1u);
    const std::int64_t expected = std::stoll(lines[0]);
    const Json *sort = nullptr;
    for (const auto &e : j.find("events")->asArray())
        if (e.str("op") == "sort")
            sort = &e;
    ASSERT_NE(sort, nullptr);
    EXPECT_EQ(sort->integer("comparisons"), expected);
    EXPECT_EQ(sort->integer("line"), 12);
}

TEST_F(ListTracePython, PrintsOneLinePerChange)
{
    write("small.py", "a = []\nfor i in range(5):\n    a.append(i)\nprint('done')\n");
    const auto r = cli({"list", "trace-python", "small.py"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "done\n"); // the script's own output goes to standard error
    const std::regex form(R"(\d+ \d+ \S+ size=\d+ allocated=\d+ moved=(yes|no))");
    std::istringstream in(r.out);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
        EXPECT_TRUE(std::regex_match(l, form)) << l;
        lines.push_back(l);
    }
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_NE(lines[0].find(" literal size=0 allocated=0 moved=no"), std::string::npos);
    EXPECT_NE(lines[1].find(" append size=1 allocated=4 moved=no"), std::string::npos);
    EXPECT_EQ(lines[1].rfind("3 ", 0), 0u);
}

TEST_F(ListTracePython, BadInputIsAClearErrorWithExit2)
{
    std::filesystem::create_directory(path("folder"));
    write("binary.py", std::string("x = 1\n\0\x01\x02", 9));
    write("latin1.py", "s = '\xe9t\xe9'\n");
    const std::map<std::string, std::string> cases = {{"missing.py", "no such file"},
                                                      {"folder", "directory"},
                                                      {"binary.py", "binary file"},
                                                      {"latin1.py", "not UTF-8"}};
    for (const auto &[file, needle] : cases) {
        const auto r = cli({"list", "trace-python", file});
        wb::test::expectCliFailure(r, 2, "list", needle);
    }
    write("ok.py", "pass\n");
    const auto r = cli({"list", "trace-python", "ok.py"}, {.env = {"PATH=" + path("folder")}});
    wb::test::expectCliFailure(r, 2, "list", "no python3 on PATH");
}

TEST_F(ListTracePython, BadEndingsEndCleanlyWithTheRightMessage)
{
    using namespace std::chrono;
    write("syntax.py", "a = [1, 2\nprint(a)\n");
    auto r = cli({"list", "trace-python", "syntax.py"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("workbench-cli list: the script has a syntax error at line"),
              std::string::npos)
        << r.err;

    write("raises.py", "a = [1]\na.append(2)\nx = 1 / 0\n");
    r = cli({"list", "trace-python", "raises.py"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("append size=2"), std::string::npos) << "the events before it stay";
    EXPECT_NE(r.err.find("Traceback (most recent call last)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the script raised ZeroDivisionError at line 3: division by zero."),
              std::string::npos)
        << r.err;

    write("endless.py", "a = []\nwhile True:\n    a.append(1)\n    a.pop()\n");
    auto t0 = steady_clock::now();
    r = cli(
        {"list", "trace-python", "endless.py", "--time-limit", "1", "--max-events", "100000000"});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("stopped after 1 s"), std::string::npos) << r.err.substr(0, 500);
    EXPECT_LT(steady_clock::now() - t0, seconds(6));

    r = cli({"list", "trace-python", "endless.py", "--max-events", "1000"});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("after 1000 events"), std::string::npos) << r.err.substr(0, 500);

    write("loud.py", "import sys\nline = 'x' * 1023 + '\\n'\nfor i in range(10 * 1024):\n"
                     "    sys.stdout.write(line)\n");
    t0 = steady_clock::now();
    r = cli({"list", "trace-python", "loud.py", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    const auto j = wb::pytrace::parseJson(r.out);
    ASSERT_TRUE(j);
    EXPECT_TRUE(j->flag("stdout_cut"));
    EXPECT_EQ(j->str("stdout").size(), 1u << 20);
    EXPECT_LT(steady_clock::now() - t0, seconds(20));

    write("fork.py", "import os, time\na = [1]\nif os.fork() == 0:\n    time.sleep(30)\n"
                     "    os._exit(0)\na.append(2)\n");
    t0 = steady_clock::now();
    r = cli({"list", "trace-python", "fork.py"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("append size=2"), std::string::npos) << r.out;
    EXPECT_LT(steady_clock::now() - t0, seconds(10)) << "the forked child is not waited for";
}

// The core: every change becomes a py_list event that reads back as declared.
TEST_F(ListTracePython, EveryChangeIsAPyListEventThatRoundTrips)
{
    write("growth.py", kGrowthScript);
    wb::Trace trace;
    wb::list::PythonLists lists(&trace);
    wb::pytrace::Options o;
    o.script = path("growth.py");
    o.timeLimitSeconds = 30;
    const auto r = wb::pytrace::TraceRun(o).wait([&](const Json &e) { lists.add(e); });
    ASSERT_EQ(r.ending, wb::pytrace::Ending::Ok) << r.message;
    ASSERT_EQ(trace.size(), lists.changes().size());
    ASSERT_EQ(trace.size(), r.events);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        EXPECT_EQ(wb::contract::roundTripMismatch<wb::list::events::PythonListEvents>(trace[i]),
                  "");
        EXPECT_EQ(trace[i].where.line, lists.changes()[i].line);
        EXPECT_EQ(std::string(trace[i].where.file), o.script);
    }
}

// The README's table of the traced-program events (its header says "meaning", so that the
// two tables the list object's tests read stay two) names the declared fields.
TEST(ListTracePythonReadme, TheTableMatchesTheDeclaration)
{
    std::ifstream in(WB_LIST_README);
    std::map<std::string, std::string> table;
    bool inTable = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| kind | fields | meaning |", 0) == 0) {
            inTable = true;
            continue;
        }
        if (!inTable || line.rfind("|---", 0) == 0)
            continue;
        if (line.rfind("| `", 0) != 0)
            break;
        const auto kindEnd = line.find('`', 3);
        const auto fieldsStart = line.find('|', kindEnd) + 2;
        const auto fieldsEnd = line.find(" |", fieldsStart);
        table[line.substr(3, kindEnd - 3)] = line.substr(fieldsStart, fieldsEnd - fieldsStart);
    }
    EXPECT_EQ(table, wb::contract::declaredTable<wb::list::events::PythonListEvents>());
}

} // namespace
