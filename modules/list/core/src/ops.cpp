#include "list/core/ops.h"

#include "workbench/core/cli.h"

#include <cctype>
#include <sstream>

namespace wb::list {

namespace {
// "l.insert(1, 5)" -> "insert 1 5"; "del l[1:3]" -> "del 1 3"; plain forms pass unchanged.
std::string normalise(std::string_view text)
{
    std::string s(text);
    auto trimmed = s.find_first_not_of(" \t");
    if (trimmed != std::string::npos && s.compare(trimmed, 2, "l.") == 0)
        s.erase(trimmed, 2);
    if (auto p = s.find("del "); p != std::string::npos && s.find(" l[", p) == p + 3)
        s.erase(p + 4, 1); // "del l[1:3]" -> "del [1:3]"
    for (char &c : s)
        if (c == '(' || c == ')' || c == ',' || c == '[' || c == ']' || c == ':')
            c = ' ';
    return s;
}
} // namespace

std::optional<ListOp> parseListOp(std::string_view text, std::string &error)
{
    std::istringstream in(normalise(text));
    ListOp op{std::string(text), {}, {}};
    in >> op.name;
    std::string tok;
    while (in >> tok) {
        const auto v = wb::cli::parseInt(tok);
        if (!v) {
            error = "'" + tok + "' in \"" + op.text + "\" is not an integer";
            return std::nullopt;
        }
        op.args.push_back(*v);
    }
    const std::size_t n = op.args.size();
    bool ok = false;
    if (op.name == "append" || op.name == "remove")
        ok = n == 1;
    else if (op.name == "insert" || op.name == "del")
        ok = n == 2;
    else if (op.name == "pop")
        ok = n <= 1;
    else if (op.name == "extend")
        ok = true;
    else if (op.name == "clear" || op.name == "reverse" || op.name == "sort")
        ok = n == 0;
    else {
        error = "unknown operation \"" + op.text +
                "\"; use append, insert, pop, remove, extend, del, clear, reverse or sort";
        return std::nullopt;
    }
    if (!ok) {
        error = "wrong number of arguments in \"" + op.text +
                "\" (append V, insert I V, pop [I], remove V, extend V..., del I J)";
        return std::nullopt;
    }
    return op;
}

MergePolicy mergePolicyFor(GrowthPolicy p)
{
    return p == GrowthPolicy::CPython27 ? MergePolicy::CPython27 : MergePolicy::CPython311;
}

std::optional<std::int64_t> applyListOp(ListObject &l, const ListOp &op)
{
    const auto &a = op.args;
    if (op.name == "append")
        l.append(a[0]);
    else if (op.name == "insert")
        l.insert(a[0], a[1]);
    else if (op.name == "pop")
        return a.empty() ? l.pop() : l.pop(a[0]);
    else if (op.name == "remove")
        l.remove(a[0]);
    else if (op.name == "extend")
        l.extend(a);
    else if (op.name == "del")
        l.delSlice(a[0], a[1]);
    else if (op.name == "clear")
        l.clear();
    else if (op.name == "reverse")
        l.reverse();
    else if (op.name == "sort")
        l.sort(mergePolicyFor(l.policy()));
    return std::nullopt;
}

} // namespace wb::list
