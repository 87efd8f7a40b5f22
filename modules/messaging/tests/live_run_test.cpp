// The live odd/even run (live_run.h) on the embedded broker, as the views drive it: exact
// counts per queue and per consumer, a consumer killed with deliveries in hand, the broker
// restarted under the roles, the producer paused and resumed, and a stop in the middle of a
// run that never ends. Its roles are threads of their own: this target also runs under
// ThreadSanitizer.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/events.h"
#include "messaging/core/live_run.h"
#include "messaging/core/replay.h"
#include "messaging/core/scenario.h"

#include "workbench/core/event_contract.h"
#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

using namespace wb::messaging;
using wb::messaging::test::freshTempDir;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t oddCount(std::uint64_t count, std::uint64_t seed)
{
    std::uint64_t odd = 0;
    for (int n : oddEvenIntegers(count, seed))
        odd += static_cast<std::uint64_t>(n % 2);
    return odd;
}

// `count` integers as fast as the roles take them, one consumer on each queue.
LiveConfig quickRun(std::uint64_t count, std::uint64_t seed)
{
    LiveConfig c;
    c.count = count;
    c.seed = seed;
    c.rate = 1000;
    c.consumers = {{"odds", 0}, {"evens", 0}};
    return c;
}

// Waits (polling, as the views do) until `done` holds or `ms` pass.
template <class F> bool waitFor(F done, int ms = 20000)
{
    const auto end = Clock::now() + milliseconds(ms);
    while (!done()) {
        if (Clock::now() > end)
            return false;
        std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
}

MessagingState replayed(const wb::Trace &trace)
{
    MessagingState s;
    for (std::size_t i = 0; i < trace.size(); ++i)
        applyMessagingEvent(s, trace[i]);
    return s;
}

const ConsumerStatus *statusOf(const std::vector<ConsumerStatus> &all, const std::string &tag)
{
    for (const auto &c : all)
        if (c.tag == tag)
            return &c;
    return nullptr;
}

std::uint64_t handled(const LiveRun &run)
{
    std::uint64_t n = 0;
    for (const auto &c : run.consumers())
        n += c.handled;
    return n;
}

// A broker with a data folder of its own, so that durability is real.
class LiveRunTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        dir = freshTempDir("wb-messaging-live");
        trace.setLimit(200000);
        BrokerOptions o;
        o.dataDir = dir;
        o.trace = &trace;
        broker = std::make_unique<Broker>(o);
    }
    void TearDown() override
    {
        broker.reset();
        fs::remove_all(dir);
    }

    wb::Trace trace;
    fs::path dir;
    std::unique_ptr<Broker> broker;
};

} // namespace

TEST(LiveRunScenario, QueuesAndKeysFollowTheExchangeType)
{
    EXPECT_EQ(queuesFor(ExchangeType::Direct).size(), 2u);
    EXPECT_EQ(queuesFor(ExchangeType::Topic).size(), 3u);
    EXPECT_EQ(queuesFor(ExchangeType::Topic)[2].bindingKey, "*.small");
    EXPECT_EQ(routingKeyFor(ExchangeType::Direct, 7), "odd");
    EXPECT_EQ(routingKeyFor(ExchangeType::Topic, 8), "even.small");
    EXPECT_EQ(routingKeyFor(ExchangeType::Topic, 51), "odd.large");
    EXPECT_TRUE(headersFor(ExchangeType::Direct, 3).empty());
    EXPECT_EQ(headersFor(ExchangeType::Headers, 60).size(), 2u);
}

TEST_F(LiveRunTest, OddEvenRunGivesExactCounts)
{
    LiveRun run(quickRun(40, 7), broker.get(), std::nullopt, trace);
    run.start();
    ASSERT_TRUE(waitFor([&] { return run.finished(); }));
    run.stop();
    EXPECT_EQ(run.lastError(), "");

    const std::uint64_t odd = oddCount(40, 7);
    ASSERT_GT(odd, 0u);
    EXPECT_EQ(run.published(), 40u);
    EXPECT_EQ(run.returned(), 0u);
    const auto consumers = run.consumers();
    ASSERT_EQ(consumers.size(), 2u);
    ASSERT_TRUE(statusOf(consumers, "odds-1"));
    ASSERT_TRUE(statusOf(consumers, "evens-2"));
    EXPECT_EQ(statusOf(consumers, "odds-1")->handled, odd);
    EXPECT_EQ(statusOf(consumers, "evens-2")->handled, 40 - odd);
    EXPECT_EQ(statusOf(consumers, "odds-1")->queue, "odds");

    // The broker's own record says the same, and every event is one events.h declares.
    const MessagingState s = replayed(trace);
    EXPECT_EQ(s.totals.published, 40u);
    EXPECT_EQ(s.totals.routed, 40u);
    EXPECT_EQ(s.totals.acked, 40u);
    EXPECT_EQ(s.totals.redelivered, 0u);
    EXPECT_EQ(s.queues.at("odds").enqueued, odd);
    EXPECT_EQ(s.queues.at("evens").enqueued, 40 - odd);
    for (std::size_t i = 0; i < trace.size(); ++i)
        EXPECT_EQ(wb::contract::roundTripMismatch<events::BrokerEvents>(trace[i]), "")
            << trace[i].label;
    // Each integer went to the queue of its parity, in the seeded order.
    const auto integers = oddEvenIntegers(40, 7);
    std::size_t n = 0;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (const auto p = wb::as<events::Publish>(trace[i])) {
            ASSERT_LT(n, integers.size());
            EXPECT_EQ(p->body, std::to_string(integers[n]));
            EXPECT_EQ(p->routingKey, oddEvenKey(integers[n]));
            ++n;
        }
    EXPECT_EQ(n, 40u);
    for (const auto &q : broker->listQueues()) {
        EXPECT_EQ(q.ready, 0u) << q.name;
        EXPECT_EQ(q.unacked, 0u) << q.name;
    }
}

TEST_F(LiveRunTest, KilledConsumerDeliveriesGoToTheOtherConsumer)
{
    // odds-1 works for a minute on each integer and holds three (prefetch 3); odds-2 is fast.
    LiveConfig c = quickRun(20, 5);
    c.consumers = {{"odds", 60000}, {"odds", 0}, {"evens", 0}};
    c.prefetch = 3;
    ASSERT_GE(oddCount(20, 5), 6u);
    LiveRun run(c, broker.get(), std::nullopt, trace);
    run.start();
    ASSERT_TRUE(waitFor([&] {
        const MessagingState s = replayed(trace);
        const ConsumerView *odds1 = s.consumer("odds-1");
        return s.totals.published == 20 && odds1 && odds1->holding.size() == 3;
    }));
    const std::vector<std::uint64_t> held = replayed(trace).consumer("odds-1")->holding;
    ASSERT_TRUE(run.killConsumer("odds-1"));
    EXPECT_FALSE(run.killConsumer("odds-1")); // already on its way out
    EXPECT_FALSE(run.removeConsumer("odds-1"));
    ASSERT_TRUE(waitFor([&] { return run.finished(); }));
    run.stop();
    EXPECT_EQ(run.lastError(), "");

    const MessagingState s = replayed(trace);
    EXPECT_EQ(s.totals.requeued, 3u);
    EXPECT_EQ(s.totals.redelivered, 3u);
    EXPECT_EQ(s.totals.acked, 20u); // nothing lost
    const auto consumers = run.consumers();
    EXPECT_EQ(statusOf(consumers, "odds-1")->handled, 0u);
    EXPECT_TRUE(statusOf(consumers, "odds-1")->killed);
    EXPECT_EQ(handled(run), 20u);
    // The requeued messages are the ones odds-1 held, and odds-2 had them redelivered.
    std::vector<std::uint64_t> requeued, redelivered;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        if (const auto r = wb::as<events::Requeue>(trace[i]))
            requeued.push_back(r->msg);
        if (const auto d = wb::as<events::Deliver>(trace[i]); d && d->redelivered) {
            EXPECT_EQ(d->consumer, "odds-2");
            redelivered.push_back(d->msg);
        }
    }
    auto expected = held;
    std::sort(expected.begin(), expected.end());
    std::sort(requeued.begin(), requeued.end());
    std::sort(redelivered.begin(), redelivered.end());
    EXPECT_EQ(requeued, expected);
    EXPECT_EQ(redelivered, expected);
}

TEST_F(LiveRunTest, DurableRunSurvivesABrokerRestart)
{
    // The broker crashes after the 12th publish; every role reconnects and declares again,
    // and the durable queues keep the persistent messages: every integer is handled once.
    LiveConfig c = quickRun(30, 11);
    c.restartBrokerAfter = 12;
    LiveRun run(c, broker.get(), std::nullopt, trace);
    run.start();
    ASSERT_TRUE(waitFor([&] { return run.finished(); }));
    run.stop();

    const MessagingState s = replayed(trace);
    EXPECT_EQ(s.restarts, 1u);
    EXPECT_GE(run.published(), 29u); // a publish on the dying connection may be lost
    EXPECT_LE(run.published(), 30u);
    EXPECT_EQ(handled(run), run.published());
    EXPECT_EQ(s.totals.unroutable, 0u);
    EXPECT_TRUE(trace.findNext(std::string(events::Recover::kind), 0));
    for (const auto &q : broker->listQueues()) {
        EXPECT_EQ(q.ready, 0u) << q.name;
        EXPECT_EQ(q.unacked, 0u) << q.name;
    }
    // The restart can be asked for from outside too, and only with an embedded broker.
    wb::Trace other;
    LiveRun remote(quickRun(1, 1), nullptr, BrokerUrl::parse("amqp://127.0.0.1:1/"), other);
    EXPECT_FALSE(remote.restartBroker());
}

TEST_F(LiveRunTest, PausedProducerPublishesNothingUntilResumed)
{
    LiveConfig c = quickRun(10, 3);
    c.rate = 0;
    LiveRun run(c, broker.get(), std::nullopt, trace);
    run.start();
    ASSERT_TRUE(waitFor([&] {
        const auto cs = run.consumers();
        return cs.size() == 2 && std::all_of(cs.begin(), cs.end(),
                                             [](const ConsumerStatus &s) { return s.connected; });
    }));
    std::this_thread::sleep_for(milliseconds(150));
    EXPECT_EQ(run.published(), 0u);
    EXPECT_FALSE(run.finished());
    run.setRate(1000);
    ASSERT_TRUE(waitFor([&] { return run.finished(); }));
    run.stop();
    EXPECT_EQ(run.published(), 10u);
    EXPECT_EQ(handled(run), 10u);
}

TEST_F(LiveRunTest, StopInTheMiddleIsPromptAndLosesNothing)
{
    // No count and slow consumers: the run never ends by itself.
    LiveConfig c = quickRun(0, 9);
    c.rate = 200;
    c.consumers = {{"odds", 1500}, {"evens", 1500}};
    LiveRun run(c, broker.get(), std::nullopt, trace);
    run.start();
    ASSERT_TRUE(waitFor([&] { return run.published() >= 20; }));
    // A consumer added while it runs gets the next tag and starts consuming.
    EXPECT_EQ(run.addConsumer({"evens", 0}), "evens-3");
    ASSERT_TRUE(waitFor([&] {
        const auto cs = run.consumers();
        const auto *added = statusOf(cs, "evens-3");
        return added && added->connected;
    }));
    EXPECT_TRUE(run.removeConsumer("evens-3"));
    const auto before = Clock::now();
    run.stop();
    EXPECT_LT(Clock::now() - before, milliseconds(1500)); // nobody finishes its 1.5 s of work
    EXPECT_TRUE(run.threadsDone());
    EXPECT_TRUE(run.finished());
    EXPECT_EQ(run.lastError(), "");

    // Every integer published is acked or waiting in its queue, never lost: what the broker
    // had sent a consumer that it had not taken yet goes back when its connection closes.
    const MessagingState s = replayed(trace);
    EXPECT_EQ(s.totals.published, run.published());
    std::uint64_t waiting = 0, unacked = 0;
    for (const auto &q : broker->listQueues()) {
        waiting += q.ready;
        unacked += q.unacked;
    }
    EXPECT_EQ(unacked, 0u); // every role has closed its connection
    EXPECT_EQ(waiting + s.totals.acked, run.published());
    EXPECT_TRUE(s.consumers.empty());
}
