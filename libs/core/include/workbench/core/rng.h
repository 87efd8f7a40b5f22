#pragma once
// A small seeded generator (xoshiro256**, seeded through splitmix64): the same seed gives the
// same sequence on every machine, which scenario replays and generated test inputs rely on.
// Not for keys: cryptographic randomness comes from the OS (getrandom).

#include <cstdint>
#include <limits>

namespace wb {

class Rng
{
public:
    using result_type = std::uint64_t;

    explicit Rng(std::uint64_t seed = 0) { reseed(seed); }
    void reseed(std::uint64_t seed);

    std::uint64_t next();
    std::uint64_t operator()() { return next(); }
    // Uniform in [0, bound), unbiased. bound must be > 0.
    std::uint64_t below(std::uint64_t bound);
    // Uniform in [lo, hi], inclusive.
    std::int64_t between(std::int64_t lo, std::int64_t hi);
    double unit(); // [0, 1)

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

private:
    std::uint64_t m_s[4];
};

} // namespace wb
