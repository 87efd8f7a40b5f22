// The list object: CPython's Objects/listobject.c routines, re-implemented and instrumented.
#include "list/core/listobject.h"

#include "list/core/events.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace wb::list {

namespace {
constexpr std::int64_t kSlotBytes = static_cast<std::int64_t>(sizeof(IntObject *));

std::string num(std::int64_t v)
{
    return std::to_string(v);
}

std::vector<std::int64_t> idsOf(IntObject *const *items, std::int64_t n)
{
    std::vector<std::int64_t> ids;
    ids.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        ids.push_back(items[i] ? static_cast<std::int64_t>(items[i]->id) : 0);
    return ids;
}

std::vector<std::int64_t> valuesOf(const std::vector<IntObject *> &objs)
{
    std::vector<std::int64_t> v;
    v.reserve(objs.size());
    for (auto *o : objs)
        v.push_back(o->value);
    return v;
}
} // namespace

std::string_view policyName(GrowthPolicy p)
{
    return p == GrowthPolicy::CPython27 ? "cpython27" : "cpython311";
}

std::optional<GrowthPolicy> parseGrowthPolicy(std::string_view name)
{
    if (name == "cpython27")
        return GrowthPolicy::CPython27;
    if (name == "cpython311")
        return GrowthPolicy::CPython311;
    return std::nullopt;
}

// =============================================================================================
// list_resize arithmetic

namespace {
// planResize's body, inlined into reallocate so the plan stays in registers there.
[[gnu::always_inline]] inline ResizePlan plan(GrowthPolicy policy, std::int64_t size,
                                              std::int64_t allocated, std::int64_t newsize)
{
    // Enough room, and not so much that more than half would sit idle: keep the block.
    if (allocated >= newsize && newsize >= (allocated >> 1))
        return ResizePlan{size, newsize, allocated, allocated, false, false};
    std::int64_t newAllocated = 0;
    bool exact = false;
    if (newsize == 0) {
        newAllocated = 0;
    } else if (policy == GrowthPolicy::CPython27) {
        // Mild over-allocation, ~12.5% plus a constant so tiny lists skip 1, 2, 3 slots.
        newAllocated = newsize + (newsize >> 3) + (newsize < 9 ? 3 : 6);
    } else {
        // Rounded down to a multiple of 4 slots (32 bytes).
        newAllocated = (newsize + (newsize >> 3) + 6) & ~std::int64_t{3};
        // A jump bigger than the over-allocation (extend by many) gets no over-allocation.
        if (newsize - size > newAllocated - newsize) {
            newAllocated = (newsize + 3) & ~std::int64_t{3};
            exact = true;
        }
    }
    return ResizePlan{size, newsize, allocated, newAllocated, true, exact};
}
} // namespace

ResizePlan planResize(GrowthPolicy policy, std::int64_t size, std::int64_t allocated,
                      std::int64_t newsize)
{
    return plan(policy, size, allocated, newsize);
}

std::string describeResize(GrowthPolicy policy, const ResizePlan &p)
{
    const std::int64_t n = p.newSize;
    if (!p.reallocates)
        return "allocated " + num(p.oldAllocated) + " >= " + num(n) +
               " >= " + num(p.oldAllocated) + " >> 1 = " + num(p.oldAllocated >> 1) +
               ": no realloc, only ob_size changes";
    if (n == 0)
        return "newsize 0: the block shrinks to 0 slots";
    if (policy == GrowthPolicy::CPython27)
        return "(" + num(n) + " >> 3) + " + (n < 9 ? "3" : "6") + " + " + num(n) + " = " +
               num(n >> 3) + " + " + (n < 9 ? "3" : "6") + " + " + num(n) + " = " +
               num(p.newAllocated);
    const std::int64_t over = (n + (n >> 3) + 6) & ~std::int64_t{3};
    std::string s = "(" + num(n) + " + (" + num(n) + " >> 3) + 6) & ~3 = " + num(over);
    if (p.exactRule)
        s += "; " + num(n) + " - " + num(p.oldSize) + " > " + num(over) + " - " + num(n) +
             ", so (" + num(n) + " + 3) & ~3 = " + num(p.newAllocated);
    return s;
}

// =============================================================================================
// Objects

IntObject *ObjectHeap::fromLong(std::int64_t v)
{
    if (m_count % kChunk == 0)
        m_chunks.push_back(std::make_unique<IntObject[]>(kChunk));
    IntObject &o = m_chunks.back()[m_count % kChunk];
    ++m_count;
    o = {v, 1, m_count};
    return &o;
}

std::size_t ObjectHeap::alive() const
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < m_count; ++i)
        n += m_chunks[i / kChunk][i % kChunk].refcnt > 0;
    return n;
}

const IntObject *ObjectHeap::byId(std::uint64_t id) const
{
    return id >= 1 && id <= m_count ? &m_chunks[(id - 1) / kChunk][(id - 1) % kChunk] : nullptr;
}

// =============================================================================================
// The list object

ListObject::ListObject(GrowthPolicy policy, wb::Trace *trace, std::int64_t size)
    : m_policy(policy), m_trace(trace)
{
    if (size < 0)
        throw std::invalid_argument("PyList_New: negative size");
    if (size > 0) {
        m_items = static_cast<IntObject **>(
            std::calloc(static_cast<std::size_t>(size), sizeof(IntObject *)));
        if (!m_items)
            throw std::bad_alloc();
    }
    m_size = size;
    setAllocated(size);
    if (m_trace)
        wb::record(m_trace,
                   events::New{size, size, size * kSlotBytes, std::string(policyName(policy))},
                   "PyList_New(" + num(size) + "): " + num(size * kSlotBytes) + " bytes, " +
                       (size ? "slots cleared" : "ob_item = NULL"));
}

void ListObject::traceResizeKept(std::int64_t newsize)
{
    const std::int64_t allocated = m_allocated;
    const ResizePlan plan{m_size, newsize, allocated, allocated, false, false};
    const std::int64_t bytes = allocated * kSlotBytes;
    std::string formula = describeResize(m_policy, plan);
    std::string label = "list_resize(" + num(newsize) + "): " + formula;
    wb::record(m_trace,
               events::Resize{m_size, newsize, allocated, allocated, false, false, bytes, bytes,
                              false, 0, std::string(policyName(m_policy)), std::move(formula)},
               std::move(label));
}

void ListObject::traceStore(std::int64_t index, const IntObject *v)
{
    wb::record(m_trace, events::Store{index, v->id, v->value},
               "ob_item[" + num(index) + "] = " + num(v->value));
}

void ListObject::app1Slow(IntObject *v)
{
    const std::int64_t n = m_size;
    listResize(n + 1);
    m_items[n] = v;
    ++v->refcnt; // Py_INCREF
    if (m_trace)
        traceStore(n, v);
}

ListObject::~ListObject()
{
    // list_dealloc releases the items last to first, then the block.
    for (std::int64_t i = m_size; i-- > 0;)
        if (m_items[i])
            --m_items[i]->refcnt;
    std::free(m_items);
}

std::vector<std::int64_t> ListObject::values() const
{
    std::vector<std::int64_t> v;
    v.reserve(static_cast<std::size_t>(m_size));
    for (std::int64_t i = 0; i < m_size; ++i)
        v.push_back(m_items[i] ? m_items[i]->value : 0);
    return v;
}

void ListObject::raise(const char *type, const char *message) const
{
    if (m_trace)
        wb::record(m_trace, events::Error{type, message}, std::string(type) + ": " + message);
    throw PyException(type, message);
}

void ListObject::release(IntObject *v, const char *why)
{
    if (!v)
        return;
    --v->refcnt;
    if (m_trace)
        wb::record(m_trace, events::Release{v->id, v->value, v->refcnt},
                   "Py_DECREF(" + num(v->value) + ")" +
                       (v->refcnt == 0 ? ": freed" : ", refcnt " + num(v->refcnt)) + " (" + why +
                       ")");
}

ResizeReport ListObject::reallocate(std::int64_t newsize)
{
    // The plan is made here, not handed in: built and used in registers, it is not written
    // to memory field by field and read back whole.
    ResizeReport r{wb::list::plan(m_policy, m_size, m_allocated, newsize)};
    const ResizePlan &plan = r.plan;
    r.oldBytes = plan.oldAllocated * kSlotBytes;
    r.newBytes = plan.newAllocated * kSlotBytes;
    const auto oldAddress = reinterpret_cast<std::uintptr_t>(m_items);
    // Like PyMem_Realloc(p, 0), a request for 0 bytes still yields a (1-byte) block.
    void *block =
        std::realloc(m_items, static_cast<std::size_t>(std::max<std::int64_t>(r.newBytes, 1)));
    if (!block)
        throw std::bad_alloc(); // the old block is intact, as list_resize's -1 leaves it
    m_items = static_cast<IntObject **>(block);
    r.moved = oldAddress != 0 && reinterpret_cast<std::uintptr_t>(block) != oldAddress;
    r.copied = r.moved ? std::min(plan.oldAllocated, plan.newAllocated) : 0;
    // C leaves the new slots uninitialised; the model clears them (see the header).
    for (std::int64_t i = plan.oldAllocated; i < plan.newAllocated; ++i)
        m_items[i] = nullptr;
    setAllocated(plan.newAllocated);
    m_size = plan.newSize;
    ++m_reallocations;
    m_slotsCopied += r.copied;
    if (m_trace)
        traceResize(r);
    return r;
}

void ListObject::traceResize(const ResizeReport &r)
{
    const ResizePlan &plan = r.plan;
    std::string formula = describeResize(m_policy, plan);
    std::string label = "list_resize(" + num(plan.newSize) + "): " + formula +
                        (r.moved ? ", block moved" : ", block kept its address");
    wb::record(m_trace,
               events::Resize{plan.oldSize, plan.newSize, plan.oldAllocated, plan.newAllocated,
                              true, plan.exactRule, r.oldBytes, r.newBytes, r.moved, r.copied,
                              std::string(policyName(m_policy)), std::move(formula)},
               std::move(label));
}

void ListObject::listPreallocateExact(std::int64_t size)
{
    assert(!m_items && size > 0);
    // The allocator's 16-byte granularity makes an odd slot free: round up to even.
    size = (size + 1) & ~std::int64_t{1};
    m_items = static_cast<IntObject **>(
        std::calloc(static_cast<std::size_t>(size), sizeof(IntObject *)));
    if (!m_items)
        throw std::bad_alloc();
    if (m_trace)
        wb::record(m_trace,
                   events::Resize{m_size, m_size, m_allocated, size, true, true,
                                  m_allocated * kSlotBytes, size * kSlotBytes, false, 0,
                                  std::string(policyName(m_policy)),
                                  "(" + num(size) + " + 1) & ~1 = " + num(size)},
                   "list_preallocate_exact(" + num(size) + "): ob_item was NULL, " + num(size) +
                       " slots, no over-allocation");
    setAllocated(size);
    ++m_reallocations;
}

void ListObject::ins1(std::int64_t where, IntObject *v)
{
    assert(v);
    const std::int64_t n = m_size;
    listResize(n + 1);
    if (where < 0) {
        where += n;
        if (where < 0)
            where = 0;
    }
    if (where > n)
        where = n;
    // Invariant: items [i + 1, n + 1) already hold what [i, n) held.
    for (std::int64_t i = n; --i >= where;)
        m_items[i + 1] = m_items[i];
    if (m_trace && n > where)
        wb::record(m_trace, events::Shift{where, where + 1, n - where},
                   "move ob_item[" + num(where) + ".." + num(n - 1) + "] one slot right");
    ++v->refcnt;
    m_items[where] = v;
    if (m_trace)
        wb::record(m_trace, events::Store{where, v->id, v->value},
                   "ob_item[" + num(where) + "] = " + num(v->value));
}

IntObject *ListObject::listpop(std::optional<std::int64_t> index)
{
    if (m_size == 0)
        raise("IndexError", "pop from empty list");
    std::int64_t i = index.value_or(-1);
    if (i < 0)
        i += m_size;
    if (i < 0 || i >= m_size)
        raise("IndexError", "pop index out of range");
    IntObject *v = m_items[i];
    if (m_trace)
        wb::record(m_trace, events::Pop{i, v->id, v->value},
                   "pop ob_item[" + num(i) + "] -> " + num(v->value) +
                       (i == m_size - 1 ? " (the slot keeps its pointer)" : ""));
    if (i == m_size - 1) {
        listResize(m_size - 1); // the list's reference passes to the caller
        return v;
    }
    ++v->refcnt; // kept alive for the caller while list_ass_slice releases the list's one
    listAssSlice(i, i + 1, nullptr);
    return v;
}

void ListObject::listremove(std::int64_t value)
{
    for (std::int64_t i = 0; i < m_size; ++i) {
        if (m_items[i]->value == value) {
            if (m_trace)
                wb::record(m_trace, events::Found{i, value, i + 1},
                           "remove: ob_item[" + num(i) + "] == " + num(value) + " after " +
                               num(i + 1) + " comparisons");
            listAssSlice(i, i + 1, nullptr);
            return;
        }
    }
    raise("ValueError", "list.remove(x): x not in list");
}

void ListObject::listAssSlice(std::int64_t low, std::int64_t high,
                              const std::vector<IntObject *> *v)
{
    const std::int64_t n = v ? static_cast<std::int64_t>(v->size()) : 0;
    low = std::clamp<std::int64_t>(low, 0, m_size);
    high = std::clamp<std::int64_t>(high, low, m_size);
    const std::int64_t norig = high - low;
    const std::int64_t d = n - norig;
    if (m_size + d == 0) {
        listClear();
        return;
    }
    // Removed items are only remembered here; dropping their references could run arbitrary
    // code (a __del__) that looks at this list, so that waits until the list is consistent.
    std::vector<IntObject *> recycle(m_items + low, m_items + high);
    if (m_trace && norig > 0)
        wb::record(m_trace, events::Recycle{low, high, idsOf(recycle.data(), norig)},
                   "recycle " + num(norig) + " item(s) from ob_item[" + num(low) + ".." +
                       num(high - 1) + "]");
    if (d < 0) {
        const std::int64_t tail = m_size - high;
        std::memmove(m_items + high + d, m_items + high,
                     static_cast<std::size_t>(tail) * sizeof(IntObject *));
        if (m_trace && tail > 0)
            wb::record(m_trace, events::Shift{high, high + d, tail},
                       "move ob_item[" + num(high) + ".." + num(m_size - 1) + "] " + num(-d) +
                           " slot(s) left");
        listResize(m_size + d);
    } else if (d > 0) {
        const std::int64_t k = m_size;
        listResize(k + d);
        std::memmove(m_items + high + d, m_items + high,
                     static_cast<std::size_t>(k - high) * sizeof(IntObject *));
        if (m_trace && k > high)
            wb::record(m_trace, events::Shift{high, high + d, k - high},
                       "move ob_item[" + num(high) + ".." + num(k - 1) + "] " + num(d) +
                           " slot(s) right");
    }
    for (std::int64_t k = 0; k < n; ++k) {
        IntObject *w = (*v)[static_cast<std::size_t>(k)];
        ++w->refcnt;
        m_items[low + k] = w;
        if (m_trace)
            wb::record(m_trace, events::Store{low + k, w->id, w->value},
                       "ob_item[" + num(low + k) + "] = " + num(w->value));
    }
    for (std::int64_t k = norig; k-- > 0;)
        release(recycle[static_cast<std::size_t>(k)], "deferred release of a removed item");
}

void ListObject::listExtend(const std::vector<IntObject *> &items)
{
    const auto n = static_cast<std::int64_t>(items.size());
    if (n == 0)
        return;
    const std::int64_t m = m_size;
    if (m_policy == GrowthPolicy::CPython311 && !m_items) {
        listPreallocateExact(n);
        m_size = n;
    } else {
        listResize(m + n);
    }
    for (std::int64_t i = 0; i < n; ++i) {
        IntObject *o = items[static_cast<std::size_t>(i)];
        ++o->refcnt;
        m_items[m + i] = o;
    }
    if (m_trace)
        wb::record(m_trace, events::StoreMany{m, n, idsOf(m_items + m, n), valuesOf(items)},
                   "ob_item[" + num(m) + ".." + num(m + n - 1) + "] = the " + num(n) +
                       " new items");
}

void ListObject::listClear()
{
    IntObject **items = m_items;
    const std::int64_t n = m_size;
    // The list is made empty first (ob_item NULL, 0 slots); only then are items released.
    m_items = nullptr;
    m_size = 0;
    const std::int64_t oldAllocated = m_allocated;
    setAllocated(0);
    if (m_trace)
        wb::record(m_trace, events::Clear{n, oldAllocated},
                   "_list_clear: ob_item = NULL, size 0, allocated 0; then release " + num(n) +
                       " item(s)");
    for (std::int64_t i = n; i-- > 0;)
        release(items[i], "clear");
    std::free(items);
}

void ListObject::listReverse()
{
    if (m_size > 1)
        std::reverse(m_items, m_items + m_size);
    if (m_trace)
        wb::record(m_trace, events::Reverse{0, m_size, std::nullopt},
                   "reverse ob_item[0.." + num(m_size - 1) + "] in place");
}

SortStats ListObject::listSort(MergePolicy policy, bool eachComparison)
{
    IntObject **items = m_items;
    const std::int64_t n = m_size, allocated = m_allocated;
    m_items = nullptr;
    m_size = 0;
    setAllocated(-1); // "list modified during sort" would be detected against this
    SortOptions options;
    options.policy = policy;
    options.trace = m_trace;
    options.eachComparison = eachComparison;
    SortStats stats;
    try {
        stats = timsort(
            std::span<IntObject *>(items, static_cast<std::size_t>(n)),
            [](const IntObject *a, const IntObject *b) { return a->value < b->value; }, options,
            [](const IntObject *o) { return o->value; });
    } catch (...) {
        m_items = items;
        m_size = n;
        setAllocated(allocated);
        throw;
    }
    m_items = items;
    m_size = n;
    setAllocated(allocated);
    if (m_trace)
        wb::record(m_trace, events::Sorted{idsOf(m_items, n), stats.comparisons},
                   "the sorted item pointers are back in ob_item");
    return stats;
}

IntObject *ListObject::listItem(std::int64_t i) const
{
    if (i < 0)
        i += m_size;
    if (i < 0 || i >= m_size)
        raise("IndexError", "list index out of range");
    if (m_trace)
        wb::record(m_trace, events::Item{i, m_items[i]->id, m_items[i]->value},
                   "ob_item[" + num(i) + "] -> " + num(m_items[i]->value));
    return m_items[i];
}

// =============================================================================================
// Value-level operations: one Python statement each.

void ListObject::append(std::int64_t value)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "append", .value = value},
                   "l.append(" + num(value) + ")");
    IntObject *o = m_heap.fromLong(value);
    app1(o);
    --o->refcnt; // the temporary's reference: the list now holds the only one
}

void ListObject::insert(std::int64_t where, std::int64_t value)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "insert", .index = where, .value = value},
                   "l.insert(" + num(where) + ", " + num(value) + ")");
    IntObject *o = m_heap.fromLong(value);
    ins1(where, o);
    --o->refcnt;
}

std::int64_t ListObject::pop(std::optional<std::int64_t> index)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "pop", .index = index.value_or(-1)},
                   index ? "l.pop(" + num(*index) + ")" : std::string("l.pop()"));
    IntObject *o = listpop(index);
    const std::int64_t v = o->value;
    release(o, "the popped value is discarded");
    return v;
}

void ListObject::remove(std::int64_t value)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "remove", .value = value},
                   "l.remove(" + num(value) + ")");
    listremove(value);
}

void ListObject::extend(const std::vector<std::int64_t> &values)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "extend", .values = values},
                   "l.extend(<" + num(static_cast<std::int64_t>(values.size())) + " items>)");
    std::vector<IntObject *> objs;
    objs.reserve(values.size());
    for (auto v : values)
        objs.push_back(m_heap.fromLong(v));
    listExtend(objs);
    for (auto *o : objs)
        --o->refcnt;
}

namespace {
// Python's slice bounds: negative counts from the end, then clamped to [0, size].
std::int64_t sliceIndex(std::int64_t i, std::int64_t size)
{
    if (i < 0)
        i += size;
    return std::clamp<std::int64_t>(i, 0, size);
}
} // namespace

void ListObject::delSlice(std::int64_t low, std::int64_t high)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "del", .low = low, .high = high},
                   "del l[" + num(low) + ":" + num(high) + "]");
    listAssSlice(sliceIndex(low, m_size), sliceIndex(high, m_size), nullptr);
}

void ListObject::assignSlice(std::int64_t low, std::int64_t high,
                             const std::vector<std::int64_t> &values)
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "assign", .low = low, .high = high, .values = values},
                   "l[" + num(low) + ":" + num(high) + "] = <" +
                       num(static_cast<std::int64_t>(values.size())) + " items>");
    std::vector<IntObject *> objs;
    objs.reserve(values.size());
    for (auto v : values)
        objs.push_back(m_heap.fromLong(v));
    listAssSlice(sliceIndex(low, m_size), sliceIndex(high, m_size), &objs);
    for (auto *o : objs)
        --o->refcnt;
}

void ListObject::clear()
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "clear"}, "l.clear()");
    listClear();
}

void ListObject::reverse()
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "reverse"}, "l.reverse()");
    listReverse();
}

SortStats ListObject::sort(MergePolicy policy)
{
    if (m_trace)
        wb::record(m_trace,
                   events::Op{.op = "sort", .policy = std::string(mergePolicyName(policy))},
                   "l.sort()");
    return listSort(policy);
}

std::int64_t ListObject::getItem(std::int64_t i) const
{
    if (m_trace)
        wb::record(m_trace, events::Op{.op = "item", .index = i}, "l[" + num(i) + "]");
    return listItem(i)->value;
}

} // namespace wb::list
