#include "workbench/core/output_file.h"

#include "scratch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using wb::test::Scratch;

std::string slurp(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int temporaries(const fs::path &dir)
{
    int n = 0;
    for (const auto &e : fs::directory_iterator(dir))
        n += wb::OutputFile::isTemporaryName(e.path().filename().string());
    return n;
}

} // namespace

TEST(OutputFile, WritesANewFileOnlyAtCommit)
{
    Scratch s;
    const std::string target = (s.dir / "out").string();
    wb::OutputFile f;
    std::string error;
    ASSERT_TRUE(f.open(target, false, false, error)) << error;
    ASSERT_TRUE(f.write(std::string_view("hello"), error)) << error;
    EXPECT_FALSE(fs::exists(target));
    EXPECT_EQ(temporaries(s.dir), 1);
    ASSERT_TRUE(f.commit(error)) << error;
    EXPECT_EQ(slurp(target), "hello");
    EXPECT_EQ(temporaries(s.dir), 0);
}

TEST(OutputFile, NeverReplacesWithoutOverwriteAndKeepsTheOldFileOnDiscard)
{
    Scratch s;
    const std::string target = (s.dir / "out").string();
    std::ofstream(target) << "old";
    wb::OutputFile refused;
    std::string error;
    EXPECT_FALSE(refused.open(target, false, false, error));
    EXPECT_EQ(refused.errorKind(), wb::OutputFile::ErrorKind::Usage);
    EXPECT_NE(error.find("already exists"), std::string::npos) << error;
    {
        wb::OutputFile abandoned;
        ASSERT_TRUE(abandoned.open(target, true, false, error)) << error;
        ASSERT_TRUE(abandoned.write(std::string_view("new, but never committed"), error));
    }
    EXPECT_EQ(slurp(target), "old");
    EXPECT_EQ(temporaries(s.dir), 0);
}

TEST(OutputFile, RefusesDevicesPipesAndDirectories)
{
    Scratch s;
    const std::string fifo = (s.dir / "fifo").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const std::pair<std::string, std::string> cases[] = {{"/dev/null", "a character device"},
                                                         {fifo, "a named pipe"},
                                                         {s.dir.string(), "a directory"}};
    for (const auto &[target, kind] : cases) {
        wb::OutputFile f;
        std::string error;
        EXPECT_FALSE(f.open(target, true, false, error)) << target;
        EXPECT_EQ(f.errorKind(), wb::OutputFile::ErrorKind::Usage);
        EXPECT_NE(error.find(kind), std::string::npos) << error;
    }
    struct stat st
    {
    };
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(OutputFile, RecognisesOnlyItsOwnTemporaryNames)
{
    long pid = 0;
    EXPECT_TRUE(wb::OutputFile::isTemporaryName(".out.png.tmp-4242-aZ09xy", &pid));
    EXPECT_EQ(pid, 4242);
    EXPECT_FALSE(wb::OutputFile::isTemporaryName("out.tmp-4242-aZ09xy"));  // not hidden
    EXPECT_FALSE(wb::OutputFile::isTemporaryName(".out.tmp-aZ09xy"));      // no pid
    EXPECT_FALSE(wb::OutputFile::isTemporaryName(".out.tmp-42x-aZ09xy"));  // not a pid
    EXPECT_FALSE(wb::OutputFile::isTemporaryName(".out.tmp-4242-aZ09x"));  // 5 characters
    EXPECT_FALSE(wb::OutputFile::isTemporaryName(".out.tmp-4242-aZ0.xy")); // not mkstemp's
}

TEST(OutputFile, SweepsTemporariesOfDeadProcessesOnly)
{
    Scratch s;
    // A pid that surely ran and is gone: a child that exited and was reaped.
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    const fs::path dead = s.dir / (".x.tmp-" + std::to_string(child) + "-abcdef");
    const fs::path live = s.dir / (".x.tmp-" + std::to_string(::getpid() == 1 ? 2 : 1) +
                                   "-abcdef"); // pid 1 is always alive
    const fs::path other = s.dir / ".x.tmp-abcdef";
    for (const auto &p : {dead, live, other})
        std::ofstream(p) << "partial";
    EXPECT_EQ(wb::OutputFile::removeStale(s.dir.string()), 1);
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(live));
    EXPECT_TRUE(fs::exists(other));
}
