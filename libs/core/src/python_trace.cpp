#include "workbench/core/python_trace.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <set>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace wb::pytrace {

// ---- finding python3 and the package ------------------------------------------------------

namespace {

bool isFile(const std::string &path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool holdsPackage(const std::string &dir)
{
    return !dir.empty() && isFile(dir + "/wbtrace/__main__.py");
}

std::string executableDir()
{
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return {};
    std::string path(buf, static_cast<std::size_t>(n));
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

} // namespace

std::string packageDirectory()
{
    if (const char *env = std::getenv("WB_PYTRACE_DIR"); env && *env)
        return holdsPackage(env) ? std::string(env) : std::string();
#ifdef WB_PYTRACE_INSTALL_DIR
    if (const std::string exe = executableDir(); !exe.empty()) {
        const std::string installed = exe + "/../" + WB_PYTRACE_INSTALL_DIR;
        if (holdsPackage(installed))
            return installed;
    }
#endif
#ifdef WB_PYTRACE_BUILD_DIR
    if (holdsPackage(WB_PYTRACE_BUILD_DIR))
        return WB_PYTRACE_BUILD_DIR;
#endif
    return {};
}

const char *internText(std::string_view text)
{
    static std::mutex mutex;
    static std::set<std::string, std::less<>> texts;
    std::lock_guard lock(mutex);
    auto it = texts.find(text);
    if (it == texts.end())
        it = texts.emplace(text).first;
    return it->c_str();
}

std::string findPython3()
{
    const char *path = std::getenv("PATH");
    if (!path)
        return {};
    std::string_view rest(path);
    while (true) {
        const auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty())
            dir = ".";
        const std::string candidate = dir + "/python3";
        if (isFile(candidate) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos)
            break;
        rest.remove_prefix(colon + 1);
    }
    return {};
}

const char *toString(Ending e)
{
    switch (e) {
    case Ending::Ok:
        return "ok";
    case Ending::Error:
        return "error";
    case Ending::Limit:
        return "limit";
    case Ending::Stopped:
        return "stopped";
    case Ending::Deadlock:
        return "deadlock";
    case Ending::BadInput:
        return "bad-input";
    case Ending::NoPython:
        return "no-python";
    case Ending::Failure:
        break;
    }
    return "failure";
}

// ---- the run ------------------------------------------------------------------------------

namespace {

using Clock = std::chrono::steady_clock;

// Moves `fd` to a descriptor >= 10, close-on-exec, so that the child's dup2 onto 0..3 never
// meets one of its own sources.
int highFd(int fd)
{
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
    ::close(fd);
    return moved;
}

// Reads the non-blocking `fd` until it would block, handing each chunk to `use`, which returns
// false to stop reading it. True at the end of the file (or when `use` stopped).
template <class F> bool readChunks(int fd, F &&use)
{
    char buf[65536];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0;
        if (!use(std::string_view(buf, static_cast<std::size_t>(n))))
            return true;
    }
}

void setNonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

std::string formatSeconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

// The tracer's refusal sentence: its last non-empty line of standard error, without the
// "wbtrace: " prefix.
std::string lastLine(const std::string &text)
{
    std::string_view v(text);
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' '))
        v.remove_suffix(1);
    const auto nl = v.rfind('\n');
    if (nl != std::string_view::npos)
        v.remove_prefix(nl + 1);
    if (v.substr(0, 9) == "wbtrace: ")
        v.remove_prefix(9);
    return std::string(v);
}

struct Child
{
    pid_t pid = -1;
    bool exited = false; // the leader has exited (still a zombie until reaped)
    bool reaped = false;
    int status = 0;

    // The leader's end, without reaping it: while it is a zombie its process group id
    // cannot be reused, so killing the group stays safe.
    bool poll()
    {
        if (exited || pid < 0)
            return exited;
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == pid)
            exited = true;
        return exited;
    }
    void killGroup()
    {
        if (pid > 0 && !reaped)
            ::kill(-pid, SIGKILL);
    }
    void reap()
    {
        if (pid < 0 || reaped)
            return;
        killGroup();
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        reaped = true;
        exited = true;
    }
};

} // namespace

TraceRun::TraceRun(Options options) : m_options(std::move(options))
{
    if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        m_wake[0] = m_wake[1] = -1;
}

TraceRun::~TraceRun()
{
    closeFd(m_wake[0]);
    closeFd(m_wake[1]);
}

void TraceRun::stop()
{
    m_stop = true;
    if (m_wake[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] auto n = ::write(m_wake[1], &c, 1);
    }
}

Result TraceRun::wait(const std::function<void(const Json &)> &onEvent)
{
    Result result;
    const Options &o = m_options;
    const auto started = Clock::now();

    const std::string python = o.python.empty() ? findPython3() : o.python;
    if (python.empty() || ::access(python.c_str(), X_OK) != 0) {
        result.ending = Ending::NoPython;
        result.message = python.empty()
                             ? "there is no python3 on PATH; install Python 3 (3.8 to 3.13) or "
                               "add its folder to PATH."
                             : "cannot run " + python + ": it is not an executable file.";
        return result;
    }
    const std::string package = o.packageDir.empty() ? packageDirectory() : o.packageDir;
    if (!holdsPackage(package)) {
        result.ending = Ending::NoPython;
        result.message = "the Python tracer (wbtrace) is not installed with this workbench; set "
                         "WB_PYTRACE_DIR to the folder that holds it.";
        return result;
    }

    // Everything the child needs is built before fork: after it, only exec.
    std::vector<std::string> argv = {
        python, "-m", "wbtrace", "--events-fd", "3", "--max-events", std::to_string(o.maxEvents)};
    if (o.timeLimitSeconds > 0) {
        argv.push_back("--time-limit");
        argv.push_back(formatSeconds(o.timeLimitSeconds));
    }
    if (o.seed) {
        argv.push_back("--seed");
        argv.push_back(std::to_string(*o.seed));
    }
    // A script named like an option is passed as a path.
    argv.push_back(!o.script.empty() && o.script[0] == '-' ? "./" + o.script : o.script);
    argv.insert(argv.end(), o.args.begin(), o.args.end());
    std::vector<std::string> env;
    std::string pythonPath = "PYTHONPATH=" + package;
    for (char **e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        if (kv.substr(0, 11) == "PYTHONPATH=") {
            if (kv.size() > 11)
                pythonPath += ":" + std::string(kv.substr(11));
            continue;
        }
        if (kv.substr(0, 24) == "PYTHONDONTWRITEBYTECODE=")
            continue;
        env.emplace_back(kv);
    }
    env.push_back(pythonPath);
    env.push_back("PYTHONDONTWRITEBYTECODE=1");
    std::vector<char *> cargv, cenv;
    for (auto &a : argv)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto &e : env)
        cenv.push_back(e.data());
    cenv.push_back(nullptr);

    int ev[2], out[2], err[2];
    if (::pipe2(ev, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        result.message = std::string("cannot make a pipe: ") + std::strerror(errno) + ".";
        return result;
    }
    for (int *p : {ev, out, err}) {
        p[0] = highFd(p[0]);
        p[1] = highFd(p[1]);
    }
    const int devnull = highFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));

    Child child;
    child.pid = ::fork();
    if (child.pid < 0) {
        result.message = std::string("cannot start python3: ") + std::strerror(errno) + ".";
        for (int *p : {ev, out, err}) {
            ::close(p[0]);
            ::close(p[1]);
        }
        ::close(devnull);
        return result;
    }
    if (child.pid == 0) {
        ::setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int s : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGALRM, SIGCHLD})
            ::signal(s, SIG_DFL);
        if (::dup2(devnull, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0 ||
            ::dup2(ev[1], 3) < 0)
            ::_exit(127);
        ::syscall(SYS_close_range, 4u, ~0u, 0u);
        ::execve(python.c_str(), cargv.data(), cenv.data());
        ::_exit(127);
    }
    ::setpgid(child.pid, child.pid);
    result.pid = child.pid;
    ::close(ev[1]);
    ::close(out[1]);
    ::close(err[1]);
    ::close(devnull);
    int fds[3] = {ev[0], out[0], err[0]};
    for (int fd : fds)
        setNonBlocking(fd);

    std::string pending; // an event line not yet complete
    std::optional<Clock::time_point> endSeenAt;
    const std::optional<Clock::time_point> hardDeadline =
        o.timeLimitSeconds > 0
            ? std::optional(started +
                            std::chrono::milliseconds(
                                static_cast<std::int64_t>(o.timeLimitSeconds * 1000) + 1500))
            : std::nullopt;
    std::optional<Ending> forced; // the reason this side ended the run
    std::string forcedMessage;

    const auto force = [&](Ending e, std::string message) {
        if (!forced) {
            forced = e;
            forcedMessage = std::move(message);
        }
        child.killGroup();
    };

    const auto handleLine = [&](std::string_view line) {
        if (forced)
            return;
        std::string error;
        auto parsed = parseJson(line, &error);
        if (!parsed || !parsed->isObject()) {
            force(Ending::Failure, "the tracer sent a line that is not a JSON object (" +
                                       (parsed ? std::string("another value") : error) + ").");
            return;
        }
        const std::string type = parsed->str("type");
        if (type == "hello") {
            result.python = parsed->str("python");
            result.hello = *parsed;
        } else if (type == "end") {
            endSeenAt = Clock::now();
            result.end = *parsed;
        } else if (type == "list" || type == "thread") {
            if (++result.events > o.maxEvents) {
                force(Ending::Limit, "the run stopped after " + std::to_string(o.maxEvents) +
                                         " events (the cap).");
                return;
            }
        } else if (type == "error") {
            result.error = *parsed;
        } else if (type == "limit") {
            result.limit = *parsed;
        } else if (type == "deadlock") {
            result.deadlock = *parsed;
        }
        if (onEvent)
            onEvent(*parsed);
    };

    const auto readEvents = [&](int fd) {
        return readChunks(fd, [&](std::string_view chunk) {
            while (!chunk.empty()) {
                const auto nl = chunk.find('\n');
                if (nl == std::string_view::npos) {
                    pending.append(chunk);
                    chunk = {};
                } else {
                    pending.append(chunk.substr(0, nl));
                    chunk.remove_prefix(nl + 1);
                    if (!pending.empty())
                        handleLine(pending);
                    pending.clear();
                }
                if (pending.size() > o.maxLineBytes) {
                    force(Ending::Failure, "the tracer sent a line longer than " +
                                               std::to_string(o.maxLineBytes) + " bytes.");
                    pending.clear();
                    return false;
                }
            }
            return true;
        });
    };

    const auto readOutput = [&](int fd, std::string &into, bool &cut) {
        return readChunks(fd, [&](std::string_view chunk) {
            const std::size_t room =
                o.maxOutputBytes > into.size() ? o.maxOutputBytes - into.size() : 0;
            into.append(chunk.substr(0, room));
            if (chunk.size() > room)
                cut = true;
            return true;
        });
    };

    // Waits up to `timeoutMs` for the open pipes (and the stop pipe, when `wake`), then reads
    // what came; a pipe at its end is closed for good.
    bool open[3] = {true, true, true};
    const auto pump = [&](int timeoutMs, bool wake) {
        pollfd pfd[4];
        int index[4];
        int n = 0;
        for (int i = 0; i < 3; ++i)
            if (open[i]) {
                pfd[n] = {fds[i], POLLIN, 0};
                index[n++] = i;
            }
        if (wake) {
            pfd[n] = {m_wake[0], POLLIN, 0};
            index[n++] = 3;
        }
        ::poll(pfd, static_cast<nfds_t>(n), timeoutMs);
        for (int k = 0; k < n; ++k) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const int i = index[k];
            if (i == 3) {
                char drain[64];
                while (::read(m_wake[0], drain, sizeof drain) > 0) {
                }
                continue;
            }
            const bool eof = i == 0   ? readEvents(fds[0])
                             : i == 1 ? readOutput(fds[1], result.out, result.outCut)
                                      : readOutput(fds[2], result.err, result.errCut);
            if (eof)
                open[i] = false;
        }
    };

    while (true) {
        if (m_stop)
            force(Ending::Stopped, "the run was stopped.");
        const auto now = Clock::now();
        if (hardDeadline && now >= *hardDeadline && !child.exited)
            force(Ending::Limit,
                  "the run stopped after " + formatSeconds(o.timeLimitSeconds) + " s.");
        // The tracer's process is gone: what is left in the pipes is read below, then the
        // group (processes the script forked) is ended.
        if (child.poll())
            break;
        // The end line came but the process lingers (a thread stuck in C): it is ended.
        if (forced || (endSeenAt && now - *endSeenAt > std::chrono::seconds(1)))
            child.killGroup();
        pump(50, true);
    }

    // The leader has exited. Read what it left in the pipes, end every process it forked,
    // reap it, and read what those wrote before they went.
    if (open[0])
        readEvents(fds[0]);
    child.reap();
    const auto drainUntil = Clock::now() + std::chrono::milliseconds(500);
    while ((open[0] || open[1] || open[2]) && Clock::now() < drainUntil)
        pump(20, false);
    for (int fd : fds)
        ::close(fd);

    result.wallNs =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
    const int status = child.status;
    result.exitStatus = WIFEXITED(status)     ? WEXITSTATUS(status)
                        : WIFSIGNALED(status) ? -WTERMSIG(status)
                                              : -1;

    if (forced) {
        result.ending = *forced;
        result.message = forcedMessage;
        return result;
    }
    const std::string endStatus = result.end ? result.end->str("status") : std::string();
    if (!result.hello) {
        if (result.exitStatus == 2) {
            result.ending = Ending::BadInput;
            result.message = lastLine(result.err);
            if (result.message.empty())
                result.message = "the tracer refused the script.";
            else if (result.message.back() != '.')
                result.message += '.';
        } else {
            result.ending = Ending::NoPython;
            const std::string why = lastLine(result.err);
            result.message = "the Python tracer did not start with " + python +
                             (why.empty() ? std::string(".") : " (" + why + ").");
        }
        return result;
    }
    if (endStatus == "ok" || endStatus == "exit") {
        result.ending = Ending::Ok;
        result.message = endStatus == "ok" ? "the script ended."
                                           : "the script exited with status " +
                                                 std::to_string(result.exitStatus) + ".";
    } else if (endStatus == "error") {
        result.ending = Ending::Error;
        const Json empty;
        const Json &e = result.error ? *result.error : empty;
        const std::string kind = result.error ? e.str("kind") : std::string("an exception");
        const std::string message = e.str("message");
        const std::int64_t line = e.integer("line", 0);
        result.message = (kind == "SyntaxError" ? "the script has a syntax error"
                                                : "the script raised " + kind) +
                         (line > 0 ? " at line " + std::to_string(line) : std::string()) +
                         (message.empty() ? std::string() : ": " + message) + ".";
    } else if (endStatus == "limit" || endStatus == "time-limit") {
        result.ending = Ending::Limit;
        std::string what = result.limit ? result.limit->str("message") : std::string();
        result.message = (what.empty() ? std::string("a limit stopped the run") : what) + ".";
    } else if (endStatus == "stopped") {
        result.ending = Ending::Stopped;
        result.message = "the run was stopped.";
    } else if (endStatus == "deadlock") {
        result.ending = Ending::Deadlock;
        result.message = "deadlock: every thread is blocked waiting for another; the script "
                         "was ended.";
    } else if (result.exitStatus == -SIGALRM && o.timeLimitSeconds > 0) {
        result.ending = Ending::Limit;
        result.message = "the run stopped after " + formatSeconds(o.timeLimitSeconds) + " s.";
    } else {
        result.ending = Ending::Failure;
        result.message =
            result.exitStatus < 0
                ? "python3 was killed by signal " + std::to_string(-result.exitStatus) + "."
                : "python3 ended (status " + std::to_string(result.exitStatus) +
                      ") without finishing the trace.";
    }
    return result;
}

} // namespace wb::pytrace
