#pragma once
// Montgomery multiplication for 1024-bit moduli with AVX-512 IFMA (52-bit multiply-add in
// eight 64-bit lanes), chosen at run time by MontgomeryContext::modPow; internal to core/rsa.
//
// Numbers are held in radix 2^52: 20 limbs of 52 bits (1040 bits), padded with zeros to 24
// limbs so they fill three 512-bit registers. R = 2^1040. The product is "almost"
// Montgomery: for a, b < 2m it returns a value congruent to a*b/R mod m and below 2m (not
// necessarily below m), which is again a valid input; only the final result is reduced.

#include <cstddef>
#include <cstdint>

namespace wb::crypto::ifma {

inline constexpr std::size_t kLimbs = 20;  // 52-bit limbs of a 1024-bit number
inline constexpr std::size_t kPadded = 24; // three registers of eight lanes
inline constexpr std::uint64_t kMask = (std::uint64_t(1) << 52) - 1;

// The CPU has AVX-512F and AVX-512 IFMA (and the OS saves the registers).
bool available();

// 16 limbs of 64 bits (little-endian) <-> 24 limbs of 52 bits (the top four zero). fromRadix52
// needs normalized limbs (each < 2^52) of a value below 2^1024.
void toRadix52(std::uint64_t *out24, const std::uint64_t *in16);
void fromRadix52(std::uint64_t *out16, const std::uint64_t *in24);

// r = a * b / 2^1040 (mod m), r < 2m, for a, b < 2m with normalized limbs; m odd, 1024 bits
// or fewer, k0 = -m^-1 mod 2^52. All arrays 24 limbs, 64-byte aligned; r may alias a or b.
void montMul(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
             const std::uint64_t *m, std::uint64_t k0);

// Two independent products in one loop (the two halves of an RSA-CRT private operation):
// each step's latency (multiply-add, lane 0 to a scalar, y, back) hides behind the other's.
void montMul2(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
              const std::uint64_t *m, std::uint64_t k0, std::uint64_t *r2, const std::uint64_t *a2,
              const std::uint64_t *b2, const std::uint64_t *m2, std::uint64_t k02);

// out = table[index] for `entries` entries of 24 limbs, reading every entry with a mask so
// the memory access pattern does not depend on index.
void select(std::uint64_t *out, const std::uint64_t *table, std::size_t entries,
            std::size_t index);

} // namespace wb::crypto::ifma
