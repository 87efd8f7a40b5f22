// Rebuilding view state from list and sort events (see replay.h).
#include "list/core/replay.h"

#include <algorithm>

namespace wb::list {

namespace {

const std::vector<std::int64_t> *intsField(const wb::Event &e, std::string_view key)
{
    const wb::Value *v = e.field(key);
    return v ? std::get_if<std::vector<std::int64_t>>(v) : nullptr;
}

bool boolField(const wb::Event &e, std::string_view key)
{
    return e.intField(key) != 0;
}

// memmove semantics on the slot array: overlapping ranges copy as if through a buffer, and
// the source slots keep their old pointers.
void moveSlots(std::vector<std::uint64_t> &slots, std::int64_t from, std::int64_t to,
               std::int64_t count)
{
    if (count <= 0 || from < 0 || to < 0)
        return;
    const auto need = static_cast<std::size_t>(std::max(from, to) + count);
    if (slots.size() < need)
        slots.resize(need, 0);
    std::vector<std::uint64_t> tmp(slots.begin() + from, slots.begin() + from + count);
    std::copy(tmp.begin(), tmp.end(), slots.begin() + to);
}

} // namespace

std::vector<std::int64_t> ListViewState::liveValues() const
{
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < size && i < static_cast<std::int64_t>(obItem.size()); ++i) {
        auto it = objects.find(obItem[static_cast<std::size_t>(i)]);
        v.push_back(it == objects.end() ? 0 : it->second.value);
    }
    return v;
}

void applyListEvent(ListViewState &s, const wb::Event &e)
{
    const std::string &k = e.kind;
    s.shiftFrom = s.shiftTo = -1;
    s.shiftCount = 0;
    s.stored = -1;
    if (k == "new") {
        s = ListViewState{};
        s.policy = e.stringField("policy");
        s.size = s.allocated = e.intField("size");
        s.hasBlock = s.allocated > 0;
        s.obItem.assign(static_cast<std::size_t>(s.allocated), 0);
    } else if (k == "op") {
        s.lastOp = e.label;
        s.lastError.clear();
    } else if (k == "resize") {
        ResizeView &r = s.lastResize;
        r.oldSize = e.intField("old_size");
        r.newSize = e.intField("new_size");
        r.oldAllocated = e.intField("old_allocated");
        r.newAllocated = e.intField("new_allocated");
        r.realloc = boolField(e, "realloc");
        r.moved = boolField(e, "moved");
        r.copied = e.intField("copied");
        r.newBytes = e.intField("new_bytes");
        r.formula = e.stringField("formula");
        if (r.realloc) {
            // Growing: new slots are NULL; shrinking: slots past the block are gone.
            s.obItem.resize(static_cast<std::size_t>(r.newAllocated), 0);
            s.allocated = r.newAllocated;
            s.hasBlock = true;
            ++s.reallocations;
            s.slotsCopied += r.copied;
        }
        s.size = r.newSize;
    } else if (k == "store") {
        const auto i = e.intField("index");
        const auto id = static_cast<std::uint64_t>(e.intField("object"));
        if (i >= 0 && i < static_cast<std::int64_t>(s.obItem.size()))
            s.obItem[static_cast<std::size_t>(i)] = id;
        s.objects[id] = {e.intField("value"), false};
        s.stored = i;
    } else if (k == "store_many") {
        const auto i = e.intField("index");
        const auto *ids = intsField(e, "objects");
        const auto *vals = intsField(e, "values");
        if (ids && vals && ids->size() == vals->size()) {
            for (std::size_t j = 0; j < ids->size(); ++j) {
                const auto slot = static_cast<std::size_t>(i) + j;
                if (slot < s.obItem.size())
                    s.obItem[slot] = static_cast<std::uint64_t>((*ids)[j]);
                s.objects[static_cast<std::uint64_t>((*ids)[j])] = {(*vals)[j], false};
            }
        }
        s.stored = i;
    } else if (k == "shift") {
        s.shiftFrom = e.intField("from");
        s.shiftTo = e.intField("to");
        s.shiftCount = e.intField("count");
        moveSlots(s.obItem, s.shiftFrom, s.shiftTo, s.shiftCount);
    } else if (k == "recycle") {
        s.recycle.clear();
        if (const auto *ids = intsField(e, "objects"))
            for (auto id : *ids)
                s.recycle.push_back(static_cast<std::uint64_t>(id));
    } else if (k == "release") {
        const auto id = static_cast<std::uint64_t>(e.intField("object"));
        auto &o = s.objects[id];
        o.value = e.intField("value");
        o.freed = e.intField("refcnt") <= 0;
        auto it = std::find(s.recycle.begin(), s.recycle.end(), id);
        if (it != s.recycle.end())
            s.recycle.erase(it);
    } else if (k == "clear") {
        s.obItem.clear();
        s.size = s.allocated = 0;
        s.hasBlock = false;
    } else if (k == "reverse") {
        const auto lo = e.intField("low"), hi = e.intField("high");
        if (lo >= 0 && hi <= static_cast<std::int64_t>(s.obItem.size()) && lo < hi)
            std::reverse(s.obItem.begin() + lo, s.obItem.begin() + hi);
    } else if (k == "sorted") {
        if (const auto *ids = intsField(e, "objects"))
            for (std::size_t j = 0; j < ids->size() && j < s.obItem.size(); ++j)
                s.obItem[j] = static_cast<std::uint64_t>((*ids)[j]);
    } else if (k == "error") {
        s.lastError = e.label;
    }
    // "pop", "found", "item" and the sort's own events change nothing in memory; views read them
    // from the cursor.
}

void applySortEvent(SortViewState &s, const wb::Event &e)
{
    const std::string &k = e.kind;
    if (e.field("comparisons"))
        s.comparisons = static_cast<std::uint64_t>(e.intField("comparisons"));
    auto assignValues = [&s, &e](std::int64_t base) {
        const auto *v = intsField(e, "values");
        if (!v || base < 0 || base + static_cast<std::int64_t>(v->size()) > s.n ||
            s.values.size() != static_cast<std::size_t>(s.n))
            return;
        std::copy(v->begin(), v->end(), s.values.begin() + base);
    };
    if (k == "sort_begin") {
        s = SortViewState{};
        s.policy = e.stringField("policy");
        s.n = e.intField("n");
        s.minrun = e.intField("minrun");
        s.minGallop = e.intField("min_gallop", kMinGallop);
        if (const auto *v = intsField(e, "values");
            v && v->size() == static_cast<std::size_t>(s.n))
            s.values = *v;
    } else if (k == "run") {
        s.currentRun = {e.intField("start"), e.intField("natural_length"),
                        e.intField("natural_length"), boolField(e, "descending")};
        s.haveRun = true;
    } else if (k == "reverse") {
        const auto lo = e.intField("low"), hi = e.intField("high");
        if (s.values.size() == static_cast<std::size_t>(s.n) && lo >= 0 && hi <= s.n)
            std::reverse(s.values.begin() + lo, s.values.begin() + hi);
    } else if (k == "insert") {
        const auto from = e.intField("from"), to = e.intField("to");
        if (s.values.size() == static_cast<std::size_t>(s.n) && to <= from && from < s.n)
            std::rotate(s.values.begin() + to, s.values.begin() + from,
                        s.values.begin() + from + 1);
    } else if (k == "boost") {
        s.currentRun.length = e.intField("length");
        assignValues(e.intField("start"));
    } else if (k == "power") {
        const auto i = e.intField("index");
        if (i >= 0 && i < static_cast<std::int64_t>(s.stack.size()))
            s.stack[static_cast<std::size_t>(i)].power = static_cast<int>(e.intField("power"));
    } else if (k == "push") {
        s.stack.push_back({e.intField("base"), e.intField("length"), 0});
        RunInfo r = s.currentRun;
        r.length = e.intField("length");
        s.runs.push_back(r);
    } else if (k == "merge_begin") {
        const auto i = e.intField("index");
        MergeView m;
        m.active = true;
        m.index = i;
        m.base = e.intField("base");
        m.lengthA = e.intField("length_a");
        m.lengthB = e.intField("length_b");
        m.reason = e.stringField("reason");
        s.merge = m;
        s.merges.push_back({m.base, m.lengthA, m.lengthB, m.lengthA + m.lengthB, i});
        // merge_at: pending[i] grows to cover both runs; pending[i + 1] goes away.
        if (i >= 0 && i + 1 < static_cast<std::int64_t>(s.stack.size())) {
            s.stack[static_cast<std::size_t>(i)].length = m.lengthA + m.lengthB;
            s.stack.erase(s.stack.begin() + i + 1);
        }
    } else if (k == "merge_trim") {
        s.merge.skippedA = e.intField("skipped_a");
        s.merge.keptB = e.intField("kept_b");
        s.merge.routine = e.stringField("routine");
        s.merge.temp = e.intField("temp");
    } else if (k == "gallop_enter") {
        s.galloping = true;
        s.gallopRun = e.stringField("run");
        ++s.gallopEntries;
    } else if (k == "min_gallop") {
        s.minGallop = e.intField("new");
    } else if (k == "gallop_leave") {
        s.galloping = false;
        s.minGallop = e.intField("min_gallop");
    } else if (k == "merge_end") {
        assignValues(e.intField("base"));
        s.merge.active = false;
        s.galloping = false;
        s.minGallop = e.intField("min_gallop", s.minGallop);
    } else if (k == "sort_end") {
        assignValues(0);
        s.done = true;
        s.merge.active = false;
    }
}

} // namespace wb::list
