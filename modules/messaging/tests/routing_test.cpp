// Routing tables for every exchange type, including RabbitMQ's topic edge cases.
#include "messaging/core/routing.h"

#include <gtest/gtest.h>

#include <ostream>

using namespace wb::messaging;

namespace {

struct TopicCase
{
    const char *binding;
    const char *key;
    bool match;
};

// How a case reads in test names and failures: "'compute.*' ~ 'compute.host1' true", never
// the struct's bytes (they hold addresses, which change from build to build).
void PrintTo(const TopicCase &c, std::ostream *os)
{
    *os << "'" << c.binding << "' ~ '" << c.key << "' " << (c.match ? "true" : "false");
}

class MessagingTopicTable : public ::testing::TestWithParam<TopicCase>
{
};

TEST_P(MessagingTopicTable, MatchesAsRabbitMq)
{
    const auto &c = GetParam();
    EXPECT_EQ(topicMatches(c.binding, c.key), c.match)
        << "binding '" << c.binding << "' key '" << c.key << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Wildcards, MessagingTopicTable,
    ::testing::Values(
        TopicCase{"compute.host1", "compute.host1", true},
        TopicCase{"compute.host1", "compute.host2", false},
        TopicCase{"compute.*", "compute.host1", true},
        TopicCase{"compute.*", "compute", false}, // * is exactly one word
        TopicCase{"compute.*", "compute.a.b", false},
        TopicCase{"compute.#", "compute", true}, // # may match zero words
        TopicCase{"compute.#", "compute.a.b.c", true}, TopicCase{"#", "", true}, // "" has no words
        TopicCase{"#", "anything.at.all", true}, TopicCase{"*", "", false},
        TopicCase{"*", "word", true}, TopicCase{"", "", true}, TopicCase{"", "a", false},
        TopicCase{"#.error", "error", true}, TopicCase{"#.error", "app.db.error", true},
        TopicCase{"#.error", "app.error.db", false}, TopicCase{"a.#.b", "a.b", true},
        TopicCase{"a.#.b", "a.x.y.b", true}, TopicCase{"a.#.#.b", "a.b", true},
        TopicCase{"*.*", "a.", true},                                   // empty second word
        TopicCase{"a.*", "a.", true}, TopicCase{"a.*.c", "a..c", true}, // empty middle word
        TopicCase{"a..c", "a..c", true}, TopicCase{"a..c", "a.b.c", false},
        TopicCase{"*", ".", false}, // "." is two empty words
        TopicCase{"*.*", ".", true}, TopicCase{"#.*", "a", true}, TopicCase{"#.*", "", false},
        TopicCase{"odd", "odd", true}, TopicCase{"odd", "odds", false}));

TEST(MessagingDirectExchange, RoutesOnExactKeyOnly)
{
    DirectExchange d;
    EXPECT_TRUE(d.matches({"odd", {}}, "odd", {}));
    EXPECT_FALSE(d.matches({"odd", {}}, "even", {}));
    EXPECT_FALSE(d.matches({"odd", {}}, "Odd", {}));
    EXPECT_FALSE(d.matches({"*", {}}, "odd", {})); // no wildcards in direct
}

TEST(MessagingFanoutExchange, IgnoresTheKey)
{
    FanoutExchange f;
    EXPECT_TRUE(f.matches({"odd", {}}, "even", {}));
    EXPECT_TRUE(f.matches({"", {}}, "", {}));
}

TEST(MessagingHeadersExchange, AllRequiresEveryArgument)
{
    HeadersExchange h;
    const Headers binding{{"x-match", std::string("all")},
                          {"format", std::string("pdf")},
                          {"type", std::string("report")}};
    EXPECT_TRUE(h.matches({"", binding}, "ignored",
                          {{"format", std::string("pdf")},
                           {"type", std::string("report")},
                           {"extra", std::int64_t{1}}}));
    EXPECT_FALSE(h.matches({"", binding}, "", {{"format", std::string("pdf")}}));
    EXPECT_FALSE(h.matches({"", binding}, "",
                           {{"format", std::string("zip")}, {"type", std::string("report")}}));
}

TEST(MessagingHeadersExchange, AllIsTheDefaultAndValuesAreTyped)
{
    HeadersExchange h;
    const Headers binding{{"n", std::int64_t{7}}};
    EXPECT_TRUE(h.matches({"", binding}, "", {{"n", std::int64_t{7}}}));
    EXPECT_FALSE(h.matches({"", binding}, "", {{"n", std::string("7")}}));
}

TEST(MessagingHeadersExchange, AnyNeedsOneArgument)
{
    HeadersExchange h;
    const Headers binding{{"x-match", std::string("any")},
                          {"format", std::string("pdf")},
                          {"type", std::string("report")}};
    EXPECT_TRUE(h.matches({"", binding}, "", {{"type", std::string("report")}}));
    EXPECT_FALSE(h.matches({"", binding}, "", {{"type", std::string("log")}}));
    EXPECT_FALSE(h.matches({"", binding}, "", {}));
}

TEST(MessagingHeadersExchange, EmptyArguments)
{
    EXPECT_TRUE(headersMatch({}, {}));
    EXPECT_TRUE(headersMatch({{"x-match", std::string("all")}}, {{"a", true}}));
    EXPECT_FALSE(headersMatch({{"x-match", std::string("any")}}, {{"a", true}}));
}

TEST(MessagingExchangeType, NamesRoundTrip)
{
    for (auto t : {ExchangeType::Direct, ExchangeType::Fanout, ExchangeType::Topic,
                   ExchangeType::Headers}) {
        EXPECT_EQ(parseExchangeType(exchangeTypeName(t)), t);
        EXPECT_EQ(makeExchange(t)->type(), t);
    }
    EXPECT_FALSE(parseExchangeType("x-consistent-hash"));
}

} // namespace
