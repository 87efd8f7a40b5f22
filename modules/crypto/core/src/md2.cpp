// MD2 (RFC 1319): a byte-oriented hash over 16-byte blocks with a 48-byte state X and a
// running 16-byte checksum C that is appended as one last block.
#include "crypto/core/events.h"
#include "hash_blocks.h"

#include "workbench/core/trace.h"

#include <string>

namespace wb::crypto::detail {
namespace {

// A permutation of 0..255 built from the digits of pi (RFC 1319 section 3.2).
constexpr std::uint8_t kPiSubst[256] = {
    41,  46,  67,  201, 162, 216, 124, 1,   61,  54,  84,  161, 236, 240, 6,   19,  98,  167, 5,
    243, 192, 199, 115, 140, 152, 147, 43,  217, 188, 76,  130, 202, 30,  155, 87,  60,  253, 212,
    224, 22,  103, 66,  111, 24,  138, 23,  229, 18,  190, 78,  196, 214, 218, 158, 222, 73,  160,
    251, 245, 142, 187, 47,  238, 122, 169, 104, 121, 145, 21,  178, 7,   63,  148, 194, 16,  137,
    11,  34,  95,  33,  128, 127, 93,  154, 90,  144, 50,  39,  53,  62,  204, 231, 191, 247, 151,
    3,   255, 25,  48,  179, 72,  165, 181, 209, 215, 94,  146, 42,  172, 86,  170, 198, 79,  184,
    56,  210, 150, 164, 125, 182, 118, 252, 107, 226, 156, 116, 4,   241, 69,  157, 112, 89,  100,
    113, 135, 32,  134, 91,  207, 101, 230, 45,  168, 2,   27,  96,  37,  173, 174, 176, 185, 246,
    28,  70,  97,  105, 52,  64,  126, 15,  85,  71,  163, 35,  221, 81,  175, 58,  195, 92,  249,
    206, 186, 197, 234, 38,  44,  83,  13,  110, 133, 40,  132, 9,   211, 223, 205, 244, 65,  129,
    77,  82,  106, 220, 55,  200, 108, 193, 171, 250, 36,  225, 123, 8,   12,  189, 177, 74,  120,
    136, 149, 139, 227, 99,  232, 109, 233, 203, 213, 254, 59,  0,   29,  57,  242, 239, 183, 14,
    102, 88,  208, 228, 166, 119, 114, 248, 235, 117, 75,  10,  49,  68,  80,  180, 143, 237, 31,
    26,  219, 153, 141, 51,  159, 17,  131, 20};

// Folds one block into the checksum. RFC 1319 (errata) XORs into C[j]; the draft assigned.
template <bool Traced>
void updateChecksum(std::uint8_t *c, std::uint8_t &l, const std::uint8_t *block,
                    Md2Checksum variant, std::uint64_t index, wb::Trace *trace)
{
    for (int j = 0; j < 16; ++j) {
        const std::uint8_t s = kPiSubst[block[j] ^ l];
        c[j] = variant == Md2Checksum::Rfc1319 ? std::uint8_t(c[j] ^ s) : s;
        l = c[j];
    }
    if constexpr (Traced)
        wb::record(
            trace,
            events::Md2ChecksumUpdate{"md2", index, Bytes(c, c + 16), l,
                                      variant == Md2Checksum::Rfc1319 ? "rfc1319" : "draft"},
            "md2 checksum after block " + std::to_string(index));
}

// X[16..31] = block, X[32..47] = block ^ X[0..15], then 18 rounds of 48 substitutions.
template <bool Traced>
void compress(std::uint8_t *x, const std::uint8_t *block, std::uint64_t index, wb::Trace *trace)
{
    if constexpr (Traced)
        wb::record(trace, events::Block{"md2", index, Bytes(block, block + 16)},
                   "md2 block " + std::to_string(index));
    for (int j = 0; j < 16; ++j) {
        x[16 + j] = block[j];
        x[32 + j] = std::uint8_t(x[16 + j] ^ x[j]);
    }
    std::uint8_t t = 0;
    for (int round = 0; round < 18; ++round) {
        for (int k = 0; k < 48; ++k) {
            x[k] ^= kPiSubst[t];
            t = x[k];
        }
        t = std::uint8_t(t + round);
        if constexpr (Traced)
            wb::record(trace, events::Md2Round{"md2", index, round, t, Bytes(x, x + 48)},
                       "md2 round " + std::to_string(round));
    }
    if constexpr (Traced) {
        events::State state;
        state.alg = "md2";
        state.index = index;
        state.x = Bytes(x, x + 48);
        wb::record(trace, state, "md2 state after block " + std::to_string(index));
    }
}

} // namespace

void md2Blocks(std::uint8_t *x48, std::uint8_t *c16, std::uint8_t &l, const std::uint8_t *p,
               std::size_t count, Md2Checksum variant, std::uint64_t firstIndex, wb::Trace *trace)
{
    forEachBlock<16>(p, count, firstIndex, trace, [&](auto traced, auto *block, auto index) {
        compress<traced.value>(x48, block, index, trace);
        updateChecksum<traced.value>(c16, l, block, variant, index, trace);
    });
}

void md2ChecksumBlock(std::uint8_t *x48, const std::uint8_t *c16, std::uint64_t index,
                      wb::Trace *trace)
{
    if (trace)
        compress<true>(x48, c16, index, trace);
    else
        compress<false>(x48, c16, 0, nullptr);
}

} // namespace wb::crypto::detail
