// crypto hash, crypto checksum
#include "commands.h"

#include "crypto/core/checksum.h"
#include "crypto/core/hash.h"

namespace wb::crypto::cli {

namespace {
std::optional<HashAlg> parseAlgOrFail(wb::cli::Invocation &inv, const std::string &name)
{
    auto alg = parseHashAlg(name);
    if (!alg)
        fail(inv, wb::cli::Usage,
             "unknown hash '" + name + "'; choose md2, md4, md5, sha1 or sha256");
    return alg;
}
} // namespace

int runHash(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    wb::cli::Options opts;
    if (!opts.parse(args, {"text", "hex", "file"}, {},
                    wb::cli::Positionals::exactly(
                        1, "one algorithm name, e.g. `crypto hash md5 --text abc`")))
        return fail(inv, wb::cli::Usage,
                    "hash: " + opts.error() + "; see `workbench-cli crypto --help`");
    const auto alg = parseAlgOrFail(inv, opts.positionals()[0]);
    if (!alg)
        return wb::cli::Usage;
    int code = wb::cli::Ok;
    const auto input = readInput(inv, opts, true, code);
    if (code != wb::cli::Ok)
        return code;
    if (input) {
        inv.out << toHex(digest(*alg, *input)) << '\n';
        return wb::cli::Ok;
    }
    const HashAlg algs[] = {*alg};
    const auto digests = checksumFile(*opts.value("file"), algs);
    inv.out << toHex(digests->front()) << '\n';
    return wb::cli::Ok;
}

int runChecksum(wb::cli::Invocation &inv, const std::vector<std::string> &args)
{
    wb::cli::Options opts;
    if (!opts.parse(args, {"alg"}, {}, wb::cli::Positionals::atLeast(1, "FILE...")))
        return fail(inv, wb::cli::Usage,
                    "checksum: " + opts.error() + "; see `workbench-cli crypto --help`");
    // sha256 by default: MD5 only catches accidents, SHA-256 also resists forgery.
    const auto alg = parseAlgOrFail(inv, opts.valueOr("alg", "sha256"));
    if (!alg)
        return wb::cli::Usage;
    const HashAlg algs[] = {*alg};
    int code = wb::cli::Ok;
    for (const std::string &file : opts.positionals()) {
        try {
            const auto digests = checksumFile(file, algs);
            // A name with control bytes would forge lines; print it escaped.
            inv.out << toHex(digests->front()) << "  " << wb::cli::printable(file, SIZE_MAX)
                    << '\n';
        } catch (const IoError &e) {
            code = fail(inv, wb::cli::Failure, e.what()); // keep going, like sha256sum
        }
    }
    return code;
}

} // namespace wb::crypto::cli
