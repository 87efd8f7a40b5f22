// The list module's events as declared in events.h: every event the list object and timsort
// record reads back as its declared struct and writes out again field for field, every
// declared kind is recorded by some operation, and the README's tables name the same fields.
#include "list/core/events.h"
#include "list/core/listobject.h"
#include "list/core/replay.h"
#include "list/core/timsort.h"

#include "workbench/core/rng.h"

#include "workbench/core/event_contract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace wb::list;

namespace {

template <class Set> void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    EXPECT_EQ(wb::contract::roundTripMismatch<Set>(e), "") << e.label;
    seen.insert(e.kind);
}

TEST(ListEvents, EveryRecordedEventRoundTrips)
{
    // List operations that between them record every list kind.
    std::set<std::string> listSeen, sortSeen;
    for (const auto policy : {GrowthPolicy::CPython311, GrowthPolicy::CPython27}) {
        wb::Trace trace;
        {
            ListObject l(policy, &trace);
            for (int i = 0; i < 10; ++i)
                l.append(i * 7 % 10);
            l.insert(2, 99);
            l.pop();
            l.pop(0);
            l.remove(99);
            l.extend({5, 4, 3});
            l.delSlice(1, 3);
            l.assignSlice(0, 2, {8, 8, 8, 8});
            (void)l.getItem(1);
            l.reverse();
            l.sort();
            try {
                l.remove(12345);
            } catch (const PyException &) {
            }
            l.clear();
            ListObject sized(policy, &trace, 3);
        }
        // list.sort records the sort's own events in the list's trace.
        for (std::size_t i = 0; i < trace.size(); ++i) {
            if (events::SortEvents::contains(trace[i].kind) &&
                !events::ListEvents::contains(trace[i].kind))
                expectRoundTrip<events::SortEvents>(trace[i], sortSeen);
            else
                expectRoundTrip<events::ListEvents>(trace[i], listSeen);
        }
    }
    // timsort with every policy, each comparison recorded, on data with descending runs,
    // short runs to boost and runs that gallop.
    wb::Rng rng(2024);
    for (const auto policy :
         {MergePolicy::CPython311, MergePolicy::CPython27, MergePolicy::Tutorial}) {
        std::vector<std::int64_t> v;
        for (int i = 300; i > 0; --i)
            v.push_back(i);
        for (int i = 0; i < 200; ++i)
            v.push_back(2 * i);
        for (int i = 0; i < 200; ++i)
            v.push_back(2 * i + 1 + (i >= 3 ? 10000 : 0));
        for (int i = 0; i < 500; ++i)
            v.push_back(static_cast<std::int64_t>(rng.below(1000)));
        wb::Trace trace;
        SortOptions opt;
        opt.policy = policy;
        opt.trace = &trace;
        opt.eachComparison = true;
        timsort(std::span(v), std::less<>{}, opt);
        ASSERT_TRUE(std::is_sorted(v.begin(), v.end()));
        for (std::size_t i = 0; i < trace.size(); ++i)
            expectRoundTrip<events::SortEvents>(trace[i], sortSeen);
    }
    EXPECT_EQ(listSeen, wb::contract::declaredKinds<events::ListEvents>());
    EXPECT_EQ(sortSeen, wb::contract::declaredKinds<events::SortEvents>());
}

TEST(ListEvents, AMissingFieldIsAnErrorNotZero)
{
    wb::Trace trace;
    ListObject l(GrowthPolicy::CPython311, &trace);
    l.append(1);
    auto resize = trace.findNext("resize", 0);
    ASSERT_TRUE(resize);
    wb::Event e = trace[*resize];
    std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "new_allocated"; });
    ListViewState s;
    EXPECT_THROW(applyListEvent(s, e), wb::EventFieldError);
}

TEST(ListEvents, TheReadmeTablesMatchTheDeclarations)
{
    const auto tables = wb::contract::readEventTables(WB_LIST_README);
    ASSERT_EQ(tables.size(), 2u) << "the README's two event tables";
    EXPECT_EQ(tables[0], wb::contract::declaredTable<events::ListEvents>());
    EXPECT_EQ(tables[1], wb::contract::declaredTable<events::SortEvents>());
}

} // namespace
