#pragma once
// The client API: a Connection carries Channels; a Channel speaks AMQP 0-9-1 methods.
// Both are interfaces, and each transport implements them: the embedded broker
// (Broker::connect) and a RabbitMQ node through rabbitmq-c (connectTo(BrokerUrl)).
// Code written against Connection/Channel runs unchanged on either.
//
//     auto conn = broker.connect("producer");            // or connectTo(*BrokerUrl::parse(url))
//     auto ch = conn->openChannel();
//     ExchangeFlags durable;
//     durable.durable = true;
//     ch->exchangeDeclare("integers", ExchangeType::Direct, durable);
//     ch->confirmSelect();
//     Message m;
//     m.body = "47";
//     m.properties.deliveryMode = 2;                     // persistent
//     ch->basicPublish("integers", "odd", m);
//     ch->waitForConfirms(std::chrono::seconds(5));
//
// Threading: a Channel is used by one thread at a time (as with every AMQP client). On the
// embedded transport a Connection may be shared by threads that each use their own channel;
// a rabbitmq-c Connection belongs to one thread.
//
// Errors: a channel error throws AmqpError and leaves that channel closed (isOpen() false);
// later calls on it throw AmqpError(504 CHANNEL_ERROR). A lost connection throws
// AmqpError with connectionLevel() true, or ConnectionFailed from the network layer.

#include "messaging/core/amqp.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wb::messaging {

class Channel
{
public:
    virtual ~Channel() = default;

    virtual std::uint16_t id() const = 0;
    virtual bool isOpen() const = 0;
    // Closes the channel; its unacknowledged deliveries go back to their queues (redelivered).
    virtual void close() = 0;

    virtual void exchangeDeclare(const std::string &name, ExchangeType type,
                                 ExchangeFlags flags = {}) = 0;
    virtual void exchangeDelete(const std::string &name, bool ifUnused = false) = 0;
    virtual QueueDeclareOk queueDeclare(const std::string &name, QueueFlags flags = {}) = 0;
    virtual void queueBind(const std::string &queue, const std::string &exchange,
                           const std::string &bindingKey, const Headers &arguments = {}) = 0;
    virtual void queueUnbind(const std::string &queue, const std::string &exchange,
                             const std::string &bindingKey, const Headers &arguments = {}) = 0;
    // Both return the number of messages removed with the queue's ready messages.
    virtual std::uint32_t queuePurge(const std::string &queue) = 0;
    virtual std::uint32_t queueDelete(const std::string &queue, bool ifUnused = false,
                                      bool ifEmpty = false) = 0;

    // Per-consumer limit of unacknowledged deliveries (0 = unlimited). On the embedded
    // broker a change applies at once to the channel's existing consumers too.
    virtual void basicQos(std::uint16_t prefetchCount) = 0;

    // Publisher confirms: after confirmSelect every publish gets a sequence number 1, 2, ...
    virtual void confirmSelect() = 0;
    // Returns the publish sequence number in confirm mode, else 0. A mandatory message that
    // no queue takes comes back through takeReturned().
    virtual std::uint64_t basicPublish(const std::string &exchange, const std::string &routingKey,
                                       const Message &message, bool mandatory = false) = 0;
    // True when every publish so far was acked by the broker; false on a nack or timeout.
    virtual bool waitForConfirms(std::chrono::milliseconds timeout) = 0;
    // The sequence numbers published in confirm mode that the broker has neither acked nor
    // nacked yet (acks with `multiple` settle every number up to theirs), ascending. Still
    // answers after the connection is lost: what a new connection must publish again. The
    // embedded broker confirms inside basicPublish, so it has none.
    virtual std::vector<std::uint64_t> unconfirmedSequences() const { return {}; }

    // Publish batching: publishes gather in the client and go out together, one write for
    // many instead of one per frame. They leave when the gathered bytes reach a limit, before
    // anything else is sent or awaited on the connection, and at flushPublishes(). Off by
    // default: a batched publish followed by a pause would wait in the client. The embedded
    // broker takes each publish at once and has nothing to gather.
    virtual void setPublishBatching(bool on) = 0;
    virtual void flushPublishes() = 0;
    virtual std::vector<ReturnedMessage> takeReturned() = 0;

    // Starts a subscription; returns its tag (the broker picks "amq.ctag-N" for "").
    virtual std::string basicConsume(const std::string &queue, const std::string &consumerTag = {},
                                     bool noAck = false, bool exclusive = false) = 0;
    virtual void basicCancel(const std::string &consumerTag) = 0;
    // The next delivery for any consumer of this channel, or nullopt after `timeout`.
    virtual std::optional<Delivery> nextDelivery(std::chrono::milliseconds timeout) = 0;
    virtual std::optional<Delivery> basicGet(const std::string &queue, bool noAck = false) = 0;

    virtual void basicAck(std::uint64_t deliveryTag, bool multiple = false) = 0;
    virtual void basicNack(std::uint64_t deliveryTag, bool multiple = false,
                           bool requeue = true) = 0;
    virtual void basicReject(std::uint64_t deliveryTag, bool requeue = true) = 0;
};

class Connection
{
public:
    virtual ~Connection() = default;
    virtual std::unique_ptr<Channel> openChannel() = 0;
    virtual bool isOpen() const = 0;
    // Closes every channel of the connection (their unacked deliveries are requeued) and
    // deletes the exclusive queues it declared.
    virtual void close() = 0;
    // "embedded" or the broker URL without its password.
    virtual std::string describe() const = 0;
};

// amqp://user:pass@host:port/vhost (amqps:// for TLS). Defaults as RabbitMQ's URI spec:
// guest/guest, localhost, 5672 (5671 for amqps), vhost "/". "%2f" in the path is "/".
struct BrokerUrl
{
    bool tls = false;
    std::string user = "guest";
    std::string password = "guest";
    std::string host = "localhost";
    int port = 5672;
    std::string vhost = "/";

    // nullopt and a sentence in *error when `text` is not such a URL.
    static std::optional<BrokerUrl> parse(std::string_view text, std::string *error = nullptr);
    std::string redacted() const; // the URL with the password left out
    // The URL with neither user nor password: amqp://host:5672/%2f. What a recording keeps.
    std::string anonymous() const;
};

struct ConnectOptions
{
    std::chrono::milliseconds timeout{5000}; // connect + login must finish within it
    std::uint16_t heartbeatSeconds = 30;
    std::string clientName = "workbench";
};

// A RabbitMQ connection through rabbitmq-c. Throws ConnectionFailed naming the broker and
// the reason (refused, unknown host, timed out, login refused) within options.timeout.
std::unique_ptr<Connection> connectTo(const BrokerUrl &url, const ConnectOptions &options = {});

// Reconnecting with backoff: connectTo up to `attempts` times, waiting `firstDelay` after the
// first failure and twice as long after each further one (at most `maxDelay`). A lost
// connection is not revived behind the caller's back: channels, consumers and unconfirmed
// publishes belong to the old connection, so the caller reconnects, declares again and
// resumes (as `workbench-cli messaging consume` does).
struct RetryPolicy
{
    int attempts = 5;
    std::chrono::milliseconds firstDelay{500};
    std::chrono::milliseconds maxDelay{8000};
};
// `onRetry(attempt, error, delay)` is called before each wait. Throws ConnectionFailed
// with the last reason and the number of attempts when none succeeded.
std::unique_ptr<Connection> connectWithRetry(
    const BrokerUrl &url, const ConnectOptions &options, const RetryPolicy &retry,
    const std::function<void(int, const std::string &, std::chrono::milliseconds)> &onRetry = {});

} // namespace wb::messaging
