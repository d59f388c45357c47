// VRRP over IPv6 beyond the captures: extension headers, malformed and
// hostile packets, the family dispatch, neighbour advertisement decoding.
#include "engine/packet/vrrp_packet6.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <vector>

#include "engine/packet/neighbour_advert.h"
#include "tests/engine/packet/capture_file.h"

namespace vrrp {
namespace {

using testing::Bytes;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value_or(IpAddress()); }

VrrpAdvert Sample() {
  VrrpAdvert a;
  a.src = Ip("fe80::1");
  a.dst = kVrrpMulticastGroup6;
  a.ttl = 255;
  a.version = 3;
  a.vrid = 7;
  a.priority = 150;
  a.adver_int = 100;
  a.addresses = {Ip("2001:db8::1"), Ip("2001:db8::2")};
  a.count = 2;
  return a;
}

// Inserts an 8-byte extension header of type `type` in front of the payload.
Bytes WithExtension(Bytes b, std::uint8_t type) {
  const std::uint8_t next = b[6];
  b[6] = type;
  const std::uint16_t plen = static_cast<std::uint16_t>(((b[4] << 8) | b[5]) + 8);
  b[4] = static_cast<std::uint8_t>(plen >> 8);
  b[5] = static_cast<std::uint8_t>(plen);
  const Bytes ext = {next, 0, 1, 4, 0, 0, 0, 0};  // padding options
  b.insert(b.begin() + 40, ext.begin(), ext.end());
  return b;
}

TEST(VrrpPacket6, RoundTrip) {
  const VrrpAdvert a = Sample();
  const Bytes b = EncodeIpv6(a, FlowLabel{0x12345});
  ASSERT_EQ(b.size(), 40 + ExpectedVrrpLength6(2));
  Ipv6Extras ex;
  const DecodedPacket d = DecodeIpv6(b, &ex);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.advert, a);
  EXPECT_TRUE(d.checksum_ok);
  EXPECT_EQ(ex.flow_label, 0x12345u);
  EXPECT_EQ(d.ip_tos, kVrrpTrafficClass6);
}

TEST(VrrpPacket6, FlowLabelIsNotCoveredByTheChecksum) {
  const Bytes a = EncodeIpv6(Sample());
  const Bytes b = EncodeIpv6(Sample(), FlowLabel{0xfffff});
  EXPECT_EQ(a[46], b[46]);
  EXPECT_EQ(a[47], b[47]);
}

TEST(VrrpPacket6, ExtensionHeadersAreSkippedAsTheKernelDoes) {
  const Bytes plain = EncodeIpv6(Sample());
  for (std::uint8_t type : {0, 43, 60}) {
    SCOPED_TRACE(int{type});
    Ipv6Extras ex;
    const DecodedPacket d = DecodeIpv6(WithExtension(plain, type), &ex);
    ASSERT_TRUE(d.ok()) << DecodeErrorName(d.error);
    EXPECT_EQ(d.ip_header_length, 48u);
    EXPECT_EQ(d.ip_protocol, kIpProtoVrrp);
    EXPECT_EQ(ex.first_next_header, type);
    EXPECT_TRUE(d.checksum_ok);  // over the VRRP message only
    EXPECT_EQ(d.advert, Sample());
  }
  EXPECT_EQ(DecodeIpv6(WithExtension(plain, 44)).error, DecodeError::kFragment);
  // Two in a row.
  EXPECT_TRUE(DecodeIpv6(WithExtension(WithExtension(plain, 60), 0)).ok());
}

TEST(VrrpPacket6, OtherNextHeadersAreNotVrrp) {
  for (std::uint8_t nh : {51, 58, 6, 17}) {
    Bytes b = EncodeIpv6(Sample());
    b[6] = nh;
    EXPECT_EQ(DecodeIpv6(b).error, DecodeError::kNotVrrp) << int{nh};
  }
}

TEST(VrrpPacket6, MalformedPackets) {
  EXPECT_EQ(DecodeIpv6({}).error, DecodeError::kTruncatedIpHeader);
  EXPECT_EQ(DecodeIpv6(Bytes{0x45}).error, DecodeError::kNotIpv6);
  const Bytes b = EncodeIpv6(Sample());
  EXPECT_EQ(DecodeIpv6(std::span(b).first(39)).error, DecodeError::kTruncatedIpHeader);
  EXPECT_EQ(DecodeIpv6(std::span(b).first(47)).error, DecodeError::kTruncatedVrrp);
  // A truncated extension header.
  const Bytes e = WithExtension(b, 0);
  EXPECT_EQ(DecodeIpv6(std::span(e).first(45)).error, DecodeError::kTruncatedIpHeader);
  // Fewer addresses than counted: decoded as far as present, reported.
  const DecodedPacket d = DecodeIpv6(std::span(b).first(40 + 8 + 16 + 3));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d.addresses_complete);
  EXPECT_EQ(d.advert.addresses.size(), 1u);
  EXPECT_FALSE(d.checksum_ok);
}

TEST(VrrpPacket6, BadChecksumAndHopLimitAreReportedNotRefused) {
  Bytes b = EncodeIpv6(Sample());
  b[47] ^= 1;
  b[7] = 254;
  const DecodedPacket d = DecodeIpv6(b);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d.checksum_ok);
  EXPECT_EQ(d.advert.ttl, 254);
}

TEST(VrrpPacket6, V3IntervalReservedBitsAreDropped) {
  Bytes b = EncodeIpv6(Sample());
  b[44] |= 0xf0;
  EXPECT_EQ(DecodeIpv6(b).advert.adver_int, 100);
}

TEST(VrrpPacket6, DispatchByFamily) {
  const Bytes six = EncodeIpv6(Sample());
  EXPECT_EQ(DecodeAdvert(six).advert, DecodeIpv6(six).advert);
  const std::vector<Bytes> four = testing::LoadCapture("v3_mcast_adv1");
  ASSERT_FALSE(four.empty());
  const DecodedPacket d4 = DecodeAdvert(four[0]);
  ASSERT_TRUE(d4.ok());
  EXPECT_EQ(d4.advert, DecodeIpv4(four[0]).advert);
  std::vector<std::uint8_t> out;
  EncodeAdvert(d4.advert, &out);
  EXPECT_EQ(out, four[0]);
  EncodeAdvert(Sample(), &out);
  EXPECT_EQ(out, six);
}

// Hostile input: every prefix and many random corruptions of a valid packet
// decode without reading outside the buffer (ASan build) or crashing.
TEST(VrrpPacket6, AnyBytesAreSafe) {
  const Bytes b = WithExtension(EncodeIpv6(Sample()), 0);
  for (std::size_t n = 0; n <= b.size(); ++n) {
    DecodeIpv6(std::span(b).first(n));
    DecodeNeighbourAdvert(std::span(b).first(n));
  }
  std::mt19937 rng(18);  // fixed seed: deterministic
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes m = b;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
    m.resize(rng() % (m.size() + 1));
    const DecodedPacket d = DecodeAdvert(m);
    if (d.ok()) {
      ++ok;
      EXPECT_LE(d.advert.addresses.size(), d.advert.count);
    }
    DecodeNeighbourAdvert(m);
  }
  EXPECT_GT(ok, 0);
}

TEST(NeighbourAdvert, RoundTripAndRejects) {
  const MacAddress mac = {0x02, 0, 0, 0xfa, 0, 0x41};
  const Bytes na = EncodeUnsolicitedNa(Ip("2001:db8::9"), mac);
  ASSERT_EQ(na.size(), kUnsolicitedNaLength);
  const auto d = DecodeNeighbourAdvert(na);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->target, Ip("2001:db8::9"));
  EXPECT_EQ(d->target_mac, mac);
  EXPECT_TRUE(d->checksum_ok);
  EXPECT_FALSE(DecodeNeighbourAdvert(EncodeIpv6(Sample())).has_value());
  Bytes ns = na;
  ns[40] = 135;  // a solicitation
  EXPECT_FALSE(DecodeNeighbourAdvert(ns).has_value());
  Bytes bad = na;
  bad[70] ^= 1;
  EXPECT_FALSE(DecodeNeighbourAdvert(bad)->checksum_ok);
  // An option of length 0 ends the walk (RFC 4861: invalid).
  Bytes zero = na;
  zero[65] = 0;
  EXPECT_FALSE(DecodeNeighbourAdvert(zero)->target_mac.has_value());
}

}  // namespace
}  // namespace vrrp
