// Recording: compact records appended to a buffer owned by the calling thread.
#include "runtime_internal.h"

#include "threads/core/events.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace wb::threads {

namespace detail {
constinit thread_local const char *t_scriptFile = nullptr;
constinit thread_local std::uint32_t t_scriptLine = 0;
} // namespace detail

using detail::t_scriptFile;
using detail::t_scriptLine;

namespace {

wb::SourceLocation whereOf(const std::source_location &loc)
{
    if (t_scriptLine)
        return {t_scriptFile, t_scriptLine, ""};
    return wb::SourceLocation::from(loc);
}

std::int64_t nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

// Each thread remembers its record buffer in the last few Runtimes it recorded into (keyed
// by the Runtime's unique id, so a new Runtime at a reused address never matches).
struct CachedBuffer
{
    std::uint64_t runtime = 0;
    void *buffer = nullptr;
};
thread_local std::array<CachedBuffer, 4> t_buffers{};
thread_local unsigned t_nextBuffer = 0;
} // namespace

void Runtime::setScriptLine(const char *file, std::uint32_t line)
{
    t_scriptFile = file;
    t_scriptLine = file ? line : 0;
}

Runtime::Buffer *Runtime::attachBuffer()
{
    auto owned = std::make_unique<Buffer>();
    Buffer *b = owned.get();
    b->thread = static_cast<std::int16_t>(currentThread());
    {
        std::lock_guard lk(m_bufferMutex);
        m_buffers.push_back(std::move(owned));
    }
    nextChunk(*b, 0);
    t_buffers[t_nextBuffer++ % t_buffers.size()] = {m_id, b};
    return b;
}

Runtime::Chunk *Runtime::nextChunk(Buffer &b, std::size_t words)
{
    std::lock_guard lk(m_bufferMutex);
    Chunk *c = nullptr;
    if (m_spareChunks.empty()) {
        c = new Chunk;
    } else {
        c = m_spareChunks.back();
        m_spareChunks.pop_back();
        c->published.store(0, std::memory_order_relaxed);
        c->drained = 0;
        c->wordsUsed = 0;
    }
    if (c->words.size() < words)
        c->words.resize(words);
    b.chunks.push_back(c);
    b.current = c;
    return c;
}

Runtime::Slot Runtime::open(Form f, const PrimitiveRef &p, const Args &args, std::size_t words,
                            const std::source_location &loc)
{
    Buffer *b = nullptr;
    for (const CachedBuffer &cached : t_buffers)
        if (cached.runtime == m_id)
            b = static_cast<Buffer *>(cached.buffer);
    if (!b)
        b = attachBuffer();
    Chunk *c = b->current;
    std::uint32_t i = c->published.load(std::memory_order_relaxed); // we are its only writer
    if (i == Chunk::kRecords || c->wordsUsed + words > c->words.size()) {
        c = nextChunk(*b, words);
        i = 0;
    }
    Record &r = c->records[i];
    r.tNs = nowNs();
    r.seq = m_seq.fetch_add(1, std::memory_order_relaxed);
    r.where = loc;
    r.scriptFile = t_scriptFile;
    r.scriptLine = t_scriptLine;
    r.args = args;
    r.prim = p.id;
    r.thread = b->thread;
    r.form = f;
    r.extra = c->words.data() + c->wordsUsed;
    r.extraLength = 0;
    c->wordsUsed += words;
    return {&r, c, static_cast<std::int64_t *>(r.extra)};
}

std::int64_t Runtime::commit(const Slot &s, std::uint32_t extraLength)
{
    s.record->extraLength = extraLength;
    const auto next = static_cast<std::uint32_t>(s.record - s.chunk->records.data()) + 1;
    s.chunk->published.store(next, std::memory_order_release);
    return static_cast<std::int64_t>(s.record->seq);
}

std::int64_t Runtime::record(Form f, const PrimitiveRef &p, Args args, std::source_location loc)
{
    if (!m_trace)
        return -1;
    return commit(open(f, p, args, 0, loc), 0);
}

std::int64_t Runtime::pass(Form f, const PrimitiveRef &p, Args args, std::source_location loc)
{
    gate(kindOf(f), p, loc);
    return record(f, p, args, loc);
}

std::int64_t Runtime::recordText(Form f, const PrimitiveRef &p, Args args, std::string_view text,
                                 std::source_location loc)
{
    if (!m_trace)
        return -1;
    const Slot s = open(f, p, args, (text.size() + 7) / 8, loc);
    std::copy(text.begin(), text.end(), reinterpret_cast<char *>(s.words));
    return commit(s, static_cast<std::uint32_t>(text.size()));
}

// A ready-made Event, carried by a Generic record.
std::int64_t Runtime::recordEvent(wb::Event &&e, const std::source_location &loc, bool scripted)
{
    if (!m_trace)
        return -1;
    auto owned = std::make_unique<wb::Event>(std::move(e));
    owned->thread = currentThread();
    owned->where = scripted ? whereOf(loc) : wb::SourceLocation::from(loc);
    static const PrimitiveRef none;
    const Slot s = open(Form::Generic, none, {}, 0, loc);
    s.record->extra = owned.release();
    return commit(s, 0);
}

// The string-based path: the Event is built here from a declared kind.
template <class Fields>
std::int64_t Runtime::recordFields(std::string_view kind, const PrimitiveRef &p,
                                   std::string &&label, Fields &&fields,
                                   const std::source_location &loc)
{
    if (!m_trace)
        return -1;
    if (!events::ThreadsEvents::contains(kind))
        throw std::invalid_argument("threads: event kind \"" + std::string(kind) +
                                    "\" is not declared in threads/core/events.h");
    wb::Event e;
    e.kind = kind;
    e.label = std::move(label);
    e.fields.reserve(fields.size() + 2);
    e.fields.emplace_back("primitive", p.name);
    e.fields.emplace_back("layer", p.layer);
    if constexpr (std::is_rvalue_reference_v<Fields &&>)
        e.fields.insert(e.fields.end(), std::make_move_iterator(fields.begin()),
                        std::make_move_iterator(fields.end()));
    else
        e.fields.insert(e.fields.end(), fields.begin(), fields.end());
    return recordEvent(std::move(e), loc, true);
}

std::int64_t Runtime::record(std::string_view kind, const PrimitiveRef &p, std::string label,
                             std::vector<wb::Field> fields, std::source_location loc)
{
    return recordFields(kind, p, std::move(label), std::move(fields), loc);
}

std::int64_t Runtime::record(std::string_view kind, const PrimitiveRef &p, std::string label,
                             std::initializer_list<wb::Field> fields, std::source_location loc)
{
    return recordFields(kind, p, std::move(label), fields, loc);
}

std::int64_t Runtime::pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                           std::vector<wb::Field> fields, std::source_location loc)
{
    gate(kind, p, loc);
    return recordFields(kind, p, std::move(label), std::move(fields), loc);
}

std::int64_t Runtime::pass(std::string_view kind, const PrimitiveRef &p, std::string label,
                           std::initializer_list<wb::Field> fields, std::source_location loc)
{
    gate(kind, p, loc);
    return recordFields(kind, p, std::move(label), fields, loc);
}

} // namespace wb::threads
