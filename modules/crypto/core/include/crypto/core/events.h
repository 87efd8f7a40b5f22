#pragma once
// The crypto module's events, declared once: what the hashes (hash.h), DES and its modes
// (des.h, modes.h), ARC4 and XOR (arc4.h) and RSA (rsa.h, bigint.h) record, and what replay.h,
// the views, the CLI and the tests read. Field names are the wire names in the trace, the JSON
// and the README's tables; see workbench/core/typed_event.h for how they are written and read.
//
// Integer members keep the width the core computes in (registers are 32-bit, DES blocks
// 64-bit, ARC4 indices bytes); on the wire signed integers are int64 and unsigned ones uint64.

#include "crypto/core/bytes.h"
#include "workbench/core/typed_event.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace wb::crypto::events {

using wb::field;
using Ints = std::vector<std::int64_t>;
using Register = std::optional<std::uint32_t>;

// ---- Hashes ---------------------------------------------------------------------------------

// A block enters the compression function: 64 bytes (MD2: 16). `index` counts blocks from 0.
struct Block
{
    static constexpr std::string_view kind = "block";
    std::string alg; // md2, md4, md5, sha1 or sha256
    std::uint64_t index = 0;
    Bytes bytes;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Block::alg), field("index", &Block::index),
                          field("bytes", &Block::bytes)};
    }
};

// The block's message words: X[0..15] (MD4/MD5), W[0..79] (SHA-1) or W[0..63] (SHA-256).
struct Schedule
{
    static constexpr std::string_view kind = "schedule";
    std::string alg;
    std::uint64_t index = 0;
    Ints words;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Schedule::alg), field("index", &Schedule::index),
                          field("words", &Schedule::words)};
    }
};

// One step of an MD4/MD5/SHA round: the working registers after it, a..d for MD4/MD5, a..e
// for SHA-1, a..h for SHA-256. `word` is the message word MD4/MD5 used.
struct Step
{
    static constexpr std::string_view kind = "step";
    std::string alg;
    std::uint64_t index = 0;
    std::int32_t round = 0;
    std::int32_t step = 0;
    std::optional<std::int32_t> word;
    std::uint32_t a = 0, b = 0, c = 0, d = 0;
    Register e, f, g, h;
    static constexpr auto fields()
    {
        return std::tuple{
            field("alg", &Step::alg),   field("index", &Step::index), field("round", &Step::round),
            field("step", &Step::step), field("word", &Step::word),   field("a", &Step::a),
            field("b", &Step::b),       field("c", &Step::c),         field("d", &Step::d),
            field("e", &Step::e),       field("f", &Step::f),         field("g", &Step::g),
            field("h", &Step::h)};
    }
    // a, b, c, ... as many as the hash has.
    std::vector<std::uint32_t> registers() const
    {
        std::vector<std::uint32_t> out{a, b, c, d};
        for (const Register &r : {e, f, g, h}) {
            if (!r)
                break;
            out.push_back(*r);
        }
        return out;
    }
};

// After a block: the chaining registers a, b, ... (MD4/MD5/SHA), or MD2's 48-byte X buffer.
struct State
{
    static constexpr std::string_view kind = "state";
    std::string alg;
    std::uint64_t index = 0;
    Register a, b, c, d, e, f, g, h;
    std::optional<Bytes> x;
    static constexpr auto fields()
    {
        return std::tuple{
            field("alg", &State::alg), field("index", &State::index), field("a", &State::a),
            field("b", &State::b),     field("c", &State::c),         field("d", &State::d),
            field("e", &State::e),     field("f", &State::f),         field("g", &State::g),
            field("h", &State::h),     field("x", &State::x)};
    }
    // The chaining registers present, in order (empty for MD2).
    std::vector<std::uint32_t> registers() const
    {
        std::vector<std::uint32_t> out;
        for (const Register &r : {a, b, c, d, e, f, g, h}) {
            if (!r)
                break;
            out.push_back(*r);
        }
        return out;
    }
};

// final(): the padding appended to the message.
struct Padding
{
    static constexpr std::string_view kind = "padding";
    std::string alg;
    Bytes bytes;
    std::uint64_t messageBits = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Padding::alg), field("bytes", &Padding::bytes),
                          field("message_bits", &Padding::messageBits)};
    }
};

// final() of MD4/MD5/SHA: the 8-byte length field after the padding.
struct Length
{
    static constexpr std::string_view kind = "length";
    std::string alg;
    Bytes bytes;
    std::uint64_t bits = 0;
    std::string endian; // "little" (MD4/MD5) or "big" (SHA)
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Length::alg), field("bytes", &Length::bytes),
                          field("bits", &Length::bits), field("endian", &Length::endian)};
    }
};

// MD2's running checksum C after a block, and L, its last byte.
struct Md2ChecksumUpdate
{
    static constexpr std::string_view kind = "md2_checksum";
    std::string alg;
    std::uint64_t index = 0;
    Bytes c;
    std::uint8_t l = 0;
    std::string variant; // "rfc1319" (XOR into C) or "draft" (assignment)
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Md2ChecksumUpdate::alg),
                          field("index", &Md2ChecksumUpdate::index),
                          field("c", &Md2ChecksumUpdate::c), field("l", &Md2ChecksumUpdate::l),
                          field("variant", &Md2ChecksumUpdate::variant)};
    }
};

// One of MD2's 18 rounds over the 48-byte X buffer; `t` carries into the next round.
struct Md2Round
{
    static constexpr std::string_view kind = "md2_round";
    std::string alg;
    std::uint64_t index = 0;
    std::int32_t round = 0;
    std::uint8_t t = 0;
    Bytes x;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Md2Round::alg), field("index", &Md2Round::index),
                          field("round", &Md2Round::round), field("t", &Md2Round::t),
                          field("x", &Md2Round::x)};
    }
};

// MD2 compresses its checksum as one last block.
struct Md2AppendChecksum
{
    static constexpr std::string_view kind = "md2_append_checksum";
    std::string alg;
    Bytes c;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Md2AppendChecksum::alg),
                          field("c", &Md2AppendChecksum::c)};
    }
};

struct Digest
{
    static constexpr std::string_view kind = "digest";
    std::string alg;
    Bytes digest;
    static constexpr auto fields()
    {
        return std::tuple{field("alg", &Digest::alg), field("digest", &Digest::digest)};
    }
};

// ---- DES and its modes ----------------------------------------------------------------------

// One subkey of the key schedule: C and D (28-bit halves) after the shift, K (48 bits).
struct DesSubkey
{
    static constexpr std::string_view kind = "des_subkey";
    std::int32_t stage = 0; // 0 for DES, 1..3 for the keys of Triple-DES
    std::int32_t round = 0; // 1..16
    std::uint32_t c = 0;
    std::uint32_t d = 0;
    std::uint64_t subkey = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("stage", &DesSubkey::stage), field("round", &DesSubkey::round),
                          field("c", &DesSubkey::c), field("d", &DesSubkey::d),
                          field("subkey", &DesSubkey::subkey)};
    }
};

// The initial permutation of one DES pass and the halves it gives.
struct DesIp
{
    static constexpr std::string_view kind = "des_ip";
    std::int32_t stage = 0;
    std::uint64_t input = 0;
    std::uint64_t output = 0;
    std::uint32_t l = 0;
    std::uint32_t r = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("stage", &DesIp::stage), field("input", &DesIp::input),
                          field("output", &DesIp::output), field("l", &DesIp::l),
                          field("r", &DesIp::r)};
    }
};

// One Feistel round: the halves after it, E(R), E(R) ^ K, the eight S-box outputs and f.
struct DesRound
{
    static constexpr std::string_view kind = "des_round";
    std::int32_t stage = 0;
    std::int32_t round = 0; // 1..16
    std::uint32_t l = 0;
    std::uint32_t r = 0;
    std::uint64_t subkey = 0;
    std::uint64_t e = 0;     // E(R), 48 bits
    std::uint64_t eXorK = 0; // E(R) ^ K
    Ints sbox;
    std::uint32_t f = 0; // after P
    static constexpr auto fields()
    {
        return std::tuple{field("stage", &DesRound::stage),
                          field("round", &DesRound::round),
                          field("l", &DesRound::l),
                          field("r", &DesRound::r),
                          field("subkey", &DesRound::subkey),
                          field("e", &DesRound::e),
                          field("e_xor_k", &DesRound::eXorK),
                          field("sbox", &DesRound::sbox),
                          field("f", &DesRound::f)};
    }
};

// The final permutation of one DES pass, applied to R16 L16.
struct DesFp
{
    static constexpr std::string_view kind = "des_fp";
    std::int32_t stage = 0;
    std::uint64_t preoutput = 0;
    std::uint64_t output = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("stage", &DesFp::stage), field("preoutput", &DesFp::preoutput),
                          field("output", &DesFp::output)};
    }
};

// One block of a mode of operation (CFB-8: one byte): the feedback register before it, the
// block cipher's input and output, and the bytes in and out.
struct ModeBlock
{
    static constexpr std::string_view kind = "mode_block";
    std::string mode;      // ecb, cbc, cfb8 or cfb64
    std::string direction; // encrypt or decrypt
    std::uint64_t index = 0;
    std::uint64_t feedback = 0; // wire name "register"
    std::uint64_t cipherIn = 0;
    std::uint64_t cipherOut = 0;
    Bytes in;
    Bytes out;
    static constexpr auto fields()
    {
        return std::tuple{field("mode", &ModeBlock::mode),
                          field("direction", &ModeBlock::direction),
                          field("index", &ModeBlock::index),
                          field("register", &ModeBlock::feedback),
                          field("cipher_in", &ModeBlock::cipherIn),
                          field("cipher_out", &ModeBlock::cipherOut),
                          field("in", &ModeBlock::in),
                          field("out", &ModeBlock::out)};
    }
};

// ---- ARC4 and XOR ---------------------------------------------------------------------------

// One key schedule step: j += S[i] + key[i mod len], swap S[i] and S[j]; S after the swap.
struct Arc4Ksa
{
    static constexpr std::string_view kind = "arc4_ksa";
    std::int32_t i = 0;
    std::uint8_t j = 0;
    std::uint8_t keyByte = 0;
    Bytes s;
    static constexpr auto fields()
    {
        return std::tuple{field("i", &Arc4Ksa::i), field("j", &Arc4Ksa::j),
                          field("key_byte", &Arc4Ksa::keyByte), field("s", &Arc4Ksa::s)};
    }
};

// One keystream byte: i += 1, j += S[i], swap, t = S[i] + S[j], k = S[t], out = in ^ k.
struct Arc4Prga
{
    static constexpr std::string_view kind = "arc4_prga";
    std::uint64_t step = 0;
    std::uint8_t i = 0;
    std::uint8_t j = 0;
    std::uint8_t t = 0;
    std::uint8_t k = 0;
    std::uint8_t in = 0;
    std::uint8_t out = 0;
    Bytes s;
    static constexpr auto fields()
    {
        return std::tuple{field("step", &Arc4Prga::step), field("i", &Arc4Prga::i),
                          field("j", &Arc4Prga::j),       field("t", &Arc4Prga::t),
                          field("k", &Arc4Prga::k),       field("in", &Arc4Prga::in),
                          field("out", &Arc4Prga::out),   field("s", &Arc4Prga::s)};
    }
};

// One byte of the repeating-key XOR cipher.
struct XorByte
{
    static constexpr std::string_view kind = "xor_byte";
    std::uint64_t index = 0;
    std::uint8_t keyByte = 0;
    std::uint8_t in = 0;
    std::uint8_t out = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("index", &XorByte::index), field("key_byte", &XorByte::keyByte),
                          field("in", &XorByte::in), field("out", &XorByte::out)};
    }
};

// ---- RSA (byte strings are big-endian numbers unless noted) ---------------------------------

struct RsaKeygenBegin
{
    static constexpr std::string_view kind = "rsa_keygen_begin";
    std::uint64_t bits = 0;
    Bytes e;
    static constexpr auto fields()
    {
        return std::tuple{field("bits", &RsaKeygenBegin::bits), field("e", &RsaKeygenBegin::e)};
    }
};

// A random candidate for p or q and what became of it; `factor` when a small prime divides it.
struct RsaCandidate
{
    static constexpr std::string_view kind = "rsa_candidate";
    std::string prime; // "p" or "q"
    std::uint64_t index = 0;
    Bytes candidate;
    std::string result; // small factor, composite, e shares a factor with p-1, probable prime
    std::optional<std::uint64_t> factor;
    static constexpr auto fields()
    {
        return std::tuple{
            field("prime", &RsaCandidate::prime), field("index", &RsaCandidate::index),
            field("candidate", &RsaCandidate::candidate), field("result", &RsaCandidate::result),
            field("factor", &RsaCandidate::factor)};
    }
};

// One Miller-Rabin round with a random base.
struct RsaMrRound
{
    static constexpr std::string_view kind = "rsa_mr_round";
    std::string prime;
    std::uint64_t index = 0;
    std::int32_t round = 0;
    Bytes base;
    std::string outcome; // "pass" or "composite"
    static constexpr auto fields()
    {
        return std::tuple{field("prime", &RsaMrRound::prime), field("index", &RsaMrRound::index),
                          field("round", &RsaMrRound::round), field("base", &RsaMrRound::base),
                          field("outcome", &RsaMrRound::outcome)};
    }
};

// The assembled key.
struct RsaKey
{
    static constexpr std::string_view kind = "rsa_key";
    Bytes p, q, n, phi, lambda, e, d, dp, dq, qinv;
    std::uint64_t bits = 0;
    std::string exponent; // "lambda" or "phi": which one d inverts e modulo
    static constexpr auto fields()
    {
        return std::tuple{field("p", &RsaKey::p),           field("q", &RsaKey::q),
                          field("n", &RsaKey::n),           field("phi", &RsaKey::phi),
                          field("lambda", &RsaKey::lambda), field("e", &RsaKey::e),
                          field("d", &RsaKey::d),           field("dp", &RsaKey::dp),
                          field("dq", &RsaKey::dq),         field("qinv", &RsaKey::qinv),
                          field("bits", &RsaKey::bits),     field("exponent", &RsaKey::exponent)};
    }
};

// An exponentiation begins; `name` tells several in one trace apart.
struct ModexpBegin
{
    static constexpr std::string_view kind = "modexp_begin";
    std::string name; // public, private, crt_p, crt_q, ...
    Bytes base;
    Bytes exponent;
    Bytes modulus;
    std::uint64_t window = 0;
    std::string exponentKind; // wire name "kind": "public" or "secret"
    static constexpr auto fields()
    {
        return std::tuple{
            field("name", &ModexpBegin::name),         field("base", &ModexpBegin::base),
            field("exponent", &ModexpBegin::exponent), field("modulus", &ModexpBegin::modulus),
            field("window", &ModexpBegin::window),     field("kind", &ModexpBegin::exponentKind)};
    }
};

// The accumulator after a squaring, out of Montgomery form.
struct ModexpSquare
{
    static constexpr std::string_view kind = "modexp_square";
    std::string name;
    std::uint64_t step = 0;
    Bytes value;
    static constexpr auto fields()
    {
        return std::tuple{field("name", &ModexpSquare::name), field("step", &ModexpSquare::step),
                          field("value", &ModexpSquare::value)};
    }
};

// The accumulator after multiplying by base^digit.
struct ModexpMultiply
{
    static constexpr std::string_view kind = "modexp_multiply";
    std::string name;
    std::uint64_t step = 0;
    std::uint64_t digit = 0;
    Bytes value;
    static constexpr auto fields()
    {
        return std::tuple{
            field("name", &ModexpMultiply::name), field("step", &ModexpMultiply::step),
            field("digit", &ModexpMultiply::digit), field("value", &ModexpMultiply::value)};
    }
};

struct ModexpEnd
{
    static constexpr std::string_view kind = "modexp_end";
    std::string name;
    Bytes result;
    std::uint64_t squarings = 0;
    std::uint64_t multiplications = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("name", &ModexpEnd::name), field("result", &ModexpEnd::result),
                          field("squarings", &ModexpEnd::squarings),
                          field("multiplications", &ModexpEnd::multiplications)};
    }
};

// A private operation through the Chinese remainder theorem.
struct RsaCrtBegin
{
    static constexpr std::string_view kind = "rsa_crt_begin";
    Bytes input;
    Bytes dp;
    Bytes dq;
    static constexpr auto fields()
    {
        return std::tuple{field("input", &RsaCrtBegin::input), field("dp", &RsaCrtBegin::dp),
                          field("dq", &RsaCrtBegin::dq)};
    }
};

// Garner's recombination: m = mq + q * h, h = qInv (mp - mq) mod p.
struct RsaCrtCombine
{
    static constexpr std::string_view kind = "rsa_crt_combine";
    Bytes mp;
    Bytes mq;
    Bytes h;
    Bytes result;
    static constexpr auto fields()
    {
        return std::tuple{field("mp", &RsaCrtCombine::mp), field("mq", &RsaCrtCombine::mq),
                          field("h", &RsaCrtCombine::h), field("result", &RsaCrtCombine::result)};
    }
};

// OAEP's encoding, EM = 00 || maskedSeed || maskedDB (all byte strings).
struct OaepEncode
{
    static constexpr std::string_view kind = "oaep_encode";
    Bytes lhash;
    std::uint64_t psLength = 0;
    Bytes db, seed, dbMask, maskedDb, seedMask, maskedSeed, em;
    static constexpr auto fields()
    {
        return std::tuple{field("lhash", &OaepEncode::lhash),
                          field("ps_length", &OaepEncode::psLength),
                          field("db", &OaepEncode::db),
                          field("seed", &OaepEncode::seed),
                          field("db_mask", &OaepEncode::dbMask),
                          field("masked_db", &OaepEncode::maskedDb),
                          field("seed_mask", &OaepEncode::seedMask),
                          field("masked_seed", &OaepEncode::maskedSeed),
                          field("em", &OaepEncode::em)};
    }
};

// A successful OAEP decoding.
struct OaepDecode
{
    static constexpr std::string_view kind = "oaep_decode";
    Bytes em;
    Bytes seed;
    Bytes db;
    std::uint64_t messageLength = 0;
    static constexpr auto fields()
    {
        return std::tuple{field("em", &OaepDecode::em), field("seed", &OaepDecode::seed),
                          field("db", &OaepDecode::db),
                          field("message_length", &OaepDecode::messageLength)};
    }
};

// PKCS#1 v1.5 signing: EM = 00 01 FF..FF 00 || DigestInfo.
struct Pkcs1Encode
{
    static constexpr std::string_view kind = "pkcs1_encode";
    Bytes digest;
    Bytes digestInfo;
    Bytes em;
    static constexpr auto fields()
    {
        return std::tuple{field("digest", &Pkcs1Encode::digest),
                          field("digest_info", &Pkcs1Encode::digestInfo),
                          field("em", &Pkcs1Encode::em)};
    }
};

// PKCS#1 v1.5 verification by encode-and-compare.
struct Pkcs1Verify
{
    static constexpr std::string_view kind = "pkcs1_verify";
    Bytes expectedEm;
    Bytes recoveredEm;
    bool valid = false;
    static constexpr auto fields()
    {
        return std::tuple{field("expected_em", &Pkcs1Verify::expectedEm),
                          field("recovered_em", &Pkcs1Verify::recoveredEm),
                          field("valid", &Pkcs1Verify::valid)};
    }
};

// c' = c * s^e mod n, which decrypts to m * s mod n.
struct RsaMalleate
{
    static constexpr std::string_view kind = "rsa_malleate";
    Bytes c;
    Bytes s;
    Bytes cPrime;
    static constexpr auto fields()
    {
        return std::tuple{field("c", &RsaMalleate::c), field("s", &RsaMalleate::s),
                          field("c_prime", &RsaMalleate::cPrime)};
    }
};

// ---- The sets -------------------------------------------------------------------------------

using HashEvents = EventSet<Block, Schedule, Step, State, Padding, Length, Md2ChecksumUpdate,
                            Md2Round, Md2AppendChecksum, Digest>;
using DesEvents = EventSet<DesSubkey, DesIp, DesRound, DesFp, ModeBlock>;
using StreamEvents = EventSet<Arc4Ksa, Arc4Prga, XorByte>;
using RsaEvents = EventSet<RsaKeygenBegin, RsaCandidate, RsaMrRound, RsaKey, ModexpBegin,
                           ModexpSquare, ModexpMultiply, ModexpEnd, RsaCrtBegin, RsaCrtCombine,
                           OaepEncode, OaepDecode, Pkcs1Encode, Pkcs1Verify, RsaMalleate>;

} // namespace wb::crypto::events
