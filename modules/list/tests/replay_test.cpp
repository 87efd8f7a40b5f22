// Replaying a trace reproduces the real state: the list's slots at every operation (also
// stepping backwards) and the sort's array, stack and counters.
#include "list/core/listobject.h"
#include "list/core/replay.h"
#include "list/core/timsort.h"

#include "workbench/core/cursor.h"
#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace wb::list;

namespace {

struct Snapshot
{
    std::size_t position;
    std::int64_t size;
    std::int64_t allocated;
    std::vector<std::uint64_t> slots;
    std::vector<std::int64_t> values;
};

Snapshot snapshot(const ListObject &l, const wb::Trace &t)
{
    Snapshot s{t.size(), l.size(), l.allocated(), {}, l.values()};
    for (std::int64_t i = 0; i < l.allocated(); ++i)
        s.slots.push_back(l.slot(i) ? l.slot(i)->id : 0);
    return s;
}

} // namespace

TEST(ListReplay, ReplayedSlotsMatchTheRealListAtEveryOperation)
{
    for (auto policy : {GrowthPolicy::CPython27, GrowthPolicy::CPython311}) {
        wb::Trace trace;
        ListObject l(policy, &trace);
        wb::Rng rng(7);
        std::vector<Snapshot> snaps{snapshot(l, trace)};
        for (int step = 0; step < 400; ++step) {
            const auto r = rng.below(100);
            const auto v = rng.between(0, 30);
            try {
                if (r < 40)
                    l.append(v);
                else if (r < 52)
                    l.insert(rng.between(-10, 40), v);
                else if (r < 67)
                    l.pop(rng.below(2) ? std::optional<std::int64_t>{} : rng.between(-5, 20));
                else if (r < 77)
                    l.remove(v);
                else if (r < 84)
                    l.delSlice(rng.between(0, 20), rng.between(0, 20));
                else if (r < 89)
                    l.assignSlice(rng.between(0, 10), rng.between(0, 10), {v, v + 1, v + 2});
                else if (r < 94)
                    l.extend(std::vector<std::int64_t>(rng.below(20), v));
                else if (r < 96)
                    l.reverse();
                else if (r < 98)
                    l.sort();
                else
                    l.clear();
            } catch (const PyException &) {
            }
            snaps.push_back(snapshot(l, trace));
        }
        wb::Replayer<ListViewState> replayer(trace, {}, applyListEvent, 64);
        // Backwards, so the replayer has to restore from its snapshots.
        for (auto it = snaps.rbegin(); it != snaps.rend(); ++it) {
            const auto &s = replayer.stateAt(it->position);
            ASSERT_EQ(s.size, it->size) << "at event " << it->position;
            ASSERT_EQ(s.allocated, it->allocated) << "at event " << it->position;
            ASSERT_EQ(s.obItem, it->slots) << "at event " << it->position;
            ASSERT_EQ(s.liveValues(), it->values) << "at event " << it->position;
        }
    }
}

TEST(ListReplay, WorkedExampleShowsStaleSlotsAndTheResizeArithmetic)
{
    wb::Trace trace;
    ListObject l(GrowthPolicy::CPython27, &trace);
    for (int v : {1, 2, 3, 4})
        l.append(v);
    l.insert(1, 5);
    l.pop();
    l.pop();
    wb::Replayer<ListViewState> r(trace, {}, applyListEvent);
    const auto &s = r.stateAt(trace.size());
    EXPECT_EQ(s.size, 3);
    EXPECT_EQ(s.allocated, 6);
    EXPECT_TRUE(s.isStale(3));
    EXPECT_TRUE(s.isStale(4));
    EXPECT_FALSE(s.isStale(5));
    EXPECT_EQ(s.objects.at(s.obItem[4]).value, 4);
    EXPECT_TRUE(s.objects.at(s.obItem[4]).freed) << "4 was popped and discarded";
    EXPECT_EQ(s.lastResize.formula, "(3 >> 3) + 3 + 3 = 0 + 3 + 3 = 6");
    EXPECT_EQ(s.lastOp, "l.pop()");
}

TEST(SortReplay, ReplayReproducesArrayStackAndCounters)
{
    wb::Rng rng(1234);
    for (auto policy : {MergePolicy::CPython311, MergePolicy::CPython27, MergePolicy::Tutorial}) {
        for (std::size_t n : {0u, 1u, 40u, 130u, 1000u, 3000u}) {
            for (bool fine : {false, true}) {
                std::vector<std::int64_t> v(n);
                for (auto &x : v)
                    x = rng.between(0, 500);
                wb::Trace trace;
                const auto st = timsort(std::span(v), std::less<>{}, {policy, &trace, fine});
                wb::Replayer<SortViewState> r(trace, {}, applySortEvent, 256);
                const auto &end = r.stateAt(trace.size());
                EXPECT_EQ(end.values, v);
                EXPECT_EQ(end.comparisons, st.comparisons);
                EXPECT_EQ(end.minrun, st.minrun);
                EXPECT_EQ(end.runs.size(), st.runs.size());
                EXPECT_EQ(end.merges.size(), st.merges.size());
                EXPECT_EQ(end.minGallop, st.minGallop);
                EXPECT_EQ(end.gallopEntries, st.gallopEntries);
                EXPECT_TRUE(end.done);
                EXPECT_LE(end.stack.size(), 1u);
                // At every merge_end the replayed array holds that merged run, sorted, and
                // the stack's lengths still add up to what has been pushed.
                for (std::size_t i = 0; i < trace.size(); ++i) {
                    if (trace[i].kind != "merge_end")
                        continue;
                    const auto &s = r.stateAt(i + 1);
                    const auto base = trace[i].intField("base");
                    const auto len = trace[i].intField("length");
                    EXPECT_TRUE(
                        std::is_sorted(s.values.begin() + base, s.values.begin() + base + len));
                    std::int64_t stacked = 0, pushed = 0;
                    for (const auto &p : s.stack)
                        stacked += p.length;
                    for (const auto &run : s.runs)
                        pushed += run.length;
                    EXPECT_EQ(stacked, pushed);
                }
            }
        }
    }
}

TEST(SortReplay, Example130StackBeforeTheFinalCollapse)
{
    std::vector<std::int64_t> v = {
        107, 44,  97,  121, 26, 11,  24,  100, 79,  19, 109, 7,   52, 93,  70,  94,  124,
        117, 92,  32,  115, 83, 9,   112, 84,  22,  65, 95,  89,  74, 64,  23,  101, 68,
        119, 127, 90,  80,  91, 75,  4,   20,  114, 16, 103, 34,  96, 125, 47,  77,  81,
        3,   30,  14,  25,  29, 104, 102, 98,  69,  78, 60,  33,  12, 31,  37,  76,  10,
        5,   105, 35,  48,  85, 106, 63,  71,  54,  39, 8,   6,   62, 67,  42,  72,  118,
        116, 27,  46,  38,  99, 126, 40,  28,  113, 43, 41,  59,  2,  56,  61,  88,  18,
        45,  128, 58,  73,  1,  13,  129, 49,  0,   82, 123, 111, 57, 86,  110, 51,  15,
        36,  120, 108, 66,  55, 53,  87,  122, 17,  21, 50};
    wb::Trace trace;
    timsort(std::span(v), std::less<>{}, {MergePolicy::CPython311, &trace, false});
    // The position just after the fourth push: stack 66 | 33 | 31 with powers 1, 2.
    std::size_t pushes = 0, at = 0;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (trace[i].kind == "push" && ++pushes == 4)
            at = i + 1;
    wb::Replayer<SortViewState> r(trace, {}, applySortEvent);
    const auto &s = r.stateAt(at);
    ASSERT_EQ(s.stack.size(), 3u);
    EXPECT_EQ(s.stack[0].length, 66);
    EXPECT_EQ(s.stack[1].length, 33);
    EXPECT_EQ(s.stack[2].length, 31);
    EXPECT_EQ(s.stack[0].power, 1);
    EXPECT_EQ(s.stack[1].power, 2);
    EXPECT_EQ(s.merges.size(), 1u);
}
