// Fuzz target: the password-protected file reader decryptFile (sealed_file.h).
//
// The first input byte picks one of two experiments; the rest feeds it.
//   even: the rest IS a file. It is decrypted with the password the seed corpus was sealed
//         with (so seeds and their near misses reach the cipher) and with a wrong one.
//   odd:  the rest is [tamper offset: 2 bytes][xor mask: 1][cut: 1][plaintext]. The plaintext
//         is sealed, decrypted (must give it back exactly), then one byte is changed and/or
//         the file shortened, and decrypted again (must fail).
// Invariants: decryptFile either succeeds, leaving an output of exactly file size - 68 bytes,
// or throws CryptoError / AuthenticationError with a message and leaves nothing behind: no
// output and no temporary file in the folder. Any other exception, or a crash, is a bug.
//
// A fuzzer cannot forge the HMAC, so in the "even" experiment a changed ciphertext always
// fails; the header checks and the size arithmetic are what it explores. PBKDF2 costs
// iteration-count work per attempt, so counts above 2000 in a fuzzed header are lowered to
// 1000..1999 before the run (the range check still sees every value out of range).

#include "fuzz_support.h"

#include "crypto/core/sealed_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using wb::crypto::Bytes;

constexpr std::string_view kPassword = "correct horse battery staple";
constexpr std::string_view kWrongPassword = "correct horse battery stable";
constexpr std::size_t kMaxPlaintext = 4096;

// One private folder per process, on tmpfs when there is one (commit() fsyncs).
const fs::path &workDir()
{
    static const fs::path dir = [] {
        const fs::path base =
            access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string pattern = (base / "wb-fuzz-sealed-XXXXXX").string();
        if (!mkdtemp(pattern.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(workDir(), ec);
        });
        return fs::path(pattern);
    }();
    return dir;
}

void writeFile(const fs::path &path, std::span<const std::uint8_t> bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
    FUZZ_CHECK(out.good());
}

Bytes readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The folder holds only `keep` (the input file).
bool onlyFileLeft(const fs::path &keep)
{
    for (const auto &entry : fs::directory_iterator(workDir()))
        if (entry.path() != keep)
            return false;
    return true;
}

enum class Outcome { Decrypted, Refused };

// Decrypts `sealed` into a fresh output and checks the all-or-nothing contract.
Outcome decrypt(const fs::path &sealed, std::string_view password)
{
    const fs::path output = workDir() / "plain";
    fs::remove(output);
    const std::uint64_t size = fs::file_size(sealed);
    try {
        const bool done = wb::crypto::decryptFile(sealed.string(), output.string(),
                                                  wb::crypto::asBytes(password));
        FUZZ_CHECK(done); // no progress callback, so it cannot be cancelled
        FUZZ_CHECK(size >= wb::crypto::kSealedHeaderSize + wb::crypto::kSealedTagSize);
        FUZZ_CHECK(fs::file_size(output) ==
                   size - wb::crypto::kSealedHeaderSize - wb::crypto::kSealedTagSize);
        return Outcome::Decrypted;
    } catch (const wb::crypto::CryptoError &e) { // AuthenticationError is one too
        FUZZ_CHECK(std::string_view(e.what()).size() > 0);
        FUZZ_CHECK(onlyFileLeft(sealed));
        return Outcome::Refused;
    }
}

// Keeps fuzzed headers cheap: an in-range iteration count above 2000 becomes 1000..1999.
void capIterations(Bytes &file)
{
    if (file.size() < 12)
        return;
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
        n = n << 8 | file[8 + i];
    if (n <= 2000 || n > 10'000'000)
        return;
    n = 1000 + n % 1000;
    for (int i = 0; i < 4; ++i)
        file[8 + i] = std::uint8_t(n >> (24 - 8 * i));
}

void readArbitraryFile(std::span<const std::uint8_t> content)
{
    Bytes file(content.begin(), content.end());
    capIterations(file);
    const fs::path sealed = workDir() / "sealed";
    writeFile(sealed, file);
    decrypt(sealed, kPassword);
    // A valid file under another password: the tag check refuses it.
    const Outcome wrong = decrypt(sealed, kWrongPassword);
    FUZZ_CHECK(wrong == Outcome::Refused);
}

void sealThenTamper(wb::fuzz::InputReader &in)
{
    std::size_t offset = in.u16();
    const std::uint8_t mask = in.byte();
    const std::uint8_t cut = in.byte();
    const auto plaintext = in.take(kMaxPlaintext);

    const fs::path plain = workDir() / "message", sealed = workDir() / "sealed";
    writeFile(plain, plaintext);
    wb::crypto::SealOptions options;
    options.iterations = 1000; // the smallest count the format allows
    FUZZ_CHECK(wb::crypto::encryptFile(plain.string(), sealed.string(),
                                       wb::crypto::asBytes(kPassword), options));
    fs::remove(plain);
    Bytes file = readFile(sealed);
    FUZZ_CHECK(file.size() ==
               plaintext.size() + wb::crypto::kSealedHeaderSize + wb::crypto::kSealedTagSize);

    FUZZ_CHECK(decrypt(sealed, kPassword) == Outcome::Decrypted);
    const Bytes back = readFile(workDir() / "plain");
    FUZZ_CHECK(back.size() == plaintext.size() &&
               std::equal(back.begin(), back.end(), plaintext.begin()));
    FUZZ_CHECK(decrypt(sealed, kWrongPassword) == Outcome::Refused);

    if (mask == 0 && cut == 0)
        return;
    if (mask != 0) {
        offset %= file.size();
        if (offset == 9 || offset == 10)
            offset = 11; // keep a changed iteration count small (see capIterations)
        file[offset] ^= mask;
    }
    file.resize(file.size() - std::min<std::size_t>(cut, file.size()));
    writeFile(sealed, file);
    FUZZ_CHECK(decrypt(sealed, kPassword) == Outcome::Refused);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    wb::fuzz::InputReader in(data, size);
    if (in.byte() % 2 == 0)
        readArbitraryFile(in.rest());
    else
        sealThenTamper(in);
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(workDir(), ec))
        fs::remove(entry.path(), ec);
    return 0;
}
