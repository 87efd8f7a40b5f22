#pragma once
// The small part of DER (ITU-T X.690) that RSA key files use: definite lengths, one-byte
// tags, and the universal types INTEGER, BIT STRING, OCTET STRING, NULL, OBJECT IDENTIFIER
// and SEQUENCE. Internal to the PEM code; the reader throws PemError on anything else.

#include "crypto/core/bigint.h"
#include "crypto/core/pem.h"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>

namespace wb::crypto::der {

enum Tag : std::uint8_t {
    Integer = 0x02,
    BitString = 0x03,
    OctetString = 0x04,
    Null = 0x05,
    ObjectId = 0x06,
    Sequence = 0x30,
};

// Reads elements one after another from a byte range; every read checks that the element
// fits in what is left.
class Reader
{
public:
    Reader(std::span<const std::uint8_t> data, std::string context)
        : m_data(data), m_context(std::move(context))
    {}

    bool atEnd() const { return m_pos == m_data.size(); }
    // The next element's tag without consuming it; PemError at the end.
    std::uint8_t peekTag() const;
    // The contents of the next element, which must have tag `tag`.
    std::span<const std::uint8_t> read(std::uint8_t tag, const char *what);
    Reader readSequence(const char *what) { return Reader(read(Sequence, what), what); }
    BigInt readInteger(const char *what);
    std::string readObjectId(const char *what); // dotted: "1.2.840.113549.1.1.1"
    void skip();                                // any one element
    void expectEnd() const;                     // PemError if bytes are left

private:
    [[noreturn]] void fail(const std::string &sentence) const;

    std::span<const std::uint8_t> m_data;
    std::size_t m_pos = 0;
    std::string m_context;
};

// Writers: each returns one complete element.
Bytes element(std::uint8_t tag, std::span<const std::uint8_t> contents);
Bytes integer(const BigInt &value);
Bytes sequence(std::initializer_list<Bytes> elements);
Bytes objectId(std::string_view dotted);

} // namespace wb::crypto::der
