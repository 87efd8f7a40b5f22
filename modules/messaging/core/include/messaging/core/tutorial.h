#pragma once
// The tutorial's two helper classes on the client API, with its pitfalls fixed: the
// producer declares the exchange it publishes to and waits for publisher confirms; the
// consumer sets a prefetch, uses the queue it is asked for, and wait() can stop.

#include "messaging/core/client.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace wb::messaging {

class Producer
{
public:
    // Declares `exchange` (durable, as the consumers do) and turns on publisher confirms.
    Producer(Connection &connection, std::string exchange,
             ExchangeType type = ExchangeType::Direct);

    // Publishes `text` as text/plain with delivery_mode 2; returns the confirm sequence.
    std::uint64_t publish(const std::string &text, const std::string &routingKey,
                          const std::string &messageId = {});
    bool waitForConfirms(std::chrono::milliseconds timeout);
    void close();
    Channel &channel() { return *m_channel; }

private:
    std::string m_exchange;
    std::unique_ptr<Channel> m_channel;
};

class Consumer
{
public:
    // The callback acknowledges (or not) itself, as the tutorial's does.
    using Callback = std::function<void(Channel &, const Delivery &)>;

    // prefetch: at most that many unacknowledged deliveries at once (0 = unlimited).
    explicit Consumer(Connection &connection, std::uint16_t prefetch = 10);

    void declareExchange(const std::string &name, bool durable = true, bool autoDelete = false,
                         ExchangeType type = ExchangeType::Direct);
    // Declares the queue and binds it to the declared exchange with `routingKey`.
    void declareQueue(const std::string &name, const std::string &routingKey, bool durable = true,
                      bool exclusive = false, bool autoDelete = false);
    // A queue passed here wins over the declared one; with neither, throws
    // std::logic_error instead of silently doing nothing.
    std::string startConsuming(Callback callback, const std::string &queue = {},
                               const std::string &consumerTag = "consumer");
    void stopConsuming(const std::string &consumerTag = "consumer");

    // Dispatches deliveries to the callback until stop() (from any thread), `maxMessages`
    // deliveries (0 = no limit), or `idle` without a delivery. Returns how many it handled.
    std::size_t wait(std::size_t maxMessages = 0,
                     std::chrono::milliseconds idle = std::chrono::milliseconds::max());
    void stop() { m_stop = true; }
    void close();
    Channel &channel() { return *m_channel; }

private:
    std::unique_ptr<Channel> m_channel;
    std::string m_exchange;
    std::string m_queue;
    Callback m_callback;
    std::atomic<bool> m_stop{false};
};

} // namespace wb::messaging
