// Runs the built workbench-cli (path in WORKBENCH_CLI) the way a script would.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace {

struct Result
{
    int exit = -1;
    std::string out; // stdout and stderr together
};

Result cli(const std::string &args)
{
    const char *exe = std::getenv("WORKBENCH_CLI");
    Result r;
    if (!exe)
        return r;
    const std::string cmd = std::string("'") + exe + "' " + args + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(ThreadsCli, UnknownScenarioIsAUsageError)
{
    ASSERT_NE(std::getenv("WORKBENCH_CLI"), nullptr);
    const Result r = cli("threads run no-such-scenario");
    EXPECT_EQ(r.exit, 2);
    EXPECT_NE(r.out.find("workbench-cli threads: unknown scenario 'no-such-scenario'"),
              std::string::npos)
        << r.out;
}

TEST(ThreadsCli, BadOptionsAreUsageErrors)
{
    EXPECT_EQ(cli("threads run condition --mode fast").exit, 2);
    EXPECT_EQ(cli("threads run condition --seed -3").exit, 2);
    EXPECT_EQ(cli("threads run condition --seed x").exit, 2);
    EXPECT_EQ(cli("threads run condition --colour").exit, 2);
    EXPECT_EQ(cli("threads run").exit, 2);
}

TEST(ThreadsCli, PrintsTheConsoleLines)
{
    const Result r = cli("threads run fetch-lock --seed 3");
    EXPECT_EQ(r.exit, 0) << r.out;
    EXPECT_NE(r.out.find("lock acquired by Thread-"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("URL http://www.google.com fetched by Thread-1"), std::string::npos);
    EXPECT_NE(r.out.find("max_concurrent_writers=1"), std::string::npos);
}

TEST(ThreadsCli, JsonCarriesEventsAndSummary)
{
    const Result r = cli("threads run fetch-nolock --seed 11 --json");
    EXPECT_EQ(r.exit, 0) << r.out;
    for (const char *needle :
         {"{\"scenario\":\"fetch-nolock\",\"seed\":11,", "\"events\":[{\"seq\":0,\"t_ns\":",
          "\"thread\":\"Thread-", "\"primitive\":\"output.txt\"", "\"event\":\"write\"",
          "\"summary\":{\"max_concurrent_writers\":2,", "\"deadlock\":false"})
        EXPECT_NE(r.out.find(needle), std::string::npos) << needle;

    const Result d = cli("threads run deadlock --seed 2 --json");
    EXPECT_EQ(d.exit, 0);
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
    EXPECT_EQ(a.exit, 0);
    EXPECT_EQ(a.out, b.out);
}

} // namespace
