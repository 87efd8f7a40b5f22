#include "messaging/core/journal.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wb::messaging {

namespace {

// CRC-32 (IEEE 802.3, reflected) without the final inversion, so it can be continued.
std::uint32_t crc32Update(std::uint32_t crc, const void *data, std::size_t size)
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
    const auto *p = static_cast<const unsigned char *>(data);
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

} // namespace

std::uint32_t crc32(const void *data, std::size_t size)
{
    return crc32Update(0xFFFFFFFFu, data, size) ^ 0xFFFFFFFFu;
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

void putU8(std::string &out, std::uint8_t v)
{
    out.push_back(static_cast<char>(v));
}

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
            case 0:
                h[key] = string();
                break;
            case 1:
                h[key] = static_cast<std::int64_t>(u64());
                break;
            case 2:
                h[key] = u8() != 0;
                break;
            default:
                m_ok = false;
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
        if (!in.ok() || !in.atEnd() || static_cast<int>(e.type) > 3)
            return false;
        std::erase_if(r.exchanges, [&](const DurableExchange &x) { return x.name == e.name; });
        r.exchanges.push_back(std::move(e));
        break;
    }
    case OpDeleteExchange: {
        const auto name = in.string();
        if (!in.ok() || !in.atEnd())
            return false;
        std::erase_if(r.exchanges, [&](const DurableExchange &x) { return x.name == name; });
        r.dropBindings(name, {});
        break;
    }
    case OpDeclareQueue: {
        DurableQueue q;
        q.name = in.string();
        q.autoDelete = in.u8() != 0;
        if (!in.ok() || !in.atEnd())
            return false;
        std::erase_if(r.queues, [&](const DurableQueue &x) { return x.name == q.name; });
        r.queues.push_back(std::move(q));
        break;
    }
    case OpDeleteQueue: {
        const auto name = in.string();
        if (!in.ok() || !in.atEnd())
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
        if (!in.ok() || !in.atEnd())
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
        if (!in.ok() || !in.atEnd())
            return false;
        r.messages[m.id] = std::move(m);
        break;
    }
    case OpRemove: {
        const auto id = in.u64();
        if (!in.ok() || !in.atEnd())
            return false;
        r.messages.erase(id);
        break;
    }
    case OpPurge: {
        const auto name = in.string();
        if (!in.ok() || !in.atEnd())
            return false;
        r.dropMessages(name);
        break;
    }
    default:
        return false;
    }
    return true;
}

constexpr std::uint32_t kMagic = 0x02574AD3u; // bytes D3 4A 57 02 on disk
constexpr std::size_t kHeaderV1 = 8;
constexpr std::size_t kHeaderV2 = 12;

std::uint32_t readU32(const char *p)
{
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

std::uint32_t crcV2(const char *lengthField, const char *payload, std::uint32_t length)
{
    return crc32Update(crc32Update(0xFFFFFFFFu, lengthField, 4), payload, length) ^ 0xFFFFFFFFu;
}

// The size of the record that verifies at `pos` (header and payload), or 0. A record
// verifies when its framing is intact, its checksum matches and its payload decodes; it is
// then applied to `r` (a payload that does not decode changes nothing).
std::size_t recordAt(std::string_view data, std::size_t pos, int version, Replay &r)
{
    const std::size_t left = data.size() - pos;
    const char *p = data.data() + pos;
    if (version == 2) {
        if (left < kHeaderV2 || readU32(p) != kMagic)
            return 0;
        const auto length = readU32(p + 4);
        if (left - kHeaderV2 < length || crcV2(p + 4, p + kHeaderV2, length) != readU32(p + 8))
            return 0;
        return apply(r, p + kHeaderV2, length) ? kHeaderV2 + length : 0;
    }
    if (left < kHeaderV1)
        return 0;
    const auto length = readU32(p);
    if (left - kHeaderV1 < length || crc32(p + kHeaderV1, length) != readU32(p + 4))
        return 0;
    return apply(r, p + kHeaderV1, length) ? kHeaderV1 + length : 0;
}

// Would a record verify at `pos`? Whether a payload decodes does not depend on the state
// it is applied to, so an empty scratch state answers without touching the real one.
bool verifiesAt(std::string_view data, std::size_t pos, int version)
{
    Replay scratch;
    return recordAt(data, pos, version, scratch) != 0;
}

JournalImage parseAs(std::string_view data, int version, Replay &r)
{
    JournalImage image;
    image.version = version;
    const std::size_t header = version == 2 ? kHeaderV2 : kHeaderV1;
    std::size_t pos = 0;
    const auto skip = [&](std::size_t from, std::size_t to) {
        image.skipped.push_back({from, to - from});
        image.ignoredBytes += to - from;
    };
    while (pos < data.size()) {
        if (const auto n = recordAt(data, pos, version, r)) {
            pos += n;
            ++image.records;
            continue;
        }
        // A damaged record. Its length field is trusted only when it leads exactly to the
        // end of the file or to a record that verifies; otherwise look for the next offset
        // where one does.
        std::size_t next = data.size();
        const std::size_t lengthAt = version == 2 ? pos + 4 : pos;
        if (data.size() - pos >= header) {
            const std::uint64_t end =
                static_cast<std::uint64_t>(pos) + header + readU32(data.data() + lengthAt);
            const bool framed = version != 2 || readU32(data.data() + pos) == kMagic;
            if (framed &&
                (end == data.size() || (end < data.size() && verifiesAt(data, end, version)))) {
                skip(pos, static_cast<std::size_t>(end));
                pos = static_cast<std::size_t>(end);
                continue;
            }
        }
        for (std::size_t at = pos + 1; at < data.size(); ++at) {
            if (version == 2 &&
                (data.size() - at < kHeaderV2 || readU32(data.data() + at) != kMagic))
                continue;
            if (verifiesAt(data, at, version)) {
                next = at;
                break;
            }
        }
        skip(pos, next);
        pos = next;
    }
    return image;
}

} // namespace

std::string JournalImage::recoverySummary() const
{
    std::string out = "recovered " + std::to_string(records) + " records, skipped " +
                      std::to_string(ignoredBytes) + " bytes";
    if (skipped.empty())
        return out;
    out += skipped.size() == 1 ? " at offset " : " at offsets ";
    for (std::size_t i = 0; i < skipped.size(); ++i) {
        if (i == 8) {
            out += ", and " + std::to_string(skipped.size() - i) + " more ranges";
            break;
        }
        if (i)
            out += ", ";
        out += std::to_string(skipped[i].offset) + " (" + std::to_string(skipped[i].length) +
               " bytes)";
    }
    return out;
}

JournalImage Journal::parse(std::string_view data)
{
    // Version 2 is written only as whole version-2 files, so one record that verifies as
    // version 2 makes the file version 2. A file with none is read as version 1 too, and the
    // reading that recovers more records wins.
    Replay r2;
    JournalImage image = parseAs(data, 2, r2);
    Replay *chosen = &r2;
    Replay r1;
    if (image.records == 0 && !data.empty()) {
        JournalImage v1 = parseAs(data, 1, r1);
        if (v1.records > image.records) {
            image = std::move(v1);
            chosen = &r1;
        }
    }
    image.exchanges = std::move(chosen->exchanges);
    image.queues = std::move(chosen->queues);
    image.bindings = std::move(chosen->bindings);
    for (auto &[id, m] : chosen->messages)
        image.messages.push_back(std::move(m));
    return image;
}

JournalImage Journal::load(const std::filesystem::path &path)
{
    JournalImage image;
    const auto cannot = [&](const std::string &why) {
        image.error = "cannot read the broker journal " + path.string() + ": " + why;
        return image;
    };
    // O_NONBLOCK: a FIFO in the journal's place must not hang the reader.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return image;
        return cannot(std::strerror(errno));
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return cannot(std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return cannot(S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file");
    }
    std::string data;
    data.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            data.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return cannot(std::strerror(e));
        }
        break;
    }
    ::close(fd);
    return parse(data);
}

namespace {

// "messaging.journal.damaged-20261207T103000Z", or with "-2", "-3", ... when taken.
std::filesystem::path asideName(const std::filesystem::path &path)
{
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    const std::string base = path.string() + ".damaged-" + stamp;
    std::filesystem::path candidate = base;
    std::error_code ec;
    for (int n = 2; std::filesystem::exists(std::filesystem::symlink_status(candidate, ec)); ++n)
        candidate = base + "-" + std::to_string(n);
    return candidate;
}

} // namespace

bool Journal::open(const std::filesystem::path &path, const JournalImage &image,
                   std::string *error)
{
    close();
    m_aside.clear();
    const auto fail = [&](std::string text) {
        if (error)
            *error = std::move(text);
        return false;
    };
    if (!image.error.empty())
        return fail(image.error);
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    const auto temporary = path.string() + ".tmp";
    m_file = std::fopen(temporary.c_str(), "wb");
    if (!m_file)
        return fail("cannot write the broker journal in " + path.parent_path().string() + ": " +
                    std::strerror(errno));
    m_bytes = 0;
    for (const auto &e : image.exchanges)
        declareExchange(e);
    for (const auto &q : image.queues)
        declareQueue(q);
    for (const auto &b : image.bindings)
        bind(b);
    for (const auto &m : image.messages)
        enqueue(m);
    // The compacted copy must be whole on disk before it takes the original's place.
    if (std::fflush(m_file) != 0 || std::ferror(m_file) || ::fsync(::fileno(m_file)) != 0) {
        const std::string why = std::strerror(errno);
        close();
        std::filesystem::remove(temporary, ec);
        return fail("cannot write the broker journal " + temporary + ": " + why);
    }
    if (!image.readWhole()) {
        // Keep what could not be read whole: a hard link under the new name (the original
        // stays where it is until the rename below), or a rename where links are refused.
        const auto aside = asideName(path);
        if (::link(path.c_str(), aside.c_str()) != 0 &&
            ::rename(path.c_str(), aside.c_str()) != 0 && errno != ENOENT) {
            const std::string why = std::strerror(errno);
            close();
            std::filesystem::remove(temporary, ec);
            return fail("cannot keep the damaged broker journal " + path.string() + " as " +
                        aside.string() + ": " + why + "; it was left as it is");
        }
        m_aside = aside;
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        close();
        std::filesystem::remove(temporary, ec);
        return fail("cannot replace the broker journal " + path.string() + ": " + ec.message());
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
    putU32(header, kMagic);
    putU32(header, static_cast<std::uint32_t>(payload.size()));
    putU32(header,
           crcV2(header.data() + 4, payload.data(), static_cast<std::uint32_t>(payload.size())));
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
