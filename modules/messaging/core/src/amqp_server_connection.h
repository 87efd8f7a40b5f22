#pragma once
// One client connection of the AMQP server (see amqp_server_wire.h for the files).
//
// Threads: the connection's own thread reads the socket, runs every method and writes the
// socket; a channel with consumers has a delivery pump thread that takes deliveries from the
// embedded Channel (nextDelivery) and appends their frames to the outbound buffer. Every
// byte leaves through that buffer (guarded by outMutex), so the pumps' frames and the
// methods' replies keep one order per channel:
// - basic.consume-ok is appended under outMutex before the pump can hold a delivery for
//   the new consumer;
// - basic.cancel waits until the pump holds nothing (takeMutex), then appends what is left
//   in the channel for that consumer before basic.cancel-ok;
// - on channel.close the pump is stopped first; what it held is dropped (the embedded broker
//   requeues unacked deliveries when the channel closes).

#include "amqp_server_wire.h"

#include "messaging/core/broker.h"
#include "messaging/core/client.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace wb::messaging::server {

class ServerConnection;

struct ServerChannel
{
    std::uint16_t id = 0;
    std::unique_ptr<Channel> channel;
    bool closing = false; // channel.close sent, waiting for close-ok; other frames dropped
    bool confirm = false;
    std::uint64_t confirmUpTo = 0; // the highest publish not yet acked to the publisher
    std::uint64_t confirmSent = 0;

    // The message being assembled: basic.publish, a content header, body frames.
    bool assembling = false;
    bool headerSeen = false;
    std::string exchange;
    std::string routingKey;
    bool mandatory = false;
    Message message;
    std::uint64_t bodyLeft = 0;

    // The delivery pump (started by the first basic.consume).
    std::thread pump;
    std::atomic<bool> pumpStop{false};
    std::mutex takeMutex; // held by the pump from taking deliveries until they are appended
    std::atomic<bool> takeWanted{false};
    bool discard = false; // under outMutex: the pump drops what it holds
    std::set<std::string> noAckConsumers;
};

class ServerConnection
{
public:
    ServerConnection(Broker &broker, const AmqpServerOptions &options, int fd, std::string peer);
    ~ServerConnection();

    // The connection's thread: returns when the socket is closed.
    void run();
    // From another thread: close with 320 CONNECTION_FORCED, wait briefly for close-ok.
    void requestShutdown();
    bool finished() const { return m_finished.load(); }
    std::size_t outboundBytes();

private:
    enum class Phase { Header, StartOk, TuneOk, Open, Running, Closing, Done };

    // --- I/O (amqp_server_connection.cpp) -------------------------------------------------
    bool readSocket();  // false on EOF or error
    bool writeSocket(); // false on error
    void wake();
    void flushReplies(); // m_reply -> m_out
    void flushRepliesLocked();

    // --- frames (amqp_server_connection.cpp) ----------------------------------------------
    void processInput();
    void handleFrame(const wire::RawFrame &frame);
    void handleConnectionMethod(const Method &m);
    void handleStartOk(const Method &m);
    void sendStart();
    void connectionError(int code, const std::string &text, std::uint32_t method = 0);
    void closeSocketSoon();
    void log(const std::string &line) const;

    // --- channels (amqp_server_channel.cpp) -----------------------------------------------
    void handleChannelFrame(const wire::RawFrame &frame);
    void handleChannelMethod(ServerChannel &ch, const Method &m);
    void openChannel(std::uint16_t id);
    void channelError(ServerChannel &ch, int code, const std::string &text, std::uint32_t method);
    void closeChannel(ServerChannel &ch); // stops the pump, closes the embedded channel
    void finishPublish(ServerChannel &ch);
    void flushConfirms(ServerChannel &ch);
    void flushAllConfirms();
    void startPump(ServerChannel &ch);
    void pumpLoop(ServerChannel *ch);
    void appendDelivery(std::string &out, std::uint16_t channel, const Delivery &d,
                        FrameWriter &writer);
    void closeAllChannels();

    Broker &m_broker;
    AmqpServerOptions m_options;
    int m_fd;
    int m_wakeFd = -1;
    std::string m_peer;
    std::string m_name;
    Phase m_phase = Phase::Header;
    std::atomic<bool> m_finished{false};
    std::atomic<bool> m_shutdownRequested{false};

    std::string m_in;
    std::string m_reply; // replies of the frames being processed (connection thread only)
    amqp_pool_t m_pool;
    FrameWriter m_writer;

    std::mutex m_outMutex;
    std::condition_variable m_outSpace;
    std::string m_out;
    std::size_t m_outPos = 0;
    bool m_closeAfterWrite = false; // the socket closes once m_out is written

    std::uint32_t m_frameMax;
    std::uint16_t m_channelMax;
    std::uint16_t m_heartbeat = 0;
    std::chrono::steady_clock::time_point m_lastRead, m_lastWrite, m_closingSince;

    std::unique_ptr<Connection> m_conn;
    std::map<std::uint16_t, std::unique_ptr<ServerChannel>> m_channels;
};

} // namespace wb::messaging::server
