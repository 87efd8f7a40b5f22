#pragma once
// Typed events: a module declares each kind of event it records once, as a struct with its
// kind name and its fields, and records and reads it through that struct. `wb::Event` stays
// the wire: the trace, the JSON the CLI prints and the trace table hold Events; the struct is
// how code writes and reads them, so a misspelled kind or field does not compile.
//
//     struct MergeEnd {
//         static constexpr std::string_view kind = "merge_end";
//         std::int64_t base = 0;
//         std::int64_t length = 0;
//         static constexpr auto fields()
//         {
//             return std::tuple{wb::field("base", &MergeEnd::base),
//                               wb::field("length", &MergeEnd::length)};
//         }
//     };
//
//     wb::record(trace, MergeEnd{8, 32}, "merged run of 32 at 8");   // null trace: nothing
//     if (auto m = wb::as<MergeEnd>(event)) use(m->length);          // another kind: nullopt
//
// Reading an event of the right kind that lacks a declared field, or holds one of another
// type, throws wb::EventFieldError naming the kind and the field: recorder and reader
// disagree, which is a bug a test must see (never a silent 0). A member of type
// std::optional<T> is a field that may be absent.

#include "workbench/core/trace.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace wb {

template <class E, class T> struct EventField
{
    std::string_view key;
    T E::*member;
};

template <class E, class T> constexpr EventField<E, T> field(std::string_view key, T E::*member)
{
    return {key, member};
}

template <class E>
concept TypedEvent = requires
{
    {
        E::kind
        } -> std::convertible_to<std::string_view>;
    E::fields();
};

class EventFieldError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

namespace detail {

template <class T> struct IsOptional : std::false_type
{
};
template <class T> struct IsOptional<std::optional<T>> : std::true_type
{
};

template <class T> Value toValue(const T &v)
{
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::int64_t>> ||
                  std::is_same_v<T, std::vector<std::uint8_t>>)
        return Value(v);
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
        return Value(static_cast<std::int64_t>(v));
    else if constexpr (std::is_integral_v<T>)
        return Value(static_cast<std::uint64_t>(v));
    else
        static_assert(sizeof(T) == 0, "no wb::Value form for this field type");
}

// Reads `v` into `out`; false when its type does not fit (integers must be in range).
template <class T> bool fromValue(const Value &v, T &out)
{
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                  std::is_same_v<T, std::vector<std::int64_t>> ||
                  std::is_same_v<T, std::vector<std::uint8_t>>) {
        if (auto p = std::get_if<T>(&v)) {
            out = *p;
            return true;
        }
        return false;
    } else if constexpr (std::is_same_v<T, double>) {
        if (auto d = std::get_if<double>(&v))
            out = *d;
        else if (auto i = std::get_if<std::int64_t>(&v))
            out = static_cast<double>(*i);
        else if (auto u = std::get_if<std::uint64_t>(&v))
            out = static_cast<double>(*u);
        else
            return false;
        return true;
    } else if constexpr (std::is_integral_v<T>) {
        using L = std::numeric_limits<T>;
        if (auto i = std::get_if<std::int64_t>(&v)) {
            if constexpr (std::is_signed_v<T>) {
                if (*i < static_cast<std::int64_t>(L::min()) ||
                    *i > static_cast<std::int64_t>(L::max()))
                    return false;
            } else if (*i < 0 || static_cast<std::uint64_t>(*i) > L::max())
                return false;
            out = static_cast<T>(*i);
            return true;
        }
        if (auto u = std::get_if<std::uint64_t>(&v)) {
            if (*u > static_cast<std::uint64_t>(L::max()))
                return false;
            out = static_cast<T>(*u);
            return true;
        }
        return false;
    } else
        static_assert(sizeof(T) == 0, "no wb::Value form for this field type");
}

template <class E, class F> void forEachField(F &&f)
{
    std::apply([&](const auto &...fs) { (f(fs), ...); }, E::fields());
}

template <std::size_t N> constexpr bool distinct(const std::array<std::string_view, N> &kinds)
{
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (kinds[i] == kinds[j])
                return false;
    return true;
}

} // namespace detail

// The event's fields in declaration order; an empty optional is left out.
template <TypedEvent E> std::vector<Field> fieldsOf(const E &e)
{
    std::vector<Field> out;
    out.reserve(std::tuple_size_v<decltype(E::fields())>);
    detail::forEachField<E>([&](const auto &f) {
        const auto &v = e.*(f.member);
        using T = std::remove_cvref_t<decltype(v)>;
        if constexpr (detail::IsOptional<T>::value) {
            if (v)
                out.emplace_back(std::string(f.key), detail::toValue(*v));
        } else
            out.emplace_back(std::string(f.key), detail::toValue(v));
    });
    return out;
}

template <TypedEvent E> Event toEvent(const E &e, std::string label)
{
    Event ev;
    ev.kind = std::string(E::kind);
    ev.label = std::move(label);
    ev.fields = fieldsOf(e);
    return ev;
}

// Appends `e` to `trace`; with no trace, nothing (the label is still built by the caller:
// test the trace first where building it costs).
template <TypedEvent E>
const Event *record(Trace *trace, const E &e, std::string label, std::int32_t thread = 0,
                    std::source_location loc = std::source_location::current())
{
    if (!trace)
        return nullptr;
    return &trace->add(std::string(E::kind), std::move(label), fieldsOf(e), thread, loc);
}

// The event as E: nullopt when it is another kind; throws EventFieldError when it is this
// kind but a declared field is missing or of another type.
template <TypedEvent E> std::optional<E> as(const Event &ev)
{
    if (ev.kind != E::kind)
        return std::nullopt;
    E e{};
    detail::forEachField<E>([&](const auto &f) {
        auto &out = e.*(f.member);
        using T = std::remove_cvref_t<decltype(out)>;
        const Value *v = ev.field(f.key);
        if constexpr (detail::IsOptional<T>::value) {
            if (!v)
                return;
            typename T::value_type inner{};
            if (!detail::fromValue(*v, inner))
                throw EventFieldError("event \"" + ev.kind + "\": field \"" + std::string(f.key) +
                                      "\" has another type");
            out = std::move(inner);
        } else {
            if (!v)
                throw EventFieldError("event \"" + ev.kind + "\" has no field \"" +
                                      std::string(f.key) + "\"");
            if (!detail::fromValue(*v, out))
                throw EventFieldError("event \"" + ev.kind + "\": field \"" + std::string(f.key) +
                                      "\" has another type");
        }
    });
    return e;
}

struct FieldInfo
{
    std::string_view key;
    bool optional = false; // may be absent
    bool operator==(const FieldInfo &) const = default;
};

// The declared fields of E, in order.
template <TypedEvent E> std::vector<FieldInfo> fieldInfo()
{
    std::vector<FieldInfo> out;
    detail::forEachField<E>([&](const auto &f) {
        using T = std::remove_cvref_t<decltype(std::declval<E>().*(f.member))>;
        out.push_back({f.key, detail::IsOptional<T>::value});
    });
    return out;
}

// A set of lambdas as one visitor for EventSet::visit: an overload per event type, a generic
// one for the rest. (The deduction guide is for compilers without aggregate deduction.)
template <class... Fs> struct Overloaded : Fs...
{
    using Fs::operator()...;
};
template <class... Fs> Overloaded(Fs...) -> Overloaded<Fs...>;

// A module's events, for dispatch and for tests that walk every kind:
//
//     using ListEvents = wb::EventSet<New, Resize, Store, ...>;
//     ListEvents::visit(event, [&](const auto &e) { apply(e); });   // an overload per type
template <TypedEvent... Es> struct EventSet
{
    static constexpr std::array<std::string_view, sizeof...(Es)> kinds{Es::kind...};
    static_assert(detail::distinct(kinds), "two event types share a kind name");

    static constexpr bool contains(std::string_view kind)
    {
        for (std::string_view k : kinds)
            if (k == kind)
                return true;
        return false;
    }

    // Calls f with the typed form of `ev`; false (f not called) for a kind not in the set.
    template <class F> static bool visit(const Event &ev, F &&f)
    {
        bool done = false;
        (void)((ev.kind == Es::kind ? (f(*as<Es>(ev)), done = true) : false) || ...);
        return done;
    }

    // Calls f(std::type_identity<E>{}) once per declared type.
    template <class F> static void forEachType(F &&f) { (f(std::type_identity<Es>{}), ...); }
};

} // namespace wb
