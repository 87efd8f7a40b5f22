// Runs the built workbench-cli the way a script would.
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

using Result = wb::test::RunResult;

// workbench-cli with `args` (a command line of plain and '…' words), stdout and stderr together.
Result cli(const std::string &args)
{
    return wb::test::runCli(wb::test::shellWords(args), {.mergeStderr = true});
}

TEST(ThreadsCli, UnknownScenarioIsAUsageError)
{
    ASSERT_TRUE(std::filesystem::exists(wb::test::cliPath())) << wb::test::cliPath();
    const Result r = cli("threads run no-such-scenario");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.out.find("workbench-cli threads: unknown scenario 'no-such-scenario'"),
              std::string::npos)
        << r.out;
}

TEST(ThreadsCli, BadOptionsAreUsageErrors)
{
    EXPECT_EQ(cli("threads run condition --mode fast").code, 2);
    EXPECT_EQ(cli("threads run condition --seed -3").code, 2);
    EXPECT_EQ(cli("threads run condition --seed x").code, 2);
    EXPECT_EQ(cli("threads run condition --colour").code, 2);
    EXPECT_EQ(cli("threads run").code, 2);
}

TEST(ThreadsCli, PrintsTheConsoleLines)
{
    const Result r = cli("threads run fetch-lock --seed 3");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("lock acquired by Thread-"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("URL http://www.google.com fetched by Thread-1"), std::string::npos);
    EXPECT_NE(r.out.find("max_concurrent_writers=1"), std::string::npos);
}

TEST(ThreadsCli, JsonCarriesEventsAndSummary)
{
    const Result r = cli("threads run fetch-nolock --seed 11 --json");
    EXPECT_EQ(r.code, 0) << r.out;
    for (const char *needle : {"{\"scenario\":\"fetch-nolock\",\"seed\":11,",
                               "\"events\":[{\"seq\":0,\"t_ns\":", "\"thread\":\"Thread-",
                               "\"primitive\":\"output.txt\"", "\"event\":\"write\"",
                               "\"summary\":{\"max_concurrent_writers\":2,", "\"deadlock\":false"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle;

    const Result d = cli("threads run deadlock --seed 2 --json");
    EXPECT_EQ(d.code, 0);
    EXPECT_NE(d.out.find("\"deadlock\":true,\"cycle\":[\"Thread-"), std::string::npos) << d.out;

    const Result q = cli("threads run queue --json");
    EXPECT_NE(q.out.find("\"seed\":null"), std::string::npos);
    EXPECT_NE(q.out.find("\"produced\":5,\"consumed\":5"), std::string::npos);
    EXPECT_NE(q.out.find("\"error\":\"task_done() called too many times\""), std::string::npos);
}

TEST(ThreadsCli, SameSeedSameOutput)
{
    const Result a = cli("threads run event --seed 8");
    const Result b = cli("threads run event --seed 8");
    EXPECT_EQ(a.code, 0);
    EXPECT_EQ(a.out, b.out);
}

// ---- the playground ----------------------------------------------------------------------------

std::string scriptFile(const std::string &name, const std::string &text)
{
    const std::string path = "/tmp/threads_cli_test_" + std::to_string(getpid()) + "_" + name;
    std::ofstream(path) << text;
    return path;
}

TEST(ThreadsCli, PlaygroundRunsAScriptFile)
{
    const std::string path = scriptFile("order.txt", "lock A\nlock B\n"
                                                     "T1: acquire A; sleep 10; acquire B\n"
                                                     "T2: acquire B; sleep 10; acquire A\n");
    const Result r = cli("threads run playground --script " + path + " --seed 4");
    std::remove(path.c_str());
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("deadlock detected: Thread-"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("-- playground: deadlock=true cycle=Thread-"), std::string::npos)
        << r.out;
}

TEST(ThreadsCli, PlaygroundScriptTextAndJson)
{
    const Result r = cli("threads run playground --seed 2 --json --script-text "
                         "'queue Q 1\nT1: put Q 5; put Q 6\nT2: get Q; get Q; print done'");
    EXPECT_EQ(r.code, 0) << r.out;
    for (const char *needle :
         {"{\"scenario\":\"playground\",\"seed\":2,", "\"file\":\"playground.script\",\"line\":2",
          "\"event\":\"get\"", "\"item\":6", "\"console\":[\"done\"]",
          "\"produced\":2,\"consumed\":2", "\"operations\":5,\"operations_done\":5"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
}

TEST(ThreadsCli, PlaygroundScriptErrorsNameLineAndColumn)
{
    const std::string path = scriptFile("bad.txt", "lock A\nT1: acquire A; wiat A\n");
    const Result r = cli("threads run playground --script " + path);
    std::remove(path.c_str());
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("the script has 1 error:\n  " + path + ":2:16: unknown operation 'wiat'"),
              std::string::npos)
        << r.out;

    const Result t = cli("threads run playground --script-text 'T1: acquire X'");
    EXPECT_EQ(t.code, 2);
    EXPECT_NE(t.out.find("script:1:13: unknown primitive 'X'"), std::string::npos) << t.out;
}

TEST(ThreadsCli, AsPythonPrintsATwinThatPython3Runs)
{
    const Result r = cli("threads run playground --as-python --script-text "
                         "'lock A\nqueue Q\nT1: acquire A; put Q 3; release A\n"
                         "T2: sleep 20; get Q; print T2 got {Q}'");
    ASSERT_EQ(r.code, 0) << r.out;
    for (const char *needle :
         {"import threading", "A = threading.Lock()\n", "Q = queue.Queue()\n",
          "def thread_1():\n    A.acquire()\n", "    time.sleep(0.02)\n    got[\"Q\"] = Q.get()\n",
          "name=\"Thread-2\""})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
    // The twin is a program CPython runs to the same console as the module's.
    const std::string path = scriptFile("twin.py", r.out);
    const Result python = wb::test::run({"python3", path}, {.mergeStderr = true});
    ASSERT_TRUE(python.err.empty()) << python.err; // python3 could not be started
    EXPECT_EQ(python.code, 0) << python.out;
    std::remove(path.c_str());
    EXPECT_EQ(python.out, "T2 got 3\n");

    const Result preset = cli("threads run playground --as-python");
    EXPECT_EQ(preset.code, 0);
    EXPECT_NE(preset.out.find("B = threading.Lock()"), std::string::npos) << preset.out;
    EXPECT_EQ(cli("threads run condition --as-python").code, 2);
    EXPECT_EQ(cli("threads run playground --as-python --json").code, 2);
    EXPECT_EQ(cli("threads run playground --as-python --script-text 'T1: grab'").code, 2);
}

TEST(ThreadsCli, PlaygroundOptionMistakes)
{
    EXPECT_EQ(cli("threads run playground --script /nonexistent/dir/x.txt").code, 3);
    EXPECT_EQ(cli("threads run condition --script-text 'T1: sleep 1'").code, 2);
    EXPECT_EQ(cli("threads run playground --script-text '  '").code, 2);
    EXPECT_EQ(cli("threads run playground --script a --script-text b").code, 2);
    EXPECT_EQ(cli("threads run no-such --script-text 'T1: sleep 1'").code, 2);
    const Result preset = cli("threads run playground --seed 1");
    EXPECT_EQ(preset.code, 0);
    EXPECT_NE(preset.out.find("deadlock=true"), std::string::npos) << preset.out;
}

} // namespace
