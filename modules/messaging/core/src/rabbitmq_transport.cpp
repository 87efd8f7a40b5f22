#include "messaging/core/client.h"

namespace wb::messaging {

std::unique_ptr<Connection> connectTo(const BrokerUrl &url, const ConnectOptions &)
{
    throw ConnectionFailed("cannot connect to " + url.redacted() +
                           ": the RabbitMQ transport is not available in this build");
}

} // namespace wb::messaging
