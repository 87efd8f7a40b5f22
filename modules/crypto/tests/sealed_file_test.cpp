// The password-protected file format: round trip, tamper and wrong-password detection,
// and that failures leave nothing behind and never touch the input.
#include "crypto/core/sealed_file.h"

#include "crypto/core/hash.h"
#include "crypto/core/tutorial_file.h"
#include "workbench/core/rng.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace wb::crypto;
namespace fs = std::filesystem;

namespace {

class CryptoSealedFile : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() /
                ("wb-crypto-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_options.iterations = 1000; // the minimum: keeps the tests fast
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string path(const std::string &name) const { return (m_dir / name).string(); }

    static void write(const std::string &p, const Bytes &data)
    {
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char *>(data.data()), std::streamsize(data.size()));
    }
    static Bytes read(const std::string &p)
    {
        std::ifstream f(p, std::ios::binary);
        return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    }
    std::size_t fileCount() const
    {
        return std::size_t(std::distance(fs::directory_iterator(m_dir), fs::directory_iterator()));
    }

    fs::path m_dir;
    SealOptions m_options;
    const Bytes m_password = toBytes("correct horse battery staple");
};

Bytes pattern(std::size_t n)
{
    wb::Rng rng(n);
    Bytes m(n);
    for (auto &b : m)
        b = std::uint8_t(rng.next());
    return m;
}

} // namespace

TEST_F(CryptoSealedFile, RoundTripExactBytes)
{
    for (std::size_t n : {0u, 1u, 7u, 8u, 36u, 1000u, (1u << 20) + 3}) {
        const Bytes plain = pattern(n);
        write(path("in"), plain);
        ASSERT_TRUE(encryptFile(path("in"), path("enc"), m_password, m_options));
        EXPECT_EQ(fs::file_size(path("enc")), kSealedHeaderSize + n + kSealedTagSize);
        ASSERT_TRUE(decryptFile(path("enc"), path("dec"), m_password, m_options));
        EXPECT_EQ(read(path("dec")), plain) << n; // no padding: the exact bytes come back
        fs::remove(path("enc"));
        fs::remove(path("dec"));
        EXPECT_EQ(fileCount(), 1u); // no temporary files left behind
    }
}

TEST_F(CryptoSealedFile, SaltAndIvAreFreshPerFile)
{
    write(path("in"), pattern(64));
    encryptFile(path("in"), path("a"), m_password, m_options);
    encryptFile(path("in"), path("b"), m_password, m_options);
    EXPECT_NE(read(path("a")), read(path("b")));
}

TEST_F(CryptoSealedFile, WrongPasswordWritesNothing)
{
    write(path("in"), pattern(500));
    encryptFile(path("in"), path("enc"), m_password, m_options);
    EXPECT_THROW(decryptFile(path("enc"), path("dec"), toBytes("wrong"), m_options),
                 AuthenticationError);
    EXPECT_FALSE(fs::exists(path("dec")));
    EXPECT_EQ(fileCount(), 2u);
}

TEST_F(CryptoSealedFile, EveryChangedByteIsDetected)
{
    const Bytes plain = pattern(100);
    write(path("in"), plain);
    encryptFile(path("in"), path("enc"), m_password, m_options);
    const Bytes sealed = read(path("enc"));
    // Ciphertext and tag bytes must fail authentication; header bytes fail either the
    // format check or authentication (a changed salt or IV changes the keys or data).
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes changed = sealed;
        changed[i] ^= 0x01;
        write(path("bad"), changed);
        EXPECT_THROW(decryptFile(path("bad"), path("dec"), m_password, m_options), CryptoError)
            << "byte " << i;
        ASSERT_FALSE(fs::exists(path("dec"))) << "byte " << i;
    }
    // Truncation and appended bytes.
    write(path("bad"), Bytes(sealed.begin(), sealed.end() - 1));
    EXPECT_THROW(decryptFile(path("bad"), path("dec"), m_password, m_options), CryptoError);
    Bytes longer = sealed;
    longer.push_back(0);
    write(path("bad"), longer);
    EXPECT_THROW(decryptFile(path("bad"), path("dec"), m_password, m_options),
                 AuthenticationError);
    EXPECT_FALSE(fs::exists(path("dec")));
    EXPECT_EQ(fileCount(), 3u); // in, enc, bad
}

TEST_F(CryptoSealedFile, NotOurFormat)
{
    write(path("plain"), toBytes("this content needs to be encrypted.\n"));
    EXPECT_THROW(decryptFile(path("plain"), path("dec"), m_password, m_options), CryptoError);
    write(path("short"), toBytes("WBEF"));
    EXPECT_THROW(decryptFile(path("short"), path("dec"), m_password, m_options), CryptoError);
    EXPECT_FALSE(fs::exists(path("dec")));
}

TEST_F(CryptoSealedFile, NeverOverwritesInputOrExistingOutput)
{
    const Bytes plain = pattern(300);
    write(path("in"), plain);
    EXPECT_THROW(encryptFile(path("in"), path("in"), m_password, m_options), IoError);
    m_options.overwrite = true;
    EXPECT_THROW(encryptFile(path("in"), path("in"), m_password, m_options), IoError);
    fs::create_hard_link(path("in"), path("alias"));
    EXPECT_THROW(encryptFile(path("in"), path("alias"), m_password, m_options), IoError);
    EXPECT_EQ(read(path("in")), plain);

    m_options.overwrite = false;
    write(path("existing"), toBytes("keep me"));
    EXPECT_THROW(encryptFile(path("in"), path("existing"), m_password, m_options), IoError);
    EXPECT_EQ(read(path("existing")), toBytes("keep me"));
    m_options.overwrite = true;
    EXPECT_TRUE(encryptFile(path("in"), path("existing"), m_password, m_options));
    EXPECT_TRUE(decryptFile(path("existing"), path("out"), m_password, m_options));
    EXPECT_EQ(read(path("out")), plain);
}

TEST_F(CryptoSealedFile, CancelLeavesNothing)
{
    write(path("in"), pattern(3u << 20));
    m_options.progress = [](std::uint64_t done, std::uint64_t) {
        return done < (1u << 20);
    };
    EXPECT_FALSE(encryptFile(path("in"), path("enc"), m_password, m_options));
    EXPECT_EQ(fileCount(), 1u);
}

TEST_F(CryptoSealedFile, BadArguments)
{
    write(path("in"), pattern(10));
    EXPECT_THROW(encryptFile(path("in"), path("enc"), Bytes{}, m_options), CryptoError);
    EXPECT_THROW(encryptFile(path("missing"), path("enc"), m_password, m_options), IoError);
    m_options.iterations = 10;
    EXPECT_THROW(encryptFile(path("in"), path("enc"), m_password, m_options), CryptoError);
    EXPECT_EQ(fileCount(), 1u);
}

// ---------------------------------------------------------------------------------------
// The tutorial's scheme, for contrast: spaces appear and are never removed.
// ---------------------------------------------------------------------------------------

TEST(CryptoTutorialFile, SpacePaddingSurvivesTheRoundTrip)
{
    const Bytes line = toBytes("this content needs to be encrypted.\n");
    const Bytes key = toBytes("abcdefghijklmnopqrstuvwx"), iv = toBytes("12345678");
    const Bytes encrypted = tutorialEncrypt(line, key, iv);
    ASSERT_EQ(encrypted.size(), 48u);
    // CFB-8 is a stream: the first 36 bytes are the brief's unpadded vector.
    EXPECT_EQ(toHex(std::span<const std::uint8_t>(encrypted.data(), 36)),
              "949c8242d26c42118cf1e5bf6e422f29a12b9e2d30876990ce139315dd014dc97508834b");
    Bytes expected = line;
    expected.insert(expected.end(), 12, ' ');
    EXPECT_EQ(tutorialDecrypt(encrypted, key, iv), expected);
    EXPECT_EQ(tutorialSpacePad(Bytes(32, 'x')).size(), 32u);
}
