// BMI2/ADX Montgomery multiplication for 16-limb moduli (see mont_adx.h).
//
// The product is computed in full (32 limbs) and then reduced, both in rows of the form
//     t[0..len) += x * y[0..len)
// where each limb costs one mulx (rdx = x, a 64x64->128-bit product that leaves the flags
// alone) and two additions on separate carry chains: adcx adds the low half to t[j] through
// the carry flag, adox adds the previous limb's high half through the overflow flag. The two
// chains run side by side, so a row needs no instruction between the additions to save or
// restore a carry (an ordinary adc chain would have to add the low and high halves one after
// the other). The accumulator lives in a 32-limb array on the stack; each row is one asm
// statement (flags cannot cross from one statement to the next).
//
//   multiplication: 16 rows t[i..i+16) += b[i] * a, the carry limb stored in t[i+16];
//   squaring:       the 120 cross products a[i]*a[j], i < j, in 15 shrinking rows, then
//                   t = 2t + the 16 squares a[i]^2 in one pass (a doubling chain on CF and
//                   the squares on OF), 136 multiplications instead of 256;
//   reduction:      16 rows, row i with y = n and x = t[i] * n0inv (mod 2^64), which clears
//                   t[i]; the row's carry is added into t[i+16] and what overflows that
//                   (at most 1) is held in a register for the next row.
// After the reduction t[16..32) plus that carry is below 2m; one masked subtraction of m
// brings it below m, as in the portable code.
//
// Constant time in the same sense as the portable code: the instruction sequence and every
// memory address are fixed; the final subtraction selects with masks, not a branch.
#include "mont_adx.h"
#include "mont_subtract.h"

#include <utility>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#endif

namespace wb::crypto::adx {

using Limb = std::uint64_t;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

// CPUID leaf 7, sub-leaf 0, EBX: bit 8 BMI2 (mulx), bit 19 ADX (adcx, adox). Read directly:
// GCC's __builtin_cpu_supports knows "adx", clang 14's does not.
bool available()
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return (b & (1u << 8)) != 0 && (b & (1u << 19)) != 0;
}

namespace {

// t[0..Len) += x * y[0..Len); t[Len] = the carry limb (stored, not added: the callers have
// not written t[Len] yet, or only ever hold zero there). The assembler repeats the step
// Len times with the offset `wb_adx_off` advanced by 8 each time; c holds the previous
// high half, added on the overflow chain.
template <int Len>
inline __attribute__((always_inline)) void mulAddRow(Limb *t, const Limb *y, Limb x)
{
    Limb lo, hi, c, zero;
    asm volatile("xorl %k[c], %k[c]\n\t"
                 "xorl %k[zero], %k[zero]\n\t" // also clears CF and OF
                 ".set wb_adx_off, 0\n\t"
                 ".rept %c[len]\n\t"
                 "mulxq wb_adx_off(%[y]), %[lo], %[hi]\n\t"
                 "adcxq wb_adx_off(%[t]), %[lo]\n\t"
                 "adoxq %[c], %[lo]\n\t"
                 "movq %[lo], wb_adx_off(%[t])\n\t"
                 "movq %[hi], %[c]\n\t"
                 ".set wb_adx_off, wb_adx_off + 8\n\t"
                 ".endr\n\t"
                 // The last high half plus both carries: the row's sum t + x*y fits in Len+1
                 // limbs, so this does not overflow.
                 "adcxq %[zero], %[c]\n\t"
                 "adoxq %[zero], %[c]\n\t"
                 "movq %[c], wb_adx_off(%[t])"
                 : [lo] "=&r"(lo), [hi] "=&r"(hi), [c] "=&r"(c), [zero] "=&r"(zero)
                 : [t] "r"(t), [y] "r"(y), "d"(x), [len] "i"(Len)
                 : "cc", "memory");
}

// One reduction row on t[0..17): q = t[0] * n0inv mod 2^64, t[0..16) += q * n (which makes
// t[0] zero), t[16] += the row's carry + extra, extra = what overflows t[16]. extra is at
// most 1: t[0..17) + q*n*2^(64i) summed over the rows so far stays below 2^(64*17+1) for
// the limbs this row touches. `low` comes in as t[0] and goes out as the new t[1], the next
// row's t[0]: the next q then waits for a register, not for a store and reload, which puts
// the rows' serial part (t[0] -> q -> the row's first two limbs -> next q) at about ten
// cycles.
inline __attribute__((always_inline)) void reduceRow(Limb *t, const Limb *n, Limb n0inv,
                                                     Limb &extra, Limb &low)
{
    Limb lo, hi, c, zero, q;
    asm volatile("movq %[low], %[q]\n\t"
                 "imulq %[k], %[q]\n\t"
                 "xorl %k[c], %k[c]\n\t"
                 "xorl %k[zero], %k[zero]\n\t" // also clears CF and OF
                 ".set wb_adx_off, 0\n\t"
                 ".rept 16\n\t"
                 "mulxq wb_adx_off(%[n]), %[lo], %[hi]\n\t"
                 "adcxq wb_adx_off(%[t]), %[lo]\n\t"
                 "adoxq %[c], %[lo]\n\t"
                 "movq %[lo], wb_adx_off(%[t])\n\t"
                 ".if wb_adx_off == 8\n\t"
                 "movq %[lo], %[low]\n\t"
                 ".endif\n\t"
                 "movq %[hi], %[c]\n\t"
                 ".set wb_adx_off, wb_adx_off + 8\n\t"
                 ".endr\n\t"
                 "adcxq 128(%[t]), %[c]\n\t"
                 "adoxq %[extra], %[c]\n\t"
                 "movq %[c], 128(%[t])\n\t"
                 "movl $0, %k[extra]\n\t" // mov leaves the flags alone
                 "adcxq %[zero], %[extra]\n\t"
                 "adoxq %[zero], %[extra]"
                 : [lo] "=&r"(lo), [hi] "=&r"(hi), [c] "=&r"(c), [zero] "=&r"(zero), [q] "=&d"(q),
                   [extra] "+r"(extra), [low] "+r"(low)
                 : [t] "r"(t), [n] "r"(n), [k] "r"(n0inv)
                 : "cc", "memory");
}

// t[0..32) = 2 * t[0..32) + sum a[i]^2 * 2^(128i): the doubling on the carry chain (adcx of
// a limb to itself shifts it left through CF), the squares on the overflow chain. The
// result is a^2 < 2^2048, so neither chain carries out of the top limb.
inline __attribute__((always_inline)) void doubleAddSquares(Limb *t, const Limb *a)
{
    Limb lo, hi, x0, x1, d;
    asm volatile("xorl %k[x0], %k[x0]\n\t" // clears CF and OF
                 ".set wb_adx_off, 0\n\t"
                 ".rept 16\n\t"
                 "movq wb_adx_off(%[a]), %[d]\n\t"
                 "mulxq %[d], %[lo], %[hi]\n\t"
                 "movq 2*wb_adx_off(%[t]), %[x0]\n\t"
                 "movq 2*wb_adx_off+8(%[t]), %[x1]\n\t"
                 "adcxq %[x0], %[x0]\n\t"
                 "adcxq %[x1], %[x1]\n\t"
                 "adoxq %[lo], %[x0]\n\t"
                 "adoxq %[hi], %[x1]\n\t"
                 "movq %[x0], 2*wb_adx_off(%[t])\n\t"
                 "movq %[x1], 2*wb_adx_off+8(%[t])\n\t"
                 ".set wb_adx_off, wb_adx_off + 8\n\t"
                 ".endr"
                 : [lo] "=&r"(lo), [hi] "=&r"(hi), [x0] "=&r"(x0), [x1] "=&r"(x1), [d] "=&d"(d)
                 : [t] "r"(t), [a] "r"(a)
                 : "cc", "memory");
}

// The cross products a[i] * a[i+1..16) into t[2i+1..i+16], row i of 15 - i limbs; t[0..16)
// must be zero (all of t is). Row i's carry limb t[i+16] is one the earlier rows have not written.
template <std::size_t... I>
inline __attribute__((always_inline)) void crossProducts(Limb *t, const Limb *a,
                                                         std::index_sequence<I...>)
{
    (mulAddRow<int(15 - I)>(t + 2 * I + 1, a + I + 1, a[I]), ...);
}

// t (32 limbs) -> r = t / 2^1024 mod m, fully reduced.
inline __attribute__((always_inline)) void reduce(Limb *r, Limb *t, const Limb *n, Limb n0inv)
{
    Limb extra = 0, low = t[0];
    for (std::size_t i = 0; i < kLimbs; ++i)
        reduceRow(t + i, n, n0inv, extra, low);
    // u = t[16..32) + extra * 2^1024 < 2m: r = u - m when that does not borrow, else u,
    // chosen with a mask.
    detail::finalSubtract<kLimbs>(r, t + kLimbs, extra, n);
}

} // namespace

__attribute__((target("bmi2,adx"))) void montMul(Limb *r, const Limb *a, const Limb *b,
                                                 const Limb *m, Limb n0inv)
{
    Limb t[2 * kLimbs];
    for (std::size_t j = 0; j < kLimbs; ++j)
        t[j] = 0;
    for (std::size_t i = 0; i < kLimbs; ++i)
        mulAddRow<16>(t + i, a, b[i]);
    reduce(r, t, m, n0inv);
}

__attribute__((target("bmi2,adx"))) void montSqr(Limb *r, const Limb *a, const Limb *m, Limb n0inv)
{
    Limb t[2 * kLimbs];
    for (std::size_t j = 0; j < 2 * kLimbs; ++j)
        t[j] = 0;
    crossProducts(t, a, std::make_index_sequence<kLimbs - 1>());
    doubleAddSquares(t, a);
    reduce(r, t, m, n0inv);
}

#else

bool available()
{
    return false;
}

// Never called: available() is false where the instructions do not exist.
void montMul(Limb *, const Limb *, const Limb *, const Limb *, Limb) {}
void montSqr(Limb *, const Limb *, const Limb *, Limb) {}

#endif

} // namespace wb::crypto::adx
