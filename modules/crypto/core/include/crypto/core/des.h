#pragma once
// DES (FIPS 46-3) and Triple-DES EDE (NIST SP 800-67), one 64-bit block at a time.
//
//     auto des = DesCipher::des(asBytes("01234567"));
//     des.encryptBlock(0x6162636465666768)   // "abcdefgh" -> 0xecc29ed95d2061d0
//
// Blocks are 64-bit integers read big-endian (bit 1 of the standard is the most significant
// bit). Keys are 8 bytes (DES), 16 bytes (2-key Triple-DES: K1, K2, K1) or 24 bytes (3-key:
// K1, K2, K3); the parity bit of each key byte is ignored, as in the standard.
// Triple-DES encrypts as E(K3, D(K2, E(K1, P))): with K1 = K2 = K3 it equals single DES.
//
// With a trace the same rounds record (stage is 0 for DES, 1..3 for the Triple-DES passes):
//   "des_subkey"  key schedule: stage, round 1..16, c, d (28-bit halves), subkey (48 bits)
//   "des_ip"      stage, input, output (after the initial permutation), l, r
//   "des_round"   stage, round 1..16, l, r (after the round), subkey, e (E(R), 48 bits),
//                 e_xor_k, sbox (the eight 4-bit S-box outputs), f (after P)
//   "des_fp"      stage, preoutput (R16 L16), output (after the final permutation)

#include "crypto/core/bytes.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wb {
class Trace;
}

namespace wb::crypto {

class DesCipher
{
public:
    static constexpr std::size_t kBlockSize = 8;

    // CryptoError unless the key has 8 bytes.
    static DesCipher des(std::span<const std::uint8_t> key, wb::Trace *trace = nullptr);
    // CryptoError unless the key has 16 or 24 bytes.
    static DesCipher tripleDes(std::span<const std::uint8_t> key, wb::Trace *trace = nullptr);

    std::uint64_t encryptBlock(std::uint64_t block, wb::Trace *trace = nullptr) const;
    std::uint64_t decryptBlock(std::uint64_t block, wb::Trace *trace = nullptr) const;

    bool isTriple() const { return m_stages == 3; }
    // The 16 round keys (48 bits each) of key `stage` (0..2).
    const std::array<std::uint64_t, 16> &subkeys(int stage = 0) const
    {
        return m_schedule[stage].subkeys;
    }

private:
    struct Schedule
    {
        std::array<std::uint64_t, 16> subkeys{};
        // Each subkey's eight 6-bit S-box inputs, placed where the round function's two
        // rotated copies of R have them (des.cpp, desRounds).
        std::uint32_t keyEven[16] = {}, keyOdd[16] = {};
    };
    static Schedule makeSchedule(std::uint64_t key, int stage, wb::Trace *trace);
    std::uint64_t runStage(int key, bool decrypt, int stage, std::uint64_t block,
                           wb::Trace *trace) const;
    std::uint64_t tripleFast(std::uint64_t block, bool decrypt) const;

    std::array<Schedule, 3> m_schedule{};
    int m_stages = 1;
};

std::uint64_t loadBlock(const std::uint8_t *p);        // 8 bytes, big-endian
void storeBlock(std::uint8_t *p, std::uint64_t block); // 8 bytes, big-endian

} // namespace wb::crypto
