// VRRP advertisements over IPv6 (RFC 5798 section 5.1.2), as keepalived 2.2.7
// sends and receives them, and the family dispatch over both codecs.
//
// The IPv6 codec fills the same VrrpAdvert / DecodedPacket as the IPv4 one
// (vrrp_packet.h), so the engine validates both families with one code path:
//   * advert.ttl is the hop limit; ip_tos the traffic class; ip_protocol the
//     upper-layer next header after any extension headers; ip_total_length
//     40 + the payload length field (saturated at 65535); ip_header_length
//     40 + the extension headers; ip_checksum_ok is true (IPv6 has no header
//     checksum); has_ah is false (keepalived has no AH over IPv6).
//   * the addresses are 16 bytes each, and the payload is never followed by
//     authentication bytes, whatever the version (keepalived lays out even a
//     `version 2` advert over IPv6 that way: tests/data/captures/ipv6/README.md).
//   * checksum_ok is the RFC 5798 IPv6 pseudo-header checksum for every
//     version: keepalived lets the kernel compute and verify it
//     (IPV6_CHECKSUM), which drops a bad one silently, before keepalived sees
//     it. checksum_ok_old_unicast is always false (that compatibility mode is
//     IPv4 only).
// Every wire detail was checked against real adverts
// (tests/data/captures/ipv6/*.hex).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/ip_address.h"
#include "engine/packet/vrrp_packet.h"

namespace vrrp {

inline constexpr std::size_t kIpv6HeaderLength = 40;
// keepalived sets traffic class 0xc0 on its VRRP socket (IPV6_TCLASS), the
// IPv6 counterpart of IPv4's TOS.
inline constexpr std::uint8_t kVrrpTrafficClass6 = 0xc0;
// Hop limit of IPv6 unicast adverts: keepalived 2.2.7 leaves the kernel's
// default (unicast_ttl is IPv4 only); multicast adverts use kVrrpTtl (255).
inline constexpr std::uint8_t kIpv6DefaultUnicastHops = 64;

// IPv6 header fields that no validation reads but a byte-exact encoding
// needs. The kernel picks the flow label (automatic flow labels: one per
// socket and destination, random per boot), so callers that want a capture's
// exact bytes pass the label decoded from it; anything else may use 0.
struct Ipv6Extras {
  std::uint32_t flow_label = 0;  // 20 bits
  std::uint16_t payload_length = 0;
  std::uint8_t first_next_header = 0;  // before extension headers
};

// Expected VRRP payload length for `count` IPv6 addresses, as keepalived
// computes it for the length check (R13 row 2): 8 + 16 * count, no auth bytes.
std::size_t ExpectedVrrpLength6(int count);

// REQUIRES: nothing; any byte sequence is accepted. Decodes an IPv6 packet
// (from the version nibble on). Hop-by-hop, routing and destination options
// headers are skipped as the kernel would before handing the payload to a raw
// socket; a fragment header gives DecodeError::kFragment; any other next
// header, AH included, DecodeError::kNotVrrp. `extras`, if given, receives
// the flow label, payload length and first next header (as far as the bytes
// allow, also on error).
DecodedPacket DecodeIpv6(std::span<const std::uint8_t> packet, Ipv6Extras* extras = nullptr);

// Encodes a full IPv6 packet as keepalived 2.2.7 sends it: traffic class 0xc0,
// `flow`, next header 112, hop limit advert.ttl, no extension headers;
// VRRP header (v3: 12-bit interval in centiseconds; any other version: auth
// type byte and 8-bit interval), 16-byte addresses, no auth bytes, and the
// IPv6 pseudo-header checksum. `count` is written as given.
// REQUIRES: advert.src, advert.dst and every address are IPv6;
//           advert.addresses.size() <= kMaxVrrpAddresses.
// The label is a type of its own so that a literal 0 cannot be mistaken for
// the output pointer.
struct FlowLabel {
  std::uint32_t value = 0;
};
void EncodeIpv6(const VrrpAdvert& advert, std::vector<std::uint8_t>* out, FlowLabel flow = {});
std::vector<std::uint8_t> EncodeIpv6(const VrrpAdvert& advert, FlowLabel flow = {});

// Family dispatch, for drivers that carry both: an advert whose source is
// IPv6 is encoded as IPv6, any other as IPv4 (EncodeIpv4, unchanged); bytes
// whose version nibble is 6 are decoded as IPv6, any others as IPv4.
void EncodeAdvert(const VrrpAdvert& advert, std::vector<std::uint8_t>* out);
DecodedPacket DecodeAdvert(std::span<const std::uint8_t> bytes);

}  // namespace vrrp
