// One client connection of the AMQP server: the socket loop, the handshake (protocol header,
// connection.start / start-ok with PLAIN or AMQPLAIN, tune / tune-ok, open / open-ok),
// heartbeats, connection.close in both directions and connection errors. Channel frames go
// to amqp_server_channel.cpp.

#include "amqp_server_connection.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wb::messaging::server {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

amqp_table_entry_t entry(const char *key, amqp_field_value_t value)
{
    amqp_table_entry_t e;
    e.key = amqp_cstring_bytes(key);
    e.value = value;
    return e;
}

amqp_field_value_t textValue(const char *s)
{
    amqp_field_value_t v;
    v.kind = AMQP_FIELD_KIND_UTF8;
    v.value.bytes = amqp_cstring_bytes(s);
    return v;
}

amqp_field_value_t boolValue(bool b)
{
    amqp_field_value_t v;
    v.kind = AMQP_FIELD_KIND_BOOLEAN;
    v.value.boolean = b;
    return v;
}

// The LOGIN and PASSWORD of an AMQPLAIN response: a field table without its length prefix,
// each value a long string ('S').
bool parseAmqplain(std::string_view r, std::string &user, std::string &password)
{
    std::size_t at = 0;
    while (at < r.size()) {
        const std::size_t keyLen = static_cast<unsigned char>(r[at++]);
        if (at + keyLen + 1 > r.size())
            return false;
        const std::string_view key = r.substr(at, keyLen);
        at += keyLen;
        if (r[at++] != 'S' || at + 4 > r.size())
            return false;
        std::size_t len = 0;
        for (int i = 0; i < 4; ++i)
            len = len << 8 | static_cast<unsigned char>(r[at++]);
        if (len > r.size() - at)
            return false;
        const std::string value(r.substr(at, len));
        at += len;
        if (key == "LOGIN")
            user = value;
        else if (key == "PASSWORD")
            password = value;
    }
    return true;
}

} // namespace

ServerConnection::ServerConnection(Broker &broker, const AmqpServerOptions &options, int fd,
                                   std::string peer)
    : m_broker(broker), m_options(options), m_fd(fd), m_peer(std::move(peer)),
      m_frameMax(options.frameMax), m_channelMax(options.channelMax)
{
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    init_amqp_pool(&m_pool, 16 * 1024);
    m_writer.setFrameMax(m_frameMax);
}

ServerConnection::~ServerConnection()
{
    closeAllChannels();
    empty_amqp_pool(&m_pool);
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
    if (m_fd >= 0)
        ::close(m_fd);
}

void ServerConnection::log(const std::string &line) const
{
    if (m_options.log)
        m_options.log(line);
}

void ServerConnection::wake()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof one);
}

void ServerConnection::requestShutdown()
{
    m_shutdownRequested = true;
    wake();
}

// --- the socket loop -------------------------------------------------------------------------

void ServerConnection::run()
{
    const auto started = Clock::now();
    m_lastRead = m_lastWrite = started;
    auto lastWriteProgress = started;
    bool shutdownHandled = false;
    while (m_phase != Phase::Done) {
        const std::size_t pending = outboundBytes();
        const bool paused = pending >= m_options.outboundLimit;
        pollfd fds[2];
        fds[0].fd = m_fd;
        fds[0].events = static_cast<short>((paused || m_closeAfterWrite ? 0 : POLLIN) |
                                           (pending ? POLLOUT : 0));
        fds[0].revents = 0;
        fds[1].fd = m_wakeFd;
        fds[1].events = POLLIN;
        fds[1].revents = 0;
        const int ready = ::poll(fds, 2, m_heartbeat ? 250 : 500);
        if (ready < 0 && errno != EINTR)
            break;
        const auto now = Clock::now();
        if (fds[1].revents & POLLIN) {
            std::uint64_t v;
            [[maybe_unused]] const ssize_t n = ::read(m_wakeFd, &v, sizeof v);
        }
        if (m_shutdownRequested && !shutdownHandled) {
            shutdownHandled = true;
            if (m_phase == Phase::Running || m_phase == Phase::StartOk ||
                m_phase == Phase::TuneOk || m_phase == Phase::Open)
                connectionError(ConnectionForced,
                                "broker forced connection closure with reason 'shutdown'");
            else if (m_phase != Phase::Closing)
                break;
            m_closingSince = now - 1s; // a second to answer close-ok, not two
        }
        if (fds[0].revents & (POLLERR | POLLNVAL))
            break;
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            if (!readSocket())
                break;
            m_lastRead = now;
            processInput();
        }
        flushAllConfirms();
        flushReplies();
        if (outboundBytes()) {
            const std::size_t before = outboundBytes();
            if (!writeSocket())
                break;
            if (outboundBytes() < before)
                lastWriteProgress = now;
        }
        if (m_closeAfterWrite && outboundBytes() == 0)
            break;
        // Timers: the handshake, heartbeats, an unanswered connection.close.
        if (m_phase != Phase::Running && m_phase != Phase::Closing &&
            now - started > std::chrono::seconds(m_options.handshakeTimeoutSeconds)) {
            log("connection from " + m_peer + ": handshake timed out");
            break;
        }
        if (m_phase == Phase::Closing && now - m_closingSince > 2s)
            break;
        // Broker::restart() closed the broker's side (320): tell the client. Checked when the
        // socket was quiet; a busy connection meets it in its next method.
        if (ready == 0 && m_phase == Phase::Running && m_conn && !m_conn->isOpen())
            connectionError(ConnectionForced,
                            "broker forced connection closure with reason 'restart'");
        if (m_heartbeat && m_phase == Phase::Running) {
            const auto hb = std::chrono::seconds(m_heartbeat);
            if (now - m_lastWrite >= hb / 2) {
                std::lock_guard lock(m_outMutex);
                FrameWriter::heartbeat(m_out);
                m_lastWrite = now;
            }
            const bool dead =
                paused ? now - lastWriteProgress > 2 * hb : now - m_lastRead > 2 * hb;
            if (dead) {
                log("connection " + m_name + ": missed heartbeats, closed");
                break;
            }
        }
    }
    m_phase = Phase::Done;
    closeAllChannels();
    if (m_conn) {
        m_conn->close();
        log("connection " + m_name + " closed");
    }
    ::shutdown(m_fd, SHUT_RDWR);
    m_finished = true;
}

bool ServerConnection::readSocket()
{
    const std::size_t old = m_in.size();
    m_in.resize(old + kReadChunk);
    const ssize_t n = ::recv(m_fd, m_in.data() + old, kReadChunk, 0);
    if (n > 0) {
        m_in.resize(old + static_cast<std::size_t>(n));
        return true;
    }
    m_in.resize(old);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return true;
    return false;
}

bool ServerConnection::writeSocket()
{
    std::lock_guard lock(m_outMutex);
    while (m_outPos < m_out.size()) {
        const ssize_t n =
            ::send(m_fd, m_out.data() + m_outPos, m_out.size() - m_outPos, MSG_NOSIGNAL);
        if (n > 0) {
            m_outPos += static_cast<std::size_t>(n);
            m_lastWrite = Clock::now();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return false;
    }
    if (m_outPos == m_out.size()) {
        m_out.clear();
        m_outPos = 0;
    } else if (m_outPos > (1u << 20)) {
        m_out.erase(0, m_outPos);
        m_outPos = 0;
    }
    m_outSpace.notify_all();
    return true;
}

std::size_t ServerConnection::outboundBytes()
{
    std::lock_guard lock(m_outMutex);
    return m_out.size() - m_outPos;
}

void ServerConnection::flushReplies()
{
    if (m_reply.empty())
        return;
    std::lock_guard lock(m_outMutex);
    flushRepliesLocked();
}

void ServerConnection::flushRepliesLocked()
{
    m_out += m_reply;
    m_reply.clear();
}

// --- frames ----------------------------------------------------------------------------------

void ServerConnection::processInput()
{
    const std::string_view in(m_in);
    std::size_t pos = 0;
    while (m_phase != Phase::Done && !m_closeAfterWrite) {
        if (m_phase == Phase::Header) {
            const auto check = wire::checkProtocolHeader(in.substr(pos));
            if (check == wire::HeaderCheck::NeedMore)
                break;
            if (check == wire::HeaderCheck::Wrong) {
                // The spec's answer to a header it does not speak: its own, then close.
                log("connection from " + m_peer + ": not an AMQP 0-9-1 protocol header");
                m_reply.append(wire::kProtocolHeader);
                m_closeAfterWrite = true;
                pos = in.size();
                break;
            }
            pos += wire::kProtocolHeader.size();
            sendStart();
            m_phase = Phase::StartOk;
            continue;
        }
        const auto r = wire::readFrame(in.substr(pos), m_frameMax);
        if (r.status == wire::ReadStatus::NeedMore)
            break;
        if (r.status == wire::ReadStatus::Error) {
            if (m_phase == Phase::Closing)
                m_closeAfterWrite = true;
            else
                connectionError(r.code, r.text);
            pos = in.size();
            break;
        }
        pos += r.consumed;
        handleFrame(r.frame);
        recycle_amqp_pool(&m_pool);
    }
    if (m_closeAfterWrite || m_phase == Phase::Done)
        pos = in.size();
    m_in.erase(0, pos);
}

void ServerConnection::handleFrame(const wire::RawFrame &frame)
{
    if (frame.type == wire::FrameType::Heartbeat) {
        if (frame.channel != 0 && m_phase != Phase::Closing)
            connectionError(FrameError,
                            "heartbeat frame on channel " + std::to_string(frame.channel));
        return;
    }
    if (m_phase == Phase::Closing) {
        // After connection.close only close-ok (or the client's own close) counts.
        if (frame.type != wire::FrameType::Method || frame.channel != 0)
            return;
        Method m;
        std::string why;
        if (decodeMethod(frame.payload, m_pool, m, &why) != 0)
            return;
        if (m.id == AMQP_CONNECTION_CLOSE_OK_METHOD) {
            m_closeAfterWrite = true;
        } else if (m.id == AMQP_CONNECTION_CLOSE_METHOD) {
            amqp_connection_close_ok_t ok{};
            m_writer.method(m_reply, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
            m_closeAfterWrite = true;
        }
        return;
    }
    if (frame.channel != 0) {
        if (m_phase != Phase::Running) {
            connectionError(CommandInvalid, "channel " + std::to_string(frame.channel) +
                                                " used before connection.open");
            return;
        }
        handleChannelFrame(frame);
        return;
    }
    if (frame.type != wire::FrameType::Method) {
        connectionError(UnexpectedFrame, "content frame on channel 0");
        return;
    }
    Method m;
    std::string why;
    if (const int code = decodeMethod(frame.payload, m_pool, m, &why)) {
        connectionError(code, why, m.id);
        return;
    }
    handleConnectionMethod(m);
}

void ServerConnection::sendStart()
{
    amqp_table_entry_t caps[] = {
        entry("publisher_confirms", boolValue(true)),
        entry("exchange_exchange_bindings", boolValue(false)),
        entry("basic.nack", boolValue(true)),
        entry("consumer_cancel_notify", boolValue(true)),
        entry("connection.blocked", boolValue(false)),
        entry("consumer_priorities", boolValue(false)),
        entry("authentication_failure_close", boolValue(true)),
        entry("per_consumer_qos", boolValue(true)),
        entry("direct_reply_to", boolValue(false)),
    };
    amqp_field_value_t capsValue;
    capsValue.kind = AMQP_FIELD_KIND_TABLE;
    capsValue.value.table.num_entries = static_cast<int>(std::size(caps));
    capsValue.value.table.entries = caps;
    amqp_table_entry_t props[] = {
        entry("capabilities", capsValue),
        entry("product", textValue("Internals Workbench embedded broker")),
        entry("version", textValue("1.0")),
        entry("platform", textValue("C++ (rabbitmq-c codec)")),
        entry("information", textValue("The embedded broker of the messaging module, traced")),
    };
    amqp_connection_start_t start{};
    start.version_major = 0;
    start.version_minor = 9;
    start.server_properties.num_entries = static_cast<int>(std::size(props));
    start.server_properties.entries = props;
    start.mechanisms = amqp_cstring_bytes("PLAIN AMQPLAIN");
    start.locales = amqp_cstring_bytes("en_US");
    m_writer.method(m_reply, 0, AMQP_CONNECTION_START_METHOD, &start);
}

void ServerConnection::handleStartOk(const Method &m)
{
    const auto *ok = static_cast<const amqp_connection_start_ok_t *>(m.decoded);
    std::string name = tableText(ok->client_properties, "connection_name");
    if (name.empty())
        name = tableText(ok->client_properties, "product");
    if (name.empty())
        name = "AMQP client";
    m_name = name + " (" + m_peer + ")";

    const std::string mechanism = text(ok->mechanism);
    const std::string response = text(ok->response);
    std::string user, password;
    bool parsed = false;
    if (mechanism == "PLAIN") {
        // [authzid] NUL authcid NUL passwd
        const auto first = response.find('\0');
        const auto second =
            first == std::string::npos ? std::string::npos : response.find('\0', first + 1);
        if (second != std::string::npos) {
            user = response.substr(first + 1, second - first - 1);
            password = response.substr(second + 1);
            parsed = true;
        }
    } else if (mechanism == "AMQPLAIN") {
        parsed = parseAmqplain(response, user, password);
    } else {
        connectionError(AccessRefused, "unsupported authentication mechanism '" + mechanism +
                                           "' (PLAIN and AMQPLAIN are)");
        return;
    }
    if (!parsed) {
        connectionError(AccessRefused, mechanism + " login refused: a malformed response");
        return;
    }
    if (!m_options.user.empty() && (user != m_options.user || password != m_options.password)) {
        log("connection " + m_name + ": login refused for user '" + user + "'");
        connectionError(AccessRefused, "Login was refused using authentication mechanism " +
                                           mechanism + ". For details see the broker logfile.");
        return;
    }
    amqp_connection_tune_t tune{};
    tune.channel_max = m_options.channelMax;
    tune.frame_max = m_options.frameMax;
    tune.heartbeat = m_options.heartbeatSeconds;
    m_writer.method(m_reply, 0, AMQP_CONNECTION_TUNE_METHOD, &tune);
    m_phase = Phase::TuneOk;
}

void ServerConnection::handleConnectionMethod(const Method &m)
{
    switch (m_phase) {
    case Phase::StartOk:
        if (m.id != AMQP_CONNECTION_START_OK_METHOD)
            return connectionError(CommandInvalid, "expected connection.start-ok", m.id);
        return handleStartOk(m);
    case Phase::TuneOk: {
        if (m.id != AMQP_CONNECTION_TUNE_OK_METHOD)
            return connectionError(CommandInvalid, "expected connection.tune-ok", m.id);
        const auto *t = static_cast<const amqp_connection_tune_ok_t *>(m.decoded);
        const std::uint32_t frameMax = t->frame_max ? t->frame_max : m_options.frameMax;
        if (frameMax < AMQP_FRAME_MIN_SIZE || frameMax > m_options.frameMax)
            return connectionError(NotAllowed,
                                   "negotiated frame_max = " + std::to_string(frameMax) +
                                       " is outside 4096.." + std::to_string(m_options.frameMax),
                                   m.id);
        m_frameMax = frameMax;
        m_writer.setFrameMax(frameMax);
        m_channelMax =
            t->channel_max ? std::min(t->channel_max, m_options.channelMax) : m_options.channelMax;
        m_heartbeat = t->heartbeat;
        m_phase = Phase::Open;
        return;
    }
    case Phase::Open: {
        if (m.id != AMQP_CONNECTION_OPEN_METHOD)
            return connectionError(CommandInvalid, "expected connection.open", m.id);
        const auto *o = static_cast<const amqp_connection_open_t *>(m.decoded);
        const std::string vhost = text(o->virtual_host);
        if (vhost != "/")
            return connectionError(NotAllowed, "vhost '" + vhost + "' not found", m.id);
        m_conn = m_broker.connect(m_name);
        amqp_connection_open_ok_t ok{};
        ok.known_hosts = amqp_cstring_bytes("");
        m_writer.method(m_reply, 0, AMQP_CONNECTION_OPEN_OK_METHOD, &ok);
        m_phase = Phase::Running;
        log("connection " + m_name + " opened");
        return;
    }
    case Phase::Running:
        if (m.id == AMQP_CONNECTION_CLOSE_METHOD) {
            closeAllChannels();
            m_conn->close();
            amqp_connection_close_ok_t ok{};
            m_writer.method(m_reply, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
            m_closeAfterWrite = true;
            m_phase = Phase::Closing;
            return;
        }
        if (m.id == AMQP_CONNECTION_CLOSE_OK_METHOD)
            return;
        return connectionError(
            CommandInvalid, std::string("unexpected ") + amqp_method_name(m.id) + " on channel 0",
            m.id);
    default:
        return;
    }
}

// Sends connection.close and waits (in run()) for close-ok; the broker's side of the
// connection (channels, exclusive queues) goes at once.
void ServerConnection::connectionError(int code, const std::string &text, std::uint32_t method)
{
    if (m_phase == Phase::Closing || m_phase == Phase::Done)
        return;
    log("connection " + (m_name.empty() ? "from " + m_peer : m_name) + ": " +
        std::to_string(code) + " " + std::string(replyCodeName(code)) + " - " + text);
    flushAllConfirms();
    closeAllChannels();
    amqp_connection_close_t c{};
    c.reply_code = static_cast<std::uint16_t>(code);
    const std::string reply = replyText(code, text);
    c.reply_text = bytesOf(reply);
    c.class_id = static_cast<std::uint16_t>(method >> 16);
    c.method_id = static_cast<std::uint16_t>(method & 0xffff);
    m_writer.method(m_reply, 0, AMQP_CONNECTION_CLOSE_METHOD, &c);
    m_phase = Phase::Closing;
    m_closingSince = Clock::now();
}

} // namespace wb::messaging::server
