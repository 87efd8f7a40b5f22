// Facts the hash and cipher lessons state, each checked against a reference at test time:
// MD2 against RFC 1319's test suite and PyCryptodome (OpenSSL 3 is built without MD2), DES
// parity bits and the Triple-DES keying options against OpenSSL's legacy provider.
#include "crypto/core/des.h"
#include "crypto/core/hash.h"
#include "crypto/core/modes.h"

#include "openssl_ref.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

using namespace wb::crypto;

namespace {

Bytes ecb(const DesCipher &c, const Bytes &data)
{
    DesModeCipher m(c, Mode::Ecb, Direction::Encrypt, {});
    return m.process(data);
}

Bytes concat(std::initializer_list<Bytes> parts)
{
    Bytes out;
    for (const Bytes &p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// MD2 digests of `messages` from PyCryptodome (Debian's python3-pycryptodome, the maintained
// successor of the tutorial's PyCrypto), one hex line each; empty if it is not installed.
std::vector<std::string> pycryptodomeMd2(const std::vector<Bytes> &messages)
{
    std::string cmd = "/usr/bin/python3 -c 'import sys\n"
                      "try:\n from Cryptodome.Hash import MD2\n"
                      "except ImportError:\n sys.exit(77)\n"
                      "for h in sys.argv[1:]:\n"
                      " print(MD2.new(bytes.fromhex(h[1:])).hexdigest())'";
    for (const Bytes &m : messages)
        cmd += " x" + toHex(m); // the prefix keeps an empty message a real argument
    std::vector<std::string> lines;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return lines;
    std::array<char, 256> buf{};
    while (std::fgets(buf.data(), int(buf.size()), p)) {
        std::string line(buf.data());
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        lines.push_back(line);
    }
    if (pclose(p) != 0)
        lines.clear();
    return lines;
}

} // namespace

// RFC 1319, appendix A.5: the MD2 test suite.
TEST(CryptoLessonFacts, Md2Rfc1319Suite)
{
    const std::pair<const char *, const char *> suite[] = {
        {"", "8350e5a3e24c153df2275c9f80692773"},
        {"a", "32ec01ec4a6dac72c0ab96fb34c0b5d1"},
        {"abc", "da853b0d3f88d99b30283a69e6ded6bb"},
        {"message digest", "ab4f496bfb2a530b219ff33031fe06b0"},
        {"abcdefghijklmnopqrstuvwxyz", "4e8ddff3650292ab5a4108c3aa47940b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "da33def2a42df13975352846c30338cd"},
        {"1234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0",
         "d5976f79d83d3a0dc9806c3c66f3efd8"},
    };
    for (const auto &[text, want] : suite)
        EXPECT_EQ(toHex(digest(HashAlg::Md2, text)), want) << '"' << text << '"';
}

TEST(CryptoLessonFacts, Md2AgreesWithPyCryptodome)
{
    wb::Rng rng(1319);
    std::vector<Bytes> messages;
    for (std::size_t n = 0; n <= 80; ++n) {
        Bytes m(n);
        for (auto &b : m)
            b = std::uint8_t(rng.next());
        messages.push_back(m);
    }
    const std::vector<std::string> want = pycryptodomeMd2(messages);
    // scripts/install-deps.sh installs the reference, so its absence is a failure, not a skip.
    ASSERT_FALSE(want.empty())
        << "python3-pycryptodome (Cryptodome.Hash.MD2) for /usr/bin/python3 is not installed";
    ASSERT_EQ(want.size(), messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i)
        EXPECT_EQ(toHex(digest(HashAlg::Md2, messages[i])), want[i]) << "length " << i;
}

// MD2 works on 16-byte blocks: padding is i bytes of value i up to a multiple of 16, and a
// message that already is one gets a whole block of 16 × 0x10.
TEST(CryptoLessonFacts, Md2PadsTo16ByteBlocks)
{
    for (std::size_t n : {0u, 3u, 15u, 16u, 17u, 31u, 32u}) {
        wb::Trace trace;
        digest(HashAlg::Md2, std::string(n, 'x'), &trace);
        const auto pad = trace.findNext("padding", 0);
        ASSERT_TRUE(pad) << n;
        const std::size_t i = 16 - n % 16;
        EXPECT_EQ(std::get<Bytes>(*trace[*pad].field("bytes")), Bytes(i, std::uint8_t(i)))
            << "length " << n;
    }
}

// The low bit of every DES key byte is parity (FIPS 46-3; PC-1 skips it): flipping it leaves
// OpenSSL's ciphertext unchanged, flipping any other bit changes it. The core agrees.
TEST(CryptoLessonFacts, DesParityBitsAreIgnored)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (DES) not found";
    const Bytes key = toBytes("01234567");
    const Bytes plain = toBytes("abcdefgh");
    const Bytes base = ref::cipher("DES-ECB", key, {}, plain, true);
    EXPECT_EQ(toHex(base), "ecc29ed95d2061d0");
    for (std::size_t byte = 0; byte < 8; ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            Bytes k = key;
            k[byte] ^= std::uint8_t(1u << bit);
            const Bytes theirs = ref::cipher("DES-ECB", k, {}, plain, true);
            EXPECT_EQ(ecb(DesCipher::des(k), plain), theirs) << "byte " << byte << " bit " << bit;
            if (bit == 0)
                EXPECT_EQ(theirs, base) << "parity bit of key byte " << byte;
            else
                EXPECT_NE(theirs, base) << "key bit " << bit << " of byte " << byte;
        }
    }
    // The tutorial's two spellings of the key: '0' 0x30 and '1' 0x31 differ in parity only.
    EXPECT_EQ(ref::cipher("DES-ECB", toBytes("10234567"), {}, plain, true), base);
}

// Triple-DES is E(K3, D(K2, E(K1, x))) (SP 800-67 r2, 3.1). Keying option 1: three keys;
// option 2: K3 = K1 (OpenSSL's DES-EDE); K1 = K2 = K3 collapses to single DES.
TEST(CryptoLessonFacts, TripleDesKeyingOptions)
{
    ASSERT_TRUE(ref::loadProviders()) << "OpenSSL legacy provider (DES) not found";
    const Bytes k1 = toBytes("abcdefgh"), k2 = toBytes("ijklmnop"), k3 = toBytes("qrstuvwx");
    const Bytes plain = toBytes("sixteen byte msg");

    const Bytes step1 = ref::cipher("DES-ECB", k1, {}, plain, true);
    const Bytes step2 = ref::cipher("DES-ECB", k2, {}, step1, false);
    const Bytes ede = ref::cipher("DES-ECB", k3, {}, step2, true);
    EXPECT_EQ(ref::cipher("DES-EDE3-ECB", concat({k1, k2, k3}), {}, plain, true), ede);
    EXPECT_EQ(ecb(DesCipher::tripleDes(concat({k1, k2, k3})), plain), ede);

    const Bytes twoKey = ref::cipher("DES-EDE-ECB", concat({k1, k2}), {}, plain, true);
    EXPECT_EQ(ref::cipher("DES-EDE3-ECB", concat({k1, k2, k1}), {}, plain, true), twoKey);
    EXPECT_EQ(ecb(DesCipher::tripleDes(concat({k1, k2, k1})), plain), twoKey);

    const Bytes single = ref::cipher("DES-ECB", k1, {}, plain, true);
    EXPECT_EQ(ref::cipher("DES-EDE3-ECB", concat({k1, k1, k1}), {}, plain, true), single);
    EXPECT_EQ(ecb(DesCipher::tripleDes(concat({k1, k1, k1})), plain), single);
    EXPECT_NE(ede, single);
}
