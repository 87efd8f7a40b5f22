// DES, Triple-DES and their modes, PKCS#7, ARC4 and XOR: FIPS 81 / SP 800-17 / SP 800-67 /
// RFC 6229 known answers, the topic brief's values, and OpenSSL differential tests.
#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/modes.h"

#include "openssl_ref.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::crypto;

namespace {

Bytes hex(std::string_view h)
{
    return *fromHex(h);
}

Bytes randomBytesFrom(wb::Rng &rng, std::size_t n)
{
    Bytes m(n);
    for (auto &b : m)
        b = std::uint8_t(rng.next());
    return m;
}

Bytes run(const DesCipher &c, Mode mode, Direction dir, const Bytes &iv, const Bytes &data)
{
    DesModeCipher m(c, mode, dir, iv);
    return m.process(data);
}

const Bytes kTutorialKey = toBytes("01234567");

} // namespace

// ---------------------------------------------------------------------------------------
// DES known answers
// ---------------------------------------------------------------------------------------

TEST(CryptoDesKnownAnswers, TutorialEcb)
{
    const DesCipher des = DesCipher::des(kTutorialKey);
    EXPECT_EQ(toHex(run(des, Mode::Ecb, Direction::Encrypt, {}, toBytes("abcdefgh"))),
              "ecc29ed95d2061d0");
    EXPECT_EQ(run(des, Mode::Ecb, Direction::Decrypt, {}, hex("ecc29ed95d2061d0")),
              toBytes("abcdefgh"));
    // The ECB pattern leak.
    EXPECT_EQ(toHex(run(des, Mode::Ecb, Direction::Encrypt, {}, toBytes("abcdefghabcdefgh"))),
              "ecc29ed95d2061d0ecc29ed95d2061d0");
    EXPECT_EQ(toHex(run(des, Mode::Ecb, Direction::Encrypt, {}, toBytes("abcdefghijklmnop"))),
              "ecc29ed95d2061d0d13afc6cf78aafb0");
    // The text's key "10234567" is a typo, yet it gives the same output: '0' (0x30) and '1'
    // (0x31) differ only in bit 8 of the byte, a parity bit DES ignores (PC-1 drops it).
    const DesCipher typo = DesCipher::des(toBytes("10234567"));
    EXPECT_EQ(toHex(run(typo, Mode::Ecb, Direction::Encrypt, {}, toBytes("abcdefgh"))),
              "ecc29ed95d2061d0");
    const DesCipher other = DesCipher::des(toBytes("21234567"));
    EXPECT_NE(toHex(run(other, Mode::Ecb, Direction::Encrypt, {}, toBytes("abcdefgh"))),
              "ecc29ed95d2061d0");
}

TEST(CryptoDesKnownAnswers, TutorialCfb)
{
    const DesCipher des = DesCipher::des(kTutorialKey);
    const Bytes iv = hex("0001020304050607");
    const Bytes plain = toBytes("abcdefghijklmnop");
    EXPECT_EQ(toHex(run(des, Mode::Cfb8, Direction::Encrypt, iv, plain)),
              "17b50cabf79c514b78fd8a36e0c6e961");
    EXPECT_EQ(toHex(run(des, Mode::Cfb64, Direction::Encrypt, iv, plain)),
              "176c8fa35420c804c31d3fc1d0841f36");
    EXPECT_EQ(
        run(des, Mode::Cfb8, Direction::Decrypt, iv, hex("17b50cabf79c514b78fd8a36e0c6e961")),
        plain);
}

TEST(CryptoDesKnownAnswers, Sp800_17)
{
    // Variable-plaintext and variable-key tests with the all-parity key 01..01.
    const DesCipher weak = DesCipher::des(hex("0101010101010101"));
    EXPECT_EQ(weak.encryptBlock(0x8000000000000000), 0x95f8a5e5dd31d900u);
    EXPECT_EQ(weak.encryptBlock(0x4000000000000000), 0xdd7f121ca5015619u);
    EXPECT_EQ(DesCipher::des(hex("8001010101010101")).encryptBlock(0), 0x95a8d72813daa94du);
    // The classic worked example.
    EXPECT_EQ(DesCipher::des(hex("133457799bbcdff1")).encryptBlock(0x0123456789abcdef),
              0x85e813540f0ab405u);
}

TEST(CryptoDesKnownAnswers, Fips81Modes)
{
    const DesCipher des = DesCipher::des(hex("0123456789abcdef"));
    const Bytes iv = hex("1234567890abcdef");
    const Bytes plain = toBytes("Now is the time for all ");
    EXPECT_EQ(toHex(run(des, Mode::Ecb, Direction::Encrypt, {}, plain)),
              "3fa40e8a984d48156a271787ab8883f9893d51ec4b563b53");
    EXPECT_EQ(toHex(run(des, Mode::Cbc, Direction::Encrypt, iv, plain)),
              "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
    EXPECT_EQ(toHex(run(des, Mode::Cfb64, Direction::Encrypt, iv, plain)),
              "f3096249c7f46e51a69e839b1a92f78403467133898ea622");
    EXPECT_EQ(toHex(run(des, Mode::Cfb8, Direction::Encrypt, iv, toBytes("Now is the"))),
              "f31fda07011462ee187f");
}

TEST(CryptoTripleDesKnownAnswers, Sp800_67AndBrief)
{
    const DesCipher tdes =
        DesCipher::tripleDes(hex("0123456789abcdef23456789abcdef01456789abcdef0123"));
    EXPECT_EQ(
        toHex(run(tdes, Mode::Ecb, Direction::Encrypt, {}, toBytes("The qufck brown fox jump"))),
        "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900");
    // The brief's file-encryption vector: DES3-CFB8, 36-byte line, no padding.
    const DesCipher fileKey = DesCipher::tripleDes(toBytes("abcdefghijklmnopqrstuvwx"));
    const Bytes line = toBytes("this content needs to be encrypted.\n");
    ASSERT_EQ(line.size(), 36u);
    EXPECT_EQ(toHex(run(fileKey, Mode::Cfb8, Direction::Encrypt, toBytes("12345678"), line)),
              "949c8242d26c42118cf1e5bf6e422f29a12b9e2d30876990ce139315dd014dc97508834b");
}

TEST(CryptoTripleDesKnownAnswers, EqualKeysDegradeToDes)
{
    wb::Rng rng(3);
    const Bytes k = randomBytesFrom(rng, 8);
    Bytes k3 = k;
    k3.insert(k3.end(), k.begin(), k.end());
    k3.insert(k3.end(), k.begin(), k.end());
    const DesCipher des = DesCipher::des(k), tdes = DesCipher::tripleDes(k3);
    for (int i = 0; i < 50; ++i) {
        const std::uint64_t x = rng.next();
        EXPECT_EQ(tdes.encryptBlock(x), des.encryptBlock(x));
        EXPECT_EQ(tdes.decryptBlock(x), des.decryptBlock(x));
    }
}

// ---------------------------------------------------------------------------------------
// Differential against OpenSSL: every mode, every length 0..300, and a large buffer
// ---------------------------------------------------------------------------------------

namespace {

struct Variant
{
    const char *name;
    std::size_t keySize;
    const char *ecb, *cbc, *cfb8, *cfb64; // OpenSSL cipher names
};

// 2-key Triple-DES is checked as OpenSSL's 3-key with K1 K2 K1 (OpenSSL has no 2-key CFB-8).
const Variant kVariants[] = {
    {"des", 8, "DES-ECB", "DES-CBC", "DES-CFB8", "DES-CFB"},
    {"des3-2key", 16, "DES-EDE3", "DES-EDE3-CBC", "DES-EDE3-CFB8", "DES-EDE3-CFB"},
    {"des3-3key", 24, "DES-EDE3", "DES-EDE3-CBC", "DES-EDE3-CFB8", "DES-EDE3-CFB"},
};

void checkAgainstOpenSsl(const Variant &v, Mode mode, const Bytes &key, const Bytes &iv,
                         const Bytes &plain)
{
    const DesCipher cipher = v.keySize == 8 ? DesCipher::des(key) : DesCipher::tripleDes(key);
    Bytes refKey = key;
    if (v.keySize == 16)
        refKey.insert(refKey.end(), key.begin(), key.begin() + 8);
    const char *name = mode == Mode::Ecb    ? v.ecb
                       : mode == Mode::Cbc  ? v.cbc
                       : mode == Mode::Cfb8 ? v.cfb8
                                            : v.cfb64;
    const Bytes noIv;
    const Bytes &ivUsed = mode == Mode::Ecb ? noIv : iv;
    const Bytes expected = ref::cipher(name, refKey, ivUsed, plain, true);
    const Bytes ours = run(cipher, mode, Direction::Encrypt, ivUsed, plain);
    ASSERT_EQ(toHex(ours), toHex(expected))
        << v.name << " " << modeName(mode) << " length " << plain.size();
    ASSERT_EQ(run(cipher, mode, Direction::Decrypt, ivUsed, ours), plain);
}

} // namespace

TEST(CryptoDesVsOpenSsl, EveryModeEveryLength)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (DES) not found";
    wb::Rng rng(81);
    for (const Variant &v : kVariants) {
        for (Mode mode : {Mode::Ecb, Mode::Cbc, Mode::Cfb8, Mode::Cfb64}) {
            for (std::size_t n = 0; n <= 300; ++n) {
                if (modeNeedsWholeBlocks(mode) && n % 8 != 0)
                    continue;
                checkAgainstOpenSsl(v, mode, randomBytesFrom(rng, v.keySize),
                                    randomBytesFrom(rng, 8), randomBytesFrom(rng, n));
            }
        }
    }
}

TEST(CryptoDesVsOpenSsl, LargeBuffers)
{
    ASSERT_TRUE(ref::loadProviders());
    wb::Rng rng(82);
    for (const Variant &v : kVariants)
        for (Mode mode : {Mode::Ecb, Mode::Cbc, Mode::Cfb64, Mode::Cfb8}) {
            // CFB-8 costs one block operation per byte and Triple-DES three: keep them smaller.
            const std::size_t n = mode == Mode::Cfb8 ? 64 * 1024
                                  : v.keySize == 8   ? 1024 * 1024
                                                     : 256 * 1024;
            checkAgainstOpenSsl(v, mode, randomBytesFrom(rng, v.keySize), randomBytesFrom(rng, 8),
                                randomBytesFrom(rng, n));
        }
}

TEST(CryptoDesModes, StreamingInPiecesEqualsOneShot)
{
    wb::Rng rng(5);
    const DesCipher c = DesCipher::tripleDes(randomBytesFrom(rng, 24));
    const Bytes iv = randomBytesFrom(rng, 8);
    const Bytes plain = randomBytesFrom(rng, 200);
    for (Mode mode : {Mode::Ecb, Mode::Cbc, Mode::Cfb8, Mode::Cfb64}) {
        const Bytes ivUsed = mode == Mode::Ecb ? Bytes{} : iv;
        const Bytes whole = run(c, mode, Direction::Encrypt, ivUsed, plain);
        const std::size_t step = modeNeedsWholeBlocks(mode) ? 8 : 1;
        for (std::size_t split = 0; split <= plain.size(); split += step) {
            DesModeCipher enc(c, mode, Direction::Encrypt, ivUsed);
            Bytes out = enc.process(std::span<const std::uint8_t>(plain.data(), split));
            const Bytes rest = enc.process(
                std::span<const std::uint8_t>(plain.data() + split, plain.size() - split));
            out.insert(out.end(), rest.begin(), rest.end());
            ASSERT_EQ(out, whole) << modeName(mode) << " split " << split;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Traces
// ---------------------------------------------------------------------------------------

namespace {
// E as the standard's table lists it, bit 1 the most significant of R.
std::uint64_t expandByTable(std::uint32_t r)
{
    static const int kE[48] = {32, 1,  2,  3,  4,  5,  4,  5,  6,  7,  8,  9,  8,  9,  10, 11,
                               12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21,
                               22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1};
    std::uint64_t e = 0;
    for (int k = 0; k < 48; ++k)
        e = e << 1 | ((r >> (32 - kE[k])) & 1);
    return e;
}
} // namespace

TEST(CryptoDesTrace, RoundsRecordTheStandardsValues)
{
    wb::Trace trace;
    const DesCipher des = DesCipher::des(hex("133457799bbcdff1"), &trace);
    EXPECT_EQ(des.encryptBlock(0x0123456789abcdef, &trace), 0x85e813540f0ab405u);
    int subkeys = 0, rounds = 0;
    std::uint64_t previousR = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const wb::Event &e = trace[i];
        subkeys += e.kind == "des_subkey";
        if (e.kind == "des_ip")
            previousR = std::uint64_t(e.intField("r"));
        if (e.kind == "des_round") {
            ++rounds;
            // E is computed by rotations in the core; it must equal the table.
            EXPECT_EQ(std::get<std::uint64_t>(*e.field("e")),
                      expandByTable(std::uint32_t(previousR)));
            EXPECT_EQ(std::get<std::vector<std::int64_t>>(*e.field("sbox")).size(), 8u);
            previousR = std::get<std::uint64_t>(*e.field("r"));
        }
    }
    EXPECT_EQ(subkeys, 16);
    EXPECT_EQ(rounds, 16);
    // K1 of the worked example.
    EXPECT_EQ(des.subkeys()[0], 0x1b02effc7072u);
}

TEST(CryptoDesTrace, TracedModesEqualUntraced)
{
    wb::Rng rng(9);
    const DesCipher c = DesCipher::tripleDes(randomBytesFrom(rng, 16));
    const Bytes iv = randomBytesFrom(rng, 8);
    const Bytes plain = randomBytesFrom(rng, 40);
    for (Mode mode : {Mode::Ecb, Mode::Cbc, Mode::Cfb8, Mode::Cfb64}) {
        for (Direction dir : {Direction::Encrypt, Direction::Decrypt}) {
            const Bytes ivUsed = mode == Mode::Ecb ? Bytes{} : iv;
            wb::Trace trace;
            DesModeCipher traced(c, mode, dir, ivUsed, &trace);
            EXPECT_EQ(traced.process(plain), run(c, mode, dir, ivUsed, plain)) << modeName(mode);
            int blocks = 0, rounds = 0;
            for (std::size_t i = 0; i < trace.size(); ++i) {
                blocks += trace[i].kind == "mode_block";
                rounds += trace[i].kind == "des_round";
            }
            const int segments = mode == Mode::Cfb8 ? 40 : 5;
            EXPECT_EQ(blocks, segments);
            EXPECT_EQ(rounds, segments * 48); // three DES passes of 16 rounds
        }
    }
    // CFB-64 with a short tail, continued by a second call, still agrees.
    wb::Trace trace;
    DesModeCipher traced(c, Mode::Cfb64, Direction::Encrypt, iv, &trace);
    Bytes out = traced.process(std::span<const std::uint8_t>(plain.data(), 13));
    const Bytes rest = traced.process(std::span<const std::uint8_t>(plain.data() + 13, 27));
    out.insert(out.end(), rest.begin(), rest.end());
    EXPECT_EQ(out, run(c, Mode::Cfb64, Direction::Encrypt, iv, plain));
}

TEST(CryptoDesTrace, CfbFeedbackRegisterShiftsByOneByte)
{
    wb::Trace trace;
    DesModeCipher cfb(DesCipher::des(kTutorialKey), Mode::Cfb8, Direction::Encrypt,
                      hex("0001020304050607"), &trace);
    const Bytes c = cfb.process(toBytes("ab"));
    std::vector<std::uint64_t> registers;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (trace[i].kind == "mode_block")
            registers.push_back(std::get<std::uint64_t>(*trace[i].field("register")));
    ASSERT_EQ(registers.size(), 2u);
    EXPECT_EQ(registers[0], 0x0001020304050607u);
    EXPECT_EQ(registers[1], 0x01020304050607ull << 8 | c[0]);
}

// ---------------------------------------------------------------------------------------
// Errors and padding
// ---------------------------------------------------------------------------------------

TEST(CryptoCipherErrors, KeyIvAndLengthChecks)
{
    EXPECT_THROW(DesCipher::des(Bytes(7)), CryptoError);
    EXPECT_THROW(DesCipher::des(Bytes(16)), CryptoError);
    EXPECT_THROW(DesCipher::tripleDes(Bytes(8)), CryptoError);
    EXPECT_THROW(DesCipher::tripleDes(Bytes(23)), CryptoError);
    const DesCipher des = DesCipher::des(kTutorialKey);
    EXPECT_THROW(DesModeCipher(des, Mode::Cbc, Direction::Encrypt), CryptoError);
    EXPECT_THROW(DesModeCipher(des, Mode::Cfb8, Direction::Encrypt, Bytes(7)), CryptoError);
    EXPECT_THROW(DesModeCipher(des, Mode::Ecb, Direction::Encrypt, Bytes(8)), CryptoError);
    DesModeCipher cbc(des, Mode::Cbc, Direction::Encrypt, Bytes(8));
    EXPECT_THROW(cbc.process(Bytes(9)), CryptoError);
    try {
        DesCipher::des(Bytes(5));
    } catch (const CryptoError &e) {
        EXPECT_NE(std::string(e.what()).find("8-byte key"), std::string::npos);
    }
    EXPECT_THROW(Arc4(Bytes{}), CryptoError);
    EXPECT_THROW(Arc4(Bytes(257)), CryptoError);
    EXPECT_NO_THROW(Arc4(Bytes(256)));
    EXPECT_THROW(xorCipher(Bytes{}, Bytes(3)), CryptoError);
}

TEST(CryptoPkcs7, PadAndStrip)
{
    EXPECT_EQ(toHex(pkcs7Pad(toBytes("abc"))), "6162630505050505");
    EXPECT_EQ(pkcs7Pad(toBytes("abcdefgh")).size(), 16u); // a whole block of 08
    for (std::size_t n = 0; n < 40; ++n) {
        const Bytes m(n, 0x41);
        EXPECT_EQ(pkcs7Unpad(pkcs7Pad(m)), m);
    }
    EXPECT_THROW(pkcs7Unpad(hex("6162630505050405")), CryptoError);
    EXPECT_THROW(pkcs7Unpad(hex("6162630505050500")), CryptoError);
    EXPECT_THROW(pkcs7Unpad(hex("61626305050505")), CryptoError);
    // Padding then CBC is the explicit two-step use.
    const DesCipher des = DesCipher::des(kTutorialKey);
    const Bytes c = run(des, Mode::Cbc, Direction::Encrypt, Bytes(8), pkcs7Pad(toBytes("abc")));
    EXPECT_EQ(pkcs7Unpad(run(des, Mode::Cbc, Direction::Decrypt, Bytes(8), c)), toBytes("abc"));
}

// ---------------------------------------------------------------------------------------
// ARC4 and XOR
// ---------------------------------------------------------------------------------------

TEST(CryptoArc4KnownAnswers, TutorialAndRfc6229)
{
    EXPECT_EQ(toHex(Arc4(kTutorialKey).process(toBytes("abcdefghijklmnop"))),
              "f0b7907b234142585939d0369fc08c20");
    EXPECT_EQ(Arc4(kTutorialKey).process(hex("f0b7907b234142585939d0369fc08c20")),
              toBytes("abcdefghijklmnop"));
    // The 8-byte key repeated twice schedules the same S.
    EXPECT_EQ(Arc4(toBytes("0123456701234567")).state(), Arc4(kTutorialKey).state());
    // RFC 6229, 40-bit key 0102030405, keystream offsets 0 and 16.
    EXPECT_EQ(toHex(Arc4(hex("0102030405")).process(Bytes(32))),
              "b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919");
}

TEST(CryptoArc4VsOpenSsl, RandomKeysEveryLength)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (RC4) not found";
    wb::Rng rng(6229);
    for (std::size_t n = 0; n <= 300; ++n) {
        const Bytes key = randomBytesFrom(rng, 1 + rng.below(256));
        const Bytes plain = randomBytesFrom(rng, n);
        ASSERT_EQ(Arc4(key).process(plain), ref::cipher("RC4", key, {}, plain, true))
            << "key " << key.size() << " length " << n;
    }
    const Bytes key = randomBytesFrom(rng, 16), big = randomBytesFrom(rng, 3 << 20);
    EXPECT_EQ(Arc4(key).process(big), ref::cipher("RC4", key, {}, big, true));
}

TEST(CryptoArc4Trace, KsaAndPrgaStepsAndEquivalence)
{
    wb::Trace trace;
    Arc4 traced(kTutorialKey, &trace);
    const Bytes c = traced.process(toBytes("abcdefghijklmnop"));
    EXPECT_EQ(c, Arc4(kTutorialKey).process(toBytes("abcdefghijklmnop")));
    int ksa = 0, prga = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        ksa += trace[i].kind == "arc4_ksa";
        prga += trace[i].kind == "arc4_prga";
    }
    EXPECT_EQ(ksa, 256);
    EXPECT_EQ(prga, 16);
    const auto first = trace.findNext("arc4_prga", 0);
    ASSERT_TRUE(first);
    EXPECT_EQ(trace[*first].intField("i"), 1);
    EXPECT_EQ(trace[*first].intField("out"), 0xf0);
    EXPECT_EQ(std::get<Bytes>(*trace[*first].field("s")).size(), 256u);
}

TEST(CryptoStreamCiphers, KeystreamReuseLeaksXorOfPlaintexts)
{
    const Bytes p1 = toBytes("attack at dawn!!"), p2 = toBytes("retreat at dusk.");
    const Bytes c1 = Arc4(kTutorialKey).process(p1), c2 = Arc4(kTutorialKey).process(p2);
    for (std::size_t i = 0; i < p1.size(); ++i)
        EXPECT_EQ(c1[i] ^ c2[i], p1[i] ^ p2[i]);
}

TEST(CryptoStreamCiphers, XorRepeatsTheKey)
{
    EXPECT_EQ(toHex(xorCipher(hex("0102"), hex("000000ff"))), "010201fd");
    const Bytes m = toBytes("any message");
    EXPECT_EQ(xorCipher(kTutorialKey, xorCipher(kTutorialKey, m)), m);
    wb::Trace trace;
    EXPECT_EQ(xorCipher(kTutorialKey, m, &trace), xorCipher(kTutorialKey, m));
    EXPECT_EQ(trace.size(), m.size());
}
