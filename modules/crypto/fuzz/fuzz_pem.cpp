// Fuzz target: the PEM / base64 / DER readers for RSA keys (pem.h).
//
// The first input byte picks what the rest is:
//   even: PEM text, given to decodePem, fromBase64 (the body alone) and parseRsaKeyPem;
//   odd:  DER bytes, given to parseRsaKeyDer under one of the four labels it knows (or an
//         unknown one), chosen by the byte.
// Invariants:
// - nothing but PemError ever leaves a parser, and its message is one non-empty line;
//   tryParseRsaKeyPem fails exactly when parseRsaKeyPem throws, and says why;
// - base64 that decodes is canonical: encoding the bytes again gives the input without its
//   whitespace, and decoding that gives the bytes;
// - a decoded PEM block encodes and decodes back to the same label and DER;
// - a key that parses writes out (PEM, OpenSSL's formats) and reads back as the same key.

#include "fuzz_support.h"

#include "crypto/core/pem.h"

#include <string>
#include <string_view>

namespace {

using namespace wb::crypto;

bool oneLine(const char *message)
{
    const std::string_view m(message);
    return !m.empty() && m.find('\n') == std::string_view::npos;
}

// Runs call(); true if it threw PemError (checked), false if it returned. Anything else
// escapes and fails the run.
template <typename Call> bool refused(Call &&call)
{
    try {
        call();
    } catch (const PemError &e) {
        FUZZ_CHECK(oneLine(e.what()));
        return true;
    }
    return false;
}

bool isBase64Space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

void checkBase64(std::string_view text)
{
    std::string why;
    const auto bytes = fromBase64(text, &why);
    if (!bytes) {
        FUZZ_CHECK(!why.empty());
        return;
    }
    std::string compact;
    for (char ch : text)
        if (!isBase64Space(ch))
            compact += ch;
    FUZZ_CHECK(toBase64(*bytes) == compact);
    FUZZ_CHECK(fromBase64(compact) == bytes);
}

void checkKeyRoundTrip(const RsaKeyFile &file)
{
    const std::string pem =
        file.hasPrivate ? privateKeyToPem(file.privateKey) : publicKeyToPem(file.publicKey);
    const RsaKeyFile again = parseRsaKeyPem(pem); // must not throw: we wrote it
    FUZZ_CHECK(again.hasPrivate == file.hasPrivate);
    FUZZ_CHECK(again.publicKey.n == file.publicKey.n && again.publicKey.e == file.publicKey.e);
    if (file.hasPrivate)
        FUZZ_CHECK(again.privateKey.d == file.privateKey.d &&
                   again.privateKey.p == file.privateKey.p &&
                   again.privateKey.q == file.privateKey.q);
}

void checkPemText(std::string_view text)
{
    PemBlock block;
    if (!refused([&] { block = decodePem(text); })) {
        const PemBlock again = decodePem(encodePem(block.label, block.der));
        FUZZ_CHECK(again.label == block.label && again.der == block.der);
    }
    // The body between the first two lines that look like BEGIN / END, as base64.
    const auto begin = text.find("-----\n"), end = text.find("\n-----END");
    if (begin != std::string_view::npos && end != std::string_view::npos && end > begin)
        checkBase64(text.substr(begin + 6, end - begin - 6));
    else
        checkBase64(text);

    RsaKeyFile file;
    const bool threw = refused([&] { file = parseRsaKeyPem(text); });
    std::string why;
    const auto tried = tryParseRsaKeyPem(text, &why);
    FUZZ_CHECK(tried.has_value() == !threw);
    if (threw)
        FUZZ_CHECK(!why.empty());
    else
        checkKeyRoundTrip(file);
}

void checkDer(std::uint8_t choice, std::span<const std::uint8_t> der)
{
    static constexpr std::string_view kLabels[] = {"PRIVATE KEY", "PUBLIC KEY", "RSA PRIVATE KEY",
                                                   "RSA PUBLIC KEY", "CERTIFICATE"};
    const std::string_view label = kLabels[(choice >> 1) % std::size(kLabels)];
    RsaKeyFile file;
    if (!refused([&] { file = parseRsaKeyDer(label, der); }))
        checkKeyRoundTrip(file);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    wb::fuzz::InputReader in(data, size);
    const std::uint8_t choice = in.byte();
    const auto rest = in.rest();
    if (choice % 2 == 0)
        checkPemText(std::string_view(reinterpret_cast<const char *>(rest.data()), rest.size()));
    else
        checkDer(choice, rest);
    return 0;
}
