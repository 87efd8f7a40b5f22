#pragma once
// The tutorial's scenario: one producer of random integers 1..100 publishing to the direct
// exchange `integers` with key `odd` or `even`; one consumer on the durable queue `odds`
// (bound with `odd`) and one on `evens` (bound with `even`), each acking after it prints.
// It runs on any transport; each role gets its own connection, as on separate hosts.

#include "messaging/core/client.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wb::messaging {

// The seeded integers the producer publishes (wb::Rng, so every machine agrees).
std::vector<int> oddEvenIntegers(std::uint64_t count, std::uint64_t seed);
inline const char *oddEvenKey(int n)
{
    return n % 2 == 0 ? "even" : "odd";
}

struct OddEvenOptions
{
    std::uint64_t count = 10;
    std::uint64_t seed = 1;
    std::uint16_t prefetch = 10;
    // Give up waiting for deliveries after this long without progress.
    std::chrono::milliseconds idle{3000};
    // Empty `odds` and `evens` first, so leftovers on a real broker do not count.
    bool purgeFirst = true;
};

struct OddEvenResult
{
    std::uint64_t published = 0;
    std::uint64_t odds = 0; // deliveries handled by the odd consumer
    std::uint64_t evens = 0;
    std::uint64_t misrouted = 0;   // an even number in odds or an odd one in evens
    std::uint64_t lost = 0;        // published, never delivered
    std::uint64_t duplicates = 0;  // delivered more than once
    std::uint64_t redelivered = 0; // deliveries with the redelivered flag
    bool confirmed = false;        // the broker confirmed every publish
    // Messages left on `odds` / `evens` by earlier runs that purgeFirst removed.
    std::uint64_t purgedOdds = 0, purgedEvens = 0;
    // The three programs' printed lines: "integer: 14", "odd integer: 47", "even integer: 14".
    std::vector<std::string> producerLines, oddLines, evenLines;
};

using ConnectionFactory = std::function<std::unique_ptr<Connection>(const std::string &client)>;

// Runs the whole scenario; throws AmqpError / ConnectionFailed from the transport, and
// std::runtime_error when a consumer thread failed.
OddEvenResult runOddEvenScenario(const ConnectionFactory &connect, const OddEvenOptions &options);

} // namespace wb::messaging
