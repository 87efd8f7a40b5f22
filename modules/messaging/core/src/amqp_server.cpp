// The AMQP server's listening socket: binds (loopback unless told otherwise), accepts in a
// thread of its own and runs each connection in a thread; stop() closes them all with
// 320 CONNECTION_FORCED.

#include "amqp_server_connection.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <list>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wb::messaging {

namespace {

bool isLoopback(const std::string &host)
{
    in_addr a4;
    if (::inet_pton(AF_INET, host.c_str(), &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    in6_addr a6;
    if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return host == "localhost";
}

std::string peerText(const sockaddr_storage &ss)
{
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        const auto *a = reinterpret_cast<const sockaddr_in *>(&ss);
        ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
        return std::string(buf) + ":" + std::to_string(ntohs(a->sin_port));
    }
    const auto *a = reinterpret_cast<const sockaddr_in6 *>(&ss);
    ::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a->sin6_port));
}

} // namespace

struct AmqpServer::Impl
{
    Broker &broker;
    AmqpServerOptions options;
    int listenFd = -1;
    int wakeFd = -1;
    std::uint16_t port = 0;
    std::thread acceptThread;
    std::atomic<bool> stopping{false};
    bool stopped = false;

    struct Entry
    {
        std::shared_ptr<server::ServerConnection> connection;
        std::thread thread;
    };
    mutable std::mutex mutex;
    std::list<Entry> connections;

    Impl(Broker &b, AmqpServerOptions o) : broker(b), options(std::move(o)) {}

    void reap()
    {
        std::list<Entry> done;
        {
            std::lock_guard lock(mutex);
            for (auto it = connections.begin(); it != connections.end();) {
                if (it->connection->finished())
                    done.splice(done.end(), connections, it++);
                else
                    ++it;
            }
        }
        for (auto &e : done)
            e.thread.join();
    }

    void acceptLoop()
    {
        while (!stopping) {
            pollfd fds[2] = {{listenFd, POLLIN, 0}, {wakeFd, POLLIN, 0}};
            const int ready = ::poll(fds, 2, 1000);
            reap();
            if (stopping)
                break;
            if (ready <= 0 || !(fds[0].revents & POLLIN))
                continue;
            sockaddr_storage ss{};
            socklen_t len = sizeof ss;
            const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr *>(&ss), &len,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            const std::string peer = peerText(ss);
            {
                std::lock_guard lock(mutex);
                if (connections.size() >= options.maxConnections) {
                    ::close(fd);
                    if (options.log)
                        options.log("connection from " + peer +
                                    " refused: " + std::to_string(options.maxConnections) +
                                    " connections are open");
                    continue;
                }
            }
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto conn = std::make_shared<server::ServerConnection>(broker, options, fd, peer);
            std::lock_guard lock(mutex);
            connections.push_back({conn, std::thread([conn] { conn->run(); })});
        }
    }
};

AmqpServer::AmqpServer(Broker &broker, AmqpServerOptions options)
{
    if (!isLoopback(options.host) && (options.user.empty() || options.password.empty()))
        throw std::invalid_argument("listening on " + options.host +
                                    " (not a loopback address) needs a user and a password");
    m_impl = std::make_unique<Impl>(broker, std::move(options));
}

AmqpServer::~AmqpServer()
{
    stop();
}

void AmqpServer::start()
{
    Impl &d = *m_impl;
    const std::string host = d.options.host == "localhost" ? "127.0.0.1" : d.options.host;
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto *a4 = reinterpret_cast<sockaddr_in *>(&ss);
    auto *a6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    if (::inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(d.options.port);
        len = sizeof *a4;
    } else if (::inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(d.options.port);
        len = sizeof *a6;
    } else {
        throw AmqpServerError("'" + d.options.host + "' is not a numeric IPv4 or IPv6 address",
                              EINVAL);
    }
    const std::string where = (ss.ss_family == AF_INET6 ? "[" + host + "]" : host) + ":" +
                              std::to_string(d.options.port);
    const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw AmqpServerError("cannot listen on " + where + ": " + std::strerror(errno), errno);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 || ::listen(fd, 128) != 0) {
        const int e = errno;
        ::close(fd);
        throw AmqpServerError("cannot listen on " + where + ": " + std::strerror(e), e);
    }
    sockaddr_storage bound{};
    socklen_t boundLen = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &boundLen);
    d.port =
        ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in *>(&bound)->sin_port
                                         : reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port);
    d.listenFd = fd;
    d.wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    d.acceptThread = std::thread([&d] { d.acceptLoop(); });
}

std::uint16_t AmqpServer::port() const
{
    return m_impl->port;
}

void AmqpServer::stop()
{
    Impl &d = *m_impl;
    if (d.stopped)
        return;
    d.stopped = true;
    d.stopping = true;
    if (d.wakeFd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(d.wakeFd, &one, sizeof one);
    }
    if (d.acceptThread.joinable())
        d.acceptThread.join();
    if (d.listenFd >= 0)
        ::close(d.listenFd);
    d.listenFd = -1;
    std::list<Impl::Entry> all;
    {
        std::lock_guard lock(d.mutex);
        all.swap(d.connections);
    }
    for (auto &e : all)
        e.connection->requestShutdown();
    for (auto &e : all)
        e.thread.join();
    if (d.wakeFd >= 0)
        ::close(d.wakeFd);
    d.wakeFd = -1;
}

std::size_t AmqpServer::connectionCount() const
{
    std::lock_guard lock(m_impl->mutex);
    std::size_t n = 0;
    for (const auto &e : m_impl->connections)
        n += e.connection->finished() ? 0 : 1;
    return n;
}

} // namespace wb::messaging

namespace wb::messaging {

std::size_t AmqpServer::outboundBytes() const
{
    std::lock_guard lock(m_impl->mutex);
    std::size_t n = 0;
    for (const auto &e : m_impl->connections)
        n += e.connection->outboundBytes();
    return n;
}

} // namespace wb::messaging
