// RSA: the brief's textbook key, key generation, and every operation differentially against
// OpenSSL in both directions (keys cross as PEM, so the encoders are exercised too).
#include "crypto/core/hash.h"
#include "crypto/core/pem.h"
#include "crypto/core/rsa.h"
#include "rsa_openssl_ref.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::crypto;
namespace osl = ref::rsa;

namespace {

// One OpenSSL key per size for the whole run (generation is the slow part).
const std::string &opensslKey(unsigned bits)
{
    static std::map<unsigned, std::string> keys;
    auto it = keys.find(bits);
    if (it == keys.end())
        it = keys.emplace(bits, osl::generatePrivatePem(bits)).first;
    return it->second;
}

const RsaPrivateKey &ourKey2048()
{
    static const RsaPrivateKey key = generateRsaKey(2048);
    return key;
}

Bytes flipBit(Bytes b, std::size_t bit)
{
    b[bit / 8 % b.size()] ^= std::uint8_t(1u << (bit % 8));
    return b;
}

} // namespace

// crypto.md section 3: p 61, q 53, n 3233, phi 3120, e 17, d 2753; encrypting 65 gives
// 2790; signing 123 gives 2746.
TEST(CryptoRsa, TutorialKeyAndNumbers)
{
    const RsaPrivateKey key = rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi);
    EXPECT_EQ(key.n, BigInt(3233));
    EXPECT_EQ(key.d, BigInt(2753));
    EXPECT_EQ((key.p - 1) * (key.q - 1), BigInt(3120));
    const RsaPublicKey pub = key.publicKey();
    EXPECT_EQ(rsaPublicOp(pub, 65), BigInt(2790));
    EXPECT_EQ(rsaPrivateOp(key, 2790), BigInt(65));
    EXPECT_EQ(rsaPrivateOp(key, 2790, nullptr, false), BigInt(65));
    EXPECT_EQ(rsaPrivateOp(key, 123), BigInt(2746));
    EXPECT_EQ(rsaPublicOp(pub, 2746), BigInt(123));
    // The same through the byte-string calls the tutorial makes.
    EXPECT_EQ(textbookEncrypt(pub, Bytes{65}), (Bytes{0x0a, 0xe6})); // 2790
    EXPECT_EQ(textbookDecrypt(key, Bytes{0x0a, 0xe6}), Bytes{65});
    EXPECT_EQ(textbookSign(key, Bytes{123}), (Bytes{0x0a, 0xba})); // 2746
    EXPECT_TRUE(textbookVerify(pub, Bytes{123}, Bytes{0x0a, 0xba}));
    EXPECT_FALSE(textbookVerify(pub, Bytes{124}, Bytes{0x0a, 0xba}));
    EXPECT_NO_THROW(validateRsaKey(key));

    // FIPS 186-4 / OpenSSL take d modulo lambda = lcm(60, 52) = 780: 17^-1 = 413, same results.
    const RsaPrivateKey lambdaKey = rsaKeyFromPrimes(61, 53, 17);
    EXPECT_EQ(lambdaKey.d, BigInt(413));
    EXPECT_EQ(rsaPrivateOp(lambdaKey, 2790, nullptr, false), BigInt(65));

    EXPECT_THROW(rsaKeyFromPrimes(61, 51, 17), CryptoError);            // 51 = 3 * 17
    EXPECT_THROW(rsaKeyFromPrimes(61, 61, 17), CryptoError);            // p == q
    EXPECT_THROW(rsaKeyFromPrimes(61, 53, 3), CryptoError);             // gcd(3, 60) = 3
    EXPECT_THROW(rsaPublicOp(pub, 3233), CryptoError);                  // m must be < n
    EXPECT_THROW(textbookEncrypt(pub, Bytes{0x0c, 0xa1}), CryptoError); // 3233
}

TEST(CryptoRsa, KeyGenerationSizes)
{
    for (std::size_t bits : {16, 18, 32, 64, 100, 256, 512, 1024}) {
        SCOPED_TRACE(bits);
        const BigInt e = bits < 20 ? BigInt(17) : BigInt(65537);
        const RsaPrivateKey key = generateRsaKey(bits, nullptr, e);
        EXPECT_EQ(key.n.bitLength(), bits);
        EXPECT_EQ(key.p.bitLength(), bits / 2);
        EXPECT_EQ(key.q.bitLength(), bits / 2);
        EXPECT_TRUE(osl::bnIsPrime(key.p.toBytes()));
        EXPECT_TRUE(osl::bnIsPrime(key.q.toBytes()));
        EXPECT_NO_THROW(validateRsaKey(key));
        EXPECT_EQ(key.e * key.d % lcm(key.p - 1, key.q - 1), BigInt(1));
        const BigInt m = BigInt(0xbeef) % key.n;
        EXPECT_EQ(rsaPrivateOp(key, rsaPublicOp(key.publicKey(), m)), m);
    }
    EXPECT_THROW(generateRsaKey(14), CryptoError);
    EXPECT_THROW(generateRsaKey(513), CryptoError);
    EXPECT_THROW(generateRsaKey(8194), CryptoError);
    EXPECT_THROW(generateRsaKey(16), CryptoError); // e = 65537 does not fit below a 16-bit n
    EXPECT_THROW(generateRsaKey(64, nullptr, 4), CryptoError);
}

// Our key written as PKCS#8 / SPKI: OpenSSL reads it, its checks pass, it sees our numbers,
// and it signs with it a signature we verify (and the other way round).
TEST(CryptoRsa, OurKeyInOpenSsl)
{
    const RsaPrivateKey &key = ourKey2048();
    const std::string privatePem = privateKeyToPem(key),
                      publicPem = publicKeyToPem(key.publicKey());
    std::string why;
    ASSERT_TRUE(osl::loadsAndChecks(privatePem, &why)) << why;
    ASSERT_TRUE(osl::loadsAndChecks(publicPem, &why)) << why;
    EXPECT_EQ(osl::keyParam(privatePem, "n"), key.n.toBytes());
    EXPECT_EQ(osl::keyParam(privatePem, "d"), key.d.toBytes());
    EXPECT_EQ(osl::keyParam(privatePem, "rsa-factor1"), key.p.toBytes());
    EXPECT_EQ(osl::keyParam(privatePem, "rsa-coefficient1"), key.qInv.toBytes());
    EXPECT_EQ(osl::derOf(privatePem), pkcs8PrivateKeyDer(key));
    EXPECT_EQ(osl::derOf(publicPem), subjectPublicKeyInfoDer(key.publicKey()));
    EXPECT_EQ(osl::publicPemOf(privatePem), publicPem);

    const Bytes message = toBytes("abcdefgh");
    const Bytes ours = pkcs1v15Sign(key, message);
    EXPECT_TRUE(osl::verifyPkcs1Sha256(publicPem, message, ours));
    // PKCS#1 v1.5 is deterministic: both libraries must produce the same bytes.
    EXPECT_EQ(osl::signPkcs1Sha256(privatePem, message), ours);
    EXPECT_TRUE(
        pkcs1v15Verify(key.publicKey(), message, osl::signPkcs1Sha256(privatePem, message)));

    const Bytes ct = oaepEncrypt(key.publicKey(), message);
    EXPECT_EQ(osl::oaepSha256Decrypt(privatePem, ct), message);
    EXPECT_EQ(oaepDecrypt(key, osl::oaepSha256Encrypt(publicPem, message)), message);
}

// OpenSSL's keys of several sizes imported into ours: identical DER back out, and every
// operation agrees in both directions.
TEST(CryptoRsa, OpenSslKeysInOurs)
{
    for (unsigned bits : {1024u, 2048u, 3072u}) {
        SCOPED_TRACE(bits);
        const std::string &privatePem = opensslKey(bits);
        const std::string publicPem = osl::publicPemOf(privatePem);
        const RsaKeyFile file = parseRsaKeyPem(privatePem);
        ASSERT_TRUE(file.hasPrivate);
        EXPECT_EQ(file.format, "PKCS#8");
        const RsaPrivateKey &key = file.privateKey;
        EXPECT_EQ(key.bits(), bits);
        EXPECT_EQ(privateKeyToPem(key), privatePem);
        const RsaKeyFile pubFile = parseRsaKeyPem(publicPem);
        EXPECT_FALSE(pubFile.hasPrivate);
        EXPECT_EQ(pubFile.publicKey.n, key.n);
        EXPECT_EQ(publicKeyToPem(pubFile.publicKey), publicPem);

        for (std::size_t len : {0, 1, 31, 32, 33, 62}) { // 62: the OAEP limit at 1024 bits
            Bytes message(len);
            for (std::size_t i = 0; i < len; ++i)
                message[i] = std::uint8_t(i * 7 + bits);
            const Bytes refSig = osl::signPkcs1Sha256(privatePem, message);
            EXPECT_EQ(pkcs1v15Sign(key, message), refSig);
            EXPECT_TRUE(pkcs1v15Verify(pubFile.publicKey, message, refSig));
            EXPECT_FALSE(pkcs1v15Verify(pubFile.publicKey, message, flipBit(refSig, len * 13)));
            if (len > 0) {
                EXPECT_FALSE(pkcs1v15Verify(pubFile.publicKey, flipBit(message, len), refSig));
            }

            EXPECT_EQ(oaepDecrypt(key, osl::oaepSha256Encrypt(publicPem, message)), message);
            EXPECT_EQ(osl::oaepSha256Decrypt(privatePem, oaepEncrypt(pubFile.publicKey, message)),
                      message);

            // Textbook = OpenSSL's RSA_NO_PADDING on a k-byte block.
            Bytes block(key.byteLength(), 0);
            std::copy(message.begin(), message.end(), block.end() - std::ptrdiff_t(len));
            const Bytes c = textbookEncrypt(pubFile.publicKey, block);
            EXPECT_EQ(c, osl::rawPublic(publicPem, block));
            EXPECT_EQ(osl::rawPrivate(privatePem, c), block);
            EXPECT_EQ(textbookDecrypt(key, c), BigInt::fromBytes(message).toBytes());
        }
    }
}

TEST(CryptoRsa, PaddingErrorsAndTampering)
{
    const RsaPrivateKey &key = ourKey2048();
    const RsaPublicKey pub = key.publicKey();
    EXPECT_EQ(oaepMaxMessage(pub), 190u);
    EXPECT_NO_THROW(oaepEncrypt(pub, Bytes(190, 1)));
    try {
        oaepEncrypt(pub, Bytes(191, 1));
        ADD_FAILURE() << "a 191-byte message must not fit";
    } catch (const CryptoError &e) {
        EXPECT_NE(std::string(e.what()).find("at most 190"), std::string::npos) << e.what();
    }
    const Bytes message = toBytes("attack at dawn");
    const Bytes ct = oaepEncrypt(pub, message);
    EXPECT_NE(ct, oaepEncrypt(pub, message)); // a fresh seed each time
    std::string first;
    for (std::size_t bit : {0u, 7u, 100u, 2047u}) {
        try {
            oaepDecrypt(key, flipBit(ct, bit));
            ADD_FAILURE() << "tampered ciphertext decrypted (bit " << bit << ")";
        } catch (const CryptoError &e) {
            if (first.empty())
                first = e.what();
            EXPECT_EQ(first, e.what()); // one message whatever failed: no padding oracle
        }
    }
    const RsaPrivateKey other = parseRsaKeyPem(opensslKey(2048)).privateKey;
    EXPECT_THROW(oaepDecrypt(other, ct), CryptoError);
    EXPECT_THROW(oaepDecrypt(key, Bytes(ct.begin(), ct.end() - 1)), CryptoError);

    const Bytes sig = pkcs1v15Sign(key, message);
    EXPECT_FALSE(pkcs1v15Verify(other.publicKey(), message, sig)); // another key
    EXPECT_FALSE(pkcs1v15Verify(pub, message, Bytes(sig.begin() + 1, sig.end())));
    EXPECT_FALSE(pkcs1v15Verify(pub, message, key.n.toBytes())); // s >= n
    EXPECT_FALSE(pkcs1v15Verify(pub, message, Bytes()));

    // Too small for the padded schemes, fine for textbook.
    const RsaPrivateKey small = generateRsaKey(256);
    EXPECT_THROW(oaepEncrypt(small.publicKey(), message), CryptoError);
    EXPECT_THROW(pkcs1v15Sign(small, message), CryptoError);
    EXPECT_EQ(textbookDecrypt(small, textbookEncrypt(small.publicKey(), message)), message);
}

// Textbook RSA is deterministic and malleable: c * s^e decrypts to m * s (mod n).
TEST(CryptoRsa, TextbookMalleability)
{
    const RsaPrivateKey &key = ourKey2048();
    const RsaPublicKey pub = key.publicKey();
    const Bytes message = toBytes("pay 100 EUR");
    const Bytes c = textbookEncrypt(pub, message);
    EXPECT_EQ(c, textbookEncrypt(pub, message));
    const BigInt cPrime = malleate(pub, BigInt::fromBytes(c), 3);
    const BigInt m = BigInt::fromBytes(message);
    EXPECT_EQ(rsaPrivateOp(key, cPrime), m * BigInt(3) % key.n);
    // The tutorial key: 65 -> 2790; doubled, 2790 * 2^17 mod 3233 decrypts to 130.
    const RsaPrivateKey toy = rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi);
    EXPECT_EQ(rsaPrivateOp(toy, malleate(toy.publicKey(), 2790, 2)), BigInt(130));
    EXPECT_THROW(malleate(pub, key.n, 2), CryptoError);
    EXPECT_THROW(malleate(pub, 5, 0), CryptoError);
}

TEST(CryptoRsa, TraceOfKeyGenerationAndOperations)
{
    wb::Trace trace;
    const RsaPrivateKey key = generateRsaKey(256, &trace);
    std::size_t candidates = 0, rounds = 0, keys = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const wb::Event &e = trace.at(i);
        candidates += e.kind == "rsa_candidate";
        rounds += e.kind == "rsa_mr_round";
        if (e.kind == "rsa_key") {
            ++keys;
            const auto field = [&](const char *name) {
                return BigInt::fromBytes(std::get<Bytes>(*e.field(name)));
            };
            EXPECT_EQ(field("n"), field("p") * field("q"));
            EXPECT_EQ(field("n"), key.n);
            EXPECT_EQ(field("d"), key.d);
            EXPECT_EQ(field("phi"), (key.p - 1) * (key.q - 1));
            EXPECT_EQ(e.stringField("exponent"), "lambda");
        }
    }
    EXPECT_GE(candidates, 2u);
    EXPECT_GE(rounds, 128u); // 64 rounds for each of the two primes at least
    EXPECT_EQ(keys, 1u);
    EXPECT_EQ(trace.at(trace.size() - 1).kind, "rsa_key");

    // A traced private operation gives the same answer and shows both CRT halves.
    wb::Trace crt;
    const BigInt c = rsaPublicOp(key.publicKey(), 42);
    EXPECT_EQ(rsaPrivateOp(key, c, &crt), BigInt(42));
    ASSERT_TRUE(crt.findNext("rsa_crt_combine", 0));
    const wb::Event &combine = crt.at(*crt.findNext("rsa_crt_combine", 0));
    EXPECT_EQ(BigInt::fromBytes(std::get<Bytes>(*combine.field("result"))), BigInt(42));
    bool sawP = false, sawQ = false;
    for (std::size_t i = 0; i < crt.size(); ++i) {
        sawP |= crt.at(i).stringField("name") == "crt_p";
        sawQ |= crt.at(i).stringField("name") == "crt_q";
    }
    EXPECT_TRUE(sawP && sawQ);

    // OAEP encoding steps: maskedDB = DB xor dbMask, maskedSeed = seed xor seedMask.
    wb::Trace oaep;
    const RsaPrivateKey &big = ourKey2048();
    const Bytes seed(32, 0x5c);
    const Bytes ct = oaepEncryptWithSeed(big.publicKey(), toBytes("abc"), seed, &oaep);
    EXPECT_EQ(ct, oaepEncryptWithSeed(big.publicKey(), toBytes("abc"), seed)); // traced = untraced
    const wb::Event &enc = oaep.at(*oaep.findNext("oaep_encode", 0));
    const auto bytesOf = [&](const char *name) {
        return std::get<Bytes>(*enc.field(name));
    };
    Bytes expectMasked = bytesOf("db");
    for (std::size_t i = 0; i < expectMasked.size(); ++i)
        expectMasked[i] ^= bytesOf("db_mask")[i];
    EXPECT_EQ(bytesOf("masked_db"), expectMasked);
    EXPECT_EQ(bytesOf("db_mask"), mgf1Sha256(seed, expectMasked.size()));
    EXPECT_EQ(bytesOf("lhash"), digest(HashAlg::Sha256, std::string_view()));
    EXPECT_EQ(oaepDecrypt(big, ct), toBytes("abc"));

    wb::Trace sig;
    const Bytes s = pkcs1v15Sign(big, toBytes("abc"), &sig);
    EXPECT_EQ(s, pkcs1v15Sign(big, toBytes("abc")));
    const wb::Event &encode = sig.at(*sig.findNext("pkcs1_encode", 0));
    const Bytes em = std::get<Bytes>(*encode.field("em"));
    EXPECT_EQ(em.size(), 256u);
    EXPECT_EQ(em[0], 0x00);
    EXPECT_EQ(em[1], 0x01);
    EXPECT_EQ(em[256 - 52], 0x00); // the separator before the 51-byte DigestInfo
}
