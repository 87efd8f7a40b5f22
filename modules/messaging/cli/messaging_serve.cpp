// `workbench-cli messaging serve`: the embedded broker as an AMQP 0-9-1 server until SIGINT
// or SIGTERM.

#include "messaging/core/amqp_server.h"
#include "messaging/core/broker.h"
#include "workbench/core/cli.h"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <string>
#include <vector>

namespace {

using namespace wb::messaging;
namespace cli = wb::cli;

const char *const kServeUsage =
    "Usage: workbench-cli messaging serve [--listen HOST:PORT] [--data DIR]\n"
    "                                     [--user U --password-file F]\n"
    "  The embedded broker as an AMQP 0-9-1 server (RabbitMQ's protocol: publisher confirms,\n"
    "  basic.nack, consumer cancel notifications) until SIGINT or SIGTERM, which close every\n"
    "  connection (320 CONNECTION_FORCED) and exit 0.\n"
    "  --listen HOST:PORT  numeric address and port, 127.0.0.1:5673 by default; [::1]:5673\n"
    "                      for IPv6. A non-loopback address needs --user and --password-file.\n"
    "  --data DIR          keep durable exchanges, queues and persistent messages in DIR.\n"
    "  --user U --password-file F  the login every client must give (PLAIN or AMQPLAIN); the\n"
    "                      password is the file's first line. Without them any login is\n"
    "                      accepted.\n"
    "  Exit codes: 0 stopped by a signal, 2 bad usage or the port is in use, 3 other failures.\n";

int usage(cli::Invocation &inv, const std::string &message)
{
    inv.err << "workbench-cli messaging serve: " << message << '\n';
    return cli::Usage;
}

} // namespace

int wbMessagingServe(cli::Invocation &inv, const std::vector<std::string> &args)
{
    AmqpServerOptions options;
    options.port = 5673;
    std::string data, passwordFile;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            inv.out << kServeUsage;
            return cli::Ok;
        }
        if (i + 1 >= args.size())
            return usage(inv, "unknown option or missing value: '" + a + "'");
        const std::string &v = args[++i];
        if (a == "--listen") {
            std::string host, port;
            if (!v.empty() && v.front() == '[') {
                const auto close = v.find("]:");
                if (close == std::string::npos)
                    return usage(inv, "--listen takes HOST:PORT or [IPV6]:PORT, got '" + v + "'");
                host = v.substr(1, close - 1);
                port = v.substr(close + 2);
            } else {
                const auto colon = v.rfind(':');
                if (colon == std::string::npos)
                    return usage(inv, "--listen takes HOST:PORT or [IPV6]:PORT, got '" + v + "'");
                host = v.substr(0, colon);
                port = v.substr(colon + 1);
            }
            int n = -1;
            try {
                std::size_t used = 0;
                n = std::stoi(port, &used);
                if (used != port.size())
                    n = -1;
            } catch (const std::exception &) {
            }
            if (n < 0 || n > 65535)
                return usage(inv, "--listen: '" + port + "' is not a port number (0..65535)");
            options.host = host;
            options.port = static_cast<std::uint16_t>(n);
        } else if (a == "--data") {
            data = v;
        } else if (a == "--user") {
            options.user = v;
        } else if (a == "--password-file") {
            passwordFile = v;
        } else {
            return usage(inv, "unknown option '" + a + "'");
        }
    }
    if (options.user.empty() != passwordFile.empty())
        return usage(inv, "--user and --password-file go together");
    if (!passwordFile.empty()) {
        std::ifstream f(passwordFile);
        if (!f)
            return usage(inv, "cannot read the password file '" + passwordFile + "'");
        std::getline(f, options.password);
        if (!options.password.empty() && options.password.back() == '\r')
            options.password.pop_back();
        if (options.password.empty())
            return usage(inv, "the password file '" + passwordFile + "' has an empty first line");
    }

    // The signals are taken by sigwait below, so every thread started from here blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::mutex logMutex;
    options.log = [&](const std::string &line) {
        std::lock_guard lock(logMutex);
        inv.out << "# " << line << '\n' << std::flush;
    };
    BrokerOptions brokerOptions;
    brokerOptions.dataDir = data;
    Broker broker(brokerOptions);
    if (!broker.journalError().empty())
        inv.err << "workbench-cli messaging serve: " << broker.journalError()
                << " (the broker runs in memory)\n";
    if (!broker.journalRecovery().empty())
        inv.err << "workbench-cli messaging serve: " << broker.journalRecovery() << '\n';

    std::unique_ptr<AmqpServer> server;
    try {
        server = std::make_unique<AmqpServer>(broker, options);
        server->start();
    } catch (const std::invalid_argument &e) {
        return usage(inv, e.what());
    } catch (const AmqpServerError &e) {
        inv.err << "workbench-cli messaging serve: " << e.what() << '\n';
        return e.errnoValue() == EADDRINUSE || e.errnoValue() == EINVAL ? cli::Usage
                                                                        : cli::Failure;
    }
    const bool v6 = options.host.find(':') != std::string::npos;
    {
        std::lock_guard lock(logMutex);
        inv.out << "listening on amqp://" << (v6 ? "[" + options.host + "]" : options.host) << ':'
                << server->port() << "/ (Ctrl+C stops)\n"
                << std::flush;
    }
    int received = 0;
    sigwait(&signals, &received);
    server->stop();
    {
        std::lock_guard lock(logMutex);
        inv.out << "# stopped by " << (received == SIGINT ? "SIGINT" : "SIGTERM") << '\n'
                << std::flush;
    }
    return cli::Ok;
}
