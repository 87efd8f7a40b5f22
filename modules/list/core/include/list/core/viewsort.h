#pragma once
// The sort the timsort view shows, recorded one way for the view and for
// `workbench-cli list sort --record`, so that both make the same recording of the same input:
//
//     wb::Trace trace;
//     std::vector<std::int64_t> v = {5, 3, 9, 1};
//     wb::list::recordViewSort(v, wb::list::MergePolicy::CPython311, trace);
//
// Up to kEachComparisonLimit elements every call of less is recorded, and each "compare"
// event carries x and y: the slots its two operands stand in as the view draws the array at
// that step (the array the replay of replay.h rebuilds, which a merge updates only at its
// end). A recording then shows the compared pair without sorting anything again.

#include "list/core/timsort.h"

#include "workbench/core/trace.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wb::list {

inline constexpr std::size_t kEachComparisonLimit = 400;

// Sorts `values` under `policy`, recording into `trace`. `cancel` (may be null) is read at
// every comparison: once it is true the sort stops, `values` is left some permutation of
// itself and the function returns false (what was recorded so far stays in `trace`).
bool recordViewSort(std::vector<std::int64_t> &values, MergePolicy policy, wb::Trace &trace,
                    const std::atomic<bool> *cancel = nullptr);

} // namespace wb::list
