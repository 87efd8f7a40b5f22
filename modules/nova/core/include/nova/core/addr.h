#pragma once
// IPv4 addresses, networks and Ethernet MACs as Nova's network code handles them.
//
// Parsers are strict (dotted quad with four decimal octets 0-255, prefix 0-32, six hex
// pairs separated by ':') and return nullopt on anything else, so a CLI can say what is
// wrong instead of guessing:
//
//     auto net = Ipv4Network::parse("10.0.0.0/27");   // right: check before use
//     Ipv4Network::parse("10.0.0.0/33").value();      // wrong: throws bad_optional_access

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wb {
class Rng;
}

namespace wb::nova {

struct Ipv4Address
{
    std::uint32_t value = 0; // host byte order: 10.0.0.1 is 0x0a000001

    static std::optional<Ipv4Address> parse(std::string_view text);
    std::string toString() const;

    friend auto operator<=>(const Ipv4Address &, const Ipv4Address &) = default;
    Ipv4Address operator+(std::uint32_t n) const { return {value + n}; }
};

// A network in CIDR form. The base is normalised: host bits are rejected by parse(), so
// "10.0.0.3/27" is an error rather than silently becoming 10.0.0.0/27.
struct Ipv4Network
{
    Ipv4Address base;
    int prefix = 32;

    static std::optional<Ipv4Network> parse(std::string_view text);
    std::string toString() const; // "10.0.0.0/27"

    std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
    std::uint32_t maskBits() const;
    Ipv4Address netmask() const { return {maskBits()}; } // 255.255.255.224 for /27
    Ipv4Address broadcast() const { return {base.value | ~maskBits()}; }
    Ipv4Address at(std::uint64_t index) const { return base + static_cast<std::uint32_t>(index); }
    bool contains(Ipv4Address a) const { return (a.value & maskBits()) == base.value; }

    friend bool operator==(const Ipv4Network &, const Ipv4Network &) = default;
};

struct MacAddress
{
    std::array<std::uint8_t, 6> bytes{};

    static std::optional<MacAddress> parse(std::string_view text); // "02:16:3e:17:35:39"
    std::string toString() const;                                  // lowercase, ':'-separated

    friend bool operator==(const MacAddress &, const MacAddress &) = default;
};

// Nova's generated instance MACs: the fixed prefix 02:16:3e (locally administered) and three
// random bytes from the seeded generator, so a seed reproduces the same MACs.
inline constexpr std::array<std::uint8_t, 3> kInstanceMacPrefix{0x02, 0x16, 0x3e};
MacAddress generateInstanceMac(wb::Rng &rng);

// The IPv6 link-local address of an interface (modified EUI-64): flip bit 0x02 of the first
// byte and insert ff:fe in the middle. 12:31:39:04:58:f5 gives "fe80::1031:39ff:fe04:58f5".
std::string linkLocalV6(const MacAddress &mac);

// The EC2 host name derived from a NIC's MAC: 12:31:39:04:58:f5 gives
// "domU-12-31-39-04-58-F5" (upper-case hex, as EC2 printed it).
std::string ec2HostName(const MacAddress &mac);

} // namespace wb::nova
