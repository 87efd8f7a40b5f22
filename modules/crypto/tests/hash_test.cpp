// Hashes: RFC 1319/1320/1321 and FIPS 180-4 known answers, the topic brief's values, the
// MD2 walkthrough, OpenSSL differential tests, incremental == one-shot, traced == untraced.
#include "crypto/core/hash.h"

#include "openssl_ref.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <string>

using namespace wb::crypto;

namespace {

Bytes randomMessage(wb::Rng &rng, std::size_t n)
{
    Bytes m(n);
    for (auto &b : m)
        b = std::uint8_t(rng.next());
    return m;
}

std::string hexOf(HashAlg alg, std::string_view text)
{
    return toHex(digest(alg, text));
}

const char *kAlphaNum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const std::string kDigits80 = [] {
    std::string s;
    for (int i = 0; i < 8; ++i)
        s += "1234567890";
    return s;
}();

const char *openSslName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Md2:
        return "MD2";
    case HashAlg::Md4:
        return "MD4";
    case HashAlg::Md5:
        return "MD5";
    case HashAlg::Sha1:
        return "SHA1";
    case HashAlg::Sha256:
        return "SHA256";
    }
    return "";
}

} // namespace

// ---------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------

TEST(CryptoHashKnownAnswers, Md2Rfc1319)
{
    EXPECT_EQ(hexOf(HashAlg::Md2, ""), "8350e5a3e24c153df2275c9f80692773");
    EXPECT_EQ(hexOf(HashAlg::Md2, "a"), "32ec01ec4a6dac72c0ab96fb34c0b5d1");
    EXPECT_EQ(hexOf(HashAlg::Md2, "abc"), "da853b0d3f88d99b30283a69e6ded6bb");
    EXPECT_EQ(hexOf(HashAlg::Md2, "message digest"), "ab4f496bfb2a530b219ff33031fe06b0");
    EXPECT_EQ(hexOf(HashAlg::Md2, "abcdefghijklmnopqrstuvwxyz"),
              "4e8ddff3650292ab5a4108c3aa47940b");
    EXPECT_EQ(hexOf(HashAlg::Md2, kAlphaNum), "da33def2a42df13975352846c30338cd");
    EXPECT_EQ(hexOf(HashAlg::Md2, kDigits80), "d5976f79d83d3a0dc9806c3c66f3efd8");
}

TEST(CryptoHashKnownAnswers, Md4Rfc1320)
{
    EXPECT_EQ(hexOf(HashAlg::Md4, ""), "31d6cfe0d16ae931b73c59d7e0c089c0");
    EXPECT_EQ(hexOf(HashAlg::Md4, "a"), "bde52cb31de33e46245e05fbdbd6fb24");
    EXPECT_EQ(hexOf(HashAlg::Md4, "abc"), "a448017aaf21d8525fc10ae87aa6729d");
    EXPECT_EQ(hexOf(HashAlg::Md4, "message digest"), "d9130a8164549fe818874806e1c7014b");
    EXPECT_EQ(hexOf(HashAlg::Md4, "abcdefghijklmnopqrstuvwxyz"),
              "d79e1c308aa5bbcdeea8ed63df412da9");
    EXPECT_EQ(hexOf(HashAlg::Md4, kAlphaNum), "043f8582f241db351ce627e153e7f0e4");
    EXPECT_EQ(hexOf(HashAlg::Md4, kDigits80), "e33b4ddc9c38f2199c3e7b164fcc0536");
}

TEST(CryptoHashKnownAnswers, Md5Rfc1321AndBrief)
{
    EXPECT_EQ(hexOf(HashAlg::Md5, ""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(hexOf(HashAlg::Md5, "a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(hexOf(HashAlg::Md5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(hexOf(HashAlg::Md5, "message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(hexOf(HashAlg::Md5, "abcdefghijklmnopqrstuvwxyz"),
              "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(hexOf(HashAlg::Md5, kAlphaNum), "d174ab98d277d9f5a5611c2c9f419d9f");
    EXPECT_EQ(hexOf(HashAlg::Md5, kDigits80), "57edf4a22be3c955ac49da2e2107b67a");
    // The tutorial's example and the digest its RSA section signs.
    EXPECT_EQ(hexOf(HashAlg::Md5, "abcdefgh"), "e8dc4081b13434b45189a720b77b6818");
}

TEST(CryptoHashKnownAnswers, Sha1Fips180)
{
    for (bool accelerated : {true, false}) {
        SCOPED_TRACE(accelerated);
        auto run = [&](std::string_view text) {
            Hasher h(HashAlg::Sha1);
            h.setAccelerated(accelerated);
            h.update(text);
            return toHex(h.final());
        };
        EXPECT_EQ(run("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        EXPECT_EQ(run("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                  "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        EXPECT_EQ(run(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }
}

TEST(CryptoHashKnownAnswers, Sha256Fips180)
{
    for (bool accelerated : {true, false}) {
        SCOPED_TRACE(accelerated);
        auto run = [&](std::string_view text) {
            Hasher h(HashAlg::Sha256);
            h.setAccelerated(accelerated);
            h.update(text);
            return toHex(h.final());
        };
        EXPECT_EQ(run("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        EXPECT_EQ(run("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        EXPECT_EQ(run(std::string(1000000, 'a')),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

TEST(CryptoHashKnownAnswers, BriefTableSizesAndSecurity)
{
    const std::size_t bits[] = {128, 128, 128, 160, 256};
    const bool secure[] = {false, false, false, false, true};
    for (std::size_t i = 0; i < kAllHashAlgs.size(); ++i) {
        EXPECT_EQ(digestSize(kAllHashAlgs[i]) * 8, bits[i]);
        EXPECT_EQ(isConsideredSecure(kAllHashAlgs[i]), secure[i]);
    }
}

TEST(CryptoHashNames, ParseAndPrint)
{
    for (HashAlg alg : kAllHashAlgs)
        EXPECT_EQ(parseHashAlg(hashName(alg)), alg);
    EXPECT_EQ(parseHashAlg("SHA-256"), HashAlg::Sha256);
    EXPECT_EQ(parseHashAlg("MD5"), HashAlg::Md5);
    EXPECT_FALSE(parseHashAlg("sha512"));
    EXPECT_FALSE(parseHashAlg(""));
}

// ---------------------------------------------------------------------------------------
// MD2 walkthrough (companion draft, RFC 1319 erratum)
// ---------------------------------------------------------------------------------------

TEST(CryptoMd2Walkthrough, AbcStepByStep)
{
    wb::Trace trace;
    const Bytes d = digest(HashAlg::Md2, "abc", &trace);
    EXPECT_EQ(toHex(d), "da853b0d3f88d99b30283a69e6ded6bb");

    const auto pad = trace.findNext("padding", 0);
    ASSERT_TRUE(pad);
    EXPECT_EQ(std::get<Bytes>(*trace[*pad].field("bytes")), Bytes(13, 0x0d));

    const auto sum = trace.findNext("md2_checksum", 0);
    ASSERT_TRUE(sum);
    const Bytes expectedChecksum = {25, 226, 157, 27,  115, 4,  54, 142,
                                    89, 90,  39,  111, 48,  47, 87, 204};
    EXPECT_EQ(std::get<Bytes>(*trace[*sum].field("c")), expectedChecksum);

    // Two blocks (the padded message, then the checksum), 18 rounds each.
    std::size_t rounds = 0, lastState = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        rounds += trace[i].kind == "md2_round";
        if (trace[i].kind == "state")
            lastState = i;
    }
    EXPECT_EQ(rounds, 36u);
    const Bytes finalX = {218, 133, 59,  13,  63,  136, 217, 155, 48,  40,  58,  105,
                          230, 222, 214, 187, 146, 101, 35,  195, 96,  219, 104, 177,
                          87,  203, 101, 99,  195, 113, 243, 157, 6,   254, 254, 140,
                          111, 173, 229, 106, 248, 134, 93,  205, 242, 158, 219, 158};
    EXPECT_EQ(std::get<Bytes>(*trace[lastState].field("x")), finalX);
}

TEST(CryptoMd2Walkthrough, DraftChecksumDivergesAfterOneBlock)
{
    auto run = [](std::string_view text, Md2Checksum variant) {
        Hasher h(HashAlg::Md2);
        h.setMd2Checksum(variant);
        h.update(text);
        return toHex(h.final());
    };
    EXPECT_EQ(run("abc", Md2Checksum::Draft), run("abc", Md2Checksum::Rfc1319));
    EXPECT_EQ(run("abcdefghijklmnopqrstuvwxyz", Md2Checksum::Draft),
              "65182bb8c569485fcba44dbc66a02b56");
    EXPECT_EQ(run("abcdefghijklmnopqrstuvwxyz", Md2Checksum::Rfc1319),
              "4e8ddff3650292ab5a4108c3aa47940b");
}

TEST(CryptoMd2Walkthrough, FullBlockGetsSixteenBytesOfPadding)
{
    wb::Trace trace;
    digest(HashAlg::Md2, std::string(16, 'x'), &trace);
    const auto pad = trace.findNext("padding", 0);
    ASSERT_TRUE(pad);
    EXPECT_EQ(std::get<Bytes>(*trace[*pad].field("bytes")), Bytes(16, 16));
}

// ---------------------------------------------------------------------------------------
// Trace contents
// ---------------------------------------------------------------------------------------

TEST(CryptoHashTrace, Md5PaddedBlockOfAbc)
{
    wb::Trace trace;
    digest(HashAlg::Md5, "abc", &trace);
    Bytes expected(64, 0);
    expected[0] = 0x61;
    expected[1] = 0x62;
    expected[2] = 0x63;
    expected[3] = 0x80;
    expected[56] = 0x18; // 24 bits, little-endian
    const auto block = trace.findNext("block", 0);
    ASSERT_TRUE(block);
    EXPECT_EQ(std::get<Bytes>(*trace[*block].field("bytes")), expected);
    const auto length = trace.findNext("length", 0);
    ASSERT_TRUE(length);
    EXPECT_EQ(std::get<Bytes>(*trace[*length].field("bytes")), Bytes({0x18, 0, 0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(trace[*length].intField("bits"), 24);
    // The padding event comes before the block it completes.
    EXPECT_LT(*trace.findNext("padding", 0), *block);
}

TEST(CryptoHashTrace, StepCountsAndFinalStateMatchDigest)
{
    const std::pair<HashAlg, int> steps[] = {
        {HashAlg::Md4, 48}, {HashAlg::Md5, 64}, {HashAlg::Sha1, 80}, {HashAlg::Sha256, 64}};
    for (auto [alg, perBlock] : steps) {
        SCOPED_TRACE(std::string(hashName(alg)));
        wb::Trace trace;
        digest(alg, std::string(100, 'q'), &trace); // 100 bytes -> 2 blocks
        int stepEvents = 0, blocks = 0, schedules = 0;
        for (std::size_t i = 0; i < trace.size(); ++i) {
            stepEvents += trace[i].kind == "step";
            blocks += trace[i].kind == "block";
            schedules += trace[i].kind == "schedule";
            // Events point at the core's own round code, the line the source pane shows.
            if (trace[i].kind == "step") {
                EXPECT_EQ(trace[i].where.fileName(), std::string(hashName(alg)) + ".cpp");
            }
        }
        EXPECT_EQ(blocks, 2);
        EXPECT_EQ(schedules, 2);
        EXPECT_EQ(stepEvents, 2 * perBlock);
        const auto last = trace.findPrevious("step", trace.size() - 1);
        ASSERT_TRUE(last);
        EXPECT_EQ(trace[*last].intField("step"), perBlock - 1);
    }
}

TEST(CryptoHashTrace, TracedEqualsUntraced)
{
    wb::Rng rng(7);
    for (HashAlg alg : kAllHashAlgs) {
        for (std::size_t n : {0u, 1u, 15u, 16u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 200u}) {
            const Bytes m = randomMessage(rng, n);
            wb::Trace trace;
            EXPECT_EQ(digest(alg, m, &trace), digest(alg, m)) << hashName(alg) << " length " << n;
            const auto last = trace.findNext("digest", 0);
            ASSERT_TRUE(last);
            EXPECT_EQ(std::get<Bytes>(*trace[*last].field("digest")), digest(alg, m));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Incremental == one-shot
// ---------------------------------------------------------------------------------------

TEST(CryptoHashIncremental, EverySplitPoint)
{
    wb::Rng rng(11);
    for (HashAlg alg : kAllHashAlgs) {
        for (std::size_t n = 0; n <= 140; ++n) {
            const Bytes m = randomMessage(rng, n);
            const Bytes expected = digest(alg, m);
            Hasher h(alg);
            for (std::size_t split = 0; split <= n; ++split) {
                h.update(std::span<const std::uint8_t>(m.data(), split));
                h.update(std::span<const std::uint8_t>(m.data() + split, n - split));
                ASSERT_EQ(h.final(), expected)
                    << hashName(alg) << " n=" << n << " split=" << split;
            }
        }
    }
}

TEST(CryptoHashIncremental, ByteAtATimeAndReset)
{
    wb::Rng rng(12);
    const Bytes m = randomMessage(rng, 1000);
    for (HashAlg alg : kAllHashAlgs) {
        Hasher h(alg);
        h.update("garbage that reset() discards");
        h.reset();
        for (std::uint8_t b : m)
            h.update(std::span<const std::uint8_t>(&b, 1));
        EXPECT_EQ(h.bytesHashed(), 1000u);
        EXPECT_EQ(h.final(), digest(alg, m)) << hashName(alg);
    }
}

// ---------------------------------------------------------------------------------------
// Differential against OpenSSL
// ---------------------------------------------------------------------------------------

TEST(CryptoHashVsOpenSsl, EveryLength0To300AndLarge)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (MD4) not found";
    wb::Rng rng(2024);
    for (HashAlg alg : kAllHashAlgs) {
        if (!ref::digest(openSslName(alg), Bytes{})) {
            // OpenSSL 3 builds normally lack MD2: RFC 1319 vectors and the brief cover it.
            EXPECT_EQ(alg, HashAlg::Md2);
            continue;
        }
        for (std::size_t n = 0; n <= 300; ++n) {
            const Bytes m = randomMessage(rng, n);
            const Bytes expected = *ref::digest(openSslName(alg), m);
            Hasher fast(alg), portable(alg);
            portable.setAccelerated(false);
            fast.update(m);
            portable.update(m);
            ASSERT_EQ(fast.final(), expected) << hashName(alg) << " length " << n;
            ASSERT_EQ(portable.final(), expected) << hashName(alg) << " portable length " << n;
        }
        const Bytes big = randomMessage(rng, 3 * 1024 * 1024 + 17);
        EXPECT_EQ(digest(alg, big), *ref::digest(openSslName(alg), big)) << hashName(alg);
    }
}

// ---------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------

TEST(CryptoBytes, HexRoundTripAndErrors)
{
    EXPECT_EQ(toHex(*fromHex("ECc29ed95d2061d0")), "ecc29ed95d2061d0");
    std::string why;
    EXPECT_FALSE(fromHex("abc", &why));
    EXPECT_NE(why.find("odd"), std::string::npos);
    EXPECT_FALSE(fromHex("zz", &why));
    EXPECT_NE(why.find("non-hex"), std::string::npos);
    EXPECT_TRUE(fromHex("")->empty());
}

TEST(CryptoBytes, ConstantTimeEqual)
{
    const Bytes a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4}, d = {1, 2};
    EXPECT_TRUE(constantTimeEqual(a, b));
    EXPECT_FALSE(constantTimeEqual(a, c));
    EXPECT_FALSE(constantTimeEqual(a, d));
    EXPECT_TRUE(constantTimeEqual(Bytes{}, Bytes{}));
}

TEST(CryptoBytes, OsRandomness)
{
    const Bytes a = randomBytes(32), b = randomBytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b); // 2^-256 chance of a false failure
}
