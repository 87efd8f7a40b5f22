// The playground's parser: a script's lines read into declarations and thread operations,
// each operation checked against the declarations, every problem kept with its place.
#include "threads/core/playground.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

namespace wb::threads {

namespace {

constexpr std::int64_t kMaxMs = 3'600'000; // an hour of scenario time
constexpr std::int64_t kMaxValue = 1'000'000;

struct Token
{
    std::string text;
    int column = 0; // 1-based
};

bool isNameStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

bool isName(std::string_view s)
{
    return !s.empty() && isNameStart(s.front()) && std::all_of(s.begin(), s.end(), isNameChar);
}

std::optional<std::int64_t> toInt(std::string_view s)
{
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

// Splits [from, to) of `line` into whitespace-separated tokens with their columns.
std::vector<Token> tokens(std::string_view line, std::size_t from, std::size_t to)
{
    std::vector<Token> out;
    std::size_t i = from;
    while (i < to) {
        while (i < to && isSpace(line[i]))
            ++i;
        const std::size_t start = i;
        while (i < to && !isSpace(line[i]))
            ++i;
        if (i > start)
            out.push_back({std::string(line.substr(start, i - start)), int(start) + 1});
    }
    return out;
}

const std::map<std::string, PrimitiveType, std::less<>> &declarationKeywords()
{
    static const std::map<std::string, PrimitiveType, std::less<>> k = {
        {"lock", PrimitiveType::Lock},           {"rlock", PrimitiveType::RLock},
        {"semaphore", PrimitiveType::Semaphore}, {"bounded", PrimitiveType::BoundedSemaphore},
        {"event", PrimitiveType::Event},         {"queue", PrimitiveType::Queue},
        {"condition", PrimitiveType::Condition}, {"barrier", PrimitiveType::Barrier},
        {"counter", PrimitiveType::Counter}};
    return k;
}

const std::map<std::string, OpKind, std::less<>> &opKeywords()
{
    static const std::map<std::string, OpKind, std::less<>> k = {{"acquire", OpKind::Acquire},
                                                                 {"release", OpKind::Release},
                                                                 {"wait", OpKind::Wait},
                                                                 {"notify", OpKind::Notify},
                                                                 {"notify_all", OpKind::NotifyAll},
                                                                 {"set", OpKind::Set},
                                                                 {"clear", OpKind::Clear},
                                                                 {"put", OpKind::Put},
                                                                 {"get", OpKind::Get},
                                                                 {"task_done", OpKind::TaskDone},
                                                                 {"join", OpKind::Join},
                                                                 {"sleep", OpKind::Sleep},
                                                                 {"print", OpKind::Print},
                                                                 {"locked", OpKind::Locked},
                                                                 {"is_set", OpKind::IsSet},
                                                                 {"wait_for", OpKind::WaitFor},
                                                                 {"add", OpKind::Add}};
    return k;
}

// Which primitive types an operation accepts, and how to say so.
struct Accepts
{
    std::vector<PrimitiveType> types;
    const char *what; // "a lock, rlock, semaphore or condition"
};

Accepts accepts(OpKind k)
{
    using P = PrimitiveType;
    switch (k) {
    case OpKind::Acquire:
    case OpKind::Release:
        return {{P::Lock, P::RLock, P::Semaphore, P::BoundedSemaphore, P::Condition},
                "a lock, rlock, semaphore, bounded semaphore or condition"};
    case OpKind::Wait:
        return {{P::Condition, P::Event, P::Barrier}, "a condition, an event or a barrier"};
    case OpKind::Notify:
    case OpKind::NotifyAll:
    case OpKind::WaitFor:
        return {{P::Condition}, "a condition"};
    case OpKind::Set:
    case OpKind::Clear:
    case OpKind::IsSet:
        return {{P::Event}, "an event"};
    case OpKind::Locked:
        return {{P::Lock}, "a lock"};
    case OpKind::Add:
        return {{P::Counter}, "a counter"};
    case OpKind::JoinThread:
        return {{}, "a thread"};
    case OpKind::Put:
    case OpKind::Get:
    case OpKind::TaskDone:
    case OpKind::Join:
        return {{P::Queue}, "a queue or a thread (T1, T2, ...)"};
    case OpKind::Sleep:
    case OpKind::Print:
        return {{}, ""};
    }
    return {{}, ""};
}

std::string article(PrimitiveType t)
{
    switch (t) {
    case PrimitiveType::RLock:
        return "an rlock";
    case PrimitiveType::Event:
        return "an event";
    case PrimitiveType::BoundedSemaphore:
        return "a bounded semaphore";
    case PrimitiveType::Counter:
        return "a counter";
    default:
        return std::string("a ") + toString(t);
    }
}

// An operation as written, checked against the declarations once every line is read.
struct PendingOp
{
    ScriptOp op;
    std::vector<Token> args; // after the keyword
    Token target;
};

class Parser
{
public:
    ParseResult run(std::string_view text)
    {
        ParseResult result;
        if (text.size() > kMaxScriptBytes) {
            error(1, 1,
                  "the script is longer than " + std::to_string(kMaxScriptBytes / 1024) + " KiB");
            result.errors = std::move(m_errors);
            return result;
        }
        int number = 0;
        std::size_t at = 0;
        while (at <= text.size()) {
            const std::size_t nl = std::min(text.find('\n', at), text.size());
            parseLine(text.substr(at, nl - at), ++number);
            at = nl + 1;
        }
        checkConditions();
        checkThreads();
        for (auto &[n, pending] : m_pending) {
            m_got.clear();
            for (auto &p : pending)
                checkOp(p);
        }
        std::stable_sort(m_errors.begin(), m_errors.end(), [](const auto &a, const auto &b) {
            return a.line != b.line ? a.line < b.line : a.column < b.column;
        });
        result.errors = std::move(m_errors);
        if (!result.errors.empty())
            return result;
        for (auto &[n, pending] : m_pending) {
            ScriptThread t;
            t.number = n;
            for (auto &p : pending)
                t.ops.push_back(std::move(p.op));
            m_script.threads.push_back(std::move(t));
        }
        result.script = std::move(m_script);
        return result;
    }

private:
    void error(int line, int column, std::string message)
    {
        m_errors.push_back({line, column, std::move(message)});
    }

    // The end of the code on a line: a `#` outside a quoted text starts a comment.
    static std::size_t codeEnd(std::string_view line)
    {
        bool quoted = false;
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (quoted && line[i] == '\\')
                ++i;
            else if (line[i] == '"')
                quoted = !quoted;
            else if (!quoted && line[i] == '#')
                return i;
        }
        return line.size();
    }

    void parseLine(std::string_view line, int number)
    {
        const std::size_t end = codeEnd(line);
        std::size_t i = 0;
        while (i < end && isSpace(line[i]))
            ++i;
        if (i == end)
            return;
        // A thread line: T<n>: ops
        const std::size_t colon = line.find(':');
        if (colon < end) {
            std::string_view head = line.substr(i, colon - i);
            while (!head.empty() && isSpace(head.back()))
                head.remove_suffix(1);
            if (head.size() >= 2 && (head[0] == 'T' || head[0] == 't')) {
                const auto n = toInt(head.substr(1));
                if (!n || *n < 1 || head[1] == '+' || head[1] == '-') {
                    error(number, int(i) + 1,
                          "a thread is named T1, T2, ... (T and a number from 1), not '" +
                              std::string(head) + "'");
                    return;
                }
                if (*n > kMaxScriptThreads) {
                    error(number, int(i) + 1,
                          "at most " + std::to_string(kMaxScriptThreads) + " threads (T1 to T" +
                              std::to_string(kMaxScriptThreads) + ")");
                    return;
                }
                parseOps(line, number, colon + 1, end, int(*n));
                m_threadLines.emplace(int(*n), number);
                return;
            }
            if (isName(head) && !declarationKeywords().contains(head.substr(0, head.find(' ')))) {
                error(number, int(i) + 1,
                      "a thread is named T1, T2, ... (T and a number from 1), not '" +
                          std::string(head) + "'");
                return;
            }
        }
        parseDeclaration(line, number, i, end);
    }

    void parseDeclaration(std::string_view line, int number, std::size_t from, std::size_t to)
    {
        const std::vector<Token> t = tokens(line, from, to);
        const auto kw = declarationKeywords().find(t[0].text);
        if (kw == declarationKeywords().end()) {
            if (opKeywords().contains(t[0].text))
                error(number, t[0].column,
                      "'" + t[0].text +
                          "' is an operation: put it on a thread line, e.g. "
                          "`T1: " +
                          t[0].text + " ...`");
            else
                error(number, t[0].column,
                      "unknown declaration '" + t[0].text +
                          "'; declare lock, rlock, semaphore, bounded, event, queue, "
                          "condition, barrier or counter, or start a thread line with T1:");
            return;
        }
        const PrimitiveType type = kw->second;
        const std::string keyword = t[0].text;
        if (t.size() < 2) {
            error(number, int(to) + 1, "'" + keyword + "' needs a name, e.g. `" + keyword + " A`");
            return;
        }
        if (!isName(t[1].text)) {
            error(number, t[1].column,
                  "'" + t[1].text +
                      "' is not a name (letters, digits and _, not starting "
                      "with a digit)");
            return;
        }
        ScriptDeclaration d;
        d.type = type;
        d.name = t[1].text;
        d.line = number;
        d.value =
            type == PrimitiveType::Semaphore || type == PrimitiveType::BoundedSemaphore ? 1 : 0;
        std::size_t used = 2;
        if (type == PrimitiveType::Barrier) {
            const auto v = t.size() > 2 ? toInt(t[2].text) : std::nullopt;
            if (!v || *v < 1 || *v > kMaxScriptThreads) {
                error(number, t.size() > 2 ? t[2].column : int(to) + 1,
                      "a barrier needs how many threads it waits for, from 1 to " +
                          std::to_string(kMaxScriptThreads) + ", e.g. `barrier " + d.name + " 2`");
                return;
            }
            d.value = *v;
            used = 3;
        } else if (type == PrimitiveType::Counter) {
            if (t.size() > 2) {
                const auto v = toInt(t[2].text);
                if (!v || *v < -kMaxValue || *v > kMaxValue) {
                    error(number, t[2].column,
                          "a counter starts at a whole number from " + std::to_string(-kMaxValue) +
                              " to " + std::to_string(kMaxValue) + ", not '" + t[2].text + "'");
                    return;
                }
                d.value = *v;
                used = 3;
            }
        } else if (type == PrimitiveType::Semaphore || type == PrimitiveType::BoundedSemaphore ||
                   type == PrimitiveType::Queue) {
            if (t.size() > 2) {
                const auto v = toInt(t[2].text);
                if (!v || *v < 0 || *v > kMaxValue) {
                    error(number, t[2].column,
                          std::string(type == PrimitiveType::Queue ? "the maxsize"
                                                                   : "the initial value") +
                              " must be a whole number from 0 to " + std::to_string(kMaxValue) +
                              ", not '" + t[2].text + "'");
                    return;
                }
                d.value = *v;
                used = 3;
            }
        } else if (type == PrimitiveType::Condition && t.size() > 2) {
            if (t[2].text != "on") {
                error(number, t[2].column,
                      "expected `on LOCK` after the condition's name, not '" + t[2].text + "'");
                return;
            }
            if (t.size() < 4) {
                error(number, int(to) + 1, "`on` needs the name of a lock or rlock");
                return;
            }
            d.lock = t[3].text;
            m_conditionLockColumn[d.name] = t[3].column;
            used = 4;
        }
        if (t.size() > used) {
            error(number, t[used].column,
                  "unexpected '" + t[used].text + "' after the declaration of " + d.name);
            return;
        }
        if (const ScriptDeclaration *old = m_script.find(d.name)) {
            error(number, t[1].column,
                  d.name + " is already declared on line " + std::to_string(old->line));
            return;
        }
        m_script.declarations.push_back(std::move(d));
    }

    void checkConditions()
    {
        for (const auto &d : m_script.declarations) {
            if (d.type != PrimitiveType::Condition || d.lock.empty())
                continue;
            const int column = m_conditionLockColumn[d.name];
            const ScriptDeclaration *lock = m_script.find(d.lock);
            if (!lock)
                error(d.line, column,
                      "no lock called " + d.lock + " is declared (e.g. `lock " + d.lock + "`)");
            else if (lock->type != PrimitiveType::Lock && lock->type != PrimitiveType::RLock)
                error(d.line, column,
                      "a condition is built on a lock or an rlock; " + d.lock + " is " +
                          article(lock->type));
        }
    }

    void checkThreads()
    {
        if (m_threadLines.empty()) {
            error(1, 1,
                  "the script has no threads: add a line such as `T1: acquire A; release A`");
            return;
        }
        const int highest = m_pending.rbegin()->first;
        for (int n = 1; n < highest; ++n)
            if (!m_pending.contains(n)) {
                const auto line = m_threadLines.find(highest)->second;
                error(line, 1,
                      "threads are numbered T1, T2, ... without gaps: T" + std::to_string(n) +
                          " has no line");
                return;
            }
    }

    // Splits the operations of a thread line at the `;` outside quoted texts.
    void parseOps(std::string_view line, int number, std::size_t from, std::size_t to, int thread)
    {
        auto &list = m_pending[thread];
        std::size_t start = from;
        bool quoted = false;
        std::vector<std::pair<std::size_t, std::size_t>> parts;
        for (std::size_t i = from; i <= to; ++i) {
            if (i < to && quoted && line[i] == '\\') {
                ++i;
                continue;
            }
            if (i < to && line[i] == '"')
                quoted = !quoted;
            if (i == to || (!quoted && line[i] == ';')) {
                parts.emplace_back(start, i);
                start = i + 1;
            }
        }
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const auto [a, b] = parts[p];
            const std::vector<Token> t = tokens(line, a, b);
            if (t.empty()) {
                // A trailing `;` is fine; an empty operation in the middle is not.
                if (p + 1 < parts.size() || p == 0)
                    error(number, int(a) + 1,
                          p == 0 && parts.size() == 1
                              ? "T" + std::to_string(thread) + " has no operations after ':'"
                              : "empty operation between two ';'");
                continue;
            }
            const auto kw = opKeywords().find(t[0].text);
            if (kw == opKeywords().end()) {
                error(number, t[0].column,
                      "unknown operation '" + t[0].text +
                          "'; use acquire, release, wait, wait_for, notify, notify_all, set, "
                          "clear, is_set, locked, put, get, task_done, join, add, sleep or "
                          "print");
                continue;
            }
            PendingOp op;
            op.op.kind = kw->second;
            op.op.line = number;
            op.op.column = t[0].column;
            if (op.op.kind == OpKind::Print) {
                parsePrintText(line, number, std::size_t(t[0].column - 1) + 5, b, op.op);
            } else {
                op.args.assign(t.begin() + 1, t.end());
            }
            list.push_back(std::move(op));
        }
    }

    void parsePrintText(std::string_view line, int number, std::size_t from, std::size_t to,
                        ScriptOp &op)
    {
        while (from < to && isSpace(line[from]))
            ++from;
        while (to > from && isSpace(line[to - 1]))
            --to;
        if (from == to || line[from] != '"') {
            op.text = std::string(line.substr(from, to - from));
            return;
        }
        std::string text;
        std::size_t i = from + 1;
        for (; i < to && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < to)
                ++i;
            text += line[i];
        }
        std::size_t after = i + 1;
        while (after < to && isSpace(line[after]))
            ++after;
        if (i >= to)
            error(number, int(from) + 1, "the quoted text is not closed with \"");
        else if (after < to)
            error(number, int(after) + 1, "unexpected text after the closing quote");
        op.text = std::move(text);
    }

    // `timeout MS` at args[at], if present; false after reporting an error.
    bool readTimeout(PendingOp &p, std::size_t at)
    {
        const auto &a = p.args;
        if (a.size() <= at)
            return true;
        if (a[at].text != "timeout") {
            error(p.op.line, a[at].column,
                  "unexpected '" + a[at].text + "'; only `timeout MS` may follow here");
            return false;
        }
        if (a.size() == at + 1) {
            error(p.op.line, a[at].column, "`timeout` needs a number of milliseconds");
            return false;
        }
        const auto ms = toInt(a[at + 1].text);
        if (!ms || *ms < 0 || *ms > kMaxMs) {
            error(p.op.line, a[at + 1].column,
                  "the timeout is a whole number of milliseconds from 0 to " +
                      std::to_string(kMaxMs) + ", not '" + a[at + 1].text + "'");
            return false;
        }
        if (a.size() > at + 2) {
            error(p.op.line, a[at + 2].column, "unexpected '" + a[at + 2].text + "'");
            return false;
        }
        p.op.timeoutMs = *ms;
        return true;
    }

    bool tooMany(PendingOp &p, std::size_t allowed)
    {
        if (p.args.size() <= allowed)
            return false;
        error(p.op.line, p.args[allowed].column,
              "unexpected '" + p.args[allowed].text + "' after " + toString(p.op.kind) +
                  (p.op.target.empty() ? "" : " " + p.op.target));
        return true;
    }

    // A whole number at args[at] within [low, high], or an error that says `what` it is.
    std::optional<std::int64_t> number(PendingOp &p, std::size_t at, std::int64_t low,
                                       std::int64_t high, const std::string &what)
    {
        const auto v = toInt(p.args[at].text);
        if (!v || *v < low || *v > high) {
            error(p.op.line, p.args[at].column,
                  what + " is a whole number from " + std::to_string(low) + " to " +
                      std::to_string(high) + ", not '" + p.args[at].text + "'");
            return std::nullopt;
        }
        return v;
    }

    void checkPrint(PendingOp &p)
    {
        for (const TextPart &part : m_script.printParts(p.op.text)) {
            const ScriptDeclaration *d = part.name.empty() ? nullptr : m_script.find(part.name);
            if (d && d->type == PrimitiveType::Queue && !m_got.contains(part.name))
                error(p.op.line, p.op.column,
                      "{" + part.name + "} is the item this thread's last `get " + part.name +
                          "` returned, and there is no such get before this print");
        }
    }

    // `join T<n>`: the thread's number, if `text` names a thread of the script.
    std::optional<int> threadNamed(std::string_view text) const
    {
        if (text.size() < 2 || (text[0] != 'T' && text[0] != 't') || text[1] == '+' ||
            text[1] == '-')
            return std::nullopt;
        const auto n = toInt(text.substr(1));
        if (!n || !m_pending.contains(int(*n)))
            return std::nullopt;
        return int(*n);
    }

    void checkOp(PendingOp &p)
    {
        ScriptOp &op = p.op;
        const char *kw = toString(op.kind);
        if (op.kind == OpKind::Print) {
            checkPrint(p);
            return;
        }
        if (op.kind == OpKind::Sleep) {
            if (p.args.empty()) {
                error(op.line, op.column,
                      "`sleep` needs a number of milliseconds, e.g. `sleep 10`");
                return;
            }
            const auto ms = toInt(p.args[0].text);
            if (!ms || *ms < 0 || *ms > kMaxMs) {
                error(op.line, p.args[0].column,
                      "sleep takes a whole number of milliseconds from 0 to " +
                          std::to_string(kMaxMs) + ", not '" + p.args[0].text + "'");
                return;
            }
            op.number = *ms;
            tooMany(p, 1);
            return;
        }
        const Accepts acc = accepts(op.kind);
        if (p.args.empty()) {
            error(op.line, op.column, std::string("`") + kw + "` needs " + acc.what);
            return;
        }
        const Token &target = p.args[0];
        const ScriptDeclaration *d = m_script.find(target.text);
        if (!d && op.kind == OpKind::Join) {
            if (const auto n = threadNamed(target.text)) {
                op.kind = OpKind::JoinThread;
                op.target = "T" + std::to_string(*n);
                op.number = *n;
                tooMany(p, 1);
                return;
            }
        }
        if (!d) {
            error(op.line, target.column,
                  "unknown primitive '" + target.text + "'; declare it first, e.g. `" +
                      toString(acc.types.front()) + " " + target.text + "`" +
                      (op.kind == OpKind::Join ? " (or name a thread of the script: T1, T2, "
                                                 "...)"
                                               : ""));
            return;
        }
        if (std::find(acc.types.begin(), acc.types.end(), d->type) == acc.types.end()) {
            error(op.line, target.column,
                  std::string("`") + kw + "` needs " + acc.what + "; " + d->name + " is " +
                      article(d->type));
            return;
        }
        op.target = d->name;
        switch (op.kind) {
        case OpKind::Acquire:
            if (p.args.size() > 1 && p.args[1].text == "nowait") {
                op.nowait = true;
                tooMany(p, 2);
                return;
            }
            readTimeout(p, 1);
            return;
        case OpKind::Wait:
            readTimeout(p, 1);
            return;
        case OpKind::Get:
            if (readTimeout(p, 1))
                m_got.insert(op.target);
            return;
        case OpKind::Release:
            op.number = 1;
            if (p.args.size() > 1 && (d->type == PrimitiveType::Semaphore ||
                                      d->type == PrimitiveType::BoundedSemaphore)) {
                const auto n = number(p, 1, 0, kMaxValue, "how many to release");
                if (!n)
                    return;
                op.number = *n;
                tooMany(p, 2);
                return;
            }
            tooMany(p, 1);
            return;
        case OpKind::Put: {
            if (p.args.size() < 2) {
                error(op.line, op.column,
                      "`put` needs the queue and a whole number to put, "
                      "e.g. `put " +
                          d->name + " 7`");
                return;
            }
            const auto v = toInt(p.args[1].text);
            if (!v) {
                error(op.line, p.args[1].column,
                      "put takes a whole number as the item, not '" + p.args[1].text + "'");
                return;
            }
            op.number = *v;
            readTimeout(p, 2);
            return;
        }
        case OpKind::Notify:
            op.number = 1;
            if (p.args.size() > 1) {
                const auto n = toInt(p.args[1].text);
                if (!n || *n < 0 || *n > kMaxValue) {
                    error(op.line, p.args[1].column,
                          "notify takes how many waiters to wake (0 or more), not '" +
                              p.args[1].text + "'");
                    return;
                }
                op.number = *n;
            }
            tooMany(p, 2);
            return;
        case OpKind::Add: {
            if (p.args.size() < 2) {
                error(op.line, op.column,
                      "`add` needs the counter and a whole number, e.g. `add " + d->name + " 1`");
                return;
            }
            const auto k = number(p, 1, -kMaxValue, kMaxValue, "the number to add");
            if (!k)
                return;
            op.number = *k;
            tooMany(p, 2);
            return;
        }
        case OpKind::WaitFor: {
            if (p.args.size() < 4) {
                error(op.line, op.column,
                      "`wait_for` needs the condition and a test of a counter, e.g. "
                      "`wait_for " +
                          d->name + " N >= 3`");
                return;
            }
            const ScriptDeclaration *counter = m_script.find(p.args[1].text);
            if (!counter || counter->type != PrimitiveType::Counter) {
                error(op.line, p.args[1].column,
                      "wait_for tests a counter; '" + p.args[1].text +
                          "' is not one (declare it, e.g. `counter " + p.args[1].text + "`)");
                return;
            }
            static const std::map<std::string, Comparison, std::less<>> ops = {
                {"==", Comparison::Equal},  {"!=", Comparison::NotEqual},
                {"<", Comparison::Less},    {"<=", Comparison::LessEqual},
                {">", Comparison::Greater}, {">=", Comparison::GreaterEqual}};
            const auto cmp = ops.find(p.args[2].text);
            if (cmp == ops.end()) {
                error(op.line, p.args[2].column,
                      "compare with ==, !=, <, <=, > or >=, not '" + p.args[2].text + "'");
                return;
            }
            const auto v = number(p, 3, -kMaxValue, kMaxValue, "the value compared with");
            if (!v)
                return;
            op.counter = counter->name;
            op.comparison = cmp->second;
            op.number = *v;
            readTimeout(p, 4);
            return;
        }
        default:
            tooMany(p, 1);
            return;
        }
    }

    Script m_script;
    std::map<int, std::vector<PendingOp>> m_pending; // by thread number
    std::multimap<int, int> m_threadLines;           // thread number -> line
    std::map<std::string, int> m_conditionLockColumn;
    std::set<std::string> m_got; // the queues the thread being checked has got from so far
    std::vector<ScriptError> m_errors;
};

} // namespace

ParseResult parseScript(std::string_view text)
{
    return Parser().run(text);
}

} // namespace wb::threads
