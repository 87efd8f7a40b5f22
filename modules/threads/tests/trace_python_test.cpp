// `workbench-cli threads trace-python` and the threads core's reading of the tracer
// (python_trace.h), on scripts run by the machine's python3: consistent events, a deadlock
// found and the child gone, seeded step runs that repeat, and a recording the timeline reads.
#include "threads/core/events.h"
#include "threads/core/python_trace.h"

#include "threads/core/recording.h"
#include "workbench/core/event_contract.h"
#include "workbench/core/python_trace.h"
#include "workbench/core/recording.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <map>
#include <thread>
#include <tuple>

namespace {

using wb::pytrace::Json;

// Every traced primitive, in a producer/consumer with each kind.
const char *const kAllPrimitives = R"(import queue, threading
lock = threading.Lock()
rlock = threading.RLock()
cond = threading.Condition()
sem = threading.Semaphore(2)
bsem = threading.BoundedSemaphore(1)
ready = threading.Event()
q = queue.Queue(maxsize=2)
items = []
def producer():
    ready.wait()
    for i in range(20):
        q.put(i)
        with cond:
            items.append(i)
            cond.notify()
def consumer():
    ready.wait()
    got = 0
    while got < 20:
        q.get()
        with lock:
            with rlock:
                with rlock:
                    got += 1
        with sem:
            with bsem:
                pass
    with cond:
        while len(items) < 20:
            cond.wait()
threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads:
    t.start()
ready.set()
for t in threads:
    t.join()
ready.clear()
)";

// Both threads hold their first lock before either asks for its second (the Barrier is made
// by the standard library's code path, so the tracer leaves it alone).
const char *const kDeadlock = R"(import threading
a = threading.Lock()
b = threading.Lock()
meet = threading.Barrier(2)
def one():
    with a:
        meet.wait()
        with b:
            pass
def two():
    with b:
        meet.wait()
        with a:
            pass
t1 = threading.Thread(target=one)
t2 = threading.Thread(target=two)
t1.start(); t2.start(); t1.join(); t2.join()
)";

class ThreadsTracePython : public wb::test::CliTest
{
protected:
    void SetUp() override
    {
        wb::test::CliTest::SetUp();
        if (wb::pytrace::findPython3().empty())
            GTEST_SKIP() << "no python3 on PATH";
    }
    Json traceJson(const std::string &name, const std::string &script,
                   std::vector<std::string> extra = {}, int expectedCode = 0)
    {
        write(name, script);
        std::vector<std::string> args = {"threads", "trace-python", name, "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = cli(args);
        EXPECT_EQ(r.code, expectedCode) << r.err;
        std::string error;
        auto j = wb::pytrace::parseJson(r.out, &error);
        EXPECT_TRUE(j) << error << "\n" << r.out << r.err;
        return j ? *j : Json();
    }
};

void expectConsistent(const Json &j)
{
    // (thread, primitive object) -> held count; every acquire-got is released.
    std::map<std::pair<std::string, std::int64_t>, int> held;
    std::map<std::int64_t, int> puts, gets;
    std::set<std::string> ops;
    for (const auto &e : j.find("events")->asArray()) {
        const std::string op = e.str("op");
        ops.insert(op);
        const auto key = std::make_pair(e.str("thread"), e.integer("obj"));
        if (op == "acquired" && e.str("primitive") != "Semaphore" &&
            e.str("primitive") != "BoundedSemaphore")
            ++held[key];
        if (op == "release" && e.str("primitive") != "Semaphore" &&
            e.str("primitive") != "BoundedSemaphore") {
            EXPECT_GT(held[key]--, 0) << "a release without an acquire in " << e.str("thread");
        }
        if (op == "put" && !e.flag("blocked"))
            ++puts[e.integer("obj")];
        if (op == "get" && !e.flag("blocked"))
            ++gets[e.integer("obj")];
        static const std::set<std::string> known = {
            "start",   "end",    "acquire", "acquired", "release", "wait", "notified",
            "timeout", "notify", "set",     "clear",    "put",     "get"};
        EXPECT_TRUE(known.count(op)) << op;
        EXPECT_GT(e.integer("line"), 0) << op;
        EXPECT_GE(e.integer("t_ns"), 0);
    }
    for (const auto &[key, n] : held)
        EXPECT_EQ(n, 0) << key.first << " still holds a lock";
    EXPECT_EQ(puts, gets);
}

TEST_F(ThreadsTracePython, EventsAreConsistent)
{
    const Json j = traceJson("all.py", kAllPrimitives);
    expectConsistent(j);
    std::set<std::string> ops, primitives;
    for (const auto &e : j.find("events")->asArray()) {
        ops.insert(e.str("op"));
        primitives.insert(e.str("primitive"));
    }
    for (const char *op : {"start", "end", "acquire", "acquired", "release", "wait", "notify",
                           "set", "clear", "put", "get"})
        EXPECT_TRUE(ops.count(op)) << op;
    for (const char *p : {"Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore", "Event",
                          "Queue", "Thread"})
        EXPECT_TRUE(primitives.count(p)) << p;
    const Json *summary = j.find("summary");
    ASSERT_NE(summary, nullptr);
    EXPECT_FALSE(summary->flag("deadlock"));
    EXPECT_EQ(summary->integer("threads"), 3);
    EXPECT_EQ(summary->find("max_blocked_ns")->asObject().size(), 3u);
}

TEST_F(ThreadsTracePython, SeededStepRunsRepeat)
{
    using Order = std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>>;
    const auto order = [&](int seed) {
        const Json j =
            traceJson("all.py", kAllPrimitives, {"--step", "--seed", std::to_string(seed)});
        EXPECT_EQ(j.str("mode"), "step");
        expectConsistent(j);
        Order o;
        for (const auto &e : j.find("events")->asArray())
            o.emplace_back(e.str("thread"), e.str("op"), e.str("name"), e.integer("line"));
        return o;
    };
    const Order first = order(7);
    EXPECT_GT(first.size(), 100u);
    EXPECT_EQ(order(7), first);
    const Order other = order(8);
    EXPECT_EQ(order(8), other);
}

TEST_F(ThreadsTracePython, ADeadlockIsFoundAndTheChildEnded)
{
    const auto t0 = std::chrono::steady_clock::now();
    const Json j = traceJson("deadlock.py", kDeadlock, {}, 4);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    const Json *summary = j.find("summary");
    ASSERT_NE(summary, nullptr);
    EXPECT_TRUE(summary->flag("deadlock"));
    EXPECT_EQ(summary->find("stuck")->asArray().size(), 3u); // the main thread in join too
    EXPECT_EQ(j.str("status"), "deadlock");
    // Each thread blocked from its last operation to the deadlock (found after two checks
    // 0.1 s apart).
    for (const auto &[name, ns] : summary->find("max_blocked_ns")->asObject())
        EXPECT_GT(ns.asInt(), 100'000'000) << name;

    // The same through the core: the process group is gone within 2 s of the detection.
    wb::pytrace::Options o;
    o.script = path("deadlock.py");
    o.timeLimitSeconds = 30;
    std::optional<std::chrono::steady_clock::time_point> found;
    wb::pytrace::TraceRun run(o);
    const auto r = run.wait([&](const Json &e) {
        if (e.str("type") == "deadlock")
            found = std::chrono::steady_clock::now();
    });
    ASSERT_EQ(r.ending, wb::pytrace::Ending::Deadlock) << r.message;
    ASSERT_TRUE(found);
    EXPECT_LT(std::chrono::steady_clock::now() - *found, std::chrono::seconds(2));
    EXPECT_NE(::kill(r.pid, 0), 0) << "the child is left";
}

TEST_F(ThreadsTracePython, TextModeAndErrors)
{
    write("deadlock.py", kDeadlock);
    auto r = cli({"threads", "trace-python", "deadlock.py"});
    EXPECT_EQ(r.code, 4);
    EXPECT_NE(r.out.find("-- deadlock=true threads=3"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("workbench-cli threads: deadlock"), std::string::npos) << r.err;

    r = cli({"threads", "trace-python", "deadlock.py", "--step"});
    wb::test::expectCliFailure(r, 2, "threads", "--seed");
    r = cli({"threads", "trace-python", "missing.py"});
    wb::test::expectCliFailure(r, 2, "threads", "no such file");

    write("raises.py", "import threading\nl = threading.Lock()\nl.acquire()\nl.release()\n"
                       "l.release()\n");
    r = cli({"threads", "trace-python", "raises.py"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("the script raised RuntimeError at line 5"), std::string::npos) << r.err;

    write("sleepy.py", "import threading, time\nl = threading.Lock()\nwhile True:\n"
                       "    with l:\n        time.sleep(0.01)\n");
    const auto t0 = std::chrono::steady_clock::now();
    r = cli({"threads", "trace-python", "sleepy.py", "--time-limit", "1"});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("stopped after 1 s"), std::string::npos) << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(6));
}

TEST_F(ThreadsTracePython, RecordsForTheTimeline)
{
    write("all.py", kAllPrimitives);
    const auto r = cli({"threads", "trace-python", "all.py", "--record", "run.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    const wb::Recording rec = wb::readRecording(path("run.wbrec"));
    EXPECT_EQ(rec.module, "threads");
    EXPECT_EQ(rec.view, "timeline");
    EXPECT_EQ(rec.setting("source"), "python");
    // The program's text itself, so that the views show it without the file.
    EXPECT_EQ(rec.setting("script"), kAllPrimitives);
    std::string error;
    EXPECT_TRUE(wb::threads::readRecordingSettings(rec.settings, error)) << error;
    ASSERT_GT(rec.trace->size(), 100u);
    std::set<std::string> kinds;
    for (std::size_t i = 0; i < rec.trace->size(); ++i) {
        const wb::Event &e = rec.trace->at(i);
        EXPECT_EQ(wb::contract::roundTripMismatch<wb::threads::events::ThreadsEvents>(e), "");
        EXPECT_GT(e.thread, 0);
        EXPECT_EQ(e.where.fileName(), "all.py");
        kinds.insert(e.kind);
    }
    for (const char *k : {"start", "exit", "attempt", "acquired", "released", "wait", "blocked",
                          "wait_return", "notify", "set", "clear", "put", "get"})
        EXPECT_TRUE(kinds.count(k)) << k;
    const auto again = cli({"threads", "trace-python", "all.py", "--record", "run.wbrec"});
    EXPECT_EQ(again.code, 2) << "an existing recording is kept without --force";
}

} // namespace
