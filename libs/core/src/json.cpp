#include "workbench/core/json.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace wb {

std::string JsonWriter::escape(std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 2);
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Valid UTF-8 passes whole; a byte outside a valid sequence becomes the text
            // \xNN (written "\\xNN"), so the output stays UTF-8 and the byte stays visible.
            const std::size_t n = utf8SequenceLength(s, i);
            if (n > 0) {
                out.append(s.substr(i, n));
                i += n;
            } else {
                out += "\\\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
                ++i;
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out;
}

std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) {
        return static_cast<unsigned char>(s[k]);
    };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    const bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
    if (overlong || surrogate || cp > 0x10ffff)
        return 0;
    return n;
}

void JsonWriter::newline()
{
    if (!m_pretty)
        return;
    m_out << '\n';
    for (std::size_t i = 0; i < m_first.size(); ++i)
        m_out << "  ";
}

void JsonWriter::separator()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out << ',';
        m_first.back() = false;
        newline();
    }
}

JsonWriter &JsonWriter::beginObject()
{
    separator();
    m_out << '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty)
        newline();
    m_out << '}';
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separator();
    m_out << '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty)
        newline();
    m_out << ']';
    return *this;
}

JsonWriter &JsonWriter::key(std::string_view k)
{
    separator();
    m_out << '"' << escape(k) << "\":";
    if (m_pretty)
        m_out << ' ';
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view s)
{
    separator();
    m_out << '"' << escape(s) << '"';
    return *this;
}

JsonWriter &JsonWriter::value(bool b)
{
    separator();
    m_out << (b ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t v)
{
    separator();
    m_out << v;
    return *this;
}

JsonWriter &JsonWriter::value(std::uint64_t v)
{
    separator();
    m_out << v;
    return *this;
}

JsonWriter &JsonWriter::value(double v)
{
    separator();
    if (!std::isfinite(v)) {
        m_out << "null";
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        m_out << buf;
    }
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separator();
    m_out << "null";
    return *this;
}

JsonWriter &JsonWriter::value(const Value &v)
{
    std::visit(
        [this](const auto &x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                null();
            } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
                static const char digits[] = "0123456789abcdef";
                std::string hex;
                hex.reserve(x.size() * 2);
                for (auto b : x) {
                    hex += digits[b >> 4];
                    hex += digits[b & 15];
                }
                value(std::string_view(hex));
            } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
                array(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                value(std::string_view(x));
            } else {
                value(x);
            }
        },
        v);
    return *this;
}

JsonWriter &JsonWriter::event(const Event &e)
{
    beginObject();
    key("seq").value(e.seq);
    key("t_ns").value(e.tNs);
    key("thread").value(static_cast<std::int64_t>(e.thread));
    key("kind").value(std::string_view(e.kind));
    key("label").value(std::string_view(e.label));
    key("file").value(e.where.fileName());
    key("line").value(static_cast<std::uint64_t>(e.where.line));
    for (const auto &f : e.fields)
        key(f.key).value(f.value);
    return endObject();
}

} // namespace wb
