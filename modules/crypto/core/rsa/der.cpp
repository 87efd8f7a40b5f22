// Minimal DER reader and writer (see der.h).
#include "der.h"

#include <vector>

namespace wb::crypto::der {

void Reader::fail(const std::string &sentence) const
{
    throw PemError("malformed " + m_context + ": " + sentence);
}

std::uint8_t Reader::peekTag() const
{
    if (atEnd())
        fail("it ends where another element was expected");
    return m_data[m_pos];
}

std::span<const std::uint8_t> Reader::read(std::uint8_t tag, const char *what)
{
    const std::size_t left = m_data.size() - m_pos;
    if (left < 2)
        fail(std::string("it ends before the ") + what);
    const std::uint8_t got = m_data[m_pos];
    if (got != tag)
        fail(std::string("expected the ") + what + " (tag 0x" + toHex({&tag, 1}) +
             "), found tag 0x" + toHex({&got, 1}));
    if ((got & 0x1f) == 0x1f)
        fail("multi-byte tags are not used in RSA keys");
    std::size_t pos = m_pos + 1;
    std::size_t length = m_data[pos++];
    if (length == 0x80)
        fail("indefinite lengths are not allowed in DER");
    if (length > 0x80) {
        const std::size_t lengthBytes = length & 0x7f;
        if (lengthBytes > 4)
            fail(std::string("the ") + what + " claims a length of more than 4 GiB");
        if (m_data.size() - pos < lengthBytes)
            fail(std::string("it ends inside the length of the ") + what);
        length = 0;
        for (std::size_t i = 0; i < lengthBytes; ++i)
            length = (length << 8) | m_data[pos++];
        if (length < 0x80 || (lengthBytes > 1 && m_data[pos - lengthBytes] == 0))
            fail(std::string("the length of the ") + what + " is not in its shortest form");
    }
    if (m_data.size() - pos < length)
        fail(std::string("the ") + what + " claims " + std::to_string(length) +
             " bytes but only " + std::to_string(m_data.size() - pos) + " follow");
    m_pos = pos + length;
    return m_data.subspan(pos, length);
}

BigInt Reader::readInteger(const char *what)
{
    const auto bytes = read(Integer, what);
    if (bytes.empty())
        fail(std::string("the ") + what + " is an empty INTEGER");
    if (bytes[0] & 0x80)
        fail(std::string("the ") + what + " is negative");
    if (bytes.size() > 1 && bytes[0] == 0 && !(bytes[1] & 0x80))
        fail(std::string("the ") + what + " has a superfluous leading zero byte");
    return BigInt::fromBytes(bytes);
}

std::string Reader::readObjectId(const char *what)
{
    const auto bytes = read(ObjectId, what);
    if (bytes.empty() || (bytes.back() & 0x80))
        fail(std::string("the ") + what + " is not a valid object identifier");
    std::string dotted;
    std::uint64_t value = 0;
    bool first = true;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (value == 0 && bytes[i] == 0x80)
            fail(std::string("the ") + what + " has a non-minimal arc");
        if (value >> 56)
            fail(std::string("the ") + what + " has an arc too large to read");
        value = (value << 7) | (bytes[i] & 0x7f);
        if (bytes[i] & 0x80)
            continue;
        if (first) {
            const std::uint64_t top = value < 80 ? value / 40 : 2;
            dotted = std::to_string(top) + "." + std::to_string(value - 40 * top);
            first = false;
        } else {
            dotted += "." + std::to_string(value);
        }
        value = 0;
    }
    return dotted;
}

void Reader::skip()
{
    const std::uint8_t tag = peekTag();
    read(tag, "element");
}

void Reader::expectEnd() const
{
    if (!atEnd())
        fail(std::to_string(m_data.size() - m_pos) + " unexpected bytes follow its end");
}

Bytes element(std::uint8_t tag, std::span<const std::uint8_t> contents)
{
    Bytes out{tag};
    const std::size_t n = contents.size();
    if (n < 0x80) {
        out.push_back(std::uint8_t(n));
    } else {
        Bytes len;
        for (std::size_t v = n; v; v >>= 8)
            len.insert(len.begin(), std::uint8_t(v));
        out.push_back(std::uint8_t(0x80 | len.size()));
        out.insert(out.end(), len.begin(), len.end());
    }
    out.insert(out.end(), contents.begin(), contents.end());
    return out;
}

Bytes integer(const BigInt &value)
{
    Bytes bytes = value.toBytes();
    if (bytes.empty() || (bytes[0] & 0x80))
        bytes.insert(bytes.begin(), 0x00); // non-negative: a leading 0 when the top bit is set
    return element(Integer, bytes);
}

Bytes sequence(std::initializer_list<Bytes> elements)
{
    Bytes contents;
    for (const Bytes &e : elements)
        contents.insert(contents.end(), e.begin(), e.end());
    return element(Sequence, contents);
}

Bytes objectId(std::string_view dotted)
{
    std::vector<std::uint64_t> arcs;
    std::uint64_t v = 0;
    for (char c : dotted) {
        if (c == '.') {
            arcs.push_back(v);
            v = 0;
        } else {
            v = v * 10 + std::uint64_t(c - '0');
        }
    }
    arcs.push_back(v);
    Bytes contents;
    auto put = [&](std::uint64_t arc) {
        Bytes groups{std::uint8_t(arc & 0x7f)};
        for (arc >>= 7; arc; arc >>= 7)
            groups.insert(groups.begin(), std::uint8_t(0x80 | (arc & 0x7f)));
        contents.insert(contents.end(), groups.begin(), groups.end());
    };
    put(arcs[0] * 40 + arcs[1]);
    for (std::size_t i = 2; i < arcs.size(); ++i)
        put(arcs[i]);
    return element(ObjectId, contents);
}

} // namespace wb::crypto::der
