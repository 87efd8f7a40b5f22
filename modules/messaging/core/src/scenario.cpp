#include "messaging/core/scenario.h"

#include "messaging/core/tutorial.h"
#include "workbench/core/rng.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace wb::messaging {

std::vector<int> oddEvenIntegers(std::uint64_t count, std::uint64_t seed)
{
    wb::Rng rng(seed);
    std::vector<int> values;
    values.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i)
        values.push_back(static_cast<int>(rng.between(1, 100)));
    return values;
}

namespace {

struct Tally
{
    std::mutex mutex;
    std::map<std::string, int> seen; // message id -> times delivered
    std::uint64_t total = 0;
    std::uint64_t redelivered = 0;
    std::uint64_t misrouted = 0;
    std::string error;
};

// One consumer role: declares what it uses, prints, acks after printing.
class RoleThread
{
public:
    RoleThread(std::unique_ptr<Connection> conn, const std::string &queue, const std::string &key,
               const OddEvenOptions &o, Tally &tally, std::vector<std::string> &lines,
               std::uint64_t &count, std::uint64_t &purged)
        : m_conn(std::move(conn)), m_consumer(*m_conn, o.prefetch)
    {
        m_consumer.declareExchange("integers");
        m_consumer.declareQueue(queue, key);
        if (o.purgeFirst)
            purged = m_consumer.channel().queuePurge(queue);
        const bool wantOdd = key == "odd";
        m_consumer.startConsuming(
            [&, wantOdd, key](Channel &ch, const Delivery &d) {
                const int n = std::atoi(d.message.body.c_str());
                {
                    std::lock_guard lock(tally.mutex);
                    lines.push_back(key + " integer: " + d.message.body);
                    ++count;
                    ++tally.total;
                    ++tally.seen[d.message.properties.messageId];
                    if (d.redelivered)
                        ++tally.redelivered;
                    if ((n % 2 != 0) != wantOdd)
                        ++tally.misrouted;
                }
                ch.basicAck(d.deliveryTag);
            },
            {}, queue + "-1"); // as the views name them: odds-1, evens-1
        m_thread = std::thread([this, &tally] {
            try {
                m_consumer.wait();
            } catch (const std::exception &e) {
                std::lock_guard lock(tally.mutex);
                tally.error = e.what();
            }
        });
    }
    void finish()
    {
        m_consumer.stop();
        if (m_thread.joinable())
            m_thread.join();
        m_consumer.close();
        m_conn->close();
    }
    ~RoleThread() { finish(); }

private:
    std::unique_ptr<Connection> m_conn;
    Consumer m_consumer;
    std::thread m_thread;
};

} // namespace

OddEvenResult runOddEvenScenario(const ConnectionFactory &connect, const OddEvenOptions &o)
{
    OddEvenResult r;
    Tally tally;
    RoleThread odd(connect("consumer1"), "odds", "odd", o, tally, r.oddLines, r.odds,
                   r.purgedOdds);
    RoleThread even(connect("consumer2"), "evens", "even", o, tally, r.evenLines, r.evens,
                    r.purgedEvens);

    auto conn = connect("producer");
    Producer producer(*conn, "integers");
    const auto values = oddEvenIntegers(o.count, o.seed);
    for (std::size_t i = 0; i < values.size(); ++i) {
        producer.publish(std::to_string(values[i]), oddEvenKey(values[i]),
                         "int-" + std::to_string(i + 1));
        r.producerLines.push_back("integer: " + std::to_string(values[i]));
        ++r.published;
    }
    r.confirmed = producer.waitForConfirms(std::chrono::seconds(10));
    producer.close();
    conn->close();

    // Wait until every publish has been seen, or nothing arrives for `idle`.
    using Clock = std::chrono::steady_clock;
    std::uint64_t last = 0;
    auto lastProgress = Clock::now();
    for (;;) {
        std::uint64_t total;
        {
            std::lock_guard lock(tally.mutex);
            total = tally.total;
            if (!tally.error.empty())
                break;
        }
        if (total >= r.published)
            break;
        if (total != last) {
            last = total;
            lastProgress = Clock::now();
        } else if (Clock::now() - lastProgress > o.idle) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    odd.finish();
    even.finish();
    if (!tally.error.empty())
        throw std::runtime_error("a consumer failed: " + tally.error);

    r.misrouted = tally.misrouted;
    r.redelivered = tally.redelivered;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto it = tally.seen.find("int-" + std::to_string(i + 1));
        if (it == tally.seen.end())
            ++r.lost;
        else
            r.duplicates += static_cast<std::uint64_t>(it->second - 1);
    }
    return r;
}

} // namespace wb::messaging
