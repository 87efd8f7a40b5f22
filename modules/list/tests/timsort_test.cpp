// Timsort: minrun, the brief's 130-element example, merge policies, stability, exceptions,
// and "traced run == plain run".
#include "list/core/timsort.h"

#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>

using namespace wb::list;

namespace {

// The tutorial's input: 0..129 shuffled (brief, section 5).
const std::vector<std::int64_t> kExample130 = {
    107, 44,  97,  121, 26,  11, 24,  100, 79,  19,  109, 7,  52,  93,  70,  94,  124, 117, 92,
    32,  115, 83,  9,   112, 84, 22,  65,  95,  89,  74,  64, 23,  101, 68,  119, 127, 90,  80,
    91,  75,  4,   20,  114, 16, 103, 34,  96,  125, 47,  77, 81,  3,   30,  14,  25,  29,  104,
    102, 98,  69,  78,  60,  33, 12,  31,  37,  76,  10,  5,  105, 35,  48,  85,  106, 63,  71,
    54,  39,  8,   6,   62,  67, 42,  72,  118, 116, 27,  46, 38,  99,  126, 40,  28,  113, 43,
    41,  59,  2,   56,  61,  88, 18,  45,  128, 58,  73,  1,  13,  129, 49,  0,   82,  123, 111,
    57,  86,  110, 51,  15,  36, 120, 108, 66,  55,  53,  87, 122, 17,  21,  50};

std::vector<std::int64_t> range(std::int64_t lo, std::int64_t hi)
{
    std::vector<std::int64_t> v(static_cast<std::size_t>(hi - lo));
    std::iota(v.begin(), v.end(), lo);
    return v;
}

std::vector<std::vector<std::int64_t>> eventValues(const wb::Trace &t, std::string_view kind)
{
    std::vector<std::vector<std::int64_t>> out;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i].kind == kind)
            out.push_back(std::get<std::vector<std::int64_t>>(*t[i].field("values")));
    return out;
}

struct Rec
{
    std::int64_t key;
    std::int64_t index;
};

} // namespace

TEST(Timsort, MergeComputeMinrunTable)
{
    const std::pair<std::int64_t, std::int64_t> table[] = {
        {0, 0},    {1, 1},    {63, 63},  {64, 32},  {65, 33},  {127, 64},
        {128, 32}, {129, 33}, {130, 33}, {256, 32}, {1000, 63}};
    for (auto [n, minrun] : table)
        EXPECT_EQ(mergeComputeMinrun(n), minrun) << n;
    for (std::int64_t n = 64; n < 100000; n += 7) {
        const auto m = mergeComputeMinrun(n);
        EXPECT_TRUE(m >= 32 && m <= 64) << n;
    }
}

TEST(Timsort, Example130RunsAsTheBriefComputes)
{
    for (auto policy : {MergePolicy::CPython311, MergePolicy::CPython27}) {
        auto v = kExample130;
        wb::Trace trace;
        SortOptions opt;
        opt.policy = policy;
        opt.trace = &trace;
        const auto st = timsort(std::span(v), std::less<>{}, opt);
        EXPECT_EQ(v, range(0, 130));
        EXPECT_EQ(st.minrun, 33);
        ASSERT_EQ(st.runs.size(), 4u);
        const std::int64_t starts[] = {0, 33, 66, 99}, natural[] = {2, 3, 3, 2},
                           lengths[] = {33, 33, 33, 31};
        const bool descending[] = {true, false, true, false};
        for (std::size_t i = 0; i < 4; ++i) {
            EXPECT_EQ(st.runs[i].start, starts[i]) << i;
            EXPECT_EQ(st.runs[i].naturalLength, natural[i]) << i;
            EXPECT_EQ(st.runs[i].length, lengths[i]) << i;
            EXPECT_EQ(st.runs[i].descending, descending[i]) << i;
        }
        // Each boosted run is the sorted slice of the input (the brief lists them).
        const auto boosted = eventValues(trace, "boost");
        ASSERT_EQ(boosted.size(), 4u);
        for (std::size_t i = 0; i < 4; ++i) {
            std::vector<std::int64_t> slice(kExample130.begin() + starts[i],
                                            kExample130.begin() + starts[i] + lengths[i]);
            std::sort(slice.begin(), slice.end());
            EXPECT_EQ(boosted[i], slice) << i;
        }
        EXPECT_EQ(boosted[0].front(), 7);
        EXPECT_EQ(boosted[3].back(), 129);

        // CPython's merge order: 1+2 -> 66, then 3+4 -> 64, then 66+64 (not 66, 99, 130).
        ASSERT_EQ(st.merges.size(), 3u);
        const std::int64_t base[] = {0, 66, 0}, la[] = {33, 33, 66}, lb[] = {33, 31, 64};
        for (std::size_t i = 0; i < 3; ++i) {
            EXPECT_EQ(st.merges[i].base, base[i]) << i;
            EXPECT_EQ(st.merges[i].lengthA, la[i]) << i;
            EXPECT_EQ(st.merges[i].lengthB, lb[i]) << i;
            EXPECT_EQ(st.merges[i].length, la[i] + lb[i]) << i;
        }
        // Inside each merge (brief's table): nothing of A in place, 2 of B stay, merge_hi.
        std::vector<std::int64_t> keptB;
        for (std::size_t i = 0; i < trace.size(); ++i) {
            if (trace[i].kind != "merge_trim")
                continue;
            EXPECT_EQ(trace[i].intField("skipped_a"), 0);
            EXPECT_EQ(trace[i].stringField("routine"), "merge_hi");
            keptB.push_back(trace[i].intField("kept_b"));
        }
        EXPECT_EQ(keptB, (std::vector<std::int64_t>{2, 2, 2}));
        // The 66- and 64-element intermediate runs are the sorted unions.
        const auto merged = eventValues(trace, "merge_end");
        ASSERT_EQ(merged.size(), 3u);
        EXPECT_EQ(merged[0].size(), 66u);
        EXPECT_EQ(merged[0].front(), 3);
        EXPECT_EQ(merged[0].back(), 127);
        EXPECT_EQ(merged[1].size(), 64u);
        EXPECT_EQ(merged[1].front(), 0);
        EXPECT_EQ(merged[1][2], 2);
        EXPECT_EQ(merged[2], range(0, 130));
    }
}

TEST(Timsort, Example130PowersortPowers)
{
    // Boundaries 33|33, 66|33 and 99|31 of n = 130 (twice the midpoints, bit by bit).
    EXPECT_EQ(powerloop(0, 33, 33, 130), 2);
    EXPECT_EQ(powerloop(33, 33, 33, 130), 1);
    EXPECT_EQ(powerloop(66, 33, 31, 130), 2);
}

TEST(Timsort, TutorialOrderIsTheOneCpythonNeverUses)
{
    auto v = kExample130;
    wb::Trace trace;
    SortOptions opt;
    opt.policy = MergePolicy::Tutorial;
    opt.trace = &trace;
    const auto st = timsort(std::span(v), std::less<>{}, opt);
    EXPECT_EQ(v, range(0, 130));
    ASSERT_EQ(st.merges.size(), 3u);
    EXPECT_EQ(st.merges[0].length, 66);
    EXPECT_EQ(st.merges[1].length, 99);
    EXPECT_EQ(st.merges[2].length, 130);
    // The brief's 99-element run: runs 1 to 3 merged.
    std::vector<std::int64_t> first99(kExample130.begin(), kExample130.begin() + 99);
    std::sort(first99.begin(), first99.end());
    EXPECT_EQ(eventValues(trace, "merge_end")[1], first99);
    EXPECT_EQ(first99.front(), 2);
    EXPECT_EQ(first99.back(), 127);
}

TEST(Timsort, SmallInputsAreOneBinaryInsertionSort)
{
    wb::Rng rng(5);
    for (std::int64_t n = 0; n < 64; ++n) {
        std::vector<std::int64_t> v(static_cast<std::size_t>(n));
        for (auto &x : v)
            x = rng.between(0, 20);
        auto want = v;
        std::stable_sort(want.begin(), want.end());
        const auto st = timsort(std::span(v));
        EXPECT_EQ(v, want);
        EXPECT_EQ(st.merges.size(), 0u);
        EXPECT_EQ(st.runs.size(), n >= 2 ? 1u : 0u);
    }
}

TEST(Timsort, StableForEveryPolicy)
{
    wb::Rng rng(11);
    for (auto policy : {MergePolicy::CPython311, MergePolicy::CPython27, MergePolicy::Tutorial}) {
        for (std::size_t n : {0u, 1u, 2u, 65u, 300u, 5000u, 40000u}) {
            std::vector<Rec> v(n);
            for (std::size_t i = 0; i < n; ++i)
                v[i] = {rng.between(0, static_cast<std::int64_t>(n / 10)),
                        static_cast<std::int64_t>(i)};
            auto want = v;
            std::stable_sort(want.begin(), want.end(),
                             [](const Rec &a, const Rec &b) { return a.key < b.key; });
            SortOptions opt;
            opt.policy = policy;
            timsort(
                std::span(v), [](const Rec &a, const Rec &b) { return a.key < b.key; }, opt);
            for (std::size_t i = 0; i < n; ++i)
                ASSERT_EQ(v[i].index, want[i].index) << mergePolicyName(policy) << " n=" << n;
        }
    }
}

TEST(Timsort, Cpython27KeepsTheStackInvariantsAfterEachPush)
{
    wb::Rng rng(3);
    std::vector<std::int64_t> v(200000);
    for (auto &x : v)
        x = rng.between(0, 1000000);
    // Sorted stretches of random lengths make runs of very different lengths.
    for (std::size_t i = 0; i < v.size();) {
        const auto len = std::min<std::size_t>(v.size() - i, 1 + rng.below(3000));
        std::sort(v.begin() + static_cast<std::ptrdiff_t>(i),
                  v.begin() + static_cast<std::ptrdiff_t>(i + len));
        i += len;
    }
    wb::Trace trace;
    SortOptions opt;
    opt.policy = MergePolicy::CPython27;
    opt.trace = &trace;
    timsort(std::span(v), std::less<>{}, opt);
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    // Replay the stack: after merge_collapse (i.e. before the next run is found), every
    // run must be longer than the one above it and than the two above it together.
    std::vector<std::int64_t> stack;
    int checked = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto &e = trace[i];
        if (e.kind == "push") {
            stack.push_back(e.intField("length"));
        } else if (e.kind == "merge_begin") {
            const auto k = static_cast<std::size_t>(e.intField("index"));
            stack[k] += stack[k + 1];
            stack.erase(stack.begin() + static_cast<std::ptrdiff_t>(k) + 1);
        } else if (e.kind == "run" && stack.size() >= 2) {
            for (std::size_t k = 0; k + 1 < stack.size(); ++k) {
                ASSERT_GT(stack[k], stack[k + 1]);
                if (k + 2 < stack.size()) {
                    ASSERT_GT(stack[k], stack[k + 1] + stack[k + 2]);
                }
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 50);
}

TEST(Timsort, GallopingStartsAfterSevenConsecutiveWins)
{
    // A = 0..99 and B = 1000..1099 interleaved at the front: once one run wins
    // kMinGallop = 7 comparisons in a row, the merge gallops.
    std::vector<std::int64_t> v;
    for (int i = 0; i < 200; ++i)
        v.push_back(2 * i);
    for (int i = 0; i < 200; ++i)
        v.push_back(2 * i + 1 + (i >= 3 ? 10000 : 0));
    wb::Trace trace;
    SortOptions opt;
    opt.trace = &trace;
    const auto st = timsort(std::span(v), std::less<>{}, opt);
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    const auto enter = trace.findNext("gallop_enter", 0);
    ASSERT_TRUE(enter);
    EXPECT_EQ(trace[*enter].intField("wins"), 7);
    EXPECT_EQ(trace[*enter].intField("min_gallop"), 7);
    EXPECT_GE(st.gallopEntries, 1);
    const auto change = trace.findNext("min_gallop", *enter);
    ASSERT_TRUE(change);
    EXPECT_EQ(trace[*change].intField("old"), 7);
    EXPECT_EQ(trace[*change].intField("new"), 6) << "galloping pays: min_gallop drops";
}

// Integers under std::less take the counted binary insertion; the same values under a
// lambda (any other comparison) take CPython's loop. Both must give the same order and the
// same count, for every size around minrun, few and many distinct values, and values at the
// ends of the type (signed and unsigned).
template <class Int> void countedInsertionMatchesTheLoop(std::uint64_t seed)
{
    wb::Rng rng(seed);
    for (std::size_t n = 0; n <= 300; n += (n < 140 ? 1 : 23)) {
        for (const std::uint64_t distinct : {2ull, 5ull, 1ull << 40}) {
            std::vector<Int> a(n);
            for (auto &x : a) {
                const std::uint64_t r = rng.below(distinct);
                // Spread the values over the whole type, extremes included.
                x = static_cast<Int>(r * (std::numeric_limits<std::uint64_t>::max() /
                                          (distinct - 1 == 0 ? 1 : distinct - 1)));
            }
            std::vector<Int> b = a;
            const auto counted = timsort(std::span(a));
            const auto loop = timsort(std::span(b), [](Int x, Int y) { return x < y; });
            ASSERT_EQ(a, b) << "n " << n << ", " << distinct << " distinct";
            ASSERT_EQ(counted.comparisons, loop.comparisons) << "n " << n;
            ASSERT_TRUE(std::is_sorted(a.begin(), a.end()));
        }
    }
}

TEST(Timsort, CountedInsertionOfIntegersMatchesCpythonsLoop)
{
    countedInsertionMatchesTheLoop<std::int64_t>(7);
    countedInsertionMatchesTheLoop<std::uint64_t>(8);
}

// Long inputs: the merges of 64-bit integers under std::less (conditional-move steps, with
// and without the bound on the next read) against the same merges through a lambda.
TEST(Timsort, IntegerMergesMatchTheGenericMerges)
{
    wb::Rng rng(23);
    for (const std::size_t n : {1000u, 4097u, 30000u, 100000u}) {
        for (const std::uint64_t distinct : {3ull, 100ull, 1ull << 62}) {
            std::vector<std::int64_t> a(n);
            for (auto &x : a)
                x = static_cast<std::int64_t>(rng.below(distinct)) - 50;
            for (std::size_t i = 0; i + 500 < n; i += 1500) // some ascending and descending runs
                std::sort(a.begin() + static_cast<std::ptrdiff_t>(i),
                          a.begin() + static_cast<std::ptrdiff_t>(i + 500),
                          [i](auto x, auto y) { return i % 2 ? x > y : x < y; });
            std::vector<std::uint64_t> u(a.begin(), a.end());
            std::vector<std::int64_t> b = a;
            std::vector<std::uint64_t> ub = u;
            const auto s1 = timsort(std::span(a));
            const auto s2 = timsort(std::span(b), [](auto x, auto y) { return x < y; });
            ASSERT_EQ(a, b) << n;
            ASSERT_EQ(s1.comparisons, s2.comparisons) << n << " " << distinct;
            ASSERT_EQ(s1.gallopEntries, s2.gallopEntries);
            ASSERT_EQ(s1.minGallop, s2.minGallop);
            const auto s3 = timsort(std::span(u));
            const auto s4 = timsort(std::span(ub), [](auto x, auto y) { return x < y; });
            ASSERT_EQ(u, ub) << n;
            ASSERT_EQ(s3.comparisons, s4.comparisons) << n << " " << distinct;
            ASSERT_TRUE(std::is_sorted(a.begin(), a.end()));
            ASSERT_TRUE(std::is_sorted(u.begin(), u.end()));
        }
    }
}

// insertionOrder (AVX2 where the CPU has it) and its portable form against binary insertion
// done by hand: the slots and the final order.
TEST(Timsort, InsertionOrderMatchesInsertingOneByOne)
{
    wb::Rng rng(31);
    for (int round = 0; round < 3000; ++round) {
        const int m = 2 + static_cast<int>(rng.below(63));
        const int start = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(m)));
        const std::uint64_t distinct = round % 3 == 0 ? 3 : (round % 3 == 1 ? 40 : 1ull << 63);
        std::int64_t a[68] = {};
        for (int i = 0; i < m; ++i)
            a[i] = static_cast<std::int64_t>(rng.below(distinct)) -
                   (round % 2 ? std::numeric_limits<std::int64_t>::max() / 2 : 0);
        std::sort(a, a + start);
        std::vector<int> order(static_cast<std::size_t>(start));
        for (int i = 0; i < start; ++i)
            order[static_cast<std::size_t>(i)] = i;
        std::uint8_t k1[64], k2[64], i1[64], i2[64];
        detail::insertionOrder(a, start, m, k1, i1);
        detail::insertionOrderPortable(a, start, m, k2, i2);
        for (int j = start; j < m; ++j) {
            // upper_bound over the sorted prefix: after every element not greater.
            const auto at =
                std::upper_bound(order.begin(), order.end(), a[j],
                                 [&](std::int64_t key, int idx) { return key < a[idx]; });
            const auto slot = static_cast<int>(at - order.begin());
            ASSERT_EQ(k1[j], slot) << "round " << round << " j " << j;
            ASSERT_EQ(k2[j], slot) << "round " << round << " j " << j;
            order.insert(at, j);
        }
        for (int i = 0; i < m; ++i) {
            ASSERT_EQ(i1[i], order[static_cast<std::size_t>(i)]) << "round " << round;
            ASSERT_EQ(i2[i], order[static_cast<std::size_t>(i)]) << "round " << round;
        }
    }
}

TEST(Timsort, AThrowingComparisonLeavesAPermutation)
{
    wb::Rng rng(17);
    for (int limit : {1, 50, 500, 3000, 20000}) {
        std::vector<std::int64_t> v(5000);
        for (auto &x : v)
            x = rng.between(0, 100000);
        auto before = v;
        int calls = 0;
        auto less = [&](std::int64_t a, std::int64_t b) {
            if (++calls == limit)
                throw std::runtime_error("comparison failed");
            return a < b;
        };
        EXPECT_THROW(timsort(std::span(v), less), std::runtime_error) << limit;
        std::sort(before.begin(), before.end());
        std::sort(v.begin(), v.end());
        EXPECT_EQ(v, before) << "limit " << limit;
    }
}

TEST(Timsort, TracedRunEqualsPlainRun)
{
    wb::Rng rng(99);
    for (auto policy : {MergePolicy::CPython311, MergePolicy::CPython27, MergePolicy::Tutorial}) {
        for (int round = 0; round < 12; ++round) {
            const auto n = static_cast<std::size_t>(rng.below(round < 6 ? 300 : 3000));
            std::vector<std::int64_t> input(n);
            for (auto &x : input)
                x = rng.between(0, round % 3 == 0 ? 5 : 1000000);
            auto plain = input, traced = input, fine = input, unprobed = input;
            const auto a = timsort(std::span(plain), std::less<>{}, {policy, nullptr, false});
            wb::Trace t1, t2;
            const auto b = timsort(std::span(traced), std::less<>{}, {policy, &t1, false});
            const auto c = timsort(std::span(fine), std::less<>{}, {policy, &t2, true});
            const auto d = timsortUnprobed(std::span(unprobed), std::less<>{}, policy);
            for (const auto *s : {&b, &c, &d}) {
                EXPECT_EQ(s->comparisons, a.comparisons);
                EXPECT_EQ(s->merges.size(), a.merges.size());
                EXPECT_EQ(s->runs.size(), a.runs.size());
                EXPECT_EQ(s->minGallop, a.minGallop);
            }
            EXPECT_EQ(traced, plain);
            EXPECT_EQ(fine, plain);
            EXPECT_EQ(unprobed, plain);
            // One "compare" event per comparison in fine mode, none otherwise.
            std::uint64_t compares = 0;
            for (std::size_t i = 0; i < t2.size(); ++i)
                compares += t2[i].kind == "compare";
            EXPECT_EQ(compares, a.comparisons);
            EXPECT_FALSE(t1.findNext("compare", 0).has_value());
        }
    }
}
