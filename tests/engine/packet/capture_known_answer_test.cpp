// Known-answer tests against real keepalived 2.2.7 adverts
// (tests/data/captures, recorded by tests/conformance/capture/capture_adverts.sh).
//
// For every captured datagram: DecodeIpv4 yields the fields of the config that
// produced it with all checksums good, and EncodeIpv4 of an advert built by
// hand from those config values reproduces the datagram byte for byte.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/packet/vrrp_packet.h"
#include "tests/engine/packet/capture_file.h"

namespace vrrp {
namespace {

using testing::Bytes;
using testing::LoadCapture;

constexpr Ipv4 kGroup = kVrrpMulticastGroup;
constexpr Ipv4 kPeer{10, 250, 0, 2};
constexpr Ipv4 kPeer2{10, 250, 0, 3};

std::array<std::uint8_t, 8> Password(const std::string& pw) {
  std::array<std::uint8_t, 8> a{};
  for (std::size_t i = 0; i < pw.size() && i < a.size(); ++i)
    a[i] = static_cast<std::uint8_t>(pw[i]);
  return a;
}

// What one captured datagram must decode to (and encode from).
struct Known {
  std::string file;
  int index;  // line within the file
  std::uint8_t version;
  std::uint8_t vrid;
  std::uint8_t priority;
  std::uint16_t adver_int;  // v2 s, v3 cs
  AuthType auth;
  std::string password;
  Ipv4 src;
  Ipv4 dst;
  std::vector<Ipv4> vips;
  std::uint16_t ip_id;
  std::uint16_t vrrp_checksum;  // the field as captured
  std::uint8_t ttl = kVrrpTtl;
};

Ipv4 Node(int n) { return Ipv4(10, 250, 0, static_cast<std::uint8_t>(n)); }
Ipv4 Vip(int c, int d) {
  return Ipv4(10, 250, static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d));
}

// One row; ip_id and index are filled in by the caller.
Known Row(const char* file, std::uint8_t version, std::uint8_t vrid, std::uint8_t priority,
          std::uint16_t adver_int, AuthType auth, const char* password, Ipv4 src, Ipv4 dst,
          std::vector<Ipv4> vips, std::uint16_t vrrp_checksum) {
  return Known{file,     0,   version, vrid, priority, adver_int,    auth,
               password, src, dst,     vips, 0,        vrrp_checksum};
}

Known At(Known k, int index, int ip_id) {
  k.index = index;
  k.ip_id = static_cast<std::uint16_t>(ip_id);
  return k;
}

std::vector<Known> AllKnown() {
  constexpr AuthType kNone = AuthType::kNone;
  std::vector<Known> k;
  // Files whose datagrams differ only in the IP ID (1, 2, 3, 4).
  auto four = [&k](const Known& base) {
    for (int i = 0; i < 4; ++i) k.push_back(At(base, i, i + 1));
  };
  four(Row("v2_mcast_noauth", 2, 11, 100, 1, kNone, "", Node(11), kGroup, {Vip(1, 11)}, 0x6eed));
  four(Row("v2_mcast_pass_short", 2, 12, 100, 1, AuthType::kPass, "abc", Node(12), kGroup,
           {Vip(1, 12)}, 0xa988));
  four(Row("v2_mcast_pass8", 2, 13, 100, 1, AuthType::kPass, "Pa55w0rd", Node(13), kGroup,
           {Vip(1, 13)}, 0xfebd));
  four(Row("v2_mcast_3vips", 2, 14, 150, 1, kNone, "", Node(14), kGroup,
           {Vip(1, 141), Vip(1, 142), Vip(2, 143)}, 0x2255));
  four(Row("v2_owner255", 2, 20, 255, 1, kNone, "", Node(20), kGroup, {Vip(1, 20)}, 0xd3da));
  four(Row("v2_unicast", 2, 17, 100, 1, kNone, "", Node(17), kPeer, {Vip(1, 17)}, 0x6ee1));
  Known ttl64 =
      Row("v2_unicast_ttl64", 2, 30, 100, 1, kNone, "", Node(30), kPeer, {Vip(1, 30)}, 0x6ec7);
  ttl64.ttl = 64;  // unicast_ttl 64
  four(ttl64);
  four(Row("v2_mcast_novip", 2, 31, 100, 1, kNone, "", Node(31), kGroup, {}, 0x7adf));
  // For AH the "password" is the HMAC key; the VRRP auth bytes stay zero.
  four(Row("v2_mcast_ah", 2, 28, 100, 1, AuthType::kAh, "s3cr3t", Node(28), kGroup, {Vip(1, 28)},
           0x6ccb));
  four(Row("v2_two_instances_vrid26", 2, 26, 100, 1, kNone, "", Node(26), kGroup, {Vip(1, 26)},
           0x6ecf));
  four(Row("v2_two_instances_vrid27", 2, 27, 100, 1, kNone, "", Node(26), kGroup, {Vip(1, 27)},
           0x6ecd));
  four(Row("v3_mcast_adv1", 3, 15, 100, 100, kNone, "", Node(15), kGroup, {Vip(1, 15)}, 0x72ea));
  four(Row("v3_mcast_adv050", 3, 16, 200, 50, kNone, "", Node(16), kGroup,
           {Vip(1, 16), Vip(1, 161)}, 0x0279));
  four(Row("v3_unicast", 3, 18, 100, 100, kNone, "", Node(18), kPeer, {Vip(1, 18)}, 0x47f8));
  const Known prio1 =
      Row("v2_mcast_adv3_prio1", 2, 21, 1, 3, kNone, "", Node(21), kGroup, {Vip(1, 21)}, 0xd1d7);
  for (int i = 0; i < 3; ++i) k.push_back(At(prio1, i, i + 1));
  // One datagram per unicast peer per send round, both with the same IP ID.
  for (int i = 0; i < 4; ++i) {
    k.push_back(At(Row("v2_unicast_2peers", 2, 25, 100, 1, kNone, "", Node(25),
                       i % 2 == 0 ? kPeer : kPeer2, {Vip(1, 25)}, 0x6ed1),
                   i, i / 2 + 1));
  }
  // Two instances in one daemon: one IP ID counter each.
  const Known vrid26 =
      Row("v2_two_instances", 2, 26, 100, 1, kNone, "", Node(26), kGroup, {Vip(1, 26)}, 0x6ecf);
  const Known vrid27 =
      Row("v2_two_instances", 2, 27, 100, 1, kNone, "", Node(26), kGroup, {Vip(1, 27)}, 0x6ecd);
  for (int i = 0; i < 4; ++i) k.push_back(At(i % 2 == 0 ? vrid26 : vrid27, i, i / 2 + 1));
  // Two periodic adverts, then the priority-0 advert sent on SIGTERM; the IP
  // ID counter simply continues. How many periodic adverts went out before
  // SIGTERM depends on the recording's timing, so the first ID is read from
  // the file; the others must follow it.
  auto first_id = [](const char* file) {
    const std::vector<Bytes> d = LoadCapture(file);
    return d.empty() || d[0].size() < 6 ? 0 : (d[0][4] << 8) | d[0][5];
  };
  const int v2id = first_id("v2_prio0_sigterm");
  const Known v2 =
      Row("v2_prio0_sigterm", 2, 19, 120, 1, kNone, "", Node(19), kGroup, {Vip(1, 19)}, 0x5add);
  k.push_back(At(v2, 0, v2id));
  k.push_back(At(v2, 1, v2id + 1));
  k.push_back(
      At(Row("v2_prio0_sigterm", 2, 19, 0, 1, kNone, "", Node(19), kGroup, {Vip(1, 19)}, 0xd2dd), 2,
         v2id + 2));
  // A MASTER entering FAULT (tracked interface down) sends two priority-0
  // adverts (R40), in two send rounds: two IP IDs.
  const int faultid = first_id("v2_prio0_fault");
  const Known fault =
      Row("v2_prio0_fault", 2, 32, 100, 1, kNone, "", Node(32), kGroup, {Vip(1, 32)}, 0x6ec3);
  const Known fault0 =
      Row("v2_prio0_fault", 2, 32, 0, 1, kNone, "", Node(32), kGroup, {Vip(1, 32)}, 0xd2c3);
  for (int i = 0; i < 4; ++i) k.push_back(At(i < 2 ? fault : fault0, i, faultid + i));
  const int v3id = first_id("v3_prio0_sigterm");
  const Known v3 =
      Row("v3_prio0_sigterm", 3, 22, 254, 100, kNone, "", Node(22), kGroup, {Vip(1, 22)}, 0xd8d4);
  k.push_back(At(v3, 0, v3id));
  k.push_back(At(v3, 1, v3id + 1));
  k.push_back(
      At(Row("v3_prio0_sigterm", 3, 22, 0, 100, kNone, "", Node(22), kGroup, {Vip(1, 22)}, 0xd6d5),
         2, v3id + 2));
  return k;
}

// The advert the engine would build for this config.
VrrpAdvert AdvertFor(const Known& k) {
  VrrpAdvert a;
  a.src = k.src;
  a.dst = k.dst;
  a.ttl = k.ttl;
  a.version = k.version;
  a.type = 1;
  a.vrid = k.vrid;
  a.priority = k.priority;
  a.count = static_cast<std::uint8_t>(k.vips.size());
  a.adver_int = k.adver_int;
  a.auth_type = k.auth;
  a.auth_data = Password(k.password);
  a.addresses = k.vips;
  a.ip_id = k.ip_id;
  a.ah_seq = k.ip_id;  // keepalived's AH sequence numbers match the IDs here
  return a;
}

std::string Hex(const Bytes& b) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

class KnownAnswer : public ::testing::TestWithParam<Known> {};

TEST_P(KnownAnswer, DecodesToConfiguredFields) {
  const Known& k = GetParam();
  const std::vector<Bytes> file = LoadCapture(k.file);
  ASSERT_GT(file.size(), static_cast<std::size_t>(k.index)) << k.file;
  const Bytes& bytes = file[k.index];

  const DecodedPacket d = DecodeIpv4(bytes);
  ASSERT_TRUE(d.ok()) << DecodeErrorName(d.error);
  EXPECT_TRUE(d.ip_checksum_ok);
  EXPECT_TRUE(d.checksum_ok);
  EXPECT_TRUE(d.addresses_complete);
  EXPECT_EQ(d.has_ah, k.auth == AuthType::kAh);
  EXPECT_EQ(d.ip_protocol, k.auth == AuthType::kAh ? kIpProtoAh : kIpProtoVrrp);
  EXPECT_EQ(d.received_length, bytes.size());
  EXPECT_EQ(d.ip_total_length, bytes.size());
  EXPECT_EQ(d.ip_header_length, 20u);
  EXPECT_EQ(d.ip_tos, 0xc0);
  EXPECT_EQ(d.ip_frag, 0);  // DF clear, no fragmentation
  EXPECT_EQ(d.vrrp_length, ExpectedVrrpLength(k.version, static_cast<int>(k.vips.size())));
  EXPECT_EQ(d.checksum, k.vrrp_checksum);

  const VrrpAdvert& a = d.advert;
  EXPECT_EQ(a.src, k.src);
  EXPECT_EQ(a.dst, k.dst);
  EXPECT_EQ(a.ttl, k.ttl);
  EXPECT_EQ(a.ip_id, k.ip_id);
  EXPECT_EQ(a.version, k.version);
  EXPECT_EQ(a.type, 1);
  EXPECT_EQ(a.vrid, k.vrid);
  EXPECT_EQ(a.priority, k.priority);
  EXPECT_EQ(a.count, k.vips.size());
  EXPECT_EQ(a.adver_int, k.adver_int);
  EXPECT_EQ(a.addresses, k.vips);
  if (k.version == 2) {
    EXPECT_EQ(a.auth_type, k.auth);
    EXPECT_EQ(a.auth_type_raw, static_cast<std::uint8_t>(k.auth));
    // Only PASS carries the password; AH leaves the 8 bytes zero.
    EXPECT_EQ(a.auth_data, Password(k.auth == AuthType::kAh ? "" : k.password));
  } else {
    EXPECT_EQ(a.auth_type_raw, 0);
  }
  if (k.auth == AuthType::kAh) {
    EXPECT_EQ(d.ah_length, kVrrpAhLength);
    EXPECT_EQ(d.ah_next_header, kIpProtoVrrp);
    EXPECT_EQ(d.ah_spi, k.src.value);  // keepalived's SPI is the source address
    EXPECT_EQ(a.ah_seq, k.ip_id);
    EXPECT_TRUE(VerifyAhIcv(bytes, Password(k.password)));
    EXPECT_FALSE(VerifyAhIcv(bytes, Password("s3cr3T")));
  }
}

TEST_P(KnownAnswer, EncodeReproducesCapturedBytes) {
  const Known& k = GetParam();
  const std::vector<Bytes> file = LoadCapture(k.file);
  ASSERT_GT(file.size(), static_cast<std::size_t>(k.index)) << k.file;
  // AH included: the ICV (HMAC-MD5-96 keyed with auth_pass) is reproduced too.
  EXPECT_EQ(Hex(EncodeIpv4(AdvertFor(k))), Hex(file[k.index]));
}

TEST_P(KnownAnswer, DecodeThenEncodeIsIdentity) {
  const Known& k = GetParam();
  const Bytes bytes = LoadCapture(k.file).at(k.index);
  const DecodedPacket d = DecodeIpv4(bytes);
  ASSERT_TRUE(d.ok());
  VrrpAdvert a = d.advert;
  // The AH key is not on the wire; supply it.
  if (k.auth == AuthType::kAh) a.auth_data = Password(k.password);
  EXPECT_EQ(Hex(EncodeIpv4(a)), Hex(bytes));
}

std::string KnownName(const ::testing::TestParamInfo<Known>& info) {
  return info.param.file + "_" + std::to_string(info.param.index);
}

INSTANTIATE_TEST_SUITE_P(Captures, KnownAnswer, ::testing::ValuesIn(AllKnown()), KnownName);

// Every capture file is covered by the table above, line for line (the
// old-checksum capture has its own tests below: its checksum is not RFC 5798's).
TEST(KnownAnswerTable, CoversEveryCapturedDatagram) {
  const std::vector<Known> all = AllKnown();
  for (const std::string& name : testing::AllCaptureNames()) {
    if (name == "v3_unicast_old_checksum") continue;
    const std::vector<Bytes> file = LoadCapture(name);
    EXPECT_FALSE(file.empty()) << name;
    std::size_t rows = 0;
    for (const Known& k : all) rows += k.file == name;
    EXPECT_EQ(rows, file.size()) << name;
  }
}

// keepalived >= 1.3.6 computes the VRRPv3 unicast checksum with the real
// destination in the pseudo-header; `old_unicast_checksum` uses 224.0.0.18.
TEST(KnownAnswerV3Unicast, CurrentChecksumUsesPeerAddress) {
  const DecodedPacket d = DecodeIpv4(LoadCapture("v3_unicast").at(0));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.checksum, 0x47f8);
  EXPECT_TRUE(d.checksum_ok);
  EXPECT_FALSE(d.checksum_ok_old_unicast);
}

TEST(KnownAnswerV3Unicast, OldChecksumUsesMulticastGroup) {
  for (const Bytes& b : LoadCapture("v3_unicast_old_checksum")) {
    const DecodedPacket d = DecodeIpv4(b);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d.advert.dst, kPeer);
    EXPECT_EQ(d.checksum, 0x72c0);
    EXPECT_FALSE(d.checksum_ok);  // not the RFC 5798 checksum
    EXPECT_TRUE(d.checksum_ok_old_unicast);
    // Re-encoding the same advert to 224.0.0.18 yields that checksum field.
    VrrpAdvert a = d.advert;
    a.dst = kVrrpMulticastGroup;
    const DecodedPacket m = DecodeIpv4(EncodeIpv4(a));
    EXPECT_EQ(m.checksum, 0x72c0);
  }
}

TEST(KnownAnswerV3Multicast, OldAndNewChecksumAgree) {
  const DecodedPacket d = DecodeIpv4(LoadCapture("v3_mcast_adv1").at(0));
  EXPECT_TRUE(d.checksum_ok);
  EXPECT_TRUE(d.checksum_ok_old_unicast);
}

TEST(KnownAnswerIpId, CountsPerInstanceAndWrapsToOne) {
  EXPECT_EQ(NextIpId(0), 1);
  EXPECT_EQ(NextIpId(1), 2);
  EXPECT_EQ(NextIpId(0xfffe), 0xffff);
  EXPECT_EQ(NextIpId(0xffff), 1);  // 0 would let the kernel choose an ID
  const std::vector<Bytes> file = LoadCapture("v2_mcast_noauth");
  std::uint16_t prev = 0;
  for (const Bytes& b : file) {
    const DecodedPacket d = DecodeIpv4(b);
    EXPECT_EQ(d.advert.ip_id, NextIpId(prev));
    prev = d.advert.ip_id;
  }
}

TEST(KnownAnswerDescribe, CapturedAdverts) {
  EXPECT_EQ(Describe(DecodeIpv4(LoadCapture("v2_mcast_pass_short").at(0)).advert),
            "v2 vrid=12 prio=100 adv=1s auth=PASS 10.250.0.12>224.0.0.18 ttl=255 [10.250.1.12]");
  EXPECT_EQ(Describe(DecodeIpv4(LoadCapture("v3_mcast_adv050").at(0)).advert),
            "v3 vrid=16 prio=200 adv=50cs 10.250.0.16>224.0.0.18 ttl=255 "
            "[10.250.1.16,10.250.1.161]");
  EXPECT_EQ(Describe(DecodeIpv4(LoadCapture("v2_unicast").at(0)).advert),
            "v2 vrid=17 prio=100 adv=1s auth=none 10.250.0.17>10.250.0.2 ttl=255 [10.250.1.17]");
}

}  // namespace
}  // namespace vrrp
