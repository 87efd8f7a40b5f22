// The messaging module's events as declared in events.h: every event the embedded broker
// records reads back as its declared struct and writes out again field for field, every
// declared kind is recorded by some run, replay reads them all, and the README's tables name
// the same fields.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/events.h"
#include "messaging/core/journal.h"
#include "messaging/core/replay.h"
#include "messaging/core/scenario.h"

#include "workbench/core/event_contract.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace wb::messaging;
using namespace wb::messaging::test;
namespace fs = std::filesystem;

namespace {

template <class Set> void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    EXPECT_EQ(wb::contract::roundTripMismatch<Set>(e), "") << e.label;
    seen.insert(e.kind);
}

// Every event round-trips, and replay takes the whole trace.
void checkTrace(const wb::Trace &trace, std::set<std::string> &seen)
{
    MessagingState state;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        expectRoundTrip<events::BrokerEvents>(trace[i], seen);
        EXPECT_NO_THROW(applyMessagingEvent(state, trace[i])) << trace[i].label;
    }
    RateSeries rates;
    EXPECT_NO_THROW(rates.update(trace));
}

class MessagingEvents : public ::testing::Test
{
protected:
    void SetUp() override { dir = freshTempDir("wb-messaging-events"); }
    void TearDown() override { fs::remove_all(dir); }

    fs::path dir;
};

// The client calls that between them make the broker record every kind it has.
void exerciseBroker(Broker &broker)
{
    auto conn = broker.connect("events");
    auto ch = conn->openChannel();
    ch->exchangeDeclare("integers", ExchangeType::Direct, durableExchange());
    ch->queueDeclare("odds", queueFlags(true));
    ch->queueDeclare("evens", queueFlags(true));
    ch->queueBind("odds", "integers", "odd");
    ch->queueBind("evens", "integers", "even");
    ch->basicPublish("integers", "odd", textMessage("1", 2));     // route by binding
    ch->basicPublish("", "evens", textMessage("2"));              // the default exchange
    ch->basicPublish("integers", "none", textMessage("3"));       // unroutable, dropped
    ch->basicPublish("integers", "none", textMessage("5"), true); // unroutable, returned
    ch->confirmSelect();
    ch->basicPublish("integers", "odd", textMessage("7")); // confirmed
    ch->basicPublish("integers", "odd", textMessage("9"));
    ch->basicPublish("integers", "odd", textMessage("11"));

    auto consumer = conn->openChannel();
    consumer->basicQos(1);
    consumer->basicConsume("odds", "odd-consumer");
    auto d = consumer->nextDelivery(kWait);
    ASSERT_TRUE(d);
    consumer->basicNack(d->deliveryTag, false, true); // requeue
    d = consumer->nextDelivery(kWait);
    ASSERT_TRUE(d);
    consumer->basicAck(d->deliveryTag);
    d = consumer->nextDelivery(kWait);
    ASSERT_TRUE(d);
    consumer->basicReject(d->deliveryTag, false); // drop, with the queue's depth
    consumer->basicCancel("odd-consumer");

    ASSERT_TRUE(ch->basicGet("evens", true)); // deliver with consumer ""

    // An auto-ack delivery nobody took when its channel closes is lost (drop, with the channel).
    ch->basicPublish("", "evens", textMessage("4"));
    {
        auto doomed = conn->openChannel();
        doomed->basicConsume("evens", "doomed", true);
        doomed->close();
    }

    ch->basicPublish("", "odds", textMessage("13"));
    EXPECT_EQ(ch->queuePurge("odds"), 2u);
    ch->queueUnbind("evens", "integers", "even");
    ch->queueDelete("evens");
    ch->exchangeDelete("integers");
    try {
        ch->basicPublish("nowhere", "x", textMessage("0")); // error, then channel.close
    } catch (const AmqpError &) {
    }
    conn->close();
}

TEST_F(MessagingEvents, EveryRecordedEventRoundTrips)
{
    std::set<std::string> seen;
    {
        // The tutorial's scenario as it runs, threads and all.
        wb::Trace trace;
        Broker broker(BrokerOptions{.dataDir = {}, .trace = &trace});
        OddEvenOptions o;
        o.count = 20;
        const auto r =
            runOddEvenScenario([&](const std::string &c) { return broker.connect(c); }, o);
        EXPECT_EQ(r.odds + r.evens, 20u);
        checkTrace(trace, seen);
    }
    {
        // Every other method, on a broker that journals, then restarts (recover with counts).
        wb::Trace trace;
        Broker broker({.dataDir = dir, .trace = &trace});
        exerciseBroker(broker);
        broker.restart();
        checkTrace(trace, seen);
    }
    {
        // A journal that cannot be read: recover without counts.
        const fs::path unreadable = dir / "unreadable";
        fs::create_directories(unreadable / Journal::kFileName / "inside");
        wb::Trace trace;
        Broker broker({.dataDir = unreadable, .trace = &trace});
        EXPECT_FALSE(broker.journalError().empty());
        ASSERT_EQ(trace.size(), 1u);
        EXPECT_TRUE(trace[0].fields.empty());
        checkTrace(trace, seen);
    }
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::BrokerEvents>());
}

// What a view records about a broker it did not see start, written through the declared
// structs from the broker's own listings, reads back and replays as that broker.
TEST_F(MessagingEvents, WatcherEventsDescribeABroker)
{
    Broker broker;
    {
        auto conn = broker.connect();
        auto ch = conn->openChannel();
        ch->exchangeDeclare("integers", ExchangeType::Direct);
        ch->queueDeclare("odds", queueFlags(true));
        ch->queueBind("odds", "integers", "odd");
        ch->basicPublish("integers", "odd", textMessage("1"));
        ch->basicPublish("integers", "odd", textMessage("3"));
    }
    wb::Trace trace;
    wb::record(&trace, events::StateReset{}, "a broker seen from outside");
    for (const auto &x : broker.listExchanges())
        wb::record(&trace,
                   events::StateExchange{x.name, std::string(exchangeTypeName(x.type)), x.durable,
                                         x.autoDelete},
                   "exchange " + x.name);
    for (const auto &q : broker.listQueues())
        wb::record(
            &trace,
            events::StateQueue{q.name, q.durable, q.exclusive, q.autoDelete, q.ready, q.unacked},
            "queue " + q.name);
    for (const auto &b : broker.listBindings())
        if (!b.source.empty())
            wb::record(&trace, events::StateBinding{b.source, b.destination, b.routingKey},
                       "binding " + b.routingKey);
    wb::record(&trace, events::QueueDepth{"odds", 1}, "odds holds 1 ready");

    std::set<std::string> seen;
    MessagingState state;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        expectRoundTrip<events::WatcherEvents>(trace[i], seen);
        applyMessagingEvent(state, trace[i]);
    }
    EXPECT_EQ(seen, wb::contract::declaredKinds<events::WatcherEvents>());
    EXPECT_EQ(state.exchanges.at("integers").type, "direct");
    EXPECT_TRUE(state.queues.at("odds").durable);
    EXPECT_EQ(state.queues.at("odds").ready, 1u);
    EXPECT_EQ(state.queues.at("odds").waiting.size(), 1u);
    EXPECT_EQ(state.bindings, (std::vector<BindingView>{{"integers", "odds", "odd"}}));
}

// A client recording against RabbitMQ sees no channel numbers, delivery tags or queue depths:
// its events leave those optional fields out and still replay.
TEST(MessagingEventsClientSide, EventsWithoutBrokerOnlyFieldsReplay)
{
    wb::Trace trace;
    wb::record(&trace, events::ExchangeDeclare{.exchange = "integers", .type = "direct"}, "x");
    wb::record(&trace, events::QueueDeclare{.queue = "odds", .durable = true}, "q");
    wb::record(&trace, events::Bind{.exchange = "integers", .queue = "odds", .key = "odd"}, "b");
    wb::record(&trace, events::Consume{"odds", "odds-1", 1, false, 10}, "c", 2);
    wb::record(&trace,
               events::Publish{.msg = 1, .exchange = "integers", .routingKey = "odd", .body = "1"},
               "p", 1);
    wb::record(&trace, events::Deliver{.msg = 1, .queue = "odds", .consumer = "odds-1"}, "d", 2);
    wb::record(&trace, events::Ack{.msg = 1, .queue = "odds"}, "a", 2);
    const wb::Event &publish = trace[*trace.findNext("publish", 0)];
    EXPECT_EQ(publish.field("channel"), nullptr);
    EXPECT_EQ(trace[*trace.findNext("deliver", 0)].fields.size(), 5u);
    MessagingState state;
    for (std::size_t i = 0; i < trace.size(); ++i)
        applyMessagingEvent(state, trace[i]);
    EXPECT_EQ(state.totals.published, 1u);
    EXPECT_EQ(state.totals.acked, 1u);
    EXPECT_EQ(state.consumer("odds-1")->acked, 1u);
    EXPECT_TRUE(state.messages.empty());
}

TEST(MessagingEventsErrors, AMissingFieldIsAnErrorNotZero)
{
    wb::Trace trace;
    Broker broker(BrokerOptions{.dataDir = {}, .trace = &trace});
    auto conn = broker.connect();
    auto ch = conn->openChannel();
    ch->queueDeclare("odds");
    ch->basicPublish("", "odds", textMessage("1"));
    const auto enqueue = trace.findNext("enqueue", 0);
    ASSERT_TRUE(enqueue);
    wb::Event e = trace[*enqueue];
    std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "queue"; });
    MessagingState s;
    EXPECT_THROW(applyMessagingEvent(s, e), wb::EventFieldError);
    // A field of another type is as wrong as a missing one.
    e = trace[*enqueue];
    for (auto &f : e.fields)
        if (f.key == "ready")
            f.value = std::string("one");
    EXPECT_THROW(applyMessagingEvent(s, e), wb::EventFieldError);
}

TEST(MessagingEventsReadme, TheReadmeTablesMatchTheDeclarations)
{
    const auto tables = wb::contract::readEventTables(WB_MESSAGING_README);
    ASSERT_EQ(tables.size(), 2u) << "the README's two event tables";
    EXPECT_EQ(tables[0], wb::contract::declaredTable<events::BrokerEvents>());
    EXPECT_EQ(tables[1], wb::contract::declaredTable<events::WatcherEvents>());
}

} // namespace
