#pragma once
// The state a view draws at a trace position, rebuilt from events alone.
//
// Views hand these apply functions to wb::Replayer, so stepping back never re-runs the list
// or the sort:
//
//     wb::Replayer<wb::list::ListViewState> r(trace, {}, wb::list::applyListEvent);
//     const auto &s = r.stateAt(cursor.position()); // slots, size, allocated, last resize
//
// The tests replay whole traces and compare with the real object's final state, so anything
// a view shows from these structs is what the core really did.

#include "list/core/timsort.h"
#include "workbench/core/trace.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wb::list {

// ---- the list object ------------------------------------------------------------------------

struct ResizeView
{
    std::int64_t oldSize = 0;
    std::int64_t newSize = 0;
    std::int64_t oldAllocated = 0;
    std::int64_t newAllocated = 0;
    bool realloc = false;
    bool moved = false;
    std::int64_t copied = 0;
    std::int64_t newBytes = 0;
    std::string formula; // the list_resize arithmetic, written out
};

struct ObjectView
{
    std::int64_t value = 0;
    bool freed = false; // its last reference was released
};

struct ListViewState
{
    std::string policy;
    std::int64_t size = 0;      // ob_size
    std::int64_t allocated = 0; // slots
    bool hasBlock = false;      // ob_item != NULL
    // One entry per allocated slot: the id of the object it points to, 0 for NULL. Entries at
    // index >= size are the stale pointers pop and del leave behind.
    std::vector<std::uint64_t> obItem;
    std::map<std::uint64_t, ObjectView> objects;
    std::vector<std::uint64_t> recycle; // removed by list_ass_slice, not yet released
    ResizeView lastResize;
    std::int64_t reallocations = 0;
    std::int64_t slotsCopied = 0;
    std::string lastOp;    // label of the last "op" event: "l.insert(1, 5)"
    std::string lastError; // "IndexError: pop from empty list", cleared by the next op
    // Highlights for the event just applied: the moved range and the stored slot.
    std::int64_t shiftFrom = -1, shiftTo = -1, shiftCount = 0;
    std::int64_t stored = -1;

    std::vector<std::int64_t> liveValues() const; // values of slots [0, size)
    // Spare: allocated but past ob_size (drawn dashed). Stale: spare and still holding a
    // pointer left behind by pop/del/remove.
    bool isSpare(std::int64_t slot) const { return slot >= size && slot < allocated; }
    bool isStale(std::int64_t slot) const
    {
        return isSpare(slot) && slot < static_cast<std::int64_t>(obItem.size()) &&
               obItem[static_cast<std::size_t>(slot)] != 0;
    }
};

void applyListEvent(ListViewState &state, const wb::Event &event);

// ---- the sort -------------------------------------------------------------------------------

struct PendingRunView
{
    std::int64_t base = 0;
    std::int64_t length = 0;
    int power = 0; // cpython311: set when the next run is found
};

struct MergeView
{
    bool active = false;
    std::int64_t index = 0; // merge_at(i)
    std::int64_t base = 0;
    std::int64_t lengthA = 0;
    std::int64_t lengthB = 0;
    std::string reason;        // which invariant (or power) triggered it
    std::int64_t skippedA = 0; // A elements already in place
    std::int64_t keptB = 0;    // B elements already in place
    std::string routine;       // merge_lo / merge_hi / none
    std::int64_t temp = 0;     // elements in the temp area
};

struct SortViewState
{
    std::string policy;
    std::int64_t n = 0;
    std::int64_t minrun = 0;
    // The array as the sort leaves it at this position, when the events carry values: runs
    // appear reversed/boosted when done, a merge's result appears at merge_end.
    std::vector<std::int64_t> values;
    RunInfo currentRun; // the run found last (valid when haveRun)
    bool haveRun = false;
    std::vector<RunInfo> runs; // every run pushed so far
    std::vector<PendingRunView> stack;
    MergeView merge;
    std::vector<MergeInfo> merges; // merges begun so far
    bool galloping = false;
    std::string gallopRun; // "A" or "B": the run that kept winning
    std::int64_t minGallop = kMinGallop;
    std::int64_t gallopEntries = 0;
    std::uint64_t comparisons = 0;
    bool done = false;
};

void applySortEvent(SortViewState &state, const wb::Event &event);

} // namespace wb::list
