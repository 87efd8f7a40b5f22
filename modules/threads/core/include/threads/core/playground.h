#pragma once
// The playground: a small script language for thread programs, run on the same classic
// primitives and Runtime as the other scenarios (free, step or seeded; same events, same
// deadlock detection).
//
//     # a comment; blank lines are ignored
//     lock A                      declarations: lock, rlock, semaphore NAME [VALUE],
//     lock B                      bounded NAME [VALUE], event NAME, queue NAME [MAXSIZE],
//     condition C on A            condition NAME [on LOCK]  (without `on`: its own RLock),
//                                 barrier NAME PARTIES, counter NAME [VALUE]
//     T1: acquire A; sleep 10; acquire B; release B; release A
//     T2: acquire B; sleep 10; acquire A; release A; release B
//
// Threads are named T1, T2, ... (numbered without gaps; T<n> runs as Thread-<n>); a thread may
// continue on further lines. Operations, separated by `;`:
//     acquire X [timeout MS | nowait]   lock, rlock, semaphore, bounded semaphore or condition
//     release X    release S N (a semaphore, Python 3.9's release(n))
//     wait X [timeout MS]      condition, event or barrier
//     wait_for C N OP VALUE [timeout MS]   C.wait_for(lambda: N OP VALUE); OP: == != < <= > >=
//     notify C [N]   notify_all C   (N may be 0)
//     set E   clear E   is_set E      locked A (a lock)   (both print the answer)
//     put Q VALUE [timeout MS]   get Q [timeout MS]   task_done Q   join Q
//     join T2                  wait until thread T2 has finished (Thread.join)
//     add N K                  N += K on a counter
//     sleep MS
//     print TEXT               the rest of the operation, or a "quoted text" (\" and \\ inside);
//                              {Q} is the item this thread's last `get Q` returned, {N} a
//                              counter's value
// Times are milliseconds of scenario time (virtual in step mode).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb::threads {

enum class PrimitiveType {
    Lock,
    RLock,
    Semaphore,
    BoundedSemaphore,
    Event,
    Queue,
    Condition,
    Barrier,
    Counter
};
const char *toString(PrimitiveType t); // the declaration keyword: "lock", "bounded", ...

struct ScriptDeclaration
{
    PrimitiveType type = PrimitiveType::Lock;
    std::string name;
    std::int64_t value = 0; // semaphore: initial value (1); queue: maxsize (0 = unbounded);
                            // barrier: parties; counter: initial value (0)
    std::string lock;       // condition: the lock it is built on ("" = its own RLock)
    int line = 0;
};

enum class OpKind {
    Acquire,
    Release,
    Wait,
    Notify,
    NotifyAll,
    Set,
    Clear,
    Put,
    Get,
    TaskDone,
    Join,
    Sleep,
    Print,
    Locked,
    IsSet,
    WaitFor,
    Add,
    JoinThread
};
const char *toString(OpKind k); // the script keyword: "acquire", "notify_all", ...

// wait_for's predicate: `counter op value`.
enum class Comparison { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };
const char *toString(Comparison c); // "==", "!=", "<", ...
bool compare(std::int64_t left, Comparison c, std::int64_t right);

struct ScriptOp
{
    OpKind kind = OpKind::Sleep;
    std::string target; // the primitive's name (empty for sleep and print; join: "T2")
    // put: the item; notify: n; sleep: milliseconds; release: n (1); add: the addend;
    // wait_for: the value compared with; join of a thread: its number
    std::int64_t number = 0;
    std::optional<std::int64_t> timeoutMs;
    bool nowait = false; // acquire X nowait: acquire(blocking=False)
    std::string counter; // wait_for: the counter of the predicate
    Comparison comparison = Comparison::Equal;
    std::string text; // print
    int line = 0;     // 1-based, in the script
    int column = 0;   // 1-based, where the operation starts
};

// A print's text cut into literal text and {NAME} references (a queue: the item the
// thread's last `get NAME` returned; a counter: its value). A {WORD} that names neither is
// literal text.
struct TextPart
{
    std::string literal;
    std::string name; // non-empty: a reference
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
    std::vector<TextPart> printParts(std::string_view text) const;
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
