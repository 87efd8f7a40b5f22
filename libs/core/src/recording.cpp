#include "workbench/core/recording.h"

#include "workbench/core/output_file.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sys/stat.h>

namespace wb {

namespace {

constexpr std::uint8_t kMagic[8] = {0x89, 'W', 'B', 'R', 'E', 'C', '\r', '\n'};
constexpr std::size_t kMaxHeaderText = 256;                // module id and version
constexpr std::uint64_t kMaxBody = std::uint64_t{1} << 32; // 4 GiB inflated
constexpr std::uint64_t kMinEventBytes = 8;                // the smallest event in the body

enum Tag : std::uint8_t {
    TagNone = 0,
    TagBool = 1,
    TagInt = 2,
    TagUInt = 3,
    TagDouble = 4,
    TagString = 5,
    TagInts = 6,
    TagBytes = 7,
};

// --- writing ---------------------------------------------------------------------------------

class Writer
{
public:
    std::vector<std::uint8_t> bytes;

    void u8(std::uint8_t v) { bytes.push_back(v); }
    void le(std::uint64_t v, int width)
    {
        for (int i = 0; i < width; ++i)
            bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void varint(std::uint64_t v)
    {
        while (v >= 0x80) {
            bytes.push_back(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        bytes.push_back(static_cast<std::uint8_t>(v));
    }
    void zigzag(std::int64_t v)
    {
        varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void str(std::string_view s)
    {
        varint(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
    void str16(std::string_view s)
    {
        le(s.size(), 2);
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
};

// Kinds, field keys, file and function names repeat on every event: each is written once.
class StringTable
{
public:
    std::uint64_t index(std::string_view s)
    {
        auto it = m_index.find(s);
        if (it != m_index.end())
            return it->second;
        m_strings.emplace_back(s);
        const auto i = m_strings.size() - 1;
        m_index.emplace(m_strings.back(), i);
        return i;
    }
    const std::deque<std::string> &strings() const { return m_strings; }

private:
    std::deque<std::string> m_strings; // stable: m_index's keys view into it
    std::map<std::string_view, std::uint64_t, std::less<>> m_index;
};

void writeValue(Writer &w, const Value &v)
{
    std::visit(
        [&w](const auto &x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                w.u8(TagNone);
            } else if constexpr (std::is_same_v<T, bool>) {
                w.u8(TagBool);
                w.u8(x ? 1 : 0);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                w.u8(TagInt);
                w.zigzag(x);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                w.u8(TagUInt);
                w.varint(x);
            } else if constexpr (std::is_same_v<T, double>) {
                w.u8(TagDouble);
                w.le(std::bit_cast<std::uint64_t>(x), 8);
            } else if constexpr (std::is_same_v<T, std::string>) {
                w.u8(TagString);
                w.str(x);
            } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
                w.u8(TagInts);
                w.varint(x.size());
                for (std::int64_t i : x)
                    w.zigzag(i);
            } else {
                static_assert(std::is_same_v<T, std::vector<std::uint8_t>>);
                w.u8(TagBytes);
                w.varint(x.size());
                w.bytes.insert(w.bytes.end(), x.begin(), x.end());
            }
        },
        v);
}

// --- reading ---------------------------------------------------------------------------------

[[noreturn]] void corrupt(const std::string &what)
{
    throw RecordingError("this recording is corrupt: " + what);
}

class Reader
{
public:
    // `part` names what is read, for the message when it ends early: "header", "body".
    Reader(std::span<const std::uint8_t> b, const char *part) : m_b(b), m_part(part) {}

    std::size_t offset() const { return m_pos; }
    bool atEnd() const { return m_pos == m_b.size(); }
    std::size_t left() const { return m_b.size() - m_pos; }

    std::uint8_t u8()
    {
        need(1);
        return m_b[m_pos++];
    }
    std::uint64_t le(int width)
    {
        need(static_cast<std::size_t>(width));
        std::uint64_t v = 0;
        for (int i = 0; i < width; ++i)
            v |= std::uint64_t{m_b[m_pos++]} << (8 * i);
        return v;
    }
    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint8_t b = u8();
            if (shift == 63 && b > 1)
                break;
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (!(b & 0x80))
                return v;
        }
        fail("a number longer than 64 bits");
    }
    std::int64_t zigzag()
    {
        const std::uint64_t v = varint();
        return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
    }
    std::size_t count(std::size_t minBytesEach)
    {
        const std::uint64_t n = varint();
        if (minBytesEach && n > left() / minBytesEach)
            fail("a count of " + std::to_string(n) + " longer than what follows");
        return static_cast<std::size_t>(n);
    }
    std::string_view bytesView(std::size_t n)
    {
        need(n);
        std::string_view s(reinterpret_cast<const char *>(m_b.data() + m_pos), n);
        m_pos += n;
        return s;
    }
    std::string str() { return std::string(bytesView(count(1))); }
    std::string str16()
    {
        const auto n = static_cast<std::size_t>(le(2));
        if (n > kMaxHeaderText)
            fail("a header text of " + std::to_string(n) + " bytes");
        return std::string(bytesView(n));
    }
    [[noreturn]] void fail(const std::string &what) const
    {
        corrupt(what + " at byte " + std::to_string(m_pos));
    }

private:
    void need(std::size_t n) const
    {
        if (n > left())
            throw RecordingError(std::string("this recording is truncated: it ends inside its ") +
                                 m_part + " (byte " + std::to_string(m_b.size()) + ")");
    }

    std::span<const std::uint8_t> m_b;
    const char *m_part;
    std::size_t m_pos = 0;
};

Value readValue(Reader &r)
{
    switch (r.u8()) {
    case TagNone:
        return std::monostate{};
    case TagBool: {
        const std::uint8_t b = r.u8();
        if (b > 1)
            r.fail("a truth value of " + std::to_string(b));
        return b == 1;
    }
    case TagInt:
        return r.zigzag();
    case TagUInt:
        return r.varint();
    case TagDouble:
        return std::bit_cast<double>(r.le(8));
    case TagString:
        return r.str();
    case TagInts: {
        std::vector<std::int64_t> v(r.count(1));
        for (auto &i : v)
            i = r.zigzag();
        return v;
    }
    case TagBytes: {
        const auto s = r.bytesView(r.count(1));
        return std::vector<std::uint8_t>(s.begin(), s.end());
    }
    default:
        r.fail("an unknown value type");
    }
}

struct Header
{
    RecordingHeader fields;
    std::uint64_t bodySize = 0;
    std::size_t end = 0; // where the compressed body starts
};

Header readHeader(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() < sizeof kMagic ||
        !std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()))
        throw RecordingError("this is not a workbench recording (it does not begin with the "
                             "recording signature)");
    Reader r(bytes, "header");
    r.bytesView(sizeof kMagic);
    Header h;
    h.fields.format = static_cast<std::uint16_t>(r.le(2));
    if (h.fields.format == 0)
        corrupt("format number 0");
    if (h.fields.format > kRecordingFormat)
        throw RecordingError("this recording is in format " + std::to_string(h.fields.format) +
                             ", written by a newer workbench; this one reads format " +
                             std::to_string(kRecordingFormat) + " and older");
    h.fields.module = r.str16();
    h.fields.moduleVersion = r.str16();
    h.fields.events = r.le(8);
    h.bodySize = r.le(8);
    const auto headerEnd = r.offset();
    const auto stored = static_cast<std::uint32_t>(r.le(4));
    const auto crc =
        static_cast<std::uint32_t>(crc32(0, bytes.data(), static_cast<uInt>(headerEnd)));
    if (stored != crc)
        corrupt("its header's checksum does not match (the file was damaged or altered)");
    if (h.fields.module.empty())
        corrupt("it names no module");
    if (h.bodySize > kMaxBody)
        corrupt("a body of " + std::to_string(h.bodySize) + " bytes");
    if (h.fields.events > h.bodySize / kMinEventBytes)
        corrupt(std::to_string(h.fields.events) + " events in a body of " +
                std::to_string(h.bodySize) + " bytes");
    h.end = r.offset();
    return h;
}

std::vector<std::uint8_t> inflateBody(std::span<const std::uint8_t> in, std::uint64_t size)
{
    std::vector<std::uint8_t> out(static_cast<std::size_t>(size));
    z_stream z{};
    if (inflateInit(&z) != Z_OK)
        throw RecordingError("cannot read the recording: zlib would not start");
    z.next_in = const_cast<Bytef *>(in.data());
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
    std::size_t fed = z.avail_in;
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size(), UINT32_MAX));
    std::size_t given = z.avail_out;
    int rc = Z_OK;
    std::uint8_t spare = 0; // where output past the announced size would go
    while (rc == Z_OK) {
        if (z.avail_in == 0 && fed < in.size()) {
            const auto n = std::min<std::size_t>(in.size() - fed, UINT32_MAX);
            z.next_in = const_cast<Bytef *>(in.data() + fed);
            z.avail_in = static_cast<uInt>(n);
            fed += n;
        }
        if (z.avail_out == 0) {
            if (given < out.size()) {
                const auto n = std::min<std::size_t>(out.size() - given, UINT32_MAX);
                z.next_out = out.data() + given;
                z.avail_out = static_cast<uInt>(n);
                given += n;
            } else {
                z.next_out = &spare;
                z.avail_out = 1;
            }
        }
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && fed == in.size())
            break; // the input ran out before the stream's end
        if (rc == Z_OK && z.next_out == &spare + 1)
            break; // more than the header announced
    }
    const bool overran = z.next_out == &spare + 1;
    const std::size_t unused = z.avail_in + (in.size() - fed);
    const std::uint64_t produced = z.total_out;
    const std::string message = z.msg ? z.msg : "";
    inflateEnd(&z);
    if (rc == Z_STREAM_END && !overran && produced == size && unused == 0)
        return out;
    if (rc == Z_STREAM_END && unused != 0)
        corrupt(std::to_string(unused) + " bytes after the end of its body");
    if (overran || (rc == Z_STREAM_END && produced != size))
        corrupt("its body's size differs from the " + std::to_string(size) +
                " bytes its header announces");
    if (rc == Z_OK || rc == Z_BUF_ERROR)
        throw RecordingError("this recording is truncated: its compressed body ends early");
    corrupt("its compressed body does not inflate (zlib: " +
            (message.empty() ? std::to_string(rc) : message) + ")");
}

// The trace read back, and the file and function names its events point at.
struct LoadedTrace
{
    std::vector<std::string> names;
    Trace trace;
};

std::vector<std::uint8_t> readWholeFile(const std::string &path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        throw RecordingError("cannot open recording " + path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw RecordingError("cannot open recording " + path + ": it is a folder");
    if (!S_ISREG(st.st_mode))
        throw RecordingError("cannot open recording " + path + ": it is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RecordingError("cannot open recording " + path + ": " + std::strerror(errno));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
    in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::size_t>(in.gcount()) != bytes.size())
        throw RecordingError("cannot read recording " + path + ": it changed while being read");
    return bytes;
}

} // namespace

std::string Recording::setting(std::string_view key, std::string fallback) const
{
    for (const auto &[k, v] : settings)
        if (k == key)
            return v;
    return fallback;
}

std::vector<std::uint8_t> encodeRecording(const Recording &recording)
{
    if (!recording.trace)
        throw RecordingError("nothing to record: there is no trace");
    if (recording.module.empty() || recording.module.size() > kMaxHeaderText ||
        recording.moduleVersion.size() > kMaxHeaderText)
        throw RecordingError("a recording needs a module id of 1 to 256 bytes");
    const Trace &trace = *recording.trace;
    const std::size_t n = trace.size(); // a live trace may grow meanwhile: this many are kept

    StringTable table;
    Writer events;
    std::int64_t lastT = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Event &e = trace.at(i);
        events.zigzag(e.tNs - lastT);
        lastT = e.tNs;
        events.zigzag(e.thread);
        events.varint(table.index(e.kind));
        events.str(e.label);
        events.varint(table.index(e.where.file ? e.where.file : ""));
        events.varint(e.where.line);
        events.varint(table.index(e.where.function ? e.where.function : ""));
        events.varint(e.fields.size());
        for (const Field &f : e.fields) {
            events.varint(table.index(f.key));
            writeValue(events, f.value);
        }
    }

    Writer body;
    body.str(recording.view);
    body.varint(recording.settings.size());
    for (const auto &[k, v] : recording.settings) {
        body.str(k);
        body.str(v);
    }
    body.varint(std::min<std::uint64_t>(recording.cursor, n));
    body.varint(table.strings().size());
    for (const auto &s : table.strings())
        body.str(s);
    body.bytes.insert(body.bytes.end(), events.bytes.begin(), events.bytes.end());
    if (body.bytes.size() > kMaxBody)
        throw RecordingError("this run is too large to record (over 4 GiB)");

    Writer file;
    file.bytes.assign(std::begin(kMagic), std::end(kMagic));
    file.le(kRecordingFormat, 2);
    file.str16(recording.module);
    file.str16(recording.moduleVersion);
    file.le(n, 8);
    file.le(body.bytes.size(), 8);
    file.le(crc32(0, file.bytes.data(), static_cast<uInt>(file.bytes.size())), 4);

    uLongf packed = compressBound(static_cast<uLong>(body.bytes.size()));
    const std::size_t at = file.bytes.size();
    file.bytes.resize(at + packed);
    if (compress2(file.bytes.data() + at, &packed, body.bytes.data(),
                  static_cast<uLong>(body.bytes.size()), 6) != Z_OK)
        throw RecordingError("cannot compress the recording (zlib failed)");
    file.bytes.resize(at + packed);
    return std::move(file.bytes);
}

RecordingHeader decodeRecordingHeader(std::span<const std::uint8_t> bytes)
{
    return readHeader(bytes).fields;
}

Recording decodeRecording(std::span<const std::uint8_t> bytes)
{
    const Header h = readHeader(bytes);
    const std::vector<std::uint8_t> body = inflateBody(bytes.subspan(h.end), h.bodySize);
    Reader r(body, "body");

    Recording rec;
    rec.module = h.fields.module;
    rec.moduleVersion = h.fields.moduleVersion;
    rec.view = r.str();
    const std::size_t settings = r.count(2);
    rec.settings.reserve(settings);
    for (std::size_t i = 0; i < settings; ++i) {
        std::string k = r.str();
        rec.settings.emplace_back(std::move(k), r.str());
    }
    rec.cursor = r.varint();
    if (rec.cursor > h.fields.events)
        r.fail("a cursor past the last event");

    auto loaded = std::make_shared<LoadedTrace>();
    const std::size_t names = r.count(1);
    loaded->names.reserve(names);
    for (std::size_t i = 0; i < names; ++i)
        loaded->names.push_back(r.str());
    auto name = [&](std::uint64_t i) -> const std::string & {
        if (i >= loaded->names.size())
            r.fail("a name index past the table");
        return loaded->names[static_cast<std::size_t>(i)];
    };

    std::int64_t t = 0;
    for (std::uint64_t i = 0; i < h.fields.events; ++i) {
        Event e;
        t += r.zigzag();
        e.tNs = t;
        const std::int64_t thread = r.zigzag();
        if (thread < std::numeric_limits<std::int32_t>::min() ||
            thread > std::numeric_limits<std::int32_t>::max())
            r.fail("a thread number out of range");
        e.thread = static_cast<std::int32_t>(thread);
        e.kind = name(r.varint());
        e.label = r.str();
        e.where.file = name(r.varint()).c_str();
        const std::uint64_t line = r.varint();
        if (line > std::numeric_limits<std::uint32_t>::max())
            r.fail("a source line out of range");
        e.where.line = static_cast<std::uint32_t>(line);
        e.where.function = name(r.varint()).c_str();
        const std::size_t fields = r.count(2);
        e.fields.reserve(fields);
        for (std::size_t f = 0; f < fields; ++f) {
            const std::string &key = name(r.varint());
            e.fields.emplace_back(key, readValue(r));
        }
        loaded->trace.appendRecorded(std::move(e));
    }
    if (!r.atEnd())
        r.fail(std::to_string(r.left()) + " bytes after the last event");
    rec.trace = std::shared_ptr<const Trace>(loaded, &loaded->trace);
    return rec;
}

bool writeRecording(const std::string &path, const Recording &recording, bool overwrite,
                    std::string &error, bool *usageError)
{
    if (usageError)
        *usageError = false;
    std::vector<std::uint8_t> bytes;
    try {
        bytes = encodeRecording(recording);
    } catch (const RecordingError &e) {
        error = e.what();
        if (usageError)
            *usageError = true;
        return false;
    }
    OutputFile out;
    if (out.open(path, overwrite, false, error) && out.write(bytes, error) && out.commit(error))
        return true;
    if (usageError)
        *usageError = out.errorKind() == OutputFile::ErrorKind::Usage;
    return false;
}

Recording readRecording(const std::string &path)
{
    const auto bytes = readWholeFile(path);
    return decodeRecording(bytes);
}

RecordingHeader readRecordingHeader(const std::string &path)
{
    return decodeRecordingHeader(readWholeFile(path));
}

} // namespace wb
