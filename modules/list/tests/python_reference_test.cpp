// timsort (cpython311) against the local python3's list.sort: same order, same stability,
// exactly the same number of comparisons. All cases go to ONE python process.
#include "list/core/timsort.h"
#include "reference.h"

#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using namespace wb::list;

namespace {

struct Case
{
    std::string name;
    std::vector<std::int64_t> keys;
};

std::vector<Case> generatedCases()
{
    wb::Rng rng(20240611);
    std::vector<Case> cases;
    auto random = [&rng](std::size_t n, std::int64_t maxKey) {
        std::vector<std::int64_t> v(n);
        for (auto &x : v)
            x = rng.between(0, maxKey);
        return v;
    };
    // Every small size, several shapes each.
    for (std::size_t n = 0; n <= 140; ++n) {
        cases.push_back({"random " + std::to_string(n), random(n, 1000000)});
        cases.push_back({"few distinct " + std::to_string(n), random(n, 3)});
        auto r = random(n, 50);
        std::sort(r.begin(), r.end());
        cases.push_back({"sorted " + std::to_string(n), r});
        std::reverse(r.begin(), r.end());
        cases.push_back({"reversed " + std::to_string(n), r});
    }
    // Sawtooth: ascending teeth of several widths.
    for (std::size_t n : {200u, 1000u, 5000u})
        for (std::int64_t tooth : {2, 7, 31, 32, 33, 64, 100}) {
            std::vector<std::int64_t> v(n);
            for (std::size_t i = 0; i < n; ++i)
                v[i] = static_cast<std::int64_t>(i) % tooth;
            cases.push_back({"sawtooth " + std::to_string(n) + "/" + std::to_string(tooth), v});
        }
    // Runs of every length around minrun (32..64), ascending and strictly descending, with
    // equal keys inside so stability is at stake.
    for (std::int64_t len = 24; len <= 72; ++len) {
        std::vector<std::int64_t> v;
        for (int run = 0; run < 12; ++run) {
            auto r = random(static_cast<std::size_t>(len), 40);
            std::sort(r.begin(), r.end());
            if (run % 3 == 1) {
                r.erase(std::unique(r.begin(), r.end()), r.end());
                std::reverse(r.begin(), r.end());
            }
            v.insert(v.end(), r.begin(), r.end());
        }
        cases.push_back({"runs of " + std::to_string(len), v});
    }
    // Mostly sorted with a few swaps; galloping-heavy interleavings.
    for (std::size_t n : {3000u, 20000u}) {
        std::vector<std::int64_t> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<std::int64_t>(i);
        for (int k = 0; k < 20; ++k)
            std::swap(v[rng.below(n)], v[rng.below(n)]);
        cases.push_back({"nearly sorted " + std::to_string(n), v});
        std::vector<std::int64_t> w;
        for (std::size_t i = 0; i < n / 2; ++i)
            w.push_back(static_cast<std::int64_t>(i) * 2 + (i % 100 < 10 ? 1 : 0));
        for (std::size_t i = 0; i < n / 2; ++i)
            w.push_back(static_cast<std::int64_t>(i) * 2 + 1);
        cases.push_back({"two halves " + std::to_string(n), w});
    }
    // A handful of big ones, up to the 200,000 of the issue.
    cases.push_back({"random 65537", random(65537, 1000000000)});
    cases.push_back({"few distinct 100000", random(100000, 4)});
    cases.push_back({"random 200000", random(200000, 1LL << 40)});
    {
        auto v = random(200000, 1000);
        for (std::size_t i = 0; i < v.size(); i += 5000)
            std::sort(v.begin() + static_cast<std::ptrdiff_t>(i),
                      v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), i + 5000)));
        cases.push_back({"sorted blocks 200000", v});
    }
    return cases;
}

} // namespace

TEST(TimsortVsPython, SameOrderAndExactlyTheSameComparisons)
{
    if (!wb::list::test::havePython())
        GTEST_SKIP() << "python3 not found by CMake";
    const auto cases = generatedCases();
    std::string input;
    for (const auto &c : cases) {
        std::ostringstream line;
        for (std::size_t i = 0; i < c.keys.size(); ++i)
            line << (i ? " " : "") << c.keys[i];
        input += line.str() + "\n";
    }
    const auto out = wb::list::test::runPythonScript("sort_reference.py", input);
    ASSERT_TRUE(out);
    std::istringstream reply(*out);

    struct Rec
    {
        std::int64_t key;
        std::int64_t index;
    };
    int failures = 0;
    for (const auto &c : cases) {
        std::string countLine, orderLine;
        ASSERT_TRUE(std::getline(reply, countLine) && std::getline(reply, orderLine)) << c.name;
        const auto pyComparisons = std::stoull(countLine);
        std::vector<std::int64_t> pyOrder;
        std::istringstream ol(orderLine);
        for (std::int64_t i; ol >> i;)
            pyOrder.push_back(i);

        std::vector<Rec> recs(c.keys.size());
        for (std::size_t i = 0; i < recs.size(); ++i)
            recs[i] = {c.keys[i], static_cast<std::int64_t>(i)};
        const auto st =
            timsort(std::span(recs), [](const Rec &a, const Rec &b) { return a.key < b.key; });
        std::vector<std::int64_t> order(recs.size());
        for (std::size_t i = 0; i < recs.size(); ++i)
            order[i] = recs[i].index;
        if (st.comparisons != pyComparisons || order != pyOrder) {
            if (++failures <= 10)
                ADD_FAILURE() << c.name << ": comparisons " << st.comparisons << " vs python "
                              << pyComparisons << (order == pyOrder ? "" : "; order differs");
        }
        // Plain one-word integers take the register paths of the merges and of binary
        // insertion (what list.sort and the benchmark run): the same count, python's keys.
        std::vector<std::int64_t> keys = c.keys;
        const auto plain = timsort(std::span(keys));
        std::vector<std::int64_t> pyKeys;
        for (const auto i : pyOrder)
            pyKeys.push_back(c.keys.at(static_cast<std::size_t>(i)));
        if (plain.comparisons != pyComparisons || keys != pyKeys) {
            if (++failures <= 10)
                ADD_FAILURE() << c.name << " as int64: comparisons " << plain.comparisons
                              << " vs python " << pyComparisons
                              << (keys == pyKeys ? "" : "; keys differ");
        }
    }
    EXPECT_EQ(failures, 0) << "of " << cases.size() << " cases";
    EXPECT_GT(cases.size(), 600u);
}
