#include "messaging/core/tutorial.h"

#include <algorithm>
#include <stdexcept>

namespace wb::messaging {

Producer::Producer(Connection &connection, std::string exchange, ExchangeType type)
    : m_exchange(std::move(exchange)), m_channel(connection.openChannel())
{
    ExchangeFlags flags;
    flags.durable = true;
    m_channel->exchangeDeclare(m_exchange, type, flags);
    m_channel->confirmSelect();
}

std::uint64_t Producer::publish(const std::string &text, const std::string &routingKey,
                                const std::string &messageId)
{
    Message m;
    m.body = text;
    m.properties.contentType = "text/plain";
    m.properties.deliveryMode = 2;
    m.properties.messageId = messageId;
    return m_channel->basicPublish(m_exchange, routingKey, m);
}

bool Producer::waitForConfirms(std::chrono::milliseconds timeout)
{
    return m_channel->waitForConfirms(timeout);
}

void Producer::close()
{
    m_channel->close();
}

Consumer::Consumer(Connection &connection, std::uint16_t prefetch)
    : m_channel(connection.openChannel())
{
    if (prefetch)
        m_channel->basicQos(prefetch);
}

void Consumer::declareExchange(const std::string &name, bool durable, bool autoDelete,
                               ExchangeType type)
{
    m_exchange = name;
    ExchangeFlags flags;
    flags.durable = durable;
    flags.autoDelete = autoDelete;
    m_channel->exchangeDeclare(name, type, flags);
}

void Consumer::declareQueue(const std::string &name, const std::string &routingKey, bool durable,
                            bool exclusive, bool autoDelete)
{
    QueueFlags flags;
    flags.durable = durable;
    flags.exclusive = exclusive;
    flags.autoDelete = autoDelete;
    m_queue = m_channel->queueDeclare(name, flags).queue;
    m_channel->queueBind(m_queue, m_exchange, routingKey);
}

std::string Consumer::startConsuming(Callback callback, const std::string &queue,
                                     const std::string &consumerTag)
{
    const std::string &name = queue.empty() ? m_queue : queue;
    if (name.empty())
        throw std::logic_error("startConsuming needs a queue: declare one or pass its name");
    m_callback = std::move(callback);
    return m_channel->basicConsume(name, consumerTag);
}

void Consumer::stopConsuming(const std::string &consumerTag)
{
    m_channel->basicCancel(consumerTag);
}

std::size_t Consumer::wait(std::size_t maxMessages, std::chrono::milliseconds idle)
{
    using Clock = std::chrono::steady_clock;
    const auto slice = std::chrono::milliseconds(50); // how soon stop() is noticed
    std::size_t handled = 0;
    auto lastActivity = Clock::now();
    while (!m_stop && (maxMessages == 0 || handled < maxMessages)) {
        auto d = m_channel->nextDelivery(slice);
        if (!d) {
            if (idle != std::chrono::milliseconds::max() && Clock::now() - lastActivity >= idle)
                break;
            continue;
        }
        lastActivity = Clock::now();
        if (m_callback)
            m_callback(*m_channel, *d);
        ++handled;
    }
    return handled;
}

void Consumer::close()
{
    m_channel->close();
}

} // namespace wb::messaging
