#include "crypto/core/output_file.h"

namespace wb::crypto {

void checkOutput(const std::string &output, std::span<const struct stat> inputs,
                 std::span<const std::string> inputNames, bool overwrite)
{
    struct stat st
    {
    };
    if (::stat(output.c_str(), &st) != 0)
        return; // does not exist yet
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (st.st_dev == inputs[i].st_dev && st.st_ino == inputs[i].st_ino)
            throw IoError("the output '" + output + "' is the input file" +
                          (i < inputNames.size() ? " '" + inputNames[i] + "'" : std::string()) +
                          "; choose another name");
    // The writer's own check gives the sentence (directory, device, pipe, existing file).
    std::string error;
    wb::OutputFile probe;
    if (!probe.open(output, overwrite, true, error)) {
        if (probe.errorKind() == wb::OutputFile::ErrorKind::Usage && !S_ISREG(st.st_mode))
            throw CryptoError(error);
        throw IoError(error);
    }
}

OutputFile::OutputFile(const std::string &output, bool overwrite, bool secret)
{
    std::string error;
    if (!m_file.open(output, overwrite, secret, error))
        raise(error);
}

void OutputFile::raise(const std::string &sentence) const
{
    if (m_file.errorKind() == wb::OutputFile::ErrorKind::Usage)
        throw CryptoError(sentence);
    throw IoError(sentence);
}

void OutputFile::write(std::span<const std::uint8_t> bytes)
{
    std::string error;
    if (!m_file.write(bytes, error))
        raise(error);
}

void OutputFile::commit()
{
    std::string error;
    if (!m_file.commit(error))
        raise(error);
}

} // namespace wb::crypto
