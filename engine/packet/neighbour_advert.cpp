// Unsolicited neighbour advertisements, as keepalived 2.2.7 puts them on the
// wire (tests/data/captures/ipv6/na_*.hex).
#include "engine/packet/neighbour_advert.h"

#include <cassert>

#include "engine/packet/vrrp_packet.h"

namespace vrrp {

namespace {

constexpr std::uint8_t kNextIcmp6 = 58;
constexpr std::uint8_t kIcmp6NeighbourAdvert = 136;
constexpr std::uint8_t kNdHopLimit = 255;
constexpr std::uint8_t kFlagRouter = 0x80;
constexpr std::uint8_t kFlagSolicited = 0x40;
constexpr std::uint8_t kFlagOverride = 0x20;
constexpr std::uint8_t kOptTargetLinkLayer = 2;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kNaFixed = 24;  // type, code, checksum, flags, target

void StoreAddress(std::uint8_t* p, const IpAddress& a) {
  for (int i = 0; i < 4; ++i) {
    const std::uint32_t w = a.word(i);
    p[4 * i] = static_cast<std::uint8_t>(w >> 24);
    p[4 * i + 1] = static_cast<std::uint8_t>(w >> 16);
    p[4 * i + 2] = static_cast<std::uint8_t>(w >> 8);
    p[4 * i + 3] = static_cast<std::uint8_t>(w);
  }
}

IpAddress LoadAddress(const std::uint8_t* p) {
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = p[i];
  return IpAddress::V6(b);
}

// One's-complement sum of the ICMPv6 pseudo-header (RFC 8200 section 8.1).
std::uint32_t PseudoHeaderSum(const std::uint8_t* ip6, std::size_t length) {
  std::uint32_t sum = 0;
  for (std::size_t i = 8; i < 40; i += 2)
    sum += static_cast<std::uint32_t>(ip6[i] << 8 | ip6[i + 1]);
  sum += static_cast<std::uint32_t>(length >> 16) + static_cast<std::uint32_t>(length & 0xffff);
  sum += kNextIcmp6;
  return sum;
}

}  // namespace

std::vector<std::uint8_t> EncodeUnsolicitedNa(const IpAddress& vip, const MacAddress& mac) {
  assert(vip.is_v6());
  std::vector<std::uint8_t> out(kUnsolicitedNaLength, 0);
  std::uint8_t* p = out.data();
  const std::size_t icmp_len = kUnsolicitedNaLength - kIpv6Header;
  p[0] = 0x60;  // version 6, traffic class 0, flow label 0
  p[4] = static_cast<std::uint8_t>(icmp_len >> 8);
  p[5] = static_cast<std::uint8_t>(icmp_len);
  p[6] = kNextIcmp6;
  p[7] = kNdHopLimit;
  StoreAddress(p + 8, vip);
  StoreAddress(p + 24, kAllNodes6);
  std::uint8_t* m = p + kIpv6Header;
  m[0] = kIcmp6NeighbourAdvert;
  m[4] = kFlagOverride;
  StoreAddress(m + 8, vip);
  m[24] = kOptTargetLinkLayer;
  m[25] = 1;  // in units of 8 bytes
  for (std::size_t i = 0; i < mac.size(); ++i) m[26 + i] = mac[i];
  const std::uint16_t sum =
      InternetChecksum(std::span<const std::uint8_t>(m, icmp_len), PseudoHeaderSum(p, icmp_len));
  m[2] = static_cast<std::uint8_t>(sum >> 8);
  m[3] = static_cast<std::uint8_t>(sum);
  return out;
}

std::optional<NeighbourAdvert> DecodeNeighbourAdvert(std::span<const std::uint8_t> packet) {
  const std::uint8_t* p = packet.data();
  const std::size_t n = packet.size();
  if (n < kIpv6Header + kNaFixed || (p[0] >> 4) != 6 || p[6] != kNextIcmp6) return std::nullopt;
  const std::uint8_t* m = p + kIpv6Header;
  if (m[0] != kIcmp6NeighbourAdvert) return std::nullopt;
  NeighbourAdvert na;
  na.src = LoadAddress(p + 8);
  na.hop_limit = p[7];
  na.router = (m[4] & kFlagRouter) != 0;
  na.solicited = (m[4] & kFlagSolicited) != 0;
  na.override_flag = (m[4] & kFlagOverride) != 0;
  na.target = LoadAddress(m + 8);
  const std::size_t icmp_len = n - kIpv6Header;
  na.checksum_ok = InternetChecksum(packet.subspan(kIpv6Header), PseudoHeaderSum(p, icmp_len)) == 0;
  // Options: type, length in 8-byte units (0 is invalid and ends the walk).
  std::size_t off = kNaFixed;
  while (off + 2 <= icmp_len && m[off + 1] != 0) {
    const std::size_t len = std::size_t{m[off + 1]} * 8;
    if (off + len > icmp_len) break;
    if (m[off] == kOptTargetLinkLayer && len >= 8) {
      MacAddress mac{};
      for (std::size_t i = 0; i < mac.size(); ++i) mac[i] = m[off + 2 + i];
      na.target_mac = mac;
    }
    off += len;
  }
  return na;
}

}  // namespace vrrp
