#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/output_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>

#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace wb::cli {

void Registry::add(ModuleCommands m)
{
    m_modules.push_back(std::move(m));
    std::sort(m_modules.begin(), m_modules.end(),
              [](const auto &a, const auto &b) { return a.id < b.id; });
}

const ModuleCommands *Registry::find(std::string_view id) const
{
    for (const auto &m : m_modules)
        if (m.id == id)
            return &m;
    return nullptr;
}

namespace {

bool contains(const std::vector<std::string> &v, std::string_view s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

// "--a, --b and --c": what a command accepts, for the sentence refusing something else.
std::string optionList(const std::vector<std::string> &values,
                       const std::vector<std::string> &flags)
{
    std::vector<std::string> all;
    for (const auto &v : values)
        all.push_back("--" + v + " " + "VALUE");
    for (const auto &f : flags)
        all.push_back("--" + f);
    std::string out;
    for (std::size_t i = 0; i < all.size(); ++i)
        out += (i == 0 ? "" : i + 1 == all.size() ? " and " : ", ") + all[i];
    return out;
}

// The length of the valid UTF-8 sequence at text[i], or 0 when it is invalid or a C1 control
// character (U+0080 to U+009F, which some terminals obey as escape sequences).
std::size_t printableUtf8(std::string_view text, std::size_t i)
{
    const std::size_t n = wb::utf8SequenceLength(text, i);
    if (n == 2 && static_cast<unsigned char>(text[i]) == 0xc2 &&
        static_cast<unsigned char>(text[i + 1]) < 0xa0)
        return 0;
    return n;
}

} // namespace

bool Options::parse(const std::vector<std::string> &args, std::vector<std::string> valueOptions,
                    std::vector<std::string> flags, Positionals positionals)
{
    auto refuse = [this](std::string sentence) {
        m_error = std::move(sentence);
        return false;
    };
    const auto seen = [this](const std::string &name) {
        return contains(m_flags, name) ||
               std::any_of(m_values.begin(), m_values.end(),
                           [&](const auto &v) { return v.first == name; });
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--") {
            m_positionals.insert(m_positionals.end(), args.begin() + i + 1, args.end());
            break;
        }
        if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
            m_positionals.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        const bool isValue = contains(valueOptions, name), isFlag = contains(flags, name);
        if (!isValue && !isFlag)
            return refuse("unknown option --" + printable(name, 60) + "; this command takes " +
                          (valueOptions.empty() && flags.empty()
                               ? std::string("no options")
                               : optionList(valueOptions, flags)));
        if (seen(name))
            return refuse("--" + name + " is given more than once; give it once");
        if (isFlag) {
            if (inlineValue)
                return refuse("--" + name + " is a switch and takes no value");
            m_flags.push_back(name);
        } else if (inlineValue) {
            m_values.emplace_back(name, *inlineValue);
        } else if (i + 1 < args.size()) {
            m_values.emplace_back(name, args[++i]);
        } else {
            return refuse("option --" + name + " needs a value");
        }
    }
    const std::size_t n = m_positionals.size();
    if (n > positionals.max)
        return refuse("unexpected argument '" + printable(m_positionals[positionals.max], 60) +
                      "'; " +
                      (positionals.max == 0 ? std::string("this command takes only options")
                                            : "this command takes " + positionals.names));
    if (n < positionals.min)
        return refuse("this command takes " + positionals.names + ", got " + std::to_string(n) +
                      (n == 1 ? " argument" : " arguments"));
    return true;
}

std::optional<std::string> refuseArguments(const std::vector<std::string> &args)
{
    if (args.empty())
        return std::nullopt;
    return "unexpected argument '" + printable(args.front(), 60) +
           "'; this command takes no arguments";
}

std::string printable(std::string_view text, std::size_t limit)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    const std::size_t shown = std::min(text.size(), limit);
    for (std::size_t i = 0; i < shown;) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += char(c);
            ++i;
        } else if (const std::size_t n = c >= 0x80 ? printableUtf8(text, i) : 0; n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        }
    }
    if (shown < text.size())
        out += "...";
    return out;
}

bool Options::has(std::string_view name) const
{
    if (std::find(m_flags.begin(), m_flags.end(), name) != m_flags.end())
        return true;
    return value(name).has_value();
}

std::optional<std::string> Options::value(std::string_view name) const
{
    // parse() refuses repeats, so there is at most one.
    for (auto it = m_values.rbegin(); it != m_values.rend(); ++it)
        if (it->first == name)
            return it->second;
    return std::nullopt;
}

std::string Options::valueOr(std::string_view name, std::string fallback) const
{
    auto v = value(name);
    return v ? *v : std::move(fallback);
}

int writeRecordingOption(const Options &opts, const Recording &recording, bool overwrite,
                         std::ostream &err)
{
    const auto path = opts.value("record");
    if (!path)
        return Ok;
    std::string error;
    bool usage = false;
    if (path->empty()) {
        err << "--record needs a file name (a recording, e.g. run.wbrec)\n";
        return Usage;
    }
    const std::filesystem::path folder = std::filesystem::absolute(*path).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        err << "cannot write the recording: the folder '" << printable(folder.string(), 120)
            << "' does not exist\n";
        return Usage;
    }
    Recording kept = recording;
    if (kept.moduleVersion.empty())
        kept.moduleVersion = WB_PROJECT_VERSION; // the version the module's plugin carries
    if (writeRecording(*path, kept, overwrite, error, &usage))
        return Ok;
    err << "cannot write the recording: " << printable(error) << '\n';
    return usage ? Usage : Failure;
}

int checkRecordTarget(const Options &opts, std::string &sentence)
{
    const auto path = opts.value("record");
    if (!path) {
        if (!opts.has("force"))
            return Ok;
        sentence = "--force replaces a recording; it needs --record FILE";
        return Usage;
    }
    if (path->empty()) {
        sentence = "--record needs a file name (a recording, e.g. run.wbrec)";
        return Usage;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target(*path);
    const std::string name = "'" + printable(*path, 120) + "'";
    sentence = "cannot write the recording: ";
    if (fs::is_directory(target, ec)) {
        sentence += name + " is a folder; give a file name, e.g. run.wbrec";
        return Usage;
    }
    if (fs::exists(target, ec) && !opts.has("force")) {
        sentence += name + " already exists; choose another name or pass --force to replace it";
        return Usage;
    }
    const fs::path folder = target.parent_path();
    if (!folder.empty() && !fs::is_directory(folder, ec)) {
        sentence += "the folder '" + printable(folder.string(), 120) + "' does not exist";
        return Usage;
    }
    // What only trying tells: permissions, a read-only or full disk. Nothing is left behind.
    OutputFile probe;
    std::string error;
    if (probe.open(*path, opts.has("force"), /*secret=*/false, error)) {
        probe.discard();
        sentence.clear();
        return Ok;
    }
    sentence += printable(error);
    return probe.errorKind() == OutputFile::ErrorKind::Usage ? Usage : Failure;
}

std::string humanSize(std::uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = double(bytes) / 1024;
    std::size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

int readTextFile(const std::string &path, std::size_t limit, std::string_view what,
                 std::string_view expected, std::string &text, std::string &error)
{
    const std::string name = "'" + printable(path, 120) + "'";
    const std::string tooBig =
        "; expected " + std::string(expected) + " (at most " + humanSize(limit) + "): " + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        struct stat st
        {
        };
        if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            error = "the " + std::string(what) + " " + name + " is a directory";
            return Usage;
        }
        error = "cannot open the " + std::string(what) + " " + name + ": " + std::strerror(e);
        return Failure;
    }
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        error = "cannot read the " + std::string(what) + " " + name + ": " + std::strerror(errno);
        return Failure;
    }
    if (S_ISDIR(st.st_mode)) {
        error = "the " + std::string(what) + " " + name + " is a directory";
        return Usage;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
        error = "the " + std::string(what) + " " + name + " is not a file";
        return Usage;
    }
    if (S_ISREG(st.st_mode) && std::uint64_t(st.st_size) > limit) {
        error = std::string(what) + " is " + humanSize(std::uint64_t(st.st_size)) + tooBig;
        return Usage;
    }
    text.clear();
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            error = e == EISDIR ? "the " + std::string(what) + " " + name + " is a directory"
                                : "cannot read the " + std::string(what) + " " + name + ": " +
                                      std::strerror(e);
            return e == EISDIR ? Usage : Failure;
        }
        if (n == 0)
            break;
        text.append(buf, std::size_t(n));
        if (text.size() > limit) {
            error = std::string(what) + " is over " + humanSize(limit) + tooBig;
            return Usage;
        }
    }
    if (text.size() >= 3 && text.compare(0, 3, "\xef\xbb\xbf") == 0) {
        error = "the " + std::string(what) + " " + name +
                " starts with a byte-order mark (bytes ef bb bf); save it as plain UTF-8 text "
                "without one";
        return Usage;
    }
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = wb::utf8SequenceLength(text, i);
        if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            char where[64];
            std::snprintf(where, sizeof where, " (byte \\x%02x at offset %zu)", c, i);
            error = "the " + std::string(what) + " " + name + " holds binary data" + where +
                    "; expected " + std::string(expected) + " as text";
            return Usage;
        }
        i += n;
    }
    return Ok;
}

std::optional<std::int64_t> parseInt(std::string_view s)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

} // namespace wb::cli
