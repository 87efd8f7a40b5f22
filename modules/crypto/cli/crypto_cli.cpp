// `workbench-cli crypto <subcommand> ...`: registration and dispatch.
#include "commands.h"

#include "crypto/core/sealed_file.h"

#include <exception>
#include <string>

namespace wb::crypto::cli {

const std::vector<Subcommand> &subcommands()
{
    static const std::vector<Subcommand> table = {
        {"hash", "  crypto hash ALG (--text S | --hex H | --file PATH)\n", runHash},
        {"encrypt",
         "  crypto encrypt|decrypt CIPHER [--mode MODE] --key HEX [--iv HEX] "
         "(--text S | --hex H)\n",
         runEncrypt},
        {"decrypt", "", runDecrypt},
        {"checksum", "  crypto checksum [--alg ALG] FILE...\n", runChecksum},
        {"encrypt-file",
         "  crypto encrypt-file IN OUT --password-file P [--force] [--iterations N]\n"
         "      (--iterations: PBKDF2 cost, default 200000)\n",
         runEncryptFile},
        {"decrypt-file", "  crypto decrypt-file IN OUT --password-file P [--force]\n",
         runDecryptFile},
        {"trace",
         "  crypto trace ALG [--key HEX] [--mode MODE] [--iv HEX] [--decrypt] "
         "(--text S | --hex H) [--json]\n"
         "      [--record FILE [--force]]   (also keep the run as a recording that "
         "`workbench --open FILE`\n"
         "      shows in the view of ALG; an existing FILE is kept unless --force)\n",
         runTrace},
        {"rsa",
         "  crypto rsa genkey --bits N --out KEY.pem [--e E]     (default e = 65537)\n"
         "  crypto rsa pubkey --key KEY.pem --out PUB.pem\n"
         "  crypto rsa sign --key KEY.pem --in F --out SIG          (PKCS#1 v1.5, SHA-256)\n"
         "  crypto rsa verify --key PUB.pem --in F --sig SIG        (exit 0 valid, 1 invalid)\n"
         "  crypto rsa encrypt|decrypt --key KEY.pem [--padding oaep|none] --in F --out G\n"
         "  (rsa outputs are never overwritten without --force)\n",
         runRsa},
    };
    return table;
}

int fail(wb::cli::Invocation &inv, int code, const std::string &sentence)
{
    inv.err << "workbench-cli crypto: " << sentence << '\n';
    return code;
}

std::optional<Bytes> readInput(wb::cli::Invocation &inv, const wb::cli::Options &opts,
                               bool allowFile, int &code)
{
    const int given =
        int(opts.has("text")) + int(opts.has("hex")) + int(allowFile && opts.has("file"));
    if (given != 1) {
        code = fail(inv, wb::cli::Usage,
                    std::string(given == 0 ? "no input given" : "more than one input given") +
                        "; pass exactly one of --text S, --hex H" +
                        (allowFile ? " or --file PATH" : ""));
        return std::nullopt;
    }
    if (auto text = opts.value("text"))
        return toBytes(*text);
    if (auto hex = opts.value("hex")) {
        auto bytes = parseHexOption(inv, "--hex", *hex);
        if (!bytes)
            code = wb::cli::Usage;
        return bytes;
    }
    code = wb::cli::Ok;
    return std::nullopt; // --file: the caller streams it
}

std::optional<Bytes> parseHexOption(wb::cli::Invocation &inv, std::string_view what,
                                    const std::string &hex)
{
    std::string why;
    auto bytes = fromHex(hex, &why);
    if (!bytes)
        fail(inv, wb::cli::Usage, std::string(what) + ": " + why);
    return bytes;
}

namespace {

std::string usageText()
{
    std::string usage = "Usage: workbench-cli crypto <command> ...\n";
    for (const Subcommand &s : subcommands())
        usage += s.usage;
    usage += "ALG: md2 md4 md5 sha1 sha256 (checksum default: sha256)\n"
             "CIPHER: des des3 arc4 xor; MODE: ecb cbc cfb8 cfb64 (des, des3; default ecb)\n"
             "Exit codes: 0 ok, 1 decrypt-file authentication failed / rsa verify: signature "
             "invalid / rsa decrypt: OAEP check failed, 2 usage error, "
             "3 file or runtime error.\n";
    return usage;
}

int runCrypto(wb::cli::Invocation &inv)
{
    const std::string &name = inv.args.front();
    for (const Subcommand &s : subcommands()) {
        if (s.name != name)
            continue;
        const std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
        try {
            return s.run(inv, rest);
        } catch (const AuthenticationError &e) {
            return fail(inv, wb::cli::Negative, e.what());
        } catch (const CryptoError &e) {
            return fail(inv, wb::cli::Usage, e.what());
        } catch (const IoError &e) {
            return fail(inv, wb::cli::Failure, e.what());
        }
    }
    return fail(inv, wb::cli::Usage,
                "unknown command '" + name + "'; `workbench-cli crypto --help` lists them");
}

} // namespace
} // namespace wb::crypto::cli

void wbRegisterCli_crypto(wb::cli::Registry &registry)
{
    registry.add({"crypto", "Hashes, DES/Triple-DES, ARC4, HMAC/PBKDF2, file encryption and RSA",
                  wb::crypto::cli::usageText(), wb::crypto::cli::runCrypto});
}
