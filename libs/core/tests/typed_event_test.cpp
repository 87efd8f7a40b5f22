#include "workbench/core/typed_event.h"

#include <gtest/gtest.h>

namespace {

struct Resize
{
    static constexpr std::string_view kind = "resize";
    std::int64_t oldSlots = 0;
    std::uint32_t newSlots = 0;
    bool moved = false;
    std::string policy;
    std::vector<std::int64_t> items;
    std::optional<double> factor;
    static constexpr auto fields()
    {
        return std::tuple{
            wb::field("old", &Resize::oldSlots), wb::field("new", &Resize::newSlots),
            wb::field("moved", &Resize::moved),  wb::field("policy", &Resize::policy),
            wb::field("items", &Resize::items),  wb::field("factor", &Resize::factor)};
    }
    bool operator==(const Resize &) const = default;
};

struct Block
{
    static constexpr std::string_view kind = "block";
    std::vector<std::uint8_t> bytes;
    static constexpr auto fields() { return std::tuple{wb::field("bytes", &Block::bytes)}; }
    bool operator==(const Block &) const = default;
};

using Events = wb::EventSet<Resize, Block>;

TEST(TypedEvent, RecordsAndReadsBackEveryField)
{
    wb::Trace trace;
    const Resize r{4, 8, true, "3.11", {1, 2, 3}, 1.125};
    const wb::Event *ev = wb::record(&trace, r, "list_resize(5)");
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->kind, "resize");
    EXPECT_EQ(ev->label, "list_resize(5)");
    EXPECT_EQ(ev->intField("old"), 4);
    EXPECT_EQ(ev->intField("new"), 8);
    EXPECT_EQ(ev->stringField("policy"), "3.11");
    EXPECT_EQ(ev->where.fileName(), "typed_event_test.cpp");
    const auto back = wb::as<Resize>(trace.at(0));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, r);
    EXPECT_FALSE(wb::as<Block>(trace.at(0)));
}

TEST(TypedEvent, NoTraceRecordsNothing)
{
    EXPECT_EQ(wb::record(nullptr, Block{{1}}, "x"), nullptr);
}

TEST(TypedEvent, AnAbsentOptionalIsLeftOutAndReadsBackEmpty)
{
    Resize r{1, 2, false, "p", {}, std::nullopt};
    const wb::Event ev = wb::toEvent(r, "l");
    EXPECT_EQ(ev.field("factor"), nullptr);
    EXPECT_EQ(ev.fields.size(), 5u);
    EXPECT_EQ(*wb::as<Resize>(ev), r);
}

TEST(TypedEvent, AMissingOrMistypedFieldIsAnErrorNamingIt)
{
    wb::Event ev = wb::toEvent(Resize{1, 2, false, "p", {}, {}}, "l");
    ev.fields.erase(ev.fields.begin() + 1);
    try {
        (void)wb::as<Resize>(ev);
        FAIL() << "a missing field was read";
    } catch (const wb::EventFieldError &e) {
        EXPECT_STREQ(e.what(), "event \"resize\" has no field \"new\"");
    }
    wb::Event typo = wb::toEvent(Resize{}, "l");
    typo.fields[3].value = std::int64_t{7}; // policy must be a string
    EXPECT_THROW((void)wb::as<Resize>(typo), wb::EventFieldError);
}

TEST(TypedEvent, IntegersOutOfTheMembersRangeAreRefused)
{
    wb::Event ev = wb::toEvent(Resize{}, "l");
    ev.fields[1].value = std::int64_t{-1}; // new is unsigned
    EXPECT_THROW((void)wb::as<Resize>(ev), wb::EventFieldError);
    ev.fields[1].value = std::uint64_t{1} << 40; // does not fit 32 bits
    EXPECT_THROW((void)wb::as<Resize>(ev), wb::EventFieldError);
    ev.fields[1].value = std::uint64_t{9};
    EXPECT_EQ(wb::as<Resize>(ev)->newSlots, 9u);
}

TEST(TypedEvent, ASetDispatchesByKindAndKnowsItsKinds)
{
    EXPECT_EQ(Events::kinds.size(), 2u);
    EXPECT_TRUE(Events::contains("block"));
    EXPECT_FALSE(Events::contains("blocks"));
    int resizes = 0, blocks = 0;
    auto f = [&](const auto &e) {
        if constexpr (std::is_same_v<std::decay_t<decltype(e)>, Resize>)
            ++resizes;
        else
            blocks += static_cast<int>(e.bytes.size());
    };
    EXPECT_TRUE(Events::visit(wb::toEvent(Block{{1, 2, 3}}, ""), f));
    EXPECT_TRUE(Events::visit(wb::toEvent(Resize{}, ""), f));
    wb::Event other;
    other.kind = "store";
    EXPECT_FALSE(Events::visit(other, f));
    EXPECT_EQ(resizes, 1);
    EXPECT_EQ(blocks, 3);
    std::vector<std::string_view> names;
    Events::forEachType([&](auto t) {
        using E = typename decltype(t)::type;
        names.push_back(E::kind);
    });
    EXPECT_EQ(names, (std::vector<std::string_view>{"resize", "block"}));
    EXPECT_EQ(wb::fieldInfo<Block>(), (std::vector<wb::FieldInfo>{{"bytes", false}}));
    const auto resize = wb::fieldInfo<Resize>();
    ASSERT_EQ(resize.size(), 6u);
    EXPECT_EQ(resize[0], (wb::FieldInfo{"old", false}));
    EXPECT_EQ(resize[5], (wb::FieldInfo{"factor", true}));
}

} // namespace
