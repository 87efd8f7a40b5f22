// AVX-512 IFMA Montgomery multiplication for 1024-bit moduli (see mont_ifma.h).
//
// vpmadd52luq / vpmadd52huq add the low / high 52 bits of the 104-bit products of eight
// pairs of 52-bit lanes to eight 64-bit accumulators. One outer step per limb b[i] of the
// multiplier, operand scanning over all twenty limbs of a at once:
//   R += lo(a * b[i]);  y = R[0] * k0 mod 2^52;  R += lo(m * y)   -> R[0] = 0 mod 2^52
//   R = R / 2^52 (shift one lane down, R[0]'s carry into the new R[0])
//   R += hi(a * b[i]) + hi(m * y)    (the high halves belong one limb up, i.e. where the
//                                     shifted R now has them)
// The lanes are not normalized inside the loop: each collects at most four 52-bit terms
// per step for twenty steps, far below 2^64; one carry pass at the end brings every limb
// back under 2^52. Same bound as Montgomery's: R < a*b/2^1040 + m < 2m for a, b < 2m,
// because 4m < 2^1040.
//
// Constant time in the same sense as the portable code: no branch or memory index depends
// on the operands; the final carry pass is a fixed loop of shifts and masks.
#include "mont_ifma.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WB_HAVE_IFMA_INTRINSICS 1
#include <immintrin.h>
#endif

namespace wb::crypto::ifma {

bool available()
{
#ifdef WB_HAVE_IFMA_INTRINSICS
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
#else
    return false;
#endif
}

void toRadix52(std::uint64_t *out24, const std::uint64_t *in16)
{
    for (std::size_t k = 0; k < kPadded; ++k) {
        const std::size_t bit = 52 * k, limb = bit / 64, shift = bit % 64;
        std::uint64_t v = 0;
        if (limb < 16) {
            v = in16[limb] >> shift;
            if (shift > 12 && limb + 1 < 16)
                v |= in16[limb + 1] << (64 - shift);
        }
        out24[k] = v & kMask;
    }
}

void fromRadix52(std::uint64_t *out16, const std::uint64_t *in24)
{
    for (std::size_t j = 0; j < 16; ++j)
        out16[j] = 0;
    for (std::size_t k = 0; k < kLimbs; ++k) {
        const std::size_t bit = 52 * k, limb = bit / 64, shift = bit % 64;
        out16[limb] |= in24[k] << shift;
        if (shift > 12 && limb + 1 < 16)
            out16[limb + 1] |= in24[k] >> (64 - shift);
    }
}

#ifdef WB_HAVE_IFMA_INTRINSICS

// GCC 12.2's AVX-512 headers build some intrinsics (valignq, the lane-0 extract) on a
// deliberately undefined vector and then warn about it where they are inlined; the code
// here reads no uninitialized value.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#define WB_IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))

namespace {

// One product in flight: the operands and modulus in registers and the accumulator.
struct Product
{
    __m512i a0, a1, a2, m0, m1, m2, r0, r1, r2;
    const std::uint64_t *b;
    std::uint64_t mLow, k0;
};

WB_IFMA_TARGET inline __attribute__((always_inline)) void start(Product &p, const std::uint64_t *a,
                                                                const std::uint64_t *b,
                                                                const std::uint64_t *m,
                                                                std::uint64_t k0)
{
    p.a0 = _mm512_load_si512(a);
    p.a1 = _mm512_load_si512(a + 8);
    p.a2 = _mm512_load_si512(a + 16);
    p.m0 = _mm512_load_si512(m);
    p.m1 = _mm512_load_si512(m + 8);
    p.m2 = _mm512_load_si512(m + 16);
    p.r0 = p.r1 = p.r2 = _mm512_setzero_si512();
    p.b = b;
    p.mLow = m[0];
    p.k0 = k0;
}

// Outer step i (see the comment at the top of the file).
WB_IFMA_TARGET inline __attribute__((always_inline)) void step(Product &p, std::size_t i)
{
    const __m512i zero = _mm512_setzero_si512();
    const __m512i bi = _mm512_set1_epi64(static_cast<long long>(p.b[i]));
    p.r0 = _mm512_madd52lo_epu64(p.r0, p.a0, bi);
    p.r1 = _mm512_madd52lo_epu64(p.r1, p.a1, bi);
    p.r2 = _mm512_madd52lo_epu64(p.r2, p.a2, bi);
    // The high halves go into their own registers, so they do not wait for y.
    __m512i h0 = _mm512_madd52hi_epu64(zero, p.a0, bi);
    __m512i h1 = _mm512_madd52hi_epu64(zero, p.a1, bi);
    __m512i h2 = _mm512_madd52hi_epu64(zero, p.a2, bi);
    const std::uint64_t low =
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm512_castsi512_si128(p.r0)));
    const std::uint64_t y = (low * p.k0) & kMask;
    const __m512i yv = _mm512_set1_epi64(static_cast<long long>(y));
    p.r0 = _mm512_madd52lo_epu64(p.r0, p.m0, yv);
    p.r1 = _mm512_madd52lo_epu64(p.r1, p.m1, yv);
    p.r2 = _mm512_madd52lo_epu64(p.r2, p.m2, yv);
    h0 = _mm512_madd52hi_epu64(h0, p.m0, yv);
    h1 = _mm512_madd52hi_epu64(h1, p.m1, yv);
    h2 = _mm512_madd52hi_epu64(h2, p.m2, yv);
    // R[0] is now a multiple of 2^52 (computed on the scalar side: low + lo(m0 * y)).
    const std::uint64_t carry = (low + ((p.mLow * y) & kMask)) >> 52;
    p.r0 = _mm512_add_epi64(_mm512_alignr_epi64(p.r1, p.r0, 1), h0);
    p.r1 = _mm512_add_epi64(_mm512_alignr_epi64(p.r2, p.r1, 1), h1);
    p.r2 = _mm512_add_epi64(_mm512_alignr_epi64(zero, p.r2, 1), h2);
    p.r0 = _mm512_mask_add_epi64(p.r0, 1, p.r0, _mm512_set1_epi64(static_cast<long long>(carry)));
}

// One carry pass brings every lane under 2^52.
WB_IFMA_TARGET inline __attribute__((always_inline)) void finish(const Product &p,
                                                                 std::uint64_t *r)
{
    alignas(64) std::uint64_t t[kPadded];
    _mm512_store_si512(t, p.r0);
    _mm512_store_si512(t + 8, p.r1);
    _mm512_store_si512(t + 16, p.r2);
    std::uint64_t c = 0;
    for (std::size_t k = 0; k < kPadded; ++k) {
        const std::uint64_t v = t[k] + c;
        r[k] = v & kMask;
        c = v >> 52;
    }
}

} // namespace

WB_IFMA_TARGET void montMul(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
                            const std::uint64_t *m, std::uint64_t k0)
{
    Product p;
    start(p, a, b, m, k0);
    for (std::size_t i = 0; i < kLimbs; ++i)
        step(p, i);
    finish(p, r);
}

WB_IFMA_TARGET void montMul2(std::uint64_t *r, const std::uint64_t *a, const std::uint64_t *b,
                             const std::uint64_t *m, std::uint64_t k0, std::uint64_t *r2,
                             const std::uint64_t *a2, const std::uint64_t *b2,
                             const std::uint64_t *m2, std::uint64_t k02)
{
    Product p, q;
    start(p, a, b, m, k0);
    start(q, a2, b2, m2, k02);
    for (std::size_t i = 0; i < kLimbs; ++i) {
        step(p, i);
        step(q, i);
    }
    finish(p, r);
    finish(q, r2);
}

__attribute__((target("avx512f"))) void select(std::uint64_t *out, const std::uint64_t *table,
                                               std::size_t entries, std::size_t index)
{
    __m512i o0 = _mm512_setzero_si512(), o1 = o0, o2 = o0;
    const __m512i want = _mm512_set1_epi64(static_cast<long long>(index));
    for (std::size_t e = 0; e < entries; ++e) {
        const __mmask8 hit =
            _mm512_cmpeq_epi64_mask(_mm512_set1_epi64(static_cast<long long>(e)), want);
        const std::uint64_t *entry = table + e * kPadded;
        o0 = _mm512_mask_or_epi64(o0, hit, o0, _mm512_load_si512(entry));
        o1 = _mm512_mask_or_epi64(o1, hit, o1, _mm512_load_si512(entry + 8));
        o2 = _mm512_mask_or_epi64(o2, hit, o2, _mm512_load_si512(entry + 16));
    }
    _mm512_store_si512(out, o0);
    _mm512_store_si512(out + 8, o1);
    _mm512_store_si512(out + 16, o2);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#else

// Never called: available() is false where the intrinsics do not exist.
void montMul(std::uint64_t *, const std::uint64_t *, const std::uint64_t *, const std::uint64_t *,
             std::uint64_t)
{}
void montMul2(std::uint64_t *, const std::uint64_t *, const std::uint64_t *, const std::uint64_t *,
              std::uint64_t, std::uint64_t *, const std::uint64_t *, const std::uint64_t *,
              const std::uint64_t *, std::uint64_t)
{}
void select(std::uint64_t *, const std::uint64_t *, std::size_t, std::size_t) {}

#endif

} // namespace wb::crypto::ifma
