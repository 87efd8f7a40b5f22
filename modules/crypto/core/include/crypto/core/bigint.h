#pragma once
// Non-negative big integers on 64-bit limbs, enough for RSA: arithmetic, gcd, modular inverse
// and Montgomery modular exponentiation.
//
//     BigInt n = BigInt::fromDecimal("3233").value();
//     BigInt c = modPow(BigInt(65), BigInt(17), n);          // 2790
//     BigInt d = modInverse(BigInt(17), BigInt(3120)).value(); // 2753
//
//     MontgomeryContext mont(n);                   // odd modulus only; reuse for many powers
//     BigInt m = mont.modPow(c, d, ExponentKind::Secret);
//
// Values are unsigned: a - b with b > a throws CryptoError (callers order their operands).
// Limbs are little-endian (limbs()[0] is the least significant) and never have leading zero
// limbs, so 0 has no limbs at all.
//
// Exponentiation uses fixed windows in Montgomery form (see MontgomeryContext::modPow): every
// window of a secret exponent costs the same squarings and one multiplication by a table entry
// read with a masked scan of the whole table, so the sequence of operations does not depend
// on the secret bits; the final subtraction of each Montgomery product is masked, not a
// branch. This is "constant-time-ish": the limb arithmetic is ordinary C++ (the compiler is
// trusted not to turn masks into branches), the conversions around an exponentiation (the
// base mod m, R^2 mod m, RSA's recombination) use the variable-time division, and nothing
// is blinded. Good enough for teaching, not a hardened library; the module README lists
// exactly what is and is not constant-time.

#include "crypto/core/bytes.h"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::crypto {

class BigInt
{
public:
    using Limb = std::uint64_t;

    BigInt() = default;
    BigInt(std::uint64_t value); // implicit: BigInt(65537), x == 0

    // Big-endian unsigned bytes (leading zero bytes allowed), the way RSA reads a byte string
    // as a number (RFC 8017 OS2IP).
    static BigInt fromBytes(std::span<const std::uint8_t> bigEndian);
    // Decimal digits only / hex digits only (any length, no sign, no "0x"); nullopt otherwise.
    static std::optional<BigInt> fromDecimal(std::string_view digits);
    static std::optional<BigInt> fromHex(std::string_view digits);

    // Minimal big-endian bytes (0 -> empty), or exactly `length` bytes with leading zeros
    // (RFC 8017 I2OSP); CryptoError when the value needs more than `length` bytes.
    Bytes toBytes() const;
    Bytes toBytes(std::size_t length) const;
    std::string toDecimal() const;
    std::string toHex() const; // lowercase, no leading zeros, "0" for zero

    bool isZero() const { return m_limbs.empty(); }
    bool isOdd() const { return !m_limbs.empty() && (m_limbs[0] & 1); }
    std::size_t bitLength() const; // 0 for 0, 12 for 3233
    std::size_t byteLength() const { return (bitLength() + 7) / 8; }
    bool bit(std::size_t index) const;
    void setBit(std::size_t index);
    // The low 64 bits.
    std::uint64_t low64() const { return m_limbs.empty() ? 0 : m_limbs[0]; }
    const std::vector<Limb> &limbs() const { return m_limbs; }
    static BigInt fromLimbs(std::vector<Limb> limbs); // trims leading zero limbs

    friend bool operator==(const BigInt &, const BigInt &) = default;
    friend std::strong_ordering operator<=>(const BigInt &a, const BigInt &b);

    friend BigInt operator+(const BigInt &a, const BigInt &b);
    friend BigInt operator-(const BigInt &a, const BigInt &b); // CryptoError if b > a
    friend BigInt operator*(const BigInt &a, const BigInt &b);
    friend BigInt operator/(const BigInt &a, const BigInt &b); // CryptoError if b == 0
    friend BigInt operator%(const BigInt &a, const BigInt &b); // CryptoError if b == 0
    friend BigInt operator<<(const BigInt &a, std::size_t bits);
    friend BigInt operator>>(const BigInt &a, std::size_t bits);
    BigInt &operator+=(const BigInt &b) { return *this = *this + b; }
    BigInt &operator-=(const BigInt &b) { return *this = *this - b; }
    BigInt &operator*=(const BigInt &b) { return *this = *this * b; }

    // Remainder of division by a small number (trial division while sieving primes).
    std::uint64_t modSmall(std::uint64_t divisor) const;

    // Overwrites the limbs with zeros before releasing them (for secrets).
    void wipe();

private:
    void trim();
    std::vector<Limb> m_limbs;
};

struct DivMod
{
    BigInt quotient, remainder;
};
// Long division (Knuth's algorithm D); CryptoError if divisor == 0.
DivMod divMod(const BigInt &dividend, const BigInt &divisor);

BigInt gcd(BigInt a, BigInt b);
BigInt lcm(const BigInt &a, const BigInt &b);
// x with a*x = 1 (mod m), 0 <= x < m; nullopt when gcd(a, m) != 1 or m < 2.
std::optional<BigInt> modInverse(const BigInt &a, const BigInt &m);

// A secret exponent is processed with a fixed window and a masked table read (every window
// costs the same); a public one (e = 65537, Miller-Rabin's d) with plain left-to-right
// square-and-multiply that skips zero bits.
enum class ExponentKind { Public, Secret };

// The kernel behind Montgomery products modulo a 16-limb (961- to 1024-bit) number, the CRT
// halves of RSA-2048; other sizes always use the portable code.
//   Portable  64-bit C++ (product scanning on unsigned __int128), any CPU.
//   Adx       mulx/adcx/adox assembly (core/rsa/mont_adx.h), CPUs with BMI2 and ADX.
//   Ifma      radix 2^52 on AVX-512 IFMA (core/rsa/mont_ifma.h) for untraced secret powers,
//             the CRT pair in lockstep; the other products there use Adx when present.
// All give the same results; they differ in speed only.
enum class MontgomeryPath { Portable, Adx, Ifma };

// "portable", "adx", "ifma"; nullopt for any other name.
std::optional<MontgomeryPath> montgomeryPathFromName(std::string_view name);
const char *montgomeryPathName(MontgomeryPath path);
// Whether this CPU can run the path (Portable: always).
bool montgomeryPathAvailable(MontgomeryPath path);
// The fastest path this CPU has: Ifma, else Adx, else Portable.
MontgomeryPath bestMontgomeryPath();
// path when this CPU has it, else bestMontgomeryPath().
MontgomeryPath availableMontgomeryPath(MontgomeryPath path);
// The path new MontgomeryContexts take. Initially bestMontgomeryPath(), unless the
// environment variable WB_CRYPTO_MONT_PATH (portable, adx or ifma; read once, at the first
// use) names another: then that one if the CPU has it, else the best available. The setter
// (for tests and benchmarks) applies the same fallback and returns the path it set.
MontgomeryPath defaultMontgomeryPath();
MontgomeryPath setDefaultMontgomeryPath(MontgomeryPath path);

// Montgomery arithmetic modulo an odd m > 1 (R = 2^(64 * limbs of m)). Each product
// interleaves the multiplication with the reduction, so no double-width intermediate is ever
// stored: column by column (product scanning, with a dedicated squaring) for the limb counts
// of 256- to 2048-bit moduli, row by row (CIOS) for any other size. Modulo a 16-limb (961- to
// 1024-bit) number the products use BMI2/ADX assembly, and secret powers radix 2^52 on
// AVX-512 IFMA (R = 2^1040 there), when the CPU has them (see MontgomeryPath, setPath).
class MontgomeryContext
{
public:
    // CryptoError unless modulus is odd and > 1.
    explicit MontgomeryContext(const BigInt &modulus);

    const BigInt &modulus() const { return m_modulus; }
    std::size_t limbCount() const { return m_n.size(); }

    // base^exponent mod m (base may be >= m). With a trace attached each step is recorded
    // (see the events below); `name` tells several exponentiations in one trace apart
    // ("encrypt", "crt_p", ...). windowBits 0 picks the window from the exponent's size:
    // 1 up to 32 bits (readable square-and-multiply for toy keys), 4 up to 256, else 5.
    //
    // Events (all values big-endian bytes, already converted out of Montgomery form):
    //   "modexp_begin"    name, base, exponent, modulus, window (bits), kind ("public"/"secret")
    //   "modexp_square"   name, step, value (after squaring)
    //   "modexp_multiply" name, step, digit (the window's exponent bits, an integer; the
    //                     table entry multiplied in is base^digit), value (after multiplying)
    //   "modexp_end"      name, result, squarings, multiplications
    BigInt modPow(const BigInt &base, const BigInt &exponent,
                  ExponentKind kind = ExponentKind::Secret, wb::Trace *trace = nullptr,
                  std::string_view name = "modexp", unsigned windowBits = 0) const;

    // {baseP^exponentP mod p, baseQ^exponentQ mod q} with secret exponents and no trace,
    // the two halves of an RSA-CRT private operation. When both take the IFMA path the two
    // exponentiations run in lockstep (one loop computes a product of each, so each hides
    // the other's latency), with the same window for both and the shorter exponent padded
    // with zero windows; otherwise they run one after the other through modPow.
    static std::pair<BigInt, BigInt> modPowPair(const MontgomeryContext &p, const BigInt &baseP,
                                                const BigInt &exponentP,
                                                const MontgomeryContext &q, const BigInt &baseQ,
                                                const BigInt &exponentQ);

    // a*b mod m for ordinary (non-Montgomery) a, b < m; costs two Montgomery products.
    BigInt modMul(const BigInt &a, const BigInt &b) const;

    // The kernel for a 961- to 1024-bit modulus (the CRT halves of RSA-2048): a context
    // starts with defaultMontgomeryPath(); setPath falls back to the best available path when
    // the CPU lacks the one asked for. path() is the one untraced secret powers take (always
    // Portable for other sizes).
    void setPath(MontgomeryPath path) { m_path = availableMontgomeryPath(path); }
    MontgomeryPath path() const;
    // false forces the portable 64-bit code, which the tests compare against; true returns
    // to defaultMontgomeryPath().
    void setAccelerated(bool allowed);
    // Whether path() is other than Portable.
    bool acceleratedPathActive() const { return path() != MontgomeryPath::Portable; }

private:
    BigInt m_modulus;
    std::vector<BigInt::Limb> m_n;  // modulus limbs
    std::vector<BigInt::Limb> m_r2; // R^2 mod m, for converting into Montgomery form
    BigInt::Limb m_n0inv = 0;       // -m^-1 mod 2^64
    MontgomeryPath m_path;
};

// One-off base^exponent mod modulus. Odd modulus: Montgomery; even modulus (not used by
// RSA, kept for completeness): square-and-multiply with divisions. CryptoError if modulus 0.
BigInt modPow(const BigInt &base, const BigInt &exponent, const BigInt &modulus,
              ExponentKind kind = ExponentKind::Secret, wb::Trace *trace = nullptr,
              std::string_view name = "modexp");

} // namespace wb::crypto
