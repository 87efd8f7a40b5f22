// Rebuilding view state from list and sort events (see replay.h).
#include "list/core/replay.h"

#include "list/core/events.h"

#include <algorithm>

namespace wb::list {

namespace {

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
    using namespace events;
    s.shiftFrom = s.shiftTo = -1;
    s.shiftCount = 0;
    s.stored = -1;
    ListEvents::visit(
        e,
        wb::Overloaded{
            [&](const New &n) {
                s = ListViewState{};
                s.policy = n.policy;
                s.size = s.allocated = n.size;
                s.hasBlock = s.allocated > 0;
                s.obItem.assign(static_cast<std::size_t>(s.allocated), 0);
            },
            [&](const Op &) {
                s.lastOp = e.label;
                s.lastError.clear();
            },
            [&](const Resize &r) {
                ResizeView &v = s.lastResize;
                v.oldSize = r.oldSize;
                v.newSize = r.newSize;
                v.oldAllocated = r.oldAllocated;
                v.newAllocated = r.newAllocated;
                v.realloc = r.realloc;
                v.moved = r.moved;
                v.copied = r.copied;
                v.newBytes = r.newBytes;
                v.formula = r.formula;
                if (r.realloc) {
                    // Growing: new slots are NULL; shrinking: slots past the block are gone.
                    s.obItem.resize(static_cast<std::size_t>(r.newAllocated), 0);
                    s.allocated = r.newAllocated;
                    s.hasBlock = true;
                    ++s.reallocations;
                    s.slotsCopied += r.copied;
                }
                s.size = r.newSize;
            },
            [&](const Store &st) {
                if (st.index >= 0 && st.index < static_cast<std::int64_t>(s.obItem.size()))
                    s.obItem[static_cast<std::size_t>(st.index)] = st.object;
                s.objects[st.object] = {st.value, false};
                s.stored = st.index;
            },
            [&](const StoreMany &st) {
                if (st.objects.size() == st.values.size()) {
                    for (std::size_t j = 0; j < st.objects.size(); ++j) {
                        const auto slot = static_cast<std::size_t>(st.index) + j;
                        const auto id = static_cast<std::uint64_t>(st.objects[j]);
                        if (slot < s.obItem.size())
                            s.obItem[slot] = id;
                        s.objects[id] = {st.values[j], false};
                    }
                }
                s.stored = st.index;
            },
            [&](const Shift &sh) {
                s.shiftFrom = sh.from;
                s.shiftTo = sh.to;
                s.shiftCount = sh.count;
                moveSlots(s.obItem, sh.from, sh.to, sh.count);
            },
            [&](const Recycle &r) {
                s.recycle.clear();
                for (auto id : r.objects)
                    s.recycle.push_back(static_cast<std::uint64_t>(id));
            },
            [&](const Release &r) {
                auto &o = s.objects[r.object];
                o.value = r.value;
                o.freed = r.refcnt <= 0;
                auto it = std::find(s.recycle.begin(), s.recycle.end(), r.object);
                if (it != s.recycle.end())
                    s.recycle.erase(it);
            },
            [&](const Clear &) {
                s.obItem.clear();
                s.size = s.allocated = 0;
                s.hasBlock = false;
            },
            [&](const Reverse &r) {
                if (r.low >= 0 && r.high <= static_cast<std::int64_t>(s.obItem.size()) &&
                    r.low < r.high)
                    std::reverse(s.obItem.begin() + r.low, s.obItem.begin() + r.high);
            },
            [&](const Sorted &st) {
                for (std::size_t j = 0; j < st.objects.size() && j < s.obItem.size(); ++j)
                    s.obItem[j] = static_cast<std::uint64_t>(st.objects[j]);
            },
            [&](const Error &) { s.lastError = e.label; },
            // "pop", "found" and "item" change nothing in memory; views read them from the cursor.
            [](const auto &) {},
        });
}

void applySortEvent(SortViewState &s, const wb::Event &e)
{
    using namespace events;
    auto assignValues = [&s](std::int64_t base, const Ints &v) {
        if (base < 0 || base + static_cast<std::int64_t>(v.size()) > s.n ||
            s.values.size() != static_cast<std::size_t>(s.n))
            return;
        std::copy(v.begin(), v.end(), s.values.begin() + base);
    };
    SortEvents::visit(
        e,
        wb::Overloaded{
            [&](const SortBegin &b) {
                s = SortViewState{};
                s.policy = b.policy;
                s.n = b.n;
                s.minrun = b.minrun;
                s.minGallop = b.minGallop;
                if (b.values.size() == static_cast<std::size_t>(s.n))
                    s.values = b.values;
            },
            [&](const Run &r) {
                s.currentRun = {r.start, r.naturalLength, r.naturalLength, r.descending};
                s.haveRun = true;
            },
            [&](const Reverse &r) {
                if (s.values.size() == static_cast<std::size_t>(s.n) && r.low >= 0 &&
                    r.low <= r.high && r.high <= s.n)
                    std::reverse(s.values.begin() + r.low, s.values.begin() + r.high);
            },
            [&](const Insert &in) {
                if (s.values.size() == static_cast<std::size_t>(s.n) && in.to >= 0 &&
                    in.to <= in.from && in.from < s.n)
                    std::rotate(s.values.begin() + in.to, s.values.begin() + in.from,
                                s.values.begin() + in.from + 1);
            },
            [&](const Boost &b) {
                s.currentRun.length = b.length;
                assignValues(b.start, b.values);
            },
            [&](const Power &p) {
                if (p.index >= 0 && p.index < static_cast<std::int64_t>(s.stack.size()))
                    s.stack[static_cast<std::size_t>(p.index)].power = static_cast<int>(p.power);
            },
            [&](const Push &p) {
                s.stack.push_back({p.base, p.length, 0});
                RunInfo r = s.currentRun;
                r.length = p.length;
                s.runs.push_back(r);
            },
            [&](const MergeBegin &b) {
                MergeView m;
                m.active = true;
                m.index = b.index;
                m.base = b.base;
                m.lengthA = b.lengthA;
                m.lengthB = b.lengthB;
                m.reason = b.reason;
                s.merge = m;
                s.merges.push_back({m.base, m.lengthA, m.lengthB, m.lengthA + m.lengthB, b.index});
                // merge_at: pending[i] grows to cover both runs; pending[i + 1] goes away.
                if (b.index >= 0 && b.index + 1 < static_cast<std::int64_t>(s.stack.size())) {
                    s.stack[static_cast<std::size_t>(b.index)].length = m.lengthA + m.lengthB;
                    s.stack.erase(s.stack.begin() + b.index + 1);
                }
            },
            [&](const MergeTrim &t) {
                s.merge.skippedA = t.skippedA;
                s.merge.keptB = t.keptB;
                s.merge.routine = t.routine;
                s.merge.temp = t.temp;
            },
            [&](const GallopEnter &g) {
                s.galloping = true;
                s.gallopRun = g.run;
                ++s.gallopEntries;
            },
            [&](const MinGallop &m) { s.minGallop = m.newValue; },
            [&](const GallopLeave &g) {
                s.galloping = false;
                s.minGallop = g.minGallop;
            },
            [&](const MergeEnd &m) {
                assignValues(m.base, m.values);
                s.merge.active = false;
                s.galloping = false;
                s.minGallop = m.minGallop;
            },
            [&](const SortEnd &end) {
                assignValues(0, end.values);
                s.done = true;
                s.merge.active = false;
            },
            [](const auto &) {},
        });
    // Every sort event carries the running comparison count.
    if (SortEvents::contains(e.kind) && e.field("comparisons"))
        s.comparisons = static_cast<std::uint64_t>(e.intField("comparisons"));
}

} // namespace wb::list
