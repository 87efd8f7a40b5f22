// The embedded broker's AMQP semantics, through the client API.
#include "support.h"

#include "messaging/core/broker.h"
#include "messaging/core/events.h"
#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace wb::messaging;
using namespace wb::messaging::test;

namespace {

class MessagingBroker : public ::testing::Test
{
protected:
    void SetUp() override
    {
        conn = broker.connect("test");
        ch = conn->openChannel();
    }

    // Declares `integers` (direct) with odds/evens bound by odd/even, as the tutorial.
    void declareOddEven(Channel &c)
    {
        c.exchangeDeclare("integers", ExchangeType::Direct, durableExchange());
        c.queueDeclare("odds", queueFlags(true));
        c.queueDeclare("evens", queueFlags(true));
        c.queueBind("odds", "integers", "odd");
        c.queueBind("evens", "integers", "even");
    }

    std::vector<std::string> drain(Channel &c, const std::string &queue)
    {
        std::vector<std::string> bodies;
        while (auto d = c.basicGet(queue, true))
            bodies.push_back(d->message.body);
        return bodies;
    }

    QueueInfo queueRow(const std::string &name)
    {
        for (const auto &q : broker.listQueues())
            if (q.name == name)
                return q;
        ADD_FAILURE() << "no queue " << name;
        return {};
    }

    wb::Trace trace;
    Broker broker{BrokerOptions{{}, &trace}};
    std::unique_ptr<Connection> conn;
    std::unique_ptr<Channel> ch;
};

TEST_F(MessagingBroker, DefaultExchangeRoutesByQueueName)
{
    ch->queueDeclare("work", queueFlags(false));
    ch->basicPublish("", "work", textMessage("a"));
    ch->basicPublish("", "nowhere", textMessage("b"));
    EXPECT_EQ(drain(*ch, "work"), std::vector<std::string>{"a"});
    EXPECT_EQ(broker.stats().unroutable, 1u);
}

TEST_F(MessagingBroker, DirectExchangeSplitsOddAndEven)
{
    declareOddEven(*ch);
    for (int n : {14, 47, 6, 83})
        ch->basicPublish("integers", n % 2 ? "odd" : "even", textMessage(std::to_string(n)));
    EXPECT_EQ(drain(*ch, "odds"), (std::vector<std::string>{"47", "83"}));
    EXPECT_EQ(drain(*ch, "evens"), (std::vector<std::string>{"14", "6"}));
}

TEST_F(MessagingBroker, FanoutCopiesToEveryBoundQueueOnce)
{
    ch->exchangeDeclare("all", ExchangeType::Fanout);
    ch->queueDeclare("a");
    ch->queueDeclare("b");
    ch->queueBind("a", "all", "");
    ch->queueBind("b", "all", "x");
    ch->queueBind("b", "all", "y"); // two bindings, still one copy
    ch->basicPublish("all", "whatever", textMessage("m"));
    EXPECT_EQ(drain(*ch, "a").size(), 1u);
    EXPECT_EQ(drain(*ch, "b").size(), 1u);
}

TEST_F(MessagingBroker, TopicAndHeadersExchangesRoute)
{
    ch->exchangeDeclare("nova", ExchangeType::Topic);
    ch->queueDeclare("compute");
    ch->queueDeclare("everything");
    ch->queueBind("compute", "nova", "compute.*");
    ch->queueBind("everything", "nova", "#");
    ch->basicPublish("nova", "compute.host1", textMessage("1"));
    ch->basicPublish("nova", "scheduler", textMessage("2"));
    EXPECT_EQ(drain(*ch, "compute"), std::vector<std::string>{"1"});
    EXPECT_EQ(drain(*ch, "everything"), (std::vector<std::string>{"1", "2"}));

    ch->exchangeDeclare("match", ExchangeType::Headers);
    ch->queueDeclare("pdf");
    ch->queueBind("pdf", "match", "",
                  {{"x-match", std::string("any")}, {"format", std::string("pdf")}});
    auto m = textMessage("doc");
    m.properties.headers["format"] = std::string("pdf");
    ch->basicPublish("match", "", m);
    ch->basicPublish("match", "", textMessage("plain"));
    EXPECT_EQ(drain(*ch, "pdf"), std::vector<std::string>{"doc"});
}

TEST_F(MessagingBroker, PropertiesTravelUnchanged)
{
    ch->queueDeclare("q");
    Message m = textMessage("body", 2);
    m.properties.messageId = "id-1";
    m.properties.timestamp = 1700000000;
    m.properties.headers = {{"a", std::int64_t{5}}, {"b", true}};
    m.properties.correlationId = "corr";
    m.properties.replyTo = "reply";
    ch->basicPublish("", "q", m);
    auto d = ch->basicGet("q", true);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message, m);
    EXPECT_EQ(d->routingKey, "q");
    EXPECT_EQ(d->exchange, "");
}

TEST_F(MessagingBroker, UnroutableIsDroppedUnlessMandatory)
{
    declareOddEven(*ch);
    ch->basicPublish("integers", "prime", textMessage("7"));
    EXPECT_TRUE(ch->takeReturned().empty());
    ch->basicPublish("integers", "prime", textMessage("11"), true);
    const auto returned = ch->takeReturned();
    ASSERT_EQ(returned.size(), 1u);
    EXPECT_EQ(returned[0].replyCode, NoRoute);
    EXPECT_EQ(returned[0].routingKey, "prime");
    EXPECT_EQ(returned[0].message.body, "11");
    EXPECT_EQ(broker.stats().unroutable, 2u);
    EXPECT_EQ(broker.stats().returned, 1u);
    EXPECT_EQ(queueRow("odds").ready + queueRow("evens").ready, 0u);
}

TEST_F(MessagingBroker, PublishBeforeAnyQueueIsBoundLosesTheMessage)
{
    ch->exchangeDeclare("integers", ExchangeType::Direct, durableExchange());
    ch->basicPublish("integers", "odd", textMessage("1"));
    ch->queueDeclare("odds", queueFlags(true));
    ch->queueBind("odds", "integers", "odd");
    EXPECT_FALSE(ch->basicGet("odds"));
}

TEST_F(MessagingBroker, ConfirmsNumberEveryPublish)
{
    declareOddEven(*ch);
    EXPECT_EQ(ch->basicPublish("integers", "odd", textMessage("1")), 0u); // not in confirm mode
    ch->confirmSelect();
    EXPECT_EQ(ch->basicPublish("integers", "odd", textMessage("3")), 1u);
    EXPECT_EQ(ch->basicPublish("integers", "nothing", textMessage("5"), true), 2u);
    EXPECT_EQ(ch->basicPublish("integers", "even", textMessage("2")), 3u);
    EXPECT_TRUE(ch->waitForConfirms(kWait));
    std::vector<std::uint64_t> seqs;
    for (std::size_t i = 0; i < trace.size(); ++i)
        if (auto c = wb::as<events::Confirm>(trace[i]))
            seqs.push_back(c->seq);
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(MessagingBroker, MissingExchangeIs404AndClosesTheChannel)
{
    try {
        ch->basicPublish("integers", "odd", textMessage("1"));
        FAIL() << "publish to a missing exchange succeeded";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound);
        EXPECT_EQ(e.replyText(), "no exchange 'integers' in vhost '/'");
    }
    EXPECT_FALSE(ch->isOpen());
    try {
        ch->queueDeclare("q");
        FAIL() << "a closed channel accepted a method";
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), ChannelErrorCode);
    }
    // The connection survives a channel error.
    auto other = conn->openChannel();
    EXPECT_NO_THROW(other->queueDeclare("q"));
}

TEST_F(MessagingBroker, PassiveDeclareOfMissingObjectsIs404)
{
    ExchangeFlags passive;
    passive.passive = true;
    try {
        ch->exchangeDeclare("nope", ExchangeType::Direct, passive);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound);
    }
    auto ch2 = conn->openChannel();
    QueueFlags qp;
    qp.passive = true;
    try {
        ch2->queueDeclare("nope", qp);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotFound);
    }
    auto ch3 = conn->openChannel();
    EXPECT_THROW(ch3->queueBind("nope", "amq.direct", "k"), AmqpError);
}

TEST_F(MessagingBroker, RedeclareWithSameFlagsChangesNothing)
{
    declareOddEven(*ch);
    ch->basicPublish("integers", "odd", textMessage("1"));
    declareOddEven(*ch);
    EXPECT_EQ(queueRow("odds").ready, 1u);
    EXPECT_EQ(broker.listBindings().size(), 4u); // two default + two direct
}

TEST_F(MessagingBroker, RedeclareWithDifferentFlagsIs406)
{
    declareOddEven(*ch);
    try {
        ch->exchangeDeclare("integers", ExchangeType::Fanout, durableExchange());
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
        EXPECT_NE(e.replyText().find("inequivalent arg 'type'"), std::string::npos);
    }
    EXPECT_FALSE(ch->isOpen());
    auto ch2 = conn->openChannel();
    try {
        ch2->queueDeclare("odds", queueFlags(false));
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
        EXPECT_EQ(e.replyText(), "inequivalent arg 'durable' for queue 'odds' in vhost '/': "
                                 "received 'false' but current is 'true'");
    }
}

TEST_F(MessagingBroker, ReservedNamesAreRefused)
{
    try {
        ch->exchangeDeclare("amq.mine", ExchangeType::Direct);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), AccessRefused);
    }
    auto ch2 = conn->openChannel();
    EXPECT_THROW(ch2->queueBind("x", "", "x"), AmqpError);
}

TEST_F(MessagingBroker, ServerNamedQueue)
{
    const auto ok = ch->queueDeclare("", queueFlags(false, true));
    EXPECT_EQ(ok.queue.rfind("amq.gen-", 0), 0u);
    ch->basicPublish("", ok.queue, textMessage("x"));
    EXPECT_EQ(drain(*ch, ok.queue).size(), 1u);
}

TEST_F(MessagingBroker, ConsumersOfOneQueueTakeTurns)
{
    ch->queueDeclare("work");
    auto ch2 = conn->openChannel();
    const auto a = ch->basicConsume("work", "a", true);
    const auto b = ch2->basicConsume("work", "b", true);
    for (int i = 0; i < 6; ++i)
        ch->basicPublish("", "work", textMessage(std::to_string(i)));
    std::vector<std::string> gotA, gotB;
    while (auto d = ch->nextDelivery(kNoWait)) {
        EXPECT_EQ(d->consumerTag, a);
        gotA.push_back(d->message.body);
    }
    while (auto d = ch2->nextDelivery(kNoWait)) {
        EXPECT_EQ(d->consumerTag, b);
        gotB.push_back(d->message.body);
    }
    EXPECT_EQ(gotA, (std::vector<std::string>{"0", "2", "4"}));
    EXPECT_EQ(gotB, (std::vector<std::string>{"1", "3", "5"}));
}

TEST_F(MessagingBroker, GeneratedConsumerTagsAndReuseIs530)
{
    ch->queueDeclare("q");
    const auto tag = ch->basicConsume("q");
    EXPECT_EQ(tag.rfind("amq.ctag-", 0), 0u);
    try {
        ch->basicConsume("q", tag);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), NotAllowed);
    }
}

TEST_F(MessagingBroker, PrefetchLimitsUnackedDeliveries)
{
    ch->queueDeclare("work");
    ch->basicQos(2);
    ch->basicConsume("work", "c");
    for (int i = 0; i < 5; ++i)
        ch->basicPublish("", "work", textMessage(std::to_string(i)));
    auto d1 = ch->nextDelivery(kNoWait);
    auto d2 = ch->nextDelivery(kNoWait);
    ASSERT_TRUE(d1 && d2);
    EXPECT_FALSE(ch->nextDelivery(kNoWait)); // two outstanding: the limit
    EXPECT_EQ(queueRow("work").ready, 3u);
    EXPECT_EQ(queueRow("work").unacked, 2u);
    ch->basicAck(d1->deliveryTag);
    auto d3 = ch->nextDelivery(kNoWait);
    ASSERT_TRUE(d3);
    EXPECT_EQ(d3->message.body, "2");
    EXPECT_FALSE(ch->nextDelivery(kNoWait));
    ch->basicAck(d3->deliveryTag, true);     // multiple: d2 and d3
    EXPECT_EQ(queueRow("work").unacked, 2u); // "3" and "4" arrived
    ch->basicQos(0);
}

TEST_F(MessagingBroker, PrefetchOneVersusRoundRobin)
{
    // With prefetch 1 a busy consumer (not acking) gets nothing more; the other gets the rest.
    ch->queueDeclare("work");
    auto slow = conn->openChannel();
    slow->basicQos(1);
    ch->basicQos(1);
    slow->basicConsume("work", "slow");
    ch->basicConsume("work", "fast");
    for (int i = 0; i < 4; ++i)
        ch->basicPublish("", "work", textMessage(std::to_string(i)));
    int fast = 0;
    while (auto d = ch->nextDelivery(kNoWait)) {
        ++fast;
        ch->basicAck(d->deliveryTag);
    }
    int slowCount = 0;
    while (slow->nextDelivery(kNoWait))
        ++slowCount;
    EXPECT_EQ(slowCount, 1);
    EXPECT_EQ(fast, 3);
}

TEST_F(MessagingBroker, NackAndRejectRequeueOrDrop)
{
    ch->queueDeclare("q");
    for (const char *b : {"a", "b", "c"})
        ch->basicPublish("", "q", textMessage(b));
    auto a = ch->basicGet("q");
    auto b = ch->basicGet("q");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->messageCount, 2u);
    EXPECT_FALSE(a->redelivered);
    ch->basicNack(b->deliveryTag, true, true); // a and b back, in order, at the front
    auto again = ch->basicGet("q");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->message.body, "a");
    EXPECT_TRUE(again->redelivered);
    EXPECT_GT(again->deliveryTag, b->deliveryTag);
    ch->basicReject(again->deliveryTag, false); // dropped
    EXPECT_EQ(drain(*ch, "q"), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(broker.stats().requeued, 2u);
    EXPECT_EQ(broker.stats().dropped, 1u);
}

TEST_F(MessagingBroker, UnknownDeliveryTagIs406)
{
    ch->queueDeclare("q");
    ch->basicPublish("", "q", textMessage("a"));
    auto d = ch->basicGet("q");
    ASSERT_TRUE(d);
    ch->basicAck(d->deliveryTag);
    try {
        ch->basicAck(d->deliveryTag); // twice
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
        EXPECT_EQ(e.replyText(), "unknown delivery tag 1");
    }
}

TEST_F(MessagingBroker, ClosedChannelRequeuesUnackedAsRedelivered)
{
    ch->queueDeclare("odds");
    for (const char *b : {"1", "3", "5"})
        ch->basicPublish("", "odds", textMessage(b));
    auto killed = conn->openChannel();
    killed->basicConsume("odds", "consumer");
    auto first = killed->nextDelivery(kNoWait);
    ASSERT_TRUE(first);
    killed->basicAck(first->deliveryTag);
    killed->close(); // "3" and "5" delivered, never acked
    EXPECT_EQ(queueRow("odds").ready, 2u);
    EXPECT_EQ(queueRow("odds").unacked, 0u);

    ch->basicConsume("odds", "consumer");
    std::vector<std::string> bodies;
    while (auto d = ch->nextDelivery(kNoWait)) {
        EXPECT_TRUE(d->redelivered);
        bodies.push_back(d->message.body);
        ch->basicAck(d->deliveryTag);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"3", "5"}));
}

TEST_F(MessagingBroker, AutoAckDeliveriesDieWithTheirChannel)
{
    ch->queueDeclare("odds");
    auto killed = conn->openChannel();
    killed->basicConsume("odds", "consumer", true);
    ch->basicPublish("", "odds", textMessage("7"));
    killed.reset(); // the process died before reading it
    EXPECT_EQ(queueRow("odds").ready, 0u);
    EXPECT_EQ(broker.stats().dropped, 1u);
}

TEST_F(MessagingBroker, CancelStopsDeliveriesButKeepsUnacked)
{
    ch->queueDeclare("q");
    ch->basicConsume("q", "c");
    ch->basicPublish("", "q", textMessage("a"));
    ch->basicCancel("c");
    ch->basicPublish("", "q", textMessage("b"));
    auto d = ch->nextDelivery(kNoWait);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->message.body, "a");
    EXPECT_FALSE(ch->nextDelivery(kNoWait));
    ch->basicAck(d->deliveryTag);
    EXPECT_EQ(queueRow("q").ready, 1u);
    EXPECT_EQ(queueRow("q").consumers, 0u);
}

TEST_F(MessagingBroker, AutoDeleteQueueGoesWithItsLastConsumer)
{
    ch->queueDeclare("temp", queueFlags(false, false, true));
    ch->basicConsume("temp", "c1");
    ch->basicConsume("temp", "c2");
    ch->basicCancel("c1");
    EXPECT_EQ(broker.listQueues().size(), 1u);
    ch->basicCancel("c2");
    EXPECT_TRUE(broker.listQueues().empty());
}

TEST_F(MessagingBroker, ExclusiveQueueBelongsToItsConnection)
{
    ch->queueDeclare("mine", queueFlags(false, true));
    auto other = broker.connect("other");
    auto och = other->openChannel();
    try {
        och->basicConsume("mine");
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), ResourceLocked);
    }
    conn->close();
    EXPECT_TRUE(broker.listQueues().empty());
}

TEST_F(MessagingBroker, PurgeAndDeleteReportCounts)
{
    declareOddEven(*ch);
    for (int n = 1; n <= 5; ++n)
        ch->basicPublish("integers", n % 2 ? "odd" : "even", textMessage(std::to_string(n)));
    EXPECT_EQ(ch->queuePurge("odds"), 3u);
    EXPECT_EQ(ch->queueDelete("evens"), 2u);
    EXPECT_EQ(ch->queueDelete("evens"), 0u); // already gone: not an error
    ch->basicPublish("integers", "even", textMessage("2"));
    EXPECT_EQ(broker.stats().unroutable, 1u);
}

TEST_F(MessagingBroker, DeleteIfUnusedAndIfEmpty)
{
    declareOddEven(*ch);
    try {
        ch->exchangeDelete("integers", true);
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), PreconditionFailed);
    }
    auto ch2 = conn->openChannel();
    ch2->basicPublish("integers", "odd", textMessage("1"));
    EXPECT_THROW(ch2->queueDelete("odds", false, true), AmqpError);
    auto ch3 = conn->openChannel();
    ch3->exchangeDelete("integers");
    const auto ex = broker.listExchanges();
    EXPECT_TRUE(std::none_of(ex.begin(), ex.end(), [](auto &e) { return e.name == "integers"; }));
    EXPECT_EQ(broker.listBindings().size(), 2u); // only the default exchange's
}

TEST_F(MessagingBroker, ListsLookLikeRabbitmqctl)
{
    declareOddEven(*ch);
    std::map<std::string, ExchangeType> exchanges;
    for (const auto &e : broker.listExchanges())
        exchanges[e.name] = e.type;
    EXPECT_EQ(exchanges.at(""), ExchangeType::Direct);
    EXPECT_EQ(exchanges.at("amq.direct"), ExchangeType::Direct);
    EXPECT_EQ(exchanges.at("amq.fanout"), ExchangeType::Fanout);
    EXPECT_EQ(exchanges.at("amq.topic"), ExchangeType::Topic);
    EXPECT_EQ(exchanges.at("amq.headers"), ExchangeType::Headers);
    EXPECT_EQ(exchanges.at("amq.match"), ExchangeType::Headers);
    EXPECT_EQ(exchanges.at("integers"), ExchangeType::Direct);

    for (int n : {1, 3, 5, 2, 4, 6, 8})
        ch->basicPublish("integers", n % 2 ? "odd" : "even", textMessage(std::to_string(n)));
    auto d = ch->basicGet("evens");
    ASSERT_TRUE(d);
    EXPECT_EQ(queueRow("evens").ready, 3u);
    EXPECT_EQ(queueRow("evens").unacked, 1u);
    EXPECT_EQ(queueRow("odds").ready, 3u);
    const auto bindings = broker.listBindings();
    EXPECT_TRUE(std::any_of(bindings.begin(), bindings.end(), [](const BindingInfo &b) {
        return b.source == "integers" && b.destination == "odds" && b.routingKey == "odd";
    }));
    EXPECT_TRUE(std::any_of(bindings.begin(), bindings.end(), [](const BindingInfo &b) {
        return b.source.empty() && b.destination == "evens" && b.routingKey == "evens";
    }));
}

TEST_F(MessagingBroker, TraceFollowsOneMessageFromPublishToAck)
{
    declareOddEven(*ch);
    ch->basicConsume("odds", "consumer");
    ch->basicPublish("integers", "odd", textMessage("47"));
    auto d = ch->nextDelivery(kNoWait);
    ASSERT_TRUE(d);
    ch->basicAck(d->deliveryTag);

    const auto publish = trace.findNext("publish", 0);
    ASSERT_TRUE(publish);
    const auto msg = wb::as<events::Publish>(trace[*publish])->msg;
    std::vector<std::string> kinds;
    for (std::size_t i = *publish; i < trace.size(); ++i)
        events::BrokerEvents::visit(trace[i], [&](const auto &e) {
            if constexpr (requires { e.msg; })
                if (e.msg == msg)
                    kinds.push_back(trace[i].kind);
        });
    EXPECT_EQ(kinds, (std::vector<std::string>{"publish", "route", "enqueue", "deliver", "ack"}));
    const auto route = wb::as<events::Route>(trace[*trace.findNext("route", *publish)]);
    EXPECT_EQ(route->queue, "odds");
    EXPECT_EQ(route->bindingKey, "odd");
    const auto &deliverEvent = trace[*trace.findNext("deliver", *publish)];
    EXPECT_EQ(wb::as<events::Deliver>(deliverEvent)->consumer, "consumer");
    EXPECT_EQ(deliverEvent.where.fileName(), "broker.cpp");
}

TEST_F(MessagingBroker, NoTraceGivesTheSameOutcome)
{
    Broker quiet;
    auto qc = quiet.connect();
    auto qch = qc->openChannel();
    declareOddEven(*ch);
    declareOddEven(*qch);
    for (int n = 1; n <= 20; ++n) {
        ch->basicPublish("integers", n % 3 ? "odd" : "even", textMessage(std::to_string(n)));
        qch->basicPublish("integers", n % 3 ? "odd" : "even", textMessage(std::to_string(n)));
    }
    EXPECT_EQ(drain(*ch, "odds"), drain(*qch, "odds"));
    EXPECT_EQ(drain(*ch, "evens"), drain(*qch, "evens"));
    EXPECT_FALSE(trace.empty());
}

TEST_F(MessagingBroker, RestartWithoutDataKeepsOnlyPredeclaredExchanges)
{
    declareOddEven(*ch);
    ch->basicPublish("integers", "odd", textMessage("1", 2));
    broker.restart();
    EXPECT_TRUE(broker.listQueues().empty());
    try {
        ch->queueDeclare("x");
        FAIL();
    } catch (const AmqpError &e) {
        EXPECT_EQ(e.code(), ConnectionForced);
        EXPECT_TRUE(e.connectionLevel());
    }
    EXPECT_FALSE(conn->isOpen());
}

} // namespace
