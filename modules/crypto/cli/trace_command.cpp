// crypto trace ALG ... [--json] [--record FILE]: runs one primitive with a trace attached and
// prints its events (the same events the GUI steps through). --record keeps the run as a
// recording of the view that shows it (hashes: hash, DES and Triple-DES: cipher, ARC4 and XOR:
// stream), with the settings that view saves, so `workbench --open FILE` shows it.
#include "commands.h"

#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/events.h"
#include "crypto/core/hash.h"
#include "crypto/core/modes.h"
#include "crypto/core/replay.h"
#include "workbench/core/json.h"
#include "workbench/core/trace.h"

#include <memory>

namespace wb::crypto::cli {

namespace {
// A traced run records hundreds of events per block; keep a trace readable and bounded.
constexpr std::size_t kMaxTracedInput = 4096;

using Settings = std::vector<std::pair<std::string, std::string>>;

// Bytes a line edit holds as they are: valid UTF-8 without control characters.
bool plainText(const Bytes &bytes)
{
    const std::string text(bytes.begin(), bytes.end());
    return wb::cli::printable(text, text.size() + 1) == text;
}

// What the hash view saves: the input as typed and its format, the algorithm stepped, the
// flipped bit (0, the view's first), the side tab, the five digests and the avalanche counts
// shown beside the trace.
Settings hashSettings(HashAlg alg, const Bytes &input, bool asText)
{
    Settings s{{"input", asText ? std::string(input.begin(), input.end()) : toHex(input)},
               {"format", asText ? "text" : "hex"},
               {"alg", std::string(hashName(alg))},
               {"bit", "0"},
               {"tab", "events"}};
    for (HashAlg a : kAllHashAlgs)
        s.emplace_back("digest." + std::string(hashName(a)), toHex(digest(a, input)));
    std::string counts;
    if (!input.empty())
        for (int c : avalancheByStep(alg, input, 0))
            counts += (counts.empty() ? "" : ",") + std::to_string(c);
    s.emplace_back("avalanche", counts);
    return s;
}

} // namespace

int runTrace(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    wb::cli::Options opts;
    if (!opts.parse(args, {"key", "mode", "iv", "text", "hex", "record"},
                    {"json", "decrypt", "force"},
                    wb::cli::Positionals::exactly(
                        1, "one algorithm: md2 md4 md5 sha1 sha256 des des3 arc4 xor")))
        return fail(inv, wb::cli::Usage,
                    "trace: " + opts.error() + "; see `workbench-cli crypto --help`");
    const std::string &name = opts.positionals()[0];
    std::string refused;
    if (const int code = wb::cli::checkRecordTarget(opts, refused); code != wb::cli::Ok)
        return fail(inv, code, refused);
    int code = wb::cli::Ok;
    const auto input = readInput(inv, opts, false, code);
    if (!input)
        return code;
    if (input->size() > kMaxTracedInput)
        return fail(inv, wb::cli::Usage, "crypto trace takes at most 4096 bytes of input");

    auto shared = std::make_shared<wb::Trace>();
    wb::Trace &trace = *shared;
    Bytes result;
    wb::Recording recording{.module = "crypto"};
    const bool asText = opts.has("text") && plainText(*input);
    if (const auto alg = parseHashAlg(name)) {
        if (opts.has("key") || opts.has("mode") || opts.has("iv") || opts.has("decrypt"))
            return fail(inv, wb::cli::Usage, "a hash takes no --key, --mode, --iv or --decrypt");
        result = digest(*alg, *input, &trace);
        recording.view = "hash";
        if (opts.has("record"))
            recording.settings = hashSettings(*alg, *input, asText);
    } else if (name == "des" || name == "des3" || name == "arc4" || name == "xor") {
        const auto keyHex = opts.value("key");
        if (!keyHex)
            return fail(inv, wb::cli::Usage, "--key HEX is required for " + name);
        const auto key = parseHexOption(inv, "--key", *keyHex);
        if (!key)
            return wb::cli::Usage;
        if (name == "arc4" || name == "xor") {
            if (opts.has("mode") || opts.has("iv"))
                return fail(inv, wb::cli::Usage,
                            name + " is a stream cipher; it takes no --mode or --iv");
            result = name == "arc4" ? Arc4(*key, &trace).process(*input)
                                    : xorCipher(*key, *input, &trace);
            // The stream view: typed as text when both key and plaintext read as text.
            const bool text = asText && plainText(*key);
            auto typed = [&](const Bytes &b) {
                return text ? std::string(b.begin(), b.end()) : toHex(b);
            };
            recording.view = "stream";
            recording.settings = {{"cipher", name},
                                  {"format", text ? "text" : "hex"},
                                  {"key", typed(*key)},
                                  {"input", typed(*input)}};
        } else {
            const auto mode = parseMode(opts.valueOr("mode", "ecb"));
            if (!mode)
                return fail(inv, wb::cli::Usage, "unknown mode; choose ecb, cbc, cfb8 or cfb64");
            Bytes iv;
            if (auto ivHex = opts.value("iv")) {
                auto parsed = parseHexOption(inv, "--iv", *ivHex);
                if (!parsed)
                    return wb::cli::Usage;
                iv = *parsed;
            }
            const DesCipher block =
                name == "des" ? DesCipher::des(*key, &trace) : DesCipher::tripleDes(*key, &trace);
            DesModeCipher cipher(block, *mode,
                                 opts.has("decrypt") ? Direction::Decrypt : Direction::Encrypt, iv,
                                 &trace);
            result = cipher.process(*input);
            recording.view = "cipher";
            recording.settings = {{"cipher", name},
                                  {"key", toHex(*key)},
                                  {"input", toHex(*input)},
                                  {"mode", std::string(modeName(*mode))},
                                  {"iv", toHex(iv)},
                                  {"direction", opts.has("decrypt") ? "decrypt" : "encrypt"}};
        }
    } else {
        return fail(inv, wb::cli::Usage,
                    "unknown algorithm '" + name +
                        "'; choose md2 md4 md5 sha1 sha256 des des3 arc4 xor");
    }

    // The recording is written before anything is printed: a refused target prints only its
    // reason and leaves no file. Its cursor is where the view opens a run of its own: after
    // MD2's first round or the first step of the other hashes, after DES's first round, after
    // ARC4's first keystream byte, after XOR's first byte.
    const std::string_view openAfter =
        recording.view == "cipher" ? events::DesRound::kind
        : recording.view == "stream"
            ? (name == "xor" ? events::XorByte::kind : events::Arc4Prga::kind)
        : name == "md2" ? events::Md2Round::kind
                        : events::Step::kind;
    const auto first = trace.findNext(openAfter, 0);
    recording.trace = shared;
    recording.cursor = first ? *first + 1 : 0;
    if (const int code =
            wb::cli::writeRecordingOption(opts, recording, opts.has("force"), inv.err))
        return code;

    if (opts.has("json")) {
        wb::JsonWriter json(inv.out);
        json.beginObject();
        json.key("alg").value(std::string_view(name));
        json.key("result").value(std::string_view(toHex(result)));
        json.key("events").beginArray();
        for (std::size_t i = 0; i < trace.size(); ++i)
            json.event(trace[i]);
        json.endArray();
        json.endObject();
        inv.out << '\n';
    } else {
        for (std::size_t i = 0; i < trace.size(); ++i)
            inv.out << trace[i].seq << '\t' << trace[i].kind << '\t' << trace[i].label << '\n';
        inv.out << "result\t" << toHex(result) << '\n';
    }
    return wb::cli::Ok;
}

} // namespace wb::crypto::cli
