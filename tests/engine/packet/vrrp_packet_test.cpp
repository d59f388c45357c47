// Unit tests of the codec: round trips, checksum known values, structural
// errors (AH, fragments, options), and the facts the R13 validation reads.
#include "engine/packet/vrrp_packet.h"

#include <gtest/gtest.h>
#include <vector>

namespace vrrp {
namespace {

using Bytes = std::vector<std::uint8_t>;

VrrpAdvert SampleV2() {
  VrrpAdvert a;
  a.src = Ipv4(10, 0, 0, 1);
  a.dst = kVrrpMulticastGroup;
  a.version = 2;
  a.vrid = 51;
  a.priority = 100;
  a.adver_int = 1;
  a.addresses = {Ipv4(10, 0, 0, 100)};
  a.count = 1;
  a.ip_id = 7;
  return a;
}

VrrpAdvert SampleV3() {
  VrrpAdvert a = SampleV2();
  a.version = 3;
  a.adver_int = 100;
  return a;
}

// RFC 1071 section 3 example: the words 0001 f203 f4f5 f6f7 sum to ddf2.
TEST(InternetChecksum, Rfc1071Example) {
  const Bytes b = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(InternetChecksum(b), static_cast<std::uint16_t>(~0xddf2));
}

TEST(InternetChecksum, OddLengthPadsWithZero) {
  const Bytes odd = {0x12, 0x34, 0x56};
  const Bytes even = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(InternetChecksum(odd), InternetChecksum(even));
}

TEST(InternetChecksum, EmptyAndInitial) {
  EXPECT_EQ(InternetChecksum({}), 0xffff);
  EXPECT_EQ(InternetChecksum({}, 0x1234), static_cast<std::uint16_t>(~0x1234));
  // The initial value is an unfolded partial sum: carries are folded in.
  EXPECT_EQ(InternetChecksum({}, 0x1fffe), 0x0000);
}

TEST(InternetChecksum, LargeBufferDoesNotOverflow) {
  const Bytes big(1 << 20, 0xff);
  EXPECT_EQ(InternetChecksum(big), 0x0000);
}

// The word-at-a-time sum against RFC 1071's definition (16-bit words,
// end-around carries), for every length up to 80 and any initial value.
TEST(InternetChecksum, MatchesSixteenBitDefinition) {
  std::uint64_t x = 0x2545f4914f6cdd1du;
  auto rnd = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto reference = [](const Bytes& b, std::uint32_t initial) {
    std::uint64_t sum = initial;
    for (std::size_t i = 0; i < b.size(); i += 2)
      sum += (std::uint64_t{b[i]} << 8) | (i + 1 < b.size() ? b[i + 1] : 0u);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
  };
  for (std::size_t len = 0; len <= 80; ++len) {
    for (int round = 0; round < 200; ++round) {
      Bytes b(len);
      const int fill = round % 4;  // random, all 0xff, all zero, mixed
      for (std::uint8_t& c : b)
        c = fill == 1 ? 0xff : fill == 2 ? 0 : static_cast<std::uint8_t>(rnd());
      const std::uint32_t initial = round % 3 == 0 ? 0 : static_cast<std::uint32_t>(rnd());
      ASSERT_EQ(InternetChecksum(b, initial), reference(b, initial))
          << "length " << len << " round " << round;
    }
  }
}

// v2 known value (RFC 3768 layout, checksum over the VRRP message only):
// 21 33 64 01 00 01 cs cs 0a 00 00 64 + 8 zero auth bytes.
TEST(V2Checksum, KnownValue) {
  const Bytes b = EncodeIpv4(SampleV2());
  ASSERT_EQ(b.size(), 40u);
  // sum = 2133 + 6401 + 0001 + 0a00 + 0064 = 0x8f99 -> ~ = 0x7066.
  EXPECT_EQ(b[26], 0x70);
  EXPECT_EQ(b[27], 0x66);
  EXPECT_EQ(InternetChecksum(std::span<const std::uint8_t>(b).subspan(20)), 0);
}

// v3 known value with the RFC 5798 section 5.2.8 pseudo-header:
// 0a00 0001 e000 0012 0070 000c + 3133 6401 0064 0a00 0064.
TEST(V3Checksum, KnownValueWithPseudoHeader) {
  const Bytes b = EncodeIpv4(SampleV3());
  ASSERT_EQ(b.size(), 32u);
  std::uint32_t sum = 0x0a00 + 0x0001 + 0xe000 + 0x0012 + 0x0070 + 0x000c + 0x3133 + 0x6401 +
                      0x0064 + 0x0a00 + 0x0064;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const std::uint16_t expected = static_cast<std::uint16_t>(~sum);
  EXPECT_EQ((b[26] << 8) | b[27], expected);
  EXPECT_EQ(expected, 0x7573);
}

TEST(V3Checksum, DestinationIsPartOfIt) {
  VrrpAdvert a = SampleV3();
  const Bytes mcast = EncodeIpv4(a);
  a.dst = Ipv4(10, 0, 0, 2);
  const Bytes ucast = EncodeIpv4(a);
  EXPECT_NE((mcast[26] << 8) | mcast[27], (ucast[26] << 8) | ucast[27]);
  // Delivered to a different address, the v3 checksum no longer matches.
  Bytes moved = ucast;
  moved[19] = 3;
  const DecodedPacket d = DecodeIpv4(moved);
  EXPECT_TRUE(d.ok());
  EXPECT_FALSE(d.checksum_ok);
  EXPECT_FALSE(d.ip_checksum_ok);
}

TEST(Encode, IpHeaderFields) {
  const Bytes b = EncodeIpv4(SampleV2());
  EXPECT_EQ(b[0], 0x45);
  EXPECT_EQ(b[1], 0xc0);
  EXPECT_EQ((b[2] << 8) | b[3], 40);
  EXPECT_EQ((b[4] << 8) | b[5], 7);
  EXPECT_EQ(b[6], 0);
  EXPECT_EQ(b[7], 0);
  EXPECT_EQ(b[8], 255);
  EXPECT_EQ(b[9], 112);
  EXPECT_EQ(InternetChecksum(std::span<const std::uint8_t>(b).first(20)), 0);
}

TEST(Encode, ReusesOutputBuffer) {
  Bytes out(100, 0xaa);
  EncodeIpv4(SampleV3(), &out);
  EXPECT_EQ(out, EncodeIpv4(SampleV3()));
}

TEST(Encode, V3IntervalKeeps12BitsAndZeroReserved) {
  VrrpAdvert a = SampleV3();
  a.adver_int = 0xffff;
  const Bytes b = EncodeIpv4(a);
  EXPECT_EQ(b[24], 0x0f);
  EXPECT_EQ(b[25], 0xff);
  EXPECT_EQ(DecodeIpv4(b).advert.adver_int, 4095);
}

TEST(Decode, V3ReservedBitsDropped) {
  Bytes b = EncodeIpv4(SampleV3());
  b[24] |= 0xf0;  // reserved bits set by a peer
  const DecodedPacket d = DecodeIpv4(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.advert.adver_int, 100);
  EXPECT_FALSE(d.checksum_ok);
}

TEST(RoundTrip, ManyShapes) {
  for (int version : {2, 3}) {
    for (int n : {0, 1, 2, 7, 255}) {
      for (AuthType auth : {AuthType::kNone, AuthType::kPass, AuthType::kAh}) {
        VrrpAdvert a = version == 2 ? SampleV2() : SampleV3();
        a.addresses.clear();
        for (int i = 0; i < n; ++i) a.addresses.push_back(Ipv4(0x0afa0000u + i));
        a.count = static_cast<std::uint8_t>(n);
        a.priority = static_cast<std::uint8_t>(n);
        a.ip_id = static_cast<std::uint16_t>(n * 257);
        if (version == 2) {
          a.auth_type = auth;
          if (auth == AuthType::kPass) a.auth_data = {'s', 'e', 'c', 'r', 'e', 't', '1', '2'};
          a.ah_seq = auth == AuthType::kAh ? 99 : 0;
        } else if (auth != AuthType::kNone) {
          continue;
        }
        const Bytes b = EncodeIpv4(a);
        const DecodedPacket d = DecodeIpv4(b);
        ASSERT_TRUE(d.ok()) << version << " " << n;
        EXPECT_TRUE(d.checksum_ok);
        EXPECT_TRUE(d.ip_checksum_ok);
        EXPECT_TRUE(d.addresses_complete);
        EXPECT_EQ(d.has_ah, auth == AuthType::kAh);
        EXPECT_EQ(d.vrrp_length, ExpectedVrrpLength(version, n));
        EXPECT_EQ(d.received_length, d.ip_total_length);
        const VrrpAdvert& r = d.advert;
        EXPECT_EQ(r.version, a.version);
        EXPECT_EQ(r.vrid, a.vrid);
        EXPECT_EQ(r.priority, a.priority);
        EXPECT_EQ(r.count, a.count);
        EXPECT_EQ(r.adver_int, a.adver_int);
        EXPECT_EQ(r.addresses, a.addresses);
        EXPECT_EQ(r.auth_type, a.auth_type);
        EXPECT_EQ(r.auth_data, a.auth_data);
        EXPECT_EQ(r.ip_id, a.ip_id);
        EXPECT_EQ(r.ah_seq, a.ah_seq);
        EXPECT_EQ(r.src, a.src);
        EXPECT_EQ(r.dst, a.dst);
        EXPECT_EQ(EncodeIpv4(r), b);
      }
    }
  }
}

TEST(ExpectedVrrpLength, Values) {
  EXPECT_EQ(ExpectedVrrpLength(2, 0), 16u);
  EXPECT_EQ(ExpectedVrrpLength(2, 1), 20u);
  EXPECT_EQ(ExpectedVrrpLength(2, 3), 28u);
  EXPECT_EQ(ExpectedVrrpLength(3, 1), 12u);
  EXPECT_EQ(ExpectedVrrpLength(3, 255), 8u + 1020u);
  EXPECT_EQ(ExpectedVrrpLength(7, 1), 20u);  // unknown versions laid out as v2
  EXPECT_EQ(ExpectedVrrpLength(2, -1), 16u);
}

TEST(Decode, Ah) {
  VrrpAdvert a = SampleV2();
  a.auth_type = AuthType::kAh;
  a.ah_seq = 5;
  const Bytes b = EncodeIpv4(a);
  ASSERT_EQ(b.size(), 20u + 24u + 20u);
  EXPECT_EQ(b[9], kIpProtoAh);
  const DecodedPacket d = DecodeIpv4(b);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.has_ah);
  EXPECT_EQ(d.ah_length, 24u);
  EXPECT_EQ(d.ah_next_header, 112);
  EXPECT_EQ(d.ah_spi, a.src.word(0));
  EXPECT_EQ(d.advert.ah_seq, 5u);
  EXPECT_EQ(d.vrrp_length, 20u);
  EXPECT_TRUE(d.checksum_ok);
}

TEST(Decode, AhCarryingSomethingElseIsNotVrrp) {
  VrrpAdvert a = SampleV2();
  a.auth_type = AuthType::kAh;
  Bytes b = EncodeIpv4(a);
  b[20] = 6;  // next header TCP
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kNotVrrp);
  EXPECT_TRUE(DecodeIpv4(b).has_ah);
}

TEST(Decode, AhLengthBeyondBufferIsTruncated) {
  VrrpAdvert a = SampleV2();
  a.auth_type = AuthType::kAh;
  Bytes b = EncodeIpv4(a);
  b[21] = 200;  // (200 + 2) * 4 bytes
  const DecodedPacket d = DecodeIpv4(b);
  EXPECT_EQ(d.error, DecodeError::kTruncatedVrrp);
  EXPECT_EQ(d.ah_length, 808u);
}

TEST(Decode, AhTypeInVrrpWithoutAhHeader) {
  // auth_type 2 in the VRRP header but protocol 112: decodes; the validator
  // reports "No AH header but auth type is AH" from has_ah == false.
  VrrpAdvert a = SampleV2();
  a.auth_type_raw = 2;
  Bytes b = EncodeIpv4(a);
  b[24] = 2;
  const DecodedPacket d = DecodeIpv4(b);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d.has_ah);
  EXPECT_EQ(d.advert.auth_type, AuthType::kAh);
}

TEST(Decode, Fragments) {
  Bytes b = EncodeIpv4(SampleV2());
  b[6] = 0x20;  // MF
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kFragment);
  b[6] = 0x00;
  b[7] = 0x01;  // offset 8
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kFragment);
  b[6] = 0x40;  // DF alone is fine
  b[7] = 0x00;
  const DecodedPacket d = DecodeIpv4(b);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.ip_frag, 0x4000);
  EXPECT_FALSE(d.ip_checksum_ok);  // header changed after the checksum
  EXPECT_TRUE(d.checksum_ok);
}

TEST(Decode, OtherProtocols) {
  Bytes b = EncodeIpv4(SampleV2());
  b[9] = 17;
  const DecodedPacket d = DecodeIpv4(b);
  EXPECT_EQ(d.error, DecodeError::kNotVrrp);
  EXPECT_EQ(d.ip_protocol, 17);
  EXPECT_STREQ(DecodeErrorName(d.error), "not-vrrp");
}

TEST(Decode, NotIpv4) {
  Bytes b = EncodeIpv4(SampleV2());
  b[0] = 0x65;
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kNotIpv4);
  EXPECT_EQ(DecodeIpv4(Bytes{0x60}).error, DecodeError::kNotIpv4);
}

TEST(Decode, BadIhl) {
  Bytes b = EncodeIpv4(SampleV2());
  b[0] = 0x44;
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kBadIhl);
}

TEST(Decode, IpOptionsAreSkipped) {
  const Bytes plain = EncodeIpv4(SampleV2());
  // Insert a 4-byte option block (NOP NOP NOP EOL), IHL 6.
  Bytes b(plain.begin(), plain.begin() + 20);
  b.insert(b.end(), {0x01, 0x01, 0x01, 0x00});
  b.insert(b.end(), plain.begin() + 20, plain.end());
  b[0] = 0x46;
  b[3] = static_cast<std::uint8_t>(b.size());
  b[10] = b[11] = 0;
  const std::uint16_t c = InternetChecksum(std::span<const std::uint8_t>(b).first(24));
  b[10] = static_cast<std::uint8_t>(c >> 8);
  b[11] = static_cast<std::uint8_t>(c);
  const DecodedPacket d = DecodeIpv4(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.ip_header_length, 24u);
  EXPECT_TRUE(d.ip_checksum_ok);
  EXPECT_TRUE(d.checksum_ok);
  EXPECT_EQ(d.vrrp_length, 20u);
  EXPECT_EQ(d.advert.addresses, SampleV2().addresses);
}

TEST(Decode, IhlBeyondBuffer) {
  Bytes b = EncodeIpv4(SampleV2());
  b[0] = 0x4f;  // 60-byte header, datagram is 40 bytes
  EXPECT_EQ(DecodeIpv4(b).error, DecodeError::kTruncatedIpHeader);
}

TEST(Decode, TrailingBytesAreReportedNotDropped) {
  Bytes b = EncodeIpv4(SampleV2());
  b.push_back(0);
  b.push_back(0);
  const DecodedPacket d = DecodeIpv4(b);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.received_length, 42u);
  EXPECT_EQ(d.ip_total_length, 40u);
  EXPECT_EQ(d.vrrp_length, 22u);
  // Two zero bytes do not change a one's-complement sum.
  EXPECT_TRUE(d.checksum_ok);
}

TEST(Decode, CountLargerThanPayload) {
  VrrpAdvert a = SampleV2();
  a.count = 3;  // forged: one address on the wire
  const DecodedPacket d = DecodeIpv4(EncodeIpv4(a));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.advert.count, 3);
  // Header 8 + 1 address + 8 auth = 20 bytes = room for three 4-byte words.
  EXPECT_EQ(d.advert.addresses.size(), 3u);
  EXPECT_TRUE(d.addresses_complete);
  EXPECT_NE(d.vrrp_length, ExpectedVrrpLength(2, 3));
  a.count = 9;
  const DecodedPacket e = DecodeIpv4(EncodeIpv4(a));
  EXPECT_FALSE(e.addresses_complete);
  EXPECT_EQ(e.advert.addresses.size(), 3u);
}

TEST(Decode, InvalidAuthTypeKeptRaw) {
  VrrpAdvert a = SampleV2();
  a.auth_type_raw = 7;
  const Bytes b = EncodeIpv4(a);
  EXPECT_EQ(b[24], 7);
  const DecodedPacket d = DecodeIpv4(b);
  EXPECT_EQ(d.advert.auth_type_raw, 7);
  EXPECT_EQ(d.advert.auth_type, AuthType::kNone);
  EXPECT_EQ(EncodeIpv4(d.advert), b);
  EXPECT_EQ(Describe(d.advert),
            "v2 vrid=51 prio=100 adv=1s auth=7 10.0.0.1>224.0.0.18 ttl=255 [10.0.0.100]");
}

TEST(Decode, OtherVersionsAndTypesDecode) {
  VrrpAdvert a = SampleV2();
  a.version = 1;
  a.type = 2;
  const DecodedPacket d = DecodeIpv4(EncodeIpv4(a));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.advert.version, 1);
  EXPECT_EQ(d.advert.type, 2);
  EXPECT_TRUE(d.checksum_ok);  // v2 rules for anything but 3
  EXPECT_EQ(Describe(d.advert),
            "v1 type=2 vrid=51 prio=100 adv=1s auth=none 10.0.0.1>224.0.0.18 ttl=255 [10.0.0.100]");
}

TEST(Decode, TtlIsReported) {
  VrrpAdvert a = SampleV2();
  a.ttl = 64;
  EXPECT_EQ(DecodeIpv4(EncodeIpv4(a)).advert.ttl, 64);
}

// `plain` (the receivers' shortcut, SurelyValid) holds for keepalived's own
// shapes only, and each departure from them clears it.
TEST(Decode, PlainShape) {
  EXPECT_TRUE(DecodeIpv4(EncodeIpv4(SampleV2())).plain);
  EXPECT_TRUE(DecodeIpv4(EncodeIpv4(SampleV3())).plain);
  auto decoded = [](VrrpAdvert a) { return DecodeIpv4(EncodeIpv4(a)); };
  VrrpAdvert a = SampleV2();
  a.ttl = 254;
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.auth_type = AuthType::kAh;
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.auth_type = AuthType::kPass;
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.dst = Ipv4(10, 0, 0, 2);
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.type = 2;
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.version = 1;
  EXPECT_FALSE(decoded(a).plain);
  a = SampleV2();
  a.count = 3;  // one address on the wire
  EXPECT_FALSE(decoded(a).plain);
  Bytes b = EncodeIpv4(SampleV2());
  b.push_back(0);  // a trailing byte: lengths disagree
  EXPECT_FALSE(DecodeIpv4(b).plain);
  b = EncodeIpv4(SampleV3());
  b[20 + 6] ^= 1;  // VRRP checksum
  EXPECT_FALSE(DecodeIpv4(b).plain);
  // A recomputation agrees with the decoder, and follows an edit.
  DecodedPacket d = DecodeIpv4(EncodeIpv4(SampleV3()));
  EXPECT_EQ(PlainShape(d), d.plain);
  d.checksum_ok = false;
  EXPECT_FALSE(PlainShape(d));
}

// The decoder computes `plain` from what it has at hand; PlainShape is the
// definition. Random byte edits of keepalived-shaped adverts keep them equal.
TEST(Decode, PlainShapeAsDecoded) {
  std::uint64_t x = 0x9e3779b97f4a7c15u;
  auto rnd = [&](std::uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  int plain = 0;
  for (int round = 0; round < 20000; ++round) {
    VrrpAdvert a = rnd(2) ? SampleV2() : SampleV3();
    if (rnd(4) == 0) a.addresses.push_back(Ipv4(10, 0, 0, 101));
    a.count = static_cast<std::uint8_t>(a.addresses.size());
    Bytes b = EncodeIpv4(a);
    for (int m = static_cast<int>(rnd(3)); m > 0; --m) {
      switch (rnd(4)) {
        case 0:
          b[rnd(b.size())] ^= static_cast<std::uint8_t>(1u << rnd(8));
          break;
        case 1:
          b.push_back(0);
          break;
        case 2:
          if (b.size() > 20) b.pop_back();
          break;
        default:
          b[8] = static_cast<std::uint8_t>(rnd(2) ? 255 : 64);  // TTL
          break;
      }
    }
    const DecodedPacket d = DecodeIpv4(b);
    ASSERT_EQ(d.plain, PlainShape(d)) << "round " << round;
    plain += d.plain ? 1 : 0;
  }
  EXPECT_GT(plain, 2000);  // both outcomes were exercised
  EXPECT_LT(plain, 18000);
}

TEST(Describe, CountMismatchShown) {
  VrrpAdvert a = SampleV3();
  a.count = 2;
  EXPECT_EQ(Describe(a),
            "v3 vrid=51 prio=100 adv=100cs 10.0.0.1>224.0.0.18 ttl=255 count=2 "
            "[10.0.0.100]");
}

TEST(DecodeErrorName, AllNamed) {
  for (DecodeError e : {DecodeError::kNone, DecodeError::kTruncatedIpHeader, DecodeError::kNotIpv4,
                        DecodeError::kBadIhl, DecodeError::kNotVrrp, DecodeError::kTruncatedVrrp,
                        DecodeError::kFragment}) {
    EXPECT_STRNE(DecodeErrorName(e), "unknown");
  }
}

}  // namespace
}  // namespace vrrp
