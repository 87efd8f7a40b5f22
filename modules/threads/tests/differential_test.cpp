// The playground against CPython: each script below runs in the module (step mode with
// several seeds, and free mode) and its Python twin (pythontwin.h) runs in the machine's
// python3, under a small harness that notes, per thread, what it prints, what each
// queue.get returns, each uncaught exception (type and message, from threading.excepthook)
// and which threads are still alive when the program should long have ended. The sleeps in
// the scripts force the order that matters, so the per-thread outcomes must be equal in
// every run. A script the module reports as deadlocked must leave threads alive in CPython,
// and its plain twin (exactly what --as-python prints) must still be running when it is
// killed: CPython hangs where the module reports.
//
// The interpreter comes from WB_PYTHON3 (CMake's Python3_EXECUTABLE), else `python3`.
#include "threads/core/playground.h"
#include "threads/core/pythontwin.h"
#include "threads/core/scenarios.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

using namespace wb::threads;
namespace fs = std::filesystem;

// One script millisecond lasts this many real seconds in CPython and in free mode: enough
// that a 10 ms gap between two steps survives a busy machine's scheduling delays.
constexpr double kSecondsPerMs = 0.004;

struct Case
{
    const char *name;
    std::string script;
    bool deadlock; // the module reports one; CPython hangs
};

std::string preset(std::string_view id)
{
    for (const auto &p : scriptPresets())
        if (p.id == id)
            return p.script;
    return {};
}

// Every primitive, every error the module raises, timed and untimed waits, the presets.
// The real deadlocks: self-deadlock on a Lock nobody else releases, an Event never set,
// lock-order inversion without timeouts, a 3-lock cycle (and a few more).
std::vector<Case> cases()
{
    return {
        // the presets
        {"preset lock-order", preset("lock-order"), true},
        {"preset producer-consumer", preset("producer-consumer"), false},
        {"preset condition", preset("condition"), false},
        {"preset semaphore", preset("semaphore"), false},
        {"preset self-deadlock", preset("self-deadlock"), true},
        {"preset missed-pulse", preset("missed-pulse"), false},
        // Lock
        {"lock excludes",
         "lock A\nT1: acquire A; print T1 in; sleep 20; print T1 out; "
         "release A\nT2: sleep 10; acquire A; print T2 in; release A\n",
         false},
        {"lock has no owner",
         "lock A\nT1: acquire A; acquire A; print T1 got A again; "
         "release A\nT2: sleep 20; release A\n",
         false},
        {"lock release unlocked", "lock A\nT1: release A; print unreachable\n", false},
        {"lock timed out",
         "lock A\nT1: acquire A; sleep 50; release A\n"
         "T2: sleep 10; acquire A timeout 20; print T2 after\n",
         false},
        {"lock timed acquired",
         "lock A\nT1: acquire A; sleep 20; release A\n"
         "T2: sleep 10; acquire A timeout 100; print T2 got it; "
         "release A\n",
         false},
        {"lock timeout 0 busy",
         "lock A\nT1: acquire A; sleep 30; release A\n"
         "T2: sleep 10; acquire A timeout 0; print after\n",
         false},
        {"lock timeout 0 free", "lock A\nT1: acquire A timeout 0; print got; release A\n", false},
        {"lock timed opposite order",
         "lock A\nlock B\nT1: acquire A; sleep 10; acquire B timeout 100; print T1 done; "
         "release A\nT2: acquire B; sleep 10; acquire A timeout 150; print T2 done; release B\n",
         false},
        {"lock-order with a bystander", preset("lock-order") + "T3: sleep 50; print still runs\n",
         true},
        {"three-lock cycle",
         "lock A\nlock B\nlock C\nT1: acquire A; sleep 10; acquire B\n"
         "T2: acquire B; sleep 10; acquire C\n"
         "T3: acquire C; sleep 10; acquire A\n",
         true},
        {"lock waits on a finished holder",
         "lock A\nT1: acquire A; print T1 done\n"
         "T2: sleep 10; acquire A; print never\n",
         true},
        {"names Python reserves",
         "lock print\nlock if\nT1: acquire print; acquire if; "
         "release if; release print; print ok\n",
         false},
        {"print quoting",
         "lock A\nT1: print \"a; b \\\"c\\\" \\\\ d\"; print h\xc3\xa9llo "
         "w\xc3\xb6rld\n",
         false},
        // RLock
        {"rlock counts",
         "rlock R\nT1: acquire R; acquire R; print twice; release R; "
         "release R; print free\n",
         false},
        {"rlock non-owner release",
         "rlock R\nT1: acquire R; sleep 30; release R; print T1 ok\n"
         "T2: sleep 10; release R; print unreachable\n",
         false},
        {"rlock release unacquired", "rlock R\nT1: release R\n", false},
        {"rlock contention",
         "rlock R\nT1: acquire R; sleep 20; print T1 releases; release R\n"
         "T2: sleep 10; acquire R; print T2 has R; release R\n",
         false},
        {"rlock timed out",
         "rlock R\nT1: acquire R; sleep 50; release R\n"
         "T2: sleep 10; acquire R timeout 10; print T2 after\n",
         false},
        {"rlock cycle",
         "rlock R\nrlock S\nT1: acquire R; sleep 10; acquire S\n"
         "T2: acquire S; sleep 10; acquire R\n",
         true},
        // Event
        {"event never set", "event E\nT1: print waiting; wait E; print never\n", true},
        {"event set before wait", "event E\nT1: set E\nT2: sleep 10; wait E; print passed\n",
         false},
        {"event wakes every waiter",
         "event E\nT1: wait E; print T1 woke\nT2: wait E; "
         "print T2 woke\nT3: sleep 10; set E\n",
         false},
        {"event wait timeout", "event E\nT1: wait E timeout 20; print after\n", false},
        {"event cleared before the wait",
         "event E\nT1: set E; clear E\n"
         "T2: sleep 10; wait E timeout 10; print T2 after\n",
         false},
        // Condition
        {"condition wait unacquired", "condition C\nT1: wait C\n", false},
        {"condition notify unacquired", "condition C\nT1: notify C\n", false},
        {"condition notify_all",
         "lock L\ncondition C on L\n"
         "T1: acquire C; wait C; print T1 woke; release C\n"
         "T2: acquire C; wait C; print T2 woke; release C\n"
         "T3: sleep 10; acquire C; notify_all C; release C\n",
         false},
        {"condition notify wakes the oldest",
         "lock L\ncondition C on L\n"
         "T1: acquire C; wait C; print T1 woke; release C\n"
         "T2: sleep 5; acquire C; wait C; print T2 woke; "
         "release C\n"
         "T3: sleep 20; acquire C; notify C; release C\n",
         true},
        {"condition wait timeout",
         "condition C\nT1: acquire C; wait C timeout 20; print after; "
         "release C\n",
         false},
        {"condition on an rlock held twice",
         "rlock R\ncondition C on R\nT1: acquire R; "
         "acquire R; wait C timeout 10; release R; "
         "release R; print ok\n",
         false},
        {"condition notify n",
         "condition C\nT1: acquire C; wait C; print 1 woke; release C\n"
         "T2: acquire C; wait C; print 2 woke; release C\n"
         "T3: acquire C; wait C; print 3 woke; release C\n"
         "T4: sleep 10; acquire C; notify C 2; release C; sleep 10; "
         "acquire C; notify C; release C\n",
         false},
        {"condition acquire timeout",
         "lock L\ncondition C on L\nT1: acquire L; sleep 30; "
         "release L\nT2: sleep 10; acquire C timeout 5; "
         "print after\n",
         false},
        // Semaphore and BoundedSemaphore
        {"semaphore blocks",
         "semaphore S 1\nT1: acquire S; sleep 20; print T1 releases; "
         "release S\nT2: sleep 10; acquire S; print T2 in; release S\n",
         false},
        {"semaphore timed out", "semaphore S 0\nT1: acquire S timeout 10; print after\n", false},
        {"semaphore released above its start",
         "semaphore S 1\nT1: release S; release S; "
         "acquire S; acquire S; acquire S; "
         "acquire S timeout 0; print done\n",
         false},
        {"semaphore never released", "semaphore S 0\nT1: acquire S; print never\n", true},
        {"bounded over-release",
         "bounded B 1\nT1: acquire B; release B; release B; "
         "print unreachable\n",
         false},
        // Queue
        {"queue fifo",
         "queue Q\nT1: put Q 1; put Q 2; put Q 3\n"
         "T2: sleep 10; get Q; get Q; get Q\n",
         false},
        {"queue get blocks",
         "queue Q\nT1: get Q; get Q\n"
         "T2: sleep 10; put Q 5; sleep 10; put Q 6\n",
         false},
        {"queue put blocks when full",
         "queue Q 1\nT1: put Q 1; put Q 2; print T1 put both\n"
         "T2: sleep 10; get Q; sleep 10; get Q\n",
         false},
        {"queue full", "queue Q 1\nT1: put Q 1; put Q 2 timeout 10; print unreachable\n", false},
        {"queue empty", "queue Q\nT1: get Q timeout 10; print unreachable\n", false},
        {"queue full timeout 0", "queue Q 1\nT1: put Q 1; put Q 2 timeout 0\n", false},
        {"queue task_done too often", "queue Q\nT1: put Q 1; get Q; task_done Q; task_done Q\n",
         false},
        {"queue join",
         "queue Q\nT1: put Q 7; join Q; print all done\n"
         "T2: sleep 10; get Q; sleep 10; print T2 done; task_done Q\n",
         false},
        {"queue join never done",
         "queue Q\nT1: put Q 1; join Q; print never\n"
         "T2: sleep 10; get Q\n",
         true},
        // non-blocking acquire, queries
        {"acquire nowait busy",
         "lock A\nT1: acquire A; sleep 20; release A\n"
         "T2: sleep 10; acquire A nowait; print after\n",
         false},
        {"acquire nowait free, locked",
         "lock A\nT1: acquire A nowait; locked A; release A; "
         "locked A\n",
         false},
        {"semaphore nowait",
         "semaphore S 1\nT1: acquire S nowait; acquire S nowait; "
         "print done\n",
         false},
        {"rlock nowait",
         "rlock R\nT1: acquire R; acquire R nowait; sleep 20; release R; "
         "release R\nT2: sleep 10; acquire R nowait\n",
         false},
        {"condition nowait",
         "lock L\ncondition C on L\nT1: acquire L; sleep 20; release L\n"
         "T2: sleep 10; acquire C nowait\n",
         false},
        {"is_set", "event E\nT1: is_set E; set E; is_set E; clear E; is_set E\n", false},
        {"locked seen by another thread",
         "lock A\nT1: acquire A; sleep 20; release A\n"
         "T2: sleep 10; locked A; sleep 20; locked A\n",
         false},
        // release(n), notify(0)
        {"semaphore release 2",
         "semaphore S 0\nT1: acquire S; print T1 in\n"
         "T2: acquire S; print T2 in\nT3: sleep 10; release S 2\n",
         false},
        {"semaphore release 0", "semaphore S 1\nT1: release S 0\n", false},
        {"bounded release 3 of 2", "bounded B 2\nT1: acquire B; acquire B; release B 3\n", false},
        {"bounded release 2 of 2",
         "bounded B 2\nT1: acquire B; acquire B; release B 2; "
         "print ok\n",
         false},
        {"notify 0",
         "condition C\nT1: acquire C; wait C timeout 30; print T1 after; release C\n"
         "T2: sleep 10; acquire C; notify C 0; release C\n",
         false},
        // printing what get returned, counters, wait_for
        {"print the item got",
         "queue Q\nT1: put Q 4; put Q 9\n"
         "T2: sleep 10; get Q; print got {Q}; get Q; "
         "print then {Q} and {Q}\n",
         false},
        {"counter", "counter N 5\nT1: add N 2; print N is {N}; add N -10; print N is {N}\n",
         false},
        {"wait_for",
         "lock L\ncondition C on L\ncounter N\n"
         "T1: acquire C; wait_for C N >= 2; print T1 sees {N}; release C\n"
         "T2: sleep 10; acquire C; add N 1; notify C; release C; sleep 10; "
         "acquire C; add N 1; notify C; release C\n",
         false},
        {"wait_for already true",
         "condition C\ncounter N 3\nT1: wait_for C N == 3; "
         "print no wait needed\n",
         false},
        {"wait_for timeout",
         "condition C\ncounter N\nT1: acquire C; wait_for C N > 0 "
         "timeout 20; print after; release C\n",
         false},
        {"wait_for unacquired", "condition C\ncounter N\nT1: wait_for C N > 0\n", false},
        {"wait_for never true",
         "condition C\ncounter N\nT1: acquire C; wait_for C N > 0; "
         "print never\nT2: sleep 10; acquire C; notify C; release C\n",
         true},
        // Barrier
        {"barrier",
         "barrier B 3\nT1: wait B; print T1 through\n"
         "T2: sleep 10; wait B; print T2 through\n"
         "T3: sleep 20; wait B; print T3 through\n",
         false},
        {"barrier broken by a timeout",
         "barrier B 3\nT1: wait B timeout 20; print never\n"
         "T2: sleep 10; wait B; print never\n"
         "T3: sleep 40; wait B; print never\n",
         false},
        {"barrier used twice",
         "barrier B 2\nT1: wait B; sleep 10; wait B; print T1 twice\n"
         "T2: wait B; wait B; print T2 twice\n",
         false},
        {"barrier never filled", "barrier B 2\nT1: wait B; print never\n", true},
        // joining a thread
        {"join a thread", "T1: join T2; print T2 is done\nT2: sleep 20; print T2 ends\n", false},
        {"join itself", "T1: join T1\n", false},
        {"join a thread that raises",
         "lock A\nT1: join T2; print joined\n"
         "T2: sleep 10; release A\n",
         false},
        {"join a stuck thread", "lock A\nT1: join T2; print never\nT2: acquire A; acquire A\n",
         true},
        {"join each other", "T1: join T2\nT2: join T1\n", true},
        // errors in several threads, each printed when it happens
        {"errors in several threads",
         "lock A\nrlock R\nT1: release A\n"
         "T2: sleep 10; release R\nT3: sleep 20; print still here\n",
         false},
    };
}

// ---- outcomes ---------------------------------------------------------------------------------

struct ThreadOutcome
{
    std::vector<std::string> prints;
    std::vector<std::string> gets;
    std::vector<std::string> errors; // "Type: message"
    bool finished = false;
    bool operator==(const ThreadOutcome &) const = default;
};
using Outcome = std::map<std::string, ThreadOutcome>; // by thread name

std::string show(const Outcome &o)
{
    std::ostringstream s;
    for (const auto &[name, t] : o) {
        s << "  " << name << (t.finished ? "" : " (never finishes)") << ":";
        for (const auto &p : t.prints)
            s << " print[" << p << "]";
        for (const auto &g : t.gets)
            s << " get[" << g << "]";
        for (const auto &e : t.errors)
            s << " error[" << e << "]";
        s << "\n";
    }
    return s.str();
}

struct ModuleRun
{
    Outcome outcome;
    bool deadlock = false;
};

ModuleRun runModule(const Script &script, const std::string &text, ScenarioOptions o)
{
    o.script = text;
    wb::Trace trace;
    const Summary summary = runScenario("playground", o, trace);
    ModuleRun r;
    r.deadlock = summary.deadlock;
    for (const auto &t : script.threads)
        r.outcome[threadName(t.number)];
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const wb::Event &e = trace[i];
        if (e.thread <= 0)
            continue; // the main thread's "deadlock detected" line
        ThreadOutcome &t = r.outcome[threadName(e.thread)];
        if (e.kind == "print")
            t.prints.push_back(e.stringField("text"));
        else if (e.kind == "get" && e.stringField("layer") == "Queue")
            t.gets.push_back(std::to_string(e.intField("item")));
        else if (e.kind == "error")
            t.errors.push_back(e.stringField("type") + ": " + e.stringField("message"));
        if (e.kind == "exit" || e.kind == "error")
            t.finished = true;
    }
    return r;
}

// ---- running python3 --------------------------------------------------------------------------

struct Process
{
    bool timedOut = false;
    int status = -1;
    std::string out;
};

// Runs argv with stdout captured; kills it (SIGKILL) once `limit` has passed.
Process runProcess(const std::vector<std::string> &argv, std::chrono::milliseconds limit)
{
    Process p;
    int fds[2];
    if (pipe(fds) != 0)
        return p;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return p;
    }
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            p.timedOut = true;
            kill(pid, SIGKILL);
            break;
        }
        pollfd pfd{fds[0], POLLIN, 0};
        if (poll(&pfd, 1, int(left.count())) <= 0)
            continue;
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0)
            break; // EOF: the program ended (or closed stdout)
        p.out.append(buf, std::size_t(n));
    }
    close(fds[0]);
    waitpid(pid, &p.status, 0);
    return p;
}

const char *kHarness = R"PY(
# Runs a twin (argv[1]) for at most argv[2] seconds and prints, one line each, tab-separated:
# print THREAD TEXT / get THREAD ITEM / error THREAD TYPE MESSAGE / stuck THREAD.
import builtins, os, queue, sys, threading

def esc(s):
    return str(s).replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')

log = []

def note(kind, thread, *fields):
    log.append('\t'.join([kind, thread] + [esc(f) for f in fields]))

def traced_print(*args, sep=' ', end='\n', file=None, flush=False):
    note('print', threading.current_thread().name, sep.join(str(a) for a in args))

builtins.print = traced_print
plain_get = queue.Queue.get

def traced_get(self, *args, **kwargs):
    item = plain_get(self, *args, **kwargs)
    note('get', threading.current_thread().name, item)
    return item

queue.Queue.get = traced_get
threading.excepthook = lambda a: note('error', a.thread.name, a.exc_type.__name__,
                                      str(a.exc_value))
path, limit = sys.argv[1], float(sys.argv[2])
with open(path, encoding='utf-8') as f:
    code = compile(f.read(), path, 'exec')
# A daemon runner: the twin's threads inherit daemon=True, so a hang cannot keep us alive.
runner = threading.Thread(target=exec, args=(code, {'__name__': '__main__'}), name='runner',
                          daemon=True)
runner.start()
runner.join(limit)
for t in threading.enumerate():
    if t.is_alive() and t.name.startswith('Thread-'):
        note('stuck', t.name)
sys.stdout.write(''.join(line + '\n' for line in log))
sys.stdout.flush()
os._exit(0)
)PY";

std::string unescape(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 == s.size()) {
            out += s[i];
            continue;
        }
        const char c = s[++i];
        out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
    }
    return out;
}

std::vector<std::string> split(const std::string &line)
{
    std::vector<std::string> parts;
    std::size_t at = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', at);
        parts.push_back(unescape(std::string_view(line).substr(at, tab - at)));
        if (tab == std::string::npos)
            return parts;
        at = tab + 1;
    }
}

class Differential : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        const char *env = std::getenv("WB_PYTHON3");
        s_python = env && *env ? env : "python3";
        // A pyenv shim is a shell script that takes seconds to start on a busy machine:
        // ask it once for the interpreter it runs, and run that one from then on.
        const Process where = runProcess({s_python, "-c", "import sys; print(sys.executable)"},
                                         std::chrono::seconds(60));
        std::string exe = where.out.substr(0, where.out.find('\n'));
        if (!exe.empty() && fs::exists(exe))
            s_python = exe;
        s_dir = fs::temp_directory_path() / ("wb-threads-diff-" + std::to_string(getpid()));
        fs::create_directories(s_dir);
        std::ofstream(s_dir / "harness.py") << kHarness;
    }
    static void TearDownTestSuite() { fs::remove_all(s_dir); }

    // How long the twin may take: every sleep and timeout of every thread, one after the
    // other, stretched like the twin's, plus room for python3's start on a busy machine.
    static std::chrono::milliseconds limitFor(const Script &script)
    {
        std::int64_t ms = 0;
        for (const auto &t : script.threads)
            for (const auto &op : t.ops)
                ms += (op.kind == OpKind::Sleep ? op.number : 0) + op.timeoutMs.value_or(0);
        return std::chrono::milliseconds(std::int64_t(double(ms) * kSecondsPerMs * 1000) + 1500);
    }

    static Outcome runPython(const Script &script, const fs::path &twin)
    {
        const auto limit = limitFor(script);
        const Process p = runProcess({s_python, (s_dir / "harness.py").string(), twin.string(),
                                      std::to_string(double(limit.count() - 500) / 1000)},
                                     limit + std::chrono::seconds(5));
        EXPECT_FALSE(p.timedOut) << "the harness itself did not end";
        EXPECT_TRUE(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0) << p.out;
        Outcome o;
        for (const auto &t : script.threads)
            o[threadName(t.number)].finished = true;
        std::istringstream in(p.out);
        for (std::string line; std::getline(in, line);) {
            const std::vector<std::string> f = split(line);
            if (f.size() < 2 || !o.contains(f[1]))
                continue;
            ThreadOutcome &t = o[f[1]];
            if (f[0] == "print" && f.size() == 3)
                t.prints.push_back(f[2]);
            else if (f[0] == "get" && f.size() == 3)
                t.gets.push_back(f[2]);
            else if (f[0] == "error" && f.size() == 4)
                t.errors.push_back(f[2] + ": " + f[3]);
            else if (f[0] == "stuck")
                t.finished = false;
        }
        return o;
    }

    static inline std::string s_python;
    static inline fs::path s_dir;
};

TEST_F(Differential, EveryScriptBehavesPerThreadAsItsPythonTwinInCPython)
{
    const std::vector<Case> all = cases();
    ASSERT_GE(all.size(), 40u);
    int index = 0;
    for (const Case &c : all) {
        SCOPED_TRACE(c.name);
        const ParseResult parsed = parseScript(c.script);
        ASSERT_TRUE(parsed.ok()) << parsed.errors.front().toString();
        const Script &script = *parsed.script;
        PythonTwinOptions twinOptions;
        twinOptions.secondsPerMs = kSecondsPerMs;
        const fs::path twin = s_dir / ("twin" + std::to_string(index++) + ".py");
        std::ofstream(twin) << pythonTwin(script, twinOptions);

        const Outcome python = runPython(script, twin);
        bool pythonHangs = false;
        for (const auto &[name, t] : python)
            pythonHangs = pythonHangs || !t.finished;
        EXPECT_EQ(pythonHangs, c.deadlock) << "CPython:\n" << show(python);

        for (std::uint64_t seed : {0u, 1u, 2u, 3u}) {
            ScenarioOptions o;
            o.mode = Mode::Step;
            o.seed = seed;
            const ModuleRun m = runModule(script, c.script, o);
            EXPECT_EQ(m.deadlock, c.deadlock) << "seed " << seed;
            EXPECT_EQ(m.outcome, python) << "step, seed " << seed << "; module:\n"
                                         << show(m.outcome) << "CPython:\n"
                                         << show(python);
        }
        ScenarioOptions o;
        o.mode = Mode::Free;
        o.realSecond = std::chrono::nanoseconds(std::int64_t(kSecondsPerMs * 1e12));
        const ModuleRun m = runModule(script, c.script, o);
        EXPECT_EQ(m.deadlock, c.deadlock) << "free";
        EXPECT_EQ(m.outcome, python) << "free; module:\n"
                                     << show(m.outcome) << "CPython:\n"
                                     << show(python);

        if (c.deadlock) {
            // The program itself, not the harness: CPython never ends it.
            const fs::path plain = s_dir / "plain.py";
            std::ofstream(plain) << pythonTwin(script, twinOptions);
            const Process p = runProcess({s_python, plain.string()}, limitFor(script));
            EXPECT_TRUE(p.timedOut) << "the twin ended by itself:\n" << p.out;
        }
    }
}

TEST_F(Differential, ThePlainTwinOfAFinishingScriptEndsAndPrintsTheModulesConsole)
{
    const std::string text = preset("producer-consumer");
    const Script script = *parseScript(text).script;
    const fs::path plain = s_dir / "producer-consumer.py";
    std::ofstream(plain) << pythonTwin(script);
    const Process p = runProcess({s_python, plain.string()}, std::chrono::seconds(20));
    ASSERT_FALSE(p.timedOut);
    EXPECT_TRUE(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
    wb::Trace trace;
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.script = text;
    ScenarioRun run("playground", o, trace);
    run.start();
    run.wait();
    std::string console;
    for (const auto &line : run.console())
        console += line + "\n";
    EXPECT_EQ(p.out, console);
}

} // namespace
