// The list module's events as declared in events.h: every event the list object and timsort
// record reads back as its declared struct and writes out again field for field, every
// declared kind is recorded by some operation, and the README's tables name the same fields.
#include "list/core/events.h"
#include "list/core/listobject.h"
#include "list/core/replay.h"
#include "list/core/timsort.h"

#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace wb::list;

namespace {

bool sameValue(const wb::Value &a, const wb::Value &b)
{
    // Integers may come back as the other signedness (a uint64 id read into int64 and out).
    auto asInt = [](const wb::Value &v) -> std::optional<long double> {
        if (auto i = std::get_if<std::int64_t>(&v))
            return static_cast<long double>(*i);
        if (auto u = std::get_if<std::uint64_t>(&v))
            return static_cast<long double>(*u);
        return std::nullopt;
    };
    if (asInt(a) && asInt(b))
        return *asInt(a) == *asInt(b);
    return a == b;
}

// Reads `e` as its declared struct and writes it again: the same fields in the same order.
template <class Set> void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    ASSERT_TRUE(Set::contains(e.kind)) << "undeclared kind \"" << e.kind << "\"";
    bool visited = false;
    Set::visit(e, [&](const auto &typed) {
        visited = true;
        const std::vector<wb::Field> again = wb::fieldsOf(typed);
        ASSERT_EQ(again.size(), e.fields.size()) << e.kind << ": " << e.label;
        for (std::size_t i = 0; i < again.size(); ++i) {
            EXPECT_EQ(again[i].key, e.fields[i].key) << e.kind;
            EXPECT_TRUE(sameValue(again[i].value, e.fields[i].value))
                << e.kind << "." << again[i].key;
        }
    });
    EXPECT_TRUE(visited);
    seen.insert(e.kind);
}

template <class Set> std::set<std::string> declaredKinds()
{
    return {Set::kinds.begin(), Set::kinds.end()};
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
    EXPECT_EQ(listSeen, declaredKinds<events::ListEvents>());
    EXPECT_EQ(sortSeen, declaredKinds<events::SortEvents>());
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

// The fields column of each `| `kind` | fields | notes |` row under one heading's tables.
std::vector<std::map<std::string, std::string>> readmeTables()
{
    std::ifstream in(WB_LIST_README);
    std::vector<std::map<std::string, std::string>> tables;
    std::string line;
    bool inTable = false;
    while (std::getline(in, line)) {
        if (line.rfind("| kind | fields | notes |", 0) == 0) {
            tables.emplace_back();
            inTable = true;
            continue;
        }
        if (!inTable)
            continue;
        if (line.rfind("|---", 0) == 0)
            continue;
        if (line.rfind("| `", 0) != 0) {
            inTable = false;
            continue;
        }
        const auto kindEnd = line.find('`', 3);
        const std::string kind = line.substr(3, kindEnd - 3);
        const auto fieldsStart = line.find('|', kindEnd) + 2;
        const auto fieldsEnd = line.find(" |", fieldsStart);
        tables.back()[kind] = line.substr(fieldsStart, fieldsEnd - fieldsStart);
    }
    return tables;
}

template <class Set> std::map<std::string, std::string> declaredTable()
{
    std::map<std::string, std::string> out;
    Set::forEachType([&](auto t) {
        using E = typename decltype(t)::type;
        std::string fields;
        for (const auto &f : wb::fieldInfo<E>())
            fields += (fields.empty() ? "" : ", ") + std::string(f.key) + (f.optional ? "?" : "");
        out[std::string(E::kind)] = fields;
    });
    return out;
}

TEST(ListEvents, TheReadmeTablesMatchTheDeclarations)
{
    const auto tables = readmeTables();
    ASSERT_EQ(tables.size(), 2u) << "the README's two event tables";
    EXPECT_EQ(tables[0], declaredTable<events::ListEvents>());
    EXPECT_EQ(tables[1], declaredTable<events::SortEvents>());
}

} // namespace
