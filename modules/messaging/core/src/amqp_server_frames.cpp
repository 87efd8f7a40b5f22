// The AMQP server's frame reader and writer. Reading is a pure function over bytes
// (wire::readFrame); payloads are decoded and encoded by rabbitmq-c's public codec
// (amqp_decode_method, amqp_decode_properties, amqp_encode_method, amqp_encode_properties).

#include "amqp_server_wire.h"

#include <algorithm>
#include <cstring>

namespace wb::messaging {

namespace {

std::uint32_t be32(const unsigned char *p)
{
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
           std::uint32_t{p[3]};
}

std::uint16_t be16(const unsigned char *p)
{
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

std::uint64_t be64(const unsigned char *p)
{
    return std::uint64_t{be32(p)} << 32 | be32(p + 4);
}

void putBig(std::string &out, std::uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; --i)
        out.push_back(static_cast<char>(v >> (8 * i)));
}

bool knownType(std::uint8_t t)
{
    return t == AMQP_FRAME_METHOD || t == AMQP_FRAME_HEADER || t == AMQP_FRAME_BODY ||
           t == AMQP_FRAME_HEARTBEAT;
}

// The pool's pages are freed when the guard goes.
struct PoolGuard
{
    amqp_pool_t pool;
    PoolGuard() { init_amqp_pool(&pool, 4096); }
    ~PoolGuard() { empty_amqp_pool(&pool); }
};

} // namespace

// --- reading ---------------------------------------------------------------------------------

namespace wire {

HeaderCheck checkProtocolHeader(std::string_view bytes)
{
    const std::size_t n = std::min(bytes.size(), kProtocolHeader.size());
    if (bytes.substr(0, n) != kProtocolHeader.substr(0, n))
        return HeaderCheck::Wrong;
    return n < kProtocolHeader.size() ? HeaderCheck::NeedMore : HeaderCheck::Ok;
}

FrameRead readFrame(std::string_view bytes, std::uint32_t frameMax)
{
    FrameRead r;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    if (bytes.empty())
        return r;
    if (!knownType(p[0])) {
        r.status = ReadStatus::Error;
        r.code = server::FrameError;
        r.text = "unknown frame type " + std::to_string(p[0]);
        return r;
    }
    if (bytes.size() < 7)
        return r;
    const std::uint32_t size = be32(p + 3);
    // frame_max counts the whole frame: 7 bytes of header, the payload, the end octet.
    if (std::uint64_t{size} + 8 > frameMax) {
        r.status = ReadStatus::Error;
        r.code = server::FrameError;
        r.text = "frame size " + std::to_string(std::uint64_t{size} + 8) +
                 " bytes is larger than frame_max " + std::to_string(frameMax);
        return r;
    }
    if (bytes.size() < std::size_t{size} + 8)
        return r;
    if (p[7 + size] != AMQP_FRAME_END) {
        r.status = ReadStatus::Error;
        r.code = server::FrameError;
        r.text = "frame does not end with the frame-end octet 206 (found " +
                 std::to_string(p[7 + size]) + ")";
        return r;
    }
    r.status = ReadStatus::Frame;
    r.frame.type = static_cast<FrameType>(p[0]);
    r.frame.channel = be16(p + 1);
    r.frame.payload = bytes.substr(7, size);
    r.consumed = std::size_t{size} + 8;
    return r;
}

FrameCheck inspectFrame(const RawFrame &frame)
{
    FrameCheck c;
    PoolGuard g;
    std::string why;
    // Encoded twice from decoded values, the bytes must agree (the first decode may have
    // accepted trailing bytes or non-canonical booleans, so the input itself is not compared).
    std::vector<char> first(frame.payload.size() + 4096), second(first.size());
    switch (frame.type) {
    case FrameType::Method: {
        server::Method m;
        c.code = server::decodeMethod(frame.payload, g.pool, m, &why);
        if (c.code) {
            c.text = why;
            return c;
        }
        c.method = m.id;
        c.name = amqp_method_name(m.id);
        const int n1 = amqp_encode_method(m.id, m.decoded, {first.size(), first.data()});
        if (n1 < 0)
            return c; // decoded but not encodable (a table rabbitmq-c reads but cannot write)
        PoolGuard g2;
        void *again = nullptr;
        if (amqp_decode_method(m.id, &g2.pool, {static_cast<std::size_t>(n1), first.data()},
                               &again) != 0) {
            c.roundTrips = false;
            return c;
        }
        const int n2 = amqp_encode_method(m.id, again, {second.size(), second.data()});
        c.roundTrips = n2 == n1 && std::memcmp(first.data(), second.data(), n1) == 0;
        return c;
    }
    case FrameType::Header: {
        server::ContentHeader h;
        c.code = server::decodeContentHeader(frame.payload, g.pool, h, &why);
        if (c.code) {
            c.text = why;
            return c;
        }
        c.classId = h.classId;
        c.bodySize = h.bodySize;
        // Only the fourteen properties of class basic count: rabbitmq-c keeps flag bits of
        // further (continuation) flag words, which it does not encode back the same way.
        amqp_basic_properties_t props = *h.properties;
        props._flags &= 0xFFFC;
        const int n1 = amqp_encode_properties(h.classId, &props, {first.size(), first.data()});
        if (n1 < 0)
            return c;
        PoolGuard g2;
        void *again = nullptr;
        if (amqp_decode_properties(h.classId, &g2.pool,
                                   {static_cast<std::size_t>(n1), first.data()}, &again) != 0) {
            c.roundTrips = false;
            return c;
        }
        const int n2 = amqp_encode_properties(h.classId, again, {second.size(), second.data()});
        c.roundTrips = n2 == n1 && std::memcmp(first.data(), second.data(), n1) == 0;
        return c;
    }
    case FrameType::Heartbeat:
        if (frame.channel != 0) {
            c.code = server::FrameError;
            c.text = "heartbeat frame on channel " + std::to_string(frame.channel);
        }
        return c;
    case FrameType::Body:
        return c;
    }
    return c;
}

} // namespace wire

namespace server {

int decodeMethod(std::string_view payload, amqp_pool_t &pool, Method &out, std::string *why)
{
    const auto *p = reinterpret_cast<const unsigned char *>(payload.data());
    if (payload.size() < 4) {
        *why = "method frame of " + std::to_string(payload.size()) + " bytes has no method id";
        return SyntaxError;
    }
    out.id = be32(p);
    amqp_bytes_t args{payload.size() - 4, const_cast<unsigned char *>(p + 4)};
    out.decoded = nullptr;
    const int status = amqp_decode_method(out.id, &pool, args, &out.decoded);
    if (status == AMQP_STATUS_UNKNOWN_METHOD || status == AMQP_STATUS_UNKNOWN_CLASS) {
        *why = "unknown method " + std::to_string(out.id >> 16) + "." +
               std::to_string(out.id & 0xffff);
        return CommandInvalid;
    }
    if (status != AMQP_STATUS_OK) {
        *why = std::string("cannot decode ") + amqp_method_name(out.id) + ": " +
               amqp_error_string2(status);
        return SyntaxError;
    }
    return 0;
}

int decodeContentHeader(std::string_view payload, amqp_pool_t &pool, ContentHeader &out,
                        std::string *why)
{
    const auto *p = reinterpret_cast<const unsigned char *>(payload.data());
    if (payload.size() < 14) {
        *why = "content header of " + std::to_string(payload.size()) + " bytes is too short";
        return SyntaxError;
    }
    out.classId = be16(p);
    out.bodySize = be64(p + 4);
    if (out.classId != AMQP_BASIC_CLASS) {
        *why = "content header for class " + std::to_string(out.classId) + ", not basic (60)";
        return CommandInvalid;
    }
    amqp_bytes_t encoded{payload.size() - 12, const_cast<unsigned char *>(p + 12)};
    void *decoded = nullptr;
    const int status = amqp_decode_properties(out.classId, &pool, encoded, &decoded);
    if (status != AMQP_STATUS_OK) {
        *why = std::string("cannot decode the content header: ") + amqp_error_string2(status);
        return SyntaxError;
    }
    out.properties = static_cast<const amqp_basic_properties_t *>(decoded);
    return 0;
}

// --- writing ---------------------------------------------------------------------------------

void FrameWriter::setFrameMax(std::uint32_t frameMax)
{
    m_frameMax = std::max<std::uint32_t>(frameMax, AMQP_FRAME_MIN_SIZE);
    m_scratch.resize(m_frameMax);
}

void FrameWriter::method(std::string &out, std::uint16_t channel, std::uint32_t id,
                         const void *decoded)
{
    const int n = amqp_encode_method(id, const_cast<void *>(decoded),
                                     {m_scratch.size() - 12, m_scratch.data()});
    if (n < 0)
        throw std::invalid_argument(std::string("cannot encode ") + amqp_method_name(id) + ": " +
                                    amqp_error_string2(n));
    out.push_back(static_cast<char>(AMQP_FRAME_METHOD));
    putBig(out, channel, 2);
    putBig(out, static_cast<std::uint64_t>(n) + 4, 4);
    putBig(out, id, 4);
    out.append(m_scratch.data(), static_cast<std::size_t>(n));
    out.push_back(static_cast<char>(AMQP_FRAME_END));
}

void FrameWriter::content(std::string &out, std::uint16_t channel, const Properties &properties,
                          std::string_view body)
{
    amqp_basic_properties_t p;
    std::memset(&p, 0, sizeof p);
    std::vector<amqp_table_entry_t> storage;
    if (!properties.contentType.empty()) {
        p._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
        p.content_type = bytesOf(properties.contentType);
    }
    if (!properties.headers.empty()) {
        p._flags |= AMQP_BASIC_HEADERS_FLAG;
        p.headers = tableFromHeaders(properties.headers, storage);
    }
    // The embedded broker keeps 1 as "not set": transient is what no delivery_mode means.
    if (properties.deliveryMode != 1) {
        p._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
        p.delivery_mode = properties.deliveryMode;
    }
    if (!properties.correlationId.empty()) {
        p._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
        p.correlation_id = bytesOf(properties.correlationId);
    }
    if (!properties.replyTo.empty()) {
        p._flags |= AMQP_BASIC_REPLY_TO_FLAG;
        p.reply_to = bytesOf(properties.replyTo);
    }
    if (!properties.messageId.empty()) {
        p._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        p.message_id = bytesOf(properties.messageId);
    }
    if (properties.timestamp != 0) {
        p._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
        p.timestamp = static_cast<std::uint64_t>(properties.timestamp);
    }
    const int n =
        amqp_encode_properties(AMQP_BASIC_CLASS, &p, {m_scratch.size() - 24, m_scratch.data()});
    if (n < 0)
        throw std::invalid_argument(std::string("cannot encode the message properties: ") +
                                    amqp_error_string2(n));
    out.push_back(static_cast<char>(AMQP_FRAME_HEADER));
    putBig(out, channel, 2);
    putBig(out, static_cast<std::uint64_t>(n) + 12, 4);
    putBig(out, AMQP_BASIC_CLASS, 2);
    putBig(out, 0, 2); // weight
    putBig(out, body.size(), 8);
    out.append(m_scratch.data(), static_cast<std::size_t>(n));
    out.push_back(static_cast<char>(AMQP_FRAME_END));
    // A body frame carries at most frame_max minus its 8 bytes of header and end.
    const std::size_t chunk = m_frameMax - 8;
    for (std::size_t i = 0; i < body.size(); i += chunk) {
        const std::size_t len = std::min(chunk, body.size() - i);
        out.push_back(static_cast<char>(AMQP_FRAME_BODY));
        putBig(out, channel, 2);
        putBig(out, len, 4);
        out.append(body.substr(i, len));
        out.push_back(static_cast<char>(AMQP_FRAME_END));
    }
}

void FrameWriter::heartbeat(std::string &out)
{
    static const char frame[] = {
        AMQP_FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, static_cast<char>(AMQP_FRAME_END)};
    out.append(frame, sizeof frame);
}

// --- tables and properties -------------------------------------------------------------------

std::string tableText(const amqp_table_t &t, std::string_view key)
{
    for (int i = 0; i < t.num_entries; ++i) {
        const auto &e = t.entries[i];
        if (text(e.key) != key)
            continue;
        if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES)
            return text(e.value.value.bytes);
    }
    return {};
}

std::string replyText(int code, const std::string &text)
{
    std::string t = std::string(replyCodeName(code)) + " - " + text;
    if (t.size() > kShortStringMax)
        t.resize(kShortStringMax);
    return t;
}

} // namespace server

} // namespace wb::messaging
