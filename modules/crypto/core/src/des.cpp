// DES and Triple-DES. The tables below are the standard's (FIPS 46-3); the fast lookup
// tables are derived from them at start-up, so the standard's tables stay the one source.
#include "crypto/core/des.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <bit>
#include <string>
#include <utility>

namespace wb::crypto {
namespace {

// ---------------------------------------------------------------------------------------
// The standard's tables: entries are 1-based bit positions, bit 1 the most significant.
// ---------------------------------------------------------------------------------------

// clang-format off
constexpr std::uint8_t kInitialPermutation[64] = {
    58, 50, 42, 34, 26, 18, 10,  2,
    60, 52, 44, 36, 28, 20, 12,  4,
    62, 54, 46, 38, 30, 22, 14,  6,
    64, 56, 48, 40, 32, 24, 16,  8,
    57, 49, 41, 33, 25, 17,  9,  1,
    59, 51, 43, 35, 27, 19, 11,  3,
    61, 53, 45, 37, 29, 21, 13,  5,
    63, 55, 47, 39, 31, 23, 15,  7};

// The inverse of the initial permutation.
constexpr std::uint8_t kFinalPermutation[64] = {
    40,  8, 48, 16, 56, 24, 64, 32,
    39,  7, 47, 15, 55, 23, 63, 31,
    38,  6, 46, 14, 54, 22, 62, 30,
    37,  5, 45, 13, 53, 21, 61, 29,
    36,  4, 44, 12, 52, 20, 60, 28,
    35,  3, 43, 11, 51, 19, 59, 27,
    34,  2, 42, 10, 50, 18, 58, 26,
    33,  1, 41,  9, 49, 17, 57, 25};

// E: 32 -> 48 bits; each S-box sees four bits of R plus one neighbour on either side.
constexpr std::uint8_t kExpansion[48] = {
    32,  1,  2,  3,  4,  5,
     4,  5,  6,  7,  8,  9,
     8,  9, 10, 11, 12, 13,
    12, 13, 14, 15, 16, 17,
    16, 17, 18, 19, 20, 21,
    20, 21, 22, 23, 24, 25,
    24, 25, 26, 27, 28, 29,
    28, 29, 30, 31, 32,  1};

constexpr std::uint8_t kPermutation[32] = {
    16,  7, 20, 21,
    29, 12, 28, 17,
     1, 15, 23, 26,
     5, 18, 31, 10,
     2,  8, 24, 14,
    32, 27,  3,  9,
    19, 13, 30,  6,
    22, 11,  4, 25};

// PC-1 drops the eight parity bits (8, 16, ..., 64) and splits the key into C and D.
constexpr std::uint8_t kPermutedChoice1[56] = {
    57, 49, 41, 33, 25, 17,  9,
     1, 58, 50, 42, 34, 26, 18,
    10,  2, 59, 51, 43, 35, 27,
    19, 11,  3, 60, 52, 44, 36,
    63, 55, 47, 39, 31, 23, 15,
     7, 62, 54, 46, 38, 30, 22,
    14,  6, 61, 53, 45, 37, 29,
    21, 13,  5, 28, 20, 12,  4};

constexpr std::uint8_t kPermutedChoice2[48] = {
    14, 17, 11, 24,  1,  5,
     3, 28, 15,  6, 21, 10,
    23, 19, 12,  4, 26,  8,
    16,  7, 27, 20, 13,  2,
    41, 52, 31, 37, 47, 55,
    30, 40, 51, 45, 33, 48,
    44, 49, 39, 56, 34, 53,
    46, 42, 50, 36, 29, 32};
// clang-format on

// Left rotations of C and D per round: 28 in total, so C16 = C0 and D16 = D0.
constexpr int kKeyShifts[16] = {1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1};

// S-boxes: 6 bits in, 4 out; row = outer bits (b1 b6), column = inner bits (b2..b5).
constexpr std::uint8_t kSBox[8][4][16] = {
    {{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7},
     {0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8},
     {4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0},
     {15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13}},
    {{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10},
     {3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5},
     {0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15},
     {13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9}},
    {{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8},
     {13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1},
     {13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7},
     {1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12}},
    {{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15},
     {13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9},
     {10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4},
     {3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14}},
    {{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9},
     {14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6},
     {4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14},
     {11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3}},
    {{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11},
     {10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8},
     {9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6},
     {4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13}},
    {{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1},
     {13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6},
     {1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2},
     {6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12}},
    {{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7},
     {1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2},
     {7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8},
     {2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11}}};

// desRounds realises E with two rotations of R; this proves the table and that shortcut agree:
// entry j of S-box i's six is bit 4i + j - 1 of R (1-based, wrapping).
constexpr bool expansionIsRotation()
{
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 6; ++j)
            if (kExpansion[6 * i + j] != (4 * i + j + 31) % 32 + 1)
                return false;
    return true;
}
static_assert(expansionIsRotation());

// out = the bits of `in` (inBits wide) picked in table order, first entry most significant.
std::uint64_t permute(std::uint64_t in, const std::uint8_t *table, int outBits, int inBits)
{
    std::uint64_t out = 0;
    for (int k = 0; k < outBits; ++k)
        out = (out << 1) | ((in >> (inBits - table[k])) & 1);
    return out;
}

int sBoxLookup(int box, std::uint32_t six)
{
    return kSBox[box][((six >> 4) & 2) | (six & 1)][(six >> 1) & 15];
}

// ---------------------------------------------------------------------------------------
// Derived lookup tables (the fast path; equal to the tables above by construction)
// ---------------------------------------------------------------------------------------

// A 64-bit permutation as eight byte lookups: 8 x 256 entries, 16 KiB.
struct BytePermutation
{
    std::uint64_t part[8][256];
    explicit BytePermutation(const std::uint8_t *table)
    {
        for (int b = 0; b < 8; ++b)
            for (int v = 0; v < 256; ++v)
                part[b][v] = permute(std::uint64_t(v) << (56 - 8 * b), table, 64, 64);
    }
    std::uint64_t operator()(std::uint64_t x) const
    {
        std::uint64_t out = 0;
        for (int b = 0; b < 8; ++b)
            out |= part[b][(x >> (56 - 8 * b)) & 0xff];
        return out;
    }
};

// S-box i followed by P, for each 6-bit input: f(R, K) = OR of eight lookups.
struct SpBoxes
{
    std::uint32_t box[8][64];
    SpBoxes()
    {
        for (int i = 0; i < 8; ++i)
            for (std::uint32_t six = 0; six < 64; ++six)
                box[i][six] = std::uint32_t(permute(
                    std::uint64_t(sBoxLookup(i, six)) << (28 - 4 * i), kPermutation, 32, 32));
    }
};

const BytePermutation kIp(kInitialPermutation);
const BytePermutation kFp(kFinalPermutation);
const SpBoxes kSp;

// The sixteen rounds on the halves (l, r) as they come out of IP; on return l = L16, r = R16.
//
// S-box i reads bits 4i .. 4i+5 of R (1-based, wrapping 0 -> 32, 33 -> 1): that is E. In
// y = R rotated right by 1 the windows of boxes 0, 2, 4, 6 sit at bits 26, 18, 10, 2 and in
// y rotated right by 4 more those of boxes 7, 1, 3, 5 do. Neither set overlaps, so one XOR
// per set applies the subkey (pre-arranged the same way) and E costs two rotations.
template <bool Traced>
void desRounds(std::uint32_t &l, std::uint32_t &r, const std::uint64_t *subkeys,
               const std::uint32_t *keyEven, const std::uint32_t *keyOdd, bool decrypt, int stage,
               wb::Trace *trace)
{
    const auto &sp = kSp.box;
    for (int round = 0; round < 16; ++round) {
        const int k = decrypt ? 15 - round : round;
        const std::uint32_t y = std::rotr(r, 1);
        const std::uint32_t u = y ^ keyEven[k];
        const std::uint32_t t = std::rotr(y, 4) ^ keyOdd[k];
        const std::uint32_t f = sp[0][u >> 26] | sp[2][(u >> 18) & 63] | sp[4][(u >> 10) & 63] |
                                sp[6][(u >> 2) & 63] | sp[7][t >> 26] | sp[1][(t >> 18) & 63] |
                                sp[3][(t >> 10) & 63] | sp[5][(t >> 2) & 63];
        const std::uint32_t nextR = l ^ f;
        if constexpr (Traced) {
            const std::uint32_t boxInput[8] = {u >> 26,        (t >> 18) & 63, (u >> 18) & 63,
                                               (t >> 10) & 63, (u >> 10) & 63, (t >> 2) & 63,
                                               (u >> 2) & 63,  t >> 26};
            std::uint64_t xored = 0;
            std::vector<std::int64_t> sbox(8);
            for (int i = 0; i < 8; ++i) {
                xored = xored << 6 | boxInput[i];
                sbox[i] = sBoxLookup(i, boxInput[i]);
            }
            wb::record(trace,
                       events::DesRound{stage, round + 1, r, nextR, subkeys[k], xored ^ subkeys[k],
                                        xored, std::move(sbox), f},
                       "DES round " + std::to_string(round + 1));
        }
        l = r;
        r = nextR;
    }
}

// One full DES pass: IP, sixteen rounds, swap, FP.
template <bool Traced>
std::uint64_t desCore(const std::uint64_t *subkeys, const std::uint32_t *keyEven,
                      const std::uint32_t *keyOdd, std::uint64_t block, bool decrypt, int stage,
                      wb::Trace *trace)
{
    const std::uint64_t permuted = kIp(block);
    std::uint32_t l = std::uint32_t(permuted >> 32), r = std::uint32_t(permuted);
    if constexpr (Traced)
        wb::record(trace, events::DesIp{stage, block, permuted, l, r}, "DES initial permutation");
    desRounds<Traced>(l, r, subkeys, keyEven, keyOdd, decrypt, stage, trace);
    // The halves are swapped once more before FP: the preoutput is R16 L16.
    const std::uint64_t preoutput = std::uint64_t(r) << 32 | l;
    const std::uint64_t out = kFp(preoutput);
    if constexpr (Traced)
        wb::record(trace, events::DesFp{stage, preoutput, out}, "DES final permutation");
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Key schedule
// ---------------------------------------------------------------------------------------

DesCipher::Schedule DesCipher::makeSchedule(std::uint64_t key, int stage, wb::Trace *trace)
{
    Schedule s;
    const std::uint64_t cd = permute(key, kPermutedChoice1, 56, 64);
    std::uint32_t c = std::uint32_t(cd >> 28) & 0x0fffffff, d = std::uint32_t(cd) & 0x0fffffff;
    auto rotate28 = [](std::uint32_t x, int n) {
        return ((x << n) | (x >> (28 - n))) & 0x0fffffff;
    };
    for (int round = 0; round < 16; ++round) {
        c = rotate28(c, kKeyShifts[round]);
        d = rotate28(d, kKeyShifts[round]);
        const std::uint64_t k = permute(std::uint64_t(c) << 28 | d, kPermutedChoice2, 48, 56);
        s.subkeys[round] = k;
        auto chunk = [k](int i) {
            return std::uint32_t(k >> (42 - 6 * i)) & 0x3f;
        };
        s.keyEven[round] = chunk(0) << 26 | chunk(2) << 18 | chunk(4) << 10 | chunk(6) << 2;
        s.keyOdd[round] = chunk(7) << 26 | chunk(1) << 18 | chunk(3) << 10 | chunk(5) << 2;
        if (trace)
            wb::record(trace, events::DesSubkey{stage, round + 1, c, d, k},
                       "DES subkey " + std::to_string(round + 1));
    }
    return s;
}

DesCipher DesCipher::des(std::span<const std::uint8_t> key, wb::Trace *trace)
{
    if (key.size() != 8)
        throw CryptoError("DES needs an 8-byte key (16 hex digits), got " +
                          std::to_string(key.size()) + " bytes");
    DesCipher cipher;
    cipher.m_schedule[0] = makeSchedule(loadBlock(key.data()), 0, trace);
    cipher.m_stages = 1;
    return cipher;
}

DesCipher DesCipher::tripleDes(std::span<const std::uint8_t> key, wb::Trace *trace)
{
    if (key.size() != 16 && key.size() != 24)
        throw CryptoError("Triple-DES needs a 16- or 24-byte key (32 or 48 hex digits), got " +
                          std::to_string(key.size()) + " bytes");
    DesCipher cipher;
    cipher.m_schedule[0] = makeSchedule(loadBlock(key.data()), 1, trace);
    cipher.m_schedule[1] = makeSchedule(loadBlock(key.data() + 8), 2, trace);
    // 2-key Triple-DES reuses K1 as K3.
    cipher.m_schedule[2] = key.size() == 24 ? makeSchedule(loadBlock(key.data() + 16), 3, trace)
                                            : cipher.m_schedule[0];
    cipher.m_stages = 3;
    return cipher;
}

// ---------------------------------------------------------------------------------------
// Block operations
// ---------------------------------------------------------------------------------------

std::uint64_t DesCipher::runStage(int key, bool decrypt, int stage, std::uint64_t block,
                                  wb::Trace *trace) const
{
    const Schedule &s = m_schedule[key];
    return trace
               ? desCore<true>(s.subkeys.data(), s.keyEven, s.keyOdd, block, decrypt, stage, trace)
               : desCore<false>(s.subkeys.data(), s.keyEven, s.keyOdd, block, decrypt, stage,
                                nullptr);
}

// Untraced Triple-DES: FP of one pass followed by IP of the next is the identity, so IP
// and FP run once and the passes meet on the swapped halves.
std::uint64_t DesCipher::tripleFast(std::uint64_t block, bool decrypt) const
{
    const std::uint64_t permuted = kIp(block);
    std::uint32_t l = std::uint32_t(permuted >> 32), r = std::uint32_t(permuted);
    const int order[3] = {decrypt ? 2 : 0, 1, decrypt ? 0 : 2};
    for (int pass = 0; pass < 3; ++pass) {
        const Schedule &s = m_schedule[order[pass]];
        const bool inverse = (pass == 1) != decrypt; // E-D-E, or D-E-D to decrypt
        desRounds<false>(l, r, s.subkeys.data(), s.keyEven, s.keyOdd, inverse, 0, nullptr);
        std::swap(l, r);
    }
    return kFp(std::uint64_t(l) << 32 | r);
}

std::uint64_t DesCipher::encryptBlock(std::uint64_t block, wb::Trace *trace) const
{
    if (m_stages == 1)
        return runStage(0, false, 0, block, trace);
    if (!trace)
        return tripleFast(block, false);
    return runStage(2, false, 3, runStage(1, true, 2, runStage(0, false, 1, block, trace), trace),
                    trace); // E-D-E
}

std::uint64_t DesCipher::decryptBlock(std::uint64_t block, wb::Trace *trace) const
{
    if (m_stages == 1)
        return runStage(0, true, 0, block, trace);
    if (!trace)
        return tripleFast(block, true);
    return runStage(0, true, 1, runStage(1, false, 2, runStage(2, true, 3, block, trace), trace),
                    trace); // D-E-D
}

std::uint64_t loadBlock(const std::uint8_t *p)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = v << 8 | p[i];
    return v;
}

void storeBlock(std::uint8_t *p, std::uint64_t block)
{
    for (int i = 0; i < 8; ++i)
        p[i] = std::uint8_t(block >> (56 - 8 * i));
}

} // namespace wb::crypto
