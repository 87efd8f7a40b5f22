#pragma once
// Force-included (-include) into the clang build of the fuzz targets only. Clang 14 (the clang
// Debian 12 ships with libFuzzer) lacks __builtin_source_location, so libstdc++ 12's
// <source_location> declares nothing and workbench/core/trace.h would not compile. This
// supplies the same interface from the older builtins clang 14 does have; with clang 15 or
// newer it does nothing and the library's own std::source_location is used.
#if defined(__clang__) && __clang_major__ < 15 && !defined(__cpp_lib_source_location)
#include <cstdint>

namespace std {
struct source_location
{
    static constexpr source_location current(const char *file = __builtin_FILE(),
                                             const char *function = __builtin_FUNCTION(),
                                             uint_least32_t line = __builtin_LINE(),
                                             uint_least32_t column = __builtin_COLUMN()) noexcept
    {
        source_location loc;
        loc.m_file = file;
        loc.m_function = function;
        loc.m_line = line;
        loc.m_column = column;
        return loc;
    }
    constexpr const char *file_name() const noexcept { return m_file; }
    constexpr const char *function_name() const noexcept { return m_function; }
    constexpr uint_least32_t line() const noexcept { return m_line; }
    constexpr uint_least32_t column() const noexcept { return m_column; }

private:
    const char *m_file = "";
    const char *m_function = "";
    uint_least32_t m_line = 0;
    uint_least32_t m_column = 0;
};
} // namespace std
#endif
