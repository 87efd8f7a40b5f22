// Big-integer arithmetic: the brief's textbook numbers, and every operation against OpenSSL's
// BIGNUM on random operands of many sizes (including the limb-boundary cases that break
// long division: all-ones limbs, divisors with a top limb of 1, equal lengths).
#include "crypto/core/bigint.h"
#include "rsa_openssl_ref.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <random>

using namespace wb::crypto;
namespace bn = ref::rsa;

namespace {

// Random big-endian bytes of `size` bytes, some with runs of 0xff / 0x00 limbs.
Bytes randomOperand(std::mt19937_64 &rng, std::size_t size)
{
    Bytes b(size);
    const int style = int(rng() % 4);
    for (auto &x : b)
        x = style == 0 ? 0xff : style == 1 && rng() % 2 ? 0x00 : std::uint8_t(rng());
    if (!b.empty() && style < 2)
        b[b.size() - 1] = std::uint8_t(rng()); // keep some variety in the low limb
    return b;
}

BigInt num(const Bytes &b)
{
    return BigInt::fromBytes(b);
}

} // namespace

TEST(CryptoBigInt, TutorialNumbers)
{
    // crypto.md: p 61, q 53, n 3233, phi 3120, e 17, d 2753; 65 -> 2790; 123 signs to 2746.
    EXPECT_EQ(BigInt(61) * BigInt(53), BigInt(3233));
    EXPECT_EQ(modInverse(17, 3120), BigInt(2753));
    EXPECT_EQ(modPow(65, 17, 3233), BigInt(2790));
    EXPECT_EQ(modPow(2790, 2753, 3233), BigInt(65));
    EXPECT_EQ(modPow(123, 2753, 3233), BigInt(2746));
    EXPECT_EQ(modPow(2746, 17, 3233), BigInt(123));
    EXPECT_EQ(BigInt(3233).bitLength(), 12u);
}

TEST(CryptoBigInt, TextConversions)
{
    const std::string big = "123456789012345678901234567890123456789012345678901234567890";
    EXPECT_EQ(BigInt::fromDecimal(big)->toDecimal(), big);
    EXPECT_EQ(BigInt::fromHex("0001ff")->toHex(), "1ff");
    EXPECT_EQ(BigInt(0).toDecimal(), "0");
    EXPECT_EQ(BigInt(0).toHex(), "0");
    EXPECT_TRUE(BigInt(0).toBytes().empty());
    EXPECT_EQ(BigInt(0x0102).toBytes(4), (Bytes{0, 0, 1, 2}));
    EXPECT_THROW(BigInt(0x010203).toBytes(2), CryptoError);
    EXPECT_FALSE(BigInt::fromDecimal("12a"));
    EXPECT_FALSE(BigInt::fromDecimal(""));
    EXPECT_FALSE(BigInt::fromHex("xyz"));
    EXPECT_EQ(BigInt::fromBytes(Bytes{0, 0, 0}), BigInt(0));
    EXPECT_THROW(BigInt(1) - BigInt(2), CryptoError);
    EXPECT_THROW(BigInt(1) / BigInt(0), CryptoError);
    EXPECT_FALSE(modInverse(6, 9));
}

TEST(CryptoBigInt, ArithmeticMatchesOpenSsl)
{
    std::mt19937_64 rng(20240601);
    const std::size_t sizes[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 128, 129, 256, 512};
    for (std::size_t sa : sizes) {
        for (std::size_t sb : sizes) {
            for (int rep = 0; rep < 3; ++rep) {
                Bytes a = randomOperand(rng, sa), b = randomOperand(rng, sb);
                if (num(b).isZero())
                    b.back() = 1;
                const BigInt x = num(a), y = num(b);
                SCOPED_TRACE(x.toHex() + " op " + y.toHex());
                EXPECT_EQ((x + y).toBytes(), bn::bnAdd(a, b));
                EXPECT_EQ((x * y).toBytes(), bn::bnMul(a, b));
                const DivMod qr = divMod(x, y);
                EXPECT_EQ(qr.quotient.toBytes(), bn::bnDiv(a, b));
                EXPECT_EQ(qr.remainder.toBytes(), bn::bnMod(a, b));
                if (x >= y) {
                    EXPECT_EQ((x - y).toBytes(), bn::bnSub(a, b));
                }
                EXPECT_EQ(gcd(x, y).toBytes(), bn::bnGcd(a, b));
                EXPECT_EQ(x.toDecimal(), bn::bnToDecimal(a));
                EXPECT_EQ(BigInt::fromDecimal(x.toDecimal()), x);
                EXPECT_EQ((x << 77) >> 77, x);
                EXPECT_EQ(x.modSmall(1999), (x % BigInt(1999)).low64());
            }
        }
    }
}

// Long division's rare "add back" step needs a quotient estimate that is one too large; these
// dividends are built as q*v + r with v's top limb small and q full of ones to reach it.
TEST(CryptoBigInt, DivisionEdgeCases)
{
    std::mt19937_64 rng(7);
    for (int i = 0; i < 2000; ++i) {
        std::vector<BigInt::Limb> v(2 + rng() % 4), q(1 + rng() % 4);
        for (auto &l : v)
            l = rng() % 3 == 0 ? ~0ull : rng();
        v.back() = rng() % 3 == 0 ? 1ull : rng() % 2 ? (1ull << 63) : rng() >> (rng() % 64);
        for (auto &l : q)
            l = rng() % 2 ? ~0ull : rng();
        const BigInt divisor = BigInt::fromLimbs(v);
        if (divisor.isZero())
            continue;
        const BigInt quotient = BigInt::fromLimbs(q);
        const BigInt remainder = BigInt::fromLimbs({rng(), rng()}) % divisor;
        const DivMod qr = divMod(quotient * divisor + remainder, divisor);
        ASSERT_EQ(qr.quotient, quotient);
        ASSERT_EQ(qr.remainder, remainder);
    }
}

TEST(CryptoBigInt, ModInverseAndModPowMatchOpenSsl)
{
    std::mt19937_64 rng(99);
    for (std::size_t size : {1, 8, 9, 24, 32, 64, 128, 256}) {
        for (int rep = 0; rep < 6; ++rep) {
            Bytes m = randomOperand(rng, size);
            m.back() |= 1; // odd: Montgomery
            if (num(m) < BigInt(3))
                m.back() = 3;
            const Bytes base = randomOperand(rng, size + 3), exp = randomOperand(rng, size);
            const BigInt M = num(m);
            SCOPED_TRACE("modulus " + M.toHex());
            const Bytes expected = bn::bnModExp(base, exp, m);
            EXPECT_EQ(modPow(num(base), num(exp), M).toBytes(), expected);
            EXPECT_EQ(modPow(num(base), num(exp), M, ExponentKind::Public).toBytes(), expected);
            const MontgomeryContext mont(M);
            for (unsigned w = 1; w <= 8; ++w)
                EXPECT_EQ(mont.modPow(num(base), num(exp), ExponentKind::Secret, nullptr, "x", w)
                              .toBytes(),
                          expected)
                    << "window " << w;
            EXPECT_EQ(mont.modMul(num(base), num(exp)).toBytes(),
                      bn::bnMod(bn::bnMul(base, exp), m));
            // Even modulus: the plain path.
            Bytes even = m;
            even.back() &= 0xfe;
            if (!num(even).isZero()) {
                EXPECT_EQ(modPow(num(base), num(exp), num(even)).toBytes(),
                          bn::bnModExp(base, exp, even));
            }
            const auto inv = modInverse(num(base), M);
            const auto refInv = bn::bnModInverse(base, m);
            ASSERT_EQ(inv.has_value(), refInv.has_value());
            if (inv) {
                EXPECT_EQ(inv->toBytes(), *refInv);
            }
        }
    }
    EXPECT_EQ(modPow(5, 0, 7), BigInt(1));
    EXPECT_EQ(modPow(5, 3, 1), BigInt(0));
    EXPECT_THROW(MontgomeryContext(BigInt(10)), CryptoError);
}

// The trace shows square-and-multiply on the tutorial's decryption, 2790^2753 mod 3233:
// 2753 = 101011000001 in binary (12 bits), window 1 -> 11 squarings and 12 multiplications
// (secret exponents multiply on every bit, by 1 for a 0 bit). The values must follow the
// arithmetic.
TEST(CryptoBigInt, TracedModPowRecordsEveryStep)
{
    wb::Trace trace;
    const BigInt result = modPow(2790, 2753, 3233, ExponentKind::Secret, &trace, "decrypt");
    EXPECT_EQ(result, BigInt(65));
    ASSERT_GE(trace.size(), 3u);
    EXPECT_EQ(trace.at(0).kind, "modexp_begin");
    EXPECT_EQ(trace.at(0).intField("window"), 1);
    std::uint64_t value = 1;
    int squares = 0, multiplies = 0;
    for (std::size_t i = 1; i + 1 < trace.size(); ++i) {
        const wb::Event &e = trace.at(i);
        const auto *bytes = std::get_if<Bytes>(e.field("value"));
        ASSERT_NE(bytes, nullptr);
        if (e.kind == "modexp_square") {
            value = value * value % 3233;
            ++squares;
        } else {
            ASSERT_EQ(e.kind, "modexp_multiply");
            const auto digit = std::uint64_t(e.intField("digit"));
            value = value * (digit ? 2790 : 1) % 3233;
            ++multiplies;
        }
        EXPECT_EQ(BigInt::fromBytes(*bytes), BigInt(value)) << "event " << i;
    }
    EXPECT_EQ(squares, 11);
    EXPECT_EQ(multiplies, 12);
    EXPECT_EQ(trace.at(trace.size() - 1).kind, "modexp_end");
    EXPECT_EQ(value, 65u);

    // Public exponent 17 = 10001b: multiplications only on the one bits.
    wb::Trace pub;
    EXPECT_EQ(modPow(65, 17, 3233, ExponentKind::Public, &pub, "encrypt"), BigInt(2790));
    int pubMultiplies = 0;
    for (std::size_t i = 0; i < pub.size(); ++i)
        pubMultiplies += pub.at(i).kind == "modexp_multiply";
    EXPECT_EQ(pubMultiplies, 2);
}
