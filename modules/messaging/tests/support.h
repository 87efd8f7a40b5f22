#pragma once
// Small builders shared by the messaging tests.

#include "messaging/core/broker.h"

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

namespace wb::messaging::test {

inline Message textMessage(std::string body, std::uint8_t deliveryMode = 1)
{
    Message m;
    m.body = std::move(body);
    m.properties.contentType = "text/plain";
    m.properties.deliveryMode = deliveryMode;
    return m;
}

inline ExchangeFlags durableExchange(bool durable = true)
{
    ExchangeFlags f;
    f.durable = durable;
    return f;
}

inline QueueFlags queueFlags(bool durable, bool exclusive = false, bool autoDelete = false)
{
    QueueFlags f;
    f.durable = durable;
    f.exclusive = exclusive;
    f.autoDelete = autoDelete;
    return f;
}

// A new, empty folder under the system's temporary one, named `name` and a random number (tests
// of one binary run in parallel processes).
inline std::filesystem::path freshTempDir(const std::string &name)
{
    std::random_device random;
    const auto dir = std::filesystem::temp_directory_path() /
                     (name + "-" + std::to_string(random()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(dir);
    return dir;
}

constexpr std::chrono::milliseconds kNoWait{0};
constexpr std::chrono::milliseconds kWait{2000}; // generous: only reached on failure

} // namespace wb::messaging::test
