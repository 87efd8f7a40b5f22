#pragma once
// The AMQP 0-9-1 vocabulary shared by the embedded broker, both transports and the views:
// messages and their properties, deliveries, declaration flags, reply codes and errors.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wb::messaging {

// Reply codes as RabbitMQ sends them in channel.close / connection.close / basic.return.
enum ReplyCode : int {
    ReplySuccess = 200,
    ContentTooLarge = 311,
    NoRoute = 312,
    ConnectionForced = 320,
    AccessRefused = 403,
    NotFound = 404,
    ResourceLocked = 405,
    PreconditionFailed = 406,
    ChannelErrorCode = 504,
    NotAllowed = 530,
    NotImplemented = 540,
    InternalError = 541,
};

// "NOT_FOUND" for 404, and so on; "UNKNOWN" for codes outside the list above.
std::string_view replyCodeName(int code);

// A channel or connection exception. The channel (or the whole connection when
// connectionLevel) is closed by the time this is thrown, as on a real broker:
//
//     try { ch->exchangeDeclare("integers", ExchangeType::Fanout); }   // exists as direct
//     catch (const AmqpError &e) { e.code() == PreconditionFailed; }  // ch is now closed
class AmqpError : public std::runtime_error
{
public:
    AmqpError(int code, std::string text, bool connectionLevel = false);
    int code() const { return m_code; }
    const std::string &replyText() const { return m_text; }
    bool connectionLevel() const { return m_connectionLevel; }

private:
    int m_code;
    std::string m_text;
    bool m_connectionLevel;
};

// The transport could not reach or keep its broker (refused, unresolvable, timed out,
// authentication failed). what() names the broker and the reason.
class ConnectionFailed : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// AMQP 0-9-1 carries names (exchange, queue), routing keys, consumer tags and most message
// properties as "short strings": one length byte, so at most 255 bytes.
constexpr std::size_t kShortStringMax = 255;
// Throws std::invalid_argument("<what> '<start of value>...' is N bytes, longer than 255
// bytes (the AMQP 0-9-1 limit)") when `value` is too long; `what` is e.g. "exchange name".
// An error of the caller's own making: retrying it cannot help.
void checkShortString(std::string_view what, std::string_view value);

enum class ExchangeType { Direct, Fanout, Topic, Headers };
std::string_view exchangeTypeName(ExchangeType t); // "direct", ...
std::optional<ExchangeType> parseExchangeType(std::string_view name);

// Header and argument tables. AMQP tables carry more types; these three are what the
// scenario, the headers exchange and Nova need, and they map onto rabbitmq-c field values.
using HeaderValue = std::variant<std::string, std::int64_t, bool>;
using Headers = std::map<std::string, HeaderValue>;
std::string headerValueText(const HeaderValue &v);

struct Properties
{
    std::string contentType;       // MIME label; the broker never interprets it
    std::uint8_t deliveryMode = 1; // 1 transient, 2 persistent (kept only in a durable queue)
    Headers headers;
    std::string messageId;
    std::int64_t timestamp = 0; // seconds since the epoch; 0 = not set
    std::string correlationId;  // rpc.call: pairs a reply with its request
    std::string replyTo;        // rpc.call: the queue the reply goes to

    bool persistent() const { return deliveryMode == 2; }
    bool operator==(const Properties &) const = default;
};

struct Message
{
    std::string body;
    Properties properties;
    bool operator==(const Message &) const = default;
};

// What a consumer (basic.deliver) or basic.get receives.
struct Delivery
{
    std::string consumerTag;       // empty for basic.get
    std::uint64_t deliveryTag = 0; // per channel, 1, 2, 3, ...
    bool redelivered = false;
    std::string exchange;
    std::string routingKey;
    Message message;
    std::uint32_t messageCount = 0; // basic.get only: messages left in the queue
};

// basic.return: a mandatory message that matched no queue.
struct ReturnedMessage
{
    int replyCode = NoRoute;
    std::string replyText;
    std::string exchange;
    std::string routingKey;
    Message message;
};

struct ExchangeFlags
{
    bool durable = false;
    bool autoDelete = false;
    bool internal = false;
    bool passive = false; // only check that it exists (404 if not)
};

struct QueueFlags
{
    bool durable = false;
    bool exclusive = false;
    bool autoDelete = false;
    bool passive = false;
};

struct QueueDeclareOk
{
    std::string queue; // the server-chosen name when declared with ""
    std::uint32_t messageCount = 0;
    std::uint32_t consumerCount = 0;
};

// Rows of the rabbitmqctl-like views.
struct ExchangeInfo
{
    std::string name;
    ExchangeType type = ExchangeType::Direct;
    bool durable = false;
    bool autoDelete = false;
    bool internal = false;
};

struct QueueInfo
{
    std::string name;
    bool durable = false;
    bool exclusive = false;
    bool autoDelete = false;
    std::uint64_t ready = 0;   // waiting for delivery
    std::uint64_t unacked = 0; // delivered, not yet acknowledged (plain list_queues' `messages`
                               // column is ready + unacked)
    std::uint32_t consumers = 0;
};

struct BindingInfo
{
    std::string source;      // exchange; "" is the default exchange
    std::string destination; // queue
    std::string routingKey;  // the binding key
    Headers arguments;       // headers exchange: x-match and the values to match
};

} // namespace wb::messaging
