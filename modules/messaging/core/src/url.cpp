#include "messaging/core/client.h"

#include "workbench/core/cli.h"

namespace wb::messaging {

namespace {

// RFC 3986 percent-decoding; false on a malformed escape.
bool percentDecode(std::string_view in, std::string &out)
{
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size())
            return false;
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
            return -1;
        };
        const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
        if (hi < 0 || lo < 0)
            return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

bool setError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
    return false;
}

} // namespace

std::optional<BrokerUrl> BrokerUrl::parse(std::string_view text, std::string *error)
{
    BrokerUrl url;
    std::string_view rest;
    if (text.rfind("amqp://", 0) == 0) {
        rest = text.substr(7);
    } else if (text.rfind("amqps://", 0) == 0) {
        rest = text.substr(8);
        url.tls = true;
        url.port = 5671;
    } else {
        setError(error, "'" + std::string(text) +
                            "' is not a broker URL; use amqp://user:pass@host:port/vhost");
        return std::nullopt;
    }
    std::string_view path;
    bool hasPath = false;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        hasPath = true;
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const auto userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = userinfo.find(':');
        if (!percentDecode(userinfo.substr(0, colon), url.user) ||
            (colon != std::string_view::npos &&
             !percentDecode(userinfo.substr(colon + 1), url.password))) {
            setError(error, "the user or password in the broker URL has a bad %-escape");
            return std::nullopt;
        }
        if (colon == std::string_view::npos)
            url.password.clear();
    }
    std::string_view host = rest;
    std::string_view portText;
    bool hasPort = false;
    if (!rest.empty() && rest.front() == '[') {
        // An IPv6 literal (RFC 3986 section 3.2.2): [::1] or [::1]:5672.
        const auto close = rest.find(']');
        const auto after = close == std::string_view::npos ? rest : rest.substr(close + 1);
        if (close == std::string_view::npos || close == 1 ||
            (!after.empty() && after.front() != ':') ||
            rest.substr(1, close - 1).find_first_not_of("0123456789abcdefABCDEF:.") !=
                std::string_view::npos) {
            setError(error, "the host in the broker URL is not a bracketed IPv6 address: '" +
                                std::string(rest) + "'");
            return std::nullopt;
        }
        host = rest.substr(1, close - 1);
        if (!after.empty()) {
            hasPort = true;
            portText = after.substr(1);
        }
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        hasPort = true;
        portText = rest.substr(colon + 1);
    }
    if (hasPort) {
        const auto port = wb::cli::parseInt(portText);
        if (!port || *port < 1 || *port > 65535) {
            setError(error, "the port in the broker URL must be a number from 1 to 65535, not '" +
                                std::string(portText) + "'");
            return std::nullopt;
        }
        url.port = static_cast<int>(*port);
    }
    if (!host.empty())
        url.host = std::string(host);
    if (hasPath) {
        if (!percentDecode(path, url.vhost)) {
            setError(error, "the virtual host in the broker URL has a bad %-escape");
            return std::nullopt;
        }
    }
    return url;
}

namespace {

// scheme://[user@]host:port/vhost, the vhost's slashes escaped.
std::string urlText(const BrokerUrl &url, bool withUser)
{
    std::string vhostText;
    for (char c : url.vhost)
        vhostText += c == '/' ? std::string("%2f") : std::string(1, c);
    const bool ipv6 = url.host.find(':') != std::string::npos;
    return std::string(url.tls ? "amqps://" : "amqp://") + (withUser ? url.user + "@" : "") +
           (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port) + "/" +
           vhostText;
}

} // namespace

std::string BrokerUrl::redacted() const
{
    return urlText(*this, true);
}

std::string BrokerUrl::anonymous() const
{
    return urlText(*this, false);
}

} // namespace wb::messaging
