// The accelerated Montgomery path for 1024-bit moduli (AVX-512 IFMA, radix 2^52, the CRT
// halves of RSA-2048 in lockstep) against the portable 64-bit code and OpenSSL's BIGNUM on
// random operands, at test time. The RSA-level tests cannot see a wrong half on their own:
// the private operation re-encrypts its result and falls back to c^d mod n, so these tests
// check the exponentiations themselves.
#include "../core/rsa/mont_ifma.h"
#include "crypto/core/bigint.h"
#include "crypto/core/pem.h"
#include "crypto/core/rsa.h"
#include "rsa_openssl_ref.h"

#include <gtest/gtest.h>

#include <random>

using namespace wb::crypto;
namespace bn = ref::rsa;

namespace {

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

// Odd moduli with 16 limbs (961 to 1024 bits), including the extremes of the limb range.
std::vector<Bytes> moduli1024(std::mt19937_64 &rng)
{
    std::vector<Bytes> out;
    out.push_back(Bytes(128, 0xff)); // 2^1024 - 1
    Bytes low(128, 0);
    low[0] = 0x80;
    low[127] = 1; // 2^1023 + 1
    out.push_back(low);
    Bytes small(121, 0);
    small[0] = 1;
    small[120] = 0x35; // 961 bits: the smallest 16-limb size
    out.push_back(small);
    for (int i = 0; i < 5; ++i) {
        Bytes m = randomBytes(rng, 128);
        m[0] |= 0x80;
        m[127] |= 1;
        out.push_back(m);
    }
    return out;
}

std::vector<Bytes> exponents(std::mt19937_64 &rng)
{
    std::vector<Bytes> out = {Bytes{1}, Bytes{2}, Bytes{3}, Bytes(128, 0xff)};
    for (std::size_t size : {1, 4, 31, 64, 127, 128, 128})
        out.push_back(randomBytes(rng, size));
    return out;
}

struct Aligned24
{
    alignas(64) std::uint64_t v[ifma::kPadded];
};

// Any value below 2^1040 (inputs below 2m may exceed 1024 bits), 52 bits at a time.
Aligned24 radix52(const BigInt &x)
{
    Aligned24 out;
    for (std::size_t k = 0; k < ifma::kPadded; ++k)
        out.v[k] = (x >> (52 * k)).low64() & ifma::kMask;
    return out;
}

// The library's converter, for values below 2^1024.
Aligned24 radix52Library(const BigInt &x)
{
    std::uint64_t wide[16] = {};
    std::copy(x.limbs().begin(), x.limbs().end(), wide);
    Aligned24 out;
    ifma::toRadix52(out.v, wide);
    return out;
}

BigInt fromRadix52Unreduced(const Aligned24 &x)
{
    // Limbs may carry a value up to 2^1040; rebuild it limb by limb.
    BigInt value;
    for (std::size_t k = ifma::kPadded; k-- > 0;)
        value = (value << 52) + BigInt(x.v[k]);
    return value;
}

} // namespace

TEST(CryptoMontgomeryFast, Radix52ConversionsRoundTrip)
{
    std::mt19937_64 rng(52);
    for (int i = 0; i < 200; ++i) {
        const BigInt x = num(randomBytes(rng, 1 + rng() % 128));
        const Aligned24 r = radix52Library(x);
        for (std::size_t k = 0; k < ifma::kPadded; ++k)
            ASSERT_EQ(r.v[k], radix52(x).v[k]);
        for (std::size_t k = 0; k < ifma::kPadded; ++k)
            ASSERT_LT(r.v[k], std::uint64_t(1) << 52);
        EXPECT_EQ(fromRadix52Unreduced(r), x);
        std::uint64_t back[16];
        ifma::fromRadix52(back, r.v);
        EXPECT_EQ(BigInt::fromLimbs(std::vector<std::uint64_t>(back, back + 16)), x);
    }
}

// One product a*b/2^1040 mod m against OpenSSL: congruent, below 2m, limbs normalized; and
// the two-at-once kernel gives the same two results.
TEST(CryptoMontgomeryFast, IfmaProductMatchesOpenSsl)
{
    if (!ifma::available())
        GTEST_SKIP() << "this CPU has no AVX-512 IFMA; the portable path is the only one";
    std::mt19937_64 rng(1040);
    const BigInt r = BigInt(1) << 1040;
    for (const Bytes &mBytes : moduli1024(rng)) {
        const BigInt m = num(mBytes);
        const Bytes rInv = *bn::bnModInverse((r % m).toBytes(), mBytes);
        std::uint64_t k0 = m.low64();
        for (int i = 0; i < 5; ++i)
            k0 *= 2 - m.low64() * k0;
        k0 = (0 - k0) & ifma::kMask;
        const Aligned24 mm = radix52(m);
        for (int rep = 0; rep < 40; ++rep) {
            // Operands below 2m, as the exponentiation feeds them (rep 0: the largest).
            const BigInt twoM = m + m;
            BigInt a = rep == 0 ? twoM - BigInt(1) : num(randomBytes(rng, 129)) % twoM;
            BigInt b = rep == 0 ? twoM - BigInt(1) : num(randomBytes(rng, 129)) % twoM;
            Aligned24 ra = radix52(a), rb = radix52(b), out;
            ifma::montMul(out.v, ra.v, rb.v, mm.v, k0);
            for (std::size_t k = 0; k < ifma::kPadded; ++k)
                ASSERT_LT(out.v[k], std::uint64_t(1) << 52);
            const BigInt got = fromRadix52Unreduced(out);
            EXPECT_LT(got, twoM);
            const Bytes expected =
                bn::bnMod(bn::bnMul(bn::bnMul(a.toBytes(), b.toBytes()), rInv), mBytes);
            ASSERT_EQ((got % m).toBytes(), expected) << "modulus " << m.toHex() << " rep " << rep;

            Aligned24 out1, out2;
            const Aligned24 rc = radix52(b), rd = radix52(a);
            ifma::montMul2(out1.v, ra.v, rb.v, mm.v, k0, out2.v, rc.v, rd.v, mm.v, k0);
            EXPECT_EQ(fromRadix52Unreduced(out1), got);
            EXPECT_EQ(fromRadix52Unreduced(out2), got); // b*a = a*b
        }
    }
}

// modPow on the fast path (when the CPU has it), the portable path and OpenSSL's
// BN_mod_exp agree for every window size, edge bases and exponents.
TEST(CryptoMontgomeryFast, ModPowFastPortableAndOpenSslAgree)
{
    std::mt19937_64 rng(2048);
    for (const Bytes &mBytes : moduli1024(rng)) {
        const BigInt m = num(mBytes);
        MontgomeryContext fast(m), portable(m);
        portable.setAccelerated(false);
        EXPECT_EQ(fast.path(), defaultMontgomeryPath());
        EXPECT_FALSE(portable.acceleratedPathActive());
        std::vector<BigInt> bases = {BigInt(0), BigInt(1), m - BigInt(1), m, m + BigInt(1)};
        bases.push_back(num(randomBytes(rng, 256))); // a 2048-bit ciphertext, reduced first
        bases.push_back(num(randomBytes(rng, 128)));
        const std::vector<Bytes> exps = exponents(rng);
        for (const BigInt &base : bases) {
            for (const Bytes &e : exps) {
                const Bytes expected = bn::bnModExp(base.toBytes(), e, mBytes);
                const unsigned window = unsigned(1 + rng() % 8);
                const BigInt viaFast =
                    fast.modPow(base, num(e), ExponentKind::Secret, nullptr, "x", window);
                const BigInt viaPortable =
                    portable.modPow(base, num(e), ExponentKind::Secret, nullptr, "x", window);
                ASSERT_EQ(viaFast.toBytes(), expected)
                    << "modulus " << m.toHex() << " base " << base.toHex() << " window " << window;
                ASSERT_EQ(viaPortable.toBytes(), expected);
                // The automatic window (5 for exponents above 256 bits).
                ASSERT_EQ(fast.modPow(base, num(e)).toBytes(), expected);
            }
        }
    }
}

// Both CRT halves in lockstep equal OpenSSL's, for exponents of equal and of very different
// lengths (the shorter one runs leading zero windows), and for OpenSSL's own RSA-2048 key.
TEST(CryptoMontgomeryFast, ModPowPairMatchesOpenSsl)
{
    std::mt19937_64 rng(6);
    const std::vector<Bytes> mods = moduli1024(rng);
    for (std::size_t i = 0; i + 1 < mods.size(); ++i) {
        const Bytes &pBytes = mods[i], &qBytes = mods[i + 1];
        const MontgomeryContext p(num(pBytes)), q(num(qBytes));
        for (int rep = 0; rep < 6; ++rep) {
            const Bytes base = randomBytes(rng, 256);
            const Bytes eP = randomBytes(rng, rep == 1 ? 3 : 128);
            const Bytes eQ = randomBytes(rng, rep == 2 ? 5 : 128 - std::size_t(rep));
            const auto [rp, rq] =
                MontgomeryContext::modPowPair(p, num(base), num(eP), q, num(base), num(eQ));
            ASSERT_EQ(rp.toBytes(), bn::bnModExp(base, eP, pBytes)) << "pair " << i;
            ASSERT_EQ(rq.toBytes(), bn::bnModExp(base, eQ, qBytes)) << "pair " << i;
        }
    }

    const RsaPrivateKey key = parseRsaKeyPem(bn::generatePrivatePem(2048)).privateKey;
    for (int rep = 0; rep < 10; ++rep) {
        const BigInt c = num(randomBytes(rng, 256)) % key.n;
        const auto [mp, mq] = MontgomeryContext::modPowPair(MontgomeryContext(key.p), c, key.dP,
                                                            MontgomeryContext(key.q), c, key.dQ);
        EXPECT_EQ(mp.toBytes(), bn::bnModExp(c.toBytes(), key.dP.toBytes(), key.p.toBytes()));
        EXPECT_EQ(mq.toBytes(), bn::bnModExp(c.toBytes(), key.dQ.toBytes(), key.q.toBytes()));
    }
}

// The private operation end to end against OpenSSL's RSA_NO_PADDING with the same key.
TEST(CryptoMontgomeryFast, PrivateOperationMatchesOpenSslRaw)
{
    std::mt19937_64 rng(8017);
    const std::string pem = bn::generatePrivatePem(2048);
    const RsaPrivateKey key = parseRsaKeyPem(pem).privateKey;
    for (int rep = 0; rep < 10; ++rep) {
        const Bytes c = (num(randomBytes(rng, 256)) % key.n).toBytes(256);
        EXPECT_EQ(rsaPrivateOp(key, num(c)).toBytes(256), bn::rawPrivate(pem, c));
    }
}
