#pragma once
// A native model of CPython's list object (Objects/listobject.c), with the routines under
// CPython's own names and every step reported to an optional wb::Trace.
//
// What is modelled, and what is not:
// - `ob_item` is a real heap block of pointers (malloc/realloc), `ob_size` and `allocated`
//   are the two counters CPython keeps. Slots past `ob_size` keep whatever pointer they held
//   (pop leaves a stale pointer behind), exactly as in C.
// - Elements are IntObject: a value, a reference count and an id standing for its address.
//   Objects live in an ObjectHeap whose storage is never returned while the list exists, so a
//   stale pointer can always be read: an object whose count fell to 0 is shown as "freed".
// - Python-level errors are thrown as PyException ("IndexError: pop from empty list").
// - Where C leaves memory uninitialised (the new slots after a growing realloc), the model
//   stores null so that views draw an empty box instead of garbage.
//
//     wb::Trace trace;
//     wb::list::ListObject l(wb::list::GrowthPolicy::CPython27, &trace);
//     l.append(1);        // right: the value-level call records an "op" event, then app1's
//     l.insert(1, 5);     // resize/shift/store events
//     l.app1(nullptr);    // wrong: CPython's app1 requires an object (asserted here too)

#include "list/core/timsort.h"
#include "workbench/core/trace.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb::list {

// ---------------------------------------------------------------------------------------------
// Growth policies: the over-allocation arithmetic of list_resize.
//
// cpython27  (CPython 2.x - 3.8): new_allocated = newsize + (newsize >> 3) + (newsize < 9 ? 3 : 6)
//            appends from empty reallocate at sizes 1, 5, 9, 17, 26, ... to capacities
//            4, 8, 16, 25, 35, 46, 58, 72, 88, 106, 126, 148, ...
// cpython311 (CPython 3.9+, bpo-38373): new_allocated = (newsize + (newsize >> 3) + 6) & ~3,
//            and exactly (newsize + 3) & ~3 when the jump in size is larger than the
//            over-allocation (e.g. a big extend): 4, 8, 16, 24, 32, 40, 52, 64, 76, 92, ...
// Both: no reallocation while allocated/2 <= newsize <= allocated; newsize 0 gives 0 slots.
enum class GrowthPolicy { CPython27, CPython311 };

std::string_view policyName(GrowthPolicy p); // "cpython27" / "cpython311"
std::optional<GrowthPolicy> parseGrowthPolicy(std::string_view name);

// The decision list_resize makes for one call, before touching memory.
struct ResizePlan
{
    std::int64_t oldSize = 0;
    std::int64_t newSize = 0;
    std::int64_t oldAllocated = 0;
    std::int64_t newAllocated = 0;
    bool reallocates = false; // false: only ob_size changes
    bool exactRule = false;   // cpython311's "do not over-allocate" branch was taken
};

ResizePlan planResize(GrowthPolicy policy, std::int64_t size, std::int64_t allocated,
                      std::int64_t newsize);
// The arithmetic of a plan written out as the lesson shows it, e.g. "(5 >> 3) + 3 + 5 = 8".
std::string describeResize(GrowthPolicy policy, const ResizePlan &plan);

// What one list_resize call did to memory.
struct ResizeReport
{
    ResizePlan plan;
    std::int64_t oldBytes = 0;
    std::int64_t newBytes = 0;
    bool moved = false;      // realloc returned a different block
    std::int64_t copied = 0; // slots realloc copied to the new block (0 when it stayed put)
};

// ---------------------------------------------------------------------------------------------
// Element objects.

struct IntObject
{
    std::int64_t value = 0;
    std::int64_t refcnt = 0;
    std::uint64_t id = 0; // 1, 2, 3, ... in creation order: the "address" a view prints
};

// Owns every IntObject a list ever pointed to. Storage is stable (fixed-size chunks that
// never move) and is only released with the heap, so stale slots stay readable; refcnt == 0
// means "freed". An empty heap allocates nothing, so a new list costs no allocation.
class ObjectHeap
{
public:
    // A new object holding one reference for the caller (like PyLong_FromLongLong).
    IntObject *fromLong(std::int64_t v);
    std::size_t created() const { return m_count; }
    std::size_t alive() const;
    // The object with a given id, or null.
    const IntObject *byId(std::uint64_t id) const;

private:
    static constexpr std::size_t kChunk = 256; // objects per chunk
    std::vector<std::unique_ptr<IntObject[]>> m_chunks;
    std::size_t m_count = 0;
};

// A Python exception raised by a list routine; what() is "IndexError: pop from empty list".
class PyException : public std::runtime_error
{
public:
    PyException(std::string type, const std::string &message)
        : std::runtime_error(type + ": " + message), m_type(std::move(type))
    {}
    const std::string &type() const { return m_type; }

private:
    std::string m_type;
};

// ---------------------------------------------------------------------------------------------
// The list object.

class ListObject
{
public:
    // PyList_New(size): `size` null slots (0 leaves ob_item null, as CPython does).
    explicit ListObject(GrowthPolicy policy = GrowthPolicy::CPython311, wb::Trace *trace = nullptr,
                        std::int64_t size = 0);
    ~ListObject(); // releases the items' references and the item block
    ListObject(const ListObject &) = delete;
    ListObject &operator=(const ListObject &) = delete;

    // -- observers ------------------------------------------------------------------------
    std::int64_t size() const { return m_size; }             // ob_size, len(l)
    std::int64_t allocated() const { return m_allocated; }   // slots in ob_item
    bool hasItemBlock() const { return m_items != nullptr; } // ob_item != NULL
    IntObject *const *obItem() const { return m_items; }
    // Slot i < allocated(): a live item below size(), stale or null above.
    const IntObject *slot(std::int64_t i) const { return m_items[i]; }
    std::vector<std::int64_t> values() const; // the live items' values
    GrowthPolicy policy() const { return m_policy; }
    ObjectHeap &heap() { return m_heap; }
    const ObjectHeap &heap() const { return m_heap; }
    wb::Trace *trace() const { return m_trace; }
    void setTrace(wb::Trace *trace)
    {
        m_trace = trace;
        setAllocated(m_allocated);
    }
    std::int64_t reallocations() const { return m_reallocations; }
    std::int64_t slotsCopied() const { return m_slotsCopied; }

    // -- CPython's routines (objects are borrowed unless stated) ---------------------------
    // list_resize: ensure room for newsize items and set ob_size = newsize. Slots in
    // [old size, newsize) are left as they are; the caller fills them.
    ResizeReport listResize(std::int64_t newsize);
    void app1(IntObject *v);                     // append: resize to n + 1, store at n
    void ins1(std::int64_t where, IntObject *v); // insert: shift [where, n) right by one
    // pop([index]): returns the item with the list's reference handed to the caller.
    // Throws IndexError "pop from empty list" / "pop index out of range".
    IntObject *listpop(std::optional<std::int64_t> index = std::nullopt);
    // remove(x): deletes the first item equal to `value`; ValueError when there is none.
    void listremove(std::int64_t value);
    // list_ass_slice: a[low:high] = v (v null: del a[low:high]). Bounds are clamped as
    // CPython clamps them. Removed items are released only after the list is consistent.
    void listAssSlice(std::int64_t low, std::int64_t high, const std::vector<IntObject *> *v);
    void listExtend(const std::vector<IntObject *> &items); // extend(list): the fast path
    void listClear();                                       // _list_clear
    void listReverse();                                     // reverse()
    // list.sort(): timsort over the item pointers by value. As in CPython the list looks
    // empty while the sort runs (size 0, no block, allocated -1) and gets its block back after.
    SortStats listSort(MergePolicy policy = MergePolicy::CPython311, bool eachComparison = false);
    // l[i] (negative i counts from the end); IndexError "list index out of range".
    IntObject *listItem(std::int64_t i) const;

    // -- what a Python statement does, by value: records an "op" event, then the routine.
    void append(std::int64_t value);
    void insert(std::int64_t where, std::int64_t value);
    std::int64_t pop(std::optional<std::int64_t> index = std::nullopt);
    void remove(std::int64_t value);
    void extend(const std::vector<std::int64_t> &values);
    void delSlice(std::int64_t low, std::int64_t high); // del l[low:high], Python semantics
    void assignSlice(std::int64_t low, std::int64_t high, const std::vector<std::int64_t> &v);
    void clear();
    void reverse();
    SortStats sort(MergePolicy policy = MergePolicy::CPython311);
    std::int64_t getItem(std::int64_t i) const;

private:
    ResizeReport reallocate(std::int64_t newsize); // list_resize when the block changes
    // The traced halves of the inline fast paths, kept out of line so that the untraced
    // append stays small enough to inline into a caller's loop.
    void traceResizeKept(std::int64_t newsize);
    [[gnu::noinline]] void traceResize(const ResizeReport &r); // a reallocation's event
    void traceStore(std::int64_t index, const IntObject *v);
    void app1Slow(IntObject *v);                  // app1 when it reallocates or records events
    void listPreallocateExact(std::int64_t size); // 3.9+: extend on a list with no block
    void release(IntObject *v, const char *why);  // Py_DECREF, with an event
    void raise(const char *type, const char *message) const;

    GrowthPolicy m_policy;
    wb::Trace *m_trace;
    ObjectHeap m_heap;
    IntObject **m_items = nullptr;
    std::int64_t m_size = 0;
    std::int64_t m_allocated = 0;
    // m_allocated while nobody watches, 0 with a trace attached: app1's fast path reads this
    // one field instead of both.
    std::int64_t m_appendEnd = 0;
    void setAllocated(std::int64_t allocated)
    {
        m_allocated = allocated;
        m_appendEnd = m_trace ? 0 : allocated;
    }
    std::int64_t m_reallocations = 0;
    std::int64_t m_slotsCopied = 0;
};

// ---------------------------------------------------------------------------------------------
// Inline hot paths: the no-reallocation branch of list_resize and app1 stay in the header so
// an append costs about as much as std::vector::push_back when nobody watches.

inline ResizeReport ListObject::listResize(std::int64_t newsize)
{
    const std::int64_t allocated = m_allocated;
    if (allocated >= newsize && newsize >= (allocated >> 1)) {
        ResizeReport r;
        r.plan = {m_size, newsize, allocated, allocated, false, false};
        r.oldBytes = r.newBytes = allocated * static_cast<std::int64_t>(sizeof(IntObject *));
        if (m_trace) [[unlikely]]
            traceResizeKept(newsize);
        m_size = newsize;
        return r;
    }
    return reallocate(newsize);
}

// The common case (room left, nobody watching) reads the list's fields once and writes
// the slot, ob_size and then the reference count: refcnt is an int64 like ob_size, so a
// store to it first would force the compiler to reload the list's fields. Everything else
// (reallocation, events) goes through listResize and app1Slow, out of line.
inline void ListObject::app1(IntObject *v)
{
    const std::int64_t n = m_size;
    const std::int64_t allocated = m_appendEnd; // 0 when traced
    IntObject **const items = m_items;
    // list_resize(n + 1)'s no-realloc test, allocated >= n + 1 >= allocated / 2.
    if (allocated > n && n + 1 >= (allocated >> 1)) [[likely]] {
        items[n] = v;
        m_size = n + 1;
        ++v->refcnt; // Py_INCREF: the list holds its own reference
        return;
    }
    app1Slow(v);
}

} // namespace wb::list
