#pragma once
// Internal: the compression functions behind Hasher. Each consumes `count` consecutive
// blocks into the chaining state; `firstIndex` numbers the blocks in trace events. A null
// trace selects the untraced instantiation of the same template (one source of round logic).

#include "crypto/core/hash.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <source_location>

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
// `where` is the caller's std::source_location::current(), so the event still points at the
// round code. word < 0 means "no message word field".
[[gnu::noinline, gnu::cold]] void recordStep(wb::Trace *trace, const char *alg,
                                             std::uint64_t index, int round, int step, int word,
                                             const std::uint32_t *regs, int count,
                                             std::source_location where);

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

template <std::size_t N> std::vector<std::int64_t> words(const std::uint32_t (&w)[N])
{
    return std::vector<std::int64_t>(w, w + N);
}

} // namespace wb::crypto::detail
