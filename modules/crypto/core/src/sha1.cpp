// SHA-1 (FIPS 180-4 section 6.1): 80 steps in four rounds of 20 over a 512-bit block,
// state A..E. Portable code: the teaching path (sha_ni.cpp holds the accelerated one).
#include "hash_blocks.h"

namespace wb::crypto::detail {
namespace {

// floor(2^30 * sqrt(k)) for k = 2, 3, 5, 10.
constexpr std::uint32_t kRoundConstant[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};

template <bool Traced>
void compress(std::uint32_t *h, const std::uint8_t *block, std::uint64_t index, wb::Trace *trace)
{
    // Message schedule: W[0..15] are the block's big-endian words; each later word is the
    // XOR of four earlier ones rotated left by one (the rotation SHA-0 lacked).
    std::uint32_t w[80];
    loadBlockWords<std::endian::big>(w, block);
    for (int t = 16; t < 80; ++t)
        w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    if constexpr (Traced)
        recordBlock(std::source_location::current(), trace, "sha1", index, block,
                    "sha1 message schedule W[0..79]", w, 80);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
#pragma GCC unroll 80
    for (int t = 0; t < 80; ++t) {
        std::uint32_t f;
        switch (t / 20) {
        case 0:
            f = (b & c) | (~b & d);
            break; // Ch
        case 2:
            f = (b & c) | (b & d) | (c & d);
            break; // Maj
        default:
            f = b ^ c ^ d;
            break; // Parity (rounds 2 and 4)
        }
        const std::uint32_t temp = std::rotl(a, 5) + f + e + kRoundConstant[t / 20] + w[t];
        e = d;
        d = c;
        c = std::rotl(b, 30);
        b = a;
        a = temp;
        if constexpr (Traced) {
            const std::uint32_t regs[5] = {a, b, c, d, e};
            recordStep(std::source_location::current(), trace, "sha1", index, t / 20 + 1, t, -1,
                       regs, 5);
        }
    }
    feedForward(h, {a, b, c, d, e});
    if constexpr (Traced)
        recordState(std::source_location::current(), trace, "sha1", index, h, 5);
}

} // namespace

void sha1Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
                std::uint64_t firstIndex, wb::Trace *trace)
{
    forEachBlock<64>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
        compress<traced.value>(h, block, index, trace);
    });
}

} // namespace wb::crypto::detail
