#include "crypto/core/bytes.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/random.h>

namespace wb::crypto {

std::string toHex(std::span<const std::uint8_t> bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

namespace {
int hexValue(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}
} // namespace

std::optional<Bytes> fromHex(std::string_view hex, std::string *why)
{
    if (hex.size() % 2 != 0) {
        if (why)
            *why = "hex input has an odd number of digits (" + std::to_string(hex.size()) +
                   "); each byte needs two";
        return std::nullopt;
    }
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexValue(hex[i]), lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            if (why) {
                const std::size_t bad = hi < 0 ? i : i + 1;
                const auto ch = static_cast<std::uint8_t>(hex[bad]);
                // A control byte or half a UTF-8 sequence is shown as its value, never raw:
                // the message goes to a terminal or a label.
                const std::string shown = ch >= 0x20 && ch < 0x7f
                                              ? "character '" + std::string(1, char(ch)) + "'"
                                              : "byte 0x" + toHex({&ch, 1});
                *why = "hex input has a non-hex " + shown + " at position " +
                       std::to_string(bad + 1) + "; use 0-9 and a-f";
            }
            return std::nullopt;
        }
        out[i / 2] = std::uint8_t(hi << 4 | lo);
    }
    return out;
}

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b)
{
    if (a.size() != b.size())
        return false; // lengths are public (digest and tag sizes are fixed)
    volatile std::uint8_t diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff = diff | std::uint8_t(a[i] ^ b[i]);
    return diff == 0;
}

void randomBytes(std::span<std::uint8_t> out)
{
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw CryptoError(std::string("the OS random generator failed: ") +
                              std::strerror(errno));
        }
        done += std::size_t(n);
    }
}

Bytes randomBytes(std::size_t count)
{
    Bytes out(count);
    randomBytes(out);
    return out;
}

void secureWipe(std::span<std::uint8_t> bytes)
{
    volatile std::uint8_t *p = bytes.data();
    for (std::size_t i = 0; i < bytes.size(); ++i)
        p[i] = 0;
}

} // namespace wb::crypto
