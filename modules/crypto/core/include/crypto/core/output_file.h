#pragma once
// Writing a result file so that nothing the user owns is lost: the output is checked first
// (never one of the inputs, never a directory, never an existing file unless asked), the bytes
// go to a temporary file beside it, and only a complete, flushed file takes the output's name.
#include "crypto/core/bytes.h"

#include <cstdint>
#include <span>
#include <string>
#include <sys/stat.h>

namespace wb::crypto {

// IoError when `output` is one of the files described by `inputs` (same device and inode), a
// directory, or, without `overwrite`, any existing file. `inputNames` name the inputs in the
// message (same order as `inputs`; may be shorter).
void checkOutput(const std::string &output, std::span<const struct stat> inputs,
                 std::span<const std::string> inputNames, bool overwrite);

// A temporary file next to `output`, removed on destruction unless commit() moved it into
// place. Mode 0600 while written; commit() keeps that for `secret` files and otherwise gives
// the usual 0666 minus the umask.
class OutputFile
{
public:
    explicit OutputFile(std::string output, bool secret = true);
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;
    ~OutputFile();

    void write(std::span<const std::uint8_t> bytes);
    // fsync, then link() into place (fails if the output appeared meanwhile: nothing is ever
    // replaced silently) or, with `overwrite`, rename() over it.
    void commit(bool overwrite);

private:
    std::string m_output, m_path;
    int m_fd = -1;
    bool m_secret;
    bool m_committed = false;
};

} // namespace wb::crypto
