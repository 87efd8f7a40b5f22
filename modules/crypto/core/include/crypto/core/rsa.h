#pragma once
// RSA (RFC 8017) on our own big integers: key generation, the textbook operations exactly as
// the tutorial uses them, and the padded forms real software uses (OAEP with SHA-256 for
// encryption, PKCS#1 v1.5 with SHA-256 for signatures).
//
//     RsaPrivateKey key = generateRsaKey(2048);                 // getrandom + Miller-Rabin
//     Bytes ct = oaepEncrypt(key.publicKey(), asBytes("abcdefgh"));
//     Bytes pt = oaepDecrypt(key, ct);                          // "abcdefgh"
//     Bytes sig = pkcs1v15Sign(key, asBytes("message"));
//     bool ok = pkcs1v15Verify(key.publicKey(), asBytes("message"), sig);
//
// The tutorial's numbers (crypto.md section 3):
//     RsaPrivateKey toy = rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi);  // n 3233, d 2753
//     rsaPublicOp(toy.publicKey(), 65) == 2790;   rsaPrivateOp(toy, 2790) == 65
//
// Textbook RSA (no padding) is deterministic and malleable: kept to reproduce the tutorial and
// to show what goes wrong (see malleate()). Use OAEP and PKCS#1 v1.5 / PSS for anything real.
//
// Errors: CryptoError with one sentence for input a caller can fix ("the message is 200
// bytes; OAEP-SHA256 with a 2048-bit key takes at most 190"). A failed OAEP decryption always
// gives the same message whatever went wrong inside, so it is no padding oracle.
//
// Trace events (wb::Trace, nothing recorded and nothing paid when trace is nullptr). Byte
// fields are big-endian numbers or raw byte strings as noted; the modexp_* events of each
// exponentiation are documented in bigint.h.
//   keygen:
//   "rsa_keygen_begin"  bits, e
//   "rsa_candidate"     prime ("p"/"q"), index (per prime), candidate (bytes),
//                       result: "small factor" (+ factor), "e divides p-1",
//                       "composite" (Miller-Rabin found a witness), "probable prime"
//   "rsa_mr_round"      prime, index, round, base (bytes), outcome "pass"/"composite";
//                       only recorded for candidates that survived the sieve
//   "rsa_key"           p, q, n, phi, lambda, e, d, dp, dq, qinv (bytes), bits,
//                       exponent ("lambda"/"phi": which one d inverts e modulo)
//   private operation:
//   "rsa_crt_begin"     input (c), dp, dq  then modexp_* named "crt_p" and "crt_q"
//   "rsa_crt_combine"   mp, mq, h (= qinv*(mp-mq) mod p), result (= mq + h*q)
//   padding:
//   "oaep_encode"       lhash, ps_length, db, seed, db_mask, masked_db, seed_mask,
//                       masked_seed, em
//   "oaep_decode"       em, seed, db, message_length (after a successful check only)
//   "pkcs1_encode"      digest, digest_info, em (the whole 00 01 FF.. 00 T block)
//   "pkcs1_verify"      expected_em, recovered_em, valid (bool)
//   "rsa_malleate"      c, s, c_prime (= c * s^e mod n)

#include "crypto/core/bigint.h"
#include "crypto/core/bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace wb {
class Trace;
}

namespace wb::crypto {

struct RsaPublicKey
{
    BigInt n; // modulus
    BigInt e; // public exponent

    std::size_t bits() const { return n.bitLength(); }
    // k in RFC 8017: the length in bytes of every ciphertext and signature.
    std::size_t byteLength() const { return n.byteLength(); }
};

// All the numbers PKCS#1 stores (RFC 8017 A.1.2). p > q is not required; qInv is q^-1 mod p.
struct RsaPrivateKey
{
    BigInt n, e, d;
    BigInt p, q;
    BigInt dP, dQ, qInv; // d mod (p-1), d mod (q-1), q^-1 mod p

    RsaPublicKey publicKey() const { return {n, e}; }
    std::size_t bits() const { return n.bitLength(); }
    std::size_t byteLength() const { return n.byteLength(); }
    void wipe(); // zeroes every secret number
};

// Which modulus d inverts e in: lambda = lcm(p-1, q-1) (FIPS 186-4 and OpenSSL, the default)
// or phi = (p-1)(q-1) (the tutorial's d = 2753 for p 61, q 53, e 17). Both decrypt alike.
enum class PrivateExponent { Lambda, Phi };

inline constexpr std::size_t kRsaMinBits = 16;
inline constexpr std::size_t kRsaMaxBits = 8192;

// A new key of exactly `bits` bits (even, 16..8192; CryptoError otherwise). p and q are
// random bits/2-bit numbers with their top two bits set (so p*q has exactly `bits` bits),
// drawn from getrandom(), sieved by the primes below 2000, then 64 Miller-Rabin rounds with
// random bases. e must be odd and >= 3 (default 65537). Sizes below 1024 are toys for
// stepping through by hand; 2048 or more for real use.
RsaPrivateKey generateRsaKey(std::size_t bits, wb::Trace *trace = nullptr,
                             const BigInt &e = BigInt(65537),
                             PrivateExponent exponent = PrivateExponent::Lambda);

// The key made of given primes (the tutorial's p 61, q 53, e 17). CryptoError when p or q is
// not prime (64 Miller-Rabin rounds), p == q, or e is not invertible modulo phi / lambda.
RsaPrivateKey rsaKeyFromPrimes(const BigInt &p, const BigInt &q, const BigInt &e,
                               PrivateExponent exponent = PrivateExponent::Lambda,
                               wb::Trace *trace = nullptr);

// Checks that the numbers fit together (n = p*q, e*d = 1 mod lambda, the CRT values);
// CryptoError naming the first mismatch. The PEM reader calls it on every private key.
void validateRsaKey(const RsaPrivateKey &key);
// n odd and > 1, 3 <= e < n, e odd; CryptoError otherwise.
void validateRsaKey(const RsaPublicKey &key);

// ---- the textbook operations on numbers ----------------------------------------------------

// m^e mod n; CryptoError unless m < n.
BigInt rsaPublicOp(const RsaPublicKey &key, const BigInt &m, wb::Trace *trace = nullptr);
// c^d mod n; CryptoError unless c < n. With CRT (the default; about 3-4 times faster):
// mp = c^dP mod p, mq = c^dQ mod q, h = qInv (mp - mq) mod p, m = mq + h q; the result is
// checked by re-encrypting it (a fault in the arithmetic never leaks a factor of n).
// Without CRT: one exponentiation c^d mod n, as the tutorial computes it.
BigInt rsaPrivateOp(const RsaPrivateKey &key, const BigInt &c, wb::Trace *trace = nullptr,
                    bool useCrt = true);

// ---- the textbook operations on byte strings (the tutorial's calls) -------------------------

// The bytes as a big-endian number m (at most k bytes, m < n), c = m^e mod n as k bytes.
Bytes textbookEncrypt(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                      wb::Trace *trace = nullptr);
// c (at most k bytes, c < n) -> c^d mod n as minimal big-endian bytes: like the tutorial's
// decrypt, leading zero bytes of the original message are not restored.
Bytes textbookDecrypt(const RsaPrivateKey &key, std::span<const std::uint8_t> ciphertext,
                      wb::Trace *trace = nullptr);
// s = h^d mod n over the given bytes as they are (the tutorial signs a raw MD5 digest), as k
// bytes; verify recomputes s^e mod n and compares it with h in constant time.
Bytes textbookSign(const RsaPrivateKey &key, std::span<const std::uint8_t> message,
                   wb::Trace *trace = nullptr);
bool textbookVerify(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature, wb::Trace *trace = nullptr);

// Why textbook RSA is malleable: anyone holding only the public key turns a ciphertext of m
// into one of m*s mod n, c' = c * s^e mod n, without learning m. CryptoError unless
// c < n and 0 < s < n.
BigInt malleate(const RsaPublicKey &key, const BigInt &c, const BigInt &s,
                wb::Trace *trace = nullptr);

// ---- OAEP (RFC 8017 7.1) with SHA-256 and MGF1-SHA-256, empty label --------------------------
// These are OpenSSL's RSA_PKCS1_OAEP_PADDING with rsa_oaep_md:sha256 and rsa_mgf1_md:sha256.

inline constexpr std::size_t kOaepSha256Overhead = 2 * 32 + 2;
// k - 66: the longest message a key takes (0 when the key is too small for OAEP-SHA256).
std::size_t oaepMaxMessage(const RsaPublicKey &key);

// Encrypts with a fresh random seed from getrandom(); k bytes out. CryptoError when the
// message is too long or the key too small (k < 66 bytes, i.e. fewer than 521 bits).
Bytes oaepEncrypt(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                  wb::Trace *trace = nullptr);
// The same with a given 32-byte seed, for known answers and the step view. Never reuse a seed.
Bytes oaepEncryptWithSeed(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                          std::span<const std::uint8_t> seed, wb::Trace *trace = nullptr);
// CryptoError "OAEP decryption failed ..." for a wrong key, a changed ciphertext or a
// ciphertext that is not k bytes; the same sentence whatever the cause.
Bytes oaepDecrypt(const RsaPrivateKey &key, std::span<const std::uint8_t> ciphertext,
                  wb::Trace *trace = nullptr);

// ---- PKCS#1 v1.5 signatures (RFC 8017 8.2) with SHA-256 --------------------------------------
// EM = 00 01 FF..FF 00 || DigestInfo(SHA-256, H), at least 8 bytes of FF; k >= 62 bytes.

// The 19 bytes of DER that precede a SHA-256 digest in DigestInfo.
std::span<const std::uint8_t> sha256DigestInfoPrefix();

// Hashes message with the module's SHA-256 and signs; k bytes out.
Bytes pkcs1v15Sign(const RsaPrivateKey &key, std::span<const std::uint8_t> message,
                   wb::Trace *trace = nullptr);
// Signs a given 32-byte SHA-256 digest.
Bytes pkcs1v15SignDigest(const RsaPrivateKey &key, std::span<const std::uint8_t> digest,
                         wb::Trace *trace = nullptr);
// True when signature is a valid PKCS#1 v1.5 SHA-256 signature of message under key: the
// signature must be exactly k bytes and < n, and the recovered block must equal the expected
// encoding byte for byte (compared in constant time). Never throws for a bad signature.
bool pkcs1v15Verify(const RsaPublicKey &key, std::span<const std::uint8_t> message,
                    std::span<const std::uint8_t> signature, wb::Trace *trace = nullptr);
bool pkcs1v15VerifyDigest(const RsaPublicKey &key, std::span<const std::uint8_t> digest,
                          std::span<const std::uint8_t> signature, wb::Trace *trace = nullptr);

// MGF1 with SHA-256 (RFC 8017 B.2.1): `length` bytes from seed.
Bytes mgf1Sha256(std::span<const std::uint8_t> seed, std::size_t length);

} // namespace wb::crypto
