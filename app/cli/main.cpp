// workbench-cli: every module's core, without a display.
//
// Two promises are kept here, once for every module: a write to stdout or stderr that fails
// (a full disk, `> /dev/full`, a closed pipe) ends in exit 1 and "write error" rather than a
// silent exit 0, and nothing a command prints on stderr reaches the terminal raw: bytes from
// the user's input that are not printable text are shown as \xNN (see wb::cli::printable).
#include "workbench/core/cli.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <streambuf>
#include <string>
#include <vector>

#include <unistd.h>

void wbRegisterAllCli(wb::cli::Registry &r);

namespace {

// Writes everything to fd, retrying short writes; false (errno set) when a write fails.
bool writeAll(int fd, const char *p, std::size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= std::size_t(w);
    }
    return true;
}

// stderr, escaped line by line: a line is complete before it is escaped, so a UTF-8 sequence
// is never cut in two. Remembers a failed write instead of losing it.
class EscapingErr : public std::streambuf
{
public:
    bool failed() const { return m_failed; }

protected:
    int overflow(int c) override
    {
        if (c == traits_type::eof())
            return traits_type::not_eof(c);
        m_line += char(c);
        if (c == '\n' || m_line.size() >= 4096)
            emit();
        return c;
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override
    {
        for (std::streamsize i = 0; i < n; ++i)
            overflow(static_cast<unsigned char>(s[i]));
        return n;
    }
    int sync() override
    {
        emit();
        return m_failed ? -1 : 0;
    }

private:
    void emit()
    {
        if (m_line.empty())
            return;
        std::string out;
        std::size_t start = 0;
        // Newlines and tabs are layout, not content: keep them; escape the rest per piece.
        for (std::size_t i = 0; i <= m_line.size(); ++i) {
            if (i == m_line.size() || m_line[i] == '\n' || m_line[i] == '\t') {
                out += wb::cli::printable(std::string_view(m_line).substr(start, i - start),
                                          SIZE_MAX);
                if (i < m_line.size())
                    out += m_line[i];
                start = i + 1;
            }
        }
        m_line.clear();
        if (!m_failed && !writeAll(STDERR_FILENO, out.data(), out.size()))
            m_failed = true;
    }

    std::string m_line;
    bool m_failed = false;
};

void printHelp(const wb::cli::Registry &registry, std::ostream &out)
{
    out << "Usage: workbench-cli <module> <command> [options]\n"
           "       workbench-cli modules | --version | --help\n\n"
           "Modules:\n";
    for (const auto &m : registry.modules())
        out << "  " << m.id << std::string(m.id.size() < 12 ? 12 - m.id.size() : 1, ' ')
            << m.summary << '\n';
    out << "\n`workbench-cli <module> --help` lists a module's commands.\n"
           "Options in [brackets] are optional; the text says their default.\n";
}

int run(const wb::cli::Registry &registry, std::vector<std::string> args)
{
    if (args.empty()) {
        printHelp(registry, std::cerr);
        return wb::cli::Usage;
    }
    const std::string first = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const bool global = first == "--help" || first == "-h" || first == "help" ||
                        first == "--version" || first == "modules";
    if (global) {
        if (auto refusal = wb::cli::refuseArguments(rest)) {
            std::cerr << "workbench-cli " << first << ": " << *refusal << ".\n";
            return wb::cli::Usage;
        }
    }
    if (first == "--help" || first == "-h" || first == "help") {
        printHelp(registry, std::cout);
        return wb::cli::Ok;
    }
    if (first == "--version") {
        std::cout << "workbench-cli " << WB_VERSION << '\n';
        return wb::cli::Ok;
    }
    if (first == "modules") {
        for (const auto &m : registry.modules())
            std::cout << m.id << '\t' << m.summary << '\n';
        return wb::cli::Ok;
    }
    const auto *module = registry.find(first);
    if (!module) {
        std::cerr << "workbench-cli: unknown module '" << first
                  << "'; `workbench-cli modules` lists the available ones.\n";
        return wb::cli::Usage;
    }
    args.erase(args.begin());
    if (args.empty() || args.front() == "--help" || args.front() == "-h") {
        if (args.size() > 1) {
            std::cerr << "workbench-cli " << module->id
                      << " --help: " << *wb::cli::refuseArguments({args.begin() + 1, args.end()})
                      << ".\n";
            return wb::cli::Usage;
        }
        (args.empty() ? std::cerr : std::cout) << module->usage;
        return args.empty() ? wb::cli::Usage : wb::cli::Ok;
    }
    wb::cli::Invocation inv{std::move(args), std::cin, std::cout, std::cerr};
    try {
        return module->run(inv);
    } catch (const std::bad_alloc &) {
        std::cerr << "workbench-cli " << module->id << ": out of memory\n";
    } catch (const std::exception &e) {
        std::cerr << "workbench-cli " << module->id << ": " << e.what() << '\n';
    }
    return wb::cli::Failure;
}

} // namespace

int main(int argc, char **argv)
{
    // A closed pipe (`| head`) is a failed write like any other, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    // Past a file size limit (`ulimit -f`) a write fails with EFBIG and the command reports
    // it and removes its temporary file, instead of being killed by SIGXFSZ.
    std::signal(SIGXFSZ, SIG_IGN);
    EscapingErr err;
    std::streambuf *const originalErr = std::cerr.rdbuf(&err);

    wb::cli::Registry registry;
    wbRegisterAllCli(registry);
    int code = run(registry, std::vector<std::string>(argv + 1, argv + argc));

    // Whatever the command returned, the output it printed must have arrived.
    std::cout.flush();
    const bool outFailed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    const int outErrno = errno;
    std::cerr.flush();
    if (outFailed) {
        std::cerr << "workbench-cli: write error on standard output: "
                  << std::strerror(outErrno ? outErrno : EIO) << '\n';
        std::cerr.flush();
        if (code == wb::cli::Ok)
            code = wb::cli::Negative;
    }
    if (err.failed() && code == wb::cli::Ok)
        code = wb::cli::Negative; // stderr itself failed: the exit code is all that is left
    std::cerr.rdbuf(originalErr);
    return code;
}
