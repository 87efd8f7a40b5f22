#pragma once
// Nova's rpc.cast and rpc.call (nova/rpc.py, 2011) on the messaging client API.
//
// Both publish a JSON body {"method", "args", "_context_*"} to the topic exchange `nova`
// (the flag control_exchange) with the topic as routing key: "scheduler", "network",
// "compute.<host>". What makes a call is the rest:
//
//     RpcEndpoint rpc(*channel, "compute.host1", &recorder);
//     rpc.cast(3, "compute.host1", "compute.host1", {"run_instance", {{"instance_id", 1}}});
//     RpcArgs lease = rpc.call(5, "network", "network", {"allocate_fixed_ip", args},
//                              std::chrono::seconds(2));   // throws RemoteError, RpcTimeout
//
// call() adds a fresh `_msg_id`, declares a direct exchange and an exclusive, auto-deleting
// queue both named after it, publishes the request with reply_to = correlation_id = msg_id,
// and waits on that queue for the reply {"result", "failure"} whose correlation id is its own
// (anything else that lands there is dropped). The callee acknowledges before it runs the
// method (at-most-once, as Nova did) and publishes its result, or the exception's type and
// text, to the reply exchange; a failure is raised in the caller as RemoteError.
//
// An endpoint owns no thread: it uses the channel it is given from the calling thread only.

#include "messaging/core/client.h"
#include "workbench/core/rng.h"
#include "workbench/core/trace.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace wb::nova {

inline constexpr const char *kControlExchange = "nova";

using RpcValue = std::variant<std::string, std::int64_t, bool>;
using RpcArgs = std::map<std::string, RpcValue>;

std::string rpcText(const RpcValue &v); // the value as text
std::int64_t rpcInt(const RpcArgs &a, const std::string &key, std::int64_t fallback = 0);
std::string rpcString(const RpcArgs &a, const std::string &key);

struct RpcRequest
{
    std::string method;
    RpcArgs args;
    RpcArgs context;   // flattened into "_context_<key>" in the body
    std::string msgId; // set by call(); empty for a cast
};

struct RpcReply
{
    RpcArgs result;
    bool failed = false;
    std::string failureType;  // "NoValidHost", "QuotaError", ...
    std::string failureValue; // the exception's text
};

// The JSON bodies. Values are strings, integers or booleans; objects nest one level deep
// ("args", "result", "failure"). decode returns nullopt on anything else.
std::string encodeRequest(const RpcRequest &r);
std::optional<RpcRequest> decodeRequest(std::string_view body);
std::string encodeReply(const RpcReply &r);
std::optional<RpcReply> decodeReply(std::string_view body);

// A message id as Nova made it, uuid.uuid4().hex: 32 lowercase hex digits (no dashes) of a
// version-4 UUID, i.e. digit 13 is '4' and digit 17 one of 8, 9, a, b (RFC 4122 4.4).
// newMsgId() draws from a process-wide generator seeded by the OS; the endpoint's own ids
// come from its seeded generator (setIdSeed), so a seeded launch repeats its ids.
std::string newMsgId();
std::string uuid4Hex(wb::Rng &rng);
// Whether `id` has that form.
bool isUuid4Hex(std::string_view id);

// The callee raised: its exception's type and text, raised again in the caller.
class RemoteError : public std::runtime_error
{
public:
    RemoteError(std::string type, std::string value);
    const std::string &type() const { return m_type; }
    const std::string &value() const { return m_value; }

private:
    std::string m_type;
    std::string m_value;
};

// No reply within the timeout.
class RpcTimeout : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The endpoint was told to stop while it waited for a reply.
class RpcStopped : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// What an endpoint reports of each message it sends: the sequence-diagram arrow.
struct RpcLeg
{
    int n = 0;        // the tutorial's step number
    std::string from; // sending component
    std::string to;   // receiving component
    std::string kind; // "cast", "call", "reply"
    std::string method;
    std::string routingKey;
    std::string msgId;
    std::string body;
    wb::SourceLocation where; // the component's line that sent it
};
using RpcRecorder = std::function<void(const RpcLeg &)>;

class RpcEndpoint
{
public:
    // `self` names the component in the legs it records; `stop`, when given, ends a waiting
    // call with RpcStopped within about 50 ms of being set.
    RpcEndpoint(wb::messaging::Channel &channel, std::string self, RpcRecorder recorder = {},
                const std::atomic<bool> *stop = nullptr);

    // Each send records its leg with the caller's line (`where`), so a view points at the
    // component's code that sent it.
    void cast(int n, const std::string &to, const std::string &routingKey, RpcRequest request,
              std::source_location where = std::source_location::current());
    RpcArgs call(int n, const std::string &to, const std::string &routingKey, RpcRequest request,
                 std::chrono::milliseconds timeout,
                 std::source_location where = std::source_location::current());
    // The callee's side: publishes `reply` for a request that carried reply_to.
    void reply(int n, const std::string &to, const std::string &replyTo, const std::string &msgId,
               const std::string &method, const RpcReply &reply,
               std::source_location where = std::source_location::current());

    const std::string &self() const { return m_self; }
    // From now on the call ids come from Rng(seed) instead of newMsgId().
    void setIdSeed(std::uint64_t seed) { m_ids.emplace(seed); }
    // The topic exchange casts and calls go to: Nova's flag control_exchange ("nova").
    void setExchange(std::string exchange) { m_exchange = std::move(exchange); }
    const std::string &exchange() const { return m_exchange; }

private:
    void publish(const RpcLeg &leg, const std::string &exchange, wb::messaging::Message message);

    wb::messaging::Channel &m_channel;
    std::string m_self;
    RpcRecorder m_recorder;
    const std::atomic<bool> *m_stop;
    std::string m_exchange = kControlExchange;
    std::optional<wb::Rng> m_ids;
};

// Declares the topic exchange `nova` (or the control_exchange given); idempotent.
void declareControlExchange(wb::messaging::Channel &channel,
                            const std::string &name = kControlExchange);

// A trace event as JSON, {"kind", "label", "thread", "fields": {...}}, for components in
// separate processes to report what they do. Only string, integer and boolean fields travel
// (unsigned ones above INT64_MAX and doubles as text; arrays and bytes are left out).
// decodeEvent gives a kind declared in nova/core/events.h its declared field order and types
// back, and throws wb::EventFieldError when such a report lacks a declared field.
std::string encodeEvent(const wb::Event &e);
std::optional<wb::Event> decodeEvent(std::string_view body);

} // namespace wb::nova
