// The RabbitMQ transport: Connection and Channel over rabbitmq-c 0.11. This file opens the
// socket (TCP or TLS), logs in and names the cause when that fails; connectWithRetry tries
// again with growing delays. The framing is in rabbitmq_frames.cpp and the Channel and
// Connection classes in rabbitmq_channel.cpp (rabbitmq_connection.h holds what they share).
#include "messaging/core/client.h"

#include "rabbitmq_connection.h"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace wb::messaging {

using namespace rabbit;

namespace {

bool connectedToItself(int fd)
{
    sockaddr_storage local{}, peer{};
    socklen_t localLen = sizeof local, peerLen = sizeof peer;
    if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLen) != 0 ||
        ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLen) != 0)
        return false;
    return localLen == peerLen && std::memcmp(&local, &peer, localLen) == 0;
}

// rabbitmq-c reports every failed connect as "a socket error occurred". To name the cause
// (refused, unreachable, ...) this repeats the connect once, non-blocking, and reads SO_ERROR.
std::string socketErrorCause(const std::string &host, int port, milliseconds wait)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        return "unknown host";
    int cause = 0;
    for (addrinfo *a = found; a && cause != ECONNREFUSED; a = a->ai_next) {
        const int fd =
            ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            ::close(fd);
            cause = 0;
            break;
        }
        cause = errno;
        if (cause == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, static_cast<int>(wait.count())) == 1) {
                socklen_t len = sizeof cause;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &cause, &len);
            } else {
                cause = ETIMEDOUT;
            }
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (cause == ECONNREFUSED)
        return "connection refused";
    if (cause == ETIMEDOUT)
        return "timed out";
    return cause ? std::strerror(cause) : "the connection failed";
}

std::string reason(int status, const BrokerUrl &url, milliseconds timeout, milliseconds left)
{
    switch (status) {
    case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED:
        return "unknown host";
    case AMQP_STATUS_TIMEOUT:
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    case AMQP_STATUS_SOCKET_ERROR:
        return socketErrorCause(url.host, url.port,
                                std::clamp(left, milliseconds(1), milliseconds(1000)));
    default:
        return amqp_error_string2(status);
    }
}

} // namespace

std::unique_ptr<Connection> connectTo(const BrokerUrl &url, const ConnectOptions &options)
{
    const std::string name = url.redacted();
    const auto fail = [&](const std::string &why) -> ConnectionFailed {
        return ConnectionFailed("cannot connect to " + name + ": " + why);
    };
    const auto start = Clock::now();
    auto c = std::make_shared<ConnState>();
    c->name = name;
    c->tls = url.tls;
    c->conn = amqp_new_connection();
    if (!c->conn)
        throw fail("out of memory");

    amqp_socket_t *socket = nullptr;
    if (url.tls) {
        socket = amqp_ssl_socket_new(c->conn);
        if (socket) {
            // The system's certificate authorities unless WB_AMQPS_CACERT names a PEM file.
            const char *ca = std::getenv("WB_AMQPS_CACERT");
            std::string caFile = ca && *ca ? ca : "/etc/ssl/certs/ca-certificates.crt";
            struct stat st;
            if (::stat(caFile.c_str(), &st) == 0 &&
                amqp_ssl_socket_set_cacert(socket, caFile.c_str()) != AMQP_STATUS_OK)
                throw fail("cannot load the CA certificates in " + caFile);
            amqp_ssl_socket_set_verify_peer(socket, 1);
            amqp_ssl_socket_set_verify_hostname(socket, 1);
        }
    } else {
        socket = amqp_tcp_socket_new(c->conn);
    }
    if (!socket)
        throw fail("cannot create a socket");

    const auto remaining = [&] {
        return std::max(milliseconds(1),
                        options.timeout -
                            std::chrono::duration_cast<milliseconds>(Clock::now() - start));
    };
    timeval tv = toTimeval(options.timeout);
    const int status = amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &tv);
    if (status != AMQP_STATUS_OK)
        throw fail(reason(status, url, options.timeout, remaining()));
    // Connecting to a loopback port in the ephemeral range while nothing listens there can
    // pick that very port as the source: TCP's simultaneous open then joins the socket to
    // itself. Such a "connection" would block the broker from binding its port when it comes
    // back, so it counts as refused.
    if (connectedToItself(amqp_socket_get_sockfd(socket)))
        throw fail("cannot connect to " + url.redacted() + ": connection refused");

    // The rest of the handshake gets what is left of the timeout.
    const auto left = remaining();
    timeval handshake = toTimeval(left);
    amqp_set_handshake_timeout(c->conn, &handshake);
    timeval rpcTimeout = toTimeval(milliseconds(60000));
    amqp_set_rpc_timeout(c->conn, &rpcTimeout);

    amqp_table_entry_t prop;
    std::memset(&prop, 0, sizeof prop);
    prop.key = amqp_cstring_bytes("connection_name");
    prop.value.kind = AMQP_FIELD_KIND_UTF8;
    prop.value.value.bytes = bytes(options.clientName);
    amqp_table_t props;
    props.num_entries = 1;
    props.entries = &prop;
    // RabbitMQ has no virtual host named "" (what "amqp://host/" spells under the URI spec);
    // like most clients, take it as the default one, "/".
    const std::string vhost = url.vhost.empty() ? "/" : url.vhost;
    const auto r = amqp_login_with_properties(
        c->conn, vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, options.heartbeatSeconds, &props,
        AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str());
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        if (r.library_error == AMQP_STATUS_TIMEOUT)
            throw fail("timed out after " + std::to_string(options.timeout.count()) +
                       " ms in the AMQP handshake");
        if (r.library_error == AMQP_STATUS_CONNECTION_CLOSED ||
            r.library_error == AMQP_STATUS_SOCKET_CLOSED)
            throw fail("the broker closed the connection during login (refused user '" + url.user +
                       "' or vhost '" + vhost + "'?)");
        if (r.library_error == AMQP_STATUS_BAD_AMQP_DATA ||
            r.library_error == AMQP_STATUS_INCOMPATIBLE_AMQP_VERSION)
            throw fail(std::string("the peer does not speak AMQP 0-9-1 (") +
                       amqp_error_string2(r.library_error) + ")");
        throw fail(amqp_error_string2(r.library_error));
    }
    if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
        r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto *m = static_cast<amqp_connection_close_t *>(r.reply.decoded);
        const std::string why = std::to_string(m->reply_code) + " " + text(m->reply_text);
        c->connectionClosedByBroker(m->reply_code, replyText(m->reply_code, m->reply_text));
        throw fail("login refused (" + why + ")");
    }
    if (r.reply_type != AMQP_RESPONSE_NORMAL)
        throw fail("the AMQP handshake failed");
    amqp_set_handshake_timeout(c->conn, nullptr);
    const int channelMax = amqp_get_channel_max(c->conn);
    if (channelMax > 0)
        c->channelMax = std::min(channelMax, 65535);
    return makeConnection(std::move(c));
}

std::unique_ptr<Connection>
connectWithRetry(const BrokerUrl &url, const ConnectOptions &options, const RetryPolicy &retry,
                 const std::function<void(int, const std::string &, milliseconds)> &onRetry)
{
    const int attempts = std::max(1, retry.attempts);
    milliseconds delay = retry.firstDelay;
    for (int attempt = 1;; ++attempt) {
        try {
            return connectTo(url, options);
        } catch (const ConnectionFailed &e) {
            if (attempt >= attempts)
                throw ConnectionFailed(std::string(e.what()) + " (gave up after " +
                                       std::to_string(attempts) + " attempts)");
            if (onRetry)
                onRetry(attempt, e.what(), delay);
            std::this_thread::sleep_for(delay);
            delay = std::min(retry.maxDelay, delay * 2);
        }
    }
}

} // namespace wb::messaging
