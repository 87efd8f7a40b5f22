#include "workbench/core/json.h"

#include <charconv>
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

// ---- reading ---------------------------------------------------------------------------------

namespace {
const std::string kEmptyString;
const Json::Array kEmptyArray;
const Json::Object kEmptyObject;
} // namespace

bool Json::asBool(bool fallback) const
{
    if (auto b = std::get_if<bool>(&m_v))
        return *b;
    return fallback;
}

std::int64_t Json::asInt(std::int64_t fallback) const
{
    if (auto i = std::get_if<std::int64_t>(&m_v))
        return *i;
    if (auto d = std::get_if<double>(&m_v))
        return static_cast<std::int64_t>(*d);
    return fallback;
}

double Json::asDouble(double fallback) const
{
    if (auto d = std::get_if<double>(&m_v))
        return *d;
    if (auto i = std::get_if<std::int64_t>(&m_v))
        return static_cast<double>(*i);
    return fallback;
}

const std::string &Json::asString() const
{
    if (auto s = std::get_if<std::string>(&m_v))
        return *s;
    return kEmptyString;
}

const Json::Array &Json::asArray() const
{
    if (auto a = std::get_if<Array>(&m_v))
        return *a;
    return kEmptyArray;
}

const Json::Object &Json::asObject() const
{
    if (auto o = std::get_if<Object>(&m_v))
        return *o;
    return kEmptyObject;
}

const Json *Json::find(std::string_view key) const
{
    for (const auto &[k, v] : asObject())
        if (k == key)
            return &v;
    return nullptr;
}

std::int64_t Json::integer(std::string_view key, std::int64_t fallback) const
{
    const Json *v = find(key);
    return v ? v->asInt(fallback) : fallback;
}

std::string Json::str(std::string_view key) const
{
    const Json *v = find(key);
    return v ? v->asString() : std::string();
}

bool Json::flag(std::string_view key) const
{
    const Json *v = find(key);
    return v && v->asBool(false);
}

namespace {

class Parser
{
public:
    explicit Parser(std::string_view text) : m_s(text) {}

    std::optional<Json> document(std::string *error)
    {
        auto v = value(0);
        skipSpace();
        if (v && m_pos != m_s.size())
            fail("text after the value");
        if (!m_error.empty()) {
            if (error)
                *error = m_error + " at byte " + std::to_string(m_pos);
            return std::nullopt;
        }
        return v;
    }

private:
    void fail(const char *what)
    {
        if (m_error.empty())
            m_error = what;
    }
    void skipSpace()
    {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' ||
                                      m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
            ++m_pos;
    }
    // The container ends here (`close` is consumed).
    bool closes(char close)
    {
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == close) {
            ++m_pos;
            return true;
        }
        return false;
    }
    // After an element: true when a ',' announces another, false at `close`, nullopt (a
    // failure) otherwise.
    std::optional<bool> more(char close)
    {
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == ',') {
            ++m_pos;
            return true;
        }
        if (closes(close))
            return false;
        fail(close == '}' ? "',' or '}' was expected" : "',' or ']' was expected");
        return std::nullopt;
    }
    bool literal(std::string_view word)
    {
        if (m_s.substr(m_pos, word.size()) != word)
            return false;
        m_pos += word.size();
        return true;
    }

    std::optional<Json> value(int depth)
    {
        if (depth > 64) {
            fail("nesting too deep");
            return std::nullopt;
        }
        skipSpace();
        if (m_pos >= m_s.size()) {
            fail("the text ended early");
            return std::nullopt;
        }
        const char c = m_s[m_pos];
        if (c == '{')
            return object(depth);
        if (c == '[')
            return array(depth);
        if (c == '"') {
            auto s = string();
            if (!s)
                return std::nullopt;
            return Json(std::move(*s));
        }
        if (literal("true"))
            return Json(true);
        if (literal("false"))
            return Json(false);
        if (literal("null"))
            return Json();
        if (c == '-' || (c >= '0' && c <= '9'))
            return number();
        fail("an unexpected character");
        return std::nullopt;
    }

    std::optional<Json> object(int depth)
    {
        ++m_pos; // {
        Json::Object members;
        if (closes('}'))
            return Json(std::move(members));
        while (true) {
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != '"') {
                fail("a member name was expected");
                return std::nullopt;
            }
            auto key = string();
            if (!key)
                return std::nullopt;
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != ':') {
                fail("':' was expected");
                return std::nullopt;
            }
            ++m_pos;
            auto v = value(depth + 1);
            if (!v)
                return std::nullopt;
            members.emplace_back(std::move(*key), std::move(*v));
            const auto again = more('}');
            if (!again)
                return std::nullopt;
            if (!*again)
                return Json(std::move(members));
        }
    }

    std::optional<Json> array(int depth)
    {
        ++m_pos; // [
        Json::Array items;
        if (closes(']'))
            return Json(std::move(items));
        while (true) {
            auto v = value(depth + 1);
            if (!v)
                return std::nullopt;
            items.push_back(std::move(*v));
            const auto again = more(']');
            if (!again)
                return std::nullopt;
            if (!*again)
                return Json(std::move(items));
        }
    }

    static void appendUtf8(std::string &out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    std::optional<std::uint32_t> hex4()
    {
        if (m_pos + 4 > m_s.size()) {
            fail("a short \\u escape");
            return std::nullopt;
        }
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_s[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else {
                fail("a bad \\u escape");
                return std::nullopt;
            }
        }
        return v;
    }

    std::optional<std::string> string()
    {
        ++m_pos; // "
        std::string out;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20) {
                fail("a control character in a string");
                return std::nullopt;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_s.size())
                break;
            const char e = m_s[m_pos++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                auto cp = hex4();
                if (!cp)
                    return std::nullopt;
                std::uint32_t code = *cp;
                if (code >= 0xd800 && code < 0xdc00 && m_s.substr(m_pos, 2) == "\\u") {
                    const std::size_t save = m_pos;
                    m_pos += 2;
                    auto low = hex4();
                    if (!low)
                        return std::nullopt;
                    if (*low >= 0xdc00 && *low < 0xe000)
                        code = 0x10000 + ((code - 0xd800) << 10) + (*low - 0xdc00);
                    else
                        m_pos = save;
                }
                if (code >= 0xd800 && code < 0xe000)
                    code = 0xfffd; // a lone surrogate
                appendUtf8(out, code);
                break;
            }
            default:
                fail("a bad escape");
                return std::nullopt;
            }
        }
        fail("a string without its closing quote");
        return std::nullopt;
    }

    std::optional<Json> number()
    {
        const std::size_t start = m_pos;
        bool integral = true;
        if (m_s[m_pos] == '-')
            ++m_pos;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos];
            if (c >= '0' && c <= '9') {
                ++m_pos;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                ++m_pos;
            } else {
                break;
            }
        }
        const char *first = m_s.data() + start;
        const char *last = m_s.data() + m_pos;
        if (integral) {
            std::int64_t i = 0;
            auto r = std::from_chars(first, last, i);
            if (r.ec == std::errc() && r.ptr == last)
                return Json(i);
        }
        double d = 0;
        auto r = std::from_chars(first, last, d);
        if (r.ec != std::errc() || r.ptr != last) {
            fail("a bad number");
            return std::nullopt;
        }
        return Json(d);
    }

    std::string_view m_s;
    std::size_t m_pos = 0;
    std::string m_error;
};

} // namespace

std::optional<Json> parseJson(std::string_view text, std::string *error)
{
    return Parser(text).document(error);
}

} // namespace wb
