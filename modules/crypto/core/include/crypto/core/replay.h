#pragma once
// "The state at the cursor" for the crypto views, rebuilt from trace events alone, so a view
// can step back without re-running anything (wb::Replayer<State> with these apply functions).
// Qt-free; replay_test.cpp checks that replaying a whole trace gives what the core computed.
//
//     wb::Trace t;
//     digest(HashAlg::Md5, "abc", &t);
//     wb::Replayer<HashReplayState> r(t, {}, applyHashEvent);
//     r.stateAt(t.size()).digest          // == digest(HashAlg::Md5, "abc")

#include "crypto/core/bytes.h"
#include "crypto/core/hash.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wb {
struct Event;
}

namespace wb::crypto {

// A hash at the cursor: the block being compressed, its message words, the working registers
// after the last step (MD2: the 48-byte X buffer after the last round) and the chaining value.
struct HashReplayState
{
    std::int64_t blockIndex = -1;         // -1 before the first block
    Bytes block;                          // the current block's bytes
    std::vector<std::int64_t> schedule;   // X[0..15] or W[0..79] / W[0..63]
    std::vector<std::uint32_t> registers; // a, b, c, ... after the last step
    // Per register: true when the last step computed it (not merely shifted it along).
    std::vector<bool> fresh;
    int round = 0, step = -1, word = -1; // of the last step; word: message word used
    std::vector<std::uint32_t> chaining; // after the last completed block
    Bytes md2X, md2C;                    // MD2's X buffer and checksum
    std::vector<bool> md2Fresh;          // X bytes changed by the last MD2 round
    Bytes padding, lengthField;          // known once final() has run
    std::uint64_t messageBits = 0;
    Bytes digest; // set by the "digest" event
};
void applyHashEvent(HashReplayState &state, const wb::Event &event);

// DES at the cursor (one pass: stage 0, or the last stage seen for Triple-DES).
struct DesReplayState
{
    int stage = 0;
    int round = 0; // 0 after IP, 1..16 after that round
    std::uint64_t input = 0, permuted = 0, output = 0;
    bool done = false;          // the final permutation has run
    std::uint32_t l = 0, r = 0; // halves after the last round (or IP)
    std::uint32_t previousL = 0, previousR = 0;
    std::uint64_t subkey = 0, expanded = 0, mixed = 0; // K_i, E(R_{i-1}), E(R) ^ K_i
    std::vector<std::int64_t> sbox;                    // eight 4-bit outputs
    std::uint32_t f = 0;                               // f(R_{i-1}, K_i) after P
    std::vector<std::uint64_t> subkeys;                // key schedule seen so far
};
void applyDesEvent(DesReplayState &state, const wb::Event &event);

// ARC4 at the cursor: S, i, j, which phase, the swap just done and the bytes produced.
struct Arc4ReplayState
{
    enum class Phase { Start, KeySchedule, Keystream };
    Phase phase = Phase::Start;
    Bytes s;                    // 256 bytes (identity before the first KSA step)
    int i = 0, j = 0;           // after the last step
    int swapA = -1, swapB = -1; // positions swapped by the last step
    int t = -1;                 // PRGA: S[i] + S[j], the index of the keystream byte
    int keyByte = -1;           // KSA: key byte used
    Bytes keystream, in, out;   // PRGA bytes so far
};
void applyArc4Event(Arc4ReplayState &state, const wb::Event &event);

// Avalanche: hash `message` and `message` with bit `bit` flipped (bit 0 = the most
// significant bit of byte 0), and count, after every step (MD2: every round), how many bits
// of the working registers differ. One entry per step of every block, in order.
// CryptoError when the bit is outside the message.
std::vector<int> avalancheByStep(HashAlg alg, std::span<const std::uint8_t> message,
                                 std::size_t bit);

} // namespace wb::crypto
