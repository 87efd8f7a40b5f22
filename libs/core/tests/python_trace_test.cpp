// The Python tracer's runner: its JSON reader, and runs of small scripts in the machine's
// python3 (skipped when there is none).
#include "workbench/core/python_trace.h"

#include "scratch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <signal.h>
#include <thread>

using namespace wb::pytrace;

namespace {

TEST(PythonTraceJson, ReadsWhatTheTracerWrites)
{
    const auto v = parseJson(R"({"type":"list","len":3,"ids":[1,-2,140234],"x":1.5,)"
                             R"("s":"a\"b\u00e9\ud83d\ude00","t":true,"n":null,"o":{}})");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->str("type"), "list");
    EXPECT_EQ(v->integer("len"), 3);
    ASSERT_EQ(v->find("ids")->asArray().size(), 3u);
    EXPECT_EQ(v->find("ids")->asArray()[1].asInt(), -2);
    EXPECT_DOUBLE_EQ(v->find("x")->asDouble(), 1.5);
    EXPECT_EQ(v->str("s"), "a\"b\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_TRUE(v->flag("t"));
    EXPECT_TRUE(v->find("n")->isNull());
    EXPECT_TRUE(v->find("o")->isObject());
    EXPECT_EQ(v->find("missing"), nullptr);
}

TEST(PythonTraceJson, RefusesWhatIsNotJson)
{
    std::string error;
    for (const char *bad :
         {"", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "\"\x01\"", "tru", "{\"a\" 1}", "[1 2]"}) {
        EXPECT_FALSE(parseJson(bad, &error)) << bad;
        EXPECT_FALSE(error.empty());
    }
    std::string deep(100, '[');
    EXPECT_FALSE(parseJson(deep + std::string(100, ']')));
}

class PythonTraceRun : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (findPython3().empty())
            GTEST_SKIP() << "no python3 on PATH";
        ASSERT_FALSE(packageDirectory().empty());
    }
    std::string script(const std::string &name, const std::string &text)
    {
        const std::string path = (m_dir.dir / name).string();
        std::ofstream(path) << text;
        return path;
    }
    wb::test::Scratch m_dir;
};

TEST_F(PythonTraceRun, AScriptIsTracedToItsEnd)
{
    Options o;
    o.script = script("ok.py", "a = []\na.append(1)\nprint('hi')\n");
    std::vector<std::string> types;
    const Result r = TraceRun(o).wait([&](const Json &e) { types.push_back(e.str("type")); });
    EXPECT_EQ(r.ending, Ending::Ok) << r.message;
    EXPECT_EQ(r.exitStatus, 0);
    EXPECT_EQ(r.out, "hi\n");
    EXPECT_EQ(r.events, 2u);
    EXPECT_EQ(types, (std::vector<std::string>{"hello", "list", "list", "end"}));
    EXPECT_FALSE(r.python.empty());
}

TEST_F(PythonTraceRun, StopEndsTheWholeGroupAtOnce)
{
    Options o;
    o.script = script("loop.py", "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n"
                                 "while True:\n    time.sleep(0.01)\n");
    TraceRun run(o);
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        run.stop();
    });
    const auto t0 = std::chrono::steady_clock::now();
    const Result r = run.wait({});
    stopper.join();
    EXPECT_EQ(r.ending, Ending::Stopped);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
    ASSERT_GT(r.pid, 0);
    // The processes the script forked are killed with the group; init reaps them.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (::kill(-r.pid, 0) == 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_NE(::kill(-r.pid, 0), 0) << "a process of the run is left";
    EXPECT_NE(::kill(r.pid, 0), 0) << "the child is left (a zombie?)";
}

TEST_F(PythonTraceRun, NoPythonIsAClearError)
{
    Options o;
    o.script = script("ok.py", "pass\n");
    const char *old = std::getenv("PATH");
    const std::string saved = old ? old : "";
    ::setenv("PATH", m_dir.dir.c_str(), 1);
    const Result r = TraceRun(o).wait({});
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_EQ(r.ending, Ending::NoPython);
    EXPECT_NE(r.message.find("no python3 on PATH"), std::string::npos) << r.message;
}

TEST_F(PythonTraceRun, TheTracersRefusalIsBadInput)
{
    Options o;
    o.script = (m_dir.dir / "missing.py").string();
    const Result r = TraceRun(o).wait({});
    EXPECT_EQ(r.ending, Ending::BadInput);
    EXPECT_NE(r.message.find("no such file"), std::string::npos) << r.message;
}

} // namespace
