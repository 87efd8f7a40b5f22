// crypto encrypt-file, crypto decrypt-file
#include "commands.h"

#include "crypto/core/sealed_file.h"

namespace wb::crypto::cli {

namespace {

// A passphrase a person types; anything longer is the wrong file given by mistake.
constexpr std::size_t kMaxPasswordFile = 4096;

int runFile(wb::cli::Invocation &inv, const std::vector<std::string> &args, bool encrypt)
{
    const std::string command = encrypt ? "encrypt-file" : "decrypt-file";
    wb::cli::Options opts;
    // --iterations sets the cost of a new file; decrypting reads it from the file's header.
    std::vector<std::string> values{"password-file"};
    if (encrypt)
        values.push_back("iterations");
    if (!opts.parse(args, values, {"force"}, wb::cli::Positionals::exactly(2, "IN OUT")))
        return fail(inv, wb::cli::Usage,
                    command + ": " + opts.error() + "; see `workbench-cli crypto --help`");
    const auto passwordFile = opts.value("password-file");
    if (!passwordFile)
        return fail(inv, wb::cli::Usage,
                    "--password-file P is required (the password is never taken on the "
                    "command line, where other users could see it)");
    std::string password, error;
    if (const int code = wb::cli::readTextFile(*passwordFile, kMaxPasswordFile, "password file",
                                               "a short passphrase", password, error))
        return fail(inv, code, error);
    // One trailing newline is the editor's, not the password's.
    if (!password.empty() && password.back() == '\n')
        password.pop_back();
    if (!password.empty() && password.back() == '\r')
        password.pop_back();

    SealOptions options;
    options.overwrite = opts.has("force");
    if (auto iterations = opts.value("iterations")) {
        const auto n = wb::cli::parseInt(*iterations);
        if (!n || *n < 1000 || *n > 10'000'000)
            return fail(inv, wb::cli::Usage, "--iterations must be an integer 1000 to 10000000");
        options.iterations = std::uint32_t(*n);
    }
    const std::string &in = opts.positionals()[0], &out = opts.positionals()[1];
    Bytes secret = toBytes(password);
    secureWipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t *>(password.data()),
                                       password.size()));
    try {
        if (encrypt)
            encryptFile(in, out, secret, options);
        else
            decryptFile(in, out, secret, options);
    } catch (...) {
        secureWipe(secret);
        throw; // mapped to an exit code by the dispatcher
    }
    secureWipe(secret);
    return wb::cli::Ok;
}

} // namespace

int runEncryptFile(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    return runFile(inv, args, true);
}

int runDecryptFile(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    return runFile(inv, args, false);
}

} // namespace wb::crypto::cli
