// The Hasher: buffering, Merkle-Damgard padding and the length field, and dispatch to the
// compression functions in md2.cpp .. sha256.cpp.
#include "crypto/core/hash.h"

#include "crypto/core/events.h"
#include "hash_blocks.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace wb::crypto {

// ---------------------------------------------------------------------------------------
// Names and sizes
// ---------------------------------------------------------------------------------------

std::optional<HashAlg> parseHashAlg(std::string_view name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    if (lower == "md2")
        return HashAlg::Md2;
    if (lower == "md4")
        return HashAlg::Md4;
    if (lower == "md5")
        return HashAlg::Md5;
    if (lower == "sha1" || lower == "sha-1")
        return HashAlg::Sha1;
    if (lower == "sha256" || lower == "sha-256")
        return HashAlg::Sha256;
    return std::nullopt;
}

std::string_view hashName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Md2:
        return "md2";
    case HashAlg::Md4:
        return "md4";
    case HashAlg::Md5:
        return "md5";
    case HashAlg::Sha1:
        return "sha1";
    case HashAlg::Sha256:
        return "sha256";
    }
    return "?";
}

std::string_view hashDisplayName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Md2:
        return "MD2";
    case HashAlg::Md4:
        return "MD4";
    case HashAlg::Md5:
        return "MD5";
    case HashAlg::Sha1:
        return "SHA-1";
    case HashAlg::Sha256:
        return "SHA-256";
    }
    return "?";
}

std::size_t digestSize(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1:
        return 20;
    case HashAlg::Sha256:
        return 32;
    default:
        return 16;
    }
}

std::size_t blockSize(HashAlg alg)
{
    return alg == HashAlg::Md2 ? 16 : 64;
}

bool isConsideredSecure(HashAlg alg)
{
    return alg == HashAlg::Sha256;
}

// ---------------------------------------------------------------------------------------
// Hasher
// ---------------------------------------------------------------------------------------

Hasher::Hasher(HashAlg alg, wb::Trace *trace) : m_alg(alg), m_trace(trace)
{
    reset();
}

void Hasher::reset()
{
    switch (m_alg) {
    case HashAlg::Md2:
        m_md2X.fill(0);
        m_md2C.fill(0);
        m_md2L = 0;
        break;
    case HashAlg::Md4:
    case HashAlg::Md5:
        m_h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0, 0, 0, 0};
        break;
    case HashAlg::Sha1:
        m_h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0, 0, 0, 0};
        break;
    case HashAlg::Sha256:
        // First 32 bits of the fractional parts of the square roots of the first 8 primes.
        m_h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        break;
    }
    m_buffered = 0;
    m_length = 0;
    m_blocks = 0;
}

void Hasher::compress(const std::uint8_t *blocks, std::size_t count)
{
    const bool fast = m_accelerated && !m_trace && shaExtensionsAvailable();
    switch (m_alg) {
    case HashAlg::Md2:
        detail::md2Blocks(m_md2X.data(), m_md2C.data(), m_md2L, blocks, count, m_md2Variant,
                          m_blocks, m_trace);
        break;
    case HashAlg::Md4:
        detail::md4Blocks(m_h.data(), blocks, count, m_blocks, m_trace);
        break;
    case HashAlg::Md5:
        detail::md5Blocks(m_h.data(), blocks, count, m_blocks, m_trace);
        break;
    case HashAlg::Sha1:
        if (fast)
            detail::sha1BlocksShaNi(m_h.data(), blocks, count);
        else
            detail::sha1Blocks(m_h.data(), blocks, count, m_blocks, m_trace);
        break;
    case HashAlg::Sha256:
        if (fast)
            detail::sha256BlocksShaNi(m_h.data(), blocks, count);
        else
            detail::sha256Blocks(m_h.data(), blocks, count, m_blocks, m_trace);
        break;
    }
    m_blocks += count;
}

void Hasher::update(std::span<const std::uint8_t> data)
{
    const std::size_t block = blockSize();
    const std::uint8_t *p = data.data();
    std::size_t n = data.size();
    m_length += n;
    if (m_buffered > 0) {
        const std::size_t take = std::min(n, block - m_buffered);
        std::memcpy(m_buffer.data() + m_buffered, p, take);
        m_buffered += take;
        p += take;
        n -= take;
        if (m_buffered < block)
            return;
        compress(m_buffer.data(), 1);
        m_buffered = 0;
    }
    // Whole blocks straight from the caller's memory, no copy.
    if (n >= block) {
        const std::size_t count = n / block;
        compress(p, count);
        p += count * block;
        n -= count * block;
    }
    if (n > 0) {
        std::memcpy(m_buffer.data(), p, n);
        m_buffered = n;
    }
}

void Hasher::final(std::uint8_t *out)
{
    const std::string name(hashName(m_alg));
    if (m_alg == HashAlg::Md2) {
        // Pad with i bytes of value i, 1 <= i <= 16: a full block of 16s when the message
        // already fills whole blocks, so padding is always present and removable.
        const std::size_t padLength = 16 - m_buffered;
        const Bytes pad(padLength, std::uint8_t(padLength));
        if (m_trace)
            wb::record(m_trace, events::Padding{"md2", pad, m_length * 8},
                       "md2 padding: " + std::to_string(padLength) + " bytes of value " +
                           std::to_string(padLength));
        const std::uint64_t length = m_length;
        update(pad);
        m_length = length;
        if (m_trace)
            wb::record(m_trace,
                       events::Md2AppendChecksum{"md2", Bytes(m_md2C.begin(), m_md2C.end())},
                       "md2 appends the checksum as the last block");
        detail::md2ChecksumBlock(m_md2X.data(), m_md2C.data(), m_blocks, m_trace);
        ++m_blocks;
        std::memcpy(out, m_md2X.data(), 16);
    } else {
        // One 0x80 byte (the single 1 bit), zeros up to 56 mod 64, then the 64-bit length
        // in bits. "abc" -> 61 62 63 80, 52 zero bytes, 18 00 .. 00 (MD5, little-endian).
        const std::uint64_t bits = m_length * 8;
        const std::size_t padLength = (m_buffered < 56 ? 56 : 120) - m_buffered;
        Bytes pad(padLength, 0);
        pad[0] = 0x80;
        std::uint8_t lengthField[8];
        const bool littleEndian = m_alg == HashAlg::Md4 || m_alg == HashAlg::Md5;
        for (int i = 0; i < 8; ++i)
            lengthField[i] = std::uint8_t(bits >> (littleEndian ? 8 * i : 56 - 8 * i));
        if (m_trace) {
            wb::record(m_trace, events::Padding{name, pad, bits},
                       name + " padding: 0x80 then " + std::to_string(padLength - 1) +
                           " zero bytes");
            wb::record(m_trace,
                       events::Length{name, Bytes(lengthField, lengthField + 8), bits,
                                      littleEndian ? "little" : "big"},
                       name + " length field: " + std::to_string(bits) + " bits");
        }
        update(pad);
        update(std::span<const std::uint8_t>(lengthField, 8));
        const std::size_t wordsOut = digestSize() / 4;
        for (std::size_t i = 0; i < wordsOut; ++i) {
            if (littleEndian)
                detail::storeLe32(out + 4 * i, m_h[i]);
            else
                detail::storeBe32(out + 4 * i, m_h[i]);
        }
    }
    if (m_trace)
        wb::record(m_trace, events::Digest{name, Bytes(out, out + digestSize())},
                   name + " digest");
    reset();
}

Bytes Hasher::final()
{
    Bytes out(digestSize());
    final(out.data());
    return out;
}

namespace detail {

void recordStep(std::source_location where, wb::Trace *trace, const char *alg, std::uint64_t index,
                int round, int step, int word, const std::uint32_t *regs, int count)
{
    events::Step e;
    e.alg = alg;
    e.index = index;
    e.round = round;
    e.step = step;
    if (word >= 0)
        e.word = word;
    e.a = regs[0];
    e.b = regs[1];
    e.c = regs[2];
    e.d = regs[3];
    std::optional<std::uint32_t> *more[4] = {&e.e, &e.f, &e.g, &e.h};
    for (int r = 4; r < count; ++r)
        *more[r - 4] = regs[r];
    wb::record(trace, e,
               std::string(alg) + " round " + std::to_string(round) + " step " +
                   std::to_string(step),
               0, where);
}

void recordBlock(std::source_location where, wb::Trace *trace, const char *alg,
                 std::uint64_t index, const std::uint8_t *block, const char *scheduleLabel,
                 const std::uint32_t *schedule, int scheduleCount)
{
    wb::record(trace, events::Block{alg, index, Bytes(block, block + 64)},
               std::string(alg) + " block " + std::to_string(index), 0, where);
    wb::record(trace,
               events::Schedule{alg, index,
                                std::vector<std::int64_t>(schedule, schedule + scheduleCount)},
               scheduleLabel, 0, where);
}

void recordState(std::source_location where, wb::Trace *trace, const char *alg,
                 std::uint64_t index, const std::uint32_t *h, int count)
{
    events::State e;
    e.alg = alg;
    e.index = index;
    std::optional<std::uint32_t> *regs[8] = {&e.a, &e.b, &e.c, &e.d, &e.e, &e.f, &e.g, &e.h};
    for (int r = 0; r < count; ++r)
        *regs[r] = h[r];
    wb::record(trace, e, std::string(alg) + " state after block " + std::to_string(index), 0,
               where);
}

} // namespace detail

Bytes digest(HashAlg alg, std::span<const std::uint8_t> data, wb::Trace *trace)
{
    Hasher h(alg, trace);
    h.update(data);
    return h.final();
}

} // namespace wb::crypto
