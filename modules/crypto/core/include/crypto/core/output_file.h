#pragma once
// Crypto's result files, written through the project's one writer (wb::OutputFile in
// libs/core): the output is checked first (never one of the inputs, never a directory, device
// or pipe, never an existing file unless asked), the bytes go to a temporary file beside it,
// and only a complete, fsynced file takes the output's name. This layer turns the writer's
// sentences into crypto's exceptions: CryptoError for a wrong kind of output (exit 2),
// IoError for everything the system refused (exit 3).
#include "crypto/core/bytes.h"
#include "workbench/core/output_file.h"

#include <cstdint>
#include <span>
#include <string>
#include <sys/stat.h>

namespace wb::crypto {

// IoError when `output` is one of the files described by `inputs` (same device and inode) or,
// without `overwrite`, any existing file; CryptoError when it exists and is not a regular file
// (a directory, /dev/null, a FIFO). `inputNames` name the inputs in the message (same order
// as `inputs`; may be shorter).
void checkOutput(const std::string &output, std::span<const struct stat> inputs,
                 std::span<const std::string> inputNames, bool overwrite);

// A temporary file next to `output`, removed on destruction, on SIGINT/SIGTERM/SIGHUP, or by
// a later run after SIGKILL, unless commit() moved it into place. Mode 0600 while written;
// commit() keeps that for `secret` files and otherwise gives 0666 minus the umask.
class OutputFile
{
public:
    OutputFile(const std::string &output, bool overwrite, bool secret = true);

    void write(std::span<const std::uint8_t> bytes);
    // fsync, then link() into place (fails if the output appeared meanwhile: nothing is ever
    // replaced silently) or, with `overwrite`, rename() over it.
    void commit();

private:
    [[noreturn]] void raise(const std::string &sentence) const;

    wb::OutputFile m_file;
};

} // namespace wb::crypto
