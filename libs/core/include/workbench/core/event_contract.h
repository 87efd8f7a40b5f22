#pragma once
// Checks that hold a module's recorders, its event declarations (events.h) and its README's
// event tables together; each module's events_test.cpp runs them on real traces.
//
//     EXPECT_EQ(wb::contract::roundTripMismatch<events::SortEvents>(event), "");
//     EXPECT_EQ(wb::contract::readEventTables(README)[1],
//               wb::contract::declaredTable<events::SortEvents>());

#include "workbench/core/typed_event.h"

#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace wb::contract {

// Equal values; integers compare by value whichever signedness carries them.
inline bool sameValue(const Value &a, const Value &b)
{
    auto asInt = [](const Value &v) -> std::optional<long double> {
        if (auto i = std::get_if<std::int64_t>(&v))
            return static_cast<long double>(*i);
        if (auto u = std::get_if<std::uint64_t>(&v))
            return static_cast<long double>(*u);
        return std::nullopt;
    };
    const auto ia = asInt(a), ib = asInt(b);
    if (ia && ib)
        return *ia == *ib;
    return a == b;
}

// Empty when `e` is a kind of Set that reads back as its struct and writes out again with the
// same fields in the same order and the same values; otherwise what differs.
template <class Set> std::string roundTripMismatch(const Event &e)
{
    if (!Set::contains(e.kind))
        return "undeclared kind \"" + e.kind + "\"";
    std::string mismatch;
    try {
        Set::visit(e, [&](const auto &typed) {
            const std::vector<Field> again = fieldsOf(typed);
            if (again.size() != e.fields.size()) {
                mismatch = e.kind + ": " + std::to_string(e.fields.size()) + " fields recorded, " +
                           std::to_string(again.size()) + " declared";
                return;
            }
            for (std::size_t i = 0; i < again.size() && mismatch.empty(); ++i) {
                if (again[i].key != e.fields[i].key)
                    mismatch = e.kind + ": field " + std::to_string(i) + " is \"" +
                               e.fields[i].key + "\", declared \"" + again[i].key + "\"";
                else if (!sameValue(again[i].value, e.fields[i].value))
                    mismatch = e.kind + "." + again[i].key + " changes in the round trip";
            }
        });
    } catch (const EventFieldError &error) {
        return error.what();
    }
    return mismatch;
}

template <class Set> std::set<std::string> declaredKinds()
{
    return {Set::kinds.begin(), Set::kinds.end()};
}

// The `| kind | fields | notes |` tables of a markdown file, in order: each maps a row's
// kind (written `kind`) to its fields column. An unreadable file gives no tables.
inline std::vector<std::map<std::string, std::string>> readEventTables(const std::string &path)
{
    std::ifstream in(path);
    std::vector<std::map<std::string, std::string>> tables;
    std::string line;
    bool inTable = false;
    while (std::getline(in, line)) {
        if (line.rfind("| kind | fields | notes |", 0) == 0) {
            tables.emplace_back();
            inTable = true;
            continue;
        }
        if (!inTable || line.rfind("|---", 0) == 0)
            continue;
        if (line.rfind("| `", 0) != 0) {
            inTable = false;
            continue;
        }
        const auto kindEnd = line.find('`', 3);
        const auto fieldsStart = line.find('|', kindEnd) + 2;
        const auto fieldsEnd = line.find(" |", fieldsStart - 1);
        tables.back()[line.substr(3, kindEnd - 3)] =
            fieldsEnd < fieldsStart ? std::string()
                                    : line.substr(fieldsStart, fieldsEnd - fieldsStart);
    }
    return tables;
}

// Set's declarations as such a table: "name, name?, ..." (`?`: may be absent), leaving out the
// first `skip` fields of every kind (fields all kinds share, said once above the table);
// `none` for a kind with no other fields.
template <class Set>
std::map<std::string, std::string> declaredTable(std::size_t skip = 0, std::string_view none = "")
{
    std::map<std::string, std::string> out;
    Set::forEachType([&](auto t) {
        using E = typename decltype(t)::type;
        const auto info = fieldInfo<E>();
        std::string fields;
        for (std::size_t i = skip; i < info.size(); ++i)
            fields += (fields.empty() ? "" : ", ") + std::string(info[i].key) +
                      (info[i].optional ? "?" : "");
        out[std::string(E::kind)] = fields.empty() ? std::string(none) : fields;
    });
    return out;
}

} // namespace wb::contract
