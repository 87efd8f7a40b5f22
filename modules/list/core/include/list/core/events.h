#pragma once
// The list module's events, declared once: what the list object (listobject.h) and timsort
// (timsort.h) record, and what replay.h, the views, the CLI and the tests read. Field names
// are the wire names in the trace, the JSON and the README's tables; see
// workbench/core/typed_event.h for how they are written and read.

#include "workbench/core/typed_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace wb::list::events {

using Ints = std::vector<std::int64_t>;

// ---- The list object --------------------------------------------------------------------

// PyList_New(size): a list of `size` cleared slots.
struct New
{
    static constexpr std::string_view kind = "new";
    std::int64_t size = 0;
    std::int64_t allocated = 0;
    std::int64_t bytes = 0;
    std::string policy; // the growth policy's name: which CPython's list_resize
    static constexpr auto fields()
    {
        return std::tuple{field("size", &New::size), field("allocated", &New::allocated),
                          field("bytes", &New::bytes), field("policy", &New::policy)};
    }
};

// One Python statement on the list: `op` is append, insert, pop, remove, extend, del,
// assign, clear, reverse, sort or item; the other fields are its arguments.
struct Op
{
    static constexpr std::string_view kind = "op";
    std::string op;
    std::optional<std::int64_t> index = {};
    std::optional<std::int64_t> value = {};
    std::optional<std::int64_t> low = {};
    std::optional<std::int64_t> high = {};
    std::optional<Ints> values = {};
    std::optional<std::string> policy = {};
    static constexpr auto fields()
    {
        return std::tuple{field("op", &Op::op),        field("index", &Op::index),
                          field("value", &Op::value),  field("low", &Op::low),
                          field("high", &Op::high),    field("values", &Op::values),
                          field("policy", &Op::policy)};
    }
};

// list_resize (or list_preallocate_exact): the size changes; `realloc` says whether the
// block was reallocated (false: the capacity already fit).
struct Resize
{
    static constexpr std::string_view kind = "resize";
    std::int64_t oldSize = 0;
    std::int64_t newSize = 0;
    std::int64_t oldAllocated = 0;
    std::int64_t newAllocated = 0;
    bool realloc = false;
    bool exact = false; // the exact-size rule (no over-allocation) applied
    std::int64_t oldBytes = 0;
    std::int64_t newBytes = 0;
    bool moved = false;      // realloc gave the block another address
    std::int64_t copied = 0; // slots copied by that move
    std::string policy;
    std::string formula; // the arithmetic, as a person reads it
    static constexpr auto fields()
    {
        return std::tuple{field("old_size", &Resize::oldSize),
                          field("new_size", &Resize::newSize),
                          field("old_allocated", &Resize::oldAllocated),
                          field("new_allocated", &Resize::newAllocated),
                          field("realloc", &Resize::realloc),
                          field("exact", &Resize::exact),
                          field("old_bytes", &Resize::oldBytes),
                          field("new_bytes", &Resize::newBytes),
                          field("moved", &Resize::moved),
                          field("copied", &Resize::copied),
                          field("policy", &Resize::policy),
                          field("formula", &Resize::formula)};
    }
};

// ob_item[index] = object.
struct Store
{
    static constexpr std::string_view kind = "store";
    std::int64_t index = 0;
    std::uint64_t object = 0;
    std::int64_t value = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &Store::index), field("object", &Store::object),
                          field("value", &Store::value)};
    }
};

// ob_item[index .. index + count) = objects (extend's copy).
struct StoreMany
{
    static constexpr std::string_view kind = "store_many";
    std::int64_t index = 0;
    std::int64_t count = 0;
    Ints objects;
    Ints values;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &StoreMany::index), field("count", &StoreMany::count),
                          field("objects", &StoreMany::objects),
                          field("values", &StoreMany::values)};
    }
};

// memmove of `count` slots from `from` to `to`.
struct Shift
{
    static constexpr std::string_view kind = "shift";
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::int64_t count = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("from", &Shift::from), field("to", &Shift::to),
                          field("count", &Shift::count)};
    }
};

// list_ass_slice keeps the removed items aside and releases them last.
struct Recycle
{
    static constexpr std::string_view kind = "recycle";
    std::int64_t low = 0;
    std::int64_t high = 0;
    Ints objects;
    static constexpr auto fields()
    {
        return std::tuple{field("low", &Recycle::low), field("high", &Recycle::high),
                          field("objects", &Recycle::objects)};
    }
};

// Py_DECREF: refcnt 0 means freed.
struct Release
{
    static constexpr std::string_view kind = "release";
    std::uint64_t object = 0;
    std::int64_t value = 0;
    std::int64_t refcnt = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("object", &Release::object), field("value", &Release::value),
                          field("refcnt", &Release::refcnt)};
    }
};

// list.pop took ob_item[index].
struct Pop
{
    static constexpr std::string_view kind = "pop";
    std::int64_t index = 0;
    std::uint64_t object = 0;
    std::int64_t value = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &Pop::index), field("object", &Pop::object),
                          field("value", &Pop::value)};
    }
};

// list.remove found its value at `index`.
struct Found
{
    static constexpr std::string_view kind = "found";
    std::int64_t index = 0;
    std::int64_t value = 0;
    std::int64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &Found::index), field("value", &Found::value),
                          field("comparisons", &Found::comparisons)};
    }
};

// _list_clear.
struct Clear
{
    static constexpr std::string_view kind = "clear";
    std::int64_t oldSize = 0;
    std::int64_t oldAllocated = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("old_size", &Clear::oldSize),
                          field("old_allocated", &Clear::oldAllocated)};
    }
};

// [low, high) reversed in place: list.reverse, or timsort reversing a descending run (then
// with its running comparison count).
struct Reverse
{
    static constexpr std::string_view kind = "reverse";
    std::int64_t low = 0;
    std::int64_t high = 0;
    std::optional<std::uint64_t> comparisons;
    static constexpr auto fields()
    {
        return std::tuple{field("low", &Reverse::low), field("high", &Reverse::high),
                          field("comparisons", &Reverse::comparisons)};
    }
};

// list.sort put the sorted item pointers back in ob_item.
struct Sorted
{
    static constexpr std::string_view kind = "sorted";
    Ints objects;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("objects", &Sorted::objects),
                          field("comparisons", &Sorted::comparisons)};
    }
};

// l[index] read ob_item[index].
struct Item
{
    static constexpr std::string_view kind = "item";
    std::int64_t index = 0;
    std::uint64_t object = 0;
    std::int64_t value = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &Item::index), field("object", &Item::object),
                          field("value", &Item::value)};
    }
};

// A Python exception the operation raised.
struct Error
{
    static constexpr std::string_view kind = "error";
    std::string type;
    std::string message;
    static constexpr auto fields()
    {
        return std::tuple{field("type", &Error::type), field("message", &Error::message)};
    }
};

// ---- timsort ------------------------------------------------------------------------------
// Every sort event carries `comparisons`: the running total when it was recorded.

struct SortBegin
{
    static constexpr std::string_view kind = "sort_begin";
    std::int64_t n = 0;
    std::int64_t minrun = 0;
    std::string policy; // the merge policy's name
    std::int64_t minGallop = 0;
    Ints values;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("n", &SortBegin::n),           field("minrun", &SortBegin::minrun),
            field("policy", &SortBegin::policy), field("min_gallop", &SortBegin::minGallop),
            field("values", &SortBegin::values), field("comparisons", &SortBegin::comparisons)};
    }
};

// count_run found a natural run.
struct Run
{
    static constexpr std::string_view kind = "run";
    std::int64_t start = 0;
    std::int64_t naturalLength = 0;
    bool descending = false;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("start", &Run::start), field("natural_length", &Run::naturalLength),
            field("descending", &Run::descending), field("comparisons", &Run::comparisons)};
    }
};

// A short run extended to `length` by binary insertion sort.
struct Boost
{
    static constexpr std::string_view kind = "boost";
    std::int64_t start = 0;
    std::int64_t naturalLength = 0;
    std::int64_t length = 0;
    Ints values;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("start", &Boost::start),
                          field("natural_length", &Boost::naturalLength),
                          field("length", &Boost::length), field("values", &Boost::values),
                          field("comparisons", &Boost::comparisons)};
    }
};

// Binary insertion moved element `from` to `to`.
struct Insert
{
    static constexpr std::string_view kind = "insert";
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("from", &Insert::from), field("to", &Insert::to),
                          field("comparisons", &Insert::comparisons)};
    }
};

// A run pushed on the pending stack; `stack` holds the run lengths after the push.
struct Push
{
    static constexpr std::string_view kind = "push";
    std::int64_t index = 0;
    std::int64_t base = 0;
    std::int64_t length = 0;
    Ints stack;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &Push::index), field("base", &Push::base),
                          field("length", &Push::length), field("stack", &Push::stack),
                          field("comparisons", &Push::comparisons)};
    }
};

// powersort's power of the boundary between pending[index] and the new run.
struct Power
{
    static constexpr std::string_view kind = "power";
    std::int64_t index = 0;
    std::int64_t power = 0;
    std::int64_t s1 = 0;
    std::int64_t n1 = 0;
    std::int64_t n2 = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{
            field("index", &Power::index), field("power", &Power::power),
            field("s1", &Power::s1),       field("n1", &Power::n1),
            field("n2", &Power::n2),       field("comparisons", &Power::comparisons)};
    }
};

// merge_at(index): runs A = pending[index] and B = pending[index + 1], and why now.
struct MergeBegin
{
    static constexpr std::string_view kind = "merge_begin";
    std::int64_t index = 0;
    std::int64_t base = 0;
    std::int64_t lengthA = 0;
    std::int64_t lengthB = 0;
    std::int64_t length = 0;
    std::string reason;
    std::int64_t power = 0;
    std::int64_t newPower = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &MergeBegin::index),
                          field("base", &MergeBegin::base),
                          field("length_a", &MergeBegin::lengthA),
                          field("length_b", &MergeBegin::lengthB),
                          field("length", &MergeBegin::length),
                          field("reason", &MergeBegin::reason),
                          field("power", &MergeBegin::power),
                          field("new_power", &MergeBegin::newPower),
                          field("comparisons", &MergeBegin::comparisons)};
    }
};

// The two gallops before a merge: A's head and B's tail already in place.
struct MergeTrim
{
    static constexpr std::string_view kind = "merge_trim";
    std::int64_t skippedA = 0;
    std::int64_t keptB = 0;
    std::int64_t na = 0;
    std::int64_t nb = 0;
    std::string routine; // "merge_lo", "merge_hi" or "none"
    std::int64_t temp = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("skipped_a", &MergeTrim::skippedA),
                          field("kept_b", &MergeTrim::keptB),
                          field("na", &MergeTrim::na),
                          field("nb", &MergeTrim::nb),
                          field("routine", &MergeTrim::routine),
                          field("temp", &MergeTrim::temp),
                          field("comparisons", &MergeTrim::comparisons)};
    }
};

struct MergeEnd
{
    static constexpr std::string_view kind = "merge_end";
    std::int64_t index = 0;
    std::int64_t base = 0;
    std::int64_t length = 0;
    Ints values;
    std::int64_t minGallop = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &MergeEnd::index),
                          field("base", &MergeEnd::base),
                          field("length", &MergeEnd::length),
                          field("values", &MergeEnd::values),
                          field("min_gallop", &MergeEnd::minGallop),
                          field("comparisons", &MergeEnd::comparisons)};
    }
};

// One run won min_gallop times in a row: the merge starts galloping.
struct GallopEnter
{
    static constexpr std::string_view kind = "gallop_enter";
    std::string run; // "A" or "B"
    std::int64_t wins = 0;
    std::int64_t minGallop = 0;
    std::string routine;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("run", &GallopEnter::run), field("wins", &GallopEnter::wins),
                          field("min_gallop", &GallopEnter::minGallop),
                          field("routine", &GallopEnter::routine),
                          field("comparisons", &GallopEnter::comparisons)};
    }
};

// One gallop moved `count` elements of `run` as a block.
struct Gallop
{
    static constexpr std::string_view kind = "gallop";
    std::string search; // gallop_left or gallop_right
    std::string run;
    std::int64_t count = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("search", &Gallop::search), field("run", &Gallop::run),
                          field("count", &Gallop::count),
                          field("comparisons", &Gallop::comparisons)};
    }
};

struct GallopLeave
{
    static constexpr std::string_view kind = "gallop_leave";
    std::int64_t minGallop = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("min_gallop", &GallopLeave::minGallop),
                          field("comparisons", &GallopLeave::comparisons)};
    }
};

struct MinGallop
{
    static constexpr std::string_view kind = "min_gallop";
    std::int64_t oldValue = 0;
    std::int64_t newValue = 0;
    std::uint64_t comparisons = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("old", &MinGallop::oldValue), field("new", &MinGallop::newValue),
                          field("comparisons", &MinGallop::comparisons)};
    }
};

// One call of the comparison (recorded only when asked: a sort makes millions). The view's
// sort (viewsort.h) adds x and y: the slots of the operands in the array as drawn.
struct Compare
{
    static constexpr std::string_view kind = "compare";
    std::uint64_t comparisons = 0;
    bool less = false;
    std::optional<std::int64_t> x = {};
    std::optional<std::int64_t> y = {};
    static constexpr auto fields()
    {
        return std::tuple{field("comparisons", &Compare::comparisons),
                          field("less", &Compare::less), field("x", &Compare::x),
                          field("y", &Compare::y)};
    }
};

struct SortEnd
{
    static constexpr std::string_view kind = "sort_end";
    std::uint64_t comparisons = 0;
    std::int64_t runs = 0;
    std::int64_t merges = 0;
    Ints values;
    static constexpr auto fields()
    {
        return std::tuple{field("comparisons", &SortEnd::comparisons),
                          field("runs", &SortEnd::runs), field("merges", &SortEnd::merges),
                          field("values", &SortEnd::values)};
    }
};

// ---- a real CPython list, traced (python/README.md: the tracer's `list` lines) -------------

// One change of one list of the learner's program; the event's file and line are the
// script's. `list` and `items` are CPython id()s, `block` the item block's address; `at` and
// `items` update a mirror of the element ids (mirror[at:at+len(items)] = items, then cut to
// `size`; `more`: ids after those were left out). A sort also has its `comparisons` and
// `pairs` (i0, j0, i1, j1, ...: the elements at i and j before the sort compared with `<`).
// `native_allocated` is the native list's allocated slots after the same operations, when the
// list was mirrored from its creation.
struct PyList
{
    static constexpr std::string_view kind = "py_list";
    std::string op;
    std::uint64_t list = 0;
    std::int64_t size = 0;
    std::int64_t allocated = 0;
    std::int64_t prevAllocated = 0;
    std::uint64_t block = 0;
    bool moved = false;
    std::int64_t at = 0;
    Ints items;
    bool more = false;
    std::optional<std::uint64_t> comparisons = {};
    std::optional<Ints> pairs = {};
    std::optional<std::int64_t> nativeAllocated = {};
    std::optional<bool> failed = {};
    static constexpr auto fields()
    {
        return std::tuple{field("op", &PyList::op),
                          field("list", &PyList::list),
                          field("size", &PyList::size),
                          field("allocated", &PyList::allocated),
                          field("prev_allocated", &PyList::prevAllocated),
                          field("block", &PyList::block),
                          field("moved", &PyList::moved),
                          field("at", &PyList::at),
                          field("items", &PyList::items),
                          field("more", &PyList::more),
                          field("comparisons", &PyList::comparisons),
                          field("pairs", &PyList::pairs),
                          field("native_allocated", &PyList::nativeAllocated),
                          field("failed", &PyList::failed)};
    }
};

using ListEvents = EventSet<New, Op, Resize, Store, StoreMany, Shift, Recycle, Release, Pop, Found,
                            Clear, Reverse, Sorted, Item, Error>;
// Reverse belongs to both: timsort reverses descending runs.
using SortEvents =
    EventSet<SortBegin, Run, Reverse, Boost, Insert, Push, Power, MergeBegin, MergeTrim, MergeEnd,
             GallopEnter, Gallop, GallopLeave, MinGallop, Compare, SortEnd>;
// The learner's own program (list/core/python_trace.h).
using PythonListEvents = EventSet<PyList>;

} // namespace wb::list::events
