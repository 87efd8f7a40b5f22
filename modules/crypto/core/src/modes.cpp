#include "crypto/core/modes.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <string>

namespace wb::crypto {

std::optional<Mode> parseMode(std::string_view name)
{
    if (name == "ecb")
        return Mode::Ecb;
    if (name == "cbc")
        return Mode::Cbc;
    if (name == "cfb8" || name == "cfb")
        return Mode::Cfb8;
    if (name == "cfb64")
        return Mode::Cfb64;
    return std::nullopt;
}

std::string_view modeName(Mode mode)
{
    switch (mode) {
    case Mode::Ecb:
        return "ecb";
    case Mode::Cbc:
        return "cbc";
    case Mode::Cfb8:
        return "cfb8";
    case Mode::Cfb64:
        return "cfb64";
    }
    return "?";
}

bool modeNeedsIv(Mode mode)
{
    return mode != Mode::Ecb;
}

bool modeNeedsWholeBlocks(Mode mode)
{
    return mode == Mode::Ecb || mode == Mode::Cbc;
}

DesModeCipher::DesModeCipher(const DesCipher &cipher, Mode mode, Direction direction,
                             std::span<const std::uint8_t> iv, wb::Trace *trace)
    : m_cipher(cipher), m_mode(mode), m_direction(direction), m_trace(trace)
{
    if (modeNeedsIv(mode) && iv.size() != 8)
        throw CryptoError(
            std::string(modeName(mode)) + " needs an 8-byte IV (16 hex digits)" +
            (iv.empty() ? ", none was given" : ", got " + std::to_string(iv.size()) + " bytes"));
    if (!modeNeedsIv(mode) && !iv.empty())
        throw CryptoError("ecb takes no IV; drop it or choose cbc, cfb8 or cfb64");
    if (!iv.empty())
        m_register = loadBlock(iv.data());
}

Bytes DesModeCipher::process(std::span<const std::uint8_t> in)
{
    Bytes out(in.size());
    process(in, out.data());
    return out;
}

// ---------------------------------------------------------------------------------------
// Untraced: one pass, no per-block checks beyond the mode's own work.
// ---------------------------------------------------------------------------------------

void DesModeCipher::process(std::span<const std::uint8_t> in, std::uint8_t *out)
{
    if (modeNeedsWholeBlocks(m_mode) && in.size() % 8 != 0)
        throw CryptoError(
            std::string(modeName(m_mode)) + " works on whole 8-byte blocks, but the input has " +
            std::to_string(in.size()) + " bytes; pad it first (PKCS#7) or use cfb8 / cfb64");
    if (m_trace) {
        processTraced(in, out);
        return;
    }
    const std::uint8_t *p = in.data();
    std::size_t n = in.size();
    const bool encrypt = m_direction == Direction::Encrypt;
    switch (m_mode) {
    case Mode::Ecb:
        for (std::size_t i = 0; i < n; i += 8) {
            const std::uint64_t x = loadBlock(p + i);
            storeBlock(out + i, encrypt ? m_cipher.encryptBlock(x) : m_cipher.decryptBlock(x));
        }
        break;
    case Mode::Cbc:
        for (std::size_t i = 0; i < n; i += 8) {
            const std::uint64_t x = loadBlock(p + i);
            if (encrypt) {
                m_register = m_cipher.encryptBlock(x ^ m_register);
                storeBlock(out + i, m_register);
            } else {
                storeBlock(out + i, m_cipher.decryptBlock(x) ^ m_register);
                m_register = x;
            }
        }
        break;
    case Mode::Cfb8:
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t key = std::uint8_t(m_cipher.encryptBlock(m_register) >> 56);
            const std::uint8_t x = p[i];
            const std::uint8_t y = std::uint8_t(x ^ key);
            m_register = m_register << 8 | (encrypt ? y : x);
            out[i] = y;
        }
        break;
    case Mode::Cfb64: {
        std::size_t i = 0;
        // Finish a segment left partly used by the previous call, byte by byte.
        while (i < n && m_used < 8) {
            const unsigned shift = 56 - 8 * m_used;
            const std::uint8_t x = p[i];
            const std::uint8_t y = std::uint8_t(x ^ (m_keystream >> shift));
            const std::uint8_t c = encrypt ? y : x;
            m_register = (m_register & ~(std::uint64_t(0xff) << shift)) | std::uint64_t(c)
                                                                              << shift;
            out[i++] = y;
            ++m_used;
        }
        for (; i + 8 <= n; i += 8) {
            const std::uint64_t x = loadBlock(p + i);
            const std::uint64_t y = x ^ m_cipher.encryptBlock(m_register);
            m_register = encrypt ? y : x;
            storeBlock(out + i, y);
        }
        if (i < n) { // a short tail starts a new segment
            m_keystream = m_cipher.encryptBlock(m_register);
            m_used = 0;
            while (i < n) {
                const unsigned shift = 56 - 8 * m_used;
                const std::uint8_t x = p[i];
                const std::uint8_t y = std::uint8_t(x ^ (m_keystream >> shift));
                const std::uint8_t c = encrypt ? y : x;
                m_register = (m_register & ~(std::uint64_t(0xff) << shift)) | std::uint64_t(c)
                                                                                  << shift;
                out[i++] = y;
                ++m_used;
            }
        }
        break;
    }
    }
}

// ---------------------------------------------------------------------------------------
// Traced: the same modes, one segment at a time, each recorded with its feedback register.
// ---------------------------------------------------------------------------------------

void DesModeCipher::processTraced(std::span<const std::uint8_t> in, std::uint8_t *out)
{
    const bool encrypt = m_direction == Direction::Encrypt;
    const std::string mode(modeName(m_mode));
    const char *direction = encrypt ? "encrypt" : "decrypt";
    const std::size_t segment = m_mode == Mode::Cfb8 ? 1 : 8;
    std::size_t i = 0;
    while (i < in.size()) {
        if (m_mode == Mode::Cfb64 && m_used < 8) {
            // Finish a segment a previous call left partly used, through the untraced path
            // (its keystream block was recorded when the segment started).
            wb::Trace *saved = m_trace;
            m_trace = nullptr;
            process(in.subspan(i, 1), out + i);
            m_trace = saved;
            ++i;
            continue;
        }
        const std::size_t len = std::min(segment, in.size() - i);
        const std::uint64_t before = m_register;
        std::uint64_t cipherIn = 0, cipherOut = 0;
        switch (m_mode) {
        case Mode::Ecb: {
            cipherIn = loadBlock(in.data() + i);
            cipherOut = encrypt ? m_cipher.encryptBlock(cipherIn, m_trace)
                                : m_cipher.decryptBlock(cipherIn, m_trace);
            storeBlock(out + i, cipherOut);
            break;
        }
        case Mode::Cbc: {
            const std::uint64_t x = loadBlock(in.data() + i);
            if (encrypt) {
                cipherIn = x ^ m_register;
                cipherOut = m_cipher.encryptBlock(cipherIn, m_trace);
                m_register = cipherOut;
                storeBlock(out + i, cipherOut);
            } else {
                cipherIn = x;
                cipherOut = m_cipher.decryptBlock(x, m_trace);
                storeBlock(out + i, cipherOut ^ m_register);
                m_register = x;
            }
            break;
        }
        case Mode::Cfb8: {
            cipherIn = m_register;
            cipherOut = m_cipher.encryptBlock(m_register, m_trace);
            const std::uint8_t x = in[i];
            const std::uint8_t y = std::uint8_t(x ^ (cipherOut >> 56));
            m_register = m_register << 8 | (encrypt ? y : x);
            out[i] = y;
            break;
        }
        case Mode::Cfb64: {
            cipherIn = m_register;
            cipherOut = m_cipher.encryptBlock(m_register, m_trace);
            m_keystream = cipherOut;
            std::uint8_t block[8] = {};
            for (std::size_t k = 0; k < len; ++k) {
                const std::uint8_t x = in[i + k];
                const std::uint8_t y = std::uint8_t(x ^ (cipherOut >> (56 - 8 * k)));
                block[k] = encrypt ? y : x;
                out[i + k] = y;
            }
            const std::uint64_t c = loadBlock(block);
            const std::uint64_t keep = len == 8 ? 0 : ~std::uint64_t(0) >> (8 * len);
            m_register = (m_register & keep) | c;
            m_used = unsigned(len);
            break;
        }
        }
        wb::record(m_trace,
                   events::ModeBlock{mode, direction, m_index, before, cipherIn, cipherOut,
                                     Bytes(in.begin() + i, in.begin() + i + len),
                                     Bytes(out + i, out + i + len)},
                   mode + " " + direction + " block " + std::to_string(m_index));
        ++m_index;
        i += len;
    }
}

// ---------------------------------------------------------------------------------------
// PKCS#7
// ---------------------------------------------------------------------------------------

Bytes pkcs7Pad(std::span<const std::uint8_t> data, std::size_t blockSize)
{
    if (blockSize == 0 || blockSize > 255)
        throw CryptoError("PKCS#7 block size must be 1 to 255 bytes");
    const std::size_t n = blockSize - data.size() % blockSize;
    Bytes out(data.begin(), data.end());
    out.insert(out.end(), n, std::uint8_t(n));
    return out;
}

Bytes pkcs7Unpad(std::span<const std::uint8_t> data, std::size_t blockSize)
{
    if (data.empty() || data.size() % blockSize != 0)
        throw CryptoError("PKCS#7 padded data must be a non-empty multiple of " +
                          std::to_string(blockSize) + " bytes");
    const std::uint8_t n = data.back();
    if (n == 0 || n > blockSize)
        throw CryptoError("PKCS#7 padding is malformed (last byte " + std::to_string(n) + ")");
    for (std::size_t i = data.size() - n; i < data.size(); ++i)
        if (data[i] != n)
            throw CryptoError("PKCS#7 padding is malformed (bytes differ)");
    return Bytes(data.begin(), data.end() - n);
}

} // namespace wb::crypto
