#pragma once
// The reference: OpenSSL 3 libcrypto, called at test time (legacy provider for MD4, DES and
// RC4). Nothing here is compared against itself: every helper runs OpenSSL's own code.

#include "crypto/core/bytes.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ref {

using wb::crypto::Bytes;

// Loads the default and legacy providers once; false if the legacy provider is missing.
bool loadProviders();

// nullopt when OpenSSL lacks the digest (MD2 in OpenSSL 3 builds).
std::optional<Bytes> digest(const std::string &name, std::span<const std::uint8_t> data);

// EVP cipher by name ("DES-ECB", "DES-EDE3-CFB8", "RC4", ...), no padding.
Bytes cipher(const std::string &name, std::span<const std::uint8_t> key,
             std::span<const std::uint8_t> iv, std::span<const std::uint8_t> data, bool encrypt);

Bytes hmac(const std::string &digestName, std::span<const std::uint8_t> key,
           std::span<const std::uint8_t> data);
Bytes pbkdf2Sha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                   unsigned iterations, std::size_t length);

} // namespace ref
