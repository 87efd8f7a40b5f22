#include "crypto/core/tutorial_file.h"

#include "crypto/core/des.h"
#include "crypto/core/modes.h"

#include <algorithm>

namespace wb::crypto {

Bytes tutorialSpacePad(std::span<const std::uint8_t> chunk)
{
    Bytes out(chunk.begin(), chunk.end());
    if (out.size() % 16 != 0)
        out.resize(out.size() + 16 - out.size() % 16, ' ');
    return out;
}

namespace {
Bytes runChunks(std::span<const std::uint8_t> data, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> iv, std::size_t chunkSize, Direction dir)
{
    if (chunkSize == 0)
        throw CryptoError("the chunk size must be at least 1 byte");
    DesModeCipher cipher(DesCipher::tripleDes(key), Mode::Cfb8, dir, iv);
    Bytes out;
    for (std::size_t at = 0; at < data.size(); at += chunkSize) {
        const auto chunk = data.subspan(at, std::min(chunkSize, data.size() - at));
        const Bytes processed =
            cipher.process(dir == Direction::Encrypt ? tutorialSpacePad(chunk)
                                                     : Bytes(chunk.begin(), chunk.end()));
        out.insert(out.end(), processed.begin(), processed.end());
    }
    return out;
}
} // namespace

Bytes tutorialEncrypt(std::span<const std::uint8_t> content, std::span<const std::uint8_t> key,
                      std::span<const std::uint8_t> iv, std::size_t chunkSize)
{
    return runChunks(content, key, iv, chunkSize, Direction::Encrypt);
}

Bytes tutorialDecrypt(std::span<const std::uint8_t> encrypted, std::span<const std::uint8_t> key,
                      std::span<const std::uint8_t> iv, std::size_t chunkSize)
{
    return runChunks(encrypted, key, iv, chunkSize, Direction::Decrypt);
}

} // namespace wb::crypto
