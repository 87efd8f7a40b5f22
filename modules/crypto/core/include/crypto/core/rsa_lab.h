#pragma once
// The RSA lab's "state at the cursor", rebuilt from trace events alone (wb::Replayer with
// applyRsaEvent), so every section of the lab can step back without re-running anything.
//
// It reads the RSA core's events (events::RsaEvents: rsa_keygen_begin, rsa_candidate,
// rsa_mr_round, rsa_key, rsa_crt_*, oaep_encode, pkcs1_encode, rsa_malleate, modexp_*) plus
// two events of the lab's own: RsaLabOp ("rsa_lab_op"), recorded before each operation the lab
// runs, so that two encryptions of the same message land in two separate RsaOperation, and
// RsaLabPartBegin ("rsa_lab_part"), recorded before each part of the lab (the key, the
// exponentiations, the padding, the malleability), so that one trace holds the whole lab:
//
//     [keygen: the key's events] [modexp: encrypt, decrypt] [malleate: encrypt, malleate, ...]
//
// The key always comes first (every other part uses it); the other parts follow in the order
// they were last run (withRsaLabRun).
//
//     wb::Trace t;
//     wb::record(&t, RsaLabOp{"encrypt"}, "encrypt m = 65");
//     rsaPublicOp(toy.publicKey(), 65, &t);
//     wb::Replayer<RsaLabState> r(t, {}, applyRsaEvent);
//     r.stateAt(t.size()).operations[0].output        // 2790 as big-endian bytes

#include "crypto/core/bigint.h"
#include "workbench/core/typed_event.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace wb::crypto {

// The lab's marker before each operation it runs; `op` names it ("encrypt", "oaep", ...).
struct RsaLabOp
{
    static constexpr std::string_view kind = "rsa_lab_op";
    std::string op;
    static constexpr auto fields() { return std::tuple{wb::field("op", &RsaLabOp::op)}; }
};

// The parts of the lab, in the order of its tabs.
enum class RsaLabPart { KeyGen, Modexp, Padding, Malleate };
inline constexpr std::size_t kRsaLabParts = 4;
// "keygen", "modexp", "padding", "malleate": the names in the trace and in recordings.
std::string_view rsaLabPartName(RsaLabPart part);
std::optional<RsaLabPart> rsaLabPartNamed(std::string_view name);

// The lab's marker before each part: the part, and the size in bits of the key its
// operations use (the padding part uses a key of its own when the lab's key is a toy).
struct RsaLabPartBegin
{
    static constexpr std::string_view kind = "rsa_lab_part";
    std::string part;
    std::int64_t keyBits = 0;
    static constexpr auto fields()
    {
        return std::tuple{wb::field("part", &RsaLabPartBegin::part),
                          wb::field("key_bits", &RsaLabPartBegin::keyBits)};
    }
};

// One prime candidate of key generation and what rejected (or accepted) it.
struct RsaCandidate
{
    std::string prime;        // "p" or "q"
    std::int64_t index = 0;   // 1, 2, ... per prime
    Bytes value;              // big-endian
    std::string result;       // "small factor", "composite", "probable prime", ...
    std::uint64_t factor = 0; // the small prime that divides it, when the sieve caught it
    int roundsPassed = 0;     // Miller-Rabin rounds passed before the verdict
    bool failedRound = false; // a Miller-Rabin round found a witness
    Bytes lastBase;           // the random base of the latest Miller-Rabin round
};

// The numbers of the finished key (rsa_key), big-endian.
struct RsaKeyNumbers
{
    Bytes p, q, n, phi, lambda, e, d, dp, dq, qinv;
    std::int64_t bits = 0;
    std::string exponent; // "lambda" or "phi": the modulus d inverts e in
    bool known = false;
};

// One square or multiply of an exponentiation. The accumulator always holds
// base^exponentSoFar mod modulus: squaring doubles exponentSoFar, multiplying by the table
// entry base^digit adds digit.
struct ModexpStep
{
    std::size_t index = 0; // 1-based, in the order the exponentiation did them
    bool square = false;
    std::uint64_t digit = 0;
    Bytes value;
    BigInt exponentSoFar;
};

struct ModexpRun
{
    std::string name; // "public", "private", "crt_p", "crt_q"
    Bytes base, exponent, modulus;
    int window = 1;
    bool secret = false;
    // A 2048-bit CRT half takes over a thousand steps: the state keeps the first two and the
    // latest kRecentSteps, so copies of it stay small whatever the key size.
    static constexpr std::size_t kRecentSteps = 16;
    std::vector<ModexpStep> head, recent;
    std::size_t stepCount = 0;
    std::uint64_t squarings = 0, multiplications = 0;
    Bytes result;
    bool done = false;
};

// One operation a tab runs: its exponentiations and, depending on the operation, the CRT
// recombination, the padding blocks or the malleated ciphertext.
struct RsaOperation
{
    std::string op;    // the lab's name for it: "encrypt", "oaep", "sign", ...
    std::string title; // the marker event's label
    std::vector<ModexpRun> modexps;
    bool crt = false, crtCombined = false;
    Bytes crtInput, dp, dq, mp, mq, h;
    // oaep_encode
    bool oaepEncoded = false;
    std::int64_t psLength = 0;
    Bytes lhash, db, seed, dbMask, maskedDb, seedMask, maskedSeed, em;
    // pkcs1_encode (em above holds the PKCS#1 block)
    bool pkcs1Encoded = false;
    Bytes digest, digestInfo;
    // rsa_malleate
    bool malleated = false;
    Bytes c, s, cPrime;
    // The operation's result so far: the last finished top-level exponentiation, the CRT
    // recombination or the malleated ciphertext; empty until one of them happened.
    Bytes output;
    bool finished = false;
};

// Per prime: how many candidates each test threw out.
struct RsaPrimeSearch
{
    std::int64_t tested = 0, smallFactor = 0, composite = 0, eShares = 0;
    Bytes accepted; // the probable prime, once found
};

struct RsaLabState
{
    // Key generation. A 4096-bit search tests hundreds of candidates; the state keeps the
    // counts and the latest kRecentCandidates.
    static constexpr std::size_t kRecentCandidates = 12;
    std::int64_t bits = 0;
    Bytes e;
    RsaPrimeSearch p, q;
    std::vector<RsaCandidate> recentCandidates;
    RsaCandidate testing; // the candidate whose Miller-Rabin rounds are under way
    RsaKeyNumbers key;
    // The part the cursor is in (KeyGen before any marker) and the bits of its key.
    RsaLabPart part = RsaLabPart::KeyGen;
    std::int64_t partKeyBits = 0;
    // The operations of that part, in order (a part's marker starts them afresh).
    std::vector<RsaOperation> operations;
    std::string lastKind; // kind of the event applied last
};

void applyRsaEvent(RsaLabState &state, const wb::Event &event);

// Where each part lies in a lab trace: events [begin, end), the marker first. Events before
// the first marker count as a key part starting at 0; a marker that does not decode, or names
// no part, counts as an ordinary event.
struct RsaLabSpan
{
    RsaLabPart part = RsaLabPart::KeyGen;
    std::size_t begin = 0, end = 0;
};
std::vector<RsaLabSpan> rsaLabSpans(const wb::Trace &trace);
// The span of `part`, if the trace has one (the latest, should there be two).
std::optional<RsaLabSpan> rsaLabSpan(const std::vector<RsaLabSpan> &spans, RsaLabPart part);

// A new lab trace: `lab` with the part `run` belongs to taken out and `run` appended (`run`
// begins with its RsaLabPartBegin). A run of the key starts a new lab: the other parts used
// the old key, so nothing of `lab` is kept. Each copied part keeps the times between its
// events and follows the part before it.
std::shared_ptr<wb::Trace> withRsaLabRun(const wb::Trace &lab, const wb::Trace &run);
// `lab` without `part`.
std::shared_ptr<wb::Trace> withoutRsaLabPart(const wb::Trace &lab, RsaLabPart part);

// The step applied last when the cursor sits inside an exponentiation, else null.
const ModexpStep *currentModexpStep(const RsaLabState &state);

} // namespace wb::crypto
