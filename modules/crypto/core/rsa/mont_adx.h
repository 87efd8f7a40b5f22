#pragma once
// Montgomery multiplication and squaring for 16-limb (961- to 1024-bit) moduli with the
// BMI2 and ADX instructions (mulx, adcx, adox), chosen at run time by MontgomeryContext;
// internal to core/rsa.
//
// Same numbers as the portable code: 64-bit limbs, R = 2^1024, results fully reduced below
// m by a masked subtraction, so the two are interchangeable product by product.

#include <cstddef>
#include <cstdint>

namespace wb::crypto::adx {

inline constexpr std::size_t kLimbs = 16;

// The CPU has BMI2 (mulx) and ADX (adcx, adox).
bool available();

// r = a * b / 2^1024 mod m, r < m, for a, b < m; m odd with 16 limbs, n0inv = -m^-1 mod 2^64.
// r may alias a or b.
void montMul(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
             const std::uint64_t *m, std::uint64_t n0inv);
// r = a^2 / 2^1024 mod m, the same with each cross product computed once.
void montSqr(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *m,
             std::uint64_t n0inv);

} // namespace wb::crypto::adx
