#pragma once
// Stream ciphers: ARC4 (the "alleged RC4" of RFC 6229's test vectors) and repeating-key XOR.
// Both are historical: RC4's keystream is biased (RFC 7465 bans it from TLS) and XOR with a
// short repeating key is not encryption at all. Encryption and decryption are the same
// operation; use a fresh object per message and direction.
//
//     Arc4 rc4(asBytes("01234567"));
//     Bytes c = rc4.process(asBytes("abcdefghijklmnop"));   // f0 b7 90 7b 23 41 ...
//
// With a trace:
//   "arc4_ksa"   each of the 256 key-schedule steps: i, j, key_byte, s (the 256-byte S after
//                the swap)
//   "arc4_prga"  each keystream byte: step, i, j, t = S[i] + S[j], k (keystream byte), in,
//                out, s (after the swap)
//   "xor_byte"   XOR: index, key_byte, in, out

#include "crypto/core/bytes.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wb {
class Trace;
}

namespace wb::crypto {

class Arc4
{
public:
    // CryptoError unless 1 <= key.size() <= 256.
    explicit Arc4(std::span<const std::uint8_t> key, wb::Trace *trace = nullptr);

    // out[k] = in[k] ^ next keystream byte; out may equal in.data(). Without a trace, calls
    // of at least kWideMinimum bytes run the wide path (32-bit state words, eight rounds per
    // 64-bit keystream word); shorter ones and traced ones step one byte at a time. Both
    // give the same bytes and leave the same state(), i() and j().
    void process(std::span<const std::uint8_t> in, std::uint8_t *out);
    Bytes process(std::span<const std::uint8_t> in);
    // false forces the byte-at-a-time loop (the teaching path's arithmetic without the
    // trace), which the tests compare the wide path against.
    void setFastPath(bool allowed) { m_fastPath = allowed; }
    static constexpr std::size_t kWideMinimum = 64;

    const std::array<std::uint8_t, 256> &state() const { return m_s; }
    std::uint8_t i() const { return m_i; }
    std::uint8_t j() const { return m_j; }
    void setTrace(wb::Trace *trace) { m_trace = trace; }

private:
    std::array<std::uint8_t, 256> m_s{};
    std::uint8_t m_i = 0, m_j = 0;
    std::uint64_t m_step = 0;
    wb::Trace *m_trace;
    bool m_fastPath = true;
};

// data[k] ^ key[k mod key.size()]. CryptoError unless 1 <= key.size() <= 256.
Bytes xorCipher(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data,
                wb::Trace *trace = nullptr);

} // namespace wb::crypto
