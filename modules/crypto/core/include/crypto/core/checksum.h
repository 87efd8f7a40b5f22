#pragma once
// File checksums: any file size in constant memory (one 1 MiB buffer), every requested
// algorithm fed from the same read, so a file is read once for all five digests.

#include "crypto/core/bytes.h"
#include "crypto/core/hash.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wb::crypto {

// Called after each chunk with bytes done and the file size (0 if unknown); return false to
// cancel.
using Progress = std::function<bool(std::uint64_t done, std::uint64_t total)>;

inline constexpr std::size_t kChecksumChunk = 1 << 20;

// One digest per entry of `algs`, in that order; nullopt when `progress` cancelled.
// IoError when the file cannot be opened or read.
std::optional<std::vector<Bytes>> checksumFile(const std::string &path,
                                               std::span<const HashAlg> algs,
                                               const Progress &progress = {});

} // namespace wb::crypto
