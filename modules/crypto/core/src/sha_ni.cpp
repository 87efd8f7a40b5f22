// SHA-1 and SHA-256 on the x86 SHA extensions (SHA-NI): the fast path Hasher takes when the
// CPU has them and no trace is attached. The portable code in sha1.cpp / sha256.cpp is the
// reference the lessons show; tests require both paths to agree on every input length.
#include "hash_blocks.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define WB_CRYPTO_HAVE_SHA_NI 1
#endif

namespace wb::crypto {

bool shaExtensionsAvailable()
{
#ifdef WB_CRYPTO_HAVE_SHA_NI
    static const bool available = [] {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
            return false;
        const bool ssse3 = ecx & (1u << 9), sse41 = ecx & (1u << 19);
        if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
            return false;
        const bool sha = ebx & (1u << 29);
        return ssse3 && sse41 && sha;
    }();
    return available;
#else
    return false;
#endif
}

} // namespace wb::crypto

namespace wb::crypto::detail {

#ifdef WB_CRYPTO_HAVE_SHA_NI

#define WB_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// ---------------------------------------------------------------------------------------
// SHA-1: sha1rnds4 runs four steps; sha1nexte derives E for the next four from the old A.
// ---------------------------------------------------------------------------------------

namespace {
WB_SHA_TARGET inline __m128i sha1FourRounds(__m128i abcd, __m128i e, int group)
{
    switch (group / 5) { // the function and constant change every 20 steps
    case 0:
        return _mm_sha1rnds4_epu32(abcd, e, 0);
    case 1:
        return _mm_sha1rnds4_epu32(abcd, e, 1);
    case 2:
        return _mm_sha1rnds4_epu32(abcd, e, 2);
    default:
        return _mm_sha1rnds4_epu32(abcd, e, 3);
    }
}
} // namespace

WB_SHA_TARGET void sha1BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count)
{
    const __m128i byteSwap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h)), 0x1b);
    __m128i e0 = _mm_set_epi32(int(h[4]), 0, 0, 0);

    for (std::size_t b = 0; b < count; ++b, p += 64) {
        const __m128i abcdSaved = abcd, eSaved = e0;
        __m128i w[4]; // W in groups of four words; w[g & 3] holds group g
        for (int g = 0; g < 4; ++g)
            w[g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * g)),
                                    byteSwap);

        __m128i previous = abcd;
        abcd = sha1FourRounds(abcd, _mm_add_epi32(e0, w[0]), 0);
#pragma GCC unroll 19
        for (int g = 1; g < 20; ++g) {
            if (g >= 4) // W[t] = rotl(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16], 1), four at a time
                w[g & 3] = _mm_sha1msg2_epu32(
                    _mm_xor_si128(_mm_sha1msg1_epu32(w[g & 3], w[(g + 1) & 3]), w[(g + 2) & 3]),
                    w[(g + 3) & 3]);
            const __m128i e = _mm_sha1nexte_epu32(previous, w[g & 3]);
            previous = abcd;
            abcd = sha1FourRounds(abcd, e, g);
        }
        e0 = _mm_sha1nexte_epu32(previous, eSaved);
        abcd = _mm_add_epi32(abcd, abcdSaved);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm_shuffle_epi32(abcd, 0x1b));
    h[4] = std::uint32_t(_mm_extract_epi32(e0, 3));
}

// ---------------------------------------------------------------------------------------
// SHA-256: sha256rnds2 runs two steps on the state split as (A,B,E,F) and (C,D,G,H).
// ---------------------------------------------------------------------------------------

WB_SHA_TARGET void sha256BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count)
{
    const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i *>(h));
    __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i *>(h + 4));
    const __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

    for (std::size_t b = 0; b < count; ++b, p += 64) {
        const __m128i abefSaved = abef, cdghSaved = cdgh;
        __m128i w[4];
        for (int g = 0; g < 4; ++g)
            w[g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * g)),
                                    byteSwap);
#pragma GCC unroll 16
        for (int g = 0; g < 16; ++g) {
            if (g >= 4) // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time
                w[g & 3] = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]),
                                  _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4)),
                    w[(g + 3) & 3]);
            __m128i wk = _mm_add_epi32(w[g & 3], _mm_loadu_si128(reinterpret_cast<const __m128i *>(
                                                     kSha256RoundConstants + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            wk = _mm_shuffle_epi32(wk, 0x0e);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
        }
        abef = _mm_add_epi32(abef, abefSaved);
        cdgh = _mm_add_epi32(cdgh, cdghSaved);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

#else

void sha1BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count)
{
    sha1Blocks(h, p, count, 0, nullptr);
}
void sha256BlocksShaNi(std::uint32_t *h, const std::uint8_t *p, std::size_t count)
{
    sha256Blocks(h, p, count, 0, nullptr);
}

#endif

} // namespace wb::crypto::detail
