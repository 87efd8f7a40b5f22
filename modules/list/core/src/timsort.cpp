// The non-template parts of timsort: policy names, minrun, powersort's node power.
#include "list/core/timsort.h"

#include <cassert>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace wb::list {

std::string_view mergePolicyName(MergePolicy p)
{
    switch (p) {
    case MergePolicy::CPython27:
        return "cpython27";
    case MergePolicy::CPython311:
        return "cpython311";
    case MergePolicy::Tutorial:
        return "tutorial";
    }
    return "?";
}

std::optional<MergePolicy> parseMergePolicy(std::string_view name)
{
    if (name == "cpython27")
        return MergePolicy::CPython27;
    if (name == "cpython311")
        return MergePolicy::CPython311;
    if (name == "tutorial")
        return MergePolicy::Tutorial;
    return std::nullopt;
}

std::int64_t mergeComputeMinrun(std::int64_t n)
{
    assert(n >= 0);
    std::int64_t r = 0; // becomes 1 if any 1 bit is shifted off
    while (n >= 64) {
        r |= n & 1;
        n >>= 1;
    }
    return n + r;
}

int powerloop(std::int64_t s1, std::int64_t n1, std::int64_t n2, std::int64_t n)
{
    assert(s1 >= 0 && n1 > 0 && n2 > 0 && s1 + n1 + n2 <= n);
    // Twice the two midpoints, so they are integers: a = 2*s1 + n1, b = a + n1 + n2. The
    // power is the first bit position at which the binary fractions a/n and b/n differ.
    std::int64_t a = 2 * s1 + n1;
    std::int64_t b = a + n1 + n2;
    int result = 0;
    for (;;) {
        ++result;
        if (a >= n) { // both bits 1
            a -= n;
            b -= n;
        } else if (b >= n) { // a's bit 0, b's bit 1: they differ here
            break;
        }
        a <<= 1;
        b <<= 1;
    }
    return result;
}

namespace detail {

void insertionOrderPortable(const std::int64_t *a, int start, int m, std::uint8_t *k,
                            std::uint8_t *index) noexcept
{
    for (int i = 0; i < m; ++i)
        index[i] = static_cast<std::uint8_t>(i);
    for (int j = start; j < m; ++j) {
        const std::int64_t key = a[j];
        int k0 = 0, k1 = 0, i = 0; // two independent sums
        for (; i + 2 <= j; i += 2) {
            k0 += !(key < a[i]);
            k1 += !(key < a[i + 1]);
        }
        if (i < j)
            k0 += !(key < a[i]);
        const int kj = k0 + k1;
        k[j] = static_cast<std::uint8_t>(kj);
        std::memmove(index + kj + 1, index + kj, static_cast<std::size_t>(j - kj));
        index[kj] = static_cast<std::uint8_t>(j);
    }
}

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
// The counts take four comparisons per instruction (each block of four adds -1 per element
// greater than the key; the last, partial block is masked to the lanes below j). The order
// lives in two registers of 32 one-byte indexes; inserting j at k shifts the bytes from k up
// by one and writes j at k, both selected with masks: no branch depends on the data.
__attribute__((target("avx2"))) void insertionOrderAvx2(const std::int64_t *a, int start, int m,
                                                        std::uint8_t *k,
                                                        std::uint8_t *index) noexcept
{
    const __m256i lanes = _mm256_setr_epi64x(0, 1, 2, 3);
    const __m256i byte0 =
        _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                         21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    const __m256i byte1 = _mm256_add_epi8(byte0, _mm256_set1_epi8(32));
    __m256i o0 = byte0, o1 = byte1; // the first `start` are in order
    for (int j = start; j < m; ++j) {
        const __m256i key = _mm256_set1_epi64x(a[j]);
        __m256i g0 = _mm256_setzero_si256(), g1 = _mm256_setzero_si256();
        int i = 0;
        for (; i + 8 <= j; i += 8) {
            const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a + i));
            const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a + i + 4));
            g0 = _mm256_add_epi64(g0, _mm256_cmpgt_epi64(x0, key));
            g1 = _mm256_add_epi64(g1, _mm256_cmpgt_epi64(x1, key));
        }
        for (; i < j; i += 4) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a + i));
            const __m256i below = _mm256_cmpgt_epi64(_mm256_set1_epi64x(j - i), lanes);
            g0 = _mm256_add_epi64(g0, _mm256_and_si256(_mm256_cmpgt_epi64(x, key), below));
        }
        const __m256i g = _mm256_add_epi64(g0, g1);
        const __m128i h = _mm_add_epi64(_mm256_castsi256_si128(g), _mm256_extracti128_si256(g, 1));
        const int kj = j + static_cast<int>(_mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1));
        k[j] = static_cast<std::uint8_t>(kj);

        // Bytes shifted up by one across both registers: alignr within each 16-byte lane,
        // with the byte below each lane brought in by a lane permute.
        const __m256i up0 = _mm256_alignr_epi8(o0, _mm256_permute2x128_si256(o0, o0, 0x08), 15);
        const __m256i up1 = _mm256_alignr_epi8(o1, _mm256_permute2x128_si256(o1, o0, 0x03), 15);
        const __m256i kv = _mm256_set1_epi8(static_cast<char>(kj));
        const __m256i jv = _mm256_set1_epi8(static_cast<char>(j));
        const __m256i km1 = _mm256_set1_epi8(static_cast<char>(kj - 1));
        o0 = _mm256_blendv_epi8(o0, up0, _mm256_cmpgt_epi8(byte0, km1)); // lanes >= k
        o1 = _mm256_blendv_epi8(o1, up1, _mm256_cmpgt_epi8(byte1, km1));
        o0 = _mm256_blendv_epi8(o0, jv, _mm256_cmpeq_epi8(byte0, kv));
        o1 = _mm256_blendv_epi8(o1, jv, _mm256_cmpeq_epi8(byte1, kv));
    }
    alignas(32) std::uint8_t all[64];
    _mm256_store_si256(reinterpret_cast<__m256i *>(all), o0);
    _mm256_store_si256(reinterpret_cast<__m256i *>(all + 32), o1);
    std::memcpy(index, all, static_cast<std::size_t>(m));
}
#endif

} // namespace

void insertionOrder(const std::int64_t *a, int start, int m, std::uint8_t *k,
                    std::uint8_t *index) noexcept
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) {
        insertionOrderAvx2(a, start, m, k, index);
        return;
    }
#endif
    insertionOrderPortable(a, start, m, k, index);
}

std::string mergeReasonLabel(const char *reason, std::int64_t power)
{
    std::string_view r(reason);
    if (r == "power")
        return "power of pending run " + std::to_string(power);
    return std::string(r);
}
} // namespace detail

} // namespace wb::list
