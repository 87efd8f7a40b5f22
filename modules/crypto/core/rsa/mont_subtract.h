#pragma once
// The last step of every Montgomery product, shared by the portable and the ADX kernels:
// u (N limbs plus a top limb, u < 2m) becomes u mod m by a subtraction whose result is kept
// or dropped with a mask, never a branch, so the time does not depend on the operands.

#include <cstddef>
#include <cstdint>

namespace wb::crypto::detail {

template <std::size_t N>
inline void finalSubtract(std::uint64_t *r, const std::uint64_t *u, std::uint64_t top,
                          const std::uint64_t *n)
{
    using Limb = std::uint64_t;
    Limb diff[N];
    Limb borrow = 0;
    for (std::size_t j = 0; j < N; ++j) {
        const Limb d = u[j] - n[j];
        const Limb nb = Limb(u[j] < n[j]);
        diff[j] = d - borrow;
        borrow = nb | Limb(d < borrow);
    }
    const Limb mask = Limb(0) - (Limb(top != 0) | Limb(borrow == 0));
    for (std::size_t j = 0; j < N; ++j)
        r[j] = (diff[j] & mask) | (u[j] & ~mask);
}

} // namespace wb::crypto::detail
