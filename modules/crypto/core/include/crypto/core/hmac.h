#pragma once
// HMAC (RFC 2104) over any Hasher algorithm, and PBKDF2-HMAC-SHA256 (RFC 8018) for
// deriving keys from passwords.
//
//     Bytes tag = hmac(HashAlg::Sha256, key, message);
//     Bytes key = pbkdf2HmacSha256(asBytes(password), salt, 200000, 56);

#include "crypto/core/bytes.h"
#include "crypto/core/hash.h"

#include <cstdint>
#include <span>

namespace wb::crypto {

class Hmac
{
public:
    // Keys longer than the hash's block size are hashed first (RFC 2104 section 2).
    Hmac(HashAlg alg, std::span<const std::uint8_t> key);

    void update(std::span<const std::uint8_t> data) { m_inner.update(data); }
    void update(std::string_view text) { m_inner.update(text); }
    // The tag (digestSize bytes); the object is then ready for a new message, same key.
    Bytes final();
    void final(std::uint8_t *out);
    std::size_t tagSize() const { return m_inner.digestSize(); }

private:
    Hasher m_inner, m_outer;           // keyed: running message hash, outer hash
    Hasher m_innerStart, m_outerStart; // states after the ipad / opad block, for reuse
};

Bytes hmac(HashAlg alg, std::span<const std::uint8_t> key, std::span<const std::uint8_t> msg);

// PBKDF2 with HMAC-SHA256 as the PRF. iterations >= 1 and 1 <= length <= 2^20 bytes, else
// CryptoError. Each output block costs 2 * iterations SHA-256 compressions (plus setup).
Bytes pbkdf2HmacSha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                       std::uint32_t iterations, std::size_t length);

} // namespace wb::crypto
