#pragma once
// Exchanges as routing rules. An exchange holds no messages: given a message's routing key
// and headers it says which bindings select it. The broker keeps the bindings and copies the
// message once into each selected queue.
//
//     TopicExchange topic;
//     topic.matches({"compute.*", {}}, "compute.host1", {});   // true
//     topic.matches({"compute.*", {}}, "compute", {});         // false: * is exactly one word

#include "messaging/core/amqp.h"

#include <memory>
#include <string>
#include <string_view>

namespace wb::messaging {

// What a binding contributes to routing: its key and (headers exchange) its arguments.
struct BindingKey
{
    std::string key;
    Headers arguments;
};

// Topic match of AMQP 0-9-1 as RabbitMQ implements it. Both keys are split on '.', every
// piece is a word, empty words included ("a..b" is a, "", b; "" is no words at all).
// In the binding key `*` matches exactly one word and `#` zero or more words.
bool topicMatches(std::string_view bindingKey, std::string_view routingKey);

// Headers match: every (x-match=all, the default) or at least one (x-match=any) argument
// whose name does not start with "x-" is present in `headers` with an equal value.
// With no such arguments, all matches everything and any matches nothing.
bool headersMatch(const Headers &bindingArguments, const Headers &headers);

class Exchange
{
public:
    virtual ~Exchange() = default;
    virtual ExchangeType type() const = 0;
    virtual bool matches(const BindingKey &binding, std::string_view routingKey,
                         const Headers &headers) const = 0;
};

// Exact equality of routing key and binding key ("odd" reaches queues bound with "odd").
class DirectExchange final : public Exchange
{
public:
    ExchangeType type() const override { return ExchangeType::Direct; }
    bool matches(const BindingKey &b, std::string_view routingKey, const Headers &) const override
    {
        return b.key == routingKey;
    }
};

// Every bound queue, whatever the key.
class FanoutExchange final : public Exchange
{
public:
    ExchangeType type() const override { return ExchangeType::Fanout; }
    bool matches(const BindingKey &, std::string_view, const Headers &) const override
    {
        return true;
    }
};

class TopicExchange final : public Exchange
{
public:
    ExchangeType type() const override { return ExchangeType::Topic; }
    bool matches(const BindingKey &b, std::string_view routingKey, const Headers &) const override
    {
        return topicMatches(b.key, routingKey);
    }
};

// Ignores the routing key; matches the message's headers against the binding's arguments.
class HeadersExchange final : public Exchange
{
public:
    ExchangeType type() const override { return ExchangeType::Headers; }
    bool matches(const BindingKey &b, std::string_view, const Headers &headers) const override
    {
        return headersMatch(b.arguments, headers);
    }
};

std::unique_ptr<Exchange> makeExchange(ExchangeType type);

} // namespace wb::messaging
