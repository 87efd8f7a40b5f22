#include "workbench/core/trace.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace wb {

namespace {
std::int64_t nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}
} // namespace

std::string_view SourceLocation::fileName() const
{
    std::string_view f = file;
    const auto slash = f.find_last_of("/\\");
    return slash == std::string_view::npos ? f : f.substr(slash + 1);
}

const Value *Event::field(std::string_view key) const
{
    for (const auto &f : fields)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

std::int64_t Event::intField(std::string_view key, std::int64_t fallback) const
{
    const Value *v = field(key);
    if (!v)
        return fallback;
    if (auto i = std::get_if<std::int64_t>(v))
        return *i;
    if (auto u = std::get_if<std::uint64_t>(v))
        return static_cast<std::int64_t>(*u);
    if (auto b = std::get_if<bool>(v))
        return *b ? 1 : 0;
    return fallback;
}

std::string Event::stringField(std::string_view key) const
{
    const Value *v = field(key);
    if (auto s = v ? std::get_if<std::string>(v) : nullptr)
        return *s;
    return {};
}

Trace::Trace() : m_startNs(nowNs()) {}

const Event &Trace::add(std::string kind, std::string label, std::vector<Field> fields,
                        std::int32_t thread, std::source_location loc)
{
    Event e;
    e.thread = thread;
    e.kind = std::move(kind);
    e.label = std::move(label);
    e.where = SourceLocation::from(loc);
    e.fields = std::move(fields);
    return append(std::move(e));
}

const Event &Trace::append(Event e)
{
    return appendStamped(std::move(e), nowNs());
}

const Event &Trace::appendStamped(Event e, std::int64_t steadyNs)
{
    return push(std::move(e), &steadyNs);
}

const Event &Trace::appendRecorded(Event e)
{
    return push(std::move(e), nullptr);
}

const Event &Trace::push(Event &&e, const std::int64_t *steadyNs)
{
    std::lock_guard lock(m_mutex);
    if (m_limit && m_events.size() >= m_limit) {
        ++m_dropped;
        return m_events.back();
    }
    e.seq = m_events.size();
    if (steadyNs)
        e.tNs = std::max<std::int64_t>(*steadyNs - m_startNs,
                                       m_events.empty() ? 0 : m_events.back().tNs);
    m_events.push_back(std::move(e));
    return m_events.back();
}

std::size_t Trace::size() const
{
    std::lock_guard lock(m_mutex);
    return m_events.size();
}

const Event &Trace::at(std::size_t i) const
{
    std::lock_guard lock(m_mutex);
    if (i >= m_events.size())
        throw std::out_of_range("wb::Trace::at: index past the end of the trace");
    return m_events[i];
}

std::optional<std::size_t> Trace::findNext(std::string_view kind, std::size_t from) const
{
    std::lock_guard lock(m_mutex);
    for (std::size_t i = from; i < m_events.size(); ++i)
        if (m_events[i].kind == kind)
            return i;
    return std::nullopt;
}

std::optional<std::size_t> Trace::findPrevious(std::string_view kind, std::size_t from) const
{
    std::lock_guard lock(m_mutex);
    if (m_events.empty())
        return std::nullopt;
    if (from >= m_events.size())
        from = m_events.size() - 1;
    for (std::size_t i = from + 1; i-- > 0;)
        if (m_events[i].kind == kind)
            return i;
    return std::nullopt;
}

void Trace::setLimit(std::size_t maxEvents)
{
    std::lock_guard lock(m_mutex);
    m_limit = maxEvents;
}

std::size_t Trace::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

void Trace::clear()
{
    std::lock_guard lock(m_mutex);
    m_events.clear();
    m_dropped = 0;
    m_startNs = nowNs();
}

} // namespace wb
