// VRRP advertisement codec: VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798), IPv4.
//
// The codec works on whole IPv4 datagrams (what a raw socket receives). It
// separates two jobs:
//   * Decode: structural parsing. Never reads outside the buffer. Fails only
//     when the bytes cannot be understood as an IPv4 datagram carrying VRRP;
//     everything else (wrong TTL, bad checksum, length mismatches...) is
//     recorded in the result so that the instance can apply keepalived's
//     validation order (R13) and log the same reason keepalived logs.
//   * Encode: builds the exact bytes keepalived 2.2.7 sends.
// IPv6 packets: vrrp_packet6.h (same VrrpAdvert / DecodedPacket).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "engine/config/model.h"
#include "engine/ip_address.h"
#include "engine/ipv4.h"
#include "engine/packet/address_list.h"
#include "engine/state_key.h"

namespace vrrp {

inline constexpr std::uint8_t kIpProtoVrrp = 112;
inline constexpr std::uint8_t kIpProtoAh = 51;
inline constexpr std::uint8_t kVrrpTtl = 255;
inline constexpr int kMaxVrrpAddresses = 255;

// The fields of an advertisement, as sent or as received.
struct VrrpAdvert {
  // IP header fields that matter.
  IpAddress src;
  IpAddress dst;
  std::uint8_t ttl = kVrrpTtl;

  // VRRP header.
  std::uint8_t version = 2;  // 2 or 3
  std::uint8_t type = 1;     // 1 = ADVERTISEMENT
  std::uint8_t vrid = 0;
  std::uint8_t priority = 0;
  std::uint8_t count = 0;  // address count field as on the wire
  // v2: seconds (8 bits). v3: centiseconds (12 bits, the reserved upper
  // 4 bits are dropped on decode and zero on encode).
  std::uint16_t adver_int = 1;
  // v2 only.
  AuthType auth_type = AuthType::kNone;
  std::uint8_t auth_type_raw = 0;  // as on the wire (may be invalid)
  // PASS: the password, zero padded, as on the wire. AH: on encode, the key
  // (auth_pass) for the ICV; the VRRP message itself carries 8 zero bytes, as
  // keepalived sends it, so a decoded AH advert has zeros here.
  std::array<std::uint8_t, 8> auth_data{};
  AddressList addresses;  // a vector that holds up to 4 inline

  // Appended (additive). IPv4 identification field. keepalived keeps one
  // 16-bit counter per instance, advanced once per send round (all unicast
  // peers of one round share the value), first advert 1, 65535 -> 1 (never
  // 0, which would make the kernel pick one). See NextIpId(). Captured in
  // tests/data/captures; not part of any validation.
  std::uint16_t ip_id = 0;
  // Appended (additive). AH (auth_type AH, v2 only): the AH sequence number.
  // keepalived sends 1, 2, 3... per instance (in the captures it equals
  // ip_id). The SPI is always the source address.
  std::uint32_t ah_seq = 0;

  // Field for field (drivers memoise an advert's encoding on it, once per
  // advert sent). Written out rather than defaulted: the defaulted one
  // compares auth_data through a library memcmp call, a fifth of the cost.
  // (vrrp_packet.cpp asserts the size: a new field must be compared here.)
  friend bool operator==(const VrrpAdvert& a, const VrrpAdvert& b) {
    std::uint64_t auth_a;
    std::uint64_t auth_b;
    static_assert(sizeof auth_a == sizeof a.auth_data);
    std::memcpy(&auth_a, a.auth_data.data(), sizeof auth_a);
    std::memcpy(&auth_b, b.auth_data.data(), sizeof auth_b);
    return a.priority == b.priority && a.src == b.src && a.dst == b.dst && a.ttl == b.ttl &&
           a.version == b.version && a.type == b.type && a.vrid == b.vrid && a.count == b.count &&
           a.adver_int == b.adver_int && a.auth_type == b.auth_type &&
           a.auth_type_raw == b.auth_type_raw && auth_a == auth_b && a.ip_id == b.ip_id &&
           a.ah_seq == b.ah_seq && a.addresses == b.addresses;
  }
};

// The IP ID keepalived puts on the send round after the one that used `prev`
// (0 = nothing sent yet): prev + 1, wrapping 65535 -> 1.
constexpr std::uint16_t NextIpId(std::uint16_t prev) {
  return prev == 0xffff ? std::uint16_t{1} : static_cast<std::uint16_t>(prev + 1);
}

// keepalived's IPv4 header for adverts: TOS 0xc0 (precedence "internetwork
// control"), no options, DF clear (frag field 0).
inline constexpr std::uint8_t kVrrpIpTos = 0xc0;
inline constexpr std::size_t kIpv4HeaderLength = 20;
// The AH header keepalived builds: 12 fixed bytes + a 96-bit HMAC-MD5 ICV.
inline constexpr std::size_t kVrrpAhLength = 24;

// Why a datagram was not turned into a VrrpAdvert at all.
enum class DecodeError {
  kNone = 0,
  kTruncatedIpHeader,  // fewer than 20 bytes, or fewer than IHL*4
  kNotIpv4,            // version nibble != 4
  kBadIhl,             // IHL < 5
  kNotVrrp,            // protocol is neither 112 nor 51 (AH)
  kTruncatedVrrp,      // not even the 8-byte VRRP header fits
  kFragment,           // MF set or fragment offset != 0
  kNotIpv6,            // DecodeIpv6 (vrrp_packet6.h): version nibble != 6
};

const char* DecodeErrorName(DecodeError e);

struct DecodedPacket {
  DecodeError error = DecodeError::kNone;
  VrrpAdvert advert;  // valid only if error == kNone

  // Facts the R13 validation needs.
  bool has_ah = false;                // IP protocol was AH
  std::size_t received_length = 0;    // bytes handed to Decode
  std::uint16_t ip_total_length = 0;  // IPv4 total-length field
  std::size_t ip_header_length = 0;   // IHL * 4
  std::size_t vrrp_length = 0;        // bytes after the IP (and AH) header
  bool addresses_complete = false;    // all `count` addresses were inside the buffer
  bool checksum_ok = false;           // computed as for advert.version (v3: pseudo-header)
  bool ip_checksum_ok = false;

  // Appended (additive) facts, filled as far as the bytes allow even when
  // error != kNone.
  std::uint8_t ip_protocol = 0;  // 112, or 51 with AH
  std::uint8_t ip_tos = 0;       // keepalived sends 0xc0
  std::uint16_t ip_frag = 0;     // flags + fragment offset field (keepalived: 0)
  std::uint16_t checksum = 0;    // the VRRP checksum field as received
  // v3 only: the checksum matches the pre-1.3.6 keepalived algorithm, whose
  // pseudo-header always uses 224.0.0.18 as destination even for unicast
  // (`old_unicast_checksum`; keepalived 2.2.7 accepts it by auto-detection).
  // Equals checksum_ok for adverts sent to 224.0.0.18.
  bool checksum_ok_old_unicast = false;
  // AH only (has_ah): bytes of the AH header (from its length field), its
  // next-header field, SPI and sequence number. The ICV is not verified.
  std::size_t ah_length = 0;
  std::uint8_t ah_next_header = 0;
  std::uint32_t ah_spi = 0;

  // Derived, not a wire fact: PlainShape(*this) when the decoder returned.
  // It answers R13's packet-only checks for the common case once per frame,
  // not once per receiving instance (SurelyValid, validate.h). Whoever edits
  // a decoded packet's fields recomputes it; false only sends a receiver
  // down the full checks.
  bool plain = false;

  bool ok() const { return error == DecodeError::kNone; }
};

// True if `p` is an IPv4 advert in the shape keepalived sends: decoded
// without error, no AH, received and IPv4 total lengths both exactly the
// header, the `count` addresses and (v2) the 8 authentication bytes; a good
// VRRP checksum, TTL 255, type ADVERTISEMENT, version 2 with authentication
// type 0 or version 3, and a multicast destination. Every instance's
// validation passes such a packet on all of these checks (validate.cpp).
bool PlainShape(const DecodedPacket& p);

// Appends every field of `p` but the IPv4 ID (which no validation reads) as
// integers: two packets with equal encodings are handled alike by any
// receiver (Daemon::AppendState, the simulator's steady-state detection).
void AppendPacketState(const DecodedPacket& p, StateKeyWriter* out);

// REQUIRES: nothing; any byte sequence is accepted.
DecodedPacket DecodeIpv4(std::span<const std::uint8_t> datagram);

// Expected VRRP payload length (header + addresses + v2 auth) for `count`
// addresses, as keepalived computes it for the length check (R13 row 2).
// version 3 has no auth bytes; any other version is laid out as v2.
std::size_t ExpectedVrrpLength(int version, int count);

// Encodes a full IPv4 datagram exactly as keepalived 2.2.7 puts it on the
// wire (checked byte for byte against tests/data/captures): 20-byte header,
// TOS 0xc0, ID advert.ip_id, DF clear, TTL advert.ttl, protocol 112 (51 plus
// a 24-byte AH header when v2 auth_type is AH), both checksums. `count` is
// written as given (callers set it to addresses.size(); tests forge others).
// v2 auth type byte: auth_type_raw if it is not 0..2 (a forged value), else
// auth_type. With AH the ICV is HMAC-MD5-96 keyed with auth_data, computed as
// keepalived does (see VerifyAhIcv).
// REQUIRES: advert.addresses.size() <= kMaxVrrpAddresses.
std::vector<std::uint8_t> EncodeIpv4(const VrrpAdvert& advert);

// Encodes into `out` (cleared first), reusing its capacity.
void EncodeIpv4(const VrrpAdvert& advert, std::vector<std::uint8_t>* out);

// AH (RFC 2402) as keepalived uses it: true iff `datagram` is an IPv4 AH
// datagram whose 12-byte ICV equals HMAC-MD5-96 keyed with `key` (auth_pass,
// at most 8 bytes in keepalived; zero padding does not change an HMAC key)
// over the whole datagram with TOS, IP header checksum and ICV set to zero.
// keepalived does not zero the TTL (RFC 2402 would). Any byte sequence is safe.
bool VerifyAhIcv(std::span<const std::uint8_t> datagram, std::span<const std::uint8_t> key);

// Internet checksum (RFC 1071) over `data`, starting from `initial`.
std::uint16_t InternetChecksum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

// One line for logs and traces: "v2 vrid=51 prio=100 adv=1s auth=PASS 10.0.0.1>224.0.0.18 ttl=255
// [10.0.0.100]".
std::string Describe(const VrrpAdvert& advert);

}  // namespace vrrp
