// crypto rsa genkey | pubkey | sign | verify | encrypt | decrypt
//
// Keys are PEM files OpenSSL reads (PKCS#8 private, SubjectPublicKeyInfo public); signatures
// are PKCS#1 v1.5 with SHA-256; encryption is OAEP-SHA256 or textbook (--padding none).
// Every output goes to a temporary file in the output's folder and is linked into place only
// when complete; an output that is one of the inputs is refused, an existing one needs --force.
#include "commands.h"

#include "crypto/core/hash.h"
#include "crypto/core/output_file.h"
#include "crypto/core/pem.h"
#include "crypto/core/rsa.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace wb::crypto::cli {

namespace {

constexpr std::size_t kMaxKeyFile = 1 << 20;     // PEM files above 1 MiB are not keys
constexpr std::size_t kMaxCipherInput = 1 << 16; // more than any RSA block (8192 bits = 1 KiB)

std::string errnoText()
{
    return std::strerror(errno);
}

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

// The whole file, refusing more than `limit` bytes (with `tooBig` as the sentence).
Bytes readFile(const std::string &path, std::size_t limit, const std::string &tooBig)
{
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat st
    {
    };
    if (f.fd < 0)
        throw IoError("cannot open '" + path + "': " + errnoText());
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw IoError("'" + path + "' is not a regular file");
    if (std::size_t(st.st_size) > limit)
        throw CryptoError(tooBig);
    Bytes out;
    std::uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw IoError("cannot read '" + path + "': " + errnoText());
        if (n == 0)
            break;
        out.insert(out.end(), buf, buf + n);
        if (out.size() > limit)
            throw CryptoError(tooBig);
    }
    return out;
}

// SHA-256 of a file of any size, read in chunks.
Bytes hashFile(const std::string &path)
{
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0)
        throw IoError("cannot open '" + path + "': " + errnoText());
    Hasher h(HashAlg::Sha256);
    std::vector<std::uint8_t> buf(1 << 20);
    for (;;) {
        const ssize_t n = ::read(f.fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw IoError("cannot read '" + path + "': " + errnoText());
        if (n == 0)
            break;
        h.update(std::span<const std::uint8_t>(buf.data(), std::size_t(n)));
    }
    return h.final();
}

RsaKeyFile readKey(const std::string &path)
{
    const Bytes text = readFile(path, kMaxKeyFile,
                                "'" + path + "' is larger than 1 MiB; it is not a PEM key file");
    try {
        return parseRsaKeyPem(
            std::string_view(reinterpret_cast<const char *>(text.data()), text.size()));
    } catch (const PemError &e) {
        throw PemError("cannot use '" + path + "' as an RSA key: " + e.what());
    }
}

RsaPrivateKey requirePrivate(const RsaKeyFile &file, const std::string &path,
                             const std::string &command)
{
    if (!file.hasPrivate)
        throw CryptoError("rsa " + command + " needs a private key, but '" + path +
                          "' holds only a public key (" + file.format + ")");
    return file.privateKey;
}

// Writes `data` to `output` atomically. Refuses an output that is one of `inputs` (same
// path or same file), and an existing output unless `overwrite`. Secret outputs (private
// keys, decrypted text) stay mode 0600; others get the usual 0666 minus umask.
void writeOutput(const std::string &output, std::span<const std::uint8_t> data,
                 const std::vector<std::string> &inputs, bool overwrite, bool secret)
{
    std::vector<struct stat> stats;
    std::vector<std::string> names;
    for (const std::string &in : inputs) {
        struct stat st
        {
        };
        if (::stat(in.c_str(), &st) == 0) {
            stats.push_back(st);
            names.push_back(in);
        }
    }
    checkOutput(output, stats, names, overwrite);
    OutputFile file(output, overwrite, secret);
    file.write(data);
    file.commit();
}

// Parses options; on error prints it and returns nullopt with `code` set.
std::optional<wb::cli::Options>
parseOptions(wb::cli::Invocation &inv, const std::vector<std::string> &args,
             std::vector<std::string> values, std::vector<std::string> flags,
             const std::vector<std::string> &required, const std::string &command, int &code)
{
    wb::cli::Options opts;
    if (!opts.parse(args, std::move(values), std::move(flags))) {
        code = fail(inv, wb::cli::Usage, "rsa " + command + ": " + opts.error());
        return std::nullopt;
    }
    for (const std::string &name : required)
        if (!opts.has(name)) {
            code = fail(inv, wb::cli::Usage,
                        "rsa " + command + " needs --" + name +
                            "; see `workbench-cli crypto --help`");
            return std::nullopt;
        }
    return opts;
}

int runGenkey(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    int code = 0;
    auto opts =
        parseOptions(inv, args, {"bits", "out", "e"}, {"force"}, {"bits", "out"}, "genkey", code);
    if (!opts)
        return code;
    const auto bits = wb::cli::parseInt(*opts->value("bits"));
    if (!bits || *bits < std::int64_t(kRsaMinBits) || *bits > std::int64_t(kRsaMaxBits) ||
        *bits % 2)
        return fail(inv, wb::cli::Usage,
                    "--bits must be an even number from " + std::to_string(kRsaMinBits) + " to " +
                        std::to_string(kRsaMaxBits) + " (2048 or more for real use)");
    BigInt e = 65537;
    if (auto text = opts->value("e")) {
        auto parsed = BigInt::fromDecimal(*text);
        if (!parsed)
            return fail(inv, wb::cli::Usage, "--e must be a decimal number such as 65537");
        e = *parsed;
    }
    RsaPrivateKey key = generateRsaKey(std::size_t(*bits), nullptr, e);
    std::string pem = privateKeyToPem(key);
    const std::string out = *opts->value("out");
    writeOutput(out, asBytes(pem), {}, opts->has("force"), true);
    secureWipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t *>(pem.data()), pem.size()));
    key.wipe();
    inv.out << "wrote a " << *bits << "-bit RSA private key (PKCS#8 PEM, e = " << e.toDecimal()
            << ") to " << out << '\n';
    if (*bits < 2048)
        inv.out << "note: keys below 2048 bits are for learning only\n";
    return wb::cli::Ok;
}

int runPubkey(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    int code = 0;
    auto opts = parseOptions(inv, args, {"key", "out"}, {"force"}, {"key", "out"}, "pubkey", code);
    if (!opts)
        return code;
    const std::string keyPath = *opts->value("key"), out = *opts->value("out");
    const RsaKeyFile file = readKey(keyPath);
    writeOutput(out, asBytes(publicKeyToPem(file.publicKey)), {keyPath}, opts->has("force"),
                false);
    return wb::cli::Ok;
}

int runSign(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    int code = 0;
    auto opts = parseOptions(inv, args, {"key", "in", "out"}, {"force"}, {"key", "in", "out"},
                             "sign", code);
    if (!opts)
        return code;
    const std::string keyPath = *opts->value("key"), in = *opts->value("in"),
                      out = *opts->value("out");
    RsaPrivateKey key = requirePrivate(readKey(keyPath), keyPath, "sign");
    const Bytes signature = pkcs1v15SignDigest(key, hashFile(in));
    key.wipe();
    writeOutput(out, signature, {keyPath, in}, opts->has("force"), false);
    return wb::cli::Ok;
}

int runVerify(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    int code = 0;
    auto opts =
        parseOptions(inv, args, {"key", "in", "sig"}, {}, {"key", "in", "sig"}, "verify", code);
    if (!opts)
        return code;
    const RsaKeyFile file = readKey(*opts->value("key"));
    const std::string sigPath = *opts->value("sig");
    const Bytes signature = readFile(sigPath, kMaxCipherInput,
                                     "'" + sigPath + "' is far larger than any RSA signature");
    if (pkcs1v15VerifyDigest(file.publicKey, hashFile(*opts->value("in")), signature)) {
        inv.out << "signature valid\n";
        return wb::cli::Ok;
    }
    inv.out << "signature invalid\n";
    if (signature.size() != file.publicKey.byteLength())
        inv.err << "workbench-cli crypto: the signature is " << signature.size() << " bytes; a "
                << file.publicKey.bits() << "-bit key makes " << file.publicKey.byteLength()
                << "-byte signatures\n";
    return wb::cli::Negative;
}

int runCipher(wb::cli::Invocation &inv, const std::vector<std::string> &args, bool encrypt)
{
    const std::string command = encrypt ? "encrypt" : "decrypt";
    int code = 0;
    auto opts = parseOptions(inv, args, {"key", "padding", "in", "out"}, {"force"},
                             {"key", "in", "out"}, command, code);
    if (!opts)
        return code;
    const std::string padding = opts->valueOr("padding", "oaep");
    if (padding != "oaep" && padding != "none")
        return fail(inv, wb::cli::Usage,
                    "--padding must be oaep (OAEP with SHA-256, the default) or none (textbook "
                    "RSA, for learning only), got '" +
                        padding + "'");
    const std::string keyPath = *opts->value("key"), in = *opts->value("in"),
                      out = *opts->value("out");
    const RsaKeyFile file = readKey(keyPath);
    const Bytes input =
        readFile(in, kMaxCipherInput,
                 "'" + in + "' is too long for RSA, which encrypts one block of " +
                     std::to_string(file.publicKey.byteLength()) + " bytes at most with this key");
    Bytes result;
    if (encrypt) {
        result = padding == "oaep" ? oaepEncrypt(file.publicKey, input)
                                   : textbookEncrypt(file.publicKey, input);
    } else {
        RsaPrivateKey key = requirePrivate(file, keyPath, "decrypt");
        if (padding == "none") {
            result = textbookDecrypt(key, input);
        } else {
            try {
                result = oaepDecrypt(key, input);
            } catch (const CryptoError &e) {
                key.wipe();
                return fail(inv, wb::cli::Negative, e.what());
            }
        }
        key.wipe();
    }
    writeOutput(out, result, {keyPath, in}, opts->has("force"), !encrypt);
    secureWipe(result);
    return wb::cli::Ok;
}

} // namespace

int runRsa(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    if (args.empty())
        return fail(inv, wb::cli::Usage,
                    "rsa needs a command: genkey, pubkey, sign, verify, encrypt or decrypt");
    const std::string &command = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "genkey")
        return runGenkey(inv, rest);
    if (command == "pubkey")
        return runPubkey(inv, rest);
    if (command == "sign")
        return runSign(inv, rest);
    if (command == "verify")
        return runVerify(inv, rest);
    if (command == "encrypt" || command == "decrypt")
        return runCipher(inv, rest, command == "encrypt");
    return fail(inv, wb::cli::Usage,
                "unknown rsa command '" + command +
                    "'; use genkey, pubkey, sign, verify, encrypt or decrypt");
}

} // namespace wb::crypto::cli
