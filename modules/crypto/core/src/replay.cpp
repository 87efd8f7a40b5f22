#include "crypto/core/replay.h"

#include "workbench/core/trace.h"

#include <algorithm>
#include <bit>
#include <variant>

namespace wb::crypto {

namespace {

Bytes bytesField(const wb::Event &e, std::string_view key)
{
    if (const wb::Value *v = e.field(key))
        if (auto b = std::get_if<std::vector<std::uint8_t>>(v))
            return *b;
    return {};
}

std::vector<std::int64_t> intsField(const wb::Event &e, std::string_view key)
{
    if (const wb::Value *v = e.field(key))
        if (auto w = std::get_if<std::vector<std::int64_t>>(v))
            return *w;
    return {};
}

std::uint64_t u64(const wb::Event &e, std::string_view key)
{
    return static_cast<std::uint64_t>(e.intField(key));
}

// Registers a, b, c, ... of a "step" or "state" event, as many as it has.
std::vector<std::uint32_t> registersOf(const wb::Event &e)
{
    static constexpr const char *kNames[8] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    std::vector<std::uint32_t> regs;
    for (const char *n : kNames) {
        if (!e.field(n))
            break;
        regs.push_back(static_cast<std::uint32_t>(e.intField(n)));
    }
    return regs;
}

// The initial chaining values (RFC 1320/1321, FIPS 180-4): the trace records chaining values
// only after each block, so the registers before the first step come from here.
std::vector<std::uint32_t> initialChaining(const std::string &alg)
{
    if (alg == "md4" || alg == "md5")
        return {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    if (alg == "sha1")
        return {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    if (alg == "sha256")
        return {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    return {};
}

} // namespace

void applyHashEvent(HashReplayState &s, const wb::Event &e)
{
    const std::string &k = e.kind;
    if (k == "block") {
        s.blockIndex = e.intField("index");
        s.block = bytesField(e, "bytes");
        if (s.chaining.empty())
            s.chaining = initialChaining(e.stringField("alg"));
        s.schedule.clear();
        s.step = -1;
        s.round = 0;
        s.word = -1;
        // The working registers start from the chaining value.
        s.registers = s.chaining;
        s.fresh.assign(s.registers.size(), false);
        if (s.md2X.empty() && s.block.size() == 16)
            s.md2X.assign(48, 0);
        s.md2Fresh.assign(s.md2X.size(), false);
    } else if (k == "schedule") {
        s.schedule = intsField(e, "words");
    } else if (k == "step") {
        const auto regs = registersOf(e);
        s.fresh.assign(regs.size(), false);
        for (std::size_t r = 0; r < regs.size(); ++r)
            s.fresh[r] =
                std::find(s.registers.begin(), s.registers.end(), regs[r]) == s.registers.end();
        s.registers = regs;
        s.round = static_cast<int>(e.intField("round"));
        s.step = static_cast<int>(e.intField("step"));
        s.word = static_cast<int>(e.intField("word", -1));
    } else if (k == "state") {
        if (e.field("x")) {
            s.md2X = bytesField(e, "x");
        } else {
            s.chaining = registersOf(e);
            s.registers = s.chaining;
            s.fresh.assign(s.registers.size(), true);
        }
    } else if (k == "md2_round") {
        const Bytes x = bytesField(e, "x");
        s.md2Fresh.assign(x.size(), false);
        for (std::size_t n = 0; n < x.size(); ++n)
            s.md2Fresh[n] = n >= s.md2X.size() || s.md2X[n] != x[n];
        s.md2X = x;
        s.round = static_cast<int>(e.intField("round"));
        s.step = s.round;
    } else if (k == "md2_checksum" || k == "md2_append_checksum") {
        s.md2C = bytesField(e, "c");
    } else if (k == "padding") {
        s.padding = bytesField(e, "bytes");
        s.messageBits = u64(e, "message_bits");
    } else if (k == "length") {
        s.lengthField = bytesField(e, "bytes");
    } else if (k == "digest") {
        s.digest = bytesField(e, "digest");
    }
}

void applyDesEvent(DesReplayState &s, const wb::Event &e)
{
    const std::string &k = e.kind;
    if (k == "des_subkey") {
        if (e.intField("round") == 1)
            s.subkeys.clear();
        s.subkeys.push_back(u64(e, "subkey"));
    } else if (k == "des_ip") {
        s.stage = static_cast<int>(e.intField("stage"));
        s.round = 0;
        s.done = false;
        s.input = u64(e, "input");
        s.permuted = u64(e, "output");
        s.l = static_cast<std::uint32_t>(e.intField("l"));
        s.r = static_cast<std::uint32_t>(e.intField("r"));
        s.previousL = s.previousR = 0;
        s.subkey = s.expanded = s.mixed = 0;
        s.sbox.clear();
        s.f = 0;
        s.output = 0;
    } else if (k == "des_round") {
        s.previousL = s.l;
        s.previousR = s.r;
        s.round = static_cast<int>(e.intField("round"));
        s.l = static_cast<std::uint32_t>(e.intField("l"));
        s.r = static_cast<std::uint32_t>(e.intField("r"));
        s.subkey = u64(e, "subkey");
        s.expanded = u64(e, "e");
        s.mixed = u64(e, "e_xor_k");
        s.sbox = intsField(e, "sbox");
        s.f = static_cast<std::uint32_t>(e.intField("f"));
    } else if (k == "des_fp") {
        s.output = u64(e, "output");
        s.done = true;
    }
}

void applyArc4Event(Arc4ReplayState &s, const wb::Event &e)
{
    if (s.s.empty()) {
        s.s.resize(256);
        for (int n = 0; n < 256; ++n)
            s.s[n] = std::uint8_t(n);
    }
    if (e.kind == "arc4_ksa") {
        s.phase = Arc4ReplayState::Phase::KeySchedule;
        s.i = static_cast<int>(e.intField("i"));
        s.j = static_cast<int>(e.intField("j"));
        s.keyByte = static_cast<int>(e.intField("key_byte"));
        s.t = -1;
    } else if (e.kind == "arc4_prga") {
        s.phase = Arc4ReplayState::Phase::Keystream;
        s.i = static_cast<int>(e.intField("i"));
        s.j = static_cast<int>(e.intField("j"));
        s.t = static_cast<int>(e.intField("t"));
        s.keyByte = -1;
        s.keystream.push_back(std::uint8_t(e.intField("k")));
        s.in.push_back(std::uint8_t(e.intField("in")));
        s.out.push_back(std::uint8_t(e.intField("out")));
    } else {
        return;
    }
    s.swapA = s.i;
    s.swapB = s.j;
    s.s = bytesField(e, "s");
}

std::vector<int> avalancheByStep(HashAlg alg, std::span<const std::uint8_t> message,
                                 std::size_t bit)
{
    if (bit >= message.size() * 8)
        throw CryptoError("bit " + std::to_string(bit) + " is outside a message of " +
                          std::to_string(message.size() * 8) + " bits");
    Bytes flipped(message.begin(), message.end());
    flipped[bit / 8] ^= std::uint8_t(0x80 >> (bit % 8));
    wb::Trace a, b;
    digest(alg, message, &a);
    digest(alg, flipped, &b);
    const char *kind = alg == HashAlg::Md2 ? "md2_round" : "step";
    std::vector<int> out;
    std::size_t ia = 0, ib = 0;
    for (;;) {
        auto na = a.findNext(kind, ia), nb = b.findNext(kind, ib);
        if (!na || !nb)
            break;
        const wb::Event &ea = a.at(*na), &eb = b.at(*nb);
        int diff = 0;
        if (alg == HashAlg::Md2) {
            const Bytes xa = bytesField(ea, "x"), xb = bytesField(eb, "x");
            for (std::size_t n = 0; n < 16 && n < xa.size() && n < xb.size(); ++n)
                diff += std::popcount(unsigned(xa[n] ^ xb[n]));
        } else {
            const auto ra = registersOf(ea), rb = registersOf(eb);
            for (std::size_t n = 0; n < ra.size() && n < rb.size(); ++n)
                diff += std::popcount(ra[n] ^ rb[n]);
        }
        out.push_back(diff);
        ia = *na + 1;
        ib = *nb + 1;
    }
    return out;
}

} // namespace wb::crypto
