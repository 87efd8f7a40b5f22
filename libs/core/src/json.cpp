#include "workbench/core/json.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace wb {

std::string JsonWriter::escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
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
