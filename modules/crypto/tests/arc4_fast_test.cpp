// ARC4's wide path (32-bit state words, eight rounds per 64-bit keystream word) against the
// byte-at-a-time loop, the traced teaching path, RFC 6229 at every listed offset and
// OpenSSL's RC4 at test time.
#include "crypto/core/arc4.h"

#include "openssl_ref.h"
#include "rfc6229_vectors.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

using namespace wb::crypto;
using wb::crypto::test::kRfc6229Offsets;
using wb::crypto::test::kRfc6229Vectors;

namespace {

Bytes randomBytesFrom(wb::Rng &rng, std::size_t n)
{
    Bytes m(n);
    for (auto &b : m)
        b = std::uint8_t(rng.next());
    return m;
}

// Keystream of `length` bytes from a fresh cipher, in one call, on the chosen path.
Bytes keystream(const Bytes &key, std::size_t length, bool fast)
{
    Arc4 rc4(key);
    rc4.setFastPath(fast);
    return rc4.process(Bytes(length));
}

void expectSameState(const Arc4 &a, const Arc4 &b, const std::string &where)
{
    EXPECT_EQ(a.state(), b.state()) << where;
    EXPECT_EQ(a.i(), b.i()) << where;
    EXPECT_EQ(a.j(), b.j()) << where;
}

} // namespace

TEST(CryptoArc4FastPath, Rfc6229EveryOffsetEveryKeyBothPaths)
{
    const std::size_t total = kRfc6229Offsets.back() + 16;
    for (const auto &v : kRfc6229Vectors) {
        const Bytes key = *fromHex(v.key);
        const Bytes wide = keystream(key, total, true);
        const Bytes bytewise = keystream(key, total, false);
        ASSERT_EQ(wide.size(), total);
        for (std::size_t r = 0; r < kRfc6229Offsets.size(); ++r) {
            const std::size_t off = kRfc6229Offsets[r];
            const Bytes expected = *fromHex(v.rows[r]);
            EXPECT_EQ(Bytes(wide.begin() + long(off), wide.begin() + long(off + 16)), expected)
                << "wide path, key " << v.key << " offset " << off;
            EXPECT_EQ(Bytes(bytewise.begin() + long(off), bytewise.begin() + long(off + 16)),
                      expected)
                << "byte path, key " << v.key << " offset " << off;
        }
        // Reaching each listed offset by its own call (skip, then exactly 16 bytes) runs the
        // wide loop, its byte tail and the byte loop at different alignments.
        for (std::size_t r = 0; r < kRfc6229Offsets.size(); ++r) {
            const std::size_t off = kRfc6229Offsets[r];
            Arc4 rc4(key);
            rc4.process(Bytes(off));
            EXPECT_EQ(toHex(rc4.process(Bytes(16))), v.rows[r])
                << "key " << v.key << " offset " << off << " after a skip";
        }
    }
}

TEST(CryptoArc4FastPath, TracedTeachingPathGivesTheSameKeystreamAndState)
{
    const auto &v = kRfc6229Vectors[4]; // 128-bit key
    const Bytes key = *fromHex(v.key);
    wb::Trace trace;
    Arc4 traced(key, &trace);
    Arc4 wide(key);
    const Bytes plain = Bytes(kRfc6229Offsets.back() + 16, 0x00);
    EXPECT_EQ(traced.process(plain), wide.process(plain));
    expectSameState(traced, wide, "after 4112 bytes");
}

// Every split of a 2 KiB keystream into a first call of `first` bytes and a second of
// `second` bytes: the bytes, S, i and j must equal one byte-at-a-time run. The lengths cover
// both sides of the wide threshold and every remainder mod 8.
TEST(CryptoArc4FastPath, EverySplitMatchesTheBytePath)
{
    wb::Rng rng(19);
    const Bytes key = randomBytesFrom(rng, 13);
    const std::size_t total = 2048;
    const Bytes reference = keystream(key, total, false);
    std::vector<std::size_t> seconds;
    for (std::size_t n = 0; n <= 2 * Arc4::kWideMinimum + 9; ++n)
        seconds.push_back(n);
    for (std::size_t n : {255, 256, 257, 1000, 1023})
        seconds.push_back(n);
    for (std::size_t first = 0; first <= 300; ++first) {
        for (std::size_t second : seconds) {
            Arc4 rc4(key);
            const Bytes a = rc4.process(Bytes(first));
            const Bytes b = rc4.process(Bytes(second));
            ASSERT_TRUE(std::equal(a.begin(), a.end(), reference.begin()))
                << "first call of " << first;
            ASSERT_TRUE(std::equal(b.begin(), b.end(), reference.begin() + long(first)))
                << "split " << first << " + " << second;
            Arc4 slow(key);
            slow.setFastPath(false);
            slow.process(Bytes(first + second));
            expectSameState(rc4, slow,
                            "split " + std::to_string(first) + " + " + std::to_string(second));
            if (HasFailure())
                return;
        }
    }
}

// Random chunk sizes, alternating paths, in place and out of place, against OpenSSL's RC4
// (legacy provider) on the whole message.
TEST(CryptoArc4FastPath, RandomChunksInPlaceVsOpenSsl)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (RC4) not found";
    wb::Rng rng(6229);
    for (int round = 0; round < 20; ++round) {
        const Bytes key = randomBytesFrom(rng, 1 + rng.below(256));
        const Bytes plain = randomBytesFrom(rng, 1 + rng.below(70000));
        const Bytes expected = ref::cipher("RC4", key, {}, plain, true);
        Arc4 rc4(key);
        Bytes inPlace = plain, outOfPlace(plain.size());
        Arc4 other(key);
        for (std::size_t at = 0; at < plain.size();) {
            const std::size_t n = std::min<std::size_t>(plain.size() - at, rng.below(5000));
            rc4.setFastPath(rng.below(4) != 0);
            rc4.process(std::span(inPlace).subspan(at, n), inPlace.data() + at);
            other.process(std::span(plain).subspan(at, n), outOfPlace.data() + at);
            at += n;
        }
        ASSERT_EQ(inPlace, expected) << "round " << round;
        ASSERT_EQ(outOfPlace, expected) << "round " << round;
    }
}
