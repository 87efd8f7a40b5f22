#include "messaging/core/client.h"

#include <gtest/gtest.h>

using namespace wb::messaging;

TEST(MessagingBrokerUrl, FullForm)
{
    const auto u = BrokerUrl::parse("amqp://alice:s%40cret@broker.example:5673/prod");
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->tls);
    EXPECT_EQ(u->user, "alice");
    EXPECT_EQ(u->password, "s@cret");
    EXPECT_EQ(u->host, "broker.example");
    EXPECT_EQ(u->port, 5673);
    EXPECT_EQ(u->vhost, "prod");
    EXPECT_EQ(u->redacted(), "amqp://alice@broker.example:5673/prod");
}

TEST(MessagingBrokerUrl, Defaults)
{
    auto u = BrokerUrl::parse("amqp://");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, "guest");
    EXPECT_EQ(u->host, "localhost");
    EXPECT_EQ(u->port, 5672);
    EXPECT_EQ(u->vhost, "/");
    u = BrokerUrl::parse("amqps://h/%2f");
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->port, 5671);
    EXPECT_EQ(u->vhost, "/");
    u = BrokerUrl::parse("amqp://h/"); // empty path: the vhost named ""
    ASSERT_TRUE(u);
    EXPECT_EQ(u->vhost, "");
}

TEST(MessagingBrokerUrl, RejectsWhatIsNotAUrl)
{
    std::string error;
    EXPECT_FALSE(BrokerUrl::parse("http://host", &error));
    EXPECT_NE(error.find("amqp://"), std::string::npos);
    EXPECT_FALSE(BrokerUrl::parse("amqp://host:99999/", &error));
    EXPECT_NE(error.find("port"), std::string::npos);
    EXPECT_FALSE(BrokerUrl::parse("amqp://host:abc", &error));
    EXPECT_FALSE(BrokerUrl::parse("amqp://u:%zz@host", &error));
}

// RFC 3986 section 3.2.2: an IPv6 address in a URL is written in brackets.
TEST(MessagingBrokerUrl, Ipv6Literals)
{
    auto u = BrokerUrl::parse("amqp://[::1]:5672/");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 5672);
    EXPECT_EQ(u->vhost, "");
    EXPECT_EQ(u->redacted(), "amqp://guest@[::1]:5672/");
    u = BrokerUrl::parse("amqps://bob:pw@[2001:db8::7]/prod");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "2001:db8::7");
    EXPECT_EQ(u->port, 5671);
    EXPECT_EQ(u->user, "bob");
    EXPECT_EQ(u->vhost, "prod");
    u = BrokerUrl::parse("amqp://[::ffff:127.0.0.1]:35672");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "::ffff:127.0.0.1");
    EXPECT_EQ(u->port, 35672);

    std::string error;
    EXPECT_FALSE(BrokerUrl::parse("amqp://[::1/", &error));
    EXPECT_NE(error.find("IPv6"), std::string::npos) << error;
    EXPECT_FALSE(BrokerUrl::parse("amqp://[::1]x/", &error));
    EXPECT_FALSE(BrokerUrl::parse("amqp://[]:5672/", &error));
    EXPECT_FALSE(BrokerUrl::parse("amqp://[::1]:0/", &error));
    EXPECT_NE(error.find("port"), std::string::npos) << error;
    EXPECT_FALSE(BrokerUrl::parse("amqp://[::1]:/", &error));
}
