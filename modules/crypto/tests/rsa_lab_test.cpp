// The RSA lab's state replayed from a trace: key generation counts what the sieve and
// Miller-Rabin threw out, every step of an exponentiation holds base^(exponent so far) mod n,
// the CRT recombination, OAEP's blocks and the malleated ciphertext match what the RSA
// functions compute, and each marker opens a separate operation.
#include "crypto/core/bigint.h"
#include "crypto/core/events.h"
#include "crypto/core/hash.h"
#include "crypto/core/rsa.h"
#include "crypto/core/rsa_lab.h"

#include "workbench/core/cursor.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::crypto;

namespace {

BigInt num(const Bytes &b)
{
    return BigInt::fromBytes(b);
}

// The tutorial's key, then encrypt 65, decrypt 2790 with CRT and malleate by 2, each behind
// its marker.
struct ToyRun
{
    wb::Trace trace;
    RsaPrivateKey key;
    std::size_t encryptAt = 0, decryptAt = 0, malleateAt = 0;

    ToyRun()
    {
        key = rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi, &trace);
        encryptAt = trace.size();
        wb::record(&trace, RsaLabOp{"encrypt"}, "encrypt m = 65");
        rsaPublicOp(key.publicKey(), 65, &trace);
        decryptAt = trace.size();
        wb::record(&trace, RsaLabOp{"decrypt"}, "decrypt c = 2790");
        rsaPrivateOp(key, 2790, &trace);
        malleateAt = trace.size();
        wb::record(&trace, RsaLabOp{"malleate"}, "malleate c = 2790, s = 2");
        malleate(key.publicKey(), 2790, 2, &trace);
    }
};

} // namespace

TEST(CryptoRsaLab, TutorialKeyNumbers)
{
    ToyRun run;
    wb::Replayer<RsaLabState> r(run.trace, {}, applyRsaEvent);
    EXPECT_FALSE(r.stateAt(0).key.known);
    const RsaLabState &s = r.stateAt(run.encryptAt);
    ASSERT_TRUE(s.key.known);
    EXPECT_EQ(num(s.key.p), BigInt(61));
    EXPECT_EQ(num(s.key.q), BigInt(53));
    EXPECT_EQ(num(s.key.n), BigInt(3233));
    EXPECT_EQ(num(s.key.phi), BigInt(3120));
    EXPECT_EQ(num(s.key.e), BigInt(17));
    EXPECT_EQ(num(s.key.d), BigInt(2753));
    EXPECT_EQ(num(s.key.d), run.key.d);
    EXPECT_EQ(s.key.exponent, "phi");
    EXPECT_TRUE(s.operations.empty());
}

TEST(CryptoRsaLab, EveryExponentiationStepHoldsBaseToTheExponentSoFar)
{
    ToyRun run;
    wb::Replayer<RsaLabState> r(run.trace, {}, applyRsaEvent);
    std::size_t steps = 0;
    for (std::size_t pos = run.encryptAt + 1; pos <= run.decryptAt; ++pos) {
        const RsaLabState &s = r.stateAt(pos);
        ASSERT_EQ(s.operations.size(), 1u);
        const ModexpStep *step = currentModexpStep(s);
        const auto &kind = run.trace.at(pos - 1).kind;
        const bool isStep =
            kind == events::ModexpSquare::kind || kind == events::ModexpMultiply::kind;
        ASSERT_EQ(step != nullptr, isStep) << "at " << pos;
        if (!step)
            continue;
        ++steps;
        const ModexpRun &m = s.operations[0].modexps.back();
        EXPECT_EQ(step->index, m.stepCount);
        EXPECT_EQ(num(step->value),
                  modPow(num(m.base), step->exponentSoFar, num(m.modulus), ExponentKind::Public))
            << "step " << step->index;
    }
    EXPECT_GT(steps, 2u);

    const RsaOperation &encrypt = r.stateAt(run.decryptAt).operations.at(0);
    EXPECT_EQ(encrypt.op, "encrypt");
    EXPECT_EQ(encrypt.title, "encrypt m = 65");
    ASSERT_EQ(encrypt.modexps.size(), 1u);
    const ModexpRun &m = encrypt.modexps[0];
    EXPECT_TRUE(m.done);
    EXPECT_FALSE(m.secret);
    EXPECT_EQ(m.recent.back().exponentSoFar, BigInt(17));
    EXPECT_EQ(m.stepCount, m.squarings + m.multiplications);
    EXPECT_LE(m.head.size(), 2u);
    EXPECT_EQ(num(encrypt.output), BigInt(2790));
    EXPECT_EQ(num(encrypt.output), rsaPublicOp(run.key.publicKey(), 65));
}

TEST(CryptoRsaLab, CrtDecryptionAndMalleability)
{
    ToyRun run;
    wb::Replayer<RsaLabState> r(run.trace, {}, applyRsaEvent);
    const RsaLabState &afterDecrypt = r.stateAt(run.malleateAt);
    ASSERT_EQ(afterDecrypt.operations.size(), 2u);
    EXPECT_TRUE(afterDecrypt.operations[0].finished);
    const RsaOperation &decrypt = afterDecrypt.operations[1];
    EXPECT_EQ(decrypt.op, "decrypt");
    ASSERT_TRUE(decrypt.crt);
    ASSERT_TRUE(decrypt.crtCombined);
    EXPECT_EQ(num(decrypt.crtInput), BigInt(2790));
    EXPECT_EQ(num(decrypt.dp), run.key.dP);
    EXPECT_EQ(num(decrypt.dq), run.key.dQ);
    EXPECT_EQ(num(decrypt.mp), modPow(BigInt(2790), run.key.dP, run.key.p));
    EXPECT_EQ(num(decrypt.mq), modPow(BigInt(2790), run.key.dQ, run.key.q));
    EXPECT_EQ(num(decrypt.output), BigInt(65));
    // The CRT halves are not the result; the re-encryption check may follow them.
    bool sawHalves = false;
    for (const ModexpRun &m : decrypt.modexps)
        sawHalves |= m.name == "crt_p" || m.name == "crt_q";
    EXPECT_TRUE(sawHalves);

    const RsaLabState &end = r.stateAt(run.trace.size());
    ASSERT_EQ(end.operations.size(), 3u);
    const RsaOperation &mall = end.operations[2];
    ASSERT_TRUE(mall.malleated);
    EXPECT_EQ(num(mall.c), BigInt(2790));
    EXPECT_EQ(num(mall.s), BigInt(2));
    EXPECT_EQ(num(mall.cPrime), malleate(run.key.publicKey(), 2790, 2));
    EXPECT_EQ(num(mall.output), num(mall.cPrime));
    EXPECT_EQ(rsaPrivateOp(run.key, num(mall.output)), BigInt(130));

    // Stepping back gives the earlier state again.
    EXPECT_EQ(r.stateAt(run.decryptAt).operations.size(), 1u);
}

TEST(CryptoRsaLab, KeyGenerationCountsCandidates)
{
    wb::Trace trace;
    const RsaPrivateKey key = generateRsaKey(256, &trace);
    wb::Replayer<RsaLabState> r(trace, {}, applyRsaEvent);
    const RsaLabState &s = r.stateAt(trace.size());
    EXPECT_EQ(s.bits, 256);
    EXPECT_EQ(num(s.e), BigInt(65537));
    ASSERT_TRUE(s.key.known);
    EXPECT_EQ(num(s.key.n), key.n);
    EXPECT_EQ(num(s.p.accepted) * num(s.q.accepted), key.n);
    std::int64_t candidates = 0;
    for (std::size_t i = 0; i < trace.size(); ++i)
        candidates += trace.at(i).kind == events::RsaCandidate::kind;
    EXPECT_EQ(s.p.tested + s.q.tested, candidates);
    for (const RsaPrimeSearch *search : {&s.p, &s.q})
        EXPECT_EQ(search->tested,
                  search->smallFactor + search->composite + search->eShares + 1); // + the prime
    ASSERT_FALSE(s.recentCandidates.empty());
    EXPECT_LE(s.recentCandidates.size(), RsaLabState::kRecentCandidates);
    const RsaCandidate &last = s.recentCandidates.back();
    EXPECT_EQ(last.result, "probable prime");
    EXPECT_EQ(last.roundsPassed, 64);
    EXPECT_FALSE(last.failedRound);

    // Part-way through the first Miller-Rabin test the candidate under test is shown.
    const auto round = trace.findNext(std::string(events::RsaMrRound::kind), 0);
    ASSERT_TRUE(round);
    const RsaLabState &testing = r.stateAt(*round + 1);
    EXPECT_FALSE(testing.testing.prime.empty());
    EXPECT_FALSE(testing.testing.lastBase.empty());
}

TEST(CryptoRsaLab, OaepAndPkcs1Blocks)
{
    const RsaPrivateKey key = generateRsaKey(1024);
    wb::Trace trace;
    wb::record(&trace, RsaLabOp{"oaep"}, "OAEP");
    const Bytes seed(32, 0x5c);
    const Bytes message{'a', 'b', 'c'};
    const Bytes ct = oaepEncryptWithSeed(key.publicKey(), message, seed, &trace);
    wb::record(&trace, RsaLabOp{"sign"}, "sign");
    const Bytes sig = pkcs1v15Sign(key, message, &trace);
    wb::Replayer<RsaLabState> r(trace, {}, applyRsaEvent);
    const RsaLabState &s = r.stateAt(trace.size());
    ASSERT_EQ(s.operations.size(), 2u);
    const RsaOperation &oaep = s.operations[0];
    ASSERT_TRUE(oaep.oaepEncoded);
    EXPECT_EQ(oaep.seed, seed);
    EXPECT_EQ(oaep.psLength, std::int64_t(key.publicKey().n.toBytes().size() - 66 - 3));
    EXPECT_EQ(num(oaep.output), num(ct));
    EXPECT_EQ(oaepDecrypt(key, ct), message);
    const RsaOperation &sign = s.operations[1];
    ASSERT_TRUE(sign.pkcs1Encoded);
    EXPECT_EQ(sign.digest, digest(HashAlg::Sha256, std::string_view("abc")));
    EXPECT_EQ(sign.em.size(), ct.size());
    EXPECT_EQ(num(sign.output), num(sig));
}

TEST(CryptoRsaLab, StepsWithoutTheirBeginAreIgnored)
{
    wb::Trace trace;
    wb::record(&trace, events::ModexpSquare{"public", 1, Bytes{4}}, "square");
    wb::record(&trace, events::ModexpEnd{"public", Bytes{4}, 1, 0}, "end");
    wb::Replayer<RsaLabState> r(trace, {}, applyRsaEvent);
    const RsaLabState &s = r.stateAt(trace.size());
    ASSERT_EQ(s.operations.size(), 1u);
    EXPECT_TRUE(s.operations[0].modexps.empty());
    EXPECT_TRUE(s.operations[0].output.empty());
    EXPECT_EQ(currentModexpStep(s), nullptr);
}

namespace {

// A part's run as the lab records it: its marker, then what `body` records.
template <typename F> std::unique_ptr<wb::Trace> labRun(RsaLabPart part, F body)
{
    auto run = std::make_unique<wb::Trace>();
    wb::record(run.get(), RsaLabPartBegin{std::string(rsaLabPartName(part)), 12}, "part");
    body(run.get());
    return run;
}

} // namespace

TEST(CryptoRsaLab, OneTraceHoldsEveryPartAndARunReplacesItsPart)
{
    const RsaPrivateKey key = rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi);
    const auto keyRun = labRun(RsaLabPart::KeyGen, [](wb::Trace *t) {
        rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi, t);
    });
    const auto encrypt = [&](int m) {
        return labRun(RsaLabPart::Modexp, [&](wb::Trace *t) {
            wb::record(t, RsaLabOp{"encrypt"}, "encrypt");
            rsaPublicOp(key.publicKey(), m, t);
        });
    };
    const auto mall = labRun(RsaLabPart::Malleate, [&](wb::Trace *t) {
        wb::record(t, RsaLabOp{"malleate"}, "malleate");
        malleate(key.publicKey(), 2790, 2, t);
    });
    auto lab = withRsaLabRun(wb::Trace(), *keyRun);
    lab = withRsaLabRun(*lab, *encrypt(65));
    lab = withRsaLabRun(*lab, *mall);
    auto spans = rsaLabSpans(*lab);
    ASSERT_EQ(spans.size(), 3u);
    EXPECT_EQ(spans[0].part, RsaLabPart::KeyGen);
    EXPECT_EQ(spans[0].begin, 0u);
    EXPECT_EQ(spans[1].part, RsaLabPart::Modexp);
    EXPECT_EQ(spans[2].part, RsaLabPart::Malleate);
    EXPECT_EQ(spans[2].end, lab->size());
    EXPECT_EQ(spans[0].end, keyRun->size());

    // The state at each part's end: the part's own operations, the key from the first part.
    wb::Replayer<RsaLabState> r(*lab, {}, applyRsaEvent);
    const RsaLabState &atModexp = r.stateAt(spans[1].end);
    EXPECT_EQ(atModexp.part, RsaLabPart::Modexp);
    EXPECT_EQ(atModexp.partKeyBits, 12);
    ASSERT_EQ(atModexp.operations.size(), 1u);
    EXPECT_EQ(num(atModexp.operations[0].output), BigInt(2790));
    EXPECT_TRUE(atModexp.key.known);
    const RsaLabState &atEnd = r.stateAt(lab->size());
    EXPECT_EQ(atEnd.part, RsaLabPart::Malleate);
    ASSERT_EQ(atEnd.operations.size(), 1u);
    EXPECT_EQ(atEnd.operations[0].op, "malleate");
    EXPECT_EQ(num(atEnd.key.n), BigInt(3233));
    EXPECT_EQ(r.stateAt(0).part, RsaLabPart::KeyGen);

    // Running a part again takes its old run out and puts the new one last; times go on.
    lab = withRsaLabRun(*lab, *encrypt(66));
    spans = rsaLabSpans(*lab);
    ASSERT_EQ(spans.size(), 3u);
    EXPECT_EQ(spans[1].part, RsaLabPart::Malleate);
    EXPECT_EQ(spans[2].part, RsaLabPart::Modexp);
    for (std::size_t i = 1; i < lab->size(); ++i) {
        EXPECT_EQ(lab->at(i).seq, i);
        EXPECT_GE(lab->at(i).tNs, lab->at(i - 1).tNs);
    }
    wb::Replayer<RsaLabState> again(*lab, {}, applyRsaEvent);
    EXPECT_EQ(num(again.stateAt(lab->size()).operations.at(0).modexps.at(0).base), BigInt(66));
    ASSERT_TRUE(rsaLabSpan(spans, RsaLabPart::Modexp));
    EXPECT_FALSE(rsaLabSpan(spans, RsaLabPart::Padding));

    // A part taken out; a new key starts a new lab.
    EXPECT_EQ(rsaLabSpans(*withoutRsaLabPart(*lab, RsaLabPart::Malleate)).size(), 2u);
    const auto fresh = withRsaLabRun(*lab, *keyRun);
    EXPECT_EQ(fresh->size(), keyRun->size());
    wb::Replayer<RsaLabState> replay(*fresh, {}, applyRsaEvent);
    EXPECT_TRUE(replay.stateAt(fresh->size()).operations.empty());
}

TEST(CryptoRsaLab, PartNamesRoundTrip)
{
    for (std::size_t i = 0; i < kRsaLabParts; ++i)
        EXPECT_EQ(rsaLabPartNamed(rsaLabPartName(RsaLabPart(i))), RsaLabPart(i));
    EXPECT_FALSE(rsaLabPartNamed("keys"));
    // Events before any marker count as the key's part.
    wb::Trace t;
    rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi, &t);
    const auto spans = rsaLabSpans(t);
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].part, RsaLabPart::KeyGen);
    EXPECT_EQ(spans[0].end, t.size());
    EXPECT_TRUE(rsaLabSpans(wb::Trace()).empty());
}
