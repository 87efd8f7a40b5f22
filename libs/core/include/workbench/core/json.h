#pragma once
// A minimal streaming JSON writer for the CLI's --json output and trace export. It keeps the
// cores free of any JSON library; the Qt side uses QJsonDocument where it reads JSON.
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
#include <ostream>
#include <string>
#include <string_view>
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

} // namespace wb
