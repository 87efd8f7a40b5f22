#pragma once
// Runs the built workbench-cli (or any program) from a GoogleTest test without a shell: the
// arguments reach the program byte for byte; stdin, extra environment, working folder and a
// timeout are options; the result holds the exit code, stdout and stderr.
//
// A test target gets this header, WB_CLI_PATH and a build dependency on workbench-cli from
//     workbench_add_cli_test(<topic>_record_cli_tests SOURCES record_cli_test.cpp)
// in cmake/Workbench.cmake (or by linking Workbench::TestCli to a target of its own). Then:
//
//     #include "workbench/test/cli.h"
//     using wb::test::runCli;
//     const wb::test::RunResult r = runCli({"crypto", "hash", "md5", "--text", "abc"});
//     EXPECT_EQ(r.code, 0) << r.err;
//     EXPECT_EQ(r.out, "900150983cd24fb0d6963f7d28e17f72\n");
//     runCli(args, {.stdinText = "input", .env = {"WB_X=1"}, .mergeStderr = true});
//     wb::test::run({"openssl", "version"});      // any program, looked up on PATH
//     runCli(wb::test::shellWords("nova packet --proto 'tcp'"));  // a command line as words
//
//     class RecordCli : public wb::test::CliTest {};   // a fresh folder per test, removed
//     TEST_F(RecordCli, Writes) {                      // afterwards; cli() and run() start
//         write("in.txt", "abc");                      // there, path(name) names a file in it
//         const auto r = cli({"crypto", "hash", "md5", "--file", "in.txt", "--bogus"});
//         wb::test::expectCliFailure(r, 2, "crypto", "unknown option");
//     }
//
// The binary is $WB_CLI when set, else the workbench-cli the target was built with. The test
// process ignores SIGPIPE from the first run() on (the programs it starts do not).

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace wb::test {

struct RunResult
{
    int code = -1;         // the exit status; -1 when it died of a signal or never started
    int signal = 0;        // the signal that ended it, if one did
    bool timedOut = false; // killed after RunOptions::timeout
    std::string out;       // stdout (and stderr with mergeStderr)
    std::string err;       // stderr; why it could not start, when it could not
};

struct RunOptions
{
    // Each member has an initializer, so that designated initializers may leave any out.
    std::string stdinText{};        // written to its stdin, which is then closed
    std::vector<std::string> env{}; // "NAME=value" sets or replaces, "NAME" removes
    std::filesystem::path cwd{};    // its working folder; empty: this process's
    bool mergeStderr = false;       // stderr into out, interleaved as written (like 2>&1)
    std::chrono::milliseconds timeout{std::chrono::seconds(120)}; // then SIGKILL
};

namespace detail {

inline std::vector<std::string> environment(const std::vector<std::string> &changes)
{
    std::vector<std::string> env;
    for (char **e = environ; e && *e; ++e)
        env.emplace_back(*e);
    for (const std::string &change : changes) {
        const std::string name = change.substr(0, change.find('='));
        std::erase_if(env, [&](const std::string &e) {
            return e.size() > name.size() && e.compare(0, name.size(), name) == 0 &&
                   e[name.size()] == '=';
        });
        if (change.find('=') != std::string::npos)
            env.push_back(change);
    }
    return env;
}

inline std::vector<char *> pointers(std::vector<std::string> &strings)
{
    std::vector<char *> p;
    for (std::string &s : strings)
        p.push_back(s.data());
    p.push_back(nullptr);
    return p;
}

} // namespace detail

// Runs argv (argv[0] looked up on PATH when it has no '/') and waits for it to end.
inline RunResult run(std::vector<std::string> argv, const RunOptions &options = {})
{
    RunResult r;
    if (argv.empty()) {
        r.err = "nothing to run";
        return r;
    }
    // Writing to a child that has already exited must fail with EPIPE, not end the test; the
    // child gets the default disposition back below.
    static const bool ignoringSigpipe = (std::signal(SIGPIPE, SIG_IGN), true);
    (void)ignoringSigpipe;

    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        r.err = std::string("pipe: ") + std::strerror(errno);
        return r;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, options.mergeStderr ? out[1] : err[1], 2);
    const std::string cwd = options.cwd.string();
    if (!cwd.empty())
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> env = detail::environment(options.env);
    std::vector<char *> argp = detail::pointers(argv), envp = detail::pointers(env);
    pid_t pid = -1;
    const int spawned =
        posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : {in[0], out[1], err[1]})
        ::close(fd);
    if (spawned != 0) {
        for (int fd : {in[1], out[0], err[0]})
            ::close(fd);
        r.err = "cannot start " + argv[0] + ": " + std::strerror(spawned);
        return r;
    }

    int stdinFd = in[1];
    for (int fd : {stdinFd, out[0], err[0]})
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::size_t written = 0;
    if (options.stdinText.empty()) {
        ::close(stdinFd);
        stdinFd = -1;
    }
    int outFd = out[0], errFd = err[0];
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    char buf[65536];
    while (outFd >= 0 || errFd >= 0) {
        pollfd fds[3] = {{stdinFd, POLLOUT, 0}, {outFd, POLLIN, 0}, {errFd, POLLIN, 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, 3, static_cast<int>(left.count())) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (stdinFd >= 0 && fds[0].revents) {
            const ssize_t n = ::write(stdinFd, options.stdinText.data() + written,
                                      options.stdinText.size() - written);
            if (n > 0)
                written += static_cast<std::size_t>(n);
            if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
                written == options.stdinText.size()) {
                ::close(stdinFd);
                stdinFd = -1;
            }
        }
        const auto drain = [&buf](const pollfd &p, int &fd, std::string &target) {
            if (fd < 0 || !p.revents)
                return;
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n > 0) {
                target.append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                ::close(fd);
                fd = -1;
            }
        };
        drain(fds[1], outFd, r.out);
        drain(fds[2], errFd, r.err);
    }
    for (int fd : {stdinFd, outFd, errFd})
        if (fd >= 0)
            ::close(fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        r.code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        r.signal = WTERMSIG(status);
    return r;
}

// The workbench-cli under test: $WB_CLI, else the one this target was built with.
inline std::string cliPath()
{
    if (const char *env = std::getenv("WB_CLI"); env && *env)
        return env;
#ifdef WB_CLI_PATH
    return WB_CLI_PATH;
#else
    return "workbench-cli";
#endif
}

// workbench-cli with `args` (e.g. {"crypto", "hash", "md5", "--text", "abc"}).
inline RunResult runCli(const std::vector<std::string> &args, const RunOptions &options = {})
{
    std::vector<std::string> argv{cliPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(std::move(argv), options);
}

// A command line split into words the way sh splits plain words and '…' strings (kept
// literally, newlines included; '' is an empty word). Any other character the shell would
// interpret fails the test, so a command line never means something else here than there.
inline std::vector<std::string> shellWords(std::string_view line)
{
    std::vector<std::string> words;
    std::string word;
    bool inWord = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\'') {
            const std::size_t end = line.find('\'', i + 1);
            if (end == std::string_view::npos) {
                ADD_FAILURE() << "unterminated quote in: " << line;
                break;
            }
            word.append(line.substr(i + 1, end - i - 1));
            inWord = true;
            i = end;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (inWord)
                words.push_back(std::move(word));
            word.clear();
            inWord = false;
        } else {
            if (std::string_view("\"\\$`|&;<>()*?[]{}~#!").find(c) != std::string_view::npos)
                ADD_FAILURE() << "'" << c << "' is special to the shell; quote it in: " << line;
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        words.push_back(std::move(word));
    return words;
}

// A failed command as every module's CLI reports one: exit `code`, nothing on stdout, and one
// sentence on stderr that starts "workbench-cli <module>: " and contains `needle`.
inline void expectCliFailure(const RunResult &r, int code, std::string_view module,
                             std::string_view needle)
{
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("workbench-cli " + std::string(module) + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos)
        << "expected '" << needle << "' in: " << r.err;
}

inline std::string slurp(const std::filesystem::path &p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// A fixture whose tests each get a fresh folder (removed afterwards) to run in.
class CliTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(std::filesystem::exists(cliPath()))
            << cliPath() << " not found; set WB_CLI to workbench-cli";
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info->name();
        std::replace(name.begin(), name.end(), '/', '_');
        std::string t =
            (std::filesystem::temp_directory_path() / ("wb-cli-" + name + "-XXXXXX")).string();
        ASSERT_NE(::mkdtemp(t.data()), nullptr) << std::strerror(errno);
        m_dir = t;
    }
    void TearDown() override
    {
        if (!m_dir.empty())
            std::filesystem::remove_all(m_dir);
    }

    // workbench-cli, or any program, started in the test's folder.
    RunResult cli(const std::vector<std::string> &args, RunOptions options = {}) const
    {
        if (options.cwd.empty())
            options.cwd = m_dir;
        return runCli(args, options);
    }
    RunResult run(std::vector<std::string> argv, RunOptions options = {}) const
    {
        if (options.cwd.empty())
            options.cwd = m_dir;
        return wb::test::run(std::move(argv), options);
    }

    std::string path(const std::string &name) const { return (m_dir / name).string(); }
    void write(const std::string &name, const std::string &content) const
    {
        std::ofstream(path(name), std::ios::binary) << content;
    }
    std::string read(const std::string &name) const { return slurp(path(name)); }

    std::filesystem::path m_dir;
};

} // namespace wb::test
