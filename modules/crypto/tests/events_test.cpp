// The crypto module's events as declared in events.h: every event the hashes, DES and its
// modes, ARC4, XOR and RSA record reads back as its declared struct and writes out again field
// for field, every declared kind is recorded by some run, a missing field is an error, and the
// README's tables name the same fields.
#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/events.h"
#include "crypto/core/hash.h"
#include "crypto/core/modes.h"
#include "crypto/core/replay.h"
#include "crypto/core/rsa.h"

#include "workbench/core/event_contract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>

using namespace wb::crypto;

namespace {

template <class Set> void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    EXPECT_EQ(wb::contract::roundTripMismatch<Set>(e), "") << e.label;
    seen.insert(e.kind);
}

template <class Set> void expectAllRoundTrip(const wb::Trace &trace, std::set<std::string> &seen)
{
    for (std::size_t i = 0; i < trace.size(); ++i)
        expectRoundTrip<Set>(trace[i], seen);
}

Bytes text(std::string_view s)
{
    return Bytes(s.begin(), s.end());
}

Bytes hex(std::string_view h)
{
    return fromHex(h).value();
}

TEST(CryptoEvents, EveryRecordedHashEventRoundTrips)
{
    // Empty, one-block and multi-block messages through every hash, MD2 with both checksums.
    std::set<std::string> seen;
    for (const HashAlg alg : kAllHashAlgs) {
        for (const std::size_t length : {0, 3, 130}) {
            for (const Md2Checksum variant : {Md2Checksum::Rfc1319, Md2Checksum::Draft}) {
                if (alg != HashAlg::Md2 && variant == Md2Checksum::Draft)
                    continue;
                wb::Trace trace;
                Hasher h(alg, &trace);
                h.setMd2Checksum(variant);
                h.update(Bytes(length, 0x61));
                const Bytes d = h.final();
                expectAllRoundTrip<events::HashEvents>(trace, seen);
                const auto last = wb::as<events::Digest>(trace[trace.size() - 1]);
                ASSERT_TRUE(last);
                EXPECT_EQ(last->digest, d);
            }
        }
    }
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::HashEvents>());
}

TEST(CryptoEvents, EveryRecordedDesEventRoundTrips)
{
    // DES and Triple-DES in every mode, both directions; 13 bytes leave CFB-64 a partial block.
    std::set<std::string> seen;
    const Bytes key = hex("133457799bbcdff1");
    const Bytes key3 = hex("0123456789abcdeffedcba987654321089abcdef01234567");
    const Bytes iv = hex("1234567890abcdef");
    for (const bool triple : {false, true}) {
        for (const Mode mode : {Mode::Ecb, Mode::Cbc, Mode::Cfb8, Mode::Cfb64}) {
            for (const Direction direction : {Direction::Encrypt, Direction::Decrypt}) {
                wb::Trace trace;
                const DesCipher cipher =
                    triple ? DesCipher::tripleDes(key3, &trace) : DesCipher::des(key, &trace);
                const bool ecb = mode == Mode::Ecb;
                DesModeCipher m(cipher, mode, direction, ecb ? Bytes{} : iv, &trace);
                const std::size_t length =
                    ecb || mode == Mode::Cbc ? std::size_t(16) : std::size_t(13);
                (void)m.process(Bytes(length, 0x5a));
                expectAllRoundTrip<events::DesEvents>(trace, seen);
            }
        }
    }
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::DesEvents>());
}

TEST(CryptoEvents, EveryRecordedStreamEventRoundTrips)
{
    std::set<std::string> seen;
    wb::Trace trace;
    Arc4 arc4(text("Key"), &trace);
    (void)arc4.process(text("Plaintext"));
    (void)xorCipher(text("ab"), text("hello"), &trace);
    expectAllRoundTrip<events::StreamEvents>(trace, seen);
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::StreamEvents>());
}

TEST(CryptoEvents, EveryRecordedRsaEventRoundTrips)
{
    // Key generation (candidates with small factors, Miller-Rabin rounds), OAEP both ways
    // (public exponentiation, CRT private operation), PKCS#1 v1.5 and malleability.
    std::set<std::string> seen;
    wb::Trace trace;
    const RsaPrivateKey key = generateRsaKey(768, &trace);
    const RsaPublicKey pub = key.publicKey();
    const Bytes message = text("attack at dawn");
    const Bytes ct = oaepEncrypt(pub, message, &trace);
    EXPECT_EQ(oaepDecrypt(key, ct, &trace), message);
    const Bytes sig = pkcs1v15Sign(key, message, &trace);
    EXPECT_TRUE(pkcs1v15Verify(pub, message, sig, &trace));
    (void)malleate(pub, BigInt::fromBytes(ct), BigInt(2), &trace);
    (void)rsaPrivateOp(key, BigInt(12345), &trace, false);
    expectAllRoundTrip<events::RsaEvents>(trace, seen);
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::RsaEvents>());

    // At least one candidate was rejected by a small prime, so `factor` was read and written.
    bool factorSeen = false;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (auto c = wb::as<events::RsaCandidate>(trace[i]))
            factorSeen = factorSeen || c->factor.has_value();
    EXPECT_TRUE(factorSeen);
}

TEST(CryptoEvents, AMissingFieldIsAnErrorNotZero)
{
    wb::Trace trace;
    (void)DesCipher::des(hex("133457799bbcdff1")).encryptBlock(0x0123456789abcdefULL, &trace);
    auto round = trace.findNext(events::DesRound::kind, 0);
    ASSERT_TRUE(round);
    wb::Event e = trace[*round];
    std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "f"; });
    DesReplayState s;
    EXPECT_THROW(applyDesEvent(s, e), wb::EventFieldError);

    // A field of another type is an error too.
    wb::Trace hashTrace;
    (void)digest(HashAlg::Md5, text("abc"), &hashTrace);
    auto step = hashTrace.findNext(events::Step::kind, 0);
    ASSERT_TRUE(step);
    wb::Event wrong = hashTrace[*step];
    for (wb::Field &f : wrong.fields)
        if (f.key == "a")
            f.value = std::string("not a register");
    HashReplayState h;
    EXPECT_THROW(applyHashEvent(h, wrong), wb::EventFieldError);
}

TEST(CryptoEvents, TheReadmeTablesMatchTheDeclarations)
{
    const auto tables = wb::contract::readEventTables(WB_CRYPTO_README);
    ASSERT_EQ(tables.size(), 4u) << "the README's event tables: hashes, DES, stream, RSA";
    EXPECT_EQ(tables[0], wb::contract::declaredTable<events::HashEvents>());
    EXPECT_EQ(tables[1], wb::contract::declaredTable<events::DesEvents>());
    EXPECT_EQ(tables[2], wb::contract::declaredTable<events::StreamEvents>());
    EXPECT_EQ(tables[3], wb::contract::declaredTable<events::RsaEvents>());
}

} // namespace
