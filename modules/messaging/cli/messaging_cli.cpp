// `workbench-cli messaging ...`: the odd/even scenario, a producer, a consumer and the
// broker's tables, on the embedded broker or a RabbitMQ URL.
#include "messaging/core/broker.h"
#include "messaging/core/client.h"
#include "messaging/core/scenario.h"
#include "messaging/core/tutorial.h"
#include "workbench/core/cli.h"
#include "workbench/core/json.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace wb::messaging;
namespace cli = wb::cli;

const char *const kUsage =
    "Usage: workbench-cli messaging <command> [options]\n"
    "\n"
    "  demo --broker embedded|URL --count N --seed S [--prefetch P] [--json]\n"
    "      The odd/even scenario in one process: a producer of seeded integers 1..100 to\n"
    "      the direct exchange `integers` (keys odd/even), consumers on `odds` and `evens`.\n"
    "      --json: {\"published\", \"queues\": {\"odds\", \"evens\"}, \"misrouted\", \"lost\",\n"
    "      \"duplicates\", \"redelivered\", \"confirmed\", ...}. Exit 1 if anything was\n"
    "      misrouted, lost or duplicated.\n"
    "  produce --broker URL --exchange integers --count N [--seed S] [--rate R]\n"
    "          [--reconnect A]\n"
    "      Publish N integers (persistent, confirmed), printing `integer: K` for each. A\n"
    "      lost connection is reconnected (A attempts with backoff, 5 by default, 0 = fail)\n"
    "      and the unconfirmed messages are published again (they may arrive twice).\n"
    "  consume --broker URL --exchange integers --queue Q --key K [--prefetch P]\n"
    "          [--count N] [--idle-exit SECONDS] [--reconnect A]\n"
    "      Declare the exchange and queue, print `<key> integer: <body>` per message and\n"
    "      ack it; stop after N messages or SECONDS without one. A lost connection is\n"
    "      reconnected (A attempts with backoff, 5 by default, 0 = fail).\n"
    "  list-exchanges --broker embedded|URL [--data DIR] [--json]\n"
    "  list-queues --broker embedded|URL [--data DIR] [--json]\n"
    "      The broker's exchanges (name, type) or queues (name, ready, unacked). The\n"
    "      embedded broker lives inside one process: --data DIR shows what it keeps in DIR.\n"
    "\n"
    "URL: amqp://user:pass@host:port/vhost (amqps:// for TLS).\n"
    "Exit codes: 0 ok, 1 the demo lost, duplicated or misrouted messages, 2 bad usage,\n"
    "3 the broker could not be reached or failed.\n";

int usageError(cli::Invocation &inv, const std::string &message)
{
    inv.err << "workbench-cli messaging: " << message << '\n';
    return cli::Usage;
}

int failure(cli::Invocation &inv, const std::string &message)
{
    inv.err << "workbench-cli messaging: " << message << '\n';
    return cli::Failure;
}

// An option holding an integer in [lo, hi]; nullopt (and a message) when malformed.
std::optional<std::int64_t> intOption(cli::Invocation &inv, const cli::Options &opts,
                                      const char *name, std::int64_t fallback, std::int64_t lo,
                                      std::int64_t hi, bool required = false)
{
    const auto text = opts.value(name);
    if (!text) {
        if (required) {
            usageError(inv, std::string("give --") + name + ".");
            return std::nullopt;
        }
        return fallback;
    }
    const auto v = cli::parseInt(*text);
    if (!v || *v < lo || *v > hi) {
        usageError(inv, std::string("--") + name + " needs an integer from " +
                            std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
                            *text + "'.");
        return std::nullopt;
    }
    return v;
}

// --broker: "embedded" or a URL. For a URL, checks its syntax.
struct BrokerChoice
{
    bool embedded = true;
    BrokerUrl url;
};

std::optional<BrokerChoice> brokerOption(cli::Invocation &inv, const cli::Options &opts)
{
    const auto text = opts.value("broker");
    if (!text) {
        usageError(inv, "give --broker embedded or --broker amqp://user:pass@host:port/vhost.");
        return std::nullopt;
    }
    BrokerChoice choice;
    if (*text == "embedded")
        return choice;
    std::string error;
    auto url = BrokerUrl::parse(*text, &error);
    if (!url) {
        usageError(inv, error + ".");
        return std::nullopt;
    }
    choice.embedded = false;
    choice.url = *url;
    return choice;
}

bool parseOrComplain(cli::Invocation &inv, cli::Options &opts, const std::string &command,
                     const std::vector<std::string> &args, std::vector<std::string> values,
                     std::vector<std::string> flags)
{
    if (!opts.parse(args, std::move(values), std::move(flags))) {
        usageError(inv, command + ": " + opts.error() + "; see `workbench-cli messaging --help`.");
        return false;
    }
    if (!opts.positionals().empty()) {
        usageError(inv, command + ": unexpected argument '" + opts.positionals().front() + "'.");
        return false;
    }
    return true;
}

int runDemo(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!parseOrComplain(inv, opts, "demo", args, {"broker", "count", "seed", "prefetch"},
                         {"json"}))
        return cli::Usage;
    const auto broker = brokerOption(inv, opts);
    if (!broker)
        return cli::Usage;
    const auto count = intOption(inv, opts, "count", 10, 0, 10'000'000, true);
    if (!count)
        return cli::Usage;
    const auto seed = intOption(inv, opts, "seed", 1, 0, INT64_MAX);
    const auto prefetch = seed ? intOption(inv, opts, "prefetch", 10, 0, 65535) : std::nullopt;
    if (!seed || !prefetch)
        return cli::Usage;

    OddEvenOptions o;
    o.count = static_cast<std::uint64_t>(*count);
    o.seed = static_cast<std::uint64_t>(*seed);
    o.prefetch = static_cast<std::uint16_t>(*prefetch);
    std::unique_ptr<Broker> embedded;
    ConnectionFactory factory;
    if (broker->embedded) {
        embedded = std::make_unique<Broker>();
        factory = [&](const std::string &client) { return embedded->connect(client); };
    } else {
        factory = [&](const std::string &client) {
            ConnectOptions co;
            co.clientName = "workbench-" + client;
            return connectTo(broker->url, co);
        };
    }
    OddEvenResult r;
    try {
        r = runOddEvenScenario(factory, o);
    } catch (const std::exception &e) {
        return failure(inv, std::string("demo: ") + e.what());
    }
    const bool clean = r.misrouted == 0 && r.lost == 0 && r.duplicates == 0 && r.confirmed;
    if (opts.has("json")) {
        wb::JsonWriter j(inv.out);
        j.beginObject();
        j.key("broker").value(std::string_view(broker->embedded ? std::string("embedded") : broker->url.redacted()));

        j.key("seed").value(static_cast<std::uint64_t>(o.seed));
        j.key("published").value(r.published);
        j.key("queues").beginObject();
        j.key("odds").value(r.odds);
        j.key("evens").value(r.evens);
        j.endObject();
        j.key("misrouted").value(r.misrouted);
        j.key("lost").value(r.lost);
        j.key("duplicates").value(r.duplicates);
        j.key("redelivered").value(r.redelivered);
        j.key("confirmed").value(r.confirmed);
        j.key("first").beginArray();
        for (std::size_t i = 0; i < r.producerLines.size() && i < 10; ++i)
            j.value(static_cast<std::int64_t>(std::stoi(r.producerLines[i].substr(9))));
        j.endArray();
        j.endObject();
        inv.out << '\n';
    } else {
        // The three programs' output, as on the tutorial's three hosts (short runs only).
        if (r.published <= 50) {
            inv.out << "# producer\n";
            for (const auto &l : r.producerLines)
                inv.out << l << '\n';
            inv.out << "# consumer 1 (odds)\n";
            for (const auto &l : r.oddLines)
                inv.out << l << '\n';
            inv.out << "# consumer 2 (evens)\n";
            for (const auto &l : r.evenLines)
                inv.out << l << '\n';
        }
        inv.out << "published " << r.published << ": odds " << r.odds << ", evens " << r.evens
                << "; misrouted " << r.misrouted << ", lost " << r.lost << ", duplicates "
                << r.duplicates << (r.confirmed ? "; all confirmed" : "; NOT all confirmed")
                << '\n';
    }
    return clean ? cli::Ok : cli::Negative;
}

const char *const kEmbeddedIsInProcess =
    "the embedded broker lives inside one process, so separate producer and consumer "
    "processes cannot share it; run `workbench-cli messaging demo --broker embedded` or "
    "give --broker amqp://user:pass@host:port/vhost.";

std::unique_ptr<Connection> connectOrReport(cli::Invocation &inv, const BrokerUrl &url,
                                            const std::string &client)
{
    try {
        ConnectOptions co;
        co.clientName = client;
        return connectTo(url, co);
    } catch (const std::exception &e) {
        failure(inv, e.what());
        return nullptr;
    }
}

// Reconnects after a lost connection: `attempts` tries with backoff, each failure reported.
std::unique_ptr<Connection> reconnect(cli::Invocation &inv, const BrokerUrl &url,
                                      const std::string &client, int attempts)
{
    ConnectOptions co;
    co.clientName = client;
    RetryPolicy retry;
    retry.attempts = attempts;
    return connectWithRetry(url, co, retry,
                            [&](int attempt, const std::string &error,
                                std::chrono::milliseconds delay) {
                                inv.err << "workbench-cli messaging: attempt " << attempt << ": "
                                        << error << "; next in " << delay.count() << " ms\n";
                            });
}

// Why a connection ended, when it is worth reconnecting (the broker went away or closed the
// connection); nullopt for an error of the channel's own making.
std::optional<std::string> connectionLost(const std::exception &e)
{
    if (dynamic_cast<const ConnectionFailed *>(&e))
        return std::string(e.what());
    if (const auto *amqp = dynamic_cast<const AmqpError *>(&e); amqp && amqp->connectionLevel())
        return std::string(e.what());
    return std::nullopt;
}

int runProduce(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!parseOrComplain(inv, opts, "produce", args,
                         {"broker", "exchange", "count", "seed", "rate", "reconnect"}, {}))
        return cli::Usage;
    const auto broker = brokerOption(inv, opts);
    if (!broker)
        return cli::Usage;
    if (broker->embedded)
        return usageError(inv, std::string("produce: ") + kEmbeddedIsInProcess);
    const auto count = intOption(inv, opts, "count", 0, 0, 100'000'000, true);
    const auto seed = count ? intOption(inv, opts, "seed", 1, 0, INT64_MAX) : std::nullopt;
    const auto rate = seed ? intOption(inv, opts, "rate", 0, 0, 10'000'000) : std::nullopt;
    const auto attempts = rate ? intOption(inv, opts, "reconnect", 5, 0, 1000) : std::nullopt;
    if (!count || !seed || !rate || !attempts)
        return cli::Usage;
    const std::string exchange = opts.valueOr("exchange", "integers");
    auto conn = connectOrReport(inv, broker->url, "workbench-producer");
    if (!conn)
        return cli::Failure;
    const auto values =
        oddEvenIntegers(static_cast<std::uint64_t>(*count), static_cast<std::uint64_t>(*seed));
    // Confirms are awaited a window at a time: values[0, confirmed) are safe on the broker.
    // After a lost connection the open window is published again on a new one, so nothing
    // is lost, but a message the broker took without confirming it in time arrives twice
    // (at-least-once; the message id tells the copies apart).
    const std::size_t window = 4096;
    std::size_t confirmed = 0;
    std::size_t printed = 0;
    std::uint64_t republished = 0;
    const auto progress = [&] {
        return std::to_string(confirmed) + " of " + std::to_string(values.size()) +
               " messages confirmed (the first " + std::to_string(confirmed) + " printed)";
    };
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        std::string lost;
        try {
            Producer producer(*conn, exchange);
            // At full speed publishes leave in batches (waitForConfirms sends what is left);
            // with a rate each one goes out when it is made.
            producer.channel().setPublishBatching(*rate == 0);
            for (std::size_t i = confirmed; i < values.size();) {
                if (*rate > 0)
                    std::this_thread::sleep_until(
                        start + std::chrono::microseconds(1'000'000 * static_cast<long>(i) /
                                                          *rate));
                producer.publish(std::to_string(values[i]), oddEvenKey(values[i]),
                                 "int-" + std::to_string(i + 1));
                if (i < printed)
                    ++republished;
                else
                    inv.out << "integer: " << values[printed++] << '\n';
                ++i;
                if (i - confirmed == window || i == values.size()) {
                    if (!producer.waitForConfirms(std::chrono::seconds(30)))
                        return failure(inv, "produce: the broker did not confirm every message "
                                            "(nack or 30 s timeout); " +
                                                progress() + ".");
                    confirmed = i;
                }
            }
            inv.out.flush();
            producer.close();
            conn->close();
            if (republished > 0)
                inv.err << "workbench-cli messaging: produce: published " << republished
                        << " unconfirmed messages again after reconnecting; they may arrive "
                           "twice\n";
            return cli::Ok;
        } catch (const std::exception &e) {
            const auto why = connectionLost(e);
            if (!why)
                return failure(inv, std::string("produce: ") + e.what() + "; " + progress() +
                                        ".");
            lost = *why;
        }
        inv.out.flush();
        if (*attempts == 0)
            return failure(inv, "produce: " + lost + "; " + progress() +
                                    "; not reconnecting (--reconnect 0).");
        inv.err << "workbench-cli messaging: produce: " << lost << "; " << progress()
                << "; reconnecting\n";
        try {
            conn = reconnect(inv, broker->url, "workbench-producer", static_cast<int>(*attempts));
        } catch (const std::exception &e) {
            return failure(inv, "produce: " + std::string(e.what()) + "; " + progress() + ".");
        }
    }
}

// Prints `<prefix><body>` per delivery and acknowledges after printing, until `want`
// messages (0 = no limit) or `idle` (0 = never) without one; returns how many it handled.
// What has already arrived is printed as one batch, flushed, then acknowledged with one
// multiple ack, so a crash loses nothing printed-but-unacked: it comes again (redelivered).
std::uint64_t consumeAndAck(cli::Invocation &inv, Channel &ch, const std::string &prefix,
                            std::uint64_t want, std::uint16_t prefetch, std::chrono::seconds idle)
{
    using Clock = std::chrono::steady_clock;
    // Unacked deliveries are acked before the window is half used, so the broker keeps
    // sending while this batch is printed.
    const std::uint64_t batchMax = prefetch == 0 ? 1024 : std::max(1, prefetch / 2);
    std::uint64_t handled = 0;
    auto lastActivity = Clock::now();
    while (want == 0 || handled < want) {
        auto d = ch.nextDelivery(std::chrono::milliseconds(50));
        if (!d) {
            if (idle.count() > 0 && Clock::now() - lastActivity >= idle)
                break;
            continue;
        }
        std::uint64_t batch = 0;
        std::uint64_t lastTag = 0;
        do {
            inv.out << prefix << d->message.body << '\n';
            lastTag = d->deliveryTag;
            ++batch;
        } while ((want == 0 || handled + batch < want) && batch < batchMax &&
                 (d = ch.nextDelivery(std::chrono::milliseconds(0))));
        inv.out.flush();
        ch.basicAck(lastTag, batch > 1);
        handled += batch;
        lastActivity = Clock::now();
    }
    return handled;
}

int runConsume(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!parseOrComplain(inv, opts, "consume", args,
                         {"broker", "exchange", "queue", "key", "prefetch", "count",
                          "idle-exit", "reconnect"},
                         {}))
        return cli::Usage;
    const auto broker = brokerOption(inv, opts);
    if (!broker)
        return cli::Usage;
    if (broker->embedded)
        return usageError(inv, std::string("consume: ") + kEmbeddedIsInProcess);
    const auto queue = opts.value("queue");
    const auto key = opts.value("key");
    if (!queue || !key)
        return usageError(inv, "consume: give the queue and its binding key, e.g. --queue odds "
                               "--key odd.");
    const auto prefetch = intOption(inv, opts, "prefetch", 10, 0, 65535);
    const auto count = prefetch ? intOption(inv, opts, "count", 0, 0, INT64_MAX) : std::nullopt;
    const auto idle = count ? intOption(inv, opts, "idle-exit", 0, 0, 86'400) : std::nullopt;
    const auto attempts = idle ? intOption(inv, opts, "reconnect", 5, 0, 1000) : std::nullopt;
    if (!prefetch || !count || !idle || !attempts)
        return cli::Usage;
    auto conn = connectOrReport(inv, broker->url, "workbench-consumer");
    if (!conn)
        return cli::Failure;
    // A lost connection (network, broker restart, connection.close) is reconnected with
    // backoff; unacked deliveries of the old one are redelivered by the broker.
    std::uint64_t handled = 0;
    for (;;) {
        std::string lost;
        try {
            Consumer consumer(*conn, static_cast<std::uint16_t>(*prefetch));
            consumer.declareExchange(opts.valueOr("exchange", "integers"));
            consumer.declareQueue(*queue, *key);
            consumer.startConsuming(nullptr);
            handled += consumeAndAck(inv, consumer.channel(), *key + " integer: ",
                                     *count == 0 ? 0 : static_cast<std::uint64_t>(*count) - handled,
                                     static_cast<std::uint16_t>(*prefetch),
                                     std::chrono::seconds(*idle));
            consumer.close();
            conn->close();
            return cli::Ok;
        } catch (const std::exception &e) {
            const auto why = connectionLost(e);
            if (!why)
                return failure(inv, std::string("consume: ") + e.what());
            lost = *why;
        }
        if (*attempts == 0)
            return failure(inv, "consume: " + lost + "; not reconnecting (--reconnect 0).");
        inv.err << "workbench-cli messaging: consume: " << lost << "; reconnecting\n";
        try {
            conn = reconnect(inv, broker->url, "workbench-consumer", static_cast<int>(*attempts));
        } catch (const std::exception &e) {
            return failure(inv, std::string("consume: ") + e.what());
        }
    }
}

int runList(cli::Invocation &inv, const std::vector<std::string> &args, bool exchanges)
{
    const std::string command = exchanges ? "list-exchanges" : "list-queues";
    cli::Options opts;
    if (!parseOrComplain(inv, opts, command, args, {"broker", "data"}, {"json"}))
        return cli::Usage;
    const auto broker = brokerOption(inv, opts);
    if (!broker)
        return cli::Usage;
    std::vector<ExchangeInfo> exchangeRows;
    std::vector<QueueInfo> queueRows;
    if (broker->embedded) {
        BrokerOptions bo;
        if (auto data = opts.value("data"))
            bo.dataDir = *data;
        Broker b(bo);
        exchangeRows = b.listExchanges();
        queueRows = b.listQueues();
    } else {
        auto conn = connectOrReport(inv, broker->url, "workbench-list");
        if (!conn)
            return cli::Failure;
        // AMQP 0-9-1 has no method that enumerates exchanges or queues; RabbitMQ shows them
        // through rabbitmqctl or the management plugin's HTTP API (often not enabled).
        conn->close();
        return failure(inv, command + ": connected to " + broker->url.redacted() +
                                ", but RabbitMQ does not list its exchanges or queues over "
                                "AMQP 0-9-1; on the broker host run `rabbitmqctl " +
                                (exchanges ? std::string("list_exchanges name type")
                                           : std::string("list_queues name messages_ready "
                                                         "messages_unacknowledged")) +
                                " -p " + broker->url.vhost +
                                "` (or use the management plugin's HTTP API).");
    }
    if (opts.has("json")) {
        wb::JsonWriter j(inv.out);
        j.beginArray();
        if (exchanges)
            for (const auto &e : exchangeRows) {
                j.beginObject();
                j.key("name").value(std::string_view(e.name));
                j.key("type").value(exchangeTypeName(e.type));
                j.key("durable").value(e.durable);
                j.key("auto_delete").value(e.autoDelete);
                j.endObject();
            }
        else
            for (const auto &q : queueRows) {
                j.beginObject();
                j.key("name").value(std::string_view(q.name));
                j.key("messages_ready").value(q.ready);
                j.key("messages_unacknowledged").value(q.unacked);
                j.key("durable").value(q.durable);
                j.endObject();
            }
        j.endArray();
        inv.out << '\n';
        return cli::Ok;
    }
    if (exchanges) {
        inv.out << "Listing exchanges for vhost / ...\nname\ttype\n";
        for (const auto &e : exchangeRows)
            inv.out << e.name << '\t' << exchangeTypeName(e.type) << '\n';
    } else {
        inv.out << "Listing queues for vhost / ...\nname\tmessages_ready\t"
                   "messages_unacknowledged\n";
        for (const auto &q : queueRows)
            inv.out << q.name << '\t' << q.ready << '\t' << q.unacked << '\n';
    }
    return cli::Ok;
}

int runMessaging(cli::Invocation &inv)
{
    if (inv.args.empty())
        return usageError(inv, "give a command: demo, produce, consume, list-exchanges or "
                               "list-queues; see `workbench-cli messaging --help`.");
    const std::string command = inv.args.front();
    const std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
    if (command == "--help" || command == "-h" || command == "help") {
        inv.out << kUsage;
        return cli::Ok;
    }
    if (command == "demo")
        return runDemo(inv, rest);
    if (command == "produce")
        return runProduce(inv, rest);
    if (command == "consume")
        return runConsume(inv, rest);
    if (command == "list-exchanges")
        return runList(inv, rest, true);
    if (command == "list-queues")
        return runList(inv, rest, false);
    return usageError(inv, "unknown command '" + command +
                               "'; use demo, produce, consume, list-exchanges or list-queues.");
}

} // namespace

void wbRegisterCli_messaging(wb::cli::Registry &registry)
{
    registry.add({"messaging", "AMQP messaging: the embedded broker and RabbitMQ", kUsage,
                  runMessaging});
}
