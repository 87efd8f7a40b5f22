#include "threads/core/pythontwin.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

namespace wb::threads {

namespace {

// Python 3.11's keywords (keyword.kwlist), the names the twin defines or imports, and the
// builtins it calls: a script name equal to one of them gets a trailing underscore.
bool reservedInPython(std::string_view name)
{
    static const std::set<std::string, std::less<>> reserved = {
        "False",  "None",        "True",    "and",      "as",       "assert",  "async",
        "await",  "break",       "class",   "continue", "def",      "del",     "elif",
        "else",   "except",      "finally", "for",      "from",     "global",  "if",
        "import", "in",          "is",      "lambda",   "nonlocal", "not",     "or",
        "pass",   "raise",       "return",  "try",      "while",    "with",    "yield",
        "print",  "threading",   "queue",   "time",     "main",     "threads", "t",
        "str",    "all_started", "got"};
    if (reserved.contains(name))
        return true;
    // thread_<n>: the functions of the thread lines
    return name.size() > 7 && name.substr(0, 7) == "thread_" &&
           std::all_of(name.begin() + 7, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A Python string literal for any UTF-8 text: double quotes, with \\, \" and control
// characters escaped; other bytes are kept (the twin is UTF-8, Python 3's default).
std::string pyString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// Seconds as Python writes them: 10 ms -> "0.01", 0 -> "0".
std::string pySeconds(std::int64_t ms, const PythonTwinOptions &o)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(ms) * o.secondsPerMs);
    std::string s = buf;
    return s;
}

class Writer
{
public:
    Writer(const Script &script, const PythonTwinOptions &options)
        : m_script(script), m_options(options)
    {}

    std::string run()
    {
        m_out += "# The Python 3 twin of a Workbench playground script: the same primitives,\n"
                 "# threads, names and prints on CPython's threading and queue modules.\n"
                 "# Where the playground reports a deadlock this program hangs (Ctrl+C stops\n"
                 "# it; at exit a second one may be needed): CPython never reports a deadlock.\n";
        m_out += "import queue\nimport threading\nimport time\n\n";
        for (const auto &d : m_script.declarations)
            declaration(d);
        for (const auto &t : m_script.threads)
            for (const auto &op : t.ops)
                m_joins = m_joins || op.kind == OpKind::JoinThread;
        if (m_joins)
            m_out += "# join() refuses a thread that has not started yet: the threads that\n"
                     "# join another wait until every thread has been started.\n"
                     "all_started = threading.Event()\n";
        for (const auto &t : m_script.threads)
            thread(t);
        m_out += "\n\nif __name__ == \"__main__\":\n    threads = [\n";
        for (const auto &t : m_script.threads) {
            const std::string n = std::to_string(t.number);
            m_out +=
                "        threading.Thread(target=thread_" + n + ", name=\"Thread-" + n + "\"),\n";
        }
        m_out += "    ]\n    for t in threads:\n        t.start()\n";
        if (m_joins)
            m_out += "    all_started.set()\n";
        m_out += "    for t in threads:\n        t.join()\n";
        return std::move(m_out);
    }

private:
    std::string name(std::string_view n) const { return pythonName(m_script, n); }
    std::string seconds(std::int64_t ms) const { return pySeconds(ms, m_options); }

    void declaration(const ScriptDeclaration &d)
    {
        std::string value;
        switch (d.type) {
        case PrimitiveType::Lock:
            value = "threading.Lock()";
            break;
        case PrimitiveType::RLock:
            value = "threading.RLock()";
            break;
        case PrimitiveType::Semaphore:
            value = "threading.Semaphore(" + std::to_string(d.value) + ")";
            break;
        case PrimitiveType::BoundedSemaphore:
            value = "threading.BoundedSemaphore(" + std::to_string(d.value) + ")";
            break;
        case PrimitiveType::Event:
            value = "threading.Event()";
            break;
        case PrimitiveType::Queue:
            value = "queue.Queue(" + (d.value ? std::to_string(d.value) : std::string()) + ")";
            break;
        case PrimitiveType::Condition:
            value = "threading.Condition(" + (d.lock.empty() ? std::string() : name(d.lock)) + ")";
            break;
        case PrimitiveType::Barrier:
            value = "threading.Barrier(" + std::to_string(d.value) + ")";
            break;
        case PrimitiveType::Counter:
            value = std::to_string(d.value);
            break;
        }
        m_out += name(d.name) + " = " + value + "\n";
    }

    void line(int indent, const std::string &text)
    {
        m_out.append(std::size_t(indent) * 4, ' ');
        m_out += text;
        m_out += '\n';
    }

    // `call` returns False on a timeout (or a refused non-blocking acquire): print the
    // module's line then, as the module does.
    void timed(const std::string &call, const ScriptOp &op, int thread)
    {
        line(1, "if not " + call + ":");
        line(2, "print(" +
                    pyString("Thread-" + std::to_string(thread) + ": " + toString(op.kind) + " " +
                             op.target +
                             (op.nowait
                                  ? std::string(" nowait returned False")
                                  : " timed out after " + std::to_string(*op.timeoutMs) + " ms")) +
                    ")");
    }

    // A query's line: the same text as the module's, then Python's own True/False.
    void query(const std::string &call, const std::string &label, int thread)
    {
        line(1, "print(" + pyString("Thread-" + std::to_string(thread) + ": " + label + " =") +
                    ", " + call + ")");
    }

    void thread(const ScriptThread &t)
    {
        m_out += "\n\ndef thread_" + std::to_string(t.number) + "():\n";
        std::set<std::string> counters;
        m_items.clear();
        bool joins = false;
        for (const ScriptOp &op : t.ops) {
            if (op.kind == OpKind::Add)
                counters.insert(name(op.target));
            joins = joins || op.kind == OpKind::JoinThread;
            if (op.kind == OpKind::Print)
                for (const TextPart &p : m_script.printParts(op.text))
                    if (const ScriptDeclaration *d = m_script.find(p.name);
                        d && d->type == PrimitiveType::Queue)
                        m_items.insert(p.name);
        }
        if (!counters.empty()) {
            std::string names;
            for (const auto &c : counters)
                names += (names.empty() ? "" : ", ") + c;
            line(1, "global " + names);
        }
        if (joins)
            line(1, "all_started.wait()");
        if (!m_items.empty())
            line(1, "got = {}  # queue name -> the item this thread's last get returned");
        if (t.ops.empty())
            line(1, "pass");
        for (const ScriptOp &op : t.ops)
            operation(op, t.number);
    }

    // print's argument: literal text and the values the {NAME}s stand for.
    std::string printArgument(const std::string &text) const
    {
        std::string out;
        for (const TextPart &p : m_script.printParts(text)) {
            std::string piece;
            if (p.name.empty())
                piece = pyString(p.literal);
            else if (m_script.find(p.name)->type == PrimitiveType::Counter)
                piece = "str(" + name(p.name) + ")";
            else
                piece = "str(got[" + pyString(p.name) + "])";
            out += (out.empty() ? "" : " + ") + piece;
        }
        return out;
    }

    void operation(const ScriptOp &op, int thread)
    {
        const std::string x = op.target.empty() ? std::string() : name(op.target);
        const std::string timeout = op.timeoutMs ? seconds(*op.timeoutMs) : std::string();
        switch (op.kind) {
        case OpKind::Acquire:
            if (op.nowait)
                timed(x + ".acquire(blocking=False)", op, thread);
            else if (op.timeoutMs)
                timed(x + ".acquire(timeout=" + timeout + ")", op, thread);
            else
                line(1, x + ".acquire()");
            return;
        case OpKind::Release:
            line(1, x + ".release(" + (op.number == 1 ? "" : std::to_string(op.number)) + ")");
            return;
        case OpKind::Wait:
            if (m_script.find(op.target)->type == PrimitiveType::Barrier)
                line(1, x + ".wait(" + timeout + ")"); // a timeout raises BrokenBarrierError
            else if (op.timeoutMs)
                timed(x + ".wait(" + timeout + ")", op, thread);
            else
                line(1, x + ".wait()");
            return;
        case OpKind::WaitFor: {
            const std::string predicate = "lambda: " + name(op.counter) + " " +
                                          toString(op.comparison) + " " +
                                          std::to_string(op.number);
            if (op.timeoutMs)
                timed(x + ".wait_for(" + predicate + ", " + timeout + ")", op, thread);
            else
                line(1, x + ".wait_for(" + predicate + ")");
            return;
        }
        case OpKind::IsSet:
            query(x + ".is_set()", op.target + ".is_set()", thread);
            return;
        case OpKind::Locked:
            query(x + ".locked()", op.target + ".locked()", thread);
            return;
        case OpKind::Add:
            line(1, x + (op.number < 0 ? " -= " + std::to_string(-op.number)
                                       : " += " + std::to_string(op.number)));
            return;
        case OpKind::JoinThread:
            line(1, "threads[" + std::to_string(op.number - 1) + "].join()");
            return;
        case OpKind::Notify:
            line(1, x + ".notify(" + (op.number == 1 ? "" : std::to_string(op.number)) + ")");
            return;
        case OpKind::NotifyAll:
            line(1, x + ".notify_all()");
            return;
        case OpKind::Set:
            line(1, x + ".set()");
            return;
        case OpKind::Clear:
            line(1, x + ".clear()");
            return;
        case OpKind::Put:
            line(1, x + ".put(" + std::to_string(op.number) +
                        (op.timeoutMs ? ", timeout=" + timeout : std::string()) + ")");
            return;
        case OpKind::Get:
            line(1, (m_items.contains(op.target) ? "got[" + pyString(op.target) + "] = "
                                                 : std::string()) +
                        x + ".get(" + (op.timeoutMs ? "timeout=" + timeout : std::string()) + ")");
            return;
        case OpKind::TaskDone:
            line(1, x + ".task_done()");
            return;
        case OpKind::Join:
            line(1, x + ".join()");
            return;
        case OpKind::Sleep:
            line(1, "time.sleep(" + seconds(op.number) + ")");
            return;
        case OpKind::Print:
            line(1, "print(" + printArgument(op.text) + ")");
            return;
        }
    }

    const Script &m_script;
    const PythonTwinOptions &m_options;
    std::string m_out;
    bool m_joins = false;          // some thread joins another
    std::set<std::string> m_items; // the queues whose item the current thread prints
};

} // namespace

std::string pythonName(const Script &script, std::string_view name)
{
    std::string out(name);
    if (!reservedInPython(out))
        return out;
    // Append underscores until the name is neither reserved nor another declared name.
    do
        out += '_';
    while (reservedInPython(out) || script.find(out));
    return out;
}

std::string pythonTwin(const Script &script, const PythonTwinOptions &options)
{
    return Writer(script, options).run();
}

} // namespace wb::threads
