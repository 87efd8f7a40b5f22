// SHA-256 (FIPS 180-4 section 6.2): 64 steps over a 512-bit block, state A..H.
// Portable code: the teaching path (sha_ni.cpp holds the accelerated one).
#include "hash_blocks.h"

namespace wb::crypto::detail {

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
// Shared with the SHA-extension path in sha_ni.cpp.
const std::uint32_t kSha256RoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

namespace {

constexpr const std::uint32_t *kK = kSha256RoundConstants;

inline std::uint32_t bigSigma0(std::uint32_t x)
{
    return std::rotr(x, 2) ^ std::rotr(x, 13) ^ std::rotr(x, 22);
}
inline std::uint32_t bigSigma1(std::uint32_t x)
{
    return std::rotr(x, 6) ^ std::rotr(x, 11) ^ std::rotr(x, 25);
}
inline std::uint32_t smallSigma0(std::uint32_t x)
{
    return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3);
}
inline std::uint32_t smallSigma1(std::uint32_t x)
{
    return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10);
}

template <bool Traced>
void compress(std::uint32_t *h, const std::uint8_t *block, std::uint64_t index, wb::Trace *trace)
{
    std::uint32_t w[64];
    loadBlockWords<std::endian::big>(w, block);
    for (int t = 16; t < 64; ++t)
        w[t] = smallSigma1(w[t - 2]) + w[t - 7] + smallSigma0(w[t - 15]) + w[t - 16];
    if constexpr (Traced)
        recordBlock(std::source_location::current(), trace, "sha256", index, block,
                    "sha256 message schedule W[0..63]", w, 64);

    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    std::uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
#pragma GCC unroll 64
    for (int t = 0; t < 64; ++t) {
        const std::uint32_t choose = (e & f) ^ (~e & g);
        const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t1 = hh + bigSigma1(e) + choose + kK[t] + w[t];
        const std::uint32_t t2 = bigSigma0(a) + majority;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
        if constexpr (Traced) {
            const std::uint32_t regs[8] = {a, b, c, d, e, f, g, hh};
            recordStep(std::source_location::current(), trace, "sha256", index, 1, t, -1, regs, 8);
        }
    }
    feedForward(h, {a, b, c, d, e, f, g, hh});
    if constexpr (Traced)
        recordState(std::source_location::current(), trace, "sha256", index, h, 8);
}

} // namespace

void sha256Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
                  std::uint64_t firstIndex, wb::Trace *trace)
{
    forEachBlock<64>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
        compress<traced.value>(h, block, index, trace);
    });
}

} // namespace wb::crypto::detail
