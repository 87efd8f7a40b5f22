#include "crypto/core/arc4.h"

#include "workbench/core/trace.h"

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
            trace->add(
                "arc4_ksa", "ARC4 key schedule step " + std::to_string(i),
                {{"i", i}, {"j", j}, {"key_byte", keyByte}, {"s", Bytes(m_s.begin(), m_s.end())}});
    }
}

// ---------------------------------------------------------------------------------------
// ARC4 keystream (PRGA): i += 1; j += S[i]; swap; k = S[S[i] + S[j]].
// ---------------------------------------------------------------------------------------

void Arc4::process(std::span<const std::uint8_t> in, std::uint8_t *out)
{
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
            m_trace->add("arc4_prga", "ARC4 keystream byte " + std::to_string(m_step),
                         {{"step", m_step},
                          {"i", i},
                          {"j", j},
                          {"t", t},
                          {"k", k},
                          {"in", x},
                          {"out", std::uint8_t(x ^ k)},
                          {"s", Bytes(m_s.begin(), m_s.end())}});
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
            trace->add("xor_byte", "XOR byte " + std::to_string(n),
                       {{"index", n},
                        {"key_byte", key[n % key.size()]},
                        {"in", data[n]},
                        {"out", out[n]}});
    }
    return out;
}

} // namespace wb::crypto
