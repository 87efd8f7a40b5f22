// MD4 (RFC 1320): three rounds of 16 steps over a 512-bit block, state A, B, C, D.
#include "hash_blocks.h"

namespace wb::crypto::detail {
namespace {

// Message word order per round: round 2 walks columns of the 4x4 word grid, round 3 uses
// the bit-reversed order.
constexpr int kWord[3][16] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                              {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15},
                              {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15}};
constexpr int kRotation[3][4] = {{3, 7, 11, 19}, {3, 5, 9, 13}, {3, 9, 11, 15}};
// Round constants: 0, floor(2^30 * sqrt(2)), floor(2^30 * sqrt(3)).
constexpr std::uint32_t kRoundConstant[3] = {0, 0x5a827999, 0x6ed9eba1};

template <bool Traced>
void compress(std::uint32_t *h, const std::uint8_t *block, std::uint64_t index, wb::Trace *trace)
{
    std::uint32_t x[16];
    loadBlockWords<std::endian::little>(x, block);
    if constexpr (Traced)
        recordBlock(std::source_location::current(), trace, "md4", index, block,
                    "md4 words X[0..15] (little-endian)", x, 16);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    // Same register rotation as MD5: each step makes a new b from a; a <- d, d <- c, c <- b.
    // Unlike MD5, MD4 does not add b after the rotation.
#pragma GCC unroll 48
    for (int i = 0; i < 48; ++i) {
        const int round = i / 16;
        std::uint32_t f;
        switch (round) {
        case 0:
            f = (b & c) | (~b & d);
            break; // F: selection
        case 1:
            f = (b & c) | (b & d) | (c & d);
            break; // G: majority
        default:
            f = b ^ c ^ d;
            break; // H: parity
        }
        const std::uint32_t next = std::rotl(
            a + f + x[kWord[round][i % 16]] + kRoundConstant[round], kRotation[round][i % 4]);
        a = d;
        d = c;
        c = b;
        b = next;
        if constexpr (Traced) {
            const std::uint32_t regs[4] = {a, b, c, d};
            recordStep(std::source_location::current(), trace, "md4", index, round + 1, i,
                       kWord[round][i % 16], regs, 4);
        }
    }
    feedForward(h, {a, b, c, d});
    if constexpr (Traced)
        recordState(std::source_location::current(), trace, "md4", index, h, 4);
}

} // namespace

void md4Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
               std::uint64_t firstIndex, wb::Trace *trace)
{
    forEachBlock<64>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
        compress<traced.value>(h, block, index, trace);
    });
}

} // namespace wb::crypto::detail
