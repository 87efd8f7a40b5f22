#include "workbench/core/cli.h"

#include <gtest/gtest.h>

using namespace wb::cli;

TEST(Options, ParsesValuesFlagsAndPositionals)
{
    Options o;
    ASSERT_TRUE(o.parse({"growth", "--policy", "cpython27", "--appends=20", "--json", "x"},
                        {"policy", "appends"}, {"json"}));
    EXPECT_EQ(o.value("policy"), "cpython27");
    EXPECT_EQ(o.value("appends"), "20");
    EXPECT_TRUE(o.has("json"));
    EXPECT_FALSE(o.has("quiet"));
    EXPECT_EQ(o.positionals(), (std::vector<std::string>{"growth", "x"}));
}

TEST(Options, RejectsUnknownOptionsAndMissingValues)
{
    Options a;
    EXPECT_FALSE(a.parse({"--polcy", "x"}, {"policy"}, {}));
    EXPECT_EQ(a.error(), "unknown option --polcy");
    Options b;
    EXPECT_FALSE(b.parse({"--policy"}, {"policy"}, {}));
    EXPECT_EQ(b.error(), "option --policy needs a value");
}

TEST(ParseInt, AcceptsWholeIntegersOnly)
{
    EXPECT_EQ(parseInt("42"), 42);
    EXPECT_EQ(parseInt("-7"), -7);
    EXPECT_EQ(parseInt("+5"), 5);
    EXPECT_FALSE(parseInt(""));
    EXPECT_FALSE(parseInt("4x"));
    EXPECT_FALSE(parseInt("1.5"));
    EXPECT_FALSE(parseInt("99999999999999999999"));
}

TEST(Registry, FindsModulesById)
{
    Registry r;
    r.add({"list", "lists", "usage", [](Invocation &) { return 0; }});
    r.add({"crypto", "crypto", "usage", [](Invocation &) { return 0; }});
    ASSERT_NE(r.find("list"), nullptr);
    EXPECT_EQ(r.find("nope"), nullptr);
    EXPECT_EQ(r.modules().front().id, "crypto");
}
