// The list object's routines: Python's errors, stale pointers, memory reports, clear, sort.
#include "list/core/listobject.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace wb::list;

namespace {
std::string raised(const std::function<void()> &f)
{
    try {
        f();
    } catch (const PyException &e) {
        return e.what();
    }
    return "nothing raised";
}
} // namespace

TEST(ListObject, RaisesPythonsExceptions)
{
    wb::Trace trace;
    ListObject l(GrowthPolicy::CPython311, &trace);
    EXPECT_EQ(raised([&] { l.pop(); }), "IndexError: pop from empty list");
    EXPECT_EQ(raised([&] { l.pop(0); }), "IndexError: pop from empty list");
    l.append(1);
    l.append(2);
    EXPECT_EQ(raised([&] { l.pop(2); }), "IndexError: pop index out of range");
    EXPECT_EQ(raised([&] { l.pop(-3); }), "IndexError: pop index out of range");
    EXPECT_EQ(raised([&] { l.remove(9); }), "ValueError: list.remove(x): x not in list");
    EXPECT_EQ(raised([&] { l.getItem(5); }), "IndexError: list index out of range");
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{1, 2})) << "a failed op changes nothing";
    EXPECT_EQ(l.pop(-2), 1);
    EXPECT_EQ(l.getItem(-1), 2);
    const auto last = trace.findPrevious("error", trace.size());
    ASSERT_TRUE(last);
    EXPECT_EQ(trace[*last].stringField("type"), "IndexError");
}

TEST(ListObject, PopLeavesAStalePointerThatStillReadsTheObject)
{
    ListObject l(GrowthPolicy::CPython27);
    l.append(10);
    l.append(20);
    const IntObject *twenty = l.slot(1);
    EXPECT_EQ(l.pop(), 20);
    EXPECT_EQ(l.size(), 1);
    EXPECT_EQ(l.slot(1), twenty); // the same pointer, past ob_size
    EXPECT_EQ(twenty->refcnt, 0); // and the object it points to is gone ("freed")
    EXPECT_EQ(l.heap().alive(), 1u);
}

TEST(ListObject, ResizeReportsBytesAndCopies)
{
    wb::Trace trace;
    ListObject l(GrowthPolicy::CPython27, &trace);
    std::int64_t copied = 0;
    for (int i = 0; i < 1000; ++i)
        l.append(i);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto &e = trace[i];
        if (e.kind != "resize" || !e.intField("realloc"))
            continue;
        EXPECT_EQ(e.intField("new_bytes"), e.intField("new_allocated") * 8);
        EXPECT_EQ(e.intField("old_bytes"), e.intField("old_allocated") * 8);
        if (e.intField("moved"))
            EXPECT_EQ(e.intField("copied"), e.intField("old_allocated"));
        else
            EXPECT_EQ(e.intField("copied"), 0);
        copied += e.intField("copied");
    }
    EXPECT_EQ(copied, l.slotsCopied());
    // Sizes 1, 5, 9, 17, 26, 36, ...: 27 steps of the cpython27 staircase up to 1000 items.
    EXPECT_EQ(l.reallocations(), 27);
}

TEST(ListObject, InsertShiftsAndSliceAssignmentReplaces)
{
    ListObject l(GrowthPolicy::CPython311);
    l.extend({1, 2, 3, 4, 5});
    l.insert(0, 0);
    l.insert(-1, 9);  // before the last element, as Python does
    l.insert(100, 7); // past the end appends
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 9, 5, 7}));
    l.assignSlice(1, 3, {8, 8, 8, 8});
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{0, 8, 8, 8, 8, 3, 4, 9, 5, 7}));
    l.delSlice(-3, 100);
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{0, 8, 8, 8, 8, 3, 4}));
    l.reverse();
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{4, 3, 8, 8, 8, 8, 0}));
    l.remove(8);
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{4, 3, 8, 8, 8, 0}));
    l.delSlice(0, 6); // deleting everything clears: no block at all
    EXPECT_EQ(l.size(), 0);
    EXPECT_EQ(l.allocated(), 0);
    EXPECT_FALSE(l.hasItemBlock());
}

TEST(ListObject, ClearReleasesItemsAfterEmptyingTheList)
{
    wb::Trace trace;
    ListObject l(GrowthPolicy::CPython311, &trace);
    l.extend({1, 2, 3});
    l.clear();
    EXPECT_EQ(l.allocated(), 0);
    EXPECT_FALSE(l.hasItemBlock());
    EXPECT_EQ(l.heap().alive(), 0u);
    const auto clear = trace.findPrevious("clear", trace.size()).value();
    EXPECT_EQ(trace.size() - clear - 1, 3u) << "three releases follow the clear";
    EXPECT_EQ(trace[clear + 1].intField("value"), 3) << "released last to first";
}

TEST(ListObject, SortReordersThePointersStably)
{
    ListObject l(GrowthPolicy::CPython311);
    l.extend({3, 1, 2, 1, 3});
    std::vector<const IntObject *> ones{l.slot(1), l.slot(3)};
    const auto allocated = l.allocated();
    const auto stats = l.sort();
    EXPECT_EQ(l.values(), (std::vector<std::int64_t>{1, 1, 2, 3, 3}));
    EXPECT_EQ(l.slot(0), ones[0]);
    EXPECT_EQ(l.slot(1), ones[1]);
    EXPECT_EQ(l.allocated(), allocated);
    EXPECT_GT(stats.comparisons, 0u);
}
