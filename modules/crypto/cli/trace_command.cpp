// crypto trace ALG ... [--json]: runs one primitive with a trace attached and prints its
// events (the same events the GUI steps through).
#include "commands.h"

#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/hash.h"
#include "crypto/core/modes.h"
#include "workbench/core/json.h"
#include "workbench/core/trace.h"

namespace wb::crypto::cli {

namespace {
// A traced run records hundreds of events per block; keep a trace readable and bounded.
constexpr std::size_t kMaxTracedInput = 4096;
} // namespace

int runTrace(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    wb::cli::Options opts;
    if (!opts.parse(args, {"key", "mode", "iv", "text", "hex"}, {"json", "decrypt"},
                    wb::cli::Positionals::exactly(
                        1, "one algorithm: md2 md4 md5 sha1 sha256 des des3 arc4 xor")))
        return fail(inv, wb::cli::Usage,
                    "trace: " + opts.error() + "; see `workbench-cli crypto --help`");
    const std::string &name = opts.positionals()[0];
    int code = wb::cli::Ok;
    const auto input = readInput(inv, opts, false, code);
    if (!input)
        return code;
    if (input->size() > kMaxTracedInput)
        return fail(inv, wb::cli::Usage, "crypto trace takes at most 4096 bytes of input");

    wb::Trace trace;
    Bytes result;
    if (const auto alg = parseHashAlg(name)) {
        if (opts.has("key") || opts.has("mode") || opts.has("iv") || opts.has("decrypt"))
            return fail(inv, wb::cli::Usage, "a hash takes no --key, --mode, --iv or --decrypt");
        result = digest(*alg, *input, &trace);
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
        }
    } else {
        return fail(inv, wb::cli::Usage,
                    "unknown algorithm '" + name +
                        "'; choose md2 md4 md5 sha1 sha256 des des3 arc4 xor");
    }

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
