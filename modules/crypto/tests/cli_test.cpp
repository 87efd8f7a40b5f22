// `workbench-cli crypto ...` end to end: the command forms with the brief's values,
// and bad input -> one clear sentence on stderr and a non-zero exit.
#include "crypto/core/bytes.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using wb::test::RunResult;
using wb::test::slurp;

namespace {

class CryptoCli : public wb::test::CliTest
{
protected:
    RunResult run(std::vector<std::string> args) const
    {
        args.insert(args.begin(), "crypto");
        return cli(args);
    }
    void expectError(const std::vector<std::string> &args, int code, const std::string &needle)
    {
        wb::test::expectCliFailure(run(args), code, "crypto", needle);
    }
};

} // namespace

TEST_F(CryptoCli, HashForms)
{
    EXPECT_EQ(run({"hash", "md5", "--text", "abc"}).out, "900150983cd24fb0d6963f7d28e17f72\n");
    EXPECT_EQ(run({"hash", "md2", "--text", "abc"}).out, "da853b0d3f88d99b30283a69e6ded6bb\n");
    EXPECT_EQ(run({"hash", "md4", "--hex", "616263"}).out, "a448017aaf21d8525fc10ae87aa6729d\n");
    EXPECT_EQ(run({"hash", "sha1", "--text=abc"}).out,
              "a9993e364706816aba3e25717850c26c9cd0d89d\n");
    write("abc.txt", "abc");
    const RunResult r = run({"hash", "sha256", "--file", path("abc.txt")});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
}

TEST_F(CryptoCli, ChecksumLines)
{
    write("a.txt", "abc");
    write("b.txt", "abcdefgh");
    const RunResult r = run({"checksum", "--alg", "md5", path("a.txt"), path("b.txt")});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "900150983cd24fb0d6963f7d28e17f72  " + path("a.txt") + "\n" +
                         "e8dc4081b13434b45189a720b77b6818  " + path("b.txt") + "\n");
    // Default is SHA-256; a missing file is reported while the others are still printed.
    const RunResult partial = run({"checksum", path("missing"), path("a.txt")});
    EXPECT_EQ(partial.code, 3);
    EXPECT_EQ(partial.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  " +
                               path("a.txt") + "\n");
    EXPECT_NE(partial.err.find("missing"), std::string::npos);
}

TEST_F(CryptoCli, EncryptDecryptForms)
{
    EXPECT_EQ(run({"encrypt", "des", "--key", "3031323334353637", "--text", "abcdefgh"}).out,
              "ecc29ed95d2061d0\n");
    EXPECT_EQ(run({"encrypt", "des", "--mode", "ecb", "--key", "3031323334353637", "--text",
                   "abcdefghabcdefgh"})
                  .out,
              "ecc29ed95d2061d0ecc29ed95d2061d0\n");
    EXPECT_EQ(
        run({"decrypt", "des", "--key", "3031323334353637", "--hex", "ecc29ed95d2061d0"}).out,
        "6162636465666768\n");
    EXPECT_EQ(run({"encrypt", "des", "--mode", "cfb8", "--key", "3031323334353637", "--iv",
                   "0001020304050607", "--text", "abcdefghijklmnop"})
                  .out,
              "17b50cabf79c514b78fd8a36e0c6e961\n");
    EXPECT_EQ(run({"encrypt", "des", "--mode", "cfb64", "--key", "3031323334353637", "--iv",
                   "0001020304050607", "--text", "abcdefghijklmnop"})
                  .out,
              "176c8fa35420c804c31d3fc1d0841f36\n");
    EXPECT_EQ(run({"encrypt", "des3", "--mode", "cfb8", "--key",
                   "6162636465666768696a6b6c6d6e6f707172737475767778", "--iv", "3132333435363738",
                   "--text", "this content needs to be encrypted.\n"})
                  .out,
              "949c8242d26c42118cf1e5bf6e422f29a12b9e2d30876990ce139315dd014dc97508834b\n");
    EXPECT_EQ(
        run({"encrypt", "arc4", "--key", "3031323334353637", "--text", "abcdefghijklmnop"}).out,
        "f0b7907b234142585939d0369fc08c20\n");
    EXPECT_EQ(run({"decrypt", "arc4", "--key", "3031323334353637", "--hex",
                   "f0b7907b234142585939d0369fc08c20"})
                  .out,
              "6162636465666768696a6b6c6d6e6f70\n");
    EXPECT_EQ(run({"encrypt", "xor", "--key", "0102", "--hex", "000000ff"}).out, "010201fd\n");
}

TEST_F(CryptoCli, BadInputIsAClearError)
{
    expectError({"hash", "md5", "--hex", "abc"}, 2, "odd number");
    expectError({"hash", "md5", "--hex", "zz"}, 2, "non-hex");
    expectError({"hash", "sha512", "--text", "abc"}, 2, "unknown hash");
    expectError({"hash", "md5"}, 2, "exactly one of");
    expectError({"hash", "md5", "--text", "a", "--hex", "61"}, 2, "exactly one of");
    expectError({"hash", "md5", "--file", path("nope")}, 3, "cannot open");
    expectError({"hash", "md5", "--file", m_dir.string()}, 3, "directory");
    expectError({"encrypt", "des", "--key", "3031323334", "--text", "abcdefgh"}, 2, "8-byte key");
    expectError({"encrypt", "des3", "--key", "3031323334353637", "--text", "abcdefgh"}, 2,
                "16- or 24-byte key");
    expectError({"encrypt", "arc4", "--key", "", "--text", "abc"}, 2, "1 to 256 bytes");
    expectError(
        {"encrypt", "des", "--mode", "cbc", "--key", "3031323334353637", "--text", "abcdefgh"}, 2,
        "IV");
    expectError({"encrypt", "des", "--key", "3031323334353637", "--text", "abcdefghi"}, 2,
                "whole 8-byte blocks");
    expectError({"encrypt", "des", "--mode", "cbc", "--key", "3031323334353637", "--iv",
                 "0001020304050607", "--text", "abc"},
                2, "whole 8-byte blocks");
    expectError({"encrypt", "des", "--mode", "ofb", "--key", "3031323334353637", "--text", "x"}, 2,
                "unknown mode");
    expectError({"encrypt", "aes", "--key", "00", "--text", "x"}, 2, "unknown cipher");
    expectError({"encrypt", "des", "--text", "abcdefgh"}, 2, "--key");
    expectError({"encrypt", "des", "--key", "3g31323334353637", "--text", "abcdefgh"}, 2,
                "non-hex");
    expectError({"hash", "md5", "--txt", "abc"}, 2, "unknown option");
    expectError({"frobnicate"}, 2, "unknown command");
}

TEST_F(CryptoCli, FileEncryptionRoundTripAndFailures)
{
    const std::string content = "this content needs to be encrypted.\n";
    write("to_enc.txt", content);
    write("pw", "secret\n");
    write("wrong", "not the secret\n");
    const std::vector<std::string> fast = {"--iterations", "1000"};
    auto with = [&](std::vector<std::string> args, bool quick = true) {
        // decrypt-file reads the count from the file and refuses --iterations.
        if (quick && args.front() == "encrypt-file")
            args.insert(args.end(), fast.begin(), fast.end());
        return args;
    };
    RunResult r = run(with(
        {"encrypt-file", path("to_enc.txt"), path("to_enc.enc"), "--password-file", path("pw")}));
    ASSERT_EQ(r.code, 0) << r.err;
    r = run(with(
        {"decrypt-file", path("to_enc.enc"), path("to_enc.dec"), "--password-file", path("pw")}));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(slurp(path("to_enc.dec")), content); // 36 bytes, no trailing spaces

    expectError(
        with({"decrypt-file", path("to_enc.enc"), path("out"), "--password-file", path("wrong")}),
        1, "wrong password");
    EXPECT_FALSE(fs::exists(path("out")));

    std::string sealed = slurp(path("to_enc.enc"));
    sealed[40] ^= 0x20;
    write("tampered.enc", sealed);
    expectError(
        with({"decrypt-file", path("tampered.enc"), path("out"), "--password-file", path("pw")}),
        1, "modified");
    EXPECT_FALSE(fs::exists(path("out")));

    expectError(with({"encrypt-file", path("to_enc.txt"), path("to_enc.dec"), "--password-file",
                      path("pw")}),
                3, "--force");
    EXPECT_EQ(slurp(path("to_enc.dec")), content);
    expectError(with({"encrypt-file", path("to_enc.txt"), path("to_enc.txt"), "--password-file",
                      path("pw"), "--force"}),
                3, "is the input");
    EXPECT_EQ(slurp(path("to_enc.txt")), content);
    r = run(with({"encrypt-file", path("to_enc.txt"), path("to_enc.dec"), "--password-file",
                  path("pw"), "--force"}));
    EXPECT_EQ(r.code, 0) << r.err;

    expectError(with({"encrypt-file", path("missing"), path("x"), "--password-file", path("pw")}),
                3, "cannot open");
    expectError(with({"encrypt-file", path("to_enc.txt"), path("x")}), 2, "--password-file");
    expectError(
        with({"encrypt-file", path("to_enc.txt"), path("x"), "--password-file", path("nopw")}), 3,
        "password file");
    expectError(
        with({"decrypt-file", path("to_enc.txt"), path("x"), "--password-file", path("pw")}), 2,
        "not a file made by");
    // The default (slow) iteration count works too.
    r = run({"encrypt-file", path("to_enc.txt"), path("slow.enc"), "--password-file", path("pw")});
    EXPECT_EQ(r.code, 0) << r.err;
    r = run({"decrypt-file", path("slow.enc"), path("slow.dec"), "--password-file", path("pw")});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(slurp(path("slow.dec")), content);
}

TEST_F(CryptoCli, TraceJson)
{
    RunResult r = run({"trace", "md5", "--text", "abc", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("{\"alg\":\"md5\",\"result\":\"900150983cd24fb0d6963f7d28e17f72\"", 0),
              0u);
    EXPECT_NE(r.out.find("\"kind\":\"step\""), std::string::npos);
    EXPECT_NE(r.out.find("\"kind\":\"padding\""), std::string::npos);
    EXPECT_NE(r.out.find("md5.cpp"), std::string::npos);

    r = run({"trace", "des", "--key", "3031323334353637", "--text", "abcdefgh", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("\"result\":\"ecc29ed95d2061d0\""), std::string::npos);
    EXPECT_NE(r.out.find("\"kind\":\"des_round\""), std::string::npos);

    r = run({"trace", "arc4", "--key", "3031323334353637", "--text", "abc"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("arc4_ksa"), std::string::npos);
    EXPECT_NE(r.out.find("result\tf0b790"), std::string::npos);

    expectError({"trace", "rot13", "--text", "abc"}, 2, "unknown algorithm");
}
