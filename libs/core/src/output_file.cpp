#include "workbench/core/output_file.h"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wb {

namespace {

// Temporaries the signal handler removes. The handler may only call async-signal-safe
// functions, so the paths live in fixed buffers, published by `armed` after they are complete.
constexpr int kSlots = 8;
constexpr std::size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax];
volatile std::sig_atomic_t g_armed[kSlots];
std::mutex g_slotsMutex;
bool g_slotUsed[kSlots];

void removeTemporariesAndReraise(int sig)
{
    for (int i = 0; i < kSlots; ++i)
        if (g_armed[i])
            ::unlink(g_paths[i]);
    // The default action (usually termination) with the usual exit status.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// Installs the handler for each signal still at its default action: a program that handles
// SIGINT itself (e.g. a long-running component) keeps its own behaviour.
void installHandlers()
{
    static std::once_flag once;
    std::call_once(once, [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
            struct sigaction old
            {
            };
            if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL)
                continue;
            struct sigaction sa
            {
            };
            sa.sa_handler = removeTemporariesAndReraise;
            sigemptyset(&sa.sa_mask);
            ::sigaction(sig, &sa, nullptr);
        }
    });
}

int armSlot(const std::string &path)
{
    if (path.size() >= kPathMax)
        return -1;
    std::lock_guard lock(g_slotsMutex);
    for (int i = 0; i < kSlots; ++i) {
        if (g_slotUsed[i])
            continue;
        g_slotUsed[i] = true;
        std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
        g_armed[i] = 1;
        return i;
    }
    return -1; // more than kSlots at once: only the destructor cleans this one up
}

void disarmSlot(int slot)
{
    if (slot < 0)
        return;
    std::lock_guard lock(g_slotsMutex);
    g_armed[slot] = 0;
    g_slotUsed[slot] = false;
}

std::string folderOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string baseOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

const char *kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISFIFO(mode))
        return "a named pipe";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

} // namespace

OutputFile::~OutputFile()
{
    discard();
}

bool OutputFile::fail(ErrorKind kind, std::string sentence, std::string &error)
{
    m_errorKind = kind;
    error = std::move(sentence);
    discard();
    return false;
}

void OutputFile::discard()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_committed && !m_temporary.empty())
        ::unlink(m_temporary.c_str());
    disarmSlot(m_slot);
    m_slot = -1;
    if (!m_committed)
        m_temporary.clear();
}

bool OutputFile::isTemporaryName(const std::string &name, long *pid)
{
    // ".NAME.tmp-PID-XXXXXX"
    if (name.size() < 1 + 1 + 5 + 1 + 1 + 6 || name[0] != '.')
        return false;
    const std::string suffix = name.substr(name.size() - 7);
    if (suffix[0] != '-')
        return false;
    for (std::size_t i = 1; i < suffix.size(); ++i)
        if (!std::isalnum(static_cast<unsigned char>(suffix[i])))
            return false;
    const std::string head = name.substr(0, name.size() - 7);
    const auto tmp = head.rfind(".tmp-");
    if (tmp == std::string::npos || tmp < 2)
        return false;
    const std::string digits = head.substr(tmp + 5);
    if (digits.empty() || digits.size() > 10 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
        return false;
    if (pid)
        *pid = std::stol(digits);
    return true;
}

int OutputFile::removeStale(const std::string &dir)
{
    DIR *d = ::opendir(dir.c_str());
    if (!d)
        return 0;
    int removed = 0;
    const uid_t me = ::geteuid();
    while (const dirent *e = ::readdir(d)) {
        long pid = 0;
        const std::string name = e->d_name;
        if (!isTemporaryName(name, &pid) || pid <= 0 || pid == long(::getpid()))
            continue;
        // Still running (or not ours to judge): keep it. ESRCH is the only proof it is gone.
        if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
            continue;
        struct stat st
        {
        };
        const std::string path = dir + "/" + name;
        if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != me)
            continue;
        if (::unlink(path.c_str()) == 0)
            ++removed;
    }
    ::closedir(d);
    return removed;
}

bool OutputFile::open(const std::string &target, bool overwrite, bool secret, std::string &error)
{
    discard();
    m_target = target;
    m_overwrite = overwrite;
    m_secret = secret;
    m_committed = false;
    m_errorKind = ErrorKind::None;
    if (target.empty())
        return fail(ErrorKind::Usage, "the output file name is empty", error);
    struct stat st
    {
    };
    if (::stat(target.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return fail(ErrorKind::Usage,
                        "the output '" + target + "' is " + kindOf(st.st_mode) +
                            "; give the name of a regular file",
                        error);
        if (!overwrite)
            return fail(ErrorKind::Usage,
                        "the output '" + target +
                            "' already exists; choose another name or pass --force to "
                            "replace it",
                        error);
    }
    const std::string dir = folderOf(target);
    removeStale(dir);
    // NAME_MAX is 255: keep the temporary's name within it however long the target's is.
    const std::string base = baseOf(target).substr(0, 200);
    std::string path = (dir == "/" ? std::string() : dir) + "/." + base + ".tmp-" +
                       std::to_string(::getpid()) + "-XXXXXX";
    if (folderOf(target) == "." && target.find('/') == std::string::npos)
        path = path.substr(2); // keep a relative name relative
    installHandlers();
    m_fd = ::mkostemp(path.data(), O_CLOEXEC); // mode 0600
    if (m_fd < 0)
        return fail(ErrorKind::System,
                    "cannot create a temporary file in '" + dir + "': " + std::strerror(errno),
                    error);
    m_temporary = path;
    m_slot = armSlot(m_temporary);
    return true;
}

bool OutputFile::write(std::span<const std::uint8_t> bytes, std::string &error)
{
    if (m_fd < 0)
        return fail(ErrorKind::System, "cannot write '" + m_target + "': not open", error);
    const std::uint8_t *p = bytes.data();
    std::size_t n = bytes.size();
    while (n > 0) {
        const ssize_t w = ::write(m_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fail(ErrorKind::System,
                        "cannot write '" + m_target +
                            "': " + std::strerror(w < 0 ? errno : ENOSPC) +
                            "; the old file, if any, is unchanged",
                        error);
        p += w;
        n -= std::size_t(w);
    }
    return true;
}

bool OutputFile::write(std::string_view bytes, std::string &error)
{
    return write(std::span<const std::uint8_t>(
                     reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size()),
                 error);
}

bool OutputFile::commit(std::string &error)
{
    if (m_fd < 0)
        return fail(ErrorKind::System, "cannot write '" + m_target + "': not open", error);
    if (!m_secret) {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(m_fd, 0666 & ~mask);
    }
    const bool synced = ::fsync(m_fd) == 0;
    const int syncErrno = errno;
    const bool closed = ::close(m_fd) == 0;
    const int closeErrno = errno;
    m_fd = -1;
    if (!synced || !closed)
        return fail(ErrorKind::System,
                    "cannot write '" + m_target +
                        "': " + std::strerror(!synced ? syncErrno : closeErrno) +
                        "; the old file, if any, is unchanged",
                    error);
    // The target may have changed since open(): check its kind again right before replacing.
    struct stat st
    {
    };
    if (::lstat(m_target.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        return fail(ErrorKind::Usage,
                    "the output '" + m_target + "' is " + kindOf(st.st_mode) +
                        "; give the name of a regular file",
                    error);
    if (!m_overwrite) {
        // link() fails if the name appeared meanwhile: nothing is ever replaced silently.
        if (::link(m_temporary.c_str(), m_target.c_str()) != 0)
            return fail(errno == EEXIST ? ErrorKind::Usage : ErrorKind::System,
                        "cannot create '" + m_target + "': " + std::strerror(errno), error);
        ::unlink(m_temporary.c_str());
    } else {
        if (::stat(m_target.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
            return fail(ErrorKind::Usage,
                        "the output '" + m_target + "' is " + kindOf(st.st_mode) +
                            "; give the name of a regular file",
                        error);
        if (::rename(m_temporary.c_str(), m_target.c_str()) != 0)
            return fail(ErrorKind::System,
                        "cannot create '" + m_target + "': " + std::strerror(errno), error);
    }
    m_committed = true;
    disarmSlot(m_slot);
    m_slot = -1;
    return true;
}

} // namespace wb
