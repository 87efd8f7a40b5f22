#include "crypto/core/hmac.h"

#include <algorithm>
#include <string>

namespace wb::crypto {

// ---------------------------------------------------------------------------------------
// HMAC: H((K ^ opad) || H((K ^ ipad) || m)), ipad = 0x36.., opad = 0x5c..
// ---------------------------------------------------------------------------------------

Hmac::Hmac(HashAlg alg, std::span<const std::uint8_t> key)
    : m_inner(alg), m_outer(alg), m_innerStart(alg), m_outerStart(alg)
{
    const std::size_t block = blockSize(alg);
    Bytes k(block, 0);
    if (key.size() > block) {
        const Bytes hashed = digest(alg, key);
        std::copy(hashed.begin(), hashed.end(), k.begin());
    } else {
        std::copy(key.begin(), key.end(), k.begin());
    }
    Bytes pad(block);
    for (std::size_t i = 0; i < block; ++i)
        pad[i] = k[i] ^ 0x36;
    m_innerStart.update(pad);
    for (std::size_t i = 0; i < block; ++i)
        pad[i] = k[i] ^ 0x5c;
    m_outerStart.update(pad);
    secureWipe(k);
    secureWipe(pad);
    m_inner = m_innerStart;
}

void Hmac::final(std::uint8_t *out)
{
    std::uint8_t innerDigest[32];
    m_inner.final(innerDigest);
    m_outer = m_outerStart;
    m_outer.update(std::span<const std::uint8_t>(innerDigest, m_inner.digestSize()));
    m_outer.final(out);
    m_inner = m_innerStart;
}

Bytes Hmac::final()
{
    Bytes out(tagSize());
    final(out.data());
    return out;
}

Bytes hmac(HashAlg alg, std::span<const std::uint8_t> key, std::span<const std::uint8_t> msg)
{
    Hmac mac(alg, key);
    mac.update(msg);
    return mac.final();
}

// ---------------------------------------------------------------------------------------
// PBKDF2: T_i = U_1 ^ U_2 ^ ... ^ U_c, U_1 = PRF(P, S || INT(i)), U_j = PRF(P, U_{j-1})
// ---------------------------------------------------------------------------------------

Bytes pbkdf2HmacSha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                       std::uint32_t iterations, std::size_t length)
{
    if (iterations == 0)
        throw CryptoError("PBKDF2 needs at least 1 iteration");
    if (length == 0 || length > (std::size_t(1) << 20))
        throw CryptoError("PBKDF2 output length must be 1 to 1048576 bytes, got " +
                          std::to_string(length));
    Hmac prf(HashAlg::Sha256, password); // keyed once; final() rewinds to the keyed state
    Bytes out;
    out.reserve(length);
    std::uint8_t u[32], t[32];
    for (std::uint32_t blockIndex = 1; out.size() < length; ++blockIndex) {
        const std::uint8_t counter[4] = {std::uint8_t(blockIndex >> 24),
                                         std::uint8_t(blockIndex >> 16),
                                         std::uint8_t(blockIndex >> 8), std::uint8_t(blockIndex)};
        prf.update(salt);
        prf.update(std::span<const std::uint8_t>(counter, 4));
        prf.final(u);
        std::copy(u, u + 32, t);
        for (std::uint32_t j = 1; j < iterations; ++j) {
            prf.update(std::span<const std::uint8_t>(u, 32));
            prf.final(u);
            for (int k = 0; k < 32; ++k)
                t[k] ^= u[k];
        }
        const std::size_t take = std::min<std::size_t>(32, length - out.size());
        out.insert(out.end(), t, t + take);
    }
    secureWipe(u);
    secureWipe(t);
    return out;
}

} // namespace wb::crypto
