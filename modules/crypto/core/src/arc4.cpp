#include "crypto/core/arc4.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <bit>
#include <cstring>
#include <string>
#include <utility>

namespace wb::crypto {

// ---------------------------------------------------------------------------------------
// ARC4 key schedule (KSA): S = 0..255, then for i = 0..255: j += S[i] + key[i mod len];
// swap S[i], S[j]. The key cycles, so an 8-byte key and that key repeated twice give the
// same S.
// ---------------------------------------------------------------------------------------

Arc4::Arc4(std::span<const std::uint8_t> key, wb::Trace *trace) : m_trace(trace)
{
    if (key.empty() || key.size() > 256)
        throw CryptoError("ARC4 needs a key of 1 to 256 bytes, got " + std::to_string(key.size()) +
                          " bytes");
    for (int i = 0; i < 256; ++i)
        m_s[i] = std::uint8_t(i);
    std::uint8_t j = 0;
    for (int i = 0; i < 256; ++i) {
        const std::uint8_t keyByte = key[i % key.size()];
        j = std::uint8_t(j + m_s[i] + keyByte);
        std::swap(m_s[i], m_s[j]);
        if (trace)
            wb::record(trace, events::Arc4Ksa{i, j, keyByte, Bytes(m_s.begin(), m_s.end())},
                       "ARC4 key schedule step " + std::to_string(i));
    }
}

// ---------------------------------------------------------------------------------------
// ARC4 keystream (PRGA): i += 1; j += S[i]; swap; k = S[S[i] + S[j]].
// ---------------------------------------------------------------------------------------

namespace {

// The same PRGA on a copy of S widened to 32-bit words, for long untraced calls. Why it is
// faster than the byte loop below:
// - 32-bit entries are read and written with plain moves and index the table directly; no
//   byte-register merges or zero-extensions between the dependent loads;
// - eight rounds are written out one after another, so the processor overlaps the next
//   round's loads of S[i+1] and of S[j] with the current round's swap (the only true
//   dependency between rounds is j, and the store-to-load forwarding when j hits i+1);
// - the eight keystream bytes are gathered into one 64-bit word and XORed with the input
//   by one 8-byte load and one 8-byte store instead of eight of each.
// Widening S and narrowing it back costs about 512 simple moves, which is why short calls
// stay on the byte loop.
void arc4Wide(std::uint8_t *state, std::uint8_t &iRef, std::uint8_t &jRef, const std::uint8_t *in,
              std::uint8_t *out, std::size_t length)
{
    alignas(64) std::uint32_t s[256];
    for (int k = 0; k < 256; ++k)
        s[k] = state[k];
    std::uint32_t i = iRef, j = jRef;
    // One PRGA round; returns the keystream byte in the low 8 bits.
    auto round = [&]() -> std::uint64_t {
        i = (i + 1) & 0xff;
        const std::uint32_t si = s[i];
        j = (j + si) & 0xff;
        const std::uint32_t sj = s[j];
        s[i] = sj;
        s[j] = si;
        return s[(si + sj) & 0xff];
    };
    std::size_t n = 0;
    for (; n + 8 <= length; n += 8) {
        std::uint64_t k;
        if constexpr (std::endian::native == std::endian::little) {
            k = round();
            k |= round() << 8;
            k |= round() << 16;
            k |= round() << 24;
            k |= round() << 32;
            k |= round() << 40;
            k |= round() << 48;
            k |= round() << 56;
        } else {
            k = round() << 56;
            k |= round() << 48;
            k |= round() << 40;
            k |= round() << 32;
            k |= round() << 24;
            k |= round() << 16;
            k |= round() << 8;
            k |= round();
        }
        std::uint64_t x;
        std::memcpy(&x, in + n, 8);
        x ^= k;
        std::memcpy(out + n, &x, 8);
    }
    for (; n < length; ++n)
        out[n] = std::uint8_t(in[n] ^ round());
    for (int k = 0; k < 256; ++k)
        state[k] = std::uint8_t(s[k]);
    iRef = std::uint8_t(i);
    jRef = std::uint8_t(j);
}

} // namespace

void Arc4::process(std::span<const std::uint8_t> in, std::uint8_t *out)
{
    if (!m_trace && m_fastPath && in.size() >= kWideMinimum) {
        arc4Wide(m_s.data(), m_i, m_j, in.data(), out, in.size());
        return;
    }
    std::uint8_t i = m_i, j = m_j;
    std::uint8_t *s = m_s.data();
    if (!m_trace) {
        for (std::size_t n = 0; n < in.size(); ++n) {
            i = std::uint8_t(i + 1);
            const std::uint8_t si = s[i];
            j = std::uint8_t(j + si);
            const std::uint8_t sj = s[j];
            s[i] = sj;
            s[j] = si;
            out[n] = in[n] ^ s[std::uint8_t(si + sj)];
        }
    } else {
        for (std::size_t n = 0; n < in.size(); ++n) {
            i = std::uint8_t(i + 1);
            const std::uint8_t si = s[i];
            j = std::uint8_t(j + si);
            const std::uint8_t sj = s[j];
            s[i] = sj;
            s[j] = si;
            const std::uint8_t t = std::uint8_t(si + sj);
            const std::uint8_t k = s[t];
            const std::uint8_t x = in[n];
            out[n] = x ^ k;
            wb::record(m_trace,
                       events::Arc4Prga{m_step, i, j, t, k, x, std::uint8_t(x ^ k),
                                        Bytes(m_s.begin(), m_s.end())},
                       "ARC4 keystream byte " + std::to_string(m_step));
            ++m_step;
        }
    }
    m_i = i;
    m_j = j;
}

Bytes Arc4::process(std::span<const std::uint8_t> in)
{
    Bytes out(in.size());
    process(in, out.data());
    return out;
}

// ---------------------------------------------------------------------------------------
// XOR with a repeating key
// ---------------------------------------------------------------------------------------

Bytes xorCipher(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data,
                wb::Trace *trace)
{
    if (key.empty() || key.size() > 256)
        throw CryptoError("XOR needs a key of 1 to 256 bytes, got " + std::to_string(key.size()) +
                          " bytes");
    Bytes out(data.size());
    for (std::size_t n = 0; n < data.size(); ++n) {
        out[n] = data[n] ^ key[n % key.size()];
        if (trace)
            wb::record(trace, events::XorByte{n, key[n % key.size()], data[n], out[n]},
                       "XOR byte " + std::to_string(n));
    }
    return out;
}

} // namespace wb::crypto
