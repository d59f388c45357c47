// VRRP advertisement codec. Every wire detail below was checked against real
// keepalived 2.2.7 adverts (tests/data/captures/*.hex, see the README there),
// including the AH ICV.
#include "engine/packet/vrrp_packet.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "engine/packet/byte_order.h"
#include "engine/packet/md5.h"

namespace vrrp {

namespace {

constexpr std::size_t kVrrpHeaderLength = 8;
constexpr std::size_t kV2AuthLength = 8;
constexpr std::uint8_t kIpVersion4 = 4;
constexpr std::uint16_t kIpFlagMoreFragments = 0x2000;
constexpr std::uint16_t kIpFragOffsetMask = 0x1fff;
constexpr std::uint16_t kV3IntervalMask = 0x0fff;

// Unfolded one's-complement partial sum of the RFC 5798 section 5.2.8
// pseudo-header: source, destination, zero, protocol, VRRP length. Fed to
// InternetChecksum as its initial value.
std::uint32_t PseudoHeaderSum(const IpAddress& src, const IpAddress& dst, std::size_t vrrp_length) {
  std::uint32_t sum = 0;
  sum += src.word(0) >> 16;
  sum += src.word(0) & 0xffff;
  sum += dst.word(0) >> 16;
  sum += dst.word(0) & 0xffff;
  sum += kIpProtoVrrp;
  // The length field is 16 bits; an absurd buffer is only ever checked, never
  // trusted, so truncating it here merely yields "checksum bad".
  sum += static_cast<std::uint16_t>(vrrp_length);
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

std::uint8_t AuthByteForEncode(const VrrpAdvert& advert) {
  if (advert.auth_type_raw > 2) return advert.auth_type_raw;  // forged on purpose
  return static_cast<std::uint8_t>(advert.auth_type);
}

bool UsesAh(const VrrpAdvert& advert) {
  return advert.version != 3 && advert.auth_type == AuthType::kAh;
}

constexpr std::size_t kAhIcvOffset = 12;  // within the AH header
constexpr std::size_t kAhIcvLength = 12;  // HMAC-MD5-96

// The ICV keepalived computes for an AH datagram whose AH header starts at
// `ah_at` and is `ah_len` bytes long.
// REQUIRES: datagram holds at least ah_at + ah_len bytes, ah_len >= 24, ah_at >= 20.
Md5Digest AhHmac(std::span<const std::uint8_t> datagram, std::size_t ah_at, std::size_t ah_len,
                 std::span<const std::uint8_t> key) {
  // Mutable fields zeroed the way keepalived zeroes them: TOS and checksum;
  // then the ICV itself. The copy is a few dozen bytes.
  std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
  copy[1] = 0;
  copy[10] = 0;
  copy[11] = 0;
  std::fill(copy.begin() + static_cast<std::ptrdiff_t>(ah_at + kAhIcvOffset),
            copy.begin() + static_cast<std::ptrdiff_t>(ah_at + ah_len), 0);
  return HmacMd5(key, copy);
}

}  // namespace

const char* DecodeErrorName(DecodeError e) {
  switch (e) {
    case DecodeError::kNone:
      return "none";
    case DecodeError::kTruncatedIpHeader:
      return "truncated-ip-header";
    case DecodeError::kNotIpv4:
      return "not-ipv4";
    case DecodeError::kBadIhl:
      return "bad-ihl";
    case DecodeError::kNotVrrp:
      return "not-vrrp";
    case DecodeError::kTruncatedVrrp:
      return "truncated-vrrp";
    case DecodeError::kFragment:
      return "fragment";
    case DecodeError::kNotIpv6:
      return "not-ipv6";
  }
  return "unknown";
}

std::uint16_t InternetChecksum(std::span<const std::uint8_t> data, std::uint32_t initial) {
  // Big-endian 64-bit words, each carry out of bit 63 added back in: since
  // 2^16 = 1 modulo 0xffff, the fold below gives the same one's-complement
  // sum as adding the 16-bit words, in a quarter of the steps (every packet
  // received is checksummed twice).
  std::uint64_t sum = initial;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  for (; n >= 8; p += 8, n -= 8) {
    const std::uint64_t w = (std::uint64_t{Load32(p)} << 32) | Load32(p + 4);
    sum += w;
    sum += sum < w ? 1 : 0;  // end-around carry
  }
  // Fold to at most 33 bits (2^32 = 1 modulo 0xffff as well), then add the
  // at most 7 bytes left.
  sum = (sum & 0xffffffffu) + (sum >> 32);
  for (; n >= 2; p += 2, n -= 2) sum += Load16(p);
  if (n == 1) sum += std::uint64_t{*p} << 8;  // odd length: pad with zero
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::size_t ExpectedVrrpLength(int version, int count) {
  const std::size_t addresses = 4 * static_cast<std::size_t>(std::max(count, 0));
  return kVrrpHeaderLength + addresses + (version == 3 ? 0 : kV2AuthLength);
}

// `plain` is derived from the fields encoded here, so it is left out.
static_assert(sizeof(VrrpAdvert) == 168 && sizeof(DecodedPacket) == 256,
              "a packet field was added: encode it in AppendPacketState (and compare it in "
              "VrrpAdvert's operator==)");

void AppendPacketState(const DecodedPacket& p, StateKeyWriter* w) {
  const VrrpAdvert& a = p.advert;
  std::int64_t auth = 0;
  for (std::uint8_t b : a.auth_data) auth = (auth << 8) | b;
  for (std::int64_t v : {std::int64_t{static_cast<int>(p.error)},
                         std::int64_t{a.src.word(0)},
                         std::int64_t{a.dst.word(0)},
                         std::int64_t{a.ttl},
                         std::int64_t{a.version},
                         std::int64_t{a.type},
                         std::int64_t{a.vrid},
                         std::int64_t{a.priority},
                         std::int64_t{a.count},
                         std::int64_t{a.adver_int},
                         std::int64_t{static_cast<int>(a.auth_type)},
                         std::int64_t{a.auth_type_raw},
                         auth,
                         std::int64_t{a.ah_seq},
                         std::int64_t{p.has_ah},
                         static_cast<std::int64_t>(p.received_length),
                         std::int64_t{p.ip_total_length},
                         static_cast<std::int64_t>(p.ip_header_length),
                         static_cast<std::int64_t>(p.vrrp_length),
                         std::int64_t{p.addresses_complete},
                         std::int64_t{p.checksum_ok},
                         std::int64_t{p.ip_checksum_ok},
                         std::int64_t{p.ip_protocol},
                         std::int64_t{p.ip_tos},
                         std::int64_t{p.ip_frag},
                         std::int64_t{p.checksum},
                         std::int64_t{p.checksum_ok_old_unicast},
                         static_cast<std::int64_t>(p.ah_length),
                         std::int64_t{p.ah_next_header},
                         std::int64_t{p.ah_spi},
                         static_cast<std::int64_t>(a.addresses.size())})
    w->Put(v);
  for (std::size_t i = 0; i < a.addresses.size(); ++i) w->Put(a.addresses[i].word(0));
  // IPv6 (vrrp_packet6.h): the other three words of every address.
  if (a.src.is_v6() || a.dst.is_v6()) {
    for (const IpAddress* x : {&a.src, &a.dst})
      for (int k = 1; k < 4; ++k) w->Put(x->word(k));
    for (std::size_t i = 0; i < a.addresses.size(); ++i)
      for (int k = 1; k < 4; ++k) w->Put(a.addresses[i].word(k));
  }
}

DecodedPacket DecodeIpv4(std::span<const std::uint8_t> datagram) {
  DecodedPacket out;
  const std::uint8_t* p = datagram.data();
  const std::size_t n = datagram.size();
  out.received_length = n;

  // The version nibble is checked first so that an IPv6 datagram (or any
  // other garbage) is reported as such even when it is short.
  if (n < 1) {
    out.error = DecodeError::kTruncatedIpHeader;
    return out;
  }
  if ((p[0] >> 4) != kIpVersion4) {
    out.error = DecodeError::kNotIpv4;
    return out;
  }
  if (n < kIpv4HeaderLength) {
    out.error = DecodeError::kTruncatedIpHeader;
    return out;
  }
  const std::size_t ihl = std::size_t{p[0] & 0x0fu} * 4;
  out.ip_header_length = ihl;
  out.ip_tos = p[1];
  out.ip_total_length = Load16(p + 2);
  out.ip_frag = Load16(p + 6);
  out.ip_protocol = p[9];
  VrrpAdvert& adv = out.advert;
  adv.ip_id = Load16(p + 4);
  adv.ttl = p[8];
  adv.src = Ipv4(Load32(p + 12));
  adv.dst = Ipv4(Load32(p + 16));
  if (ihl < kIpv4HeaderLength) {
    out.error = DecodeError::kBadIhl;
    return out;
  }
  if (n < ihl) {
    out.error = DecodeError::kTruncatedIpHeader;
    return out;
  }
  out.ip_checksum_ok = InternetChecksum(datagram.first(ihl)) == 0;
  // keepalived receives through a raw socket, i.e. after reassembly; a
  // fragment here means the driver handed us something a kernel never would.
  if ((out.ip_frag & kIpFlagMoreFragments) != 0 || (out.ip_frag & kIpFragOffsetMask) != 0) {
    out.error = DecodeError::kFragment;
    return out;
  }

  std::size_t off = ihl;
  if (out.ip_protocol == kIpProtoAh) {
    out.has_ah = true;
    if (n < off + 2) {
      out.error = DecodeError::kTruncatedVrrp;
      return out;
    }
    out.ah_next_header = p[off];
    out.ah_length = (std::size_t{p[off + 1]} + 2) * 4;  // RFC 4302: 32-bit words minus 2
    if (n < off + 12) {
      out.error = DecodeError::kTruncatedVrrp;
      return out;
    }
    out.ah_spi = Load32(p + off + 4);
    adv.ah_seq = Load32(p + off + 8);
    if (out.ah_next_header != kIpProtoVrrp) {
      out.error = DecodeError::kNotVrrp;
      return out;
    }
    if (n < off + out.ah_length) {
      out.error = DecodeError::kTruncatedVrrp;
      return out;
    }
    off += out.ah_length;
  } else if (out.ip_protocol != kIpProtoVrrp) {
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
  const bool v3 = adv.version == 3;
  if (v3) {
    adv.adver_int = Load16(v + 4) & kV3IntervalMask;
    adv.auth_type_raw = 0;
    adv.auth_type = AuthType::kNone;
  } else {
    adv.auth_type_raw = v[4];
    adv.auth_type = AuthTypeFromRaw(v[4]);
    adv.adver_int = v[5];
  }

  // Addresses: take every one that lies wholly inside the buffer.
  const std::size_t room = (out.vrrp_length - kVrrpHeaderLength) / 4;
  const std::size_t present = std::min<std::size_t>(adv.count, room);
  adv.addresses.reserve(present);
  for (std::size_t i = 0; i < present; ++i) {
    adv.addresses.push_back(Ipv4(Load32(v + kVrrpHeaderLength + 4 * i)));
  }
  out.addresses_complete = present == adv.count;
  if (!v3 && out.addresses_complete) {
    // Whatever part of the 8 auth bytes is present; the rest stays zero and
    // the length check (R13 row 2) reports the shortfall.
    const std::size_t at = kVrrpHeaderLength + 4 * std::size_t{adv.count};
    const std::size_t have = std::min(kV2AuthLength, out.vrrp_length - at);
    if (have == kV2AuthLength)  // the usual case, as one 8-byte move
      std::memcpy(adv.auth_data.data(), v + at, kV2AuthLength);
    else
      std::memcpy(adv.auth_data.data(), v + at, have);
  }

  // Checksums over every VRRP byte received. keepalived checks the length
  // first (R13 row 2), so for any packet that reaches its checksum check this
  // is exactly the announced message.
  const std::span<const std::uint8_t> vrrp_bytes = datagram.subspan(off);
  if (v3) {
    out.checksum_ok =
        InternetChecksum(vrrp_bytes, PseudoHeaderSum(adv.src, adv.dst, out.vrrp_length)) == 0;
    out.checksum_ok_old_unicast =
        InternetChecksum(vrrp_bytes,
                         PseudoHeaderSum(adv.src, kVrrpMulticastGroup, out.vrrp_length)) == 0;
  } else {
    out.checksum_ok = InternetChecksum(vrrp_bytes) == 0;
  }
  // PlainShape(out) from the facts at hand (Decode.PlainShapeAsDecoded holds
  // the two equal): without AH, off == ihl; a length of exactly the header,
  // the addresses and the auth bytes means every address was present.
  out.plain =
      !out.has_ah && (v3 || adv.version == 2) &&
      n == ihl + kVrrpHeaderLength + 4 * std::size_t{adv.count} + (v3 ? 0 : kV2AuthLength) &&
      out.ip_total_length == n && out.checksum_ok && adv.ttl == kVrrpTtl && adv.type == 1 &&
      (v3 || adv.auth_type_raw == 0) && adv.dst.is_multicast();
  return out;
}

bool PlainShape(const DecodedPacket& p) {
  const VrrpAdvert& a = p.advert;
  if (!p.ok() || !a.src.is_v4() || p.has_ah) return false;
  if (a.version != 2 && a.version != 3) return false;
  const bool v3 = a.version == 3;
  const std::size_t expected =
      p.ip_header_length + kVrrpHeaderLength + 4u * a.count + (v3 ? 0 : kV2AuthLength);
  return p.received_length == expected && p.ip_total_length == p.received_length &&
         a.addresses.size() == a.count && p.checksum_ok && a.ttl == kVrrpTtl && a.type == 1 &&
         (v3 || a.auth_type_raw == 0) && a.dst.is_v4() && a.dst.is_multicast();
}

void EncodeIpv4(const VrrpAdvert& advert, std::vector<std::uint8_t>* out) {
  assert(advert.addresses.size() <= static_cast<std::size_t>(kMaxVrrpAddresses));
  const bool v3 = advert.version == 3;
  const bool ah = UsesAh(advert);
  // Clamp rather than overrun the 8-bit count's worth of space if the
  // precondition is broken in a release build.
  const std::size_t naddr =
      std::min(advert.addresses.size(), static_cast<std::size_t>(kMaxVrrpAddresses));
  const std::size_t vrrp_len = kVrrpHeaderLength + 4 * naddr + (v3 ? 0 : kV2AuthLength);
  const std::size_t ah_len = ah ? kVrrpAhLength : 0;
  const std::size_t total = kIpv4HeaderLength + ah_len + vrrp_len;

  out->assign(total, 0);
  std::uint8_t* p = out->data();

  // IPv4 header, field for field as captured from keepalived 2.2.7.
  p[0] = 0x45;
  p[1] = kVrrpIpTos;
  Store16(p + 2, static_cast<std::uint16_t>(total));
  Store16(p + 4, advert.ip_id);
  // p[6..7]: flags/fragment offset 0 (keepalived does not set DF).
  p[8] = advert.ttl;
  p[9] = ah ? kIpProtoAh : kIpProtoVrrp;
  Store32(p + 12, advert.src.word(0));
  Store32(p + 16, advert.dst.word(0));
  Store16(p + 10, InternetChecksum(std::span<const std::uint8_t>(p, kIpv4HeaderLength)));

  if (ah) {
    std::uint8_t* a = p + kIpv4HeaderLength;
    a[0] = kIpProtoVrrp;                                      // next header
    a[1] = static_cast<std::uint8_t>(kVrrpAhLength / 4 - 2);  // length in words - 2
    Store32(a + 4, advert.src.word(0));                       // SPI: keepalived uses saddr
    Store32(a + 8, advert.ah_seq);
    // a[12..23]: ICV (HMAC-MD5-96), not modelled: zero.
  }

  std::uint8_t* v = p + kIpv4HeaderLength + ah_len;
  v[0] = static_cast<std::uint8_t>((advert.version << 4) | (advert.type & 0x0f));
  v[1] = advert.vrid;
  v[2] = advert.priority;
  v[3] = advert.count;
  if (v3) {
    Store16(v + 4, advert.adver_int & kV3IntervalMask);
  } else {
    v[4] = AuthByteForEncode(advert);
    v[5] = static_cast<std::uint8_t>(advert.adver_int);
  }
  for (std::size_t i = 0; i < naddr; ++i) {
    Store32(v + kVrrpHeaderLength + 4 * i, advert.addresses[i].word(0));
  }
  if (!v3 && !ah) {
    std::memcpy(v + kVrrpHeaderLength + 4 * naddr, advert.auth_data.data(), kV2AuthLength);
  }
  const std::span<const std::uint8_t> vrrp_bytes(v, vrrp_len);
  const std::uint32_t initial = v3 ? PseudoHeaderSum(advert.src, advert.dst, vrrp_len) : 0;
  Store16(v + 6, InternetChecksum(vrrp_bytes, initial));
  if (ah) {
    // Last: the ICV covers everything above.
    const Md5Digest icv = AhHmac(*out, kIpv4HeaderLength, kVrrpAhLength, advert.auth_data);
    std::memcpy(p + kIpv4HeaderLength + kAhIcvOffset, icv.data(), kAhIcvLength);
  }
}

bool VerifyAhIcv(std::span<const std::uint8_t> datagram, std::span<const std::uint8_t> key) {
  const DecodedPacket d = DecodeIpv4(datagram);
  // Only the shape keepalived sends: a 12-byte ICV after 12 fixed bytes.
  if (!d.has_ah || d.ah_length != kVrrpAhLength) return false;
  if (d.error != DecodeError::kNone && d.error != DecodeError::kTruncatedVrrp) return false;
  const std::size_t ah_at = d.ip_header_length;
  if (datagram.size() < ah_at + d.ah_length) return false;
  const Md5Digest icv = AhHmac(datagram, ah_at, d.ah_length, key);
  return std::memcmp(icv.data(), datagram.data() + ah_at + kAhIcvOffset, kAhIcvLength) == 0;
}

std::vector<std::uint8_t> EncodeIpv4(const VrrpAdvert& advert) {
  std::vector<std::uint8_t> out;
  EncodeIpv4(advert, &out);
  return out;
}

std::string Describe(const VrrpAdvert& advert) {
  std::string s = "v";
  s += std::to_string(advert.version);
  if (advert.type != 1) {
    s += " type=";
    s += std::to_string(advert.type);
  }
  s += " vrid=";
  s += std::to_string(advert.vrid);
  s += " prio=";
  s += std::to_string(advert.priority);
  s += " adv=";
  s += std::to_string(advert.adver_int);
  if (advert.version == 3) {
    s += "cs";
  } else {
    s += "s auth=";
    if (advert.auth_type_raw > 2) {
      s += std::to_string(advert.auth_type_raw);
    } else {
      switch (advert.auth_type) {
        case AuthType::kNone:
          s += "none";
          break;
        case AuthType::kPass:
          s += "PASS";
          break;
        case AuthType::kAh:
          s += "AH";
          break;
      }
    }
  }
  s += ' ';
  s += advert.src.ToString();
  s += '>';
  s += advert.dst.ToString();
  s += " ttl=";
  s += std::to_string(advert.ttl);
  if (advert.count != advert.addresses.size()) {
    s += " count=";
    s += std::to_string(advert.count);
  }
  s += " [";
  for (std::size_t i = 0; i < advert.addresses.size(); ++i) {
    if (i != 0) s += ',';
    s += advert.addresses[i].ToString();
  }
  s += ']';
  return s;
}

}  // namespace vrrp
