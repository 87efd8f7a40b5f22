#pragma once
// The RabbitMQ transport's connection state, shared by its files:
//   rabbitmq_transport.cpp  the socket: connectTo (open, TLS, login) and connectWithRetry
//   rabbitmq_frames.cpp     the framing: reading frames and dispatching them to their
//                           channel, turning replies into errors, batched writes
//   rabbitmq_channel.cpp    the channel API: Channel and Connection over rabbitmq-c

#include "amqp_codec.h"
#include "messaging/core/client.h"

#include <amqp.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <sys/time.h>
#include <vector>

namespace wb::messaging::rabbit {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using codec::text;

// RabbitMQ's reply texts begin with the code's name ("NOT_FOUND - no exchange ..."); the
// name is in AmqpError already, so the text is kept as the embedded broker words it.
std::string replyText(int code, amqp_bytes_t b);

inline amqp_bytes_t bytes(const std::string &s)
{
    return codec::bytesOf(s);
}

timeval toTimeval(milliseconds ms);

// What arrives for one channel and waits there until its thread asks.
struct ChannelState
{
    explicit ChannelState(std::uint16_t id_) : id(id_) {}
    std::uint16_t id;
    bool open = true;
    int closeCode = 0;
    std::string closeText;
    bool errorPending = false; // the broker closed the channel; the next call throws that

    bool confirm = false;
    bool batching = false; // publishes gather in ConnState::unsent
    std::uint64_t publishSeq = 0;
    std::set<std::uint64_t> unconfirmed;
    bool nacked = false;

    // Content being assembled: a method frame, then a header frame, then body frames.
    enum class Content { None, Deliver, Return, GetOk };
    Content pending = Content::None;
    Delivery delivery;
    ReturnedMessage returned;
    std::uint64_t bodyLeft = 0;

    std::deque<Delivery> inbox;
    std::vector<ReturnedMessage> returns;
    std::optional<Delivery> got; // a complete basic.get-ok
};

struct ConnState
{
    std::mutex mutex;
    amqp_connection_state_t conn = nullptr;
    std::string name; // the redacted URL
    bool open = true;
    bool lost = false; // the network failed: ConnectionFailed(lostText)
    std::string lostText;
    bool readingLastFrames = false;
    int closeCode = ReplySuccess;
    std::string closeText = "closed by the client";
    int channelMax = 2047;
    std::map<std::uint16_t, std::shared_ptr<ChannelState>> channels;
    bool tls = false;
    // Whole frames of batched publishes not written yet; they go out before anything else.
    std::string unsent;
    static constexpr std::size_t kUnsentLimit = 64 * 1024;

    ~ConnState()
    {
        if (conn)
            amqp_destroy_connection(conn);
    }

    void closeAllChannels();
    void flushUnsent();
    [[noreturn]] void networkFailed(int status);
    [[noreturn]] void throwClosedConnection() const;
    void checkOpen(ChannelState &ch) const;
    void channelClosedByBroker(ChannelState &ch, int code, std::string reply);
    void connectionClosedByBroker(int code, std::string reply);
    static void refuseOwnError(int status);
    void check(amqp_rpc_reply_t r, ChannelState *ch);
    ChannelState *find(std::uint16_t id);
    static void complete(ChannelState &ch);
    void confirmed(ChannelState &ch, std::uint64_t tag, bool multiple, bool ack);
    void dispatch(const amqp_frame_t &f);
    bool readOne(milliseconds wait);
    void drain();
};

// A Connection over `c`, which has just logged in (rabbitmq_channel.cpp).
std::unique_ptr<Connection> makeConnection(std::shared_ptr<ConnState> c);

} // namespace wb::messaging::rabbit
