#pragma once
// Hash functions: MD2 (RFC 1319), MD4 (RFC 1320), MD5 (RFC 1321), SHA-1 and SHA-256
// (FIPS 180-4), behind one interface.
//
//     auto d = wb::crypto::digest(HashAlg::Md5, asBytes("abc"));   // 900150983cd2...
//
//     wb::crypto::Hasher h(HashAlg::Sha256);                      // incremental
//     while (read(chunk)) h.update(chunk);
//     Bytes d = h.final();                                          // h is reset
//
// Any split of the input into update() calls gives the same digest as one-shot hashing.
//
// With a wb::Trace attached the same code records (see README.md for every field):
//   "block"    each compressed block: alg, index, bytes
//   "schedule" the block's message words (MD4/MD5: X[0..15]; SHA: W[0..79] / W[0..63])
//   "step"     the registers after every step of every round: alg, round, step, a, b, ...
//   "state"    the chaining value after the block's feed-forward
//   "padding"  the bytes appended by final(): alg, bytes, message_bits
//   "length"   the length field (MD4/MD5 little-endian, SHA big-endian): bytes, bits
//   "md2_checksum", "md2_round" for MD2 (see md2.cpp), "digest" at the end.
// With no trace the compression functions run their untraced instantiation at full speed.

#include "crypto/core/bytes.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace wb {
class Trace;
}

namespace wb::crypto {

enum class HashAlg { Md2, Md4, Md5, Sha1, Sha256 };

inline constexpr std::array<HashAlg, 5> kAllHashAlgs = {HashAlg::Md2, HashAlg::Md4, HashAlg::Md5,
                                                        HashAlg::Sha1, HashAlg::Sha256};

// "md2", "md4", "md5", "sha1", "sha256" (case-insensitive; "sha-1"/"sha-256" accepted).
std::optional<HashAlg> parseHashAlg(std::string_view name);
std::string_view hashName(HashAlg alg);        // "sha256"
std::string_view hashDisplayName(HashAlg alg); // "SHA-256"
std::size_t digestSize(HashAlg alg);           // bytes: 16, 16, 16, 20, 32
std::size_t blockSize(HashAlg alg);            // bytes: 16 for MD2, 64 for the others
bool isConsideredSecure(HashAlg alg);          // the tutorial's table: only SHA-256

// MD2's checksum as RFC 1319 (with its erratum) specifies it, or as the companion draft
// wrote it (C[j] = S[c ^ L] instead of C[j] ^= S[c ^ L]). They agree while the message has
// one 16-byte block and diverge after: "abcdefghijklmnopqrstuvwxyz" gives 4e8ddff3... (RFC)
// and 65182bb8... (draft). Only the RFC form is MD2; the draft is for the lesson.
enum class Md2Checksum { Rfc1319, Draft };

class Hasher
{
public:
    explicit Hasher(HashAlg alg, wb::Trace *trace = nullptr);

    void update(std::span<const std::uint8_t> data);
    void update(std::string_view text) { update(asBytes(text)); }
    // Pads, writes digestSize() bytes, and resets for a new message.
    void final(std::uint8_t *out);
    Bytes final();
    void reset();

    HashAlg alg() const { return m_alg; }
    std::size_t digestSize() const { return crypto::digestSize(m_alg); }
    std::size_t blockSize() const { return crypto::blockSize(m_alg); }
    std::uint64_t bytesHashed() const { return m_length; }

    // Records into `trace` from now on (nullptr detaches).
    void setTrace(wb::Trace *trace) { m_trace = trace; }
    // MD2 only; takes effect from the next block.
    void setMd2Checksum(Md2Checksum variant) { m_md2Variant = variant; }
    // SHA-1/SHA-256 use the CPU's SHA extensions when present and no trace is attached;
    // false forces the portable (teaching) code, which tests compare against.
    void setAccelerated(bool allowed) { m_accelerated = allowed; }

private:
    void compress(const std::uint8_t *blocks, std::size_t count);

    HashAlg m_alg;
    wb::Trace *m_trace;
    Md2Checksum m_md2Variant = Md2Checksum::Rfc1319;
    bool m_accelerated = true;
    std::array<std::uint32_t, 8> m_h{}; // MD4/MD5/SHA chaining value
    std::array<std::uint8_t, 48> m_md2X{};
    std::array<std::uint8_t, 16> m_md2C{};
    std::uint8_t m_md2L = 0;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0; // bytes so far
    std::uint64_t m_blocks = 0; // blocks compressed so far (the trace's block index)
};

// One-shot digest.
Bytes digest(HashAlg alg, std::span<const std::uint8_t> data, wb::Trace *trace = nullptr);
inline Bytes digest(HashAlg alg, std::string_view text, wb::Trace *trace = nullptr)
{
    return digest(alg, asBytes(text), trace);
}

// True when this CPU has the SHA extensions the accelerated SHA-1/SHA-256 path uses.
bool shaExtensionsAvailable();

} // namespace wb::crypto
