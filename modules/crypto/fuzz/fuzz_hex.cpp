// Fuzz target: the strict hex parser fromHex (bytes.h), which reads every --key, --iv and
// --hex argument of the CLI and the views' hex fields.
//
// Invariants, for any input string:
// - it is accepted exactly when it has an even length and only [0-9a-fA-F];
// - an accepted string decodes byte for byte as std::from_chars reads each digit pair, and
//   toHex gives the string back in lowercase;
// - a refused one comes with one printable line naming the problem, and for a bad character
//   its 1-based position is the first non-hex character;
// - any bytes, written with toHex, read back unchanged.

#include "fuzz_support.h"

#include "crypto/core/bytes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

namespace {

bool isHexDigit(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

bool printableLine(const std::string &text)
{
    for (unsigned char ch : text)
        if (ch < 0x20 || ch > 0x7e)
            return false;
    return !text.empty();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace wb::crypto;
    const std::string_view text(reinterpret_cast<const char *>(data), size);

    std::size_t firstBad = text.size();
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!isHexDigit(text[i])) {
            firstBad = i;
            break;
        }
    const bool valid = text.size() % 2 == 0 && firstBad == text.size();

    std::string why;
    const auto parsed = fromHex(text, &why);
    FUZZ_CHECK(parsed.has_value() == valid);
    FUZZ_CHECK(fromHex(text).has_value() == valid); // the same without asking why

    if (parsed) {
        FUZZ_CHECK(parsed->size() == text.size() / 2);
        for (std::size_t i = 0; i < parsed->size(); ++i) {
            unsigned value = 0;
            const char *pair = text.data() + 2 * i;
            const auto [end, ec] = std::from_chars(pair, pair + 2, value, 16);
            FUZZ_CHECK(ec == std::errc() && end == pair + 2);
            FUZZ_CHECK((*parsed)[i] == value);
        }
        std::string lower(text);
        for (char &ch : lower)
            ch = char(std::tolower(static_cast<unsigned char>(ch)));
        FUZZ_CHECK(toHex(*parsed) == lower);
    } else {
        FUZZ_CHECK(printableLine(why));
        if (text.size() % 2 == 0)
            FUZZ_CHECK(why.find("position " + std::to_string(firstBad + 1) + ";") !=
                       std::string::npos);
        else
            FUZZ_CHECK(why.find("odd number of digits (" + std::to_string(text.size()) + ")") !=
                       std::string::npos);
    }

    // The other direction: the input as raw bytes survives toHex -> fromHex.
    const std::string hex = toHex(std::span<const std::uint8_t>(data, size));
    FUZZ_CHECK(hex.size() == 2 * size);
    const auto back = fromHex(hex);
    FUZZ_CHECK(back && back->size() == size && std::equal(back->begin(), back->end(), data));
    return 0;
}
