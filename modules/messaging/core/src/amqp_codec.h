#pragma once
// What both ends of an AMQP connection convert the same way over rabbitmq-c's codec: byte
// strings, field tables and basic properties to and from the broker's own types. The client
// (rabbitmq_*.cpp) and the server (amqp_server_*.cpp) use these.

#include "messaging/core/amqp.h"

#include <amqp.h>
#include <amqp_framing.h>

#include <string>
#include <vector>

namespace wb::messaging::codec {

inline std::string text(amqp_bytes_t b)
{
    return b.len ? std::string(static_cast<const char *>(b.bytes), b.len) : std::string();
}

// A view of `s` (which must outlive it) as rabbitmq-c's bytes.
inline amqp_bytes_t bytesOf(const std::string &s)
{
    amqp_bytes_t b;
    b.len = s.size();
    b.bytes = const_cast<char *>(s.data());
    return b;
}

inline amqp_bytes_t bytesOf(const char *s)
{
    return amqp_cstring_bytes(s);
}

// The values Headers can hold (strings, integers of every width and timestamps as int64,
// booleans); other field kinds are left out.
Headers headersFromTable(const amqp_table_t &t);

// A table whose entries live in `storage` and point into `h`: both must outlive it.
amqp_table_t tableFromHeaders(const Headers &h, std::vector<amqp_table_entry_t> &storage);

// The properties the broker keeps: content type, delivery mode, headers, message id,
// timestamp, correlation id, reply-to.
Properties propertiesFromAmqp(const amqp_basic_properties_t &p);

} // namespace wb::messaging::codec
