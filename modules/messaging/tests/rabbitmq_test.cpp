// The rabbitmq-c transport without a broker: failing to connect (refused, silent peer) and
// reconnecting with backoff. Tests that need a RabbitMQ node are in rabbitmq_broker_test.cpp.
#include "messaging/core/client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace wb::messaging;

namespace {

TEST(MessagingRabbitMq, RefusedPortFailsQuicklyWithAClearMessage)
{
    // Port 1 on loopback: nothing listens there, the kernel refuses at once.
    auto url = BrokerUrl::parse("amqp://guest:guest@127.0.0.1:1/");
    ASSERT_TRUE(url);
    const auto start = std::chrono::steady_clock::now();
    try {
        connectTo(*url);
        FAIL() << "connected to a closed port";
    } catch (const ConnectionFailed &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("127.0.0.1:1"), std::string::npos) << what;
        EXPECT_NE(what.find("refused"), std::string::npos) << what;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
}

TEST(MessagingRabbitMq, ConnectWithRetryBacksOffThenGivesUp)
{
    auto url = BrokerUrl::parse("amqp://guest:guest@127.0.0.1:1/");
    ASSERT_TRUE(url);
    RetryPolicy retry;
    retry.attempts = 3;
    retry.firstDelay = std::chrono::milliseconds(10);
    std::vector<long> delays;
    try {
        connectWithRetry(*url, {}, retry,
                         [&](int, const std::string &, std::chrono::milliseconds delay) {
                             delays.push_back(static_cast<long>(delay.count()));
                         });
        FAIL() << "connected to a closed port";
    } catch (const ConnectionFailed &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
        EXPECT_NE(what.find("refused"), std::string::npos) << what;
    }
    EXPECT_EQ(delays, (std::vector<long>{10, 20}));
}

TEST(MessagingRabbitMq, SilentPeerTimesOutWithinTheConnectTimeout)
{
    // A socket that listens but never speaks: TCP connects, the AMQP handshake never ends.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len), 0);
    const auto url =
        BrokerUrl::parse("amqp://guest:guest@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
    ASSERT_TRUE(url);
    ConnectOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    const auto start = std::chrono::steady_clock::now();
    try {
        connectTo(*url, options);
        ADD_FAILURE() << "connected to a silent socket";
    } catch (const ConnectionFailed &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(url->redacted()), std::string::npos) << what;
        EXPECT_NE(what.find("timed out"), std::string::npos) << what;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    ::close(fd);
}

} // namespace
