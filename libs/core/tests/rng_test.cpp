#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <set>

using wb::Rng;

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferentSequence)
{
    Rng a(42), b(42), c(43);
    bool differs = false;
    for (int i = 0; i < 1000; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        differs |= x != c.next();
    }
    EXPECT_TRUE(differs);
}

TEST(Rng, BoundedDrawsStayInRangeAndCoverIt)
{
    Rng r(7);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 10000; ++i) {
        const auto v = r.between(-3, 3);
        ASSERT_GE(v, -3);
        ASSERT_LE(v, 3);
        seen.insert(v);
        const double u = r.unit();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
    }
    EXPECT_EQ(seen.size(), 7u);
}
