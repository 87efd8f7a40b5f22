// The views' state at the cursor: replaying a whole trace gives what the core computed, and
// replaying backwards (through snapshots) gives the same state as replaying forwards.
#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/hash.h"
#include "crypto/core/replay.h"

#include "workbench/core/cursor.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::crypto;

TEST(CryptoReplay, HashReplayEndsWithTheDigestAndChainingValue)
{
    for (HashAlg alg : kAllHashAlgs) {
        const std::string msg(100, 'x'); // two blocks for every algorithm
        wb::Trace t;
        const Bytes d = digest(alg, msg, &t);
        wb::Replayer<HashReplayState> r(t, {}, applyHashEvent, 16);
        const auto &end = r.stateAt(t.size());
        EXPECT_EQ(end.digest, d) << hashName(alg);
        EXPECT_FALSE(end.padding.empty());
        EXPECT_EQ(end.messageBits, 800u);
        if (alg != HashAlg::Md2) {
            EXPECT_EQ(end.blockIndex, 1);
            EXPECT_EQ(end.lengthField.size(), 8u);
        }
    }
}

TEST(CryptoReplay, Md5StepRegistersAndFreshRegisterForAbc)
{
    wb::Trace t;
    digest(HashAlg::Md5, "abc", &t);
    wb::Replayer<HashReplayState> r(t, {}, applyHashEvent, 8);
    const auto first = t.findNext("step", 0);
    ASSERT_TRUE(first);
    const auto &s = r.stateAt(*first + 1);
    EXPECT_EQ(s.step, 0);
    EXPECT_EQ(s.word, 0);
    ASSERT_EQ(s.registers.size(), 4u);
    // Step 0 computes a new b; a, c, d are the initial d, b, c shifted along.
    EXPECT_EQ(s.fresh, (std::vector<bool>{false, true, false, false}));
    EXPECT_EQ(s.registers[0], 0x10325476u);
    EXPECT_EQ(s.registers[2], 0xefcdab89u);
    // The padded block of the brief: 61 62 63 80, zeros, 18 00 .. 00.
    EXPECT_EQ(s.block.size(), 64u);
    EXPECT_EQ(s.block[3], 0x80);
    EXPECT_EQ(s.block[56], 0x18);
    // Back after forward: the same state as a fresh forward replay.
    const auto &end = r.stateAt(t.size());
    EXPECT_EQ(toHex(end.digest), "900150983cd24fb0d6963f7d28e17f72");
    const auto again = r.stateAt(*first + 1);
    EXPECT_EQ(again.registers, s.registers);
}

TEST(CryptoReplay, DesReplayGivesTheBriefCiphertext)
{
    wb::Trace t;
    auto des = DesCipher::des(asBytes("01234567"), &t);
    const std::uint64_t c = des.encryptBlock(0x6162636465666768, &t);
    EXPECT_EQ(c, 0xecc29ed95d2061d0u);
    wb::Replayer<DesReplayState> r(t, {}, applyDesEvent, 4);
    const auto &end = r.stateAt(t.size());
    EXPECT_TRUE(end.done);
    EXPECT_EQ(end.output, c);
    EXPECT_EQ(end.round, 16);
    ASSERT_EQ(end.subkeys.size(), 16u);
    EXPECT_EQ(end.subkeys[0], des.subkeys()[0]);
    EXPECT_EQ(end.sbox.size(), 8u);
    const auto round1 = t.findNext("des_round", 0);
    const auto &s1 = r.stateAt(*round1 + 1);
    EXPECT_EQ(s1.round, 1);
    EXPECT_EQ(s1.l, s1.previousR); // L1 = R0
    EXPECT_EQ(s1.r, s1.previousL ^ s1.f);
}

TEST(CryptoReplay, Arc4ReplayGivesTheBriefKeystreamAndFinalState)
{
    wb::Trace t;
    Arc4 rc4(asBytes("01234567"), &t);
    const Bytes c = rc4.process(asBytes("abcdefghijklmnop"));
    wb::Replayer<Arc4ReplayState> r(t, {}, applyArc4Event, 32);
    const auto &end = r.stateAt(t.size());
    EXPECT_EQ(toHex(end.out), "f0b7907b234142585939d0369fc08c20");
    EXPECT_EQ(end.out, c);
    EXPECT_EQ(end.s, Bytes(rc4.state().begin(), rc4.state().end()));
    EXPECT_EQ(end.i, rc4.i());
    EXPECT_EQ(end.j, rc4.j());
    const auto &start = r.stateAt(0);
    EXPECT_EQ(start.phase, Arc4ReplayState::Phase::Start);
    const auto &ksa = r.stateAt(256);
    EXPECT_EQ(ksa.phase, Arc4ReplayState::Phase::KeySchedule);
    EXPECT_TRUE(ksa.keystream.empty());
}

TEST(CryptoReplay, AvalancheStartsSmallAndEndsNearHalf)
{
    const auto diffs = avalancheByStep(HashAlg::Sha256, asBytes("abc"), 0);
    ASSERT_EQ(diffs.size(), 64u);
    EXPECT_LE(diffs.front(), 4); // one flipped word bit reaches a and e only
    EXPECT_GT(diffs.back(), 80); // about 128 of 256 bits after 64 steps
    EXPECT_LT(diffs.back(), 176);
    EXPECT_THROW(avalancheByStep(HashAlg::Md5, asBytes("abc"), 24), CryptoError);
}
