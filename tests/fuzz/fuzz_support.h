#pragma once
// What every fuzz target shares: an invariant check that aborts (so libFuzzer and the
// regression driver both report the input), and a reader that takes typed values off the
// front of the fuzz input and never reads past its end.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

// Each target defines this; libFuzzer calls it once per input, and so does the regression
// driver (regression_main.cpp) for every seed and mutation.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__,        \
                         #cond);                                                                  \
            std::abort();                                                                         \
        }                                                                                         \
    } while (0)

namespace wb::fuzz {

class InputReader
{
public:
    InputReader(const std::uint8_t *data, std::size_t size) : m_data(data), m_size(size) {}

    // One byte, or 0 once the input is used up.
    std::uint8_t byte() { return m_at < m_size ? m_data[m_at++] : 0; }
    // Big-endian, missing bytes read as 0.
    std::uint16_t u16()
    {
        const std::uint16_t hi = byte();
        return std::uint16_t(hi << 8 | byte());
    }
    // Up to n bytes (fewer at the end of the input).
    std::span<const std::uint8_t> take(std::size_t n)
    {
        const std::size_t k = n < m_size - m_at ? n : m_size - m_at;
        const std::span<const std::uint8_t> out(m_data + m_at, k);
        m_at += k;
        return out;
    }
    std::span<const std::uint8_t> rest() { return take(m_size - m_at); }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_at = 0;
};

} // namespace wb::fuzz
