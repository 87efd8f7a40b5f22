#pragma once
// Password-protected files, the fixed version of the tutorial's Triple-DES CFB example:
// the file carries everything needed to decrypt it, tampering is detected before a byte is
// written, and a failure leaves nothing behind.
//
// Format (version 1), integers big-endian:
//   offset  size  field
//        0     4  magic "WBEF"
//        4     1  version = 1
//        5     1  cipher: 1 = Triple-DES (3-key) CFB-64, no padding
//        6     1  kdf: 1 = PBKDF2-HMAC-SHA256
//        7     1  reserved = 0
//        8     4  PBKDF2 iteration count (1000 .. 10,000,000)
//       12    16  salt (random per file)
//       28     8  IV (random per file)
//       36     n  ciphertext, exactly as long as the plaintext
//     36+n    32  HMAC-SHA256 tag over bytes [0, 36+n)  (encrypt-then-MAC)
// Keys: PBKDF2-HMAC-SHA256(password, salt, iterations, 56 bytes) -> 24-byte cipher key, then
// a 32-byte MAC key; one password yields independent keys for the two jobs.
//
// Both functions write to a temporary file in the output's folder and rename it over the
// output only on success: a crash, cancel or error never leaves a partial output. The input
// is never overwritten (same path or same inode is refused), and an existing output is
// refused unless `overwrite` is set.

#include "crypto/core/bytes.h"
#include "crypto/core/checksum.h"

#include <cstdint>
#include <span>
#include <string>

namespace wb::crypto {

// The tag did not verify: wrong password, or the file was changed or truncated.
class AuthenticationError : public CryptoError
{
public:
    using CryptoError::CryptoError;
};

struct SealOptions
{
    std::uint32_t iterations = 200000; // PBKDF2 cost when encrypting
    bool overwrite = false;            // replace an existing output file
    Progress progress;                 // may cancel
};

inline constexpr std::size_t kSealedHeaderSize = 36;
inline constexpr std::size_t kSealedTagSize = 32;

// true on success, false when cancelled (no output left). IoError for file problems,
// CryptoError for bad arguments (empty password, iterations out of range).
bool encryptFile(const std::string &input, const std::string &output,
                 std::span<const std::uint8_t> password, const SealOptions &options = {});

// As above; additionally CryptoError when the input is not in this format, and
// AuthenticationError when the tag does not verify (nothing is written in either case).
bool decryptFile(const std::string &input, const std::string &output,
                 std::span<const std::uint8_t> password, const SealOptions &options = {});

} // namespace wb::crypto
