// Fuzz target: the tutorial's file scheme (tutorial_file.h) and the PKCS#7 padding that
// replaces its space padding (modes.h). Neither has a header to parse, but both take
// untrusted bytes and sizes: the key, the IV, the chunk size and the data.
//
// Input: [key choice: 1][chunk size: 2][key: 24][IV choice: 1][IV: 8][data: rest, <= 1 KiB].
// Invariants:
// - a key that is not 16 or 24 bytes, an IV that is not 8 bytes or a chunk size of 0 is
//   refused with CryptoError, never anything else;
// - decryption returns exactly as many bytes as it is given (CFB-8 is a stream mode);
// - decrypt(encrypt(data)) is data with every chunk space-padded to a multiple of 16: the
//   pitfall the lesson shows, and nothing else;
// - pkcs7Unpad either refuses with CryptoError or returns r with pkcs7Pad(r) == data, and
//   pkcs7Unpad(pkcs7Pad(data)) == data, for 8- and 16-byte blocks.

#include "fuzz_support.h"

#include "crypto/core/modes.h"
#include "crypto/core/tutorial_file.h"

#include <algorithm>

namespace {

using wb::crypto::Bytes;
constexpr std::size_t kMaxData = 1024;

bool refused(auto &&call)
{
    try {
        call();
    } catch (const wb::crypto::CryptoError &) {
        return true;
    }
    return false;
}

void checkPkcs7(std::span<const std::uint8_t> data, std::size_t blockSize)
{
    using namespace wb::crypto;
    Bytes unpadded;
    if (!refused([&] { unpadded = pkcs7Unpad(data, blockSize); })) {
        const Bytes again = pkcs7Pad(unpadded, blockSize);
        FUZZ_CHECK(std::equal(again.begin(), again.end(), data.begin(), data.end()));
    }
    const Bytes padded = pkcs7Pad(data, blockSize);
    FUZZ_CHECK(padded.size() % blockSize == 0 && padded.size() > data.size());
    const Bytes back = pkcs7Unpad(padded, blockSize);
    FUZZ_CHECK(std::equal(back.begin(), back.end(), data.begin(), data.end()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace wb::crypto;
    wb::fuzz::InputReader in(data, size);
    const std::uint8_t keyChoice = in.byte();
    const std::size_t chunkSize = in.u16() % 600; // 0 must be refused
    const auto keyBytes = in.take(24);
    const std::uint8_t ivChoice = in.byte();
    const auto ivBytes = in.take(8);
    const auto content = in.take(kMaxData);

    // Mostly valid sizes, sometimes not: 16, 24, or any length 0..24.
    const std::size_t keyLength = keyChoice % 4 == 0   ? 16
                                  : keyChoice % 4 == 1 ? 24
                                                       : (keyChoice >> 2) % 25;
    const auto key = keyBytes.first(std::min(keyLength, keyBytes.size()));
    // Mostly the 8 bytes read, sometimes a length 0..8.
    const auto iv = ivBytes.first(ivChoice % 8 == 0
                                      ? std::min<std::size_t>((ivChoice >> 3) % 9, ivBytes.size())
                                      : ivBytes.size());
    const bool valid = (key.size() == 16 || key.size() == 24) && iv.size() == 8 && chunkSize > 0;

    Bytes decrypted, encrypted;
    FUZZ_CHECK(refused([&] { decrypted = tutorialDecrypt(content, key, iv, chunkSize); }) ==
               !valid);
    FUZZ_CHECK(refused([&] { encrypted = tutorialEncrypt(content, key, iv, chunkSize); }) ==
               !valid);
    if (valid) {
        FUZZ_CHECK(decrypted.size() == content.size());
        Bytes expected;
        for (std::size_t at = 0; at < content.size(); at += chunkSize) {
            const Bytes chunk =
                tutorialSpacePad(content.subspan(at, std::min(chunkSize, content.size() - at)));
            FUZZ_CHECK(chunk.size() % 16 == 0);
            expected.insert(expected.end(), chunk.begin(), chunk.end());
        }
        FUZZ_CHECK(tutorialDecrypt(encrypted, key, iv, chunkSize) == expected);
    }

    checkPkcs7(content, 8);
    checkPkcs7(content, 16);
    return 0;
}
