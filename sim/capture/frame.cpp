#include "sim/capture/frame.h"

#include <cstdio>

#include "engine/packet/byte_order.h"
#include "engine/packet/vrrp_packet6.h"

namespace vsim::capture {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherArp = 0x0806;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint8_t kNextIcmp6 = 58;
constexpr std::uint8_t kIcmp6Na = 136;

using vrrp::Load16;
using vrrp::Load32;
std::uint64_t Mac(const std::uint8_t* p) {
  std::uint64_t m = 0;
  for (int i = 0; i < 6; ++i) m = (m << 8) | p[i];
  return m;
}

void Bad(Frame* out, std::string problem) {
  out->kind = FrameKind::kBad;
  out->problem = std::move(problem);
}

// The network-layer part: `type` is the EtherType, `p`..`end` its bytes.
void DecodeNetwork(std::uint16_t type, const std::uint8_t* p, const std::uint8_t* end, Frame* out) {
  // VLAN tags (after an SLL header they can appear too).
  for (int tags = 0; (type == kEtherVlan || type == kEtherQinQ); ++tags) {
    if (end - p < 4) return Bad(out, "VLAN tag cut short");
    if (tags >= 2) return;  // deeper stacks: not VRRP as far as we know
    const int vid = Load16(p) & 0x0fff;
    if (tags == 0)
      out->domain.vlan = vid;
    else
      out->domain.inner_vlan = vid;
    type = Load16(p + 2);
    p += 4;
  }
  const auto size = static_cast<std::size_t>(end - p);
  if (type == kEtherIpv4) {
    // Cheap filter first: only protocol 112 (VRRP) and 51 (AH) go on.
    if (size < vrrp::kIpv4HeaderLength) {
      if (size >= 10 && (p[9] == vrrp::kIpProtoVrrp || p[9] == vrrp::kIpProtoAh))
        Bad(out, "IPv4 header cut short (" + std::to_string(size) + " bytes)");
      return;
    }
    if ((p[0] >> 4) != 4 || (p[9] != vrrp::kIpProtoVrrp && p[9] != vrrp::kIpProtoAh)) return;
    // Trailing Ethernet padding: the datagram is what its total length says.
    std::size_t len = size;
    const std::size_t total = Load16(p + 2);
    if (total >= vrrp::kIpv4HeaderLength && total < len) len = total;
    out->vrrp = vrrp::DecodeIpv4({p, len});
    if (!out->vrrp.ok()) {
      if (out->vrrp.error == vrrp::DecodeError::kNotVrrp) return;
      return Bad(out, std::string("VRRP datagram: ") + vrrp::DecodeErrorName(out->vrrp.error));
    }
    out->kind = FrameKind::kVrrp;
    return;
  }
  if (type == kEtherArp) {
    if (size < 8) return Bad(out, "ARP header cut short");
    if (Load16(p) != 1 || Load16(p + 2) != kEtherIpv4 || p[4] != 6 || p[5] != 4)
      return;  // not IPv4 over Ethernet
    if (size < 28)
      return Bad(out, "ARP message cut short (" + std::to_string(size) + " of 28 bytes)");
    out->arp.op = Load16(p + 6);
    out->arp.sender_mac = Mac(p + 8);
    out->arp.sender_ip = vrrp::Ipv4(Load32(p + 14));
    out->arp.target_ip = vrrp::Ipv4(Load32(p + 24));
    out->kind = FrameKind::kArp;
    return;
  }
  if (type == kEtherIpv6) {
    // Cheap filter first: next header 112 (VRRP) or 58 (ICMPv6, for the
    // neighbour advertisements); extension headers before VRRP are walked by
    // the codec (keepalived sends none).
    if (size < vrrp::kIpv6HeaderLength) {
      if (size >= 7 && (p[6] == vrrp::kIpProtoVrrp || p[6] == kNextIcmp6))
        Bad(out, "IPv6 header cut short (" + std::to_string(size) + " bytes)");
      return;
    }
    if ((p[0] >> 4) != 6) return;
    // Trailing Ethernet padding: the packet is what its payload length says.
    std::size_t len = size;
    const std::size_t total = vrrp::kIpv6HeaderLength + Load16(p + 4);
    if (total < len) len = total;
    if (p[6] == kNextIcmp6) {
      if (len < vrrp::kIpv6HeaderLength + 1 || p[vrrp::kIpv6HeaderLength] != kIcmp6Na) return;
      auto na = vrrp::DecodeNeighbourAdvert({p, len});
      if (!na)
        return Bad(out, "IPv6 neighbour advertisement cut short (" +
                            std::to_string(len - vrrp::kIpv6HeaderLength) + " of 24 bytes)");
      out->na = *na;
      out->kind = FrameKind::kNa;
      return;
    }
    out->vrrp = vrrp::DecodeIpv6({p, len});
    if (!out->vrrp.ok()) {
      if (out->vrrp.error == vrrp::DecodeError::kNotVrrp) return;
      return Bad(out, std::string("VRRP over IPv6: ") + vrrp::DecodeErrorName(out->vrrp.error));
    }
    out->kind = FrameKind::kVrrp;
    return;
  }
}

}  // namespace

bool LinkTypeSupported(int link_type) {
  return link_type == kLinkEthernet || link_type == kLinkRaw || link_type == kLinkRawIpv4 ||
         link_type == kLinkLinuxSll || link_type == kLinkLinuxSll2;
}

std::string DomainName(const Domain& d) {
  std::string s;
  if (d.ifindex != 0) s = "if " + std::to_string(d.ifindex);
  if (d.vlan >= 0) {
    if (!s.empty()) s += ' ';
    s += "vlan " + std::to_string(d.vlan);
    if (d.inner_vlan >= 0) s += "." + std::to_string(d.inner_vlan);
  }
  return s;
}

std::string MacText(std::uint64_t mac) {
  char buf[18];
  std::snprintf(
      buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((mac >> 40) & 0xff),
      static_cast<unsigned>((mac >> 32) & 0xff), static_cast<unsigned>((mac >> 24) & 0xff),
      static_cast<unsigned>((mac >> 16) & 0xff), static_cast<unsigned>((mac >> 8) & 0xff),
      static_cast<unsigned>(mac & 0xff));
  return buf;
}

void DecodeFrame(int link_type, std::span<const std::uint8_t> bytes, Frame* out) {
  out->kind = FrameKind::kOther;
  out->domain = Domain{};
  out->src_mac = 0;
  out->problem.clear();
  const std::uint8_t* p = bytes.data();
  const std::uint8_t* end = p + bytes.size();
  const std::size_t n = bytes.size();
  switch (link_type) {
    case kLinkEthernet:
      if (n < 14)
        return Bad(out, "Ethernet header cut short (" + std::to_string(n) + " of 14 bytes)");
      out->src_mac = Mac(p + 6);
      return DecodeNetwork(Load16(p + 12), p + 14, end, out);
    case kLinkLinuxSll:
      if (n < 16)
        return Bad(out,
                   "Linux cooked (SLL) header cut short (" + std::to_string(n) + " of 16 bytes)");
      if (Load16(p + 4) == 6) out->src_mac = Mac(p + 6);
      return DecodeNetwork(Load16(p + 14), p + 16, end, out);
    case kLinkLinuxSll2:
      if (n < 20)
        return Bad(out,
                   "Linux cooked (SLL2) header cut short (" + std::to_string(n) + " of 20 bytes)");
      out->domain.ifindex = Load32(p + 4);
      if (p[11] == 6) out->src_mac = Mac(p + 12);
      return DecodeNetwork(Load16(p), p + 20, end, out);
    case kLinkRaw:
    case kLinkRawIpv4:
      if (n >= 1 && (p[0] >> 4) == 6) return DecodeNetwork(kEtherIpv6, p, end, out);
      return DecodeNetwork(kEtherIpv4, p, end, out);
    default:
      return;
  }
}

}  // namespace vsim::capture
