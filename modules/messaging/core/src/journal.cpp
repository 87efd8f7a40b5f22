#include "messaging/core/journal.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace wb::messaging {

std::uint32_t crc32(const void *data, std::size_t size)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    const auto *p = static_cast<const unsigned char *>(data);
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

namespace {

enum Op : std::uint8_t {
    OpDeclareExchange = 1,
    OpDeleteExchange,
    OpDeclareQueue,
    OpDeleteQueue,
    OpBind,
    OpUnbind,
    OpEnqueue,
    OpRemove,
    OpPurge,
};

// --- encoding ---------------------------------------------------------------------------

void putU32(std::string &out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void putU64(std::string &out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void putU8(std::string &out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

void putString(std::string &out, const std::string &s)
{
    putU32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

void putHeaders(std::string &out, const Headers &h)
{
    putU32(out, static_cast<std::uint32_t>(h.size()));
    for (const auto &[k, v] : h) {
        putString(out, k);
        putU8(out, static_cast<std::uint8_t>(v.index()));
        if (const auto *s = std::get_if<std::string>(&v))
            putString(out, *s);
        else if (const auto *i = std::get_if<std::int64_t>(&v))
            putU64(out, static_cast<std::uint64_t>(*i));
        else
            putU8(out, std::get<bool>(v) ? 1 : 0);
    }
}

void putMessage(std::string &out, const Message &m)
{
    putString(out, m.body);
    putString(out, m.properties.contentType);
    putU8(out, m.properties.deliveryMode);
    putHeaders(out, m.properties.headers);
    putString(out, m.properties.messageId);
    putU64(out, static_cast<std::uint64_t>(m.properties.timestamp));
    putString(out, m.properties.correlationId);
    putString(out, m.properties.replyTo);
}

// --- decoding: every read checks bounds; a short payload marks the record corrupt ---------

class Reader
{
public:
    Reader(const char *p, std::size_t n) : m_p(p), m_end(p + n) {}
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }

    std::uint8_t u8()
    {
        if (!need(1))
            return 0;
        return static_cast<std::uint8_t>(*m_p++);
    }
    std::uint32_t u32()
    {
        if (!need(4))
            return 0;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(*m_p++)) << (8 * i);
        return v;
    }
    std::uint64_t u64()
    {
        if (!need(8))
            return 0;
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(*m_p++)) << (8 * i);
        return v;
    }
    std::string string()
    {
        const auto n = u32();
        if (!need(n))
            return {};
        std::string s(m_p, n);
        m_p += n;
        return s;
    }
    Headers headers()
    {
        Headers h;
        const auto n = u32();
        for (std::uint32_t i = 0; i < n && m_ok; ++i) {
            auto key = string();
            switch (u8()) {
            case 0: h[key] = string(); break;
            case 1: h[key] = static_cast<std::int64_t>(u64()); break;
            case 2: h[key] = u8() != 0; break;
            default: m_ok = false;
            }
        }
        return h;
    }
    Message message()
    {
        Message m;
        m.body = string();
        m.properties.contentType = string();
        m.properties.deliveryMode = u8();
        m.properties.headers = headers();
        m.properties.messageId = string();
        m.properties.timestamp = static_cast<std::int64_t>(u64());
        m.properties.correlationId = string();
        m.properties.replyTo = string();
        return m;
    }

private:
    bool need(std::size_t n)
    {
        if (!m_ok || static_cast<std::size_t>(m_end - m_p) < n) {
            m_ok = false;
            return false;
        }
        return true;
    }
    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

// The state being rebuilt while replaying, keyed so deletes are cheap.
struct Replay
{
    std::vector<DurableExchange> exchanges;
    std::vector<DurableQueue> queues;
    std::vector<DurableBinding> bindings;
    std::map<std::uint64_t, DurableMessage> messages;

    void dropBindings(const std::string &exchange, const std::string &queue)
    {
        std::erase_if(bindings, [&](const DurableBinding &b) {
            return (!exchange.empty() && b.exchange == exchange) ||
                   (!queue.empty() && b.queue == queue);
        });
    }
    void dropMessages(const std::string &queue)
    {
        std::erase_if(messages, [&](const auto &kv) { return kv.second.queue == queue; });
    }
};

bool sameBinding(const DurableBinding &a, const DurableBinding &b)
{
    return a.exchange == b.exchange && a.queue == b.queue && a.key == b.key &&
           a.arguments == b.arguments;
}

// Applies one record; false when its payload does not decode.
bool apply(Replay &r, const char *p, std::size_t n)
{
    Reader in(p, n);
    const auto op = in.u8();
    switch (op) {
    case OpDeclareExchange: {
        DurableExchange e;
        e.name = in.string();
        e.type = static_cast<ExchangeType>(in.u8());
        e.autoDelete = in.u8() != 0;
        e.internal = in.u8() != 0;
        if (!in.ok() || static_cast<int>(e.type) > 3)
            return false;
        std::erase_if(r.exchanges, [&](const DurableExchange &x) { return x.name == e.name; });
        r.exchanges.push_back(std::move(e));
        break;
    }
    case OpDeleteExchange: {
        const auto name = in.string();
        if (!in.ok())
            return false;
        std::erase_if(r.exchanges, [&](const DurableExchange &x) { return x.name == name; });
        r.dropBindings(name, {});
        break;
    }
    case OpDeclareQueue: {
        DurableQueue q;
        q.name = in.string();
        q.autoDelete = in.u8() != 0;
        if (!in.ok())
            return false;
        std::erase_if(r.queues, [&](const DurableQueue &x) { return x.name == q.name; });
        r.queues.push_back(std::move(q));
        break;
    }
    case OpDeleteQueue: {
        const auto name = in.string();
        if (!in.ok())
            return false;
        std::erase_if(r.queues, [&](const DurableQueue &x) { return x.name == name; });
        r.dropBindings({}, name);
        r.dropMessages(name);
        break;
    }
    case OpBind:
    case OpUnbind: {
        DurableBinding b;
        b.exchange = in.string();
        b.queue = in.string();
        b.key = in.string();
        b.arguments = in.headers();
        if (!in.ok())
            return false;
        std::erase_if(r.bindings, [&](const DurableBinding &x) { return sameBinding(x, b); });
        if (op == OpBind)
            r.bindings.push_back(std::move(b));
        break;
    }
    case OpEnqueue: {
        DurableMessage m;
        m.id = in.u64();
        m.queue = in.string();
        m.exchange = in.string();
        m.routingKey = in.string();
        m.message = in.message();
        if (!in.ok())
            return false;
        r.messages[m.id] = std::move(m);
        break;
    }
    case OpRemove: {
        const auto id = in.u64();
        if (!in.ok())
            return false;
        r.messages.erase(id);
        break;
    }
    case OpPurge: {
        const auto name = in.string();
        if (!in.ok())
            return false;
        r.dropMessages(name);
        break;
    }
    default:
        return false;
    }
    return in.atEnd();
}

} // namespace

JournalImage Journal::load(const std::filesystem::path &path)
{
    JournalImage image;
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return image;
    const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    Replay r;
    std::size_t pos = 0;
    while (data.size() - pos >= 8) {
        Reader header(data.data() + pos, 8);
        const auto length = header.u32();
        const auto crc = header.u32();
        if (data.size() - pos - 8 < length)
            break; // torn: the writer died inside this record
        const char *payload = data.data() + pos + 8;
        if (crc32(payload, length) != crc || !apply(r, payload, length))
            break; // corrupt: nothing after it can be trusted
        pos += 8 + length;
        ++image.records;
    }
    image.ignoredBytes = data.size() - pos;
    image.exchanges = std::move(r.exchanges);
    image.queues = std::move(r.queues);
    image.bindings = std::move(r.bindings);
    for (auto &[id, m] : r.messages)
        image.messages.push_back(std::move(m));
    return image;
}

bool Journal::open(const std::filesystem::path &path, const JournalImage &image,
                   std::string *error)
{
    close();
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    const auto temporary = path.string() + ".tmp";
    m_file = std::fopen(temporary.c_str(), "wb");
    if (!m_file) {
        if (error)
            *error = "cannot write the broker journal in " + path.parent_path().string() + ": " +
                     std::strerror(errno);
        return false;
    }
    m_bytes = 0;
    for (const auto &e : image.exchanges)
        declareExchange(e);
    for (const auto &q : image.queues)
        declareQueue(q);
    for (const auto &b : image.bindings)
        bind(b);
    for (const auto &m : image.messages)
        enqueue(m);
    std::fflush(m_file);
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        close();
        if (error)
            *error = "cannot replace the broker journal " + path.string() + ": " + ec.message();
        return false;
    }
    return true;
}

void Journal::close()
{
    if (m_file)
        std::fclose(m_file);
    m_file = nullptr;
}

void Journal::writeRecord(const std::string &payload)
{
    if (!m_file)
        return;
    std::string header;
    putU32(header, static_cast<std::uint32_t>(payload.size()));
    putU32(header, crc32(payload.data(), payload.size()));
    std::fwrite(header.data(), 1, header.size(), m_file);
    std::fwrite(payload.data(), 1, payload.size(), m_file);
    std::fflush(m_file);
    m_bytes += header.size() + payload.size();
}

void Journal::declareExchange(const DurableExchange &e)
{
    std::string p;
    putU8(p, OpDeclareExchange);
    putString(p, e.name);
    putU8(p, static_cast<std::uint8_t>(e.type));
    putU8(p, e.autoDelete);
    putU8(p, e.internal);
    writeRecord(p);
}

void Journal::deleteExchange(const std::string &name)
{
    std::string p;
    putU8(p, OpDeleteExchange);
    putString(p, name);
    writeRecord(p);
}

void Journal::declareQueue(const DurableQueue &q)
{
    std::string p;
    putU8(p, OpDeclareQueue);
    putString(p, q.name);
    putU8(p, q.autoDelete);
    writeRecord(p);
}

void Journal::deleteQueue(const std::string &name)
{
    std::string p;
    putU8(p, OpDeleteQueue);
    putString(p, name);
    writeRecord(p);
}

void Journal::bind(const DurableBinding &b)
{
    std::string p;
    putU8(p, OpBind);
    putString(p, b.exchange);
    putString(p, b.queue);
    putString(p, b.key);
    putHeaders(p, b.arguments);
    writeRecord(p);
}

void Journal::unbind(const DurableBinding &b)
{
    std::string p;
    putU8(p, OpUnbind);
    putString(p, b.exchange);
    putString(p, b.queue);
    putString(p, b.key);
    putHeaders(p, b.arguments);
    writeRecord(p);
}

void Journal::enqueue(const DurableMessage &m)
{
    std::string p;
    putU8(p, OpEnqueue);
    putU64(p, m.id);
    putString(p, m.queue);
    putString(p, m.exchange);
    putString(p, m.routingKey);
    putMessage(p, m.message);
    writeRecord(p);
}

void Journal::remove(std::uint64_t id)
{
    std::string p;
    putU8(p, OpRemove);
    putU64(p, id);
    writeRecord(p);
}

void Journal::purge(const std::string &queue)
{
    std::string p;
    putU8(p, OpPurge);
    putString(p, queue);
    writeRecord(p);
}

} // namespace wb::messaging
