#pragma once
// The AMQP server's wire helpers over rabbitmq-c's codec, shared by its files:
//   amqp_server_frames.cpp      reading frames (wire::readFrame), decoding methods and
//                               content headers, writing frames, tables and properties
//   amqp_server_connection.cpp  one client connection: handshake, frames to channels, I/O
//   amqp_server_channel.cpp     channel methods onto the embedded broker's Channel
//   amqp_server.cpp             the listening socket and the connections' threads

#include "amqp_codec.h"
#include "messaging/core/amqp.h"
#include "messaging/core/amqp_server.h"

#include <amqp.h>
#include <amqp_framing.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wb::messaging::server {

using codec::bytesOf;
using codec::headersFromTable;
using codec::propertiesFromAmqp;
using codec::tableFromHeaders;
using codec::text;

// A decoded method: rabbitmq-c's struct for `id`, allocated in the pool it was decoded with.
struct Method
{
    std::uint32_t id = 0;
    void *decoded = nullptr;
};

// Decodes a method frame's payload; 0 or a reply code (502, 503) with *why.
int decodeMethod(std::string_view payload, amqp_pool_t &pool, Method &out, std::string *why);

struct ContentHeader
{
    std::uint16_t classId = 0;
    std::uint64_t bodySize = 0;
    const amqp_basic_properties_t *properties = nullptr;
};
int decodeContentHeader(std::string_view payload, amqp_pool_t &pool, ContentHeader &out,
                        std::string *why);

// Frame writers: append whole frames to `out`. `scratch` is reused for encoding.
class FrameWriter
{
public:
    explicit FrameWriter(std::uint32_t frameMax = 131072) { setFrameMax(frameMax); }
    void setFrameMax(std::uint32_t frameMax);
    std::uint32_t frameMax() const { return m_frameMax; }

    void method(std::string &out, std::uint16_t channel, std::uint32_t id, const void *decoded);
    // The content header and body frames (bodies cut at frame_max - 8).
    void content(std::string &out, std::uint16_t channel, const Properties &properties,
                 std::string_view body);
    static void heartbeat(std::string &out);

private:
    std::uint32_t m_frameMax = 131072;
    std::vector<char> m_scratch;
};

// Looks a text value up in a table (client_properties); empty when absent or not text.
std::string tableText(const amqp_table_t &t, std::string_view key);

// RabbitMQ's reply text: "NOT_FOUND - no queue 'q' in vhost '/'".
std::string replyText(int code, const std::string &text);

// Hard errors close the whole connection (RabbitMQ's "connection exceptions").
inline bool isConnectionError(int code)
{
    return code == ConnectionForced || code == NotAllowed || code >= 500;
}

enum ServerReply : int {
    FrameError = 501,
    SyntaxError = 502,
    CommandInvalid = 503,
    UnexpectedFrame = 505,
};

} // namespace wb::messaging::server
