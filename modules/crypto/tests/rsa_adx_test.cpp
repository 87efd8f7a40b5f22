// The BMI2/ADX Montgomery kernels for 1024-bit moduli against the portable kernels and plain
// BigInt arithmetic on thousands of operands, then exponentiations and RSA-2048 private
// operations with each path forced, against OpenSSL; and how a path is chosen (the CPU, the
// WB_CRYPTO_MONT_PATH environment variable, the setters).
#include "../core/rsa/mont_adx.h"
#include "../core/rsa/mont_portable.h"
#include "crypto/core/bigint.h"
#include "crypto/core/pem.h"
#include "crypto/core/rsa.h"
#include "rsa_openssl_ref.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <random>

using namespace wb::crypto;
namespace bn = ref::rsa;

namespace {

using Limbs = std::array<std::uint64_t, 16>;

BigInt num(const Bytes &b)
{
    return BigInt::fromBytes(b);
}

Bytes randomBytes(std::mt19937_64 &rng, std::size_t size)
{
    Bytes b(size);
    for (auto &x : b)
        x = std::uint8_t(rng());
    return b;
}

Limbs limbsOf(const BigInt &x)
{
    Limbs out{};
    std::copy(x.limbs().begin(), x.limbs().end(), out.begin());
    return out;
}

BigInt valueOf(const Limbs &x)
{
    return BigInt::fromLimbs(std::vector<std::uint64_t>(x.begin(), x.end()));
}

// -m^-1 mod 2^64.
std::uint64_t negInverse(const BigInt &m)
{
    std::uint64_t x = m.low64();
    for (int i = 0; i < 5; ++i)
        x *= 2 - m.low64() * x;
    return 0 - x;
}

// Odd 16-limb moduli: the extremes of the limb range, moduli with all-ones limbs, and random
// 1024-bit ones.
std::vector<BigInt> moduli(std::mt19937_64 &rng)
{
    std::vector<BigInt> out;
    out.push_back(num(Bytes(128, 0xff)));                         // 2^1024 - 1
    out.push_back((BigInt(1) << 1023) + BigInt(1));               // 2^1023 + 1
    out.push_back((BigInt(1) << 960) + BigInt(0x35));             // 961 bits
    out.push_back((BigInt(1) << 1024) - (BigInt(1) << 512) - 1);  // ones, a zero limb, ones
    out.push_back(((BigInt(1) << 1024) - 1) - (BigInt(1) << 64)); // one zero bit in limb 1
    for (int i = 0; i < 7; ++i) {
        Bytes m = randomBytes(rng, 128);
        m[0] |= 0x80;
        m[127] |= 1;
        out.push_back(num(m));
    }
    return out;
}

// Operands below m: 0, 1, 2, m-1, m-2, values made of all-ones and zero limbs (reduced mod
// m), then random ones, some with long runs of 0xff or 0x00 bytes.
std::vector<BigInt> operands(std::mt19937_64 &rng, const BigInt &m, int randomCount)
{
    std::vector<BigInt> out = {BigInt(0), BigInt(1), BigInt(2), m - BigInt(1), m - BigInt(2)};
    const BigInt ones = (BigInt(1) << 1024) - BigInt(1);
    out.push_back(ones % m);
    out.push_back(((BigInt(1) << 1023) - BigInt(1)) % m); // 1023 one bits
    BigInt alternating, topOnes;
    for (int k = 0; k < 16; k += 2)
        alternating += ((BigInt(1) << 64) - BigInt(1)) << (64 * k);
    out.push_back(alternating % m);
    out.push_back((alternating << 64) % m);
    topOnes = (m >> 64) << 64; // m's limbs above the lowest, which is zero
    out.push_back(topOnes);
    out.push_back(topOnes + ((BigInt(1) << 64) - BigInt(1)) < m
                      ? topOnes + ((BigInt(1) << 64) - BigInt(1))
                      : topOnes - BigInt(1));
    for (int i = 0; i < randomCount; ++i) {
        Bytes b = randomBytes(rng, 128);
        if (i % 4 == 1)
            for (auto &x : b)
                x = rng() % 3 == 0 ? x : 0xff;
        if (i % 4 == 2)
            for (auto &x : b)
                x = rng() % 3 == 0 ? x : 0x00;
        out.push_back(num(b) % m);
    }
    return out;
}

// Sets the default path for one scope and restores the previous one.
class DefaultPathScope
{
public:
    explicit DefaultPathScope(MontgomeryPath path) : m_previous(defaultMontgomeryPath())
    {
        setDefaultMontgomeryPath(path);
    }
    ~DefaultPathScope() { setDefaultMontgomeryPath(m_previous); }
    DefaultPathScope(const DefaultPathScope &) = delete;
    DefaultPathScope &operator=(const DefaultPathScope &) = delete;

private:
    MontgomeryPath m_previous;
};

#define SKIP_WITHOUT_ADX()                                                                        \
    if (!adx::available())                                                                        \
    GTEST_SKIP() << "this CPU lacks BMI2/ADX"

} // namespace

// a*b/R mod m and a^2/R mod m from the ADX kernels, the portable kernels and BigInt
// arithmetic (R = 2^1024): equal on every pair, fully reduced, with r aliasing an operand.
TEST(CryptoMontgomeryAdx, KernelsMatchPortableAndBigInt)
{
    SKIP_WITHOUT_ADX();
    std::mt19937_64 rng(1024);
    const BigInt r = BigInt(1) << 1024;
    std::size_t products = 0, squares = 0;
    for (const BigInt &m : moduli(rng)) {
        const Limbs n = limbsOf(m);
        const std::uint64_t n0inv = negInverse(m);
        const BigInt rInv = *modInverse(r % m, m);
        const std::vector<BigInt> xs = operands(rng, m, 300);
        auto check = [&](const BigInt &a, const BigInt &b) {
            const Limbs la = limbsOf(a), lb = limbsOf(b);
            Limbs viaAdx, viaPortable;
            adx::montMul(viaAdx.data(), la.data(), lb.data(), n.data(), n0inv);
            portable::montMul16(viaPortable.data(), la.data(), lb.data(), n.data(), n0inv);
            ASSERT_EQ(viaAdx, viaPortable)
                << "m " << m.toHex() << "\na " << a.toHex() << "\nb " << b.toHex();
            ASSERT_EQ(valueOf(viaAdx), a * b % m * rInv % m);
            ++products;
        };
        auto checkSquare = [&](const BigInt &a) {
            const Limbs la = limbsOf(a);
            Limbs viaAdx, viaPortable, viaMul;
            adx::montSqr(viaAdx.data(), la.data(), n.data(), n0inv);
            portable::montSqr16(viaPortable.data(), la.data(), n.data(), n0inv);
            adx::montMul(viaMul.data(), la.data(), la.data(), n.data(), n0inv);
            ASSERT_EQ(viaAdx, viaPortable) << "m " << m.toHex() << "\na " << a.toHex();
            ASSERT_EQ(viaAdx, viaMul);
            ASSERT_EQ(valueOf(viaAdx), a * a % m * rInv % m);
            ++squares;
        };
        // Every pair of the first operands (the edge cases), then consecutive random pairs.
        for (std::size_t i = 0; i < 12; ++i)
            for (std::size_t j = 0; j < 12; ++j)
                check(xs[i], xs[j]);
        for (std::size_t i = 0; i + 1 < xs.size(); ++i)
            check(xs[i], xs[i + 1]);
        for (const BigInt &a : xs)
            checkSquare(a);

        // In place: r is a (and b).
        Limbs x = limbsOf(xs.back()), y = limbsOf(xs[xs.size() - 2]), expected;
        adx::montMul(expected.data(), x.data(), y.data(), n.data(), n0inv);
        adx::montMul(x.data(), x.data(), y.data(), n.data(), n0inv);
        EXPECT_EQ(x, expected);
        adx::montSqr(expected.data(), y.data(), n.data(), n0inv);
        adx::montSqr(y.data(), y.data(), n.data(), n0inv);
        EXPECT_EQ(y, expected);
    }
    EXPECT_GE(products, 4000u);
    EXPECT_GE(squares, 3000u);
}

// modPow and modMul with each path this CPU has: equal to OpenSSL's BN_mod_exp / BN_mod_mul
// for edge bases, window sizes and exponents.
TEST(CryptoMontgomeryAdx, ModPowOnEachPathMatchesOpenSsl)
{
    std::mt19937_64 rng(65);
    const std::vector<BigInt> mods = moduli(rng);
    for (MontgomeryPath path :
         {MontgomeryPath::Portable, MontgomeryPath::Adx, MontgomeryPath::Ifma}) {
        if (!montgomeryPathAvailable(path))
            continue;
        SCOPED_TRACE(montgomeryPathName(path));
        for (std::size_t k = 0; k < mods.size(); k += 2) {
            const BigInt &m = mods[k];
            MontgomeryContext ctx(m);
            ctx.setPath(path);
            ASSERT_EQ(ctx.path(), path);
            const std::vector<BigInt> bases = {BigInt(0),
                                               BigInt(1),
                                               m - BigInt(1),
                                               m,
                                               num(randomBytes(rng, 256)),
                                               num(randomBytes(rng, 128))};
            for (const BigInt &base : bases) {
                for (std::size_t size : {1, 16, 128}) {
                    const Bytes e = randomBytes(rng, size);
                    const unsigned window = unsigned(1 + rng() % 6);
                    ASSERT_EQ(ctx.modPow(base, num(e), ExponentKind::Secret, nullptr, "x", window)
                                  .toBytes(),
                              bn::bnModExp(base.toBytes(), e, m.toBytes()))
                        << "m " << m.toHex() << " base " << base.toHex();
                    ASSERT_EQ(ctx.modPow(base, num(e), ExponentKind::Public).toBytes(),
                              bn::bnModExp(base.toBytes(), e, m.toBytes()));
                }
                const BigInt other = num(randomBytes(rng, 128)) % m;
                const BigInt reduced = base % m;
                ASSERT_EQ(ctx.modMul(reduced, other).toBytes(),
                          bn::bnMod(bn::bnMul(reduced.toBytes(), other.toBytes()), m.toBytes()));
            }
        }
    }
}

// RSA-2048 with the ADX path forced through the default: both CRT halves (which the private
// operation's re-encryption check would otherwise hide if wrong), the bare private
// operation and PKCS#1 v1.5 signatures equal OpenSSL's for the same key.
TEST(CryptoMontgomeryAdx, Rsa2048PrivateWithAdxForcedMatchesOpenSsl)
{
    SKIP_WITHOUT_ADX();
    const DefaultPathScope scope(MontgomeryPath::Adx);
    std::mt19937_64 rng(2048);
    for (int k = 0; k < 2; ++k) {
        const std::string pem = bn::generatePrivatePem(2048);
        const RsaPrivateKey key = parseRsaKeyPem(pem).privateKey;
        const MontgomeryContext p(key.p), q(key.q);
        ASSERT_EQ(p.path(), MontgomeryPath::Adx);
        ASSERT_EQ(q.path(), MontgomeryPath::Adx);
        for (int rep = 0; rep < 8; ++rep) {
            const BigInt c = num(randomBytes(rng, 256)) % key.n;
            const auto [mp, mq] = MontgomeryContext::modPowPair(p, c, key.dP, q, c, key.dQ);
            ASSERT_EQ(mp.toBytes(), bn::bnModExp(c.toBytes(), key.dP.toBytes(), key.p.toBytes()));
            ASSERT_EQ(mq.toBytes(), bn::bnModExp(c.toBytes(), key.dQ.toBytes(), key.q.toBytes()));
            const Bytes block = c.toBytes(256);
            EXPECT_EQ(rsaPrivateOp(key, c).toBytes(256), bn::rawPrivate(pem, block));
            const Bytes message = randomBytes(rng, 1 + rng() % 100);
            EXPECT_EQ(pkcs1v15Sign(key, message), bn::signPkcs1Sha256(pem, message));
        }
    }
}

TEST(CryptoMontgomeryAdx, PathNamesAndFallback)
{
    for (MontgomeryPath path :
         {MontgomeryPath::Portable, MontgomeryPath::Adx, MontgomeryPath::Ifma})
        EXPECT_EQ(montgomeryPathFromName(montgomeryPathName(path)), path);
    EXPECT_FALSE(montgomeryPathFromName("avx2"));
    EXPECT_FALSE(montgomeryPathFromName("ADX"));
    EXPECT_FALSE(montgomeryPathFromName(""));

    EXPECT_TRUE(montgomeryPathAvailable(MontgomeryPath::Portable));
    EXPECT_EQ(montgomeryPathAvailable(MontgomeryPath::Adx), adx::available());
    const MontgomeryPath best = bestMontgomeryPath();
    EXPECT_TRUE(montgomeryPathAvailable(best));
    if (montgomeryPathAvailable(MontgomeryPath::Ifma))
        EXPECT_EQ(best, MontgomeryPath::Ifma);
    else if (adx::available())
        EXPECT_EQ(best, MontgomeryPath::Adx);
    else
        EXPECT_EQ(best, MontgomeryPath::Portable);

    const BigInt m1024 = (BigInt(1) << 1023) + BigInt(1);
    for (MontgomeryPath path :
         {MontgomeryPath::Portable, MontgomeryPath::Adx, MontgomeryPath::Ifma}) {
        const MontgomeryPath expected = montgomeryPathAvailable(path) ? path : best;
        EXPECT_EQ(availableMontgomeryPath(path), expected);
        {
            const DefaultPathScope scope(path);
            EXPECT_EQ(defaultMontgomeryPath(), expected);
            const MontgomeryContext ctx(m1024);
            EXPECT_EQ(ctx.path(), expected);
            EXPECT_EQ(ctx.acceleratedPathActive(), expected != MontgomeryPath::Portable);
            // Other sizes have only the portable code.
            EXPECT_EQ(MontgomeryContext((BigInt(1) << 2047) + BigInt(1)).path(),
                      MontgomeryPath::Portable);
        }
        MontgomeryContext ctx(m1024);
        ctx.setPath(path);
        EXPECT_EQ(ctx.path(), expected);
        ctx.setAccelerated(false);
        EXPECT_EQ(ctx.path(), MontgomeryPath::Portable);
        ctx.setAccelerated(true);
        EXPECT_EQ(ctx.path(), defaultMontgomeryPath());
    }
}

// The default path is what WB_CRYPTO_MONT_PATH asks for when the CPU has it, the best path
// otherwise (ctest runs this suite once without the variable and once per value).
TEST(CryptoMontgomeryAdx, DefaultPathFollowsEnvironment)
{
    const char *value = std::getenv("WB_CRYPTO_MONT_PATH");
    const auto named = value ? montgomeryPathFromName(value) : std::nullopt;
    EXPECT_EQ(defaultMontgomeryPath(),
              availableMontgomeryPath(named.value_or(bestMontgomeryPath())))
        << "WB_CRYPTO_MONT_PATH=" << (value ? value : "(unset)");
}
