// RSA operations: the textbook primitives (RFC 8017 5.1, 5.2), CRT, malleability, OAEP
// (7.1) and PKCS#1 v1.5 signatures (8.2, 9.2). See rsa.h.
#include "crypto/core/hash.h"
#include "crypto/core/rsa.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <array>
#include <tuple>

namespace wb::crypto {

namespace {

constexpr std::size_t kHashLen = 32; // SHA-256

// RFC 8017 9.2 note 1: DER of DigestInfo's AlgorithmIdentifier for SHA-256, up to the digest.
constexpr std::array<std::uint8_t, 19> kSha256DigestInfo = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

std::string bitsText(const RsaPublicKey &key)
{
    return std::to_string(key.bits()) + "-bit key";
}

// The bytes as a number below n; CryptoError naming what the bytes were.
BigInt numberBelowModulus(const RsaPublicKey &key, std::span<const std::uint8_t> bytes,
                          const char *what)
{
    if (bytes.size() > key.byteLength())
        throw CryptoError(std::string("the ") + what + " is " + std::to_string(bytes.size()) +
                          " bytes; with a " + bitsText(key) + " it can be at most " +
                          std::to_string(key.byteLength()) + " bytes");
    BigInt x = BigInt::fromBytes(bytes);
    if (x >= key.n)
        throw CryptoError(std::string("the ") + what +
                          " read as a number is not smaller than the modulus n; textbook RSA "
                          "only works on numbers below n");
    return x;
}

void xorInto(std::span<std::uint8_t> target, std::span<const std::uint8_t> mask)
{
    for (std::size_t i = 0; i < target.size(); ++i)
        target[i] ^= mask[i];
}

const Bytes &emptyLabelHash()
{
    static const Bytes h = digest(HashAlg::Sha256, std::string_view());
    return h;
}

Bytes pkcs1Encode(std::size_t k, std::span<const std::uint8_t> digestBytes)
{
    const std::size_t tLen = kSha256DigestInfo.size() + kHashLen;
    if (k < tLen + 11)
        throw CryptoError("PKCS#1 v1.5 SHA-256 signatures need a key of at least 62 bytes "
                          "(496 bits); this one has " +
                          std::to_string(k) + " bytes");
    Bytes em(k, 0xff);
    em[0] = 0x00;
    em[1] = 0x01;
    em[k - tLen - 1] = 0x00;
    std::copy(kSha256DigestInfo.begin(), kSha256DigestInfo.end(), em.end() - std::ptrdiff_t(tLen));
    std::copy(digestBytes.begin(), digestBytes.end(), em.end() - std::ptrdiff_t(kHashLen));
    return em;
}

void checkDigestSize(std::span<const std::uint8_t> d)
{
    if (d.size() != kHashLen)
        throw CryptoError("a SHA-256 digest is 32 bytes, got " + std::to_string(d.size()));
}

} // namespace

// ---- primitives --------------------------------------------------------------------------------

BigInt rsaPublicOp(const RsaPublicKey &key, const BigInt &m, wb::Trace *trace)
{
    if (m >= key.n)
        throw CryptoError("RSA input must be smaller than the modulus n");
    return modPow(m, key.e, key.n, ExponentKind::Public, trace, "public");
}

BigInt rsaPrivateOp(const RsaPrivateKey &key, const BigInt &c, wb::Trace *trace, bool useCrt)
{
    if (c >= key.n)
        throw CryptoError("RSA input must be smaller than the modulus n");
    if (!useCrt)
        return modPow(c, key.d, key.n, ExponentKind::Secret, trace, "private");

    if (trace)
        wb::record(trace, events::RsaCrtBegin{c.toBytes(), key.dP.toBytes(), key.dQ.toBytes()},
                   "private operation with the Chinese remainder theorem");
    // Garner's recombination: m = mq + q * (qInv * (mp - mq) mod p).
    BigInt mp, mq;
    if (trace) {
        mp = MontgomeryContext(key.p).modPow(c, key.dP, ExponentKind::Secret, trace, "crt_p");
        mq = MontgomeryContext(key.q).modPow(c, key.dQ, ExponentKind::Secret, trace, "crt_q");
    } else {
        std::tie(mp, mq) = MontgomeryContext::modPowPair(MontgomeryContext(key.p), c, key.dP,
                                                         MontgomeryContext(key.q), c, key.dQ);
    }
    const BigInt mqModP = mq < key.p ? mq : mq % key.p;
    BigInt h = (mp + key.p - mqModP) % key.p * key.qInv % key.p;
    BigInt m = mq + h * key.q;
    if (trace)
        wb::record(trace,
                   events::RsaCrtCombine{mp.toBytes(), mq.toBytes(), h.toBytes(), m.toBytes()},
                   "combine: m = mq + q * (qInv (mp - mq) mod p)");
    // A fault in one half would make m - (right answer) a multiple of exactly one prime and
    // leak it (Boneh-DeMillo-Lipton); re-encrypting catches that. Falls back to c^d mod n.
    if (m >= key.n || modPow(m, key.e, key.n, ExponentKind::Public) != c)
        m = modPow(c, key.d, key.n, ExponentKind::Secret);
    mp.wipe();
    mq.wipe();
    h.wipe();
    return m;
}

// ---- textbook ----------------------------------------------------------------------------------

Bytes textbookEncrypt(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                      wb::Trace *trace)
{
    return rsaPublicOp(key, numberBelowModulus(key, message, "message"), trace)
        .toBytes(key.byteLength());
}

Bytes textbookDecrypt(const RsaPrivateKey &key, std::span<const std::uint8_t> ciphertext,
                      wb::Trace *trace)
{
    return rsaPrivateOp(key, numberBelowModulus(key.publicKey(), ciphertext, "ciphertext"), trace)
        .toBytes();
}

Bytes textbookSign(const RsaPrivateKey &key, std::span<const std::uint8_t> message,
                   wb::Trace *trace)
{
    return rsaPrivateOp(key, numberBelowModulus(key.publicKey(), message, "message"), trace)
        .toBytes(key.byteLength());
}

bool textbookVerify(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature, wb::Trace *trace)
{
    if (signature.size() > key.byteLength() || message.size() > key.byteLength())
        return false;
    const BigInt s = BigInt::fromBytes(signature), h = BigInt::fromBytes(message);
    if (s >= key.n || h >= key.n)
        return false;
    const Bytes recovered = rsaPublicOp(key, s, trace).toBytes(key.byteLength());
    return constantTimeEqual(recovered, h.toBytes(key.byteLength()));
}

BigInt malleate(const RsaPublicKey &key, const BigInt &c, const BigInt &s, wb::Trace *trace)
{
    if (c >= key.n || s.isZero() || s >= key.n)
        throw CryptoError("malleate needs a ciphertext c < n and a factor 0 < s < n");
    const BigInt sE = modPow(s, key.e, key.n, ExponentKind::Public);
    BigInt cPrime = c * sE % key.n;
    if (trace)
        wb::record(trace, events::RsaMalleate{c.toBytes(), s.toBytes(), cPrime.toBytes()},
                   "c' = c * s^e mod n decrypts to m * s mod n");
    return cPrime;
}

// ---- OAEP
// ---------------------------------------------------------------------------------------

Bytes mgf1Sha256(std::span<const std::uint8_t> seed, std::size_t length)
{
    Bytes out;
    out.reserve(length + kHashLen);
    Hasher h(HashAlg::Sha256);
    for (std::uint32_t counter = 0; out.size() < length; ++counter) {
        const std::uint8_t c[4] = {std::uint8_t(counter >> 24), std::uint8_t(counter >> 16),
                                   std::uint8_t(counter >> 8), std::uint8_t(counter)};
        h.update(seed);
        h.update(std::span<const std::uint8_t>(c, 4));
        const Bytes block = h.final();
        out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(length);
    return out;
}

std::size_t oaepMaxMessage(const RsaPublicKey &key)
{
    const std::size_t k = key.byteLength();
    return k < kOaepSha256Overhead ? 0 : k - kOaepSha256Overhead;
}

Bytes oaepEncrypt(const RsaPublicKey &key, std::span<const std::uint8_t> message, wb::Trace *trace)
{
    Bytes seed = randomBytes(kHashLen);
    Bytes c = oaepEncryptWithSeed(key, message, seed, trace);
    secureWipe(seed);
    return c;
}

Bytes oaepEncryptWithSeed(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                          std::span<const std::uint8_t> seed, wb::Trace *trace)
{
    const std::size_t k = key.byteLength();
    if (k < kOaepSha256Overhead)
        throw CryptoError("OAEP with SHA-256 needs a key of at least 66 bytes (521 bits); this " +
                          bitsText(key) + " has " + std::to_string(k) + " bytes");
    if (message.size() > oaepMaxMessage(key))
        throw CryptoError("the message is " + std::to_string(message.size()) +
                          " bytes; OAEP-SHA256 with a " + bitsText(key) + " takes at most " +
                          std::to_string(oaepMaxMessage(key)) + " bytes");
    if (seed.size() != kHashLen)
        throw CryptoError("the OAEP seed must be 32 bytes, got " + std::to_string(seed.size()));

    // DB = lHash || PS (zeros) || 0x01 || M
    const std::size_t dbLen = k - kHashLen - 1;
    const std::size_t psLen = dbLen - kHashLen - 1 - message.size();
    Bytes db(dbLen, 0);
    std::copy(emptyLabelHash().begin(), emptyLabelHash().end(), db.begin());
    db[kHashLen + psLen] = 0x01;
    std::copy(message.begin(), message.end(), db.begin() + std::ptrdiff_t(kHashLen + psLen + 1));
    const Bytes dbMask = mgf1Sha256(seed, dbLen);
    Bytes maskedDb = db;
    xorInto(maskedDb, dbMask);
    const Bytes seedMask = mgf1Sha256(maskedDb, kHashLen);
    Bytes maskedSeed(seed.begin(), seed.end());
    xorInto(maskedSeed, seedMask);
    // EM = 0x00 || maskedSeed || maskedDB
    Bytes em(1, 0x00);
    em.insert(em.end(), maskedSeed.begin(), maskedSeed.end());
    em.insert(em.end(), maskedDb.begin(), maskedDb.end());
    if (trace)
        wb::record(trace,
                   events::OaepEncode{emptyLabelHash(), psLen, db, Bytes(seed.begin(), seed.end()),
                                      dbMask, maskedDb, seedMask, maskedSeed, em},
                   "OAEP: EM = 00 || maskedSeed || maskedDB");
    secureWipe(db);
    return rsaPublicOp(key, BigInt::fromBytes(em), trace).toBytes(k);
}

Bytes oaepDecrypt(const RsaPrivateKey &key, std::span<const std::uint8_t> ciphertext,
                  wb::Trace *trace)
{
    const std::size_t k = key.byteLength();
    const CryptoError failed("OAEP decryption failed: the ciphertext was not made for this key "
                             "with OAEP-SHA256, or it was changed");
    if (k < kOaepSha256Overhead || ciphertext.size() != k)
        throw failed;
    const BigInt c = BigInt::fromBytes(ciphertext);
    if (c >= key.n)
        throw failed;
    Bytes em = rsaPrivateOp(key, c, trace).toBytes(k);

    const std::size_t dbLen = k - kHashLen - 1;
    const std::span<const std::uint8_t> maskedSeed(em.data() + 1, kHashLen);
    const std::span<const std::uint8_t> maskedDb(em.data() + 1 + kHashLen, dbLen);
    Bytes seed(maskedSeed.begin(), maskedSeed.end());
    xorInto(seed, mgf1Sha256(maskedDb, kHashLen));
    Bytes db(maskedDb.begin(), maskedDb.end());
    xorInto(db, mgf1Sha256(seed, dbLen));

    // Check Y = 0, lHash' = lHash and PS || 0x01 without branching on where it goes wrong:
    // every byte is looked at, the failure is one flag (RFC 8017 7.1.2 note; Manger's attack).
    std::uint8_t bad = em[0];
    bad |= std::uint8_t(!constantTimeEqual(std::span(db.data(), kHashLen), emptyLabelHash()));
    std::size_t oneIndex = 0;
    std::uint8_t found = 0;
    for (std::size_t i = kHashLen; i < dbLen; ++i) {
        const std::uint8_t isOne = std::uint8_t(db[i] == 0x01);
        const std::uint8_t isZero = std::uint8_t(db[i] == 0x00);
        const std::uint8_t first = std::uint8_t(isOne & ~found & 1);
        oneIndex |= (std::size_t(0) - std::size_t(first)) & i;
        found |= isOne;
        bad |= std::uint8_t(~found & ~isZero & ~isOne & 1); // a byte other than 0 before the 1
    }
    bad |= std::uint8_t(~found & 1);
    if (bad) {
        secureWipe(db);
        secureWipe(em);
        throw failed;
    }
    Bytes message(db.begin() + std::ptrdiff_t(oneIndex + 1), db.end());
    if (trace)
        wb::record(trace, events::OaepDecode{em, seed, db, message.size()},
                   "OAEP: unmask seed and DB, check lHash and 00..01");
    secureWipe(db);
    secureWipe(em);
    return message;
}

// ---- PKCS#1 v1.5 signatures ------------------------------------------------------------------

std::span<const std::uint8_t> sha256DigestInfoPrefix()
{
    return kSha256DigestInfo;
}

Bytes pkcs1v15Sign(const RsaPrivateKey &key, std::span<const std::uint8_t> message,
                   wb::Trace *trace)
{
    return pkcs1v15SignDigest(key, digest(HashAlg::Sha256, message), trace);
}

Bytes pkcs1v15SignDigest(const RsaPrivateKey &key, std::span<const std::uint8_t> digestBytes,
                         wb::Trace *trace)
{
    checkDigestSize(digestBytes);
    const std::size_t k = key.byteLength();
    const Bytes em = pkcs1Encode(k, digestBytes);
    if (trace) {
        Bytes info(kSha256DigestInfo.begin(), kSha256DigestInfo.end());
        info.insert(info.end(), digestBytes.begin(), digestBytes.end());
        wb::record(trace,
                   events::Pkcs1Encode{Bytes(digestBytes.begin(), digestBytes.end()), info, em},
                   "PKCS#1 v1.5: EM = 00 01 FF..FF 00 || DigestInfo");
    }
    return rsaPrivateOp(key, BigInt::fromBytes(em), trace).toBytes(k);
}

bool pkcs1v15Verify(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature, wb::Trace *trace)
{
    return pkcs1v15VerifyDigest(key, digest(HashAlg::Sha256, message), signature, trace);
}

bool pkcs1v15VerifyDigest(const RsaPublicKey &key, std::span<const std::uint8_t> digestBytes,
                          std::span<const std::uint8_t> signature, wb::Trace *trace)
{
    checkDigestSize(digestBytes);
    const std::size_t k = key.byteLength();
    if (signature.size() != k || k < kSha256DigestInfo.size() + kHashLen + 11)
        return false;
    const BigInt s = BigInt::fromBytes(signature);
    if (s >= key.n)
        return false;
    // Encode-and-compare (RFC 8017 8.2.2): no parsing of the recovered block, so no
    // Bleichenbacher-2006 style leniency about what follows the digest.
    const Bytes expected = pkcs1Encode(k, digestBytes);
    const Bytes recovered = rsaPublicOp(key, s, trace).toBytes(k);
    const bool valid = constantTimeEqual(expected, recovered);
    if (trace)
        wb::record(trace, events::Pkcs1Verify{expected, recovered, valid},
                   valid ? "PKCS#1 v1.5: signature valid" : "PKCS#1 v1.5: signature invalid");
    return valid;
}

} // namespace wb::crypto
