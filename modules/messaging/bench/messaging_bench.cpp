// The embedded broker's throughput, in process: publish -> route -> enqueue -> deliver -> ack.
#include "messaging/core/broker.h"
#include "messaging/core/routing.h"

#include <benchmark/benchmark.h>

#include <filesystem>

using namespace wb::messaging;

namespace {

struct OddEven
{
    Broker broker;
    std::unique_ptr<Connection> conn = broker.connect("bench");
    std::unique_ptr<Channel> producer = conn->openChannel();
    std::unique_ptr<Channel> consumer = conn->openChannel();
    Message odd, even;

    explicit OddEven(std::uint16_t prefetch, BrokerOptions options = {})
        : broker(std::move(options))
    {
        ExchangeFlags durable;
        durable.durable = true;
        QueueFlags queue;
        queue.durable = true;
        producer->exchangeDeclare("integers", ExchangeType::Direct, durable);
        for (auto [q, k] : {std::pair{"odds", "odd"}, std::pair{"evens", "even"}}) {
            producer->queueDeclare(q, queue);
            producer->queueBind(q, "integers", k);
        }
        consumer->basicQos(prefetch);
        consumer->basicConsume("odds", "odd-consumer");
        consumer->basicConsume("evens", "even-consumer");
        odd.body = "47";
        odd.properties.contentType = "text/plain";
        even = odd;
        even.body = "14";
    }
};

// One message at a time: publish, take the delivery, ack it.
void BM_PublishDeliverAck(benchmark::State &state)
{
    OddEven s(10);
    std::uint64_t i = 0;
    for (auto _ : state) {
        const bool isOdd = (++i & 1) != 0;
        s.producer->basicPublish("integers", isOdd ? "odd" : "even", isOdd ? s.odd : s.even);
        auto d = s.consumer->nextDelivery(std::chrono::milliseconds(0));
        s.consumer->basicAck(d->deliveryTag);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublishDeliverAck);

// A window of 100 in flight, acknowledged with one multiple ack.
void BM_PublishDeliverAckBatched(benchmark::State &state)
{
    const int batch = 100;
    OddEven s(static_cast<std::uint16_t>(batch));
    std::uint64_t i = 0;
    for (auto _ : state) {
        for (int k = 0; k < batch; ++k) {
            const bool isOdd = (++i & 1) != 0;
            s.producer->basicPublish("integers", isOdd ? "odd" : "even", isOdd ? s.odd : s.even);
        }
        std::uint64_t last = 0;
        for (int k = 0; k < batch; ++k)
            last = s.consumer->nextDelivery(std::chrono::milliseconds(0))->deliveryTag;
        s.consumer->basicAck(last, true);
    }
    state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_PublishDeliverAckBatched);

// Persistent messages in durable queues: every publish and ack is a journal record.
void BM_PublishDeliverAckPersistent(benchmark::State &state)
{
    const auto dir = std::filesystem::temp_directory_path() / "wb-messaging-bench";
    std::filesystem::remove_all(dir);
    {
        BrokerOptions o;
        o.dataDir = dir;
        OddEven s(10, o);
        s.odd.properties.deliveryMode = 2;
        s.even.properties.deliveryMode = 2;
        std::uint64_t i = 0;
        for (auto _ : state) {
            const bool isOdd = (++i & 1) != 0;
            s.producer->basicPublish("integers", isOdd ? "odd" : "even", isOdd ? s.odd : s.even);
            auto d = s.consumer->nextDelivery(std::chrono::milliseconds(0));
            s.consumer->basicAck(d->deliveryTag);
        }
        state.SetItemsProcessed(state.iterations());
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_PublishDeliverAckPersistent);

void BM_TopicMatch(benchmark::State &state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(topicMatches("compute.#.instance.*", "compute.a.b.instance.x"));
}
BENCHMARK(BM_TopicMatch);

} // namespace

BENCHMARK_MAIN();
