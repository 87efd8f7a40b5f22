#include "crypto/core/replay.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <algorithm>
#include <bit>
#include <variant>

namespace wb::crypto {

namespace {

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
    using namespace events;
    const wb::Overloaded apply{
        [&](const Block &b) {
            s.blockIndex = static_cast<std::int64_t>(b.index);
            s.block = b.bytes;
            if (s.chaining.empty())
                s.chaining = initialChaining(b.alg);
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
        },
        [&](const Schedule &sc) { s.schedule = sc.words; },
        [&](const Step &st) {
            const auto regs = st.registers();
            s.fresh.assign(regs.size(), false);
            for (std::size_t r = 0; r < regs.size(); ++r)
                s.fresh[r] = std::find(s.registers.begin(), s.registers.end(), regs[r]) ==
                             s.registers.end();
            s.registers = regs;
            s.round = st.round;
            s.step = st.step;
            s.word = st.word.value_or(-1);
        },
        [&](const State &st) {
            if (st.x) {
                s.md2X = *st.x;
            } else {
                s.chaining = st.registers();
                s.registers = s.chaining;
                s.fresh.assign(s.registers.size(), true);
            }
        },
        [&](const Md2Round &r) {
            s.md2Fresh.assign(r.x.size(), false);
            for (std::size_t n = 0; n < r.x.size(); ++n)
                s.md2Fresh[n] = n >= s.md2X.size() || s.md2X[n] != r.x[n];
            s.md2X = r.x;
            s.round = r.round;
            s.step = s.round;
        },
        [&](const Md2ChecksumUpdate &c) { s.md2C = c.c; },
        [&](const Md2AppendChecksum &c) { s.md2C = c.c; },
        [&](const Padding &p) {
            s.padding = p.bytes;
            s.messageBits = p.messageBits;
        },
        [&](const Length &l) { s.lengthField = l.bytes; },
        [&](const Digest &d) { s.digest = d.digest; },
    };
    HashEvents::visit(e, apply);
}

void applyDesEvent(DesReplayState &s, const wb::Event &e)
{
    using namespace events;
    const wb::Overloaded apply{
        [&](const DesSubkey &k) {
            if (k.round == 1)
                s.subkeys.clear();
            s.subkeys.push_back(k.subkey);
        },
        [&](const DesIp &ip) {
            s.stage = ip.stage;
            s.round = 0;
            s.done = false;
            s.input = ip.input;
            s.permuted = ip.output;
            s.l = ip.l;
            s.r = ip.r;
            s.previousL = s.previousR = 0;
            s.subkey = s.expanded = s.mixed = 0;
            s.sbox.clear();
            s.f = 0;
            s.output = 0;
        },
        [&](const DesRound &r) {
            s.previousL = s.l;
            s.previousR = s.r;
            s.round = r.round;
            s.l = r.l;
            s.r = r.r;
            s.subkey = r.subkey;
            s.expanded = r.e;
            s.mixed = r.eXorK;
            s.sbox = r.sbox;
            s.f = r.f;
        },
        [&](const DesFp &fp) {
            s.output = fp.output;
            s.done = true;
        },
        [](const ModeBlock &) {}, // the mode's view, not the block cipher's
    };
    DesEvents::visit(e, apply);
}

void applyArc4Event(Arc4ReplayState &s, const wb::Event &e)
{
    using namespace events;
    if (s.s.empty()) {
        s.s.resize(256);
        for (int n = 0; n < 256; ++n)
            s.s[n] = std::uint8_t(n);
    }
    const wb::Overloaded apply{
        [&](const Arc4Ksa &k) {
            s.phase = Arc4ReplayState::Phase::KeySchedule;
            s.i = k.i;
            s.j = k.j;
            s.keyByte = k.keyByte;
            s.t = -1;
            s.swapA = s.i;
            s.swapB = s.j;
            s.s = k.s;
        },
        [&](const Arc4Prga &p) {
            s.phase = Arc4ReplayState::Phase::Keystream;
            s.i = p.i;
            s.j = p.j;
            s.t = p.t;
            s.keyByte = -1;
            s.keystream.push_back(p.k);
            s.in.push_back(p.in);
            s.out.push_back(p.out);
            s.swapA = s.i;
            s.swapB = s.j;
            s.s = p.s;
        },
        [](const XorByte &) {}, // XOR has no state to show
    };
    StreamEvents::visit(e, apply);
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
    const std::string_view kind =
        alg == HashAlg::Md2 ? events::Md2Round::kind : events::Step::kind;
    std::vector<int> out;
    std::size_t ia = 0, ib = 0;
    for (;;) {
        auto na = a.findNext(kind, ia), nb = b.findNext(kind, ib);
        if (!na || !nb)
            break;
        const wb::Event &ea = a.at(*na), &eb = b.at(*nb);
        int diff = 0;
        if (alg == HashAlg::Md2) {
            const Bytes xa = wb::as<events::Md2Round>(ea)->x, xb = wb::as<events::Md2Round>(eb)->x;
            for (std::size_t n = 0; n < 16 && n < xa.size() && n < xb.size(); ++n)
                diff += std::popcount(unsigned(xa[n] ^ xb[n]));
        } else {
            const auto ra = wb::as<events::Step>(ea)->registers(),
                       rb = wb::as<events::Step>(eb)->registers();
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
