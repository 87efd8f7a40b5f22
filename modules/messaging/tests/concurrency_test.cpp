// Many producer and consumer threads on one embedded broker: exactly the published multiset
// is acknowledged, nothing lost, nothing twice. Labelled tsan; run under ThreadSanitizer.
#include "support.h"

#include "messaging/core/broker.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

using namespace wb::messaging;
using namespace wb::messaging::test;

namespace {

constexpr int kProducers = 3;
constexpr int kPerProducer = 2000;
constexpr int kTotal = kProducers * kPerProducer;

std::string bodyOf(int producer, int i)
{
    return std::to_string(producer) + ":" + std::to_string(i);
}

std::vector<std::string> expectedBodies()
{
    std::vector<std::string> all;
    for (int p = 0; p < kProducers; ++p)
        for (int i = 0; i < kPerProducer; ++i)
            all.push_back(bodyOf(p, i));
    std::sort(all.begin(), all.end());
    return all;
}

struct Received
{
    std::mutex mutex;
    std::vector<std::string> acked;
    std::atomic<int> count{0};

    void add(const std::string &body)
    {
        std::lock_guard lock(mutex);
        acked.push_back(body);
        ++count;
    }
    std::vector<std::string> sorted()
    {
        std::lock_guard lock(mutex);
        auto v = acked;
        std::sort(v.begin(), v.end());
        return v;
    }
};

void produce(Broker &broker, int producer)
{
    auto conn = broker.connect("producer-" + std::to_string(producer));
    auto ch = conn->openChannel();
    ch->confirmSelect();
    for (int i = 0; i < kPerProducer; ++i)
        ch->basicPublish("work", "task", textMessage(bodyOf(producer, i)));
    EXPECT_TRUE(ch->waitForConfirms(kWait));
}

// Consumes until `received` reaches kTotal; nacks (requeue) some deliveries at random.
void consume(Connection &conn, int seed, std::uint16_t prefetch, Received &received)
{
    auto ch = conn.openChannel();
    ch->basicQos(prefetch);
    ch->basicConsume("work");
    wb::Rng rng(static_cast<std::uint64_t>(seed));
    while (received.count.load() < kTotal) {
        auto d = ch->nextDelivery(std::chrono::milliseconds(20));
        if (!d)
            continue;
        if (rng.below(10) == 0) {
            ch->basicNack(d->deliveryTag, false, true);
            continue;
        }
        received.add(d->message.body);
        ch->basicAck(d->deliveryTag);
    }
}

void declareWork(Broker &broker)
{
    auto conn = broker.connect("setup");
    auto ch = conn->openChannel();
    ch->exchangeDeclare("work", ExchangeType::Direct);
    ch->queueDeclare("work");
    ch->queueBind("work", "work", "task");
}

TEST(MessagingConcurrency, ProducersAndConsumersExactMultiset)
{
    wb::Trace trace; // recording from many threads at once is part of what TSan checks
    trace.setLimit(20000);
    Broker broker({{}, &trace});
    declareWork(broker);
    Received received;
    std::vector<std::thread> threads;
    auto consumerConn = broker.connect("consumers"); // shared: each thread its own channel
    for (int c = 0; c < 3; ++c)
        threads.emplace_back(consume, std::ref(*consumerConn), c + 1,
                             static_cast<std::uint16_t>(c == 0 ? 1 : 16), std::ref(received));
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back(produce, std::ref(broker), p);
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(received.sorted(), expectedBodies());
    const auto stats = broker.stats();
    EXPECT_EQ(stats.published, static_cast<std::uint64_t>(kTotal));
    EXPECT_EQ(stats.acked, static_cast<std::uint64_t>(kTotal));
    for (const auto &q : broker.listQueues()) {
        EXPECT_EQ(q.ready, 0u);
        EXPECT_EQ(q.unacked, 0u);
    }
}

TEST(MessagingConcurrency, KilledConsumersLoseNothing)
{
    Broker broker;
    declareWork(broker);
    Received received;
    std::atomic<bool> producing{true};
    // Victims take deliveries and close their channel without acking, again and again.
    std::thread victim([&] {
        auto conn = broker.connect("victim");
        while (producing.load()) {
            auto ch = conn->openChannel();
            ch->basicQos(8);
            ch->basicConsume("work");
            for (int i = 0; i < 5; ++i)
                ch->nextDelivery(std::chrono::milliseconds(1));
            ch->close();
        }
    });
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<Connection>> conns;
    for (int c = 0; c < 2; ++c) {
        conns.push_back(broker.connect("survivor"));
        threads.emplace_back(consume, std::ref(*conns.back()), 10 + c,
                             static_cast<std::uint16_t>(32), std::ref(received));
    }
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
        producers.emplace_back(produce, std::ref(broker), p);
    for (auto &t : producers)
        t.join();
    producing = false;
    victim.join();
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(received.sorted(), expectedBodies());
}

TEST(MessagingConcurrency, FanoutGivesEveryQueueEveryMessage)
{
    Broker broker;
    {
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->exchangeDeclare("all", ExchangeType::Fanout);
        for (const char *q : {"a", "b"}) {
            ch->queueDeclare(q);
            ch->queueBind(q, "all", "");
        }
    }
    std::vector<std::thread> threads;
    Received got[2];
    for (int q = 0; q < 2; ++q)
        threads.emplace_back([&, q] {
            auto conn = broker.connect();
            auto ch = conn->openChannel();
            ch->basicConsume(q == 0 ? "a" : "b", "", true);
            while (got[q].count.load() < kTotal)
                if (auto d = ch->nextDelivery(std::chrono::milliseconds(20)))
                    got[q].add(d->message.body);
        });
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back([&, p] {
            auto conn = broker.connect();
            auto ch = conn->openChannel();
            for (int i = 0; i < kPerProducer; ++i)
                ch->basicPublish("all", "", textMessage(bodyOf(p, i)));
        });
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(got[0].sorted(), expectedBodies());
    EXPECT_EQ(got[1].sorted(), expectedBodies());
}

} // namespace
