// `workbench-cli crypto rsa ...` end to end against the openssl command-line tool: our keys
// in OpenSSL, OpenSSL's keys in ours, signatures and OAEP ciphertexts both ways, and bad
// input -> a sentence on stderr, a non-zero exit, and no file touched.
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using wb::test::RunResult;

namespace {

class CryptoRsaCli : public wb::test::CliTest
{
protected:
    void SetUp() override
    {
        CliTest::SetUp();
        ASSERT_EQ(wb::test::run({"openssl", "version"}).code, 0) << "openssl not on PATH";
    }
    RunResult rsa(const std::vector<std::string> &args) const
    {
        std::vector<std::string> argv{"crypto", "rsa"};
        argv.insert(argv.end(), args.begin(), args.end());
        return cli(argv);
    }
    // openssl with `args` (plain words), in the test's folder.
    void openssl(const std::string &args) const
    {
        const RunResult r = run(wb::test::shellWords("openssl " + args));
        ASSERT_EQ(r.code, 0) << "openssl " << args << "\n" << r.err;
    }
    void ok(const std::vector<std::string> &args) const
    {
        const RunResult r = rsa(args);
        ASSERT_EQ(r.code, 0) << r.err;
    }
    void expectError(const std::vector<std::string> &args, int code,
                     const std::string &needle) const
    {
        wb::test::expectCliFailure(rsa(args), code, "crypto", needle);
    }
};

} // namespace

TEST_F(CryptoRsaCli, OurKeysWorkInOpenSsl)
{
    write("msg.txt", "abcdefgh\n");
    const RunResult gen = rsa({"genkey", "--bits", "2048", "--out", "key.pem"});
    ASSERT_EQ(gen.code, 0) << gen.err;
    EXPECT_NE(gen.out.find("2048-bit"), std::string::npos);
    struct stat st
    {
    };
    ASSERT_EQ(::stat(path("key.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << "a private key must not be readable by others";
    openssl("pkey -in key.pem -check -noout");
    openssl("pkey -in key.pem -text -noout -out key.txt");
    EXPECT_NE(read("key.txt").find("Private-Key: (2048 bit, 2 primes)"), std::string::npos);
    ok({"pubkey", "--key", "key.pem", "--out", "pub.pem"});
    openssl("pkey -pubin -in pub.pem -noout");
    openssl("pkey -in key.pem -pubout -out pub-openssl.pem");
    EXPECT_EQ(read("pub.pem"), read("pub-openssl.pem"));

    // Our signature verifies in OpenSSL and equals OpenSSL's (PKCS#1 v1.5 is deterministic).
    ok({"sign", "--key", "key.pem", "--in", "msg.txt", "--out", "msg.sig"});
    openssl("dgst -sha256 -verify pub.pem -signature msg.sig msg.txt");
    openssl("dgst -sha256 -sign key.pem -out msg-openssl.sig msg.txt");
    EXPECT_EQ(read("msg.sig"), read("msg-openssl.sig"));

    // OAEP: ours -> OpenSSL, OpenSSL -> ours.
    ok({"encrypt", "--key", "pub.pem", "--padding", "oaep", "--in", "msg.txt", "--out", "c1"});
    openssl("pkeyutl -decrypt -inkey key.pem -pkeyopt rsa_padding_mode:oaep "
            "-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in c1 -out p1");
    EXPECT_EQ(read("p1"), "abcdefgh\n");
    openssl("pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:oaep "
            "-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256 -in msg.txt -out c2");
    ok({"decrypt", "--key", "key.pem", "--padding", "oaep", "--in", "c2", "--out", "p2"});
    EXPECT_EQ(read("p2"), "abcdefgh\n");
}

TEST_F(CryptoRsaCli, OpenSslKeysWorkInOurs)
{
    write("msg.txt", std::string(5000, 'x') + "end");
    openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem");
    openssl("pkey -in key.pem -pubout -out pub.pem");
    openssl("dgst -sha256 -sign key.pem -out msg.sig msg.txt");
    const RunResult valid =
        rsa({"verify", "--key", "pub.pem", "--in", "msg.txt", "--sig", "msg.sig"});
    EXPECT_EQ(valid.code, 0) << valid.err;
    EXPECT_EQ(valid.out, "signature valid\n");
    // A private key works for verify too (its public half is used).
    ok({"verify", "--key", "key.pem", "--in", "msg.txt", "--sig", "msg.sig"});

    // One changed byte in the file: exit 1.
    write("tampered.txt", std::string(5000, 'x') + "enD");
    const RunResult bad =
        rsa({"verify", "--key", "pub.pem", "--in", "tampered.txt", "--sig", "msg.sig"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_EQ(bad.out, "signature invalid\n");

    // The traditional PKCS#1 form is read too.
    openssl("pkey -in key.pem -traditional -out key-pkcs1.pem");
    ASSERT_NE(read("key-pkcs1.pem").find("BEGIN RSA PRIVATE KEY"), std::string::npos);
    ok({"sign", "--key", "key-pkcs1.pem", "--in", "msg.txt", "--out", "ours.sig"});
    EXPECT_EQ(read("ours.sig"), read("msg.sig"));

    // Textbook (--padding none) equals OpenSSL's raw RSA on a full-length block.
    std::string block(384, '\0');
    block.replace(384 - 8, 8, "abcdefgh");
    write("block", block);
    ok({"encrypt", "--key", "pub.pem", "--padding", "none", "--in", "block", "--out", "c"});
    openssl("pkeyutl -decrypt -inkey key.pem -pkeyopt rsa_padding_mode:none -in c -out p");
    EXPECT_EQ(read("p"), block);
    ok({"decrypt", "--key", "key.pem", "--padding", "none", "--in", "c", "--out", "p-ours"});
    EXPECT_EQ(read("p-ours"), "abcdefgh"); // leading zeros dropped, as in the tutorial
}

TEST_F(CryptoRsaCli, ToyKeysAndTheTutorialSizes)
{
    ok({"genkey", "--bits", "64", "--out", "toy.pem"});
    openssl("pkey -in toy.pem -check -noout");
    ok({"genkey", "--bits", "16", "--e", "17", "--out", "tiny.pem"});
    write("m", "A");
    ok({"encrypt", "--key", "tiny.pem", "--padding", "none", "--in", "m", "--out", "c"});
    ok({"decrypt", "--key", "tiny.pem", "--padding", "none", "--in", "c", "--out", "p"});
    EXPECT_EQ(read("p"), "A");
    expectError({"encrypt", "--key", "toy.pem", "--in", "m", "--out", "c2"}, 2, "OAEP");
    expectError({"sign", "--key", "toy.pem", "--in", "m", "--out", "s"}, 2, "at least 62 bytes");
}

TEST_F(CryptoRsaCli, BadInputIsRefusedAndNothingIsLost)
{
    openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out key.pem");
    openssl("pkey -in key.pem -pubout -out pub.pem");
    openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem");
    write("msg.txt", "hello");
    write("junk.pem", "-----BEGIN PRIVATE KEY-----\nnot*base64\n-----END PRIVATE KEY-----\n");

    expectError({"genkey", "--bits", "15", "--out", "k"}, 2, "--bits must be an even number");
    expectError({"genkey", "--bits", "abc", "--out", "k"}, 2, "--bits");
    expectError({"genkey", "--out", "k"}, 2, "needs --bits");
    expectError({"genkey", "--bits", "16", "--out", "k"}, 2, "public exponent");
    expectError({"frobnicate"}, 2, "unknown rsa command");
    expectError({"sign", "--key", "junk.pem", "--in", "msg.txt", "--out", "s"}, 2, "base64");
    expectError({"sign", "--key", "ec.pem", "--in", "msg.txt", "--out", "s"}, 2, "EC key");
    expectError({"sign", "--key", "pub.pem", "--in", "msg.txt", "--out", "s"}, 2,
                "needs a private key");
    expectError({"decrypt", "--key", "pub.pem", "--in", "msg.txt", "--out", "s"}, 2,
                "needs a private key");
    expectError({"sign", "--key", "missing.pem", "--in", "msg.txt", "--out", "s"}, 3,
                "cannot open");
    expectError(
        {"encrypt", "--key", "pub.pem", "--padding", "pkcs1", "--in", "msg.txt", "--out", "s"}, 2,
        "--padding must be oaep");
    write("long", std::string(100, 'a'));
    expectError({"encrypt", "--key", "pub.pem", "--in", "long", "--out", "c"}, 2, "at most 62");
    write("big", std::string(128, '\xff')); // k bytes, but above any 1024-bit n
    expectError({"encrypt", "--key", "pub.pem", "--padding", "none", "--in", "big", "--out", "c"},
                2, "not smaller than the modulus");
    EXPECT_FALSE(fs::exists(path("s")));
    EXPECT_FALSE(fs::exists(path("c")));

    // A ciphertext that was changed: exit 1, nothing written.
    ok({"encrypt", "--key", "pub.pem", "--in", "msg.txt", "--out", "c"});
    std::string c = read("c");
    c[10] ^= 1;
    write("c-bad", c);
    expectError({"decrypt", "--key", "key.pem", "--in", "c-bad", "--out", "p"}, 1,
                "OAEP decryption failed");
    EXPECT_FALSE(fs::exists(path("p")));

    // Outputs: never the input, never an existing file without --force, no temp files left.
    const std::string keyBefore = read("key.pem");
    expectError({"sign", "--key", "key.pem", "--in", "msg.txt", "--out", "key.pem", "--force"}, 3,
                "is the input file");
    expectError({"sign", "--key", "key.pem", "--in", "msg.txt", "--out", "msg.txt", "--force"}, 3,
                "is the input file");
    EXPECT_EQ(read("key.pem"), keyBefore);
    EXPECT_EQ(read("msg.txt"), "hello");
    write("existing.sig", "keep me");
    expectError({"sign", "--key", "key.pem", "--in", "msg.txt", "--out", "existing.sig"}, 3,
                "already exists");
    EXPECT_EQ(read("existing.sig"), "keep me");
    ok({"sign", "--key", "key.pem", "--in", "msg.txt", "--out", "existing.sig", "--force"});
    openssl("dgst -sha256 -verify pub.pem -signature existing.sig msg.txt");
    expectError({"genkey", "--bits", "512", "--out", "key.pem"}, 3, "already exists");
    EXPECT_EQ(read("key.pem"), keyBefore);
    for (const auto &entry : fs::directory_iterator(m_dir))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
            << entry.path();

    // A signature of the wrong length: invalid (exit 1) with an explanation.
    write("short.sig", "abc");
    const RunResult r =
        rsa({"verify", "--key", "pub.pem", "--in", "msg.txt", "--sig", "short.sig"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("128-byte signatures"), std::string::npos) << r.err;
}
