#pragma once
// Modes of operation for DES / Triple-DES (FIPS 81, NIST SP 800-38A) and PKCS#7 padding.
//
//   ECB    each 8-byte block alone: equal plaintext blocks give equal ciphertext blocks.
//   CBC    C_i = E(P_i ^ C_{i-1}), C_0 = IV.
//   CFB-8  per byte: the top byte of E(register) is XORed into the data, and the register
//          shifts left one byte taking in the ciphertext byte (PyCrypto's default segment).
//   CFB-64 per block: C_i = P_i ^ E(C_{i-1}); the last block may be short.
// Both CFB directions use the cipher's encrypt function; CFB needs no padding.
//
// No padding is ever added implicitly: ECB and CBC reject lengths that are not a multiple of
// 8. Pad first, explicitly:
//     DesModeCipher enc(des, Mode::Cbc, Direction::Encrypt, iv);
//     Bytes c = enc.process(pkcs7Pad(plain));         // right
//     Bytes c = enc.process(plain);                   // wrong unless plain.size() % 8 == 0
//
// A DesModeCipher keeps its feedback register between process() calls, so a message can be
// fed in pieces (for CBC, in whole blocks); use a fresh object per message and direction.
// With a trace, every block (CFB-8: every byte) records "mode_block": mode, direction,
// index, register (the feedback register before the step), cipher_in, cipher_out, in, out;
// the DES events of each block come first.

#include "crypto/core/bytes.h"
#include "crypto/core/des.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace wb::crypto {

enum class Mode { Ecb, Cbc, Cfb8, Cfb64 };
enum class Direction { Encrypt, Decrypt };

std::optional<Mode> parseMode(std::string_view name); // "ecb", "cbc", "cfb8", "cfb64"
std::string_view modeName(Mode mode);
bool modeNeedsIv(Mode mode);          // all but ECB
bool modeNeedsWholeBlocks(Mode mode); // ECB and CBC

class DesModeCipher
{
public:
    // CryptoError when the IV is missing or not 8 bytes (CBC, CFB), or given for ECB.
    DesModeCipher(const DesCipher &cipher, Mode mode, Direction direction,
                  std::span<const std::uint8_t> iv = {}, wb::Trace *trace = nullptr);

    // Writes in.size() bytes to out (out may equal in.data()). CryptoError for ECB/CBC
    // when in.size() is not a multiple of 8.
    void process(std::span<const std::uint8_t> in, std::uint8_t *out);
    Bytes process(std::span<const std::uint8_t> in);

    Mode mode() const { return m_mode; }
    std::uint64_t feedbackRegister() const { return m_register; }
    void setTrace(wb::Trace *trace) { m_trace = trace; }

private:
    void processTraced(std::span<const std::uint8_t> in, std::uint8_t *out);

    DesCipher m_cipher;
    Mode m_mode;
    Direction m_direction;
    wb::Trace *m_trace;
    std::uint64_t m_register = 0;  // CBC: previous ciphertext; CFB: the shift register
    std::uint64_t m_keystream = 0; // CFB-64: E(register) for the current segment
    unsigned m_used = 8;           // CFB-64: keystream bytes used (8 = need a new block)
    std::uint64_t m_index = 0;     // blocks (CFB-8: bytes) processed, for the trace
};

// PKCS#7: append n bytes of value n, 1 <= n <= blockSize, so a whole block of padding is
// added when the data already fills whole blocks. "abc" -> "abc" 05 05 05 05 05.
Bytes pkcs7Pad(std::span<const std::uint8_t> data, std::size_t blockSize = 8);
// Checks every padding byte and strips them; CryptoError if the padding is malformed.
Bytes pkcs7Unpad(std::span<const std::uint8_t> data, std::size_t blockSize = 8);

} // namespace wb::crypto
