// HMAC (RFC 2202, RFC 4231) and PBKDF2-HMAC-SHA256 (RFC 7914), and both against OpenSSL.
#include "crypto/core/hmac.h"

#include "openssl_ref.h"
#include "workbench/core/rng.h"

#include <gtest/gtest.h>

using namespace wb::crypto;

namespace {
Bytes randomBytesFrom(wb::Rng &rng, std::size_t n)
{
    Bytes m(n);
    for (auto &b : m)
        b = std::uint8_t(rng.next());
    return m;
}
} // namespace

TEST(CryptoHmacKnownAnswers, Rfc2202AndRfc4231)
{
    const Bytes msg = toBytes("Hi There");
    EXPECT_EQ(toHex(hmac(HashAlg::Md5, Bytes(16, 0x0b), msg)), "9294727a3638bb1c13f48ef8158bfc9d");
    EXPECT_EQ(toHex(hmac(HashAlg::Sha1, Bytes(20, 0x0b), msg)),
              "b617318655057264e28bc0b6fb378c8ef146be00");
    EXPECT_EQ(toHex(hmac(HashAlg::Sha256, Bytes(20, 0x0b), msg)),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // RFC 4231 test case 2: a key shorter than the output.
    EXPECT_EQ(
        toHex(hmac(HashAlg::Sha256, toBytes("Jefe"), toBytes("what do ya want for nothing?"))),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoHmacVsOpenSsl, KeyAndMessageLengths)
{
    ASSERT_TRUE(ref::loadProviders());
    wb::Rng rng(2104);
    const std::pair<HashAlg, const char *> algs[] = {{HashAlg::Md4, "MD4"},
                                                     {HashAlg::Md5, "MD5"},
                                                     {HashAlg::Sha1, "SHA1"},
                                                     {HashAlg::Sha256, "SHA256"}};
    for (auto [alg, name] : algs) {
        for (std::size_t keyLen = 0; keyLen <= 150; keyLen += 3) {
            const Bytes key = randomBytesFrom(rng, keyLen);
            const Bytes msg = randomBytesFrom(rng, rng.below(300));
            ASSERT_EQ(hmac(alg, key, msg), ref::hmac(name, key, msg))
                << name << " key " << keyLen << " message " << msg.size();
        }
    }
}

TEST(CryptoHmacIncremental, ReusableAfterFinal)
{
    const Bytes key = toBytes("key");
    Hmac mac(HashAlg::Sha256, key);
    mac.update("The quick brown fox ");
    mac.update("jumps over the lazy dog");
    EXPECT_EQ(toHex(mac.final()),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    mac.update("The quick brown fox jumps over the lazy dog");
    EXPECT_EQ(toHex(mac.final()),
              "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(CryptoPbkdf2KnownAnswers, Rfc7914)
{
    EXPECT_EQ(toHex(pbkdf2HmacSha256(toBytes("passwd"), toBytes("salt"), 1, 64)),
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    EXPECT_EQ(toHex(pbkdf2HmacSha256(toBytes("Password"), toBytes("NaCl"), 80000, 64)),
              "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
              "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(CryptoPbkdf2VsOpenSsl, LengthsAndIterations)
{
    wb::Rng rng(8018);
    for (unsigned iterations : {1u, 2u, 3u, 1000u}) {
        for (std::size_t length : {1u, 31u, 32u, 33u, 56u, 64u, 100u}) {
            const Bytes password = randomBytesFrom(rng, rng.below(80));
            const Bytes salt = randomBytesFrom(rng, rng.below(40));
            EXPECT_EQ(pbkdf2HmacSha256(password, salt, iterations, length),
                      ref::pbkdf2Sha256(password, salt, iterations, length))
                << iterations << " iterations, " << length << " bytes";
        }
    }
    EXPECT_THROW(pbkdf2HmacSha256(toBytes("p"), toBytes("s"), 0, 32), CryptoError);
    EXPECT_THROW(pbkdf2HmacSha256(toBytes("p"), toBytes("s"), 1, 0), CryptoError);
}
