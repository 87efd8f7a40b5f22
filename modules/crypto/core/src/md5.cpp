// MD5 (RFC 1321): four rounds of 16 steps over a 512-bit block, state A, B, C, D.
#include "hash_blocks.h"

namespace wb::crypto::detail {
namespace {

// T[i] = floor(2^32 * |sin(i + 1)|), i = 0..63 (RFC 1321 section 3.4).
constexpr std::uint32_t kT[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391};

// Left-rotation amounts: four per round, repeating every four steps.
constexpr int kRotation[4][4] = {
    {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

// Which message word step i reads: round 1 in order, then 1+5i, 5+3i and 7i (mod 16).
constexpr int wordIndex(int i)
{
    switch (i / 16) {
    case 0:
        return i;
    case 1:
        return (1 + 5 * i) % 16;
    case 2:
        return (5 + 3 * i) % 16;
    default:
        return (7 * i) % 16;
    }
}

template <bool Traced>
void compress(std::uint32_t *h, const std::uint8_t *block, std::uint64_t index, wb::Trace *trace)
{
    std::uint32_t x[16];
    loadBlockWords<std::endian::little>(x, block);
    if constexpr (Traced)
        recordBlock(std::source_location::current(), trace, "md5", index, block,
                    "md5 words X[0..15] (little-endian)", x, 16);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    // Invariant: after step i, (a, b, c, d) are the registers RFC 1321 names for step i + 1;
    // each step computes one new b and shifts the others along (a <- d, d <- c, c <- b).
#pragma GCC unroll 64
    for (int i = 0; i < 64; ++i) {
        std::uint32_t f;
        switch (i / 16) {
        case 0:
            f = (b & c) | (~b & d);
            break; // F: if b then c else d
        case 1:
            f = (d & b) | (~d & c);
            break; // G: if d then b else c
        case 2:
            f = b ^ c ^ d;
            break; // H: parity
        default:
            f = c ^ (b | ~d);
            break; // I
        }
        const std::uint32_t rotated =
            std::rotl(a + f + kT[i] + x[wordIndex(i)], kRotation[i / 16][i % 4]);
        a = d;
        d = c;
        c = b;
        b = b + rotated;
        if constexpr (Traced) {
            const std::uint32_t regs[4] = {a, b, c, d};
            recordStep(std::source_location::current(), trace, "md5", index, i / 16 + 1, i,
                       wordIndex(i), regs, 4);
        }
    }
    feedForward(h, {a, b, c, d});
    if constexpr (Traced)
        recordState(std::source_location::current(), trace, "md5", index, h, 4);
}

} // namespace

void md5Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
               std::uint64_t firstIndex, wb::Trace *trace)
{
    forEachBlock<64>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
        compress<traced.value>(h, block, index, trace);
    });
}

} // namespace wb::crypto::detail
