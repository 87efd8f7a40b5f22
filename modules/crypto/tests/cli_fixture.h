#pragma once
// A GoogleTest fixture for running the built workbench-cli (or any command line) in a fresh
// folder of its own, capturing exit code, stdout and stderr.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace wb::crypto::testing {

namespace fs = std::filesystem;

struct Result
{
    int code = -1;
    std::string out, err;
};

inline std::string quote(const std::string &s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline std::string slurp(const fs::path &p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

class CliFixture : public ::testing::Test
{
protected:
    // `folderPrefix` names the test's scratch folder (with the test's name and the pid).
    explicit CliFixture(std::string folderPrefix) : m_prefix(std::move(folderPrefix)) {}

    void SetUp() override
    {
        const char *cli = std::getenv("WB_CLI");
        m_cli = cli ? cli : WB_CLI_PATH;
        ASSERT_TRUE(fs::exists(m_cli)) << m_cli << " not found; set WB_CLI to workbench-cli";
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() /
                (m_prefix + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    // Runs a shell command line in the test folder.
    Result shell(const std::string &commandLine) const
    {
        const fs::path out = m_dir / ".stdout", err = m_dir / ".stderr";
        const std::string cmd = "cd " + quote(m_dir.string()) + " && " + commandLine + " > " +
                                quote(out.string()) + " 2> " + quote(err.string());
        const int status = std::system(cmd.c_str());
        Result r;
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = slurp(out);
        r.err = slurp(err);
        fs::remove(out);
        fs::remove(err);
        return r;
    }
    // workbench-cli with `command` (e.g. "crypto rsa") and the arguments, each quoted.
    Result cli(const std::string &command, const std::vector<std::string> &args) const
    {
        std::string cmd = quote(m_cli) + " " + command;
        for (const auto &a : args)
            cmd += " " + quote(a);
        return shell(cmd);
    }

    std::string path(const std::string &name) const { return (m_dir / name).string(); }
    void write(const std::string &name, const std::string &content) const
    {
        std::ofstream(path(name), std::ios::binary) << content;
    }
    std::string read(const std::string &name) const { return slurp(path(name)); }

    // A failure: exit `code`, nothing on stdout, one sentence on stderr that names the module
    // and contains `needle`.
    void expectFailure(const Result &r, int code, const std::string &needle) const
    {
        EXPECT_EQ(r.code, code) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err.rfind("workbench-cli crypto: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(needle), std::string::npos)
            << "expected '" << needle << "' in: " << r.err;
    }

    std::string m_prefix;
    std::string m_cli;
    fs::path m_dir;
};

} // namespace wb::crypto::testing
