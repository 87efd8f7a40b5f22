#pragma once
// Internal: the compression functions behind Hasher. Each consumes `count` consecutive
// blocks into the chaining state; `firstIndex` numbers the blocks in trace events. A null
// trace selects the untraced instantiation of the same template (one source of round logic).
//
// md2.cpp .. sha256.cpp hold only what differs between the hashes: the round function and
// the message schedule. What they share is here: forEachBlock (the traced/untraced dispatch
// over the blocks), feedForward, the byte-order loads and the out-of-line event recorders.
// Padding, the length field and the digest's byte order are Hasher::final() in hash.cpp.

#include "crypto/core/hash.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <source_location>
#include <type_traits>

namespace wb::crypto::detail {

void md2Blocks(std::uint8_t *x48, std::uint8_t *c16, std::uint8_t &l, const std::uint8_t *p,
               std::size_t count, Md2Checksum variant, std::uint64_t firstIndex, wb::Trace *trace);
// The final block: the checksum itself, compressed without updating the checksum.
void md2ChecksumBlock(std::uint8_t *x48, const std::uint8_t *c16, std::uint64_t index,
                      wb::Trace *trace);
void md4Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
               std::uint64_t firstIndex, wb::Trace *trace);
void md5Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
               std::uint64_t firstIndex, wb::Trace *trace);
void sha1Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
                std::uint64_t firstIndex, wb::Trace *trace);
void sha256Blocks(std::uint32_t *h, const std::uint8_t *p, std::size_t count,
                  std::uint64_t firstIndex, wb::Trace *trace);

extern const std::uint32_t kSha256RoundConstants[64];

// Records a "step" event from inside an unrolled round loop: registers a, b, c, ... =
// regs[0..count). Kept out of line so the unrolled traced body stays small (64 inlined
// event constructions make a function that takes minutes to compile under sanitizers);
// `where` is the caller's std::source_location::current(), taken first so that it sits on the
// line that names the call and the event points at the round code, not at a continuation
// line. word < 0 means "no message word field".
[[gnu::noinline, gnu::cold]] void recordStep(std::source_location where, wb::Trace *trace,
                                             const char *alg, std::uint64_t index, int round,
                                             int step, int word, const std::uint32_t *regs,
                                             int count);

// The "block" event (the 64 bytes) and the "schedule" event (its message words, described
// by `scheduleLabel`) that open each MD4/MD5/SHA block.
[[gnu::noinline, gnu::cold]] void recordBlock(std::source_location where, wb::Trace *trace,
                                              const char *alg, std::uint64_t index,
                                              const std::uint8_t *block, const char *scheduleLabel,
                                              const std::uint32_t *schedule, int scheduleCount);
// The "state" event after a block's feed-forward: chaining registers a, b, c, ... = h.
[[gnu::noinline, gnu::cold]] void recordState(std::source_location where, wb::Trace *trace,
                                              const char *alg, std::uint64_t index,
                                              const std::uint32_t *h, int count);

// Runs compress(traced, block, index) on `count` consecutive BlockSize-byte blocks, where
// `traced` is std::true_type when a trace is attached and std::false_type otherwise, so each
// compression function is written once as a template on it. The trace check sits outside
// the loop: the untraced instantiation has no trace code in its inner loop.
//     forEachBlock<64>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
//         compress<traced.value>(h, block, index, trace);
//     });
template <std::size_t BlockSize, typename Compress>
inline void forEachBlock(const std::uint8_t *p, std::size_t count, std::uint64_t firstIndex,
                         wb::Trace *trace, Compress &&compress)
{
    if (trace) {
        for (std::size_t i = 0; i < count; ++i)
            compress(std::true_type{}, p + BlockSize * i, firstIndex + i);
    } else {
        for (std::size_t i = 0; i < count; ++i)
            compress(std::false_type{}, p + BlockSize * i, std::uint64_t(0));
    }
}

// The feed-forward that ends every MD4/MD5/SHA block: the chaining value absorbs the working
// registers, h[i] += regs[i] (mod 2^32), so the compression is not invertible.
template <std::size_t N> inline void feedForward(std::uint32_t *h, const std::uint32_t (&regs)[N])
{
    for (std::size_t i = 0; i < N; ++i)
        h[i] += regs[i];
}

// SHA extensions (sha_ni.cpp); call only when shaExtensionsAvailable().
void sha1BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count);
void sha256BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count);

inline std::uint32_t loadLe32(const std::uint8_t *p)
{
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}
inline std::uint32_t loadBe32(const std::uint8_t *p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 |
           std::uint32_t(p[3]);
}
// A 64-byte block as its 16 message words: little-endian for MD4/MD5, big-endian for SHA.
template <std::endian Order>
inline void loadBlockWords(std::uint32_t *w, const std::uint8_t *block)
{
    for (int i = 0; i < 16; ++i)
        w[i] = Order == std::endian::little ? loadLe32(block + 4 * i) : loadBe32(block + 4 * i);
}
inline void storeLe32(std::uint8_t *p, std::uint32_t v)
{
    p[0] = std::uint8_t(v);
    p[1] = std::uint8_t(v >> 8);
    p[2] = std::uint8_t(v >> 16);
    p[3] = std::uint8_t(v >> 24);
}
inline void storeBe32(std::uint8_t *p, std::uint32_t v)
{
    p[0] = std::uint8_t(v >> 24);
    p[1] = std::uint8_t(v >> 16);
    p[2] = std::uint8_t(v >> 8);
    p[3] = std::uint8_t(v);
}

} // namespace wb::crypto::detail
