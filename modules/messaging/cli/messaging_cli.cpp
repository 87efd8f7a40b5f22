// `workbench-cli messaging ...`: the odd/even scenario, a producer, a consumer and the
// broker's tables, on the embedded broker or a RabbitMQ URL.
#include "messaging/core/broker.h"
#include "messaging/core/client.h"
#include "messaging/core/events.h"
#include "messaging/core/scenario.h"
#include "messaging/core/tutorial.h"
#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/recording.h"
#include "workbench/core/typed_event.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

// `messaging serve`, in messaging_serve.cpp.
int wbMessagingServe(wb::cli::Invocation &inv, const std::vector<std::string> &args);

namespace {

using namespace wb::messaging;
namespace cli = wb::cli;

const char *const kUsage =
    "Usage: workbench-cli messaging <command> [options]\n"
    "\n"
    "  demo --broker embedded|URL --count N [--seed S] [--prefetch P] [--json]\n"
    "       [--data DIR] [--record FILE [--force]]\n"
    "      The odd/even scenario in one process: a producer of seeded integers 1..100 to\n"
    "      the direct exchange `integers` (keys odd/even), consumers on `odds` and `evens`,\n"
    "      which it purges first (it says how many messages that removed). --data DIR:\n"
    "      the embedded broker keeps its journal in DIR.\n"
    "      --json: {\"purged\", \"published\", \"queues\": {\"odds\", \"evens\"},\n"
    "      \"misrouted\", \"lost\", \"duplicates\", \"redelivered\", \"confirmed\", ...}.\n"
    "      Exit 1 if anything was\n"
    "      misrouted, lost or duplicated. --record FILE (embedded broker): keep the run,\n"
    "      every event the broker recorded, as a recording that `workbench --open FILE`\n"
    "      shows in the topology view without running anything; an existing FILE is kept\n"
    "      (exit 2) unless --force.\n"
    "  produce --broker URL [--exchange integers] --count N [--seed S] [--rate R]\n"
    "          [--reconnect A]\n"
    "      Publish N integers (persistent, confirmed), printing `integer: K` for each. A\n"
    "      lost connection is reconnected (A attempts with backoff, 5 by default, 0 = fail)\n"
    "      and the unconfirmed messages are published again (they may arrive twice).\n"
    "  consume --broker URL [--exchange integers] --queue Q --key K [--prefetch P]\n"
    "          [--count N] [--idle-exit SECONDS] [--reconnect A]\n"
    "      Declare the exchange and queue, print `<key> integer: N` per message (`<key>\n"
    "      text: ...` or `<key> bytes: ...` for other bodies, escaped as \\n, \\xNN) and\n"
    "      ack it; stop after N messages or SECONDS without one. A lost connection is\n"
    "      reconnected (A attempts with backoff, 5 by default, 0 = fail).\n"
    "  list-exchanges --broker embedded|URL [--data DIR] [--json]\n"
    "  list-queues --broker embedded|URL [--data DIR] [--json]\n"
    "      The broker's exchanges (name, type) or queues (name, ready, unacked). The\n"
    "      embedded broker lives inside one process: --data DIR shows what it keeps in DIR,\n"
    "      reading its journal without changing it (exit 3 if it is damaged or unreadable).\n"
    "\n"
    "URL: amqp://user:pass@host:port/vhost (amqps:// for TLS).\n"
    "Names (exchange, queue, key) are at most 255 bytes; `amq.` names are the broker's.\n"
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
        usageError(inv, std::string("--") + name + " needs an integer from " + std::to_string(lo) +
                            " to " + std::to_string(hi) + ", not '" + *text + "'.");
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
    if (url->vhost.size() > kShortStringMax) {
        usageError(inv, "the virtual host in the broker URL is " +
                            std::to_string(url->vhost.size()) +
                            " bytes, longer than 255 bytes (the AMQP 0-9-1 limit).");
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

// Names AMQP carries as short strings: refused before connecting when too long, and names
// the broker keeps for itself (`amq.` prefix: 403 ACCESS_REFUSED on declare) refused as
// bad usage rather than a broker failure.
bool checkName(cli::Invocation &inv, const std::string &command, const char *option,
               const std::string &value, bool declared)
{
    try {
        checkShortString(std::string("--") + option, value);
    } catch (const std::invalid_argument &e) {
        usageError(inv, command + ": " + e.what() + ".");
        return false;
    }
    if (declared && value.rfind("amq.", 0) == 0) {
        usageError(inv, command + ": --" + std::string(option) +
                            " names a broker-reserved object: names starting with `amq.` "
                            "cannot be declared (RabbitMQ answers 403 ACCESS_REFUSED); choose "
                            "another name.");
        return false;
    }
    return true;
}

// Valid UTF-8: no stray continuation bytes, overlongs, surrogates or code points past
// U+10FFFF.
bool validUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        if (n == 0 || i + n > text.size())
            return false;
        std::uint32_t cp = n == 1 ? c : c & (0x7Fu >> n);
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < minimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

// `text` on one line, safe for a terminal: backslash and control characters are escaped
// (\\, \n, \r, \t, \xNN), C1 controls too (U+0080..U+009F, which terminals obey), and
// when `text` is not valid UTF-8 every byte outside printable ASCII becomes \xNN.
std::string escaped(std::string_view text)
{
    const bool utf8 = validUtf8(text);
    std::string out;
    char hex[5];
    const auto put = [&](unsigned char c) {
        std::snprintf(hex, sizeof hex, "\\x%02X", c);
        out += hex;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7F || (!utf8 && c >= 0x80))
            put(c);
        else if (c == 0xC2 && i + 1 < text.size() &&
                 static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            put(c);
            put(static_cast<unsigned char>(text[++i]));
        } else
            out.push_back(static_cast<char>(c));
    }
    return out;
}

// How `consume` shows a body on one line: "integer: 47" for a decimal integer, "text: ..."
// for other valid UTF-8, "bytes: ..." for the rest, escaped as above, so a body can neither
// break the line-per-message output nor send escape sequences to the terminal.
std::string showBody(std::string_view body)
{
    const auto isDigit = [](char c) {
        return c >= '0' && c <= '9';
    };
    const std::size_t sign = !body.empty() && body[0] == '-' ? 1 : 0;
    if (body.size() > sign && body.size() - sign <= 19 &&
        std::all_of(body.begin() + static_cast<std::ptrdiff_t>(sign), body.end(), isDigit))
        return "integer: " + std::string(body);
    return (validUtf8(body) ? "text: " : "bytes: ") + escaped(body);
}

// `word` as one shell word: as it is when it holds only characters no shell treats
// specially, else in single quotes (printable ASCII) or $'...' with \xNN escapes.
std::string shellWord(const std::string &word)
{
    const auto plain = [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '/' || c == ':' ||
               c == '@' || c == '%' || c == '+' || c == ',';
    };
    if (!word.empty() && std::all_of(word.begin(), word.end(), plain))
        return word;
    const bool printableAscii = std::all_of(word.begin(), word.end(),
                                            [](unsigned char c) { return c >= 0x20 && c < 0x7F; });
    std::string out = printableAscii ? "'" : "$'";
    char hex[5];
    for (unsigned char c : word) {
        if (c == '\'')
            out += printableAscii ? "'\\''" : "\\'";
        else if (!printableAscii && c == '\\')
            out += "\\\\";
        else if (c >= 0x20 && c < 0x7F)
            out.push_back(static_cast<char>(c));
        else {
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            out += hex;
        }
    }
    return out + "'";
}

// The recording of a demo run: what the messaging views keep of a run of their odd/even
// scenario (see MessagingSession::recordingSettings), shown in the topology view.
wb::Recording demoRecording(std::shared_ptr<const wb::Trace> trace, const OddEvenOptions &o)
{
    wb::Recording r;
    r.module = "messaging";
    r.view = "topology";
    r.settings = {{"broker", "embedded"},
                  {"preset", "odd-even"},
                  {"exchange", "integers"},
                  {"exchange-type", "direct"},
                  {"durable", "true"},
                  {"persistent", "true"},
                  {"mandatory", "false"},
                  {"publish-before-bind", "0"},
                  {"count", std::to_string(o.count)},
                  {"seed", std::to_string(o.seed)},
                  {"rate", "unlimited"},
                  {"prefetch", std::to_string(o.prefetch)},
                  {"consumers", "odds:0,evens:0"}};
    r.cursor = trace->size();
    r.trace = std::move(trace);
    return r;
}

int runDemo(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!parseOrComplain(inv, opts, "demo", args,
                         {"broker", "count", "seed", "prefetch", "data", "record"},
                         {"json", "force"}))
        return cli::Usage;
    const auto broker = brokerOption(inv, opts);
    if (!broker)
        return cli::Usage;
    if (opts.has("record") && !broker->embedded)
        return usageError(inv, "demo: --record keeps what the embedded broker records; a "
                               "RabbitMQ node reports nothing about its routing. Use --broker "
                               "embedded, or open the Topology view with the URL to record a "
                               "run there.");
    const auto count = intOption(inv, opts, "count", 10, 0, 10'000'000, true);
    if (!count)
        return cli::Usage;
    const auto seed = intOption(inv, opts, "seed", 1, 0, INT64_MAX);
    const auto prefetch = seed ? intOption(inv, opts, "prefetch", 10, 0, 65535) : std::nullopt;
    if (!seed || !prefetch)
        return cli::Usage;
    const auto data = opts.value("data");
    if (data && !broker->embedded)
        return usageError(inv, "demo: --data is the embedded broker's folder; a RabbitMQ node "
                               "keeps its own data.");

    std::string refused;
    if (const int code = cli::checkRecordTarget(opts, refused); code != cli::Ok) {
        inv.err << "workbench-cli messaging: demo: " << refused << ".\n";
        return code;
    }

    OddEvenOptions o;
    o.count = static_cast<std::uint64_t>(*count);
    o.seed = static_cast<std::uint64_t>(*seed);
    o.prefetch = static_cast<std::uint16_t>(*prefetch);
    // Declared before the broker, which records into it until it is gone.
    std::shared_ptr<wb::Trace> trace = std::make_shared<wb::Trace>();
    std::unique_ptr<Broker> embedded;
    ConnectionFactory factory;
    if (broker->embedded) {
        BrokerOptions bo;
        if (data) {
            std::error_code ec;
            if (std::filesystem::exists(*data, ec) && !std::filesystem::is_directory(*data, ec))
                return usageError(inv, "demo: --data " + *data + " is not a folder.");
            bo.dataDir = *data;
        }
        if (opts.has("record"))
            bo.trace = trace.get();
        embedded = std::make_unique<Broker>(bo);
        if (const auto error = embedded->journalError(); !error.empty())
            return failure(inv, "demo: " + error + ".");
        if (const auto note = embedded->journalRecovery(); !note.empty())
            inv.err << "workbench-cli messaging: demo: " << note << '\n';
        if (opts.has("record")) {
            // As the views' session begins a run: the broker's pre-declared exchanges.
            wb::record(trace.get(), events::StateReset{}, "a fresh embedded broker");
            for (const auto &x : embedded->listExchanges()) {
                const std::string type(exchangeTypeName(x.type));
                wb::record(trace.get(),
                           events::StateExchange{x.name, type, x.durable, x.autoDelete},
                           "exchange " + (x.name.empty() ? std::string("(default)") : x.name) +
                               " (" + type + ") pre-declared");
            }
        }
        factory = [&](const std::string &client) {
            return embedded->connect(client);
        };
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
    if (opts.has("record")) {
        embedded.reset(); // its last events (connections closing) are in the trace now
        if (const int written = cli::writeRecordingOption(opts, demoRecording(trace, o),
                                                          opts.has("force"), inv.err);
            written != cli::Ok)
            return written;
    }
    if (opts.has("json")) {
        wb::JsonWriter j(inv.out);
        j.beginObject();
        j.key("broker").value(
            std::string_view(broker->embedded ? std::string("embedded") : broker->url.redacted()));

        j.key("seed").value(static_cast<std::uint64_t>(o.seed));
        j.key("purged").beginObject();
        j.key("odds").value(r.purgedOdds);
        j.key("evens").value(r.purgedEvens);
        j.endObject();
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
        // Only a broker that outlives the run can hold earlier messages on odds/evens.
        if (!broker->embedded || data)
            inv.out << "# purged the queues odds and evens first: " << r.purgedOdds << " and "
                    << r.purgedEvens << " messages left by earlier runs removed\n";
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
    return connectWithRetry(
        url, co, retry,
        [&](int attempt, const std::string &error, std::chrono::milliseconds delay) {
            inv.err << "workbench-cli messaging: attempt " << attempt << ": " << error
                    << "; next in " << delay.count() << " ms\n";
        });
}

// Why a connection ended, when it is worth reconnecting (the network failed, or the broker
// closed the connection for reasons of its own); nullopt for an error of this side's making
// (a channel error, a refused name, a protocol error), which another connection would repeat.
std::optional<std::string> connectionLost(const std::exception &e)
{
    if (dynamic_cast<const ConnectionFailed *>(&e))
        return std::string(e.what());
    // Connection-level closes worth another connection: the broker shutting down or closing
    // connections (320), or failing inside (506, 541). The others (501-505 frame, syntax or
    // command errors, 530 NOT_ALLOWED, 540, 403 on the vhost) answer what this side sent, and
    // would answer it again.
    if (const auto *amqp = dynamic_cast<const AmqpError *>(&e); amqp && amqp->connectionLevel())
        if (amqp->code() == ConnectionForced || amqp->code() == 506 ||
            amqp->code() == InternalError)
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
    if (!checkName(inv, "produce", "exchange", exchange, true))
        return cli::Usage;
    auto conn = connectOrReport(inv, broker->url, "workbench-producer");
    if (!conn)
        return cli::Failure;
    const auto values =
        oddEvenIntegers(static_cast<std::uint64_t>(*count), static_cast<std::uint64_t>(*seed));
    // values[i] goes out with message id int-(i+1). Confirms are tracked per message: the
    // broker's acks (one or `multiple` at a time) settle sequence numbers of the current
    // channel, `inFlight` maps those to values. After a lost connection exactly the
    // unconfirmed ones are published again on a new one, so nothing is lost and only a
    // message the broker took without confirming it in time can arrive twice
    // (at-least-once; the message id tells the copies apart). The producer still stops for
    // confirms every `window` messages, which bounds what can be in flight.
    const std::size_t window = 4096;
    std::map<std::uint64_t, std::size_t> inFlight; // sequence number -> index
    std::deque<std::size_t> again;                 // ascending indexes to publish again
    std::size_t next = 0;                          // the first index never published
    std::size_t printed = 0;                       // values[0, printed) are printed
    std::optional<std::size_t> publishing;         // a publish under way: its index
    std::size_t confirmed = 0;
    std::uint64_t republished = 0;
    std::unique_ptr<Producer> producer;
    // Moves what the lost (or failed) channel still had in flight to `again` or `confirmed`.
    const auto settle = [&] {
        const auto open =
            producer ? producer->channel().unconfirmedSequences() : std::vector<std::uint64_t>{};
        for (const auto &[seq, index] : inFlight) {
            if (std::binary_search(open.begin(), open.end(), seq))
                again.push_back(index);
            else
                ++confirmed;
        }
        inFlight.clear();
        // A publish that threw may or may not have reached the broker: it goes out again.
        if (publishing)
            again.push_back(*publishing);
        publishing.reset();
        std::sort(again.begin(), again.end());
    };
    const auto progress = [&] {
        const std::size_t prefix = again.empty() ? next : again.front();
        return std::to_string(confirmed) + " of " + std::to_string(values.size()) +
               " messages confirmed (the first " + std::to_string(prefix) +
               " printed are confirmed)";
    };
    const auto start = std::chrono::steady_clock::now();
    int lossesWithoutProgress = 0;
    std::size_t confirmedAtLastLoss = 0;
    for (;;) {
        std::string lost;
        try {
            producer = std::make_unique<Producer>(*conn, exchange);
            // At full speed publishes leave in batches (waitForConfirms sends what is left);
            // with a rate each one goes out when it is made.
            producer->channel().setPublishBatching(*rate == 0);
            while (!again.empty() || next < values.size()) {
                const bool repeat = !again.empty();
                const std::size_t i = repeat ? again.front() : next;
                if (*rate > 0 && !repeat)
                    std::this_thread::sleep_until(
                        start +
                        std::chrono::microseconds(1'000'000 * static_cast<long>(i) / *rate));
                if (repeat) {
                    again.pop_front();
                    ++republished;
                } else {
                    ++next;
                }
                publishing = i;
                const auto seq =
                    producer->publish(std::to_string(values[i]), oddEvenKey(values[i]),
                                      "int-" + std::to_string(i + 1));
                publishing.reset();
                inFlight[seq] = i;
                if (i == printed)
                    inv.out << "integer: " << values[printed++] << '\n';
                if (inFlight.size() == window || (again.empty() && next == values.size())) {
                    if (!producer->waitForConfirms(std::chrono::seconds(30))) {
                        settle();
                        return failure(inv, "produce: the broker did not confirm every message "
                                            "(nack or 30 s timeout); " +
                                                progress() + ".");
                    }
                    confirmed += inFlight.size();
                    inFlight.clear();
                }
            }
            inv.out.flush();
            producer->close();
            conn->close();
            if (republished > 0)
                inv.err << "workbench-cli messaging: produce: published " << republished
                        << " unconfirmed messages again after reconnecting; they may arrive "
                           "twice\n";
            return cli::Ok;
        } catch (const std::exception &e) {
            settle();
            const auto why = connectionLost(e);
            if (!why)
                return failure(inv, std::string("produce: ") + e.what() + "; " + progress() +
                                        "; not retried: another connection would get the "
                                        "same answer.");
            lost = *why;
        }
        producer.reset();
        inv.out.flush();
        if (*attempts == 0)
            return failure(inv, "produce: " + lost + "; " + progress() +
                                    "; not reconnecting (--reconnect 0).");
        // A connection that is lost again before anything more was confirmed counts against
        // --reconnect too, so a broker that accepts connections and then drops them cannot
        // keep this loop going.
        lossesWithoutProgress = confirmed > confirmedAtLastLoss ? 1 : lossesWithoutProgress + 1;
        confirmedAtLastLoss = confirmed;
        if (lossesWithoutProgress > *attempts)
            return failure(inv, "produce: " + lost + "; " + progress() +
                                    "; gave up: " + std::to_string(lossesWithoutProgress) +
                                    " connections in a row were lost before another confirm "
                                    "(--reconnect " +
                                    std::to_string(*attempts) + ").");
        inv.err << "workbench-cli messaging: produce: " << lost << "; " << progress() << "; "
                << again.size() << " unconfirmed to publish again; reconnecting\n";
        try {
            conn = reconnect(inv, broker->url, "workbench-producer", static_cast<int>(*attempts));
        } catch (const std::exception &e) {
            return failure(inv, "produce: " + std::string(e.what()) + "; " + progress() + ".");
        }
    }
}

// Prints `<prefix><body>` per delivery (the body shown by showBody) and acknowledges after
// printing, until `handled` reaches `want` (0 = no limit) or `idle` (0 = never) passes
// without a delivery; `handled` counts as it goes, so a lost connection keeps the count.
// What has already arrived is printed as one batch, flushed, then acknowledged with one
// multiple ack, so a crash loses nothing printed-but-unacked: it comes again (redelivered).
void consumeAndAck(cli::Invocation &inv, Channel &ch, const std::string &prefix,
                   std::uint64_t want, std::uint16_t prefetch, std::chrono::seconds idle,
                   std::uint64_t &handled)
{
    using Clock = std::chrono::steady_clock;
    // Unacked deliveries are acked before the window is half used, so the broker keeps
    // sending while this batch is printed.
    const std::uint64_t batchMax = prefetch == 0 ? 1024 : std::max(1, prefetch / 2);
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
            inv.out << prefix << showBody(d->message.body) << '\n';
            lastTag = d->deliveryTag;
            ++batch;
        } while ((want == 0 || handled + batch < want) && batch < batchMax &&
                 (d = ch.nextDelivery(std::chrono::milliseconds(0))));
        inv.out.flush();
        ch.basicAck(lastTag, batch > 1);
        handled += batch;
        lastActivity = Clock::now();
    }
}

int runConsume(cli::Invocation &inv, const std::vector<std::string> &args)
{
    cli::Options opts;
    if (!parseOrComplain(
            inv, opts, "consume", args,
            {"broker", "exchange", "queue", "key", "prefetch", "count", "idle-exit", "reconnect"},
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
    const std::string exchange = opts.valueOr("exchange", "integers");
    if (!checkName(inv, "consume", "exchange", exchange, true) ||
        !checkName(inv, "consume", "queue", *queue, true) ||
        !checkName(inv, "consume", "key", *key, false))
        return cli::Usage;
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
    // backoff; unacked deliveries of the old one are redelivered by the broker. A connection
    // lost again before another message was handled counts against --reconnect.
    std::uint64_t handled = 0;
    std::uint64_t handledAtLastLoss = 0;
    int lossesWithoutProgress = 0;
    for (;;) {
        std::string lost;
        try {
            Consumer consumer(*conn, static_cast<std::uint16_t>(*prefetch));
            consumer.declareExchange(exchange);
            consumer.declareQueue(*queue, *key);
            consumer.startConsuming(nullptr);
            consumeAndAck(inv, consumer.channel(), *key + " ", static_cast<std::uint64_t>(*count),
                          static_cast<std::uint16_t>(*prefetch), std::chrono::seconds(*idle),
                          handled);
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
        lossesWithoutProgress = handled > handledAtLastLoss ? 1 : lossesWithoutProgress + 1;
        handledAtLastLoss = handled;
        if (lossesWithoutProgress > *attempts)
            return failure(inv, "consume: " + lost +
                                    "; gave up: " + std::to_string(lossesWithoutProgress) +
                                    " connections in a row were lost before another message "
                                    "(--reconnect " +
                                    std::to_string(*attempts) + ").");
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
    std::string damaged;
    if (broker->embedded) {
        // A listing only reads: the journal is opened read-only, nothing in the folder is
        // created, compacted or moved, and a folder that is not there is not made.
        BrokerOptions bo;
        bo.readOnly = true;
        if (auto data = opts.value("data")) {
            namespace fs = std::filesystem;
            std::error_code ec;
            const auto st = fs::status(*data, ec);
            if (st.type() == fs::file_type::not_found)
                return failure(inv, command + ": --data " + *data +
                                        ": no such folder (a listing creates nothing).");
            if (ec)
                return failure(inv, command + ": --data " + *data + ": " + ec.message() + ".");
            if (st.type() != fs::file_type::directory)
                return usageError(inv, command + ": --data " + *data +
                                           " is not a folder; give the folder the broker keeps "
                                           "its journal in.");
            if (::access(data->c_str(), R_OK | X_OK) != 0)
                return failure(inv, command + ": cannot read the folder " + *data + ": " +
                                        std::strerror(errno) + ".");
            if (::access(data->c_str(), W_OK) != 0)
                inv.err << "workbench-cli messaging: " << command << ": note: " << *data
                        << " is not writable (" << std::strerror(errno)
                        << "), so a broker started on it would keep nothing; listing what it "
                           "holds\n";
            bo.dataDir = *data;
        }
        Broker b(bo);
        if (const auto error = b.journalError(); !error.empty())
            return failure(inv, command + ": " + error + ".");
        damaged = b.journalRecovery();
        exchangeRows = b.listExchanges();
        queueRows = b.listQueues();
    } else {
        auto conn = connectOrReport(inv, broker->url, "workbench-list");
        if (!conn)
            return cli::Failure;
        // AMQP 0-9-1 has no method that enumerates exchanges or queues; RabbitMQ shows them
        // through rabbitmqctl or the management plugin's HTTP API (often not enabled).
        conn->close();
        // rabbitmqctl's default vhost is "/", which an empty URL path also stands for.
        const std::string vhost = broker->url.vhost.empty() || broker->url.vhost == "/"
                                      ? std::string()
                                      : " -p " + shellWord(broker->url.vhost);
        return failure(inv, command + ": connected to " + broker->url.redacted() +
                                ", but RabbitMQ does not list its exchanges or queues over "
                                "AMQP 0-9-1; on the broker host run `rabbitmqctl " +
                                (exchanges ? std::string("list_exchanges name type")
                                           : std::string("list_queues name messages_ready "
                                                         "messages_unacknowledged")) +
                                vhost + "` (or use the management plugin's HTTP API).");
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
    } else if (exchanges) {
        inv.out << "Listing exchanges for vhost / ...\nname\ttype\n";
        for (const auto &e : exchangeRows)
            inv.out << escaped(e.name) << '\t' << exchangeTypeName(e.type) << '\n';
    } else {
        inv.out << "Listing queues for vhost / ...\nname\tmessages_ready\t"
                   "messages_unacknowledged\n";
        for (const auto &q : queueRows)
            inv.out << escaped(q.name) << '\t' << q.ready << '\t' << q.unacked << '\n';
    }
    // The rows above are what could be recovered; the damage is a failure to report, and
    // the journal itself was left as it is (a broker started on the folder keeps it aside).
    if (!damaged.empty())
        return failure(inv,
                       command + ": " + damaged + "; the rows above are what could be recovered.");
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
    if (command == "serve")
        return wbMessagingServe(inv, rest);
    return usageError(inv, "unknown command '" + command +
                               "'; use demo, produce, consume, list-exchanges or list-queues.");
}

} // namespace

void wbRegisterCli_messaging(wb::cli::Registry &registry)
{
    registry.add(
        {"messaging", "AMQP messaging: the embedded broker and RabbitMQ", kUsage, runMessaging});
}
