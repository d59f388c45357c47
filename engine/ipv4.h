// IPv4 addresses as host-order 32-bit integers.
//
// keepalived compares addresses as unsigned host-order integers for the
// equal-priority tie-break (R17), so that is the representation we keep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vrrp {

struct Ipv4 {
  std::uint32_t value = 0;  // host order: 10.0.0.1 == 0x0a000001

  constexpr Ipv4() = default;
  constexpr explicit Ipv4(std::uint32_t v) : value(v) {}
  constexpr Ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
      : value((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d) {}

  constexpr bool is_multicast() const { return (value >> 28) == 0xe; }
  constexpr bool is_zero() const { return value == 0; }

  // Dotted quad; nullopt unless the text is exactly four decimal octets 0..255.
  static std::optional<Ipv4> Parse(std::string_view text);
  std::string ToString() const;

  friend constexpr auto operator<=>(const Ipv4&, const Ipv4&) = default;
};

inline constexpr Ipv4 kVrrpMulticastGroup{224, 0, 0, 18};

// IPv6 addresses are read (keepalived.conf, lint) but not simulated: only
// these two questions are asked of them.
// True if `text` is an IPv6 address literal (inet_pton's syntax).
bool IsIpv6Literal(const std::string& text);
// True if `text` is an IPv6 multicast address (ff00::/8).
bool IsIpv6Multicast(const std::string& text);

}  // namespace vrrp
