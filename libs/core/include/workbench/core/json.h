#pragma once
// A minimal streaming JSON writer for the CLI's --json output and trace export, and a strict
// reader (wb::parseJson) for what the cores receive as JSON: the Python tracer's event lines,
// Nova's RPC bodies. It keeps the cores free of any JSON library; the Qt side uses
// QJsonDocument where it reads JSON.
//
//     wb::JsonWriter j(std::cout);
//     j.beginObject(); j.key("size"); j.value(3); j.endObject();   // {"size":3}
//
// The output is always valid UTF-8, whatever bytes a string holds: valid UTF-8 sequences pass
// unchanged, control characters become \u00NN, and each byte that is not part of a valid
// sequence becomes the four characters \xNN (JSON text "\\xNN"), the same spelling the CLI
// uses for such bytes in its messages. A string that already holds "\x" text is therefore
// indistinguishable from an escaped byte; strings that must round-trip bytes go as hex.

#include "workbench/core/trace.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wb {

// The length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when s[i] does
// not start one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut off).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i);

class JsonWriter
{
public:
    explicit JsonWriter(std::ostream &out, bool pretty = false) : m_out(out), m_pretty(pretty) {}

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(std::string_view k);

    JsonWriter &value(std::string_view s);
    JsonWriter &value(const char *s) { return value(std::string_view(s)); }
    JsonWriter &value(bool b);
    JsonWriter &value(std::int64_t v);
    JsonWriter &value(std::uint64_t v);
    JsonWriter &value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter &value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
    JsonWriter &value(long long v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter &value(unsigned long long v) { return value(static_cast<std::uint64_t>(v)); }
    JsonWriter &value(double v);
    JsonWriter &null();
    JsonWriter &value(const Value &v); // byte strings are written as lowercase hex

    template <class T> JsonWriter &array(const std::vector<T> &items)
    {
        beginArray();
        for (const auto &x : items)
            value(x);
        return endArray();
    }

    // {"seq":..,"t_ns":..,"thread":..,"kind":..,"label":..,"file":..,"line":..,<fields>}
    JsonWriter &event(const Event &e);

    static std::string escape(std::string_view s);

private:
    void separator();
    void newline();

    std::ostream &m_out;
    bool m_pretty;
    std::vector<bool> m_first; // one per open container: no element written yet
    bool m_afterKey = false;
};

// A parsed JSON value. Objects keep their members in the order they came.
class Json
{
public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;
    explicit Json(bool b) : m_v(b) {}
    explicit Json(std::int64_t i) : m_v(i) {}
    explicit Json(double d) : m_v(d) {}
    explicit Json(std::string s) : m_v(std::move(s)) {}
    explicit Json(Array a) : m_v(std::move(a)) {}
    explicit Json(Object o) : m_v(std::move(o)) {}

    bool isNull() const { return std::holds_alternative<std::monostate>(m_v); }
    bool isBool() const { return std::holds_alternative<bool>(m_v); }
    bool isInt() const { return std::holds_alternative<std::int64_t>(m_v); }
    bool isNumber() const { return isInt() || std::holds_alternative<double>(m_v); }
    bool isString() const { return std::holds_alternative<std::string>(m_v); }
    bool isArray() const { return std::holds_alternative<Array>(m_v); }
    bool isObject() const { return std::holds_alternative<Object>(m_v); }

    bool asBool(bool fallback = false) const;
    std::int64_t asInt(std::int64_t fallback = 0) const; // a double is truncated
    double asDouble(double fallback = 0) const;
    const std::string &asString() const; // empty for a non-string
    const Array &asArray() const;        // empty for a non-array
    const Object &asObject() const;      // empty for a non-object

    // Object members: null when absent (or when this is not an object).
    const Json *find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    std::int64_t integer(std::string_view key, std::int64_t fallback = 0) const;
    std::string str(std::string_view key) const;
    bool flag(std::string_view key) const; // true only for a JSON true

private:
    std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> m_v;
};

// One JSON text (RFC 8259), whole: nullopt and a sentence in `error` for anything else
// (nesting is limited to 64 levels; integers beyond int64 become doubles).
std::optional<Json> parseJson(std::string_view text, std::string *error = nullptr);

} // namespace wb
