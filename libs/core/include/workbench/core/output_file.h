#pragma once
// The one way this project writes a file the user named (CLI outputs, sealed files, RSA keys,
// screenshots, the tour, Ctrl+E exports), so that nothing the user owns is lost:
//
//   1. the target is checked: a directory, device, FIFO or socket is refused (it is never
//      replaced by a regular file, not even as root with --force);
//   2. the bytes go to a temporary file beside it, `.NAME.tmp-PID-XXXXXX` (mode 0600), every
//      write checked;
//   3. commit() fsyncs and closes it (a full disk shows up here at the latest), then links it
//      into place (without overwrite: an existing file is never replaced) or renames it over
//      the old file (with overwrite). Any failure leaves the old file as it was.
//
// An uncommitted temporary is removed by the destructor, by SIGINT, SIGTERM and SIGHUP (the
// handler unlinks it, then the signal takes its default action), and, after SIGKILL or a power
// cut, by the next OutputFile in that folder: a temporary whose PID no longer runs is stale.
//
//     wb::OutputFile out;
//     if (!out.open(path, error) || !out.write(bytes, error) || !out.commit(force, error))
//         return fail(out.errorKind(), error);            // right: old file untouched
//
//     std::ofstream(path) << bytes;                       // wrong: truncates first, so a
//                                                         // full disk loses the old file

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wb {

class OutputFile
{
public:
    // Why open(), write() or commit() failed: the target is the wrong kind of thing (bad
    // usage, exit 2) or the system refused (exit 3).
    enum class ErrorKind { None, Usage, System };

    OutputFile() = default;
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;
    ~OutputFile();

    // `secret` outputs (private keys, plaintext) stay 0600; others get 0666 minus the umask.
    // Refuses a target that exists and is not a regular file, and, when !overwrite, one that
    // exists at all (checked again at commit()). Removes stale temporaries of this naming in
    // the target's folder first.
    bool open(const std::string &target, bool overwrite, bool secret, std::string &error);
    bool write(std::span<const std::uint8_t> bytes, std::string &error);
    bool write(std::string_view bytes, std::string &error);
    bool commit(std::string &error);
    // Removes the temporary now (also done by the destructor).
    void discard();

    ErrorKind errorKind() const { return m_errorKind; }
    const std::string &temporaryPath() const { return m_temporary; }

    // The temporary files a process with `pid` would create for targets in `dir`; true for
    // ".NAME.tmp-PID-XXXXXX" names (for tests and the stale sweep).
    static bool isTemporaryName(const std::string &fileName, long *pid = nullptr);
    // Removes temporaries in `dir` whose creating process is gone; returns how many.
    static int removeStale(const std::string &dir);

private:
    bool fail(ErrorKind kind, std::string sentence, std::string &error);

    std::string m_target, m_temporary;
    int m_fd = -1;
    int m_slot = -1; // signal-cleanup slot holding m_temporary
    bool m_overwrite = false;
    bool m_secret = true;
    bool m_committed = false;
    ErrorKind m_errorKind = ErrorKind::None;
};

} // namespace wb
