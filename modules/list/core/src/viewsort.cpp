#include "list/core/viewsort.h"

#include "list/core/events.h"
#include "list/core/replay.h"

#include <span>

namespace wb::list {

namespace {

struct Item
{
    std::int64_t value;
    std::int32_t slot;
};

// Every comparison, with where its operands stand as the view draws the array. The sort runs
// on records that carry their starting slot: the comparator notes the two slots of each call,
// and the same sort again, its events carrying the slots instead of the values, replays into
// the layout of the slots at every step.
void recordEachComparison(std::vector<std::int64_t> &values, SortOptions options, wb::Trace &trace)
{
    std::vector<Item> items(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        items[i] = {values[i], static_cast<std::int32_t>(i)};
    std::vector<Item> again = items;
    std::vector<std::pair<std::int32_t, std::int32_t>> operands;
    wb::Trace sorted;
    options.trace = &sorted;
    options.eachComparison = true;
    timsort(
        std::span<Item>(items),
        [&operands](const Item &a, const Item &b) {
            operands.emplace_back(a.slot, b.slot);
            return a.value < b.value;
        },
        options, [](const Item &x) { return x.value; });
    wb::Trace slots;
    SortOptions slotOptions = options;
    slotOptions.trace = &slots;
    timsort(
        std::span<Item>(again), [](const Item &a, const Item &b) { return a.value < b.value; },
        slotOptions, [](const Item &x) { return static_cast<std::int64_t>(x.slot); });
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = items[i].value;

    const bool matched = slots.size() == sorted.size();
    SortViewState layout;
    std::size_t call = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        wb::Event e = sorted.at(i);
        if (matched)
            applySortEvent(layout, slots.at(i));
        if (matched && e.kind == events::Compare::kind && call < operands.size()) {
            const auto [a, b] = operands[call++];
            std::int64_t x = -1, y = -1;
            for (std::size_t k = 0; k < layout.values.size(); ++k) {
                if (layout.values[k] == a)
                    x = static_cast<std::int64_t>(k);
                if (layout.values[k] == b)
                    y = static_cast<std::int64_t>(k);
            }
            if (x >= 0 && y >= 0) {
                e.fields.emplace_back("x", x);
                e.fields.emplace_back("y", y);
            }
        }
        trace.appendRecorded(std::move(e));
    }
}

} // namespace

bool recordViewSort(std::vector<std::int64_t> &values, MergePolicy policy, wb::Trace &trace,
                    const std::atomic<bool> *cancel)
{
    SortOptions options;
    options.policy = policy;
    if (values.size() <= kEachComparisonLimit) {
        recordEachComparison(values, options, trace);
        return true;
    }
    options.trace = &trace;
    if (!cancel) {
        timsort(std::span<std::int64_t>(values), std::less<>{}, options);
        return true;
    }
    struct Cancelled
    {
    };
    try {
        timsort(
            std::span<std::int64_t>(values),
            [cancel](std::int64_t a, std::int64_t b) {
                if (cancel->load(std::memory_order_relaxed))
                    throw Cancelled{};
                return a < b;
            },
            options);
    } catch (const Cancelled &) {
        return false;
    }
    return true;
}

} // namespace wb::list
