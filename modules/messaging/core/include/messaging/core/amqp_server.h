#pragma once
// The embedded broker as an AMQP 0-9-1 server on a TCP socket, so that programs written for
// RabbitMQ (python3-pika, kombu, rabbitmq-c and amqp-tools, the module's own RabbitMQ
// transport) reach it unchanged:
//
//     Broker broker({.trace = &trace});
//     AmqpServer server(broker, {.port = 5673});
//     server.start();                    // throws AmqpServerError (port in use, ...)
//     ...                                // clients connect to amqp://127.0.0.1:5673/
//     server.stop();                     // 320 CONNECTION_FORCED to every client
//
// Each client connection becomes one Broker::connect() connection named after the client
// ("<connection_name or product> (<peer address>)"), so every operation lands in the
// broker's trace as an in-process client's would. The wire format is read and written with
// rabbitmq-c's codec (amqp_decode_method / amqp_encode_method and the properties codec);
// the state machine (handshake, channels, content assembly, errors) is in
// core/src/amqp_server_*.cpp.
//
// The frame reader below (wire::readFrame, wire::inspectFrame) is a pure function over bytes:
// the server's input goes through it first, and the fuzz target drives it directly.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wb::messaging {

class Broker;

struct AmqpServerOptions
{
    // A numeric address ("127.0.0.1", "::1", "0.0.0.0"); anything but a loopback address
    // needs `user` and `password`.
    std::string host = "127.0.0.1";
    std::uint16_t port = 5672; // 0: any free port (see AmqpServer::port())
    // The PLAIN / AMQPLAIN login every client must give; empty: any login is accepted
    // (loopback only).
    std::string user;
    std::string password;
    // What connection.tune offers; a client may ask for less.
    std::uint32_t frameMax = 131072;
    std::uint16_t channelMax = 2047;
    std::uint16_t heartbeatSeconds = 60;
    // Bytes waiting to be written to one client before the server stops delivering to it and
    // stops reading its socket (which blocks its publishers through TCP) until it reads.
    std::size_t outboundLimit = 4u << 20;
    // A larger message closes its channel with 406 PRECONDITION_FAILED (RabbitMQ's default).
    std::uint64_t maxMessageSize = 128ull << 20;
    std::size_t maxConnections = 1024;
    // Seconds a client has for the handshake (protocol header to connection.open).
    int handshakeTimeoutSeconds = 10;
    // One line per connection opened or closed and per protocol error, without a newline.
    std::function<void(const std::string &)> log;
};

// The server could not listen (address in use, no permission, bad address).
class AmqpServerError : public std::runtime_error
{
public:
    AmqpServerError(const std::string &what, int errnoValue)
        : std::runtime_error(what), m_errno(errnoValue)
    {}
    int errnoValue() const { return m_errno; }

private:
    int m_errno;
};

class AmqpServer
{
public:
    // Throws std::invalid_argument when a non-loopback host is given without user/password.
    AmqpServer(Broker &broker, AmqpServerOptions options);
    ~AmqpServer(); // stop()
    AmqpServer(const AmqpServer &) = delete;
    AmqpServer &operator=(const AmqpServer &) = delete;

    // Binds and listens, then accepts in a thread of its own; each connection gets a thread.
    void start();
    // The port listened on (the chosen one when options.port was 0).
    std::uint16_t port() const;
    // Sends connection.close (320 CONNECTION_FORCED) to every client, waits up to a second for
    // their close-ok, closes the sockets and joins every thread. Idempotent.
    void stop();
    // Connections open right now (handshake included).
    std::size_t connectionCount() const;
    // Bytes waiting to be written to clients, over all connections.
    std::size_t outboundBytes() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

// --- the frame reader ----------------------------------------------------------------------

namespace wire {

// "AMQP" 0 0 9 1: what a client sends first.
inline constexpr std::string_view kProtocolHeader{"AMQP\x00\x00\x09\x01", 8};

enum class HeaderCheck {
    NeedMore, // fewer than 8 bytes, all of them a prefix of the header
    Ok,
    Wrong, // the server answers with its own header and closes
};
HeaderCheck checkProtocolHeader(std::string_view bytes);

enum class FrameType : std::uint8_t { Method = 1, Header = 2, Body = 3, Heartbeat = 8 };

struct RawFrame
{
    FrameType type = FrameType::Heartbeat;
    std::uint16_t channel = 0;
    std::string_view payload; // points into the bytes given to readFrame
};

enum class ReadStatus { NeedMore, Frame, Error };

struct FrameRead
{
    ReadStatus status = ReadStatus::NeedMore;
    RawFrame frame;
    std::size_t consumed = 0; // bytes of a whole frame (status Frame)
    int code = 0;             // status Error: 501 FRAME_ERROR
    std::string text;         // status Error: why, for connection.close
};

// Reads the frame at the start of `bytes`. Looks at no more than frameMax bytes: a frame
// announcing more (frame_max counts the 7-byte header and the end octet) is an error as soon
// as its header is seen, so a reader never buffers more than frameMax bytes of one frame.
// Errors: an unknown frame type, a size over frameMax, a missing frame-end octet (206).
FrameRead readFrame(std::string_view bytes, std::uint32_t frameMax);

// What a frame's payload decodes to with rabbitmq-c's codec.
struct FrameCheck
{
    int code = 0;               // 0 ok; 502 SYNTAX_ERROR (undecodable), 503 COMMAND_INVALID
                                // (unknown method or class), 505 UNEXPECTED_FRAME
    std::string text;           // why, when code != 0
    std::uint32_t method = 0;   // method frames: class << 16 | method
    std::string name;           // method frames: rabbitmq-c's name ("AMQP_BASIC_PUBLISH_METHOD")
    std::uint64_t bodySize = 0; // header frames
    std::uint16_t classId = 0;  // header frames
    // Method and header frames: the decoded value encoded again by rabbitmq-c and decoded
    // once more encodes to the same bytes (true when there was nothing to compare).
    bool roundTrips = true;
};
FrameCheck inspectFrame(const RawFrame &frame);

} // namespace wire

} // namespace wb::messaging
