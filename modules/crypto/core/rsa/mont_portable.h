#pragma once
// The portable 16-limb Montgomery kernels of montgomery.cpp (product scanning, R = 2^1024,
// results below m), exposed so the tests can hold the accelerated kernels against them;
// internal to core/rsa. Same contract as adx::montMul / adx::montSqr.

#include <cstdint>

namespace wb::crypto::portable {

void montMul16(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
               const std::uint64_t *m, std::uint64_t n0inv);
void montSqr16(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *m,
               std::uint64_t n0inv);

} // namespace wb::crypto::portable
