// PEM and the RSA key structures inside it (see pem.h).
#include "crypto/core/pem.h"

#include "der.h"

#include <algorithm>
#include <array>

namespace wb::crypto {

namespace {

constexpr std::string_view kRsaEncryption = "1.2.840.113549.1.1.1";
constexpr std::size_t kMaxModulusBits = 16384;

// ---- base64 ---------------------------------------------------------------------------------

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Names for the algorithm OIDs a key file is likely to hold instead of rsaEncryption.
std::string algorithmName(const std::string &oid)
{
    static const std::array<std::pair<std::string_view, std::string_view>, 6> known = {{
        {"1.2.840.113549.1.1.10", "an RSA-PSS key (restricted to PSS signatures)"},
        {"1.2.840.10045.2.1", "an EC key"},
        {"1.3.101.112", "an Ed25519 key"},
        {"1.3.101.113", "an Ed448 key"},
        {"1.3.101.110", "an X25519 key"},
        {"1.2.840.10040.4.1", "a DSA key"},
    }};
    for (const auto &[id, name] : known)
        if (id == oid)
            return std::string(name) + " (OID " + oid + ")";
    return "a key of algorithm OID " + oid;
}

// AlgorithmIdentifier { rsaEncryption, NULL }; PemError naming any other algorithm.
void readRsaAlgorithm(der::Reader &outer)
{
    der::Reader alg = outer.readSequence("AlgorithmIdentifier");
    const std::string oid = alg.readObjectId("algorithm OID");
    if (oid != kRsaEncryption)
        throw PemError("this is " + algorithmName(oid) + ", not an RSA key");
    if (!alg.atEnd())
        alg.read(der::Null, "NULL parameters of rsaEncryption");
    alg.expectEnd();
}

Bytes rsaAlgorithm()
{
    return der::sequence({der::objectId(kRsaEncryption), der::element(der::Null, {})});
}

void checkSize(const BigInt &n)
{
    if (n.bitLength() > kMaxModulusBits)
        throw PemError("the RSA modulus has " + std::to_string(n.bitLength()) +
                       " bits; keys above " + std::to_string(kMaxModulusBits) +
                       " bits are refused");
}

RsaPublicKey parsePkcs1Public(std::span<const std::uint8_t> der)
{
    der::Reader outer(der, "RSAPublicKey");
    der::Reader seq = outer.readSequence("RSAPublicKey");
    outer.expectEnd();
    RsaPublicKey key;
    key.n = seq.readInteger("modulus");
    key.e = seq.readInteger("public exponent");
    seq.expectEnd();
    checkSize(key.n);
    return key;
}

RsaPrivateKey parsePkcs1Private(std::span<const std::uint8_t> der)
{
    der::Reader outer(der, "RSAPrivateKey");
    der::Reader seq = outer.readSequence("RSAPrivateKey");
    outer.expectEnd();
    const BigInt version = seq.readInteger("version");
    if (version != BigInt(0))
        throw PemError(version == BigInt(1)
                           ? "multi-prime RSA keys (more than two primes) are not supported"
                           : "unknown RSAPrivateKey version " + version.toDecimal());
    RsaPrivateKey key;
    key.n = seq.readInteger("modulus");
    checkSize(key.n);
    key.e = seq.readInteger("public exponent");
    key.d = seq.readInteger("private exponent");
    key.p = seq.readInteger("prime p");
    key.q = seq.readInteger("prime q");
    key.dP = seq.readInteger("exponent dP");
    key.dQ = seq.readInteger("exponent dQ");
    key.qInv = seq.readInteger("coefficient qInv");
    seq.expectEnd();
    // Bound every number by n before any arithmetic, so a hostile file cannot make the
    // checks below expensive.
    for (const BigInt *x : {&key.e, &key.d, &key.p, &key.q, &key.dP, &key.dQ, &key.qInv})
        if (*x >= key.n)
            throw PemError("the RSA private key is inconsistent: a component is not smaller "
                           "than the modulus");
    return key;
}

RsaPrivateKey parsePkcs8(std::span<const std::uint8_t> der)
{
    der::Reader outer(der, "PKCS#8 PrivateKeyInfo");
    der::Reader seq = outer.readSequence("PrivateKeyInfo");
    outer.expectEnd();
    const BigInt version = seq.readInteger("version");
    if (version > BigInt(1))
        throw PemError("unknown PKCS#8 version " + version.toDecimal());
    readRsaAlgorithm(seq);
    const auto inner = seq.read(der::OctetString, "private key OCTET STRING");
    while (!seq.atEnd()) // [0] attributes, [1] public key (OneAsymmetricKey): not needed
        seq.skip();
    return parsePkcs1Private(inner);
}

RsaPublicKey parseSpki(std::span<const std::uint8_t> der)
{
    der::Reader outer(der, "SubjectPublicKeyInfo");
    der::Reader seq = outer.readSequence("SubjectPublicKeyInfo");
    outer.expectEnd();
    readRsaAlgorithm(seq);
    const auto bits = seq.read(der::BitString, "subjectPublicKey BIT STRING");
    seq.expectEnd();
    if (bits.empty() || bits[0] != 0)
        throw PemError("malformed SubjectPublicKeyInfo: the key's BIT STRING must have 0 unused "
                       "bits");
    return parsePkcs1Public(bits.subspan(1));
}

// Runs validateRsaKey, turning its CryptoError into a PemError.
template <class Key> void validate(const Key &key)
{
    try {
        validateRsaKey(key);
    } catch (const PemError &) {
        throw;
    } catch (const CryptoError &e) {
        throw PemError(e.what());
    }
}

std::string_view trimLine(std::string_view line)
{
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    return line;
}

} // namespace

// ---- base64 ------------------------------------------------------------------------------------

std::string toBase64(std::span<const std::uint8_t> bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = std::uint32_t(bytes[i]) << 16;
        if (n > 1)
            v |= std::uint32_t(bytes[i + 1]) << 8;
        if (n > 2)
            v |= bytes[i + 2];
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(n > 1 ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back(n > 2 ? kAlphabet[v & 63] : '=');
    }
    return out;
}

std::optional<Bytes> fromBase64(std::string_view text, std::string *why)
{
    auto failWith = [&](std::string sentence) -> std::optional<Bytes> {
        if (why)
            *why = std::move(sentence);
        return std::nullopt;
    };
    std::string chars;
    chars.reserve(text.size());
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (base64Value(c) < 0 && c != '=')
            return failWith(std::string("'") + (c >= 32 && c < 127 ? std::string(1, c) : "?") +
                            "' is not a base64 character");
        chars.push_back(c);
    }
    if (chars.size() % 4 != 0)
        return failWith("the base64 text has " + std::to_string(chars.size()) +
                        " characters, not a multiple of 4");
    const std::size_t firstPad = chars.find('=');
    if (firstPad != std::string::npos &&
        (firstPad + 2 < chars.size() ||
         chars.find_first_not_of('=', firstPad) != std::string::npos))
        return failWith("'=' padding may only appear at the very end of base64 text");
    const std::size_t pad = firstPad == std::string::npos ? 0 : chars.size() - firstPad;
    Bytes out;
    out.reserve(chars.size() / 4 * 3);
    for (std::size_t i = 0; i < chars.size(); i += 4) {
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 4; ++j)
            v = (v << 6) | std::uint32_t(chars[i + j] == '=' ? 0 : base64Value(chars[i + j]));
        const std::size_t keep = i + 4 == chars.size() ? 3 - pad : 3;
        if (i + 4 == chars.size() && (pad == 1 ? (v & 0xff) : pad == 2 ? (v & 0xffff) : 0))
            return failWith("the last base64 character has bits set that the padding drops");
        for (std::size_t j = 0; j < keep; ++j)
            out.push_back(std::uint8_t(v >> (16 - 8 * j)));
    }
    return out;
}

// ---- PEM -------------------------------------------------------------------------------------

PemBlock decodePem(std::string_view text)
{
    constexpr std::string_view kBegin = "-----BEGIN ", kEnd = "-----END ", kDashes = "-----";
    const std::size_t begin = text.find(kBegin);
    if (begin == std::string_view::npos)
        throw PemError("no PEM block found (expected a line like -----BEGIN PRIVATE KEY-----)");
    const std::size_t labelStart = begin + kBegin.size();
    const std::size_t labelEnd = text.find(kDashes, labelStart);
    const std::size_t lineEnd = text.find('\n', labelStart);
    if (labelEnd == std::string_view::npos ||
        (lineEnd != std::string_view::npos && labelEnd > lineEnd))
        throw PemError("the PEM BEGIN line is not closed with -----");
    PemBlock block;
    block.label = std::string(text.substr(labelStart, labelEnd - labelStart));
    const std::size_t bodyStart = labelEnd + kDashes.size();
    const std::string endLine = std::string(kEnd) + block.label + std::string(kDashes);
    const std::size_t end = text.find(endLine, bodyStart);
    if (end == std::string_view::npos)
        throw PemError("the PEM block '" + block.label + "' has no matching line " + endLine);
    const std::string_view body = text.substr(bodyStart, end - bodyStart);
    if (body.find("Proc-Type:") != std::string_view::npos ||
        body.find("DEK-Info:") != std::string_view::npos)
        throw PemError("the key is encrypted with a password; decrypt it first, e.g. "
                       "`openssl pkey -in KEY -out PLAIN.pem`");
    // Report the line of the first bad character.
    std::size_t lineNo =
        1 + std::size_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(bodyStart), '\n'));
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t nl = body.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = body.size();
        std::string why;
        if (!fromBase64(trimLine(body.substr(pos, nl - pos)), &why) &&
            why.find("not a base64 character") != std::string::npos)
            throw PemError("the PEM body is not valid base64 (line " + std::to_string(lineNo) +
                           ": " + why + ")");
        pos = nl + 1;
        ++lineNo;
    }
    std::string why;
    auto der = fromBase64(body, &why);
    if (!der)
        throw PemError("the PEM body is not valid base64: " + why);
    if (der->empty())
        throw PemError("the PEM block '" + block.label + "' is empty");
    block.der = std::move(*der);
    return block;
}

std::string encodePem(std::string_view label, std::span<const std::uint8_t> der)
{
    const std::string b64 = toBase64(der);
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64)
        out += b64.substr(i, 64) + "\n";
    out += "-----END " + std::string(label) + "-----\n";
    return out;
}

// ---- key files -------------------------------------------------------------------------------

RsaKeyFile parseRsaKeyDer(std::string_view label, std::span<const std::uint8_t> der)
{
    RsaKeyFile file;
    if (label == "PRIVATE KEY" || label == "RSA PRIVATE KEY") {
        file.privateKey = label == "PRIVATE KEY" ? parsePkcs8(der) : parsePkcs1Private(der);
        validate(file.privateKey);
        file.hasPrivate = true;
        file.publicKey = file.privateKey.publicKey();
        file.format = label == "PRIVATE KEY" ? "PKCS#8" : "PKCS#1";
    } else if (label == "PUBLIC KEY" || label == "RSA PUBLIC KEY") {
        file.publicKey = label == "PUBLIC KEY" ? parseSpki(der) : parsePkcs1Public(der);
        validate(file.publicKey);
        file.format = label == "PUBLIC KEY" ? "SubjectPublicKeyInfo" : "PKCS#1 public";
    } else if (label == "ENCRYPTED PRIVATE KEY") {
        throw PemError("the key is encrypted with a password; decrypt it first, e.g. "
                       "`openssl pkey -in KEY -out PLAIN.pem`");
    } else if (label == "CERTIFICATE") {
        throw PemError("this is a certificate, not a key; take its public key with "
                       "`openssl x509 -in CERT -pubkey -noout`");
    } else if (label == "EC PRIVATE KEY" || label == "DSA PRIVATE KEY") {
        throw PemError("this is " + std::string(label == "EC PRIVATE KEY" ? "an EC" : "a DSA") +
                       " key, not an RSA key");
    } else {
        throw PemError("a PEM block labelled '" + std::string(label) +
                       "' is not an RSA key (expected PRIVATE KEY, PUBLIC KEY, "
                       "RSA PRIVATE KEY or RSA PUBLIC KEY)");
    }
    return file;
}

RsaKeyFile parseRsaKeyPem(std::string_view text)
{
    try {
        const PemBlock block = decodePem(text);
        return parseRsaKeyDer(block.label, block.der);
    } catch (const PemError &) {
        throw;
    } catch (const std::bad_alloc &) {
        throw PemError("the key file is too large to read");
    } catch (const std::exception &e) {
        throw PemError(std::string("the key file could not be read: ") + e.what());
    }
}

std::optional<RsaKeyFile> tryParseRsaKeyPem(std::string_view text, std::string *why)
{
    try {
        return parseRsaKeyPem(text);
    } catch (const PemError &e) {
        if (why)
            *why = e.what();
        return std::nullopt;
    }
}

Bytes rsaPublicKeyDer(const RsaPublicKey &key)
{
    return der::sequence({der::integer(key.n), der::integer(key.e)});
}

Bytes rsaPrivateKeyDer(const RsaPrivateKey &key)
{
    return der::sequence({der::integer(0), der::integer(key.n), der::integer(key.e),
                          der::integer(key.d), der::integer(key.p), der::integer(key.q),
                          der::integer(key.dP), der::integer(key.dQ), der::integer(key.qInv)});
}

Bytes subjectPublicKeyInfoDer(const RsaPublicKey &key)
{
    Bytes bits{0x00}; // no unused bits
    const Bytes inner = rsaPublicKeyDer(key);
    bits.insert(bits.end(), inner.begin(), inner.end());
    return der::sequence({rsaAlgorithm(), der::element(der::BitString, bits)});
}

Bytes pkcs8PrivateKeyDer(const RsaPrivateKey &key)
{
    Bytes inner = rsaPrivateKeyDer(key);
    Bytes out =
        der::sequence({der::integer(0), rsaAlgorithm(), der::element(der::OctetString, inner)});
    secureWipe(inner);
    return out;
}

std::string publicKeyToPem(const RsaPublicKey &key)
{
    return encodePem("PUBLIC KEY", subjectPublicKeyInfoDer(key));
}

std::string privateKeyToPem(const RsaPrivateKey &key)
{
    Bytes der = pkcs8PrivateKeyDer(key);
    std::string pem = encodePem("PRIVATE KEY", der);
    secureWipe(der);
    return pem;
}

} // namespace wb::crypto
