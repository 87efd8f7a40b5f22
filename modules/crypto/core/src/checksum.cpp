#include "crypto/core/checksum.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wb::crypto {

std::optional<std::vector<Bytes>>
checksumFile(const std::string &path, std::span<const HashAlg> algs, const Progress &progress)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw IoError("cannot open '" + path + "': " + std::strerror(errno));
    struct stat st
    {
    };
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw IoError("'" + path + "' is a directory, not a file");
    }
    const std::uint64_t total = S_ISREG(st.st_mode) ? std::uint64_t(st.st_size) : 0;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    std::vector<Hasher> hashers;
    for (HashAlg alg : algs)
        hashers.emplace_back(alg);
    Bytes buffer(kChecksumChunk);
    std::uint64_t done = 0;
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            ::close(fd);
            throw IoError("cannot read '" + path + "': " + std::strerror(error));
        }
        if (n == 0)
            break;
        const std::span<const std::uint8_t> chunk(buffer.data(), std::size_t(n));
        for (Hasher &h : hashers)
            h.update(chunk);
        done += std::uint64_t(n);
        if (progress && !progress(done, total)) {
            ::close(fd);
            return std::nullopt;
        }
    }
    ::close(fd);
    std::vector<Bytes> digests;
    for (Hasher &h : hashers)
        digests.push_back(h.final());
    return digests;
}

} // namespace wb::crypto
