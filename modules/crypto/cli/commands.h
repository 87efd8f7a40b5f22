#pragma once
// Internal to `workbench-cli crypto`: the subcommand table and helpers the command files
// share. Each family of subcommands lives in its own file and is listed once in
// crypto_cli.cpp's table (rsa_commands.cpp holds runRsa).

#include "crypto/core/bytes.h"
#include "workbench/core/cli.h"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wb::crypto::cli {

// `args` are the arguments after the subcommand name.
using RunFn = int (*)(wb::cli::Invocation &inv, const std::vector<std::string> &args);

struct Subcommand
{
    std::string_view name;
    std::string_view usage; // one or more lines, each starting "  crypto ..."
    RunFn run;
};

const std::vector<Subcommand> &subcommands();

// Writes "workbench-cli crypto: <sentence>" to inv.err and returns `code`.
int fail(wb::cli::Invocation &inv, int code, const std::string &sentence);

// Exactly one of --text S, --hex H, --file PATH (file only when allowFile). On error prints
// the reason and returns nullopt with `code` set to the exit code.
std::optional<Bytes> readInput(wb::cli::Invocation &inv, const wb::cli::Options &opts,
                               bool allowFile, int &code);

// Parses hex for option `what` ("--key"); prints the error and returns nullopt when invalid.
std::optional<Bytes> parseHexOption(wb::cli::Invocation &inv, std::string_view what,
                                    const std::string &hex);

int runHash(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runChecksum(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runEncrypt(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runDecrypt(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runEncryptFile(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runDecryptFile(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runTrace(wb::cli::Invocation &inv, const std::vector<std::string> &args);
int runRsa(wb::cli::Invocation &inv, const std::vector<std::string> &args);

} // namespace wb::crypto::cli
