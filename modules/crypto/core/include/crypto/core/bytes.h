#pragma once
// Byte helpers shared by every primitive: hex in and out, constant-time comparison of
// secrets, OS randomness, and the error type the cores throw on bad input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wb::crypto {

using Bytes = std::vector<std::uint8_t>;

// Thrown for input a caller can fix (wrong key length, missing IV, bad length). The message
// is one sentence that says what is wrong and what is expected: "DES needs an 8-byte key,
// got 5 bytes".
class CryptoError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// A file could not be opened, read or written; the message names the file and the reason.
class IoError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Lowercase hex, two digits per byte: {0xec, 0xc2} -> "ecc2".
std::string toHex(std::span<const std::uint8_t> bytes);

// Strict hex: an even number of [0-9a-fA-F], nothing else (no spaces, no "0x").
// Returns nullopt and, when `why` is given, a sentence naming the problem.
std::optional<Bytes> fromHex(std::string_view hex, std::string *why = nullptr);

inline std::span<const std::uint8_t> asBytes(std::string_view text)
{
    return {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()};
}
inline Bytes toBytes(std::string_view text)
{
    return Bytes(text.begin(), text.end());
}

// True when a and b are equal. The time depends only on the lengths, never on where the
// first difference is, so a digest or MAC check leaks nothing through timing:
//     constantTimeEqual(storedTag, computedTag)     // right
//     storedTag == computedTag                      // wrong: stops at the first difference
bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// Fills `out` from the kernel CSPRNG (getrandom(2)); throws CryptoError if the kernel
// refuses. Never a seeded generator: wb::Rng is for reproducible tests, not for keys.
void randomBytes(std::span<std::uint8_t> out);
Bytes randomBytes(std::size_t count);

// Overwrites a secret before its memory is released; the compiler may not drop the stores.
void secureWipe(std::span<std::uint8_t> bytes);

} // namespace wb::crypto
