#pragma once
// The playground: a small script language for thread programs, run on the same classic
// primitives and Runtime as the other scenarios (free, step or seeded; same events, same
// deadlock detection).
//
//     # a comment; blank lines are ignored
//     lock A                      declarations: lock, rlock, semaphore NAME [VALUE],
//     lock B                      bounded NAME [VALUE], event NAME, queue NAME [MAXSIZE],
//     condition C on A            condition NAME [on LOCK]  (without `on`: its own RLock)
//     T1: acquire A; sleep 10; acquire B; release B; release A
//     T2: acquire B; sleep 10; acquire A; release A; release B
//
// Threads are named T1, T2, ... (numbered without gaps; T<n> runs as Thread-<n>); a thread may
// continue on further lines. Operations, separated by `;`:
//     acquire X [timeout MS]   lock, rlock, semaphore, bounded semaphore or condition
//     release X
//     wait X [timeout MS]      condition or event
//     notify C [N]   notify_all C
//     set E   clear E
//     put Q VALUE [timeout MS]   get Q [timeout MS]   task_done Q   join Q
//     sleep MS
//     print TEXT               the rest of the operation, or a "quoted text" (\" and \\ inside)
// Times are milliseconds of scenario time (virtual in step mode).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb::threads {

enum class PrimitiveType { Lock, RLock, Semaphore, BoundedSemaphore, Event, Queue, Condition };
const char *toString(PrimitiveType t); // the declaration keyword: "lock", "bounded", ...

struct ScriptDeclaration
{
    PrimitiveType type = PrimitiveType::Lock;
    std::string name;
    std::int64_t value = 0; // semaphore: initial value (1); queue: maxsize (0 = unbounded)
    std::string lock;       // condition: the lock it is built on ("" = its own RLock)
    int line = 0;
};

enum class OpKind {
    Acquire, Release, Wait, Notify, NotifyAll, Set, Clear, Put, Get, TaskDone, Join, Sleep, Print
};
const char *toString(OpKind k); // the script keyword: "acquire", "notify_all", ...

struct ScriptOp
{
    OpKind kind = OpKind::Sleep;
    std::string target;     // the primitive's name (empty for sleep and print)
    std::int64_t number = 0; // put: the item; notify: n; sleep: milliseconds
    std::optional<std::int64_t> timeoutMs;
    std::string text; // print
    int line = 0;     // 1-based, in the script
    int column = 0;   // 1-based, where the operation starts
};

struct ScriptThread
{
    int number = 0; // T1 -> 1
    std::vector<ScriptOp> ops;
};

struct Script
{
    std::vector<ScriptDeclaration> declarations;
    std::vector<ScriptThread> threads; // ordered by number: threads[i].number == i + 1
    const ScriptDeclaration *find(std::string_view name) const;
    std::size_t operationCount() const;
};

struct ScriptError
{
    int line = 0;   // 1-based
    int column = 0; // 1-based
    std::string message;
    std::string toString() const; // "line 3, column 12: ..."
};

struct ParseResult
{
    std::optional<Script> script;    // set when there are no errors
    std::vector<ScriptError> errors; // every error found, in script order
    bool ok() const { return script.has_value(); }
};

// What ScenarioRun("playground", ...) throws for a script with errors; what() lists them,
// one per line.
class ScriptSyntaxError : public std::invalid_argument
{
public:
    explicit ScriptSyntaxError(std::vector<ScriptError> errors);
    const std::vector<ScriptError> &errors() const { return m_errors; }

private:
    std::vector<ScriptError> m_errors;
};

// Never throws for bad input: every problem becomes an error with its line and column.
ParseResult parseScript(std::string_view text);

// Longest accepted script and most threads (a runaway paste cannot start hundreds of threads).
inline constexpr std::size_t kMaxScriptBytes = 64 * 1024;
inline constexpr int kMaxScriptThreads = 16;

struct ScriptPreset
{
    std::string id;
    std::string title;
    std::string script;
};
// A few small programs for the playground; the first is what runs when no script is given.
const std::vector<ScriptPreset> &scriptPresets();

// The file name events of a playground run carry in `where` (line = the script's line).
inline constexpr const char *kScriptFile = "playground.script";

} // namespace wb::threads
