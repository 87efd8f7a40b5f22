#pragma once
// List operations as text, shared by `workbench-cli list ops` and the slot view's command box:
// "append 1", "insert 1 5", "pop", "pop 0", "remove 5", "extend 1 2 3", "del 1 3", "clear",
// "reverse", "sort". A leading "l." and Python's brackets are accepted too, so
// "l.insert(1, 5)" and "del l[1:3]" parse as the same operations.

#include "list/core/listobject.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wb::list {

struct ListOp
{
    std::string text; // as typed
    std::string name; // append insert pop remove extend del clear reverse sort
    std::vector<std::int64_t> args;
};

// Parses one operation; on failure returns nullopt and sets `error` to a sentence.
std::optional<ListOp> parseListOp(std::string_view text, std::string &error);

// Runs `op` on `l` through the value-level calls (so a trace records an "op" event first).
// Returns the popped value for pop. Throws PyException as Python would.
std::optional<std::int64_t> applyListOp(ListObject &l, const ListOp &op);

// The merge policy a list.sort() uses with a growth policy: the one of the same CPython.
MergePolicy mergePolicyFor(GrowthPolicy p);

} // namespace wb::list
