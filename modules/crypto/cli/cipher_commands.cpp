// crypto encrypt, crypto decrypt
#include "commands.h"

#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/modes.h"

namespace wb::crypto::cli {

namespace {

int runCipher(wb::cli::Invocation &inv, const std::vector<std::string> &args, Direction dir)
{
    const char *verb = dir == Direction::Encrypt ? "encrypt" : "decrypt";
    wb::cli::Options opts;
    if (!opts.parse(args, {"mode", "key", "iv", "text", "hex"}, {},
                    wb::cli::Positionals::exactly(1, "one cipher name: des, des3, arc4 or xor")))
        return fail(inv, wb::cli::Usage,
                    std::string(verb) + ": " + opts.error() +
                        "; see `workbench-cli crypto --help`");
    const std::string &cipher = opts.positionals()[0];
    if (cipher != "des" && cipher != "des3" && cipher != "arc4" && cipher != "xor")
        return fail(inv, wb::cli::Usage,
                    "unknown cipher '" + cipher + "'; choose des, des3, arc4 or xor");
    const auto keyHex = opts.value("key");
    if (!keyHex)
        return fail(inv, wb::cli::Usage, "--key HEX is required");
    const auto key = parseHexOption(inv, "--key", *keyHex);
    if (!key)
        return wb::cli::Usage;
    int code = wb::cli::Ok;
    const auto input = readInput(inv, opts, false, code);
    if (!input)
        return code;

    if (cipher == "arc4" || cipher == "xor") {
        if (opts.has("mode") || opts.has("iv"))
            return fail(inv, wb::cli::Usage,
                        cipher + " is a stream cipher; it takes no --mode or --iv");
        const Bytes out = cipher == "arc4" ? Arc4(*key).process(*input) : xorCipher(*key, *input);
        inv.out << toHex(out) << '\n';
        return wb::cli::Ok;
    }

    const auto mode = parseMode(opts.valueOr("mode", "ecb"));
    if (!mode)
        return fail(inv, wb::cli::Usage,
                    "unknown mode '" + *opts.value("mode") + "'; choose ecb, cbc, cfb8 or cfb64");
    Bytes iv;
    if (auto ivHex = opts.value("iv")) {
        auto parsed = parseHexOption(inv, "--iv", *ivHex);
        if (!parsed)
            return wb::cli::Usage;
        iv = *parsed;
    }
    const DesCipher block = cipher == "des" ? DesCipher::des(*key) : DesCipher::tripleDes(*key);
    DesModeCipher modeCipher(block, *mode, dir, iv);
    inv.out << toHex(modeCipher.process(*input)) << '\n';
    return wb::cli::Ok;
}

} // namespace

int runEncrypt(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    return runCipher(inv, args, Direction::Encrypt);
}

int runDecrypt(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    return runCipher(inv, args, Direction::Decrypt);
}

} // namespace wb::crypto::cli
