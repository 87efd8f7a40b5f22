#include "crypto/core/output_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <unistd.h>

namespace wb::crypto {

namespace {

std::string errnoText()
{
    return std::strerror(errno);
}

} // namespace

void checkOutput(const std::string &output, std::span<const struct stat> inputs,
                 std::span<const std::string> inputNames, bool overwrite)
{
    struct stat st{};
    if (::stat(output.c_str(), &st) != 0)
        return; // does not exist yet
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (st.st_dev == inputs[i].st_dev && st.st_ino == inputs[i].st_ino)
            throw IoError("the output '" + output + "' is the input file" +
                          (i < inputNames.size() ? " '" + inputNames[i] + "'" : std::string()) +
                          "; choose another name");
    if (S_ISDIR(st.st_mode))
        throw IoError("the output '" + output + "' is a directory");
    if (!overwrite)
        throw IoError("the output '" + output +
                      "' already exists; choose another name or pass --force to replace it");
}

OutputFile::OutputFile(std::string output, bool secret)
    : m_output(std::move(output)), m_secret(secret)
{
    const std::filesystem::path out(m_output);
    const std::filesystem::path dir = out.has_parent_path() ? out.parent_path() : ".";
    m_path = (dir / ("." + out.filename().string() + ".tmp-XXXXXX")).string();
    m_fd = ::mkstemp(m_path.data()); // mode 0600
    if (m_fd < 0)
        throw IoError("cannot create a temporary file in '" + dir.string() + "': " + errnoText());
}

OutputFile::~OutputFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed)
        ::unlink(m_path.c_str());
}

void OutputFile::write(std::span<const std::uint8_t> bytes)
{
    const std::uint8_t *p = bytes.data();
    std::size_t n = bytes.size();
    while (n > 0) {
        const ssize_t w = ::write(m_fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            throw IoError("cannot write '" + m_output + "': " + errnoText());
        }
        p += w;
        n -= std::size_t(w);
    }
}

void OutputFile::commit(bool overwrite)
{
    if (!m_secret) {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(m_fd, 0666 & ~mask);
    }
    if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
        m_fd = -1;
        throw IoError("cannot write '" + m_output + "': " + errnoText());
    }
    m_fd = -1;
    if (!overwrite) {
        if (::link(m_path.c_str(), m_output.c_str()) != 0)
            throw IoError("cannot create '" + m_output + "': " + errnoText());
        ::unlink(m_path.c_str());
    } else if (::rename(m_path.c_str(), m_output.c_str()) != 0) {
        throw IoError("cannot create '" + m_output + "': " + errnoText());
    }
    m_committed = true;
}

} // namespace wb::crypto
