#include "nova/core/addr.h"

#include "workbench/core/rng.h"

#include <charconv>
#include <cstdio>

namespace wb::nova {

namespace {

std::optional<std::uint32_t> parseDecimal(std::string_view s, std::uint32_t max)
{
    if (s.empty() || s.size() > 3 || (s.size() > 1 && s.front() == '0'))
        return std::nullopt;
    std::uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v > max)
        return std::nullopt;
    return v;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text)
{
    std::uint32_t value = 0;
    for (int octet = 0; octet < 4; ++octet) {
        const auto dot = text.find('.');
        const bool last = octet == 3;
        if (last != (dot == std::string_view::npos))
            return std::nullopt;
        const auto part = last ? text : text.substr(0, dot);
        const auto v = parseDecimal(part, 255);
        if (!v)
            return std::nullopt;
        value = (value << 8) | *v;
        if (!last)
            text.remove_prefix(dot + 1);
    }
    return Ipv4Address{value};
}

std::string Ipv4Address::toString() const
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (value >> 24) & 0xff, (value >> 16) & 0xff,
                  (value >> 8) & 0xff, value & 0xff);
    return buf;
}

std::optional<Ipv4Network> Ipv4Network::parse(std::string_view text)
{
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    const auto base = Ipv4Address::parse(text.substr(0, slash));
    const auto prefix = parseDecimal(text.substr(slash + 1), 32);
    if (!base || !prefix)
        return std::nullopt;
    Ipv4Network net{*base, static_cast<int>(*prefix)};
    if ((base->value & net.maskBits()) != base->value)
        return std::nullopt;
    return net;
}

std::string Ipv4Network::toString() const
{
    return base.toString() + "/" + std::to_string(prefix);
}

std::uint32_t Ipv4Network::maskBits() const
{
    return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

std::optional<MacAddress> MacAddress::parse(std::string_view text)
{
    if (text.size() != 17)
        return std::nullopt;
    MacAddress mac;
    for (int i = 0; i < 6; ++i) {
        const int hi = hexDigit(text[i * 3]);
        const int lo = hexDigit(text[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':'))
            return std::nullopt;
        mac.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return mac;
}

std::string MacAddress::toString() const
{
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                  bytes[3], bytes[4], bytes[5]);
    return buf;
}

MacAddress generateInstanceMac(wb::Rng &rng)
{
    MacAddress mac;
    mac.bytes[0] = kInstanceMacPrefix[0];
    mac.bytes[1] = kInstanceMacPrefix[1];
    mac.bytes[2] = kInstanceMacPrefix[2];
    for (int i = 3; i < 6; ++i)
        mac.bytes[i] = static_cast<std::uint8_t>(rng.below(256));
    return mac;
}

std::string linkLocalV6(const MacAddress &mac)
{
    const auto &b = mac.bytes;
    char buf[40];
    // Groups of the interface identifier, leading zeros dropped as IPv6 text does.
    std::snprintf(buf, sizeof buf, "fe80::%x:%x:%x:%x", ((b[0] ^ 0x02) << 8) | b[1],
                  (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]);
    return buf;
}

std::string ec2HostName(const MacAddress &mac)
{
    char buf[32];
    const auto &b = mac.bytes;
    std::snprintf(buf, sizeof buf, "domU-%02X-%02X-%02X-%02X-%02X-%02X", b[0], b[1], b[2], b[3],
                  b[4], b[5]);
    return buf;
}

} // namespace wb::nova
