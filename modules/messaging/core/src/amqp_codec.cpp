#include "amqp_codec.h"

#include <cstring>
#include <variant>

namespace wb::messaging::codec {

Headers headersFromTable(const amqp_table_t &t)
{
    Headers h;
    for (int i = 0; i < t.num_entries; ++i) {
        const auto &e = t.entries[i];
        const auto &v = e.value.value;
        const std::string key = text(e.key);
        switch (e.value.kind) {
        case AMQP_FIELD_KIND_UTF8:
        case AMQP_FIELD_KIND_BYTES:
            h[key] = text(v.bytes);
            break;
        case AMQP_FIELD_KIND_BOOLEAN:
            h[key] = v.boolean != 0;
            break;
        case AMQP_FIELD_KIND_I8:
            h[key] = std::int64_t{v.i8};
            break;
        case AMQP_FIELD_KIND_U8:
            h[key] = std::int64_t{v.u8};
            break;
        case AMQP_FIELD_KIND_I16:
            h[key] = std::int64_t{v.i16};
            break;
        case AMQP_FIELD_KIND_U16:
            h[key] = std::int64_t{v.u16};
            break;
        case AMQP_FIELD_KIND_I32:
            h[key] = std::int64_t{v.i32};
            break;
        case AMQP_FIELD_KIND_U32:
            h[key] = std::int64_t{v.u32};
            break;
        case AMQP_FIELD_KIND_I64:
            h[key] = v.i64;
            break;
        case AMQP_FIELD_KIND_U64:
        case AMQP_FIELD_KIND_TIMESTAMP:
            h[key] = static_cast<std::int64_t>(v.u64);
            break;
        default:
            break;
        }
    }
    return h;
}

amqp_table_t tableFromHeaders(const Headers &h, std::vector<amqp_table_entry_t> &storage)
{
    storage.clear();
    storage.reserve(h.size());
    for (const auto &[key, value] : h) {
        amqp_table_entry_t e;
        std::memset(&e, 0, sizeof e);
        e.key = bytesOf(key);
        if (const auto *s = std::get_if<std::string>(&value)) {
            e.value.kind = AMQP_FIELD_KIND_UTF8;
            e.value.value.bytes = bytesOf(*s);
        } else if (const auto *i = std::get_if<std::int64_t>(&value)) {
            e.value.kind = AMQP_FIELD_KIND_I64;
            e.value.value.i64 = *i;
        } else {
            e.value.kind = AMQP_FIELD_KIND_BOOLEAN;
            e.value.value.boolean = std::get<bool>(value);
        }
        storage.push_back(e);
    }
    amqp_table_t t;
    t.num_entries = static_cast<int>(storage.size());
    t.entries = storage.empty() ? nullptr : storage.data();
    return t;
}

Properties propertiesFromAmqp(const amqp_basic_properties_t &p)
{
    Properties r;
    if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG)
        r.contentType = text(p.content_type);
    if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG)
        r.deliveryMode = p.delivery_mode;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG)
        r.headers = headersFromTable(p.headers);
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG)
        r.messageId = text(p.message_id);
    if (p._flags & AMQP_BASIC_TIMESTAMP_FLAG)
        r.timestamp = static_cast<std::int64_t>(p.timestamp);
    if (p._flags & AMQP_BASIC_CORRELATION_ID_FLAG)
        r.correlationId = text(p.correlation_id);
    if (p._flags & AMQP_BASIC_REPLY_TO_FLAG)
        r.replyTo = text(p.reply_to);
    return r;
}

} // namespace wb::messaging::codec
