#include "messaging/core/amqp.h"
#include "messaging/core/routing.h"

#include <vector>

namespace wb::messaging {

std::string_view replyCodeName(int code)
{
    switch (code) {
    case ReplySuccess:
        return "REPLY_SUCCESS";
    case ContentTooLarge:
        return "CONTENT_TOO_LARGE";
    case NoRoute:
        return "NO_ROUTE";
    case ConnectionForced:
        return "CONNECTION_FORCED";
    case AccessRefused:
        return "ACCESS_REFUSED";
    case NotFound:
        return "NOT_FOUND";
    case ResourceLocked:
        return "RESOURCE_LOCKED";
    case PreconditionFailed:
        return "PRECONDITION_FAILED";
    case ChannelErrorCode:
        return "CHANNEL_ERROR";
    case NotAllowed:
        return "NOT_ALLOWED";
    case NotImplemented:
        return "NOT_IMPLEMENTED";
    case InternalError:
        return "INTERNAL_ERROR";
    case 501:
        return "FRAME_ERROR";
    case 502:
        return "SYNTAX_ERROR";
    case 503:
        return "COMMAND_INVALID";
    case 505:
        return "UNEXPECTED_FRAME";
    case 506:
        return "RESOURCE_ERROR";
    default:
        return "UNKNOWN";
    }
}

AmqpError::AmqpError(int code, std::string text, bool connectionLevel)
    : std::runtime_error(std::to_string(code) + " " + std::string(replyCodeName(code)) + " - " +
                         text),
      m_code(code), m_text(std::move(text)), m_connectionLevel(connectionLevel)
{}

void checkShortString(std::string_view what, std::string_view value)
{
    // The value itself is not repeated: it may be long, binary, or a terminal escape.
    if (value.size() > kShortStringMax)
        throw std::invalid_argument(std::string(what) + " is " + std::to_string(value.size()) +
                                    " bytes, longer than 255 bytes (the AMQP 0-9-1 limit)");
}

std::string_view exchangeTypeName(ExchangeType t)
{
    switch (t) {
    case ExchangeType::Direct:
        return "direct";
    case ExchangeType::Fanout:
        return "fanout";
    case ExchangeType::Topic:
        return "topic";
    case ExchangeType::Headers:
        return "headers";
    }
    return "direct";
}

std::optional<ExchangeType> parseExchangeType(std::string_view name)
{
    for (auto t :
         {ExchangeType::Direct, ExchangeType::Fanout, ExchangeType::Topic, ExchangeType::Headers})
        if (exchangeTypeName(t) == name)
            return t;
    return std::nullopt;
}

std::string headerValueText(const HeaderValue &v)
{
    if (const auto *s = std::get_if<std::string>(&v))
        return *s;
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return std::to_string(*i);
    return std::get<bool>(v) ? "true" : "false";
}

namespace {

// RabbitMQ's split: "" has no words; otherwise n dots make n+1 words, empty ones included.
std::vector<std::string_view> splitWords(std::string_view key)
{
    std::vector<std::string_view> words;
    if (key.empty())
        return words;
    std::size_t start = 0;
    for (;;) {
        const auto dot = key.find('.', start);
        if (dot == std::string_view::npos) {
            words.push_back(key.substr(start));
            return words;
        }
        words.push_back(key.substr(start, dot - start));
        start = dot + 1;
    }
}

} // namespace

bool topicMatches(std::string_view bindingKey, std::string_view routingKey)
{
    const auto pattern = splitWords(bindingKey);
    const auto words = splitWords(routingKey);
    // reach[j]: the first i pattern words can match the first j routing words. Dynamic
    // programming keeps keys like "#.#.#.x" linear per row instead of backtracking.
    std::vector<char> reach(words.size() + 1, 0), next(words.size() + 1, 0);
    reach[0] = 1;
    for (const auto p : pattern) {
        std::fill(next.begin(), next.end(), 0);
        if (p == "#") {
            char any = 0;
            for (std::size_t j = 0; j <= words.size(); ++j) {
                any = any || reach[j];
                next[j] = any; // zero or more words after any reachable prefix
            }
        } else {
            for (std::size_t j = 0; j < words.size(); ++j)
                if (reach[j] && (p == "*" || p == words[j]))
                    next[j + 1] = 1;
        }
        reach.swap(next);
    }
    return reach[words.size()] != 0;
}

bool headersMatch(const Headers &bindingArguments, const Headers &headers)
{
    bool any = false;
    if (auto it = bindingArguments.find("x-match"); it != bindingArguments.end()) {
        const auto *mode = std::get_if<std::string>(&it->second);
        any = mode && *mode == "any";
    }
    for (const auto &[name, value] : bindingArguments) {
        if (name.rfind("x-", 0) == 0)
            continue;
        const auto h = headers.find(name);
        const bool equal = h != headers.end() && h->second == value;
        if (any && equal)
            return true;
        if (!any && !equal)
            return false;
    }
    return !any;
}

std::unique_ptr<Exchange> makeExchange(ExchangeType type)
{
    switch (type) {
    case ExchangeType::Direct:
        return std::make_unique<DirectExchange>();
    case ExchangeType::Fanout:
        return std::make_unique<FanoutExchange>();
    case ExchangeType::Topic:
        return std::make_unique<TopicExchange>();
    case ExchangeType::Headers:
        return std::make_unique<HeadersExchange>();
    }
    return std::make_unique<DirectExchange>();
}

} // namespace wb::messaging
