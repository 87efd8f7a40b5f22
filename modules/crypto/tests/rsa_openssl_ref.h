#pragma once
// The RSA reference: OpenSSL 3 libcrypto's BIGNUM and EVP_PKEY code, called at test time.
// Keys cross the boundary only as PEM text or big-endian bytes, so every check exercises our
// encoders and parsers as well as the arithmetic.

#include "crypto/core/bytes.h"

#include <optional>
#include <span>
#include <string>

namespace ref::rsa {

using wb::crypto::Bytes;

// BIGNUM arithmetic on big-endian byte strings (minimal, empty for zero).
Bytes bnAdd(const Bytes &a, const Bytes &b);
Bytes bnSub(const Bytes &a, const Bytes &b); // a >= b
Bytes bnMul(const Bytes &a, const Bytes &b);
Bytes bnDiv(const Bytes &a, const Bytes &b);
Bytes bnMod(const Bytes &a, const Bytes &b);
Bytes bnGcd(const Bytes &a, const Bytes &b);
std::optional<Bytes> bnModInverse(const Bytes &a, const Bytes &m);
Bytes bnModExp(const Bytes &base, const Bytes &exponent, const Bytes &modulus);
std::string bnToDecimal(const Bytes &a);
bool bnIsPrime(const Bytes &a); // BN_check_prime

// A fresh RSA key from OpenSSL's own generator, as PKCS#8 PEM.
std::string generatePrivatePem(unsigned bits);
// The same key as bare PKCS#1 PEM ("RSA PRIVATE KEY" / "RSA PUBLIC KEY").
std::string traditionalPem(const std::string &pem);
// A P-256 EC private key as PKCS#8 PEM (the wrong key type for RSA).
std::string ecPrivatePem();
// The SubjectPublicKeyInfo PEM OpenSSL derives from a private key PEM.
std::string publicPemOf(const std::string &privatePem);
// OpenSSL's DER for the key in pem: PKCS#8 for a private key, SPKI for a public one.
Bytes derOf(const std::string &pem);
// True when OpenSSL loads pem and EVP_PKEY_check (private) / EVP_PKEY_public_check accepts it.
bool loadsAndChecks(const std::string &pem, std::string *why = nullptr);
// The key's numbers as OpenSSL sees them ("n", "e", "d", "rsa-factor1", "rsa-exponent1",
// "rsa-coefficient1", ...), big-endian minimal bytes.
Bytes keyParam(const std::string &pem, const char *name);

Bytes signPkcs1Sha256(const std::string &privatePem, std::span<const std::uint8_t> message);
bool verifyPkcs1Sha256(const std::string &publicPem, std::span<const std::uint8_t> message,
                       std::span<const std::uint8_t> signature);
Bytes oaepSha256Encrypt(const std::string &publicPem, std::span<const std::uint8_t> message);
std::optional<Bytes> oaepSha256Decrypt(const std::string &privatePem,
                                       std::span<const std::uint8_t> ciphertext);
// RSA_NO_PADDING: input exactly k bytes, output k bytes.
Bytes rawPublic(const std::string &publicPem, std::span<const std::uint8_t> input);
Bytes rawPrivate(const std::string &privatePem, std::span<const std::uint8_t> input);

} // namespace ref::rsa
