#pragma once
// RSA keys in the files OpenSSL reads and writes: PEM (RFC 7468) around DER.
//
// Written:  "PRIVATE KEY"  PKCS#8 PrivateKeyInfo (RFC 5208) holding an RSAPrivateKey
//           "PUBLIC KEY"   SubjectPublicKeyInfo (RFC 5280) holding an RSAPublicKey
// Also read: "RSA PRIVATE KEY" / "RSA PUBLIC KEY" (bare PKCS#1, RFC 8017 A.1), which older
// OpenSSL commands and `openssl rsa -traditional` write.
//
//     std::string pem = privateKeyToPem(key);           // openssl pkey -in reads it
//     RsaKeyFile file = parseRsaKeyPem(pem);            // throws PemError only
//     if (file.hasPrivate) use(file.privateKey);
//
// The parsers are meant to face any input (a fuzz target drives them): they never crash and
// never throw anything but PemError, whose message is one sentence saying what is wrong
// ("the PEM body is not valid base64 (line 3)", "this is an EC key (OID 1.2.840.10045.2.1),
// not an RSA key"). tryParseRsaKeyPem is the same without exceptions.

#include "crypto/core/bytes.h"
#include "crypto/core/rsa.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wb::crypto {

class PemError : public CryptoError
{
public:
    using CryptoError::CryptoError;
};

// Standard base64 (RFC 4648, with padding). decode ignores whitespace (spaces, tabs, CR, LF)
// and rejects anything else, wrong padding, or bits left over in the last character.
std::string toBase64(std::span<const std::uint8_t> bytes);
std::optional<Bytes> fromBase64(std::string_view text, std::string *why = nullptr);

struct PemBlock
{
    std::string label; // "PRIVATE KEY", "PUBLIC KEY", ...
    Bytes der;
};

// The first -----BEGIN X----- ... -----END X----- block in text (text before it is ignored,
// as OpenSSL does); PemError when there is none, the labels differ, or the body is not base64.
PemBlock decodePem(std::string_view text);
// Base64 in 64-character lines between BEGIN/END lines, ending with a newline.
std::string encodePem(std::string_view label, std::span<const std::uint8_t> der);

// What a key file held.
struct RsaKeyFile
{
    bool hasPrivate = false;
    RsaPrivateKey privateKey; // valid when hasPrivate
    RsaPublicKey publicKey;   // always valid (derived from the private key when there is one)
    std::string format;       // "PKCS#8", "PKCS#1", "SubjectPublicKeyInfo", "PKCS#1 public"
};

// PEM text -> key. Private keys are checked with validateRsaKey; public keys with the public
// overload. Moduli above 16384 bits are refused. Throws PemError only.
RsaKeyFile parseRsaKeyPem(std::string_view text);
std::optional<RsaKeyFile> tryParseRsaKeyPem(std::string_view text, std::string *why = nullptr);
// The same for DER with the PEM label that would have wrapped it.
RsaKeyFile parseRsaKeyDer(std::string_view label, std::span<const std::uint8_t> der);

// DER encodings.
Bytes rsaPublicKeyDer(const RsaPublicKey &key);   // PKCS#1 RSAPublicKey
Bytes rsaPrivateKeyDer(const RsaPrivateKey &key); // PKCS#1 RSAPrivateKey (version 0)
Bytes subjectPublicKeyInfoDer(const RsaPublicKey &key);
Bytes pkcs8PrivateKeyDer(const RsaPrivateKey &key);

// PEM text OpenSSL reads: "PUBLIC KEY" (SPKI) and "PRIVATE KEY" (PKCS#8, unencrypted).
std::string publicKeyToPem(const RsaPublicKey &key);
std::string privateKeyToPem(const RsaPrivateKey &key);

} // namespace wb::crypto
