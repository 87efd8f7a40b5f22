#include "crypto/core/sealed_file.h"
#include "crypto/core/output_file.h"

#include "crypto/core/des.h"
#include "crypto/core/hmac.h"
#include "crypto/core/modes.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace wb::crypto {
namespace {

constexpr std::uint8_t kMagic[4] = {'W', 'B', 'E', 'F'};
constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kCipherTripleDesCfb64 = 1;
constexpr std::uint8_t kKdfPbkdf2Sha256 = 1;
constexpr std::uint32_t kMinIterations = 1000;
constexpr std::uint32_t kMaxIterations = 10'000'000;
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kCipherKeySize = 24, kMacKeySize = 32;

std::string errnoText()
{
    return std::strerror(errno);
}

// An open file descriptor, closed on scope exit.
class Fd
{
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&other) noexcept : m_fd(other.release()) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

Fd openInput(const std::string &path, struct stat &st)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        throw IoError("cannot open '" + path + "': " + errnoText());
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw IoError("'" + path + "' is not a regular file");
    return fd;
}

// Reads up to n bytes, fewer only at end of file.
std::size_t readFully(int fd, std::uint8_t *p, std::size_t n, const std::string &path)
{
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::read(fd, p + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            throw IoError("cannot read '" + path + "': " + errnoText());
        }
        if (r == 0)
            break;
        got += std::size_t(r);
    }
    return got;
}

struct DerivedKeys
{
    Bytes cipherKey, macKey;
    ~DerivedKeys()
    {
        secureWipe(cipherKey);
        secureWipe(macKey);
    }
};

DerivedKeys deriveKeys(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                       std::uint32_t iterations)
{
    Bytes material = pbkdf2HmacSha256(password, salt, iterations, kCipherKeySize + kMacKeySize);
    DerivedKeys keys{Bytes(material.begin(), material.begin() + kCipherKeySize),
                     Bytes(material.begin() + kCipherKeySize, material.end())};
    secureWipe(material);
    return keys;
}

void checkPassword(std::span<const std::uint8_t> password)
{
    if (password.empty())
        throw CryptoError("the password is empty; put it in the password file");
}

} // namespace

// ---------------------------------------------------------------------------------------
// Encrypt: header, Triple-DES CFB-64 ciphertext, HMAC-SHA256 over both
// ---------------------------------------------------------------------------------------

bool encryptFile(const std::string &input, const std::string &output,
                 std::span<const std::uint8_t> password, const SealOptions &options)
{
    checkPassword(password);
    if (options.iterations < kMinIterations || options.iterations > kMaxIterations)
        throw CryptoError("the PBKDF2 iteration count must be 1000 to 10000000");
    struct stat inputStat
    {
    };
    Fd in = openInput(input, inputStat);
    checkOutput(output, {&inputStat, 1}, {&input, 1}, options.overwrite);

    std::uint8_t header[kSealedHeaderSize] = {};
    std::memcpy(header, kMagic, 4);
    header[4] = kVersion;
    header[5] = kCipherTripleDesCfb64;
    header[6] = kKdfPbkdf2Sha256;
    for (int i = 0; i < 4; ++i)
        header[8 + i] = std::uint8_t(options.iterations >> (24 - 8 * i));
    randomBytes(std::span<std::uint8_t>(header + 12, kSaltSize));
    randomBytes(std::span<std::uint8_t>(header + 28, 8));

    const DerivedKeys keys = deriveKeys(
        password, std::span<const std::uint8_t>(header + 12, kSaltSize), options.iterations);
    DesModeCipher cipher(DesCipher::tripleDes(keys.cipherKey), Mode::Cfb64, Direction::Encrypt,
                         std::span<const std::uint8_t>(header + 28, 8));
    Hmac mac(HashAlg::Sha256, keys.macKey);

    OutputFile out(output, options.overwrite);
    out.write(header);
    mac.update(std::span<const std::uint8_t>(header, sizeof header));
    Bytes buffer(kChecksumChunk);
    const std::uint64_t total = std::uint64_t(inputStat.st_size);
    std::uint64_t done = 0;
    for (;;) {
        const std::size_t n = readFully(in.get(), buffer.data(), buffer.size(), input);
        if (n == 0)
            break;
        cipher.process(std::span<const std::uint8_t>(buffer.data(), n), buffer.data());
        mac.update(std::span<const std::uint8_t>(buffer.data(), n));
        out.write({buffer.data(), n});
        done += n;
        if (options.progress && !options.progress(done, total))
            return false;
    }
    const Bytes tag = mac.final();
    out.write(tag);
    out.commit();
    return true;
}

// ---------------------------------------------------------------------------------------
// Decrypt: verify the tag over the whole file first, then decrypt while verifying again
// (the file could change between the passes), and rename only if both checks pass.
// ---------------------------------------------------------------------------------------

bool decryptFile(const std::string &input, const std::string &output,
                 std::span<const std::uint8_t> password, const SealOptions &options)
{
    checkPassword(password);
    struct stat inputStat
    {
    };
    Fd in = openInput(input, inputStat);
    checkOutput(output, {&inputStat, 1}, {&input, 1}, options.overwrite);

    const std::uint64_t size = std::uint64_t(inputStat.st_size);
    std::uint8_t header[kSealedHeaderSize];
    if (size < kSealedHeaderSize + kSealedTagSize ||
        readFully(in.get(), header, sizeof header, input) != sizeof header ||
        std::memcmp(header, kMagic, 4) != 0)
        throw CryptoError("'" + input +
                          "' is not a file made by crypto encrypt-file "
                          "(missing header or too short)");
    if (header[4] != kVersion || header[5] != kCipherTripleDesCfb64 ||
        header[6] != kKdfPbkdf2Sha256 || header[7] != 0)
        throw CryptoError("'" + input +
                          "' uses an unknown format version, cipher or key "
                          "derivation; it was made by a newer or different program");
    std::uint32_t iterations = 0;
    for (int i = 0; i < 4; ++i)
        iterations = iterations << 8 | header[8 + i];
    if (iterations < kMinIterations || iterations > kMaxIterations)
        throw CryptoError("'" + input + "' has an invalid PBKDF2 iteration count");

    const DerivedKeys keys =
        deriveKeys(password, std::span<const std::uint8_t>(header + 12, kSaltSize), iterations);
    const std::uint64_t cipherLength = size - kSealedHeaderSize - kSealedTagSize;
    Bytes buffer(kChecksumChunk);
    std::uint8_t storedTag[kSealedTagSize];

    // One pass over the ciphertext; `sink` (may be null) receives the plaintext.
    auto pass = [&](OutputFile *sink) -> bool {
        if (::lseek(in.get(), off_t(kSealedHeaderSize), SEEK_SET) < 0)
            throw IoError("cannot read '" + input + "': " + errnoText());
        Hmac mac(HashAlg::Sha256, keys.macKey);
        mac.update(std::span<const std::uint8_t>(header, sizeof header));
        DesModeCipher cipher(DesCipher::tripleDes(keys.cipherKey), Mode::Cfb64, Direction::Decrypt,
                             std::span<const std::uint8_t>(header + 28, 8));
        std::uint64_t left = cipherLength;
        while (left > 0) {
            const std::size_t want = std::size_t(std::min<std::uint64_t>(left, buffer.size()));
            if (readFully(in.get(), buffer.data(), want, input) != want)
                throw AuthenticationError("'" + input + "' changed while it was being read");
            mac.update(std::span<const std::uint8_t>(buffer.data(), want));
            if (sink) {
                cipher.process(std::span<const std::uint8_t>(buffer.data(), want), buffer.data());
                sink->write({buffer.data(), want});
            }
            left -= want;
            if (sink && options.progress && !options.progress(cipherLength - left, cipherLength))
                return false;
        }
        if (readFully(in.get(), storedTag, kSealedTagSize, input) != kSealedTagSize)
            throw AuthenticationError("'" + input + "' changed while it was being read");
        const Bytes tag = mac.final();
        if (!constantTimeEqual(tag, std::span<const std::uint8_t>(storedTag, kSealedTagSize)))
            throw AuthenticationError("wrong password, or '" + input +
                                      "' was modified or damaged; nothing was written");
        return true;
    };

    pass(nullptr);
    OutputFile out(output, options.overwrite);
    if (!pass(&out))
        return false;
    out.commit();
    return true;
}

} // namespace wb::crypto
