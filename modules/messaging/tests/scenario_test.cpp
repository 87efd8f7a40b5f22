// The tutorial's odd/even scenario end to end on the embedded broker.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/scenario.h"
#include "messaging/core/tutorial.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::messaging;
using namespace wb::messaging::test;

namespace {

TEST(MessagingOddEvenScenario, EveryIntegerReachesTheRightQueueOnce)
{
    wb::Trace trace;
    Broker broker({{}, &trace});
    OddEvenOptions o;
    o.count = 500;
    o.seed = 42;
    const auto r = runOddEvenScenario([&](const std::string &c) { return broker.connect(c); }, o);
    const auto values = oddEvenIntegers(o.count, o.seed);
    std::uint64_t odd = 0;
    for (int v : values)
        odd += v % 2;
    EXPECT_EQ(r.published, 500u);
    EXPECT_EQ(r.odds, odd);
    EXPECT_EQ(r.evens, 500u - odd);
    EXPECT_EQ(r.misrouted, 0u);
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.duplicates, 0u);
    EXPECT_TRUE(r.confirmed);
    ASSERT_EQ(r.producerLines.size(), 500u);
    EXPECT_EQ(r.producerLines[0], "integer: " + std::to_string(values[0]));
    for (const auto &l : r.oddLines)
        EXPECT_EQ(l.rfind("odd integer: ", 0), 0u);
    // Each consumer sees its integers in publish order (one producer, one queue, FIFO).
    std::vector<std::string> expectedOdd;
    for (int v : values)
        if (v % 2)
            expectedOdd.push_back("odd integer: " + std::to_string(v));
    EXPECT_EQ(r.oddLines, expectedOdd);
    EXPECT_TRUE(trace.findNext("ack", 0));
}

TEST(MessagingOddEvenScenario, SeedsAreDeterministic)
{
    EXPECT_EQ(oddEvenIntegers(50, 7), oddEvenIntegers(50, 7));
    EXPECT_NE(oddEvenIntegers(50, 7), oddEvenIntegers(50, 8));
    for (int v : oddEvenIntegers(1000, 3)) {
        EXPECT_GE(v, 1);
        EXPECT_LE(v, 100);
    }
}

TEST(MessagingTutorial, RecordedOutputOfTheThreeHosts)
{
    // The tutorial's recorded run: 14, 47, 6, 83, consumers started first.
    Broker broker;
    auto c1 = broker.connect("consumer1");
    auto c2 = broker.connect("consumer2");
    auto p = broker.connect("producer");
    Consumer odd(*c1), even(*c2);
    odd.declareExchange("integers");
    odd.declareQueue("odds", "odd");
    even.declareExchange("integers");
    even.declareQueue("evens", "even");
    std::vector<std::string> oddOut, evenOut, producerOut;
    odd.startConsuming([&](Channel &ch, const Delivery &d) {
        oddOut.push_back("odd integer: " + d.message.body);
        ch.basicAck(d.deliveryTag);
    });
    even.startConsuming([&](Channel &ch, const Delivery &d) {
        evenOut.push_back("even integer: " + d.message.body);
        ch.basicAck(d.deliveryTag);
    });
    Producer producer(*p, "integers");
    for (int n : {14, 47, 6, 83}) {
        producer.publish(std::to_string(n), oddEvenKey(n));
        producerOut.push_back("integer: " + std::to_string(n));
    }
    EXPECT_TRUE(producer.waitForConfirms(kWait));
    EXPECT_EQ(odd.wait(2), 2u);
    EXPECT_EQ(even.wait(2), 2u);
    EXPECT_EQ(producerOut, (std::vector<std::string>{"integer: 14", "integer: 47", "integer: 6",
                                                     "integer: 83"}));
    EXPECT_EQ(oddOut, (std::vector<std::string>{"odd integer: 47", "odd integer: 83"}));
    EXPECT_EQ(evenOut, (std::vector<std::string>{"even integer: 14", "even integer: 6"}));
}

TEST(MessagingTutorial, ProducerDeclaresTheExchangeItUses)
{
    // The original producer published to an undeclared exchange: 404. Ours declares it.
    Broker broker;
    auto p = broker.connect();
    Producer producer(*p, "integers");
    EXPECT_NO_THROW(producer.publish("1", "odd"));
}

TEST(MessagingTutorial, StartConsumingWithoutAQueueFailsLoudly)
{
    Broker broker;
    auto c = broker.connect();
    Consumer consumer(*c);
    EXPECT_THROW(consumer.startConsuming([](Channel &, const Delivery &) {}), std::logic_error);
}

TEST(MessagingTutorial, WaitStopsWhenIdle)
{
    Broker broker;
    auto c = broker.connect();
    Consumer consumer(*c);
    consumer.declareExchange("integers");
    consumer.declareQueue("odds", "odd");
    consumer.startConsuming([](Channel &, const Delivery &) {});
    EXPECT_EQ(consumer.wait(0, std::chrono::milliseconds(60)), 0u);
}

} // namespace
