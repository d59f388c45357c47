// VRRP over IPv6. Every wire detail below was checked against real
// keepalived 2.2.7 packets (tests/data/captures/ipv6/*.hex, see the README
// there).
#include "engine/packet/vrrp_packet6.h"

#include <algorithm>
#include <cassert>

#include "engine/packet/byte_order.h"

namespace vrrp {

namespace {

constexpr std::size_t kVrrpHeaderLength = 8;
constexpr std::size_t kAddressLength6 = 16;
constexpr std::uint8_t kIpVersion6 = 6;
constexpr std::uint16_t kV3IntervalMask = 0x0fff;
constexpr std::uint32_t kFlowLabelMask = 0xfffff;

// Next-header values the decoder walks over (RFC 8200 section 4).
constexpr std::uint8_t kNextHopByHop = 0;
constexpr std::uint8_t kNextRouting = 43;
constexpr std::uint8_t kNextFragment = 44;
constexpr std::uint8_t kNextDestOptions = 60;

IpAddress LoadAddress6(const std::uint8_t* p) {
  return IpAddress::V6Words(Load32(p), Load32(p + 4), Load32(p + 8), Load32(p + 12));
}

void StoreAddress6(std::uint8_t* p, const IpAddress& a) {
  for (int i = 0; i < 4; ++i) Store32(p + 4 * i, a.word(i));
}

// Unfolded one's-complement partial sum of the IPv6 pseudo-header (RFC 8200
// section 8.1): source, destination, 32-bit upper-layer length, three zero
// bytes, next header 112. Fed to InternetChecksum as its initial value.
std::uint32_t PseudoHeaderSum6(const IpAddress& src, const IpAddress& dst,
                               std::size_t vrrp_length) {
  std::uint32_t sum = 0;
  for (int i = 0; i < 4; ++i) {
    sum += src.word(i) >> 16;
    sum += src.word(i) & 0xffff;
    sum += dst.word(i) >> 16;
    sum += dst.word(i) & 0xffff;
  }
  // An absurd buffer is only ever checked, never trusted: truncating the
  // length to 32 bits merely yields "checksum bad".
  const auto len = static_cast<std::uint32_t>(vrrp_length);
  sum += len >> 16;
  sum += len & 0xffff;
  sum += kIpProtoVrrp;
  return sum;
}

AuthType AuthTypeFromRaw(std::uint8_t raw) {
  switch (raw) {
    case 1:
      return AuthType::kPass;
    case 2:
      return AuthType::kAh;
    default:
      return AuthType::kNone;
  }
}

}  // namespace

std::size_t ExpectedVrrpLength6(int count) {
  return kVrrpHeaderLength + kAddressLength6 * static_cast<std::size_t>(std::max(count, 0));
}

DecodedPacket DecodeIpv6(std::span<const std::uint8_t> packet, Ipv6Extras* extras) {
  DecodedPacket out;
  Ipv6Extras ex;
  const std::uint8_t* p = packet.data();
  const std::size_t n = packet.size();
  out.received_length = n;
  out.ip_checksum_ok = true;  // IPv6 has no header checksum

  if (n < 1) {
    out.error = DecodeError::kTruncatedIpHeader;
    return out;
  }
  if ((p[0] >> 4) != kIpVersion6) {
    out.error = DecodeError::kNotIpv6;
    return out;
  }
  if (n < kIpv6HeaderLength) {
    out.error = DecodeError::kTruncatedIpHeader;
    return out;
  }
  out.ip_tos = static_cast<std::uint8_t>((p[0] << 4) | (p[1] >> 4));
  ex.flow_label = Load32(p) & kFlowLabelMask;
  ex.payload_length = Load16(p + 4);
  ex.first_next_header = p[6];
  out.ip_total_length = static_cast<std::uint16_t>(
      std::min<std::size_t>(kIpv6HeaderLength + ex.payload_length, 0xffff));
  VrrpAdvert& adv = out.advert;
  adv.ttl = p[7];
  adv.src = LoadAddress6(p + 8);
  adv.dst = LoadAddress6(p + 24);
  if (extras != nullptr) *extras = ex;

  // Walk the extension headers the kernel consumes before a raw socket sees
  // the payload. Each is at least 8 bytes; the walk ends within the buffer.
  std::uint8_t next = p[6];
  std::size_t off = kIpv6HeaderLength;
  while (next == kNextHopByHop || next == kNextRouting || next == kNextDestOptions) {
    if (n < off + 8) {
      out.error = DecodeError::kTruncatedIpHeader;
      return out;
    }
    const std::size_t len = (std::size_t{p[off + 1]} + 1) * 8;
    if (n < off + len) {
      out.error = DecodeError::kTruncatedIpHeader;
      return out;
    }
    next = p[off];
    off += len;
  }
  out.ip_header_length = off;
  out.ip_protocol = next;
  // The kernel reassembles before delivering to a raw socket; a fragment here
  // is something a kernel would never hand over.
  if (next == kNextFragment) {
    out.error = DecodeError::kFragment;
    return out;
  }
  if (next != kIpProtoVrrp) {
    out.error = DecodeError::kNotVrrp;
    return out;
  }

  out.vrrp_length = n - off;
  if (out.vrrp_length < kVrrpHeaderLength) {
    out.error = DecodeError::kTruncatedVrrp;
    return out;
  }
  const std::uint8_t* v = p + off;
  adv.version = static_cast<std::uint8_t>(v[0] >> 4);
  adv.type = static_cast<std::uint8_t>(v[0] & 0x0f);
  adv.vrid = v[1];
  adv.priority = v[2];
  adv.count = v[3];
  out.checksum = Load16(v + 6);
  if (adv.version == 3) {
    adv.adver_int = Load16(v + 4) & kV3IntervalMask;
  } else {
    // A `version 2` instance over IPv6 (keepalived keeps it when the version
    // is given before the family is known): v2 header, no auth bytes.
    adv.auth_type_raw = v[4];
    adv.auth_type = AuthTypeFromRaw(v[4]);
    adv.adver_int = v[5];
  }

  const std::size_t room = (out.vrrp_length - kVrrpHeaderLength) / kAddressLength6;
  const std::size_t present = std::min<std::size_t>(adv.count, room);
  adv.addresses.reserve(present);
  for (std::size_t i = 0; i < present; ++i)
    adv.addresses.push_back(LoadAddress6(v + kVrrpHeaderLength + kAddressLength6 * i));
  out.addresses_complete = present == adv.count;

  out.checksum_ok = InternetChecksum(packet.subspan(off),
                                     PseudoHeaderSum6(adv.src, adv.dst, out.vrrp_length)) == 0;
  return out;
}

void EncodeIpv6(const VrrpAdvert& advert, std::vector<std::uint8_t>* out, FlowLabel flow) {
  assert(advert.src.is_v6() && advert.dst.is_v6());
  assert(advert.addresses.size() <= static_cast<std::size_t>(kMaxVrrpAddresses));
  const std::size_t naddr =
      std::min(advert.addresses.size(), static_cast<std::size_t>(kMaxVrrpAddresses));
  const std::size_t vrrp_len = kVrrpHeaderLength + kAddressLength6 * naddr;
  out->assign(kIpv6HeaderLength + vrrp_len, 0);
  std::uint8_t* p = out->data();

  Store32(p, (std::uint32_t{kIpVersion6} << 28) | (std::uint32_t{kVrrpTrafficClass6} << 20) |
                 (flow.value & kFlowLabelMask));
  Store16(p + 4, static_cast<std::uint16_t>(vrrp_len));
  p[6] = kIpProtoVrrp;
  p[7] = advert.ttl;
  StoreAddress6(p + 8, advert.src);
  StoreAddress6(p + 24, advert.dst);

  std::uint8_t* v = p + kIpv6HeaderLength;
  v[0] = static_cast<std::uint8_t>((advert.version << 4) | (advert.type & 0x0f));
  v[1] = advert.vrid;
  v[2] = advert.priority;
  v[3] = advert.count;
  if (advert.version == 3) {
    Store16(v + 4, advert.adver_int & kV3IntervalMask);
  } else {
    v[4] = advert.auth_type_raw > 2 ? advert.auth_type_raw
                                    : static_cast<std::uint8_t>(advert.auth_type);
    v[5] = static_cast<std::uint8_t>(advert.adver_int);
  }
  for (std::size_t i = 0; i < naddr; ++i)
    StoreAddress6(v + kVrrpHeaderLength + kAddressLength6 * i, advert.addresses[i]);
  Store16(v + 6, InternetChecksum(std::span<const std::uint8_t>(v, vrrp_len),
                                  PseudoHeaderSum6(advert.src, advert.dst, vrrp_len)));
}

std::vector<std::uint8_t> EncodeIpv6(const VrrpAdvert& advert, FlowLabel flow) {
  std::vector<std::uint8_t> out;
  EncodeIpv6(advert, &out, flow);
  return out;
}

void EncodeAdvert(const VrrpAdvert& advert, std::vector<std::uint8_t>* out) {
  if (advert.src.is_v6()) {
    EncodeIpv6(advert, out);
  } else {
    EncodeIpv4(advert, out);
  }
}

DecodedPacket DecodeAdvert(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty() && (bytes[0] >> 4) == kIpVersion6) return DecodeIpv6(bytes);
  return DecodeIpv4(bytes);
}

}  // namespace vrrp
