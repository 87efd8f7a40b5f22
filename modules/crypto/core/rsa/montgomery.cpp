// Montgomery multiplication and fixed-window modular exponentiation (see bigint.h).
//
// In Montgomery form a number x mod m is stored as xR mod m with R = 2^(64N), N the limb
// count of m. The product of two such numbers, aR * bR * R^-1 = abR, needs no division by m:
// each of the N outer steps adds a multiple of m that clears the lowest limb and shifts one
// limb down (Koc, Acar, Kaliski: "Analyzing and Comparing Montgomery Multiplication
// Algorithms", 1996: its FIPS variant for the fixed sizes RSA uses, CIOS for the others).
#include "crypto/core/bigint.h"

#include "crypto/core/events.h"
#include "mont_adx.h"
#include "mont_ifma.h"
#include "mont_portable.h"
#include "mont_subtract.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace wb::crypto {

using Limb = BigInt::Limb;
__extension__ typedef unsigned __int128 Wide; // 64x64 -> 128-bit products

namespace {

// (c0, c1, c2) += a * b: a 192-bit column accumulator (a column sums at most 2N products
// below 2^128 each, so 192 bits never overflow for N < 2^63).
inline void mulAdd(Limb &c0, Limb &c1, Limb &c2, Limb a, Limb b)
{
    const Wide p = Wide(a) * b;
    const Wide s = ((Wide(c1) << 64) | c0) + p;
    c2 += Limb(s < p);
    c0 = Limb(s);
    c1 = Limb(s >> 64);
}

using detail::finalSubtract;

// r = a * b * R^-1 mod n for a, b < n (r may alias a or b): Montgomery multiplication by
// product scanning (Koc et al.'s "FIPS" variant). Column by column, the products a[j]*b[i-j]
// and m[j]*n[i-j] are summed in three registers; in the low N columns m[i] is chosen so the
// column's low limb becomes zero, in the high N columns the limbs are the result. Same
// arithmetic as CIOS below, but nothing is stored between the steps, which is what makes the
// fixed-size instantiations fast.
template <std::size_t N>
void montMulFixed(Limb *r, const Limb *a, const Limb *b, const Limb *n, Limb n0inv)
{
    Limb m[N], u[N];
    Limb c0 = 0, c1 = 0, c2 = 0;
#pragma GCC unroll 128
    for (std::size_t i = 0; i < 2 * N; ++i) {
        const std::size_t lo = i < N ? 0 : i - N + 1;
        const std::size_t hi = i < N ? i : N;
#pragma GCC unroll 64
        for (std::size_t j = lo; j < hi; ++j) {
            mulAdd(c0, c1, c2, a[j], b[i - j]);
            mulAdd(c0, c1, c2, m[j], n[i - j]);
        }
        if (i < N) {
            mulAdd(c0, c1, c2, a[i], b[0]);
            m[i] = c0 * n0inv;
            mulAdd(c0, c1, c2, m[i], n[0]); // low limb is now 0
        } else {
            u[i - N] = c0;
        }
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    finalSubtract<N>(r, u, c0, n);
}

// r = a^2 * R^-1 mod n: as montMulFixed, but each cross product a[j]*a[i-j] (j != i-j) is
// computed once and doubled, which saves about a quarter of the multiplications. The columns
// are written as one loop with constant trip counts so the compiler unrolls it completely.
template <std::size_t N> void montSqrFixed(Limb *r, const Limb *a, const Limb *n, Limb n0inv)
{
    Limb m[N], u[N];
    Limb c0 = 0, c1 = 0, c2 = 0;
#pragma GCC unroll 128
    for (std::size_t i = 0; i < 2 * N; ++i) {
        const std::size_t lo = i < N ? 0 : i - N + 1;
        Limb d0 = 0, d1 = 0, d2 = 0;
#pragma GCC unroll 64
        for (std::size_t j = lo; j < (i + 1) / 2; ++j)
            mulAdd(d0, d1, d2, a[j], a[i - j]);
        d2 = (d2 << 1) | (d1 >> 63); // (d) *= 2
        d1 = (d1 << 1) | (d0 >> 63);
        d0 <<= 1;
        if (i % 2 == 0 && i / 2 < N)
            mulAdd(d0, d1, d2, a[i / 2], a[i / 2]);
        const std::size_t hi = i < N ? i : N;
#pragma GCC unroll 64
        for (std::size_t j = lo; j < hi; ++j)
            mulAdd(d0, d1, d2, m[j], n[i - j]);
        Wide s = Wide(c0) + d0; // (c) += (d)
        c0 = Limb(s);
        s = Wide(c1) + d1 + Limb(s >> 64);
        c1 = Limb(s);
        c2 += d2 + Limb(s >> 64);
        if (i < N) {
            m[i] = c0 * n0inv;
            mulAdd(c0, c1, c2, m[i], n[0]); // low limb is now 0
        } else {
            u[i - N] = c0;
        }
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    finalSubtract<N>(r, u, c0, n);
}

// CIOS (coarsely integrated operand scanning), row by row into a stored N+2-limb sum: the
// textbook form, used for limb counts without a fixed instantiation.
void montMulAny(Limb *r, const Limb *a, const Limb *b, const Limb *n, Limb n0inv, std::size_t N)
{
    std::vector<Limb> t(N + 2, 0), diff(N);
    for (std::size_t i = 0; i < N; ++i) {
        Limb carry = 0;
        for (std::size_t j = 0; j < N; ++j) {
            const Wide p = Wide(a[j]) * b[i] + t[j] + carry;
            t[j] = Limb(p);
            carry = Limb(p >> 64);
        }
        Wide s = Wide(t[N]) + carry;
        t[N] = Limb(s);
        t[N + 1] = Limb(s >> 64);
        const Limb m = t[0] * n0inv;
        Wide p = Wide(m) * n[0] + t[0];
        carry = Limb(p >> 64);
        for (std::size_t j = 1; j < N; ++j) {
            p = Wide(m) * n[j] + t[j] + carry;
            t[j - 1] = Limb(p);
            carry = Limb(p >> 64);
        }
        s = Wide(t[N]) + carry;
        t[N - 1] = Limb(s);
        t[N] = t[N + 1] + Limb(s >> 64);
    }
    Limb borrow = 0;
    for (std::size_t j = 0; j < N; ++j) {
        const Limb d = t[j] - n[j];
        const Limb nb = Limb(t[j] < n[j]);
        diff[j] = d - borrow;
        borrow = nb | Limb(d < borrow);
    }
    const Limb mask = Limb(0) - (Limb(t[N] != 0) | Limb(borrow == 0));
    for (std::size_t j = 0; j < N; ++j)
        r[j] = (diff[j] & mask) | (t[j] & ~mask);
}

// A Montgomery multiplier bound to one modulus: fully unrolled instantiations for the limb
// counts of 256- to 2048-bit moduli (so the CRT halves of RSA-512..4096 and the public
// operation up to RSA-2048), the generic CIOS loop otherwise. Larger unrolled sizes would
// multiply the compile time for little gain. With `adx`, 16 limbs use the BMI2/ADX kernels.
class Multiplier
{
public:
    Multiplier(const std::vector<Limb> &n, Limb n0inv, bool adx)
        : m_n(n.data()), m_n0inv(n0inv), m_size(n.size())
    {
        if (adx && m_size == adx::kLimbs) {
            m_fixed = &adx::montMul;
            m_square = &adx::montSqr;
            return;
        }
        switch (m_size) {
        case 4:
            bind<4>();
            break;
        case 8:
            bind<8>();
            break;
        case 12:
            bind<12>();
            break;
        case 16:
            bind<16>();
            break;
        case 24:
            bind<24>();
            break;
        case 32:
            bind<32>();
            break;
        default:
            break;
        }
    }
    void operator()(Limb *r, const Limb *a, const Limb *b) const
    {
        if (m_fixed)
            m_fixed(r, a, b, m_n, m_n0inv);
        else
            montMulAny(r, a, b, m_n, m_n0inv, m_size);
    }
    void square(Limb *r, const Limb *a) const
    {
        if (m_square)
            m_square(r, a, m_n, m_n0inv);
        else
            montMulAny(r, a, a, m_n, m_n0inv, m_size);
    }

private:
    template <std::size_t N> void bind()
    {
        m_fixed = &montMulFixed<N>;
        m_square = &montSqrFixed<N>;
    }

    void (*m_fixed)(Limb *, const Limb *, const Limb *, const Limb *, Limb) = nullptr;
    void (*m_square)(Limb *, const Limb *, const Limb *, Limb) = nullptr;
    const Limb *m_n;
    Limb m_n0inv;
    std::size_t m_size;
};

std::vector<Limb> padded(const BigInt &x, std::size_t size)
{
    std::vector<Limb> out(size, 0);
    std::copy(x.limbs().begin(), x.limbs().end(), out.begin());
    return out;
}

// out = table[index] reading every entry, so the memory access pattern is the same for any
// index (a cache-timing observer learns nothing about the secret window).
void selectEntry(Limb *out, const std::vector<Limb> &table, std::size_t entries, std::size_t size,
                 std::size_t index)
{
    std::fill(out, out + size, 0);
    for (std::size_t e = 0; e < entries; ++e) {
        const Limb mask = Limb(0) - Limb(e == index);
        const Limb *entry = table.data() + e * size;
        for (std::size_t j = 0; j < size; ++j)
            out[j] |= entry[j] & mask;
    }
}

unsigned autoWindow(std::size_t exponentBits)
{
    if (exponentBits <= 32)
        return 1;
    return exponentBits <= 256 ? 4 : 5;
}

bool ifmaPresent()
{
    static const bool present = ifma::available();
    return present;
}

bool adxPresent()
{
    static const bool present = adx::available();
    return present;
}

// The process-wide default path: the environment's choice (or the best path) at first use,
// then whatever setDefaultMontgomeryPath stored.
std::atomic<MontgomeryPath> &defaultPath()
{
    static std::atomic<MontgomeryPath> path = [] {
        const char *value = std::getenv("WB_CRYPTO_MONT_PATH");
        const auto named = value ? montgomeryPathFromName(value) : std::nullopt;
        return availableMontgomeryPath(named.value_or(bestMontgomeryPath()));
    }();
    return path;
}

// A 64-byte aligned array of `count` limbs inside a vector (the IFMA loads need it).
struct AlignedLimbs
{
    explicit AlignedLimbs(std::size_t count) : storage(count + 8, 0)
    {
        const auto address = reinterpret_cast<std::uintptr_t>(storage.data());
        data = storage.data() + ((64 - address % 64) % 64) / sizeof(Limb);
    }
    ~AlignedLimbs() { std::fill(storage.begin(), storage.end(), 0); }
    AlignedLimbs(const AlignedLimbs &) = delete;
    AlignedLimbs &operator=(const AlignedLimbs &) = delete;
    std::vector<Limb> storage;
    Limb *data;
};

// base^exponent mod m for a 16-limb m in radix 2^52 with AVX-512 IFMA: the same fixed-window
// schedule as the portable code (window squarings, then one multiplication by the masked
// table entry per window, table[0] = 1), on "almost" Montgomery values below 2m; only the
// result is reduced below m, by the same masked subtraction. The caller drives the windows,
// so two of these can run in lockstep (ifma::montMul2).
class Radix52Power
{
public:
    Radix52Power(const BigInt &modulus, const std::vector<Limb> &n, const BigInt &base,
                 const BigInt &exponent, unsigned window)
        : m_n(n), m_exponent(exponent), m_window(window), m_entries(std::size_t(1) << window),
          m_work(6 * ifma::kPadded), m_table(m_entries * ifma::kPadded)
    {
        using ifma::kPadded;
        m = m_work.data;
        rr = m + kPadded;
        x = rr + kPadded;
        acc = x + kPadded;
        entry = acc + kPadded;
        one = entry + kPadded;
        ifma::toRadix52(m, n.data());
        // k0 = -m^-1 mod 2^52 from Newton's iteration mod 2^64 (as in the constructor).
        Limb inverse = n[0];
        for (int i = 0; i < 5; ++i)
            inverse *= 2 - n[0] * inverse;
        k0 = (Limb(0) - inverse) & ifma::kMask;
        // R^2 mod m for R = 2^1040 converts into Montgomery form.
        std::vector<Limb> wide = padded((BigInt(1) << 2080) % modulus, 16);
        ifma::toRadix52(rr, wide.data());
        wide = padded(base < modulus ? base : base % modulus, 16);
        ifma::toRadix52(x, wide.data());
        std::fill(wide.begin(), wide.end(), 0);
        one[0] = 1;
        m_windows = (exponent.bitLength() + window - 1) / window;
    }

    std::size_t windows() const { return m_windows; }
    unsigned window() const { return m_window; }
    // entry = table[digit of window w] by the masked scan; the digit is 0 above the
    // exponent's top window.
    void selectDigit(std::size_t w)
    {
        std::size_t digit = 0;
        for (unsigned b = m_window; b-- > 0;)
            digit = (digit << 1) | std::size_t(m_exponent.bit(w * m_window + b));
        ifma::select(entry, m_table.data, m_entries, digit);
    }
    Limb *tableEntry(std::size_t e) { return m_table.data + e * ifma::kPadded; }
    std::size_t entries() const { return m_entries; }

    // acc * 1 / R is at most m (equal to m only for a multiple of m), so one masked
    // subtraction finishes the reduction.
    BigInt result()
    {
        ifma::montMul(acc, acc, one, m, k0);
        Limb plain[16];
        ifma::fromRadix52(plain, acc);
        finalSubtract<16>(plain, plain, 0, m_n.data());
        BigInt value = BigInt::fromLimbs(std::vector<Limb>(plain, plain + 16));
        std::fill(std::begin(plain), std::end(plain), 0);
        return value;
    }

    Limb *m, *rr, *x, *acc, *entry, *one;
    Limb k0;

private:
    const std::vector<Limb> &m_n;
    const BigInt &m_exponent;
    unsigned m_window;
    std::size_t m_entries, m_windows = 0;
    AlignedLimbs m_work, m_table;
};

BigInt modPowRadix52(const BigInt &modulus, const std::vector<Limb> &n, const BigInt &base,
                     const BigInt &exponent, unsigned window)
{
    Radix52Power p(modulus, n, base, exponent, window);
    ifma::montMul(p.x, p.x, p.rr, p.m, p.k0);     // base * R
    ifma::montMul(p.acc, p.one, p.rr, p.m, p.k0); // R, i.e. 1 in Montgomery form
    std::copy(p.acc, p.acc + ifma::kPadded, p.tableEntry(0));
    std::copy(p.x, p.x + ifma::kPadded, p.tableEntry(1));
    for (std::size_t e = 2; e < p.entries(); ++e)
        ifma::montMul(p.tableEntry(e), p.tableEntry(e - 1), p.x, p.m, p.k0);
    for (std::size_t w = p.windows(); w-- > 0;) {
        if (w + 1 != p.windows())
            for (unsigned s = 0; s < p.window(); ++s)
                ifma::montMul(p.acc, p.acc, p.acc, p.m, p.k0);
        p.selectDigit(w);
        ifma::montMul(p.acc, p.acc, p.entry, p.m, p.k0);
    }
    return p.result();
}

// Both powers in lockstep, every product paired with the other's. The shorter exponent gets
// leading zero windows: 1 squared, times table[0] = 1, stays 1, so its result is unchanged.
std::pair<BigInt, BigInt> modPowRadix52Pair(Radix52Power &p, Radix52Power &q)
{
    using ifma::montMul2;
    montMul2(p.x, p.x, p.rr, p.m, p.k0, q.x, q.x, q.rr, q.m, q.k0);
    montMul2(p.acc, p.one, p.rr, p.m, p.k0, q.acc, q.one, q.rr, q.m, q.k0);
    std::copy(p.acc, p.acc + ifma::kPadded, p.tableEntry(0));
    std::copy(p.x, p.x + ifma::kPadded, p.tableEntry(1));
    std::copy(q.acc, q.acc + ifma::kPadded, q.tableEntry(0));
    std::copy(q.x, q.x + ifma::kPadded, q.tableEntry(1));
    for (std::size_t e = 2; e < p.entries(); ++e)
        montMul2(p.tableEntry(e), p.tableEntry(e - 1), p.x, p.m, p.k0, q.tableEntry(e),
                 q.tableEntry(e - 1), q.x, q.m, q.k0);
    const std::size_t windows = std::max(p.windows(), q.windows());
    for (std::size_t w = windows; w-- > 0;) {
        if (w + 1 != windows)
            for (unsigned s = 0; s < p.window(); ++s)
                montMul2(p.acc, p.acc, p.acc, p.m, p.k0, q.acc, q.acc, q.acc, q.m, q.k0);
        p.selectDigit(w);
        q.selectDigit(w);
        montMul2(p.acc, p.acc, p.entry, p.m, p.k0, q.acc, q.acc, q.entry, q.m, q.k0);
    }
    return {p.result(), q.result()};
}

} // namespace

namespace portable {

void montMul16(Limb *r, const Limb *a, const Limb *b, const Limb *m, Limb n0inv)
{
    montMulFixed<16>(r, a, b, m, n0inv);
}

void montSqr16(Limb *r, const Limb *a, const Limb *m, Limb n0inv)
{
    montSqrFixed<16>(r, a, m, n0inv);
}

} // namespace portable

std::optional<MontgomeryPath> montgomeryPathFromName(std::string_view name)
{
    if (name == "portable")
        return MontgomeryPath::Portable;
    if (name == "adx")
        return MontgomeryPath::Adx;
    if (name == "ifma")
        return MontgomeryPath::Ifma;
    return std::nullopt;
}

const char *montgomeryPathName(MontgomeryPath path)
{
    switch (path) {
    case MontgomeryPath::Adx:
        return "adx";
    case MontgomeryPath::Ifma:
        return "ifma";
    case MontgomeryPath::Portable:
        break;
    }
    return "portable";
}

bool montgomeryPathAvailable(MontgomeryPath path)
{
    switch (path) {
    case MontgomeryPath::Adx:
        return adxPresent();
    case MontgomeryPath::Ifma:
        return ifmaPresent();
    case MontgomeryPath::Portable:
        break;
    }
    return true;
}

MontgomeryPath bestMontgomeryPath()
{
    for (MontgomeryPath path : {MontgomeryPath::Ifma, MontgomeryPath::Adx})
        if (montgomeryPathAvailable(path))
            return path;
    return MontgomeryPath::Portable;
}

MontgomeryPath availableMontgomeryPath(MontgomeryPath path)
{
    return montgomeryPathAvailable(path) ? path : bestMontgomeryPath();
}

MontgomeryPath defaultMontgomeryPath()
{
    return defaultPath().load(std::memory_order_relaxed);
}

MontgomeryPath setDefaultMontgomeryPath(MontgomeryPath path)
{
    const MontgomeryPath chosen = availableMontgomeryPath(path);
    defaultPath().store(chosen, std::memory_order_relaxed);
    return chosen;
}

namespace {

// Whether the 64-bit products of a context on `path` use the BMI2/ADX kernels (for 16 limbs:
// every product on the Adx path; on the Ifma path those the radix-2^52 code does not take).
bool useAdx(MontgomeryPath path)
{
    return path != MontgomeryPath::Portable && adxPresent();
}

} // namespace

MontgomeryPath MontgomeryContext::path() const
{
    return m_n.size() == 16 ? m_path : MontgomeryPath::Portable;
}

void MontgomeryContext::setAccelerated(bool allowed)
{
    m_path = allowed ? defaultMontgomeryPath() : MontgomeryPath::Portable;
}

MontgomeryContext::MontgomeryContext(const BigInt &modulus)
    : m_modulus(modulus), m_path(defaultMontgomeryPath())
{
    if (!modulus.isOdd() || modulus == BigInt(1))
        throw CryptoError("Montgomery arithmetic needs an odd modulus greater than 1");
    m_n = modulus.limbs();
    // Newton's iteration for m^-1 mod 2^64: x = m is right in the low 3 bits (m*m = 1 mod 8
    // for odd m) and every step doubles the correct bits: 3, 6, 12, 24, 48, 96.
    const Limb m0 = m_n[0];
    Limb x = m0;
    for (int i = 0; i < 5; ++i)
        x *= 2 - m0 * x;
    m_n0inv = Limb(0) - x;
    m_r2 = padded((BigInt(1) << (128 * m_n.size())) % modulus, m_n.size());
}

BigInt MontgomeryContext::modMul(const BigInt &a, const BigInt &b) const
{
    const std::size_t size = m_n.size();
    const Multiplier mul(m_n, m_n0inv, useAdx(path()));
    std::vector<Limb> x = padded(a < m_modulus ? a : a % m_modulus, size);
    std::vector<Limb> y = padded(b < m_modulus ? b : b % m_modulus, size);
    mul(x.data(), x.data(), m_r2.data()); // aR
    mul(x.data(), x.data(), y.data());    // aR * b / R = ab
    return BigInt::fromLimbs(std::move(x));
}

BigInt MontgomeryContext::modPow(const BigInt &base, const BigInt &exponent, ExponentKind kind,
                                 wb::Trace *trace, std::string_view name,
                                 unsigned windowBits) const
{
    const std::size_t size = m_n.size();
    const std::size_t bits = exponent.bitLength();
    const unsigned window = kind == ExponentKind::Public
                                ? 1
                                : std::clamp(windowBits ? windowBits : autoWindow(bits), 1u, 8u);
    if (!trace && kind == ExponentKind::Secret && bits > 0 && path() == MontgomeryPath::Ifma)
        return modPowRadix52(m_modulus, m_n, base, exponent, window);

    const Multiplier mul(m_n, m_n0inv, useAdx(path()));
    std::vector<Limb> one(size, 0);
    one[0] = 1;

    std::vector<Limb> x = padded(base < m_modulus ? base : base % m_modulus, size);
    mul(x.data(), x.data(), m_r2.data()); // base in Montgomery form
    std::vector<Limb> acc(size);
    mul(acc.data(), one.data(), m_r2.data()); // 1 in Montgomery form: R mod m

    const std::size_t valueBytes = m_modulus.byteLength();
    std::vector<Limb> plain(size);
    auto plainBytes = [&](const std::vector<Limb> &v) {
        mul(plain.data(), v.data(), one.data());
        return BigInt::fromLimbs(plain).toBytes(valueBytes);
    };
    std::uint64_t squarings = 0, multiplications = 0;
    const std::string opName(name);
    if (trace)
        wb::record(trace,
                   events::ModexpBegin{opName, base.toBytes(), exponent.toBytes(),
                                       m_modulus.toBytes(), window,
                                       kind == ExponentKind::Public ? "public" : "secret"},
                   opName + ": exponentiation modulo a " + std::to_string(m_modulus.bitLength()) +
                       "-bit number");
    auto square = [&] {
        mul.square(acc.data(), acc.data());
        ++squarings;
        if (trace)
            wb::record(trace,
                       events::ModexpSquare{opName, squarings + multiplications, plainBytes(acc)},
                       opName + ": square");
    };
    auto multiplied = [&](std::uint64_t digit) {
        ++multiplications;
        if (trace)
            wb::record(trace,
                       events::ModexpMultiply{opName, squarings + multiplications, digit,
                                              plainBytes(acc)},
                       opName + ": multiply by base^" + std::to_string(digit));
    };

    if (bits == 0) {
        // x^0 = 1; acc already holds it.
    } else if (kind == ExponentKind::Public) {
        // Left to right, skipping zero bits: the exponent is public, so its pattern may show.
        acc = x;
        multiplied(1);
        for (std::size_t i = bits - 1; i-- > 0;) {
            square();
            if (exponent.bit(i)) {
                mul(acc.data(), acc.data(), x.data());
                multiplied(1);
            }
        }
    } else {
        // Fixed windows of `window` bits from the top: per window, `window` squarings and one
        // multiplication by table[digit] = base^digit (table[0] = 1), whatever the digit is.
        const std::size_t entries = std::size_t(1) << window;
        std::vector<Limb> table(entries * size);
        std::copy(acc.begin(), acc.end(), table.begin());
        std::copy(x.begin(), x.end(), table.begin() + std::ptrdiff_t(size));
        for (std::size_t e = 2; e < entries; ++e)
            mul(table.data() + e * size, table.data() + (e - 1) * size, x.data());
        const std::size_t windows = (bits + window - 1) / window;
        std::vector<Limb> entry(size);
        auto digitAt = [&](std::size_t w) {
            std::size_t digit = 0;
            for (unsigned b = window; b-- > 0;)
                digit = (digit << 1) | std::size_t(exponent.bit(w * window + b));
            return digit;
        };
        for (std::size_t w = windows; w-- > 0;) {
            const std::size_t digit = digitAt(w);
            if (w + 1 != windows)
                for (unsigned s = 0; s < window; ++s)
                    square();
            selectEntry(entry.data(), table, entries, size, digit);
            mul(acc.data(), acc.data(), entry.data());
            multiplied(digit);
        }
        std::fill(table.begin(), table.end(), 0);
    }

    mul(acc.data(), acc.data(), one.data()); // out of Montgomery form
    BigInt result = BigInt::fromLimbs(acc);
    if (trace)
        wb::record(trace, events::ModexpEnd{opName, result.toBytes(), squarings, multiplications},
                   opName + ": result");
    std::fill(acc.begin(), acc.end(), 0);
    std::fill(x.begin(), x.end(), 0);
    return result;
}

std::pair<BigInt, BigInt>
MontgomeryContext::modPowPair(const MontgomeryContext &p, const BigInt &baseP,
                              const BigInt &exponentP, const MontgomeryContext &q,
                              const BigInt &baseQ, const BigInt &exponentQ)
{
    const std::size_t bits = std::max(exponentP.bitLength(), exponentQ.bitLength());
    if (p.path() == MontgomeryPath::Ifma && q.path() == MontgomeryPath::Ifma &&
        exponentP.bitLength() > 0 && exponentQ.bitLength() > 0) {
        const unsigned window = autoWindow(bits);
        Radix52Power powP(p.m_modulus, p.m_n, baseP, exponentP, window);
        Radix52Power powQ(q.m_modulus, q.m_n, baseQ, exponentQ, window);
        return modPowRadix52Pair(powP, powQ);
    }
    return {p.modPow(baseP, exponentP, ExponentKind::Secret),
            q.modPow(baseQ, exponentQ, ExponentKind::Secret)};
}

BigInt modPow(const BigInt &base, const BigInt &exponent, const BigInt &modulus, ExponentKind kind,
              wb::Trace *trace, std::string_view name)
{
    if (modulus.isZero())
        throw CryptoError("modular exponentiation needs a modulus greater than 0");
    if (modulus == BigInt(1))
        return {};
    if (modulus.isOdd())
        return MontgomeryContext(modulus).modPow(base, exponent, kind, trace, name);
    BigInt result = 1, b = base % modulus;
    for (std::size_t i = exponent.bitLength(); i-- > 0;) {
        result = result * result % modulus;
        if (exponent.bit(i))
            result = result * b % modulus;
    }
    return result;
}

} // namespace wb::crypto
