// The non-template parts of timsort: policy names, minrun, powersort's node power.
#include "list/core/timsort.h"

#include <cassert>

namespace wb::list {

std::string_view mergePolicyName(MergePolicy p)
{
    switch (p) {
    case MergePolicy::CPython27: return "cpython27";
    case MergePolicy::CPython311: return "cpython311";
    case MergePolicy::Tutorial: return "tutorial";
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
std::string mergeReasonLabel(const char *reason, std::int64_t power)
{
    std::string_view r(reason);
    if (r == "power")
        return "power of pending run " + std::to_string(power);
    return std::string(r);
}
} // namespace detail

} // namespace wb::list
