// The playground: its script language (good and bad scripts) and runs of scripts on the same
// primitives and Runtime as the other scenarios.
#include "threads/core/playground.h"
#include "threads/core/pythontwin.h"
#include "threads/core/scenarios.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace {

using namespace wb::threads;

ScenarioOptions stepped(std::uint64_t seed, std::string script)
{
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.seed = seed;
    o.script = std::move(script);
    return o;
}

std::string preset(std::string_view id)
{
    for (const auto &p : scriptPresets())
        if (p.id == id)
            return p.script;
    ADD_FAILURE() << "no preset " << id;
    return {};
}

std::int64_t extraInt(const Summary &s, std::string_view key)
{
    for (const auto &f : s.extra)
        if (f.key == key)
            if (auto i = std::get_if<std::int64_t>(&f.value))
                return *i;
    return -999;
}

struct Ran
{
    Summary summary;
    std::vector<std::string> console;
};

Ran run(const ScenarioOptions &o, wb::Trace &trace)
{
    ScenarioRun r("playground", o, trace);
    r.start();
    r.wait();
    return {r.summary(), r.console()};
}

std::size_t indexOf(const std::vector<std::string> &lines, const std::string &line)
{
    return std::find(lines.begin(), lines.end(), line) - lines.begin();
}

// ---- the parser ----------------------------------------------------------------------------

TEST(ThreadsPlayground, ParsesDeclarationsAndOperations)
{
    const ParseResult r =
        parseScript("# two threads\n"
                    "lock A\n"
                    "rlock R   # trailing comment\n"
                    "semaphore S 2\n"
                    "bounded B\n"
                    "event E\n"
                    "queue Q 3\n"
                    "condition C on A\n"
                    "condition D\n"
                    "\n"
                    "T1: acquire A timeout 250; sleep 10; release A;\n"
                    "T2: put Q 7; get Q timeout 5; notify C 2; notify_all D\n"
                    "T1: print \"a; b \\\"c\\\" # d\"; print plain text  \n"
                    "T2: wait E timeout 0; set E; clear E; task_done Q; join Q\n");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().toString());
    const Script &s = *r.script;
    ASSERT_EQ(s.declarations.size(), 8u);
    EXPECT_EQ(s.find("S")->type, PrimitiveType::Semaphore);
    EXPECT_EQ(s.find("S")->value, 2);
    EXPECT_EQ(s.find("B")->type, PrimitiveType::BoundedSemaphore);
    EXPECT_EQ(s.find("B")->value, 1); // Python's default
    EXPECT_EQ(s.find("Q")->value, 3);
    EXPECT_EQ(s.find("C")->lock, "A");
    EXPECT_EQ(s.find("D")->lock, "");
    EXPECT_EQ(s.find("R")->line, 3);
    ASSERT_EQ(s.threads.size(), 2u);
    EXPECT_EQ(s.threads[0].number, 1);
    EXPECT_EQ(s.operationCount(), 14u);

    const auto &t1 = s.threads[0].ops;
    ASSERT_EQ(t1.size(), 5u);
    EXPECT_EQ(t1[0].kind, OpKind::Acquire);
    EXPECT_EQ(t1[0].target, "A");
    EXPECT_EQ(t1[0].timeoutMs, 250);
    EXPECT_EQ(t1[0].line, 11);
    EXPECT_EQ(t1[0].column, 5);
    EXPECT_EQ(t1[1].kind, OpKind::Sleep);
    EXPECT_EQ(t1[1].number, 10);
    EXPECT_FALSE(t1[2].timeoutMs);
    EXPECT_EQ(t1[3].text, "a; b \"c\" # d");
    EXPECT_EQ(t1[3].line, 13);
    EXPECT_EQ(t1[4].text, "plain text");

    const auto &t2 = s.threads[1].ops;
    ASSERT_EQ(t2.size(), 9u);
    EXPECT_EQ(t2[0].kind, OpKind::Put);
    EXPECT_EQ(t2[0].number, 7);
    EXPECT_EQ(t2[1].timeoutMs, 5);
    EXPECT_EQ(t2[2].kind, OpKind::Notify);
    EXPECT_EQ(t2[2].number, 2);
    EXPECT_EQ(t2[3].kind, OpKind::NotifyAll);
    EXPECT_EQ(t2[4].kind, OpKind::Wait);
    EXPECT_EQ(t2[4].timeoutMs, 0);
    EXPECT_EQ(t2[8].kind, OpKind::Join);
}

TEST(ThreadsPlayground, ParsesTheOperationsPythonAddsToThe26Api)
{
    const ParseResult r = parseScript("lock A\nsemaphore S 0\nevent E\nqueue Q\n"
                                      "condition C on A\nbarrier B 2\ncounter N -3\n"
                                      "T1: acquire A nowait; locked A; release S 2; is_set E\n"
                                      "T1: notify C 0; get Q; print got {Q} of {N} {X}\n"
                                      "T1: wait_for C N >= 4 timeout 20; add N -2\n"
                                      "T1: wait B timeout 5\n"
                                      "T1: join T2; join Q\nT2: sleep 1\n");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().toString());
    const Script &s = *r.script;
    EXPECT_EQ(s.find("B")->type, PrimitiveType::Barrier);
    EXPECT_EQ(s.find("B")->value, 2);
    EXPECT_EQ(s.find("N")->value, -3);
    const auto &t = s.threads[0].ops;
    ASSERT_EQ(t.size(), 12u);
    EXPECT_TRUE(t[0].nowait);
    EXPECT_FALSE(t[0].timeoutMs);
    EXPECT_EQ(t[1].kind, OpKind::Locked);
    EXPECT_EQ(t[2].kind, OpKind::Release);
    EXPECT_EQ(t[2].number, 2);
    EXPECT_EQ(t[3].kind, OpKind::IsSet);
    EXPECT_EQ(t[4].number, 0);
    const std::vector<TextPart> parts = s.printParts(t[6].text);
    ASSERT_EQ(parts.size(), 5u);
    EXPECT_EQ(parts[0].literal, "got ");
    EXPECT_EQ(parts[4].literal, " {X}"); // X names neither a queue nor a counter
    EXPECT_EQ(parts[1].name, "Q");
    EXPECT_EQ(parts[2].literal, " of ");
    EXPECT_EQ(parts[3].name, "N");
    EXPECT_EQ(t[7].kind, OpKind::WaitFor);
    EXPECT_EQ(t[7].counter, "N");
    EXPECT_EQ(t[7].comparison, Comparison::GreaterEqual);
    EXPECT_EQ(t[7].number, 4);
    EXPECT_EQ(t[7].timeoutMs, 20);
    EXPECT_EQ(t[8].kind, OpKind::Add);
    EXPECT_EQ(t[8].number, -2);
    EXPECT_EQ(t[9].kind, OpKind::Wait);
    EXPECT_EQ(t[9].timeoutMs, 5);
    EXPECT_EQ(t[10].kind, OpKind::JoinThread);
    EXPECT_EQ(t[10].number, 2);
    EXPECT_EQ(t[11].kind, OpKind::Join);
}

TEST(ThreadsPlayground, TheTwinRenamesWhatPythonReservesAndKeepsTheRest)
{
    const Script s = *parseScript("lock print\nlock print_\nqueue item_x\ncondition if\n"
                                  "T1: acquire print nowait; get item_x; print {item_x}\n")
                          .script;
    EXPECT_EQ(pythonName(s, "print"), "print__"); // print_ is taken by the script
    EXPECT_EQ(pythonName(s, "print_"), "print_");
    EXPECT_EQ(pythonName(s, "if"), "if_");
    EXPECT_EQ(pythonName(s, "item_x"), "item_x");
    EXPECT_EQ(pythonName(s, "got"), "got_");
    EXPECT_EQ(pythonName(s, "thread_1"), "thread_1_");
    EXPECT_EQ(pythonName(s, "A"), "A");
    const std::string twin = pythonTwin(s);
    for (const char *line :
         {"print__ = threading.Lock()\n", "if_ = threading.Condition()\n",
          "    if not print__.acquire(blocking=False):\n"
          "        print(\"Thread-1: acquire print nowait returned False\")\n",
          "    got[\"item_x\"] = item_x.get()\n", "    print(str(got[\"item_x\"]))\n"})
        EXPECT_NE(twin.find(line), std::string::npos) << line << "\n" << twin;
}

TEST(ThreadsPlayground, EveryPresetParses)
{
    ASSERT_GE(scriptPresets().size(), 3u);
    std::set<std::string> ids;
    for (const auto &p : scriptPresets()) {
        const ParseResult r = parseScript(p.script);
        EXPECT_TRUE(r.ok()) << p.id << ": "
                            << (r.errors.empty() ? "" : r.errors.front().toString());
        ids.insert(p.id);
    }
    EXPECT_TRUE(ids.contains("lock-order"));
    EXPECT_TRUE(ids.contains("producer-consumer"));
}

struct Bad
{
    const char *script;
    int line;
    int column;
    const char *message; // a part of the message
};

TEST(ThreadsPlayground, BadScriptsGiveLineColumnAndMessage)
{
    const Bad cases[] = {
        {"", 1, 1, "no threads"},
        {"lock A\n", 1, 1, "no threads"},
        {"lock A\nT1: acquire B", 2, 13, "unknown primitive 'B'"},
        {"lock A\nT1: grab A", 2, 5, "unknown operation 'grab'"},
        {"lock A\nT1: wait A", 2, 10,
         "`wait` needs a condition, an event or a barrier; A is a lock"},
        {"event E\nT1: acquire E", 2, 13, "E is an event"},
        {"queue Q\nT1: put Q", 2, 5, "`put` needs the queue and a whole number"},
        {"queue Q\nT1: put Q x", 2, 11, "whole number as the item, not 'x'"},
        {"lock A\nT1: sleep", 2, 5, "`sleep` needs a number"},
        {"lock A\nT1: sleep -4", 2, 11, "from 0 to"},
        {"lock A\nT1: acquire A timeout", 2, 15, "`timeout` needs a number"},
        {"lock A\nT1: acquire A soon", 2, 15, "only `timeout MS` may follow"},
        {"lock A\nT1: release A now", 2, 15, "unexpected 'now' after release A"},
        {"lock A\nlock A\nT1: acquire A", 2, 6, "A is already declared on line 1"},
        {"lokc A\nT1: sleep 1", 1, 1, "unknown declaration 'lokc'"},
        {"acquire A\n", 1, 1, "is an operation"},
        {"semaphore S two\nT1: sleep 1", 1, 13, "initial value must be a whole number"},
        {"queue Q -1\nT1: sleep 1", 1, 9, "maxsize"},
        {"condition C on X\nT1: sleep 1", 1, 16, "no lock called X"},
        {"event E\ncondition C on E\nT1: sleep 1", 2, 16, "E is an event"},
        {"condition C with A\nT1: sleep 1", 1, 13, "expected `on LOCK`"},
        {"lock\nT1: sleep 1", 1, 5, "needs a name"},
        {"lock 9a\nT1: sleep 1", 1, 6, "not a name"},
        {"lock A B\nT1: sleep 1", 1, 8, "unexpected 'B'"},
        {"T0: sleep 1", 1, 1, "T1, T2"},
        {"worker: sleep 1", 1, 1, "T1, T2"},
        {"T1: sleep 1\nT3: sleep 1", 2, 1, "T2 has no line"},
        {"T1:", 1, 4, "T1 has no operations"},
        {"T1: sleep 1;; sleep 2", 1, 13, "empty operation"},
        {"T1: print \"open", 1, 11, "not closed"},
        {"T1: print \"a\" b", 1, 15, "after the closing quote"},
        {"lock A\nT1: notify A", 2, 12, "needs a condition"},
        {"condition C\nT1: notify C -1", 2, 14, "0 or more"},
        {"T17: sleep 1", 1, 1, "at most 16 threads"},
        {"event E\nT1: locked E", 2, 12, "`locked` needs a lock; E is an event"},
        {"barrier B\nT1: sleep 1", 1, 10, "how many threads it waits for"},
        {"queue Q\nT1: print {Q}", 2, 5, "no such get before this print"},
        {"condition C\ncounter N\nT1: wait_for C N => 3", 3, 18, "compare with"},
        {"condition C\nT1: wait_for C X > 1", 2, 16, "is not one"},
        {"lock A\nT1: join T2", 2, 10, "unknown primitive 'T2'"},
        {"semaphore S\nT1: release S -1", 2, 15, "how many to release"},
        {"lock A\nT1: release A 2", 2, 15, "unexpected '2'"},
        {"counter N x\nT1: add N 1", 1, 11, "a counter starts at"},
        {"counter N\nT1: add N", 2, 5, "`add` needs the counter"},
        {"lock A\nT1: acquire A nowait timeout 5", 2, 22, "unexpected 'timeout'"},
    };
    for (const Bad &b : cases) {
        const ParseResult r = parseScript(b.script);
        ASSERT_FALSE(r.ok()) << b.script;
        ASSERT_FALSE(r.errors.empty()) << b.script;
        const ScriptError &e = r.errors.front();
        EXPECT_EQ(e.line, b.line) << b.script << " -> " << e.toString();
        EXPECT_EQ(e.column, b.column) << b.script << " -> " << e.toString();
        EXPECT_NE(e.message.find(b.message), std::string::npos)
            << b.script << " -> " << e.toString();
    }
}

TEST(ThreadsPlayground, ReportsEveryErrorInScriptOrder)
{
    const ParseResult r = parseScript("lock A\nT1: acquire X; grab A\nT2: wait A\n");
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].toString(), "line 2, column 13: unknown primitive 'X'; declare it "
                                      "first, e.g. `lock X`");
    EXPECT_EQ(r.errors[1].line, 2);
    EXPECT_EQ(r.errors[1].column, 16);
    EXPECT_EQ(r.errors[2].line, 3);
}

TEST(ThreadsPlayground, GarbageNeverCrashesTheParser)
{
    std::string junk;
    for (int i = 0; i < 4000; ++i)
        junk += static_cast<char>((i * 7919 + 13) % 256);
    EXPECT_FALSE(parseScript(junk).ok());
    EXPECT_FALSE(parseScript(std::string(kMaxScriptBytes + 1, 'x')).ok());
    EXPECT_FALSE(parseScript("T1: ;;;;\n:::\n\"\"\"\n#").ok());
}

TEST(ThreadsPlayground, ABadScriptIsRejectedBeforeAnyThreadStarts)
{
    wb::Trace trace;
    try {
        ScenarioRun r("playground", stepped(1, "lock A\nT1: acquire B"), trace);
        FAIL() << "expected a ScriptSyntaxError";
    } catch (const ScriptSyntaxError &e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(std::string(e.what()),
                  "line 2, column 13: unknown primitive 'B'; declare it first, e.g. `lock B`");
    }
    EXPECT_TRUE(trace.empty());
}

// ---- runs ------------------------------------------------------------------------------------

TEST(ThreadsPlayground, LockOrderPresetDeadlocksWithTheCycle)
{
    for (std::uint64_t seed : {0u, 1u, 2u, 3u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, preset("lock-order")), t);
        ASSERT_TRUE(r.summary.deadlock) << seed;
        EXPECT_EQ(std::set<std::string>(r.summary.cycle.begin(), r.summary.cycle.end()),
                  std::set<std::string>({"Thread-1", "Thread-2"}));
        EXPECT_NE(r.summary.deadlockDescription.find("waits for A, acquired last by"),
                  std::string::npos);
        EXPECT_EQ(indexOf(r.console, "T1 has both"), r.console.size());
        EXPECT_LT(extraInt(r.summary, "operations_done"), extraInt(r.summary, "operations"));
        bool recorded = false;
        for (std::size_t i = 0; i < t.size(); ++i)
            recorded = recorded || t[i].kind == "deadlock";
        EXPECT_TRUE(recorded);
    }
}

TEST(ThreadsPlayground, EmptyScriptRunsTheFirstPreset)
{
    wb::Trace t;
    const Ran r = run(stepped(5, ""), t);
    EXPECT_EQ(scriptPresets().front().id, "lock-order");
    EXPECT_TRUE(r.summary.deadlock);
}

TEST(ThreadsPlayground, ProducerConsumerPresetDeliversEveryItem)
{
    for (std::uint64_t seed : {0u, 4u, 9u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, preset("producer-consumer")), t);
        EXPECT_FALSE(r.summary.deadlock) << r.summary.deadlockDescription;
        EXPECT_FALSE(r.summary.error);
        EXPECT_EQ(r.summary.produced, 4);
        EXPECT_EQ(r.summary.consumed, 4);
        EXPECT_EQ(extraInt(r.summary, "operations_done"), extraInt(r.summary, "operations"));
        EXPECT_EQ(extraInt(r.summary, "threads"), 2);
        EXPECT_EQ(r.console.back(), "every item is done");
        std::vector<std::int64_t> got;
        bool putWaited = false;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i].kind == "get")
                got.push_back(t[i].intField("item"));
            putWaited = putWaited ||
                        (t[i].kind == "wait" && t[i].stringField("primitive") == "Q.not_full");
        }
        EXPECT_EQ(got, std::vector<std::int64_t>({1, 2, 3, 4})); // FIFO
        EXPECT_TRUE(putWaited) << "maxsize 2 makes the producer wait";
    }
}

TEST(ThreadsPlayground, ConditionPresetWakesTheWaiterAfterTheNotify)
{
    for (std::uint64_t seed : {0u, 6u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, preset("condition")), t);
        EXPECT_FALSE(r.summary.deadlock);
        const auto waits = indexOf(r.console, "T1 waits");
        const auto notifies = indexOf(r.console, "T2 notifies");
        const auto woke = indexOf(r.console, "T1 woke up");
        ASSERT_LT(woke, r.console.size());
        EXPECT_LT(waits, notifies);
        EXPECT_LT(notifies, woke);
    }
}

TEST(ThreadsPlayground, SemaphorePresetAdmitsTwoAtATime)
{
    wb::Trace t;
    const Ran r = run(stepped(2, preset("semaphore")), t);
    EXPECT_FALSE(r.summary.deadlock);
    int inside = 0, most = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].stringField("primitive") != "S")
            continue;
        if (t[i].kind == "acquired")
            most = std::max(most, ++inside);
        if (t[i].kind == "released")
            --inside;
        EXPECT_GE(t[i].intField("value", 0), 0);
    }
    EXPECT_EQ(most, 2);
}

TEST(ThreadsPlayground, SelfDeadlockOnALockButNotOnAnRLock)
{
    wb::Trace t;
    const Ran r = run(stepped(0, preset("self-deadlock")), t);
    ASSERT_TRUE(r.summary.deadlock);
    EXPECT_EQ(r.summary.cycle, std::vector<std::string>({"Thread-1"}));
    EXPECT_LT(indexOf(r.console, "R held twice"), r.console.size());
    EXPECT_LT(indexOf(r.console, "A held once"), r.console.size());
    EXPECT_EQ(indexOf(r.console, "never printed"), r.console.size());
}

TEST(ThreadsPlayground, MissedPulseEndsInTheTimeout)
{
    wb::Trace t;
    const Ran r = run(stepped(3, preset("missed-pulse")), t);
    EXPECT_FALSE(r.summary.deadlock);
    EXPECT_LT(indexOf(r.console, "Thread-2: wait E timed out after 500 ms"), r.console.size());
    EXPECT_LT(indexOf(r.console, "T2 gave up waiting"), r.console.size());
}

TEST(ThreadsPlayground, PythonErrorsEndTheThread)
{
    wb::Trace t;
    Ran r = run(stepped(0, "lock A\nT1: release A; print unreachable"), t);
    EXPECT_EQ(r.summary.errorType, "RuntimeError");
    EXPECT_EQ(r.summary.error, "release unlocked lock");
    EXPECT_EQ(indexOf(r.console, "unreachable"), r.console.size());

    wb::Trace u;
    r = run(stepped(0, "bounded B 1\nT1: acquire B; release B; release B"), u);
    EXPECT_EQ(r.summary.error, "Semaphore released too many times");

    wb::Trace v;
    r = run(stepped(0, "queue Q 1\nT1: put Q 1; put Q 2 timeout 100"), v);
    EXPECT_EQ(r.summary.errorType, "Full");
    EXPECT_EQ(r.summary.produced, 1);
}

// What CPython 3.11 does with each of these (Lib/threading.py, Modules/_threadmodule.c) is
// checked against python3 itself by threads_differential; here the known answers.
ScenarioOptions freeRun(std::string script)
{
    ScenarioOptions o;
    o.mode = Mode::Free;
    o.realSecond = std::chrono::milliseconds(1000);
    o.script = std::move(script);
    return o;
}

TEST(ThreadsPlayground, ALockWaitedOnByItsAcquirerIsNoDeadlockWhileAnotherThreadCanRelease)
{
    const std::string script = "lock A\n"
                               "T1: acquire A; acquire A; print T1 got A again\n"
                               "T2: sleep 20; release A\n";
    for (std::uint64_t seed : {0u, 1u, 2u, 5u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, script), t);
        EXPECT_FALSE(r.summary.deadlock) << seed << ": " << r.summary.deadlockDescription;
        EXPECT_LT(indexOf(r.console, "T1 got A again"), r.console.size()) << seed;
    }
    wb::Trace f;
    const Ran r = run(freeRun(script), f);
    EXPECT_FALSE(r.summary.deadlock) << r.summary.deadlockDescription;
    EXPECT_LT(indexOf(r.console, "T1 got A again"), r.console.size());
}

TEST(ThreadsPlayground, TimedWaitsInOppositeOrderTimeOutInsteadOfDeadlocking)
{
    const std::string script = "lock A\nlock B\n"
                               "T1: acquire A; sleep 10; acquire B timeout 100; release A\n"
                               "T2: acquire B; sleep 10; acquire A timeout 150; release B\n";
    for (std::uint64_t seed : {0u, 3u, 7u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, script), t);
        EXPECT_FALSE(r.summary.deadlock) << seed;
        EXPECT_LT(indexOf(r.console, "Thread-1: acquire B timed out after 100 ms"),
                  r.console.size());
    }
    wb::Trace z;
    const Ran r = run(stepped(0, "lock A\nT1: acquire A; acquire A timeout 0; print after"), z);
    EXPECT_FALSE(r.summary.deadlock);
    EXPECT_EQ(r.console,
              std::vector<std::string>({"Thread-1: acquire A timed out after 0 ms", "after"}));
}

TEST(ThreadsPlayground, FreeModeGivesTimedWaitsARealDeadline)
{
    for (int i = 0; i < 3; ++i) {
        wb::Trace t;
        ScenarioOptions o = freeRun(preset("missed-pulse"));
        o.realSecond = std::chrono::milliseconds(100);
        const Ran r = run(o, t);
        EXPECT_FALSE(r.summary.deadlock) << r.summary.deadlockDescription;
        EXPECT_LT(indexOf(r.console, "T2 gave up waiting"), r.console.size());
    }
}

TEST(ThreadsPlayground, ADeadlockStopsOnlyTheThreadsThatCannotGoOn)
{
    const std::string script = preset("lock-order") + "T3: sleep 50; print still runs\n";
    for (std::uint64_t seed : {0u, 1u, 4u}) {
        wb::Trace t;
        const Ran r = run(stepped(seed, script), t);
        ASSERT_TRUE(r.summary.deadlock);
        EXPECT_EQ(std::set<std::string>(r.summary.cycle.begin(), r.summary.cycle.end()),
                  std::set<std::string>({"Thread-1", "Thread-2"}));
        EXPECT_LT(indexOf(r.console, "still runs"), r.console.size()) << seed;
        std::set<int> exited;
        std::vector<std::int64_t> stuck;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i].kind == "exit")
                exited.insert(t[i].thread);
            if (t[i].kind == "deadlock")
                stuck = std::get<std::vector<std::int64_t>>(*t[i].field("stuck"));
        }
        EXPECT_EQ(exited, std::set<int>({3}));
        EXPECT_EQ(stuck, std::vector<std::int64_t>({1, 2}));
    }
}

TEST(ThreadsPlayground, EachUncaughtExceptionIsPrintedWhenItHappens)
{
    wb::Trace t;
    const Ran r = run(stepped(0, "lock A\nqueue Q 1\n"
                                 "T1: release A\n"
                                 "T2: sleep 10; print between; put Q 1; put Q 2 timeout 0\n"
                                 "T3: sleep 20; get Q; get Q timeout 5\n"),
                      t);
    EXPECT_EQ(r.console, std::vector<std::string>(
                             {"Exception in thread Thread-1: RuntimeError: release unlocked lock",
                              "between", "Exception in thread Thread-2: queue.Full",
                              "Exception in thread Thread-3: _queue.Empty"}));
    EXPECT_EQ(r.summary.errorType, "RuntimeError");
    std::vector<std::string> messages;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].kind == "error")
            messages.push_back(t[i].stringField("type") + ":" + t[i].stringField("message"));
    EXPECT_EQ(messages,
              std::vector<std::string>({"RuntimeError:release unlocked lock", "Full:", "Empty:"}));
}

TEST(ThreadsPlayground, EventsPointAtTheScriptLine)
{
    wb::Trace t;
    run(stepped(1, "lock A\n\nT1: acquire A\nT1: release A\n"), t);
    std::set<std::uint32_t> acquireLines, releaseLines;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const wb::Event &e = t[i];
        if (e.stringField("primitive") != "A")
            continue;
        EXPECT_EQ(std::string(e.where.file), kScriptFile);
        (e.kind == "released" ? releaseLines : acquireLines).insert(e.where.line);
    }
    EXPECT_EQ(acquireLines, std::set<std::uint32_t>({3}));
    EXPECT_EQ(releaseLines, std::set<std::uint32_t>({4}));
}

TEST(ThreadsPlayground, SameSeedSameRunAndFreeModeFinishes)
{
    for (const auto &p : scriptPresets()) {
        wb::Trace a, b;
        run(stepped(21, p.script), a);
        run(stepped(21, p.script), b);
        ASSERT_EQ(a.size(), b.size()) << p.id;
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].thread, b[i].thread) << p.id << " #" << i;
            EXPECT_EQ(a[i].label, b[i].label) << p.id << " #" << i;
            EXPECT_EQ(a[i].where.line, b[i].where.line) << p.id << " #" << i;
        }
    }
    wb::Trace f;
    ScenarioOptions o;
    o.script = preset("producer-consumer");
    const Ran r = run(o, f); // free mode: real threads
    EXPECT_EQ(r.summary.consumed, 4);
    EXPECT_FALSE(r.summary.deadlock);
}

} // namespace
