// PEM / DER: base64 known answers (RFC 4648), the PKCS#1 forms OpenSSL writes, and bad input:
// every malformed file must give a PemError with a message, never a crash or another
// exception (truncations at every length, random byte flips, wrong key types).
#include "crypto/core/pem.h"
#include "rsa_openssl_ref.h"

#include <gtest/gtest.h>

#include <random>

using namespace wb::crypto;
namespace osl = ref::rsa;

namespace {

const std::string &opensslKey()
{
    static const std::string pem = osl::generatePrivatePem(1024);
    return pem;
}

// Parses and returns the PemError message, or "" when the text parsed. Any other exception
// escapes and fails the test.
std::string parseError(std::string_view text)
{
    try {
        parseRsaKeyPem(text);
        return "";
    } catch (const PemError &e) {
        EXPECT_GT(std::string(e.what()).size(), 10u);
        return e.what();
    }
}

bool contains(const std::string &s, const std::string &needle)
{
    return s.find(needle) != std::string::npos;
}

} // namespace

TEST(CryptoPem, Base64KnownAnswers)
{
    const std::pair<const char *, const char *> vectors[] = {{"", ""},
                                                             {"f", "Zg=="},
                                                             {"fo", "Zm8="},
                                                             {"foo", "Zm9v"},
                                                             {"foob", "Zm9vYg=="},
                                                             {"fooba", "Zm9vYmE="},
                                                             {"foobar", "Zm9vYmFy"}};
    for (auto [plain, encoded] : vectors) {
        EXPECT_EQ(toBase64(asBytes(plain)), encoded);
        EXPECT_EQ(fromBase64(encoded), toBytes(plain));
    }
    EXPECT_EQ(fromBase64("Zm9v\r\nYmFy\n"), toBytes("foobar"));
    std::string why;
    EXPECT_FALSE(fromBase64("Zm9", &why));
    EXPECT_FALSE(fromBase64("Zm=v", &why));
    EXPECT_FALSE(fromBase64("Zh==", &why)); // 'h' leaves bits the padding drops
    EXPECT_FALSE(fromBase64("Zm9v!", &why));
    EXPECT_TRUE(contains(why, "not a base64 character")) << why;
}

TEST(CryptoPem, ReadsEveryFormOpenSslWrites)
{
    const std::string &pkcs8 = opensslKey();
    const RsaKeyFile ours = parseRsaKeyPem(pkcs8);
    const RsaKeyFile pkcs1 = parseRsaKeyPem(osl::traditionalPem(pkcs8));
    EXPECT_EQ(pkcs1.format, "PKCS#1");
    ASSERT_TRUE(pkcs1.hasPrivate);
    EXPECT_EQ(pkcs1.privateKey.d, ours.privateKey.d);
    EXPECT_EQ(encodePem("RSA PRIVATE KEY", rsaPrivateKeyDer(ours.privateKey)),
              osl::traditionalPem(pkcs8));

    const std::string spki = osl::publicPemOf(pkcs8);
    const RsaKeyFile pub1 = parseRsaKeyPem(osl::traditionalPem(spki));
    EXPECT_EQ(pub1.format, "PKCS#1 public");
    EXPECT_FALSE(pub1.hasPrivate);
    EXPECT_EQ(pub1.publicKey.n, ours.publicKey.n);
    EXPECT_EQ(encodePem("RSA PUBLIC KEY", rsaPublicKeyDer(ours.publicKey)),
              osl::traditionalPem(spki));

    // Text around the block (as in a file with comments) is ignored, CRLF line ends accepted.
    std::string crlf;
    for (char c : pkcs8)
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(parseError("my key:\n" + crlf + "trailing notes\n"), "");
}

TEST(CryptoPem, RejectsBadInputWithAMessage)
{
    const std::string &good = opensslKey();
    EXPECT_TRUE(contains(parseError(""), "no PEM block"));
    EXPECT_TRUE(contains(parseError("hello world"), "no PEM block"));
    EXPECT_TRUE(contains(parseError("-----BEGIN PRIVATE KEY-----\nAAAA\n"), "no matching line"));
    EXPECT_TRUE(
        contains(parseError("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
                 "no matching line"));
    EXPECT_TRUE(contains(parseError("-----BEGIN PRIVATE KEY-----\n\n-----END PRIVATE KEY-----\n"),
                         "empty"));
    std::string badChar = good;
    badChar[40] = '*';
    EXPECT_TRUE(contains(parseError(badChar), "line 2")) << parseError(badChar);
    EXPECT_TRUE(contains(parseError(osl::ecPrivatePem()), "EC key"));
    EXPECT_TRUE(contains(parseError(encodePem("CERTIFICATE", Bytes{0x30, 0x00})), "certificate"));
    EXPECT_TRUE(
        contains(parseError(encodePem("ENCRYPTED PRIVATE KEY", Bytes{0x30, 0x00})), "encrypted"));
    EXPECT_TRUE(
        contains(parseError("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                            "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
                 "encrypted"));
    EXPECT_TRUE(contains(parseError(encodePem("X509 CRL", Bytes{0x30, 0x00})), "not an RSA key"));

    // A consistent-looking key whose numbers do not fit together.
    RsaPrivateKey key = parseRsaKeyPem(good).privateKey;
    key.d = key.d + BigInt(2);
    EXPECT_TRUE(contains(parseError(encodePem("PRIVATE KEY", pkcs8PrivateKeyDer(key))),
                         "does not invert e"));
    key = parseRsaKeyPem(good).privateKey;
    key.qInv = key.qInv + BigInt(1);
    EXPECT_TRUE(contains(parseError(encodePem("PRIVATE KEY", pkcs8PrivateKeyDer(key))),
                         "CRT coefficient"));
    // Even modulus / e = 1 in a public key.
    EXPECT_TRUE(contains(
        parseError(encodePem("RSA PUBLIC KEY", rsaPublicKeyDer({BigInt(3234), 17}))), "odd"));
    EXPECT_TRUE(contains(
        parseError(encodePem("RSA PUBLIC KEY", rsaPublicKeyDer({BigInt(3233), 1}))), "exponent"));

    std::string why;
    EXPECT_FALSE(tryParseRsaKeyPem("nonsense", &why));
    EXPECT_TRUE(contains(why, "no PEM block"));
}

// Every prefix of a valid DER, and thousands of random byte flips / insertions: the parser
// answers with a key or a PemError, nothing else.
TEST(CryptoPem, SurvivesTruncationAndMutation)
{
    const PemBlock block = decodePem(opensslKey());
    for (std::size_t len = 0; len < block.der.size(); ++len) {
        const Bytes cut(block.der.begin(), block.der.begin() + std::ptrdiff_t(len));
        EXPECT_NE(parseError(encodePem(block.label, cut)), "") << "prefix of " << len << " bytes";
    }
    const PemBlock pub = decodePem(osl::publicPemOf(opensslKey()));
    std::mt19937_64 rng(1234);
    int accepted = 0;
    for (int i = 0; i < 3000; ++i) {
        const PemBlock &base = i % 2 ? block : pub;
        Bytes der = base.der;
        const int edits = 1 + int(rng() % 4);
        for (int k = 0; k < edits; ++k) {
            const std::size_t at = rng() % der.size();
            switch (rng() % 3) {
            case 0:
                der[at] = std::uint8_t(rng());
                break;
            case 1:
                der.insert(der.begin() + std::ptrdiff_t(at), std::uint8_t(rng()));
                break;
            default:
                der.erase(der.begin() + std::ptrdiff_t(at));
                break;
            }
        }
        accepted += parseError(encodePem(base.label, der)).empty();
    }
    // Most edits must be caught (a flipped bit inside a number of a public key may still be a
    // valid key, so a few acceptances are expected).
    EXPECT_LT(accepted, 300);
}
