#pragma once
// The tutorial's file encryption, reproduced to show its pitfall (sealed_file.h is the fix):
// one Triple-DES CFB-8 object per file, the input read in chunks, and every chunk whose
// length is not a multiple of 16 padded with spaces (0x20) before encryption. Decryption
// never removes them: the 36-byte line "this content needs to be encrypted.\n" comes back as
// 48 bytes, the line plus 12 spaces. (CFB-8 needs no padding at all, Triple-DES's block is
// 8 bytes, not 16, and a file that really ends in spaces cannot be told apart.)

#include "crypto/core/bytes.h"

#include <cstddef>
#include <span>

namespace wb::crypto {

// `chunk` plus spaces up to the next multiple of 16 (unchanged if already a multiple).
Bytes tutorialSpacePad(std::span<const std::uint8_t> chunk);

// The whole file in memory, chunk by chunk as the tutorial does; key 16/24 bytes, IV 8 bytes.
Bytes tutorialEncrypt(std::span<const std::uint8_t> content, std::span<const std::uint8_t> key,
                      std::span<const std::uint8_t> iv, std::size_t chunkSize = 8192);
Bytes tutorialDecrypt(std::span<const std::uint8_t> encrypted, std::span<const std::uint8_t> key,
                      std::span<const std::uint8_t> iv, std::size_t chunkSize = 8192);

} // namespace wb::crypto
