// The playground's words (keywords, comparisons), the script model, its errors and the
// presets; the parser is in playground_parser.cpp.
#include "threads/core/playground.h"

namespace wb::threads {

const char *toString(PrimitiveType t)
{
    switch (t) {
    case PrimitiveType::Lock:
        return "lock";
    case PrimitiveType::RLock:
        return "rlock";
    case PrimitiveType::Semaphore:
        return "semaphore";
    case PrimitiveType::BoundedSemaphore:
        return "bounded";
    case PrimitiveType::Event:
        return "event";
    case PrimitiveType::Queue:
        return "queue";
    case PrimitiveType::Condition:
        return "condition";
    case PrimitiveType::Barrier:
        return "barrier";
    case PrimitiveType::Counter:
        return "counter";
    }
    return "?";
}

const char *toString(OpKind k)
{
    switch (k) {
    case OpKind::Acquire:
        return "acquire";
    case OpKind::Release:
        return "release";
    case OpKind::Wait:
        return "wait";
    case OpKind::Notify:
        return "notify";
    case OpKind::NotifyAll:
        return "notify_all";
    case OpKind::Set:
        return "set";
    case OpKind::Clear:
        return "clear";
    case OpKind::Put:
        return "put";
    case OpKind::Get:
        return "get";
    case OpKind::TaskDone:
        return "task_done";
    case OpKind::Join:
        return "join";
    case OpKind::Sleep:
        return "sleep";
    case OpKind::Print:
        return "print";
    case OpKind::Locked:
        return "locked";
    case OpKind::IsSet:
        return "is_set";
    case OpKind::WaitFor:
        return "wait_for";
    case OpKind::Add:
        return "add";
    case OpKind::JoinThread:
        return "join";
    }
    return "?";
}

const char *toString(Comparison c)
{
    switch (c) {
    case Comparison::Equal:
        return "==";
    case Comparison::NotEqual:
        return "!=";
    case Comparison::Less:
        return "<";
    case Comparison::LessEqual:
        return "<=";
    case Comparison::Greater:
        return ">";
    case Comparison::GreaterEqual:
        return ">=";
    }
    return "?";
}

bool compare(std::int64_t left, Comparison c, std::int64_t right)
{
    switch (c) {
    case Comparison::Equal:
        return left == right;
    case Comparison::NotEqual:
        return left != right;
    case Comparison::Less:
        return left < right;
    case Comparison::LessEqual:
        return left <= right;
    case Comparison::Greater:
        return left > right;
    case Comparison::GreaterEqual:
        return left >= right;
    }
    return false;
}

const ScriptDeclaration *Script::find(std::string_view name) const
{
    for (const auto &d : declarations)
        if (d.name == name)
            return &d;
    return nullptr;
}

std::vector<TextPart> Script::printParts(std::string_view text) const
{
    std::vector<TextPart> parts;
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
        if (close != std::string_view::npos) {
            const std::string_view name = text.substr(i + 1, close - i - 1);
            const ScriptDeclaration *d = find(name);
            if (d && (d->type == PrimitiveType::Queue || d->type == PrimitiveType::Counter)) {
                if (!literal.empty())
                    parts.push_back({std::move(literal), {}});
                literal.clear();
                parts.push_back({{}, std::string(name)});
                i = close + 1;
                continue;
            }
        }
        literal += text[i++];
    }
    if (!literal.empty() || parts.empty())
        parts.push_back({std::move(literal), {}});
    return parts;
}

std::size_t Script::operationCount() const
{
    std::size_t n = 0;
    for (const auto &t : threads)
        n += t.ops.size();
    return n;
}

std::string ScriptError::toString() const
{
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

namespace {
std::string joinErrors(const std::vector<ScriptError> &errors)
{
    std::string out;
    for (const auto &e : errors)
        out += (out.empty() ? "" : "\n") + e.toString();
    return out;
}
} // namespace

ScriptSyntaxError::ScriptSyntaxError(std::vector<ScriptError> errors)
    : std::invalid_argument(joinErrors(errors)), m_errors(std::move(errors))
{}

const std::vector<ScriptPreset> &scriptPresets()
{
    static const std::vector<ScriptPreset> presets = {
        {"lock-order", "Two locks taken in opposite order (deadlock)",
         "# Each thread takes one lock, then wants the other's.\n"
         "lock A\n"
         "lock B\n"
         "T1: acquire A; sleep 10; acquire B; print T1 has both; release B; release A\n"
         "T2: acquire B; sleep 10; acquire A; print T2 has both; release A; release B\n"},
        {"producer-consumer", "Producer and consumer on a bounded queue",
         "# put blocks while the queue holds 2 items; join waits for the last task_done.\n"
         "queue Q 2\n"
         "T1: put Q 1; put Q 2; put Q 3; put Q 4; join Q; print every item is done\n"
         "T2: get Q; sleep 20; task_done Q; get Q; sleep 20; task_done Q\n"
         "T2: get Q; sleep 20; task_done Q; get Q; sleep 20; task_done Q\n"},
        {"condition", "Wait and notify on a Condition",
         "# wait gives up L while it waits and takes it back before returning.\n"
         "lock L\n"
         "condition C on L\n"
         "T1: acquire C; print T1 waits; wait C; print T1 woke up; release C\n"
         "T2: sleep 10; acquire C; print T2 notifies; notify C; release C\n"},
        {"semaphore", "Three threads, two permits",
         "semaphore S 2\n"
         "T1: acquire S; print T1 inside; sleep 30; release S\n"
         "T2: acquire S; print T2 inside; sleep 30; release S\n"
         "T3: acquire S; print T3 inside; sleep 30; release S\n"},
        {"self-deadlock", "Lock versus RLock, taken twice",
         "# An rlock counts its owner's acquires; a lock has no owner and blocks.\n"
         "rlock R\n"
         "lock A\n"
         "T1: acquire R; acquire R; print R held twice; release R; release R\n"
         "T1: acquire A; print A held once; acquire A; print never printed\n"},
        {"missed-pulse", "An event set and cleared at once",
         "# T2 is not waiting yet when the pulse comes, so it waits until the timeout.\n"
         "event E\n"
         "T1: set E; clear E; print pulse sent\n"
         "T2: sleep 10; wait E timeout 500; print T2 gave up waiting\n"},
    };
    return presets;
}

} // namespace wb::threads
