#include "workbench/core/cli.h"

#include <algorithm>
#include <charconv>

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

bool Options::parse(const std::vector<std::string> &args, std::vector<std::string> valueOptions,
                    std::vector<std::string> flags)
{
    auto contains = [](const std::vector<std::string> &v, const std::string &s) {
        return std::find(v.begin(), v.end(), s) != v.end();
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
        if (contains(valueOptions, name)) {
            if (inlineValue) {
                m_values.emplace_back(name, *inlineValue);
            } else if (i + 1 < args.size()) {
                m_values.emplace_back(name, args[++i]);
            } else {
                m_error = "option --" + name + " needs a value";
                return false;
            }
        } else if (contains(flags, name) && !inlineValue) {
            m_flags.push_back(name);
        } else {
            m_error = "unknown option --" + name;
            return false;
        }
    }
    return true;
}

bool Options::has(std::string_view name) const
{
    if (std::find(m_flags.begin(), m_flags.end(), name) != m_flags.end())
        return true;
    return value(name).has_value();
}

std::optional<std::string> Options::value(std::string_view name) const
{
    // The last occurrence wins, as in most command-line tools.
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
