// Unsolicited IPv6 Neighbour Advertisements (RFC 4861 section 7.2.6), the
// IPv6 counterpart of gratuitous ARP: what keepalived 2.2.7 sends for each
// IPv6 VIP where it sends GARPs for IPv4 VIPs (R50-R52; a SendGarp action
// whose vip is IPv6 is one of these).
//
// Checked byte for byte against tests/data/captures/ipv6/na_*.hex: source the
// VIP itself, destination ff02::1, hop limit 255 (RFC 4861 requires it),
// traffic class and flow label 0, ICMPv6 type 136 code 0, flags R=0 S=0 O=1
// (override: the VIP has moved to this MAC), target the VIP, one option: the
// target link-layer address (the interface MAC). The Ethernet destination is
// 33:33:00:00:00:01.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/ip_address.h"

namespace vrrp {

using MacAddress = std::array<std::uint8_t, 6>;

// ff02::1, all nodes on the link.
inline constexpr IpAddress kAllNodes6 = IpAddress::V6Words(0xff020000, 0, 0, 1);
inline constexpr std::size_t kUnsolicitedNaLength = 40 + 32;

// The whole IPv6 packet (Ethernet header not included).
// REQUIRES: vip.is_v6().
std::vector<std::uint8_t> EncodeUnsolicitedNa(const IpAddress& vip, const MacAddress& mac);

// What a receiver (a neighbour cache) takes from an advertisement.
struct NeighbourAdvert {
  IpAddress src;
  IpAddress target;
  bool router = false;
  bool solicited = false;
  bool override_flag = false;
  std::optional<MacAddress> target_mac;  // the target link-layer address option
  std::uint8_t hop_limit = 0;
  bool checksum_ok = false;
};

// nullopt unless `packet` is an IPv6 packet (no extension headers) carrying
// an ICMPv6 neighbour advertisement of at least 24 bytes. Any byte sequence is
// safe. RFC 4861's receive checks (hop limit 255, checksum) are reported, not
// applied.
std::optional<NeighbourAdvert> DecodeNeighbourAdvert(std::span<const std::uint8_t> packet);

}  // namespace vrrp
