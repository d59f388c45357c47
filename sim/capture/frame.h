// Link-layer decoding of captured frames for `vrrpsim capture` / `watch`.
//
// Pure code over bytes (no libpcap here): Ethernet (with 802.1Q / 802.1ad
// tags), Linux cooked captures (SLL, SLL2) and raw IPv4/IPv6. A VRRP
// datagram (over IPv4 or IPv6) is handed to the project's codec
// (engine/packet), and so is an IPv6 neighbour advertisement; ARP is read
// here. Never reads outside the buffer.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>

#include "engine/ipv4.h"
#include "engine/packet/neighbour_advert.h"
#include "engine/packet/vrrp_packet.h"

namespace vsim::capture {

// libpcap's link-layer header types (DLT_*/LINKTYPE_*) that frames come in.
inline constexpr int kLinkEthernet = 1;     // DLT_EN10MB
inline constexpr int kLinkRaw = 12;         // DLT_RAW (Linux)
inline constexpr int kLinkRawIpv4 = 101;    // LINKTYPE_RAW in files
inline constexpr int kLinkLinuxSll = 113;   // DLT_LINUX_SLL
inline constexpr int kLinkLinuxSll2 = 276;  // DLT_LINUX_SLL2
bool LinkTypeSupported(int link_type);

// A broadcast domain as far as the capture tells: the VLAN tags and, in an
// SLL2 ("any" interface) capture, the interface index. One VRID on two
// domains is two unrelated groups.
struct Domain {
  std::uint32_t ifindex = 0;  // 0: not known
  int vlan = -1;              // outer 802.1Q VLAN id, -1: untagged
  int inner_vlan = -1;        // QinQ inner id
  friend auto operator<=>(const Domain&, const Domain&) = default;
  bool operator==(const Domain&) const = default;
};
// "" for the default domain, else e.g. "vlan 100", "if 3 vlan 100.20".
std::string DomainName(const Domain& d);

struct ArpInfo {
  std::uint16_t op = 0;  // 1 request, 2 reply
  std::uint64_t sender_mac = 0;
  vrrp::Ipv4 sender_ip;
  vrrp::Ipv4 target_ip;
  bool gratuitous() const { return sender_ip == target_ip; }
};

enum class FrameKind : std::uint8_t {
  kOther,  // neither VRRP nor ARP: ignored
  kVrrp,   // an IPv4 datagram with protocol 112 (or 51, AH), or an IPv6
           // packet with next header 112: `vrrp` (vrrp.advert.src's family)
  kArp,    // `arp`
  kNa,     // an IPv6 neighbour advertisement: `na` (the IPv6 GARP when
           // unsolicited: not solicited, override set)
  kBad,    // a frame that claims VRRP, ARP or an NA but cannot be read: `problem`
};

struct Frame {
  FrameKind kind = FrameKind::kOther;
  Domain domain;
  std::uint64_t src_mac = 0;  // Ethernet / SLL source address, 0 if none
  vrrp::DecodedPacket vrrp;
  ArpInfo arp;
  vrrp::NeighbourAdvert na;
  std::string problem;
};

// Decodes one captured frame (`bytes`: what was captured of it) of
// `link_type`. Reuses `*out`.
void DecodeFrame(int link_type, std::span<const std::uint8_t> bytes, Frame* out);

// "00:11:22:33:44:55".
std::string MacText(std::uint64_t mac);

}  // namespace vsim::capture
