// Known-answer tests against real keepalived 2.2.7 packets over IPv6
// (tests/data/captures/ipv6, recorded by
// tests/conformance/capture/capture_adverts6.sh).
//
// Adverts: every captured packet decodes to the fields of the config that
// produced it with a good checksum, and EncodeIpv6 of an advert built by hand
// from those config values (plus the kernel-chosen flow label, read back from
// the capture) reproduces it byte for byte. Neighbour advertisements: every
// captured NA is EncodeUnsolicitedNa(VIP, MAC), and the batches have the
// counts and spacing R50 gives GARPs.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/packet/neighbour_advert.h"
#include "engine/packet/vrrp_packet6.h"
#include "tests/engine/packet/capture_file.h"

namespace vrrp {
namespace {

using testing::Bytes;
using testing::LoadCapture;

IpAddress Ip6(const char* text) {
  const std::optional<IpAddress> a = IpAddress::Parse(text);
  EXPECT_TRUE(a.has_value() && a->is_v6()) << text;
  return a.value_or(IpAddress());
}

// Node NN's eth0: MAC 02:00:00:fa:00:NN, so link-local fe80::ff:fefa:NN.
IpAddress LinkLocal(int nn) { return Ip6(("fe80::ff:fefa:" + std::to_string(nn)).c_str()); }
MacAddress Mac(int nn) {
  // The MAC's last byte is NN's decimal digits read as hex (41 -> 0x41).
  return {0x02, 0x00, 0x00,
          0xfa, 0x00, static_cast<std::uint8_t>(std::stoi(std::to_string(nn), nullptr, 16))};
}
IpAddress Global(int nn) { return Ip6(("fd00:250::" + std::to_string(nn)).c_str()); }

// One capture file of adverts: 4 periodic adverts (one per destination per
// round), then the priority-0 advert(s) sent on SIGTERM.
struct Case {
  std::string file;  // under captures/ipv6/
  int node;
  std::uint8_t version;
  std::uint8_t vrid;
  std::uint8_t priority;
  std::uint16_t adver_int;  // v3 cs, v2 s
  std::uint8_t auth_raw;    // v2 auth type byte
  IpAddress src;
  std::vector<IpAddress> dsts;  // cycled per packet
  std::uint8_t hop_limit;
  std::vector<IpAddress> vips;
};

std::vector<Case> AllCases() {
  const IpAddress g = kVrrpMulticastGroup6;
  const std::uint8_t kMcastHops = kVrrpTtl;
  const std::uint8_t kUcastHops = kIpv6DefaultUnicastHops;
  auto vip = [](const char* s) { return Ip6(s); };
  return {
      {"v3_ip6_mcast",
       41,
       3,
       41,
       100,
       100,
       0,
       LinkLocal(41),
       {g},
       kMcastHops,
       {vip("fd00:250:1::41")}},
      {"v3_ip6_3vips",
       42,
       3,
       42,
       150,
       100,
       0,
       LinkLocal(42),
       {g},
       kMcastHops,
       {vip("fd00:250:1::42"), vip("fd00:250:1::142"), vip("fd00:250:2::42")}},
      {"v3_ip6_unicast",
       43,
       3,
       43,
       100,
       100,
       0,
       Global(43),
       {Global(2)},
       kUcastHops,
       {vip("fd00:250:1::43")}},
      {"v3_ip6_unicast_2peers",
       44,
       3,
       44,
       100,
       100,
       0,
       Global(44),
       {Global(2), Global(3)},
       kUcastHops,
       {vip("fd00:250:1::44")}},
      {"v3_ip6_prio0_sigterm",
       45,
       3,
       45,
       254,
       100,
       0,
       LinkLocal(45),
       {g},
       kMcastHops,
       {vip("fd00:250:1::45")}},
      {"v3_ip6_adv050",
       46,
       3,
       46,
       200,
       50,
       0,
       LinkLocal(46),
       {g},
       kMcastHops,
       {vip("fd00:250:1::46"), vip("fd00:250:1::146")}},
      // `version 2` before the VIPs: a v2 header (auth type PASS, 1 s) with no
      // auth bytes, over IPv6.
      {"v3_ip6_asked_v2_pass",
       47,
       2,
       47,
       100,
       1,
       1,
       LinkLocal(47),
       {g},
       kMcastHops,
       {vip("fd00:250:1::47")}},
      {"v3_ip6_asked_ah",
       48,
       3,
       48,
       100,
       100,
       0,
       LinkLocal(48),
       {g},
       kMcastHops,
       {vip("fd00:250:1::48")}},
      {"v3_ip6_garp_2x1",
       49,
       3,
       49,
       100,
       100,
       0,
       LinkLocal(49),
       {g},
       kMcastHops,
       {vip("fd00:250:1::49")}},
      {"v3_ip6_linklocal_vip",
       51,
       3,
       51,
       100,
       100,
       0,
       LinkLocal(51),
       {g},
       kMcastHops,
       {vip("fe80::51"), vip("fd00:250:1::51")}},
      {"v3_ip6_version2_after_vips",
       52,
       3,
       52,
       100,
       100,
       0,
       LinkLocal(52),
       {g},
       kMcastHops,
       {vip("fd00:250:1::52")}},
      {"v3_ip6_global_v2",
       53,
       3,
       53,
       100,
       100,
       0,
       LinkLocal(53),
       {g},
       kMcastHops,
       {vip("fd00:250:1::53")}},
  };
}

VrrpAdvert AdvertFor(const Case& c, std::size_t index) {
  VrrpAdvert a;
  a.src = c.src;
  a.dst = c.dsts[index % c.dsts.size()];
  a.ttl = c.hop_limit;
  a.version = c.version;
  a.vrid = c.vrid;
  // Four periodic adverts are stored, then the priority-0 ones.
  a.priority = index < 4 ? c.priority : 0;
  a.count = static_cast<std::uint8_t>(c.vips.size());
  a.adver_int = c.adver_int;
  a.auth_type_raw = c.auth_raw;
  a.auth_type = c.auth_raw == 1 ? AuthType::kPass : AuthType::kNone;
  a.addresses = c.vips;
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

class Advert6 : public ::testing::TestWithParam<Case> {};

TEST_P(Advert6, DecodesToConfiguredFieldsAndEncodesByteForByte) {
  const Case& c = GetParam();
  const std::vector<Bytes> file = LoadCapture("ipv6/" + c.file);
  // 4 periodic + one priority-0 advert per destination.
  ASSERT_EQ(file.size(), 4 + c.dsts.size()) << c.file;
  for (std::size_t i = 0; i < file.size(); ++i) {
    SCOPED_TRACE(c.file + " packet " + std::to_string(i));
    const Bytes& bytes = file[i];
    Ipv6Extras ex;
    const DecodedPacket d = DecodeIpv6(bytes, &ex);
    ASSERT_TRUE(d.ok()) << DecodeErrorName(d.error);
    const VrrpAdvert want = AdvertFor(c, i);
    EXPECT_TRUE(d.checksum_ok);
    EXPECT_FALSE(d.checksum_ok_old_unicast);
    EXPECT_TRUE(d.ip_checksum_ok);
    EXPECT_TRUE(d.addresses_complete);
    EXPECT_FALSE(d.has_ah);
    EXPECT_EQ(d.ip_protocol, kIpProtoVrrp);
    EXPECT_EQ(ex.first_next_header, kIpProtoVrrp);
    EXPECT_EQ(d.ip_tos, kVrrpTrafficClass6);
    EXPECT_NE(ex.flow_label, 0u);  // the kernel's automatic flow label
    EXPECT_EQ(d.ip_header_length, kIpv6HeaderLength);
    EXPECT_EQ(d.ip_total_length, bytes.size());
    EXPECT_EQ(ex.payload_length, bytes.size() - kIpv6HeaderLength);
    EXPECT_EQ(d.vrrp_length, ExpectedVrrpLength6(static_cast<int>(c.vips.size())));
    const VrrpAdvert& a = d.advert;
    EXPECT_EQ(a.src, want.src);
    EXPECT_EQ(a.dst, want.dst);
    EXPECT_EQ(a.ttl, want.ttl);
    EXPECT_EQ(a.version, want.version);
    EXPECT_EQ(a.type, 1);
    EXPECT_EQ(a.vrid, want.vrid);
    EXPECT_EQ(a.priority, want.priority);
    EXPECT_EQ(a.count, want.count);
    EXPECT_EQ(a.adver_int, want.adver_int);
    EXPECT_EQ(a.auth_type_raw, want.auth_type_raw);
    EXPECT_EQ(a.auth_type, want.auth_type);
    EXPECT_EQ(a.addresses, want.addresses);
    EXPECT_EQ(a.ip_id, 0);  // IPv6 has none

    EXPECT_EQ(Hex(EncodeIpv6(want, FlowLabel{ex.flow_label})), Hex(bytes));
    // Family dispatch takes the same paths.
    std::vector<std::uint8_t> via;
    EncodeAdvert(want, &via);
    EXPECT_EQ(DecodeAdvert(via).advert, DecodeIpv6(via).advert);
    EXPECT_EQ(DecodeAdvert(bytes).advert, a);
  }
}

INSTANTIATE_TEST_SUITE_P(Captures, Advert6, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.file; });

// The "# +T.TTTs ..." time comments of a capture file, in order.
std::vector<double> Times(const std::string& name) {
  std::ifstream in(testing::CapturePath(name));
  std::vector<double> t;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("# +", 0) == 0) t.push_back(std::strtod(line.c_str() + 3, nullptr));
  return t;
}

struct NaCase {
  std::string file;  // under captures/ipv6/, without the na_ prefix
  int node;
  std::vector<IpAddress> vips;
  int repeat;    // garp_master_repeat
  double delay;  // garp_master_delay, seconds
};

class Na6 : public ::testing::TestWithParam<NaCase> {};

// R50 for IPv6: on becoming MASTER, `repeat` rounds of one NA per VIP in
// config order right after the first advert, and as many again `delay` later.
TEST_P(Na6, BatchesAsR50AndEncodeByteForByte) {
  const NaCase& c = GetParam();
  const std::string name = "ipv6/na_" + c.file;
  const std::vector<Bytes> file = LoadCapture(name);
  const std::vector<double> t = Times(name);
  const std::size_t batch = static_cast<std::size_t>(c.repeat) * c.vips.size();
  ASSERT_EQ(file.size(), 2 * batch) << name;
  ASSERT_EQ(t.size(), file.size());
  for (std::size_t i = 0; i < file.size(); ++i) {
    SCOPED_TRACE(name + " packet " + std::to_string(i));
    const IpAddress vip = c.vips[i % c.vips.size()];
    EXPECT_EQ(Hex(EncodeUnsolicitedNa(vip, Mac(c.node))), Hex(file[i]));
    const std::optional<NeighbourAdvert> na = DecodeNeighbourAdvert(file[i]);
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->src, vip);
    EXPECT_EQ(na->target, vip);
    EXPECT_TRUE(na->override_flag);
    EXPECT_FALSE(na->solicited);
    EXPECT_FALSE(na->router);
    EXPECT_EQ(na->hop_limit, 255);
    EXPECT_TRUE(na->checksum_ok);
    ASSERT_TRUE(na->target_mac.has_value());
    EXPECT_EQ(*na->target_mac, Mac(c.node));
    // First batch right after the first advert; the second `delay` later.
    // On top: keepalived's scheduling latency, which reached 70 ms for the
    // last NA of a 15-NA batch in the recording (13 daemons on 2 cores).
    const double expected = i < batch ? 0.0 : c.delay;
    EXPECT_GE(t[i], expected);
    EXPECT_LT(t[i], expected + 0.1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Captures, Na6,
    ::testing::Values(
        NaCase{"v3_ip6_mcast", 41, {Ip6("fd00:250:1::41")}, 5, 5.0},
        NaCase{"v3_ip6_3vips",
               42,
               {Ip6("fd00:250:1::42"), Ip6("fd00:250:1::142"), Ip6("fd00:250:2::42")},
               5,
               5.0},
        NaCase{"v3_ip6_unicast", 43, {Ip6("fd00:250:1::43")}, 5, 5.0},
        NaCase{"v3_ip6_adv050", 46, {Ip6("fd00:250:1::46"), Ip6("fd00:250:1::146")}, 5, 5.0},
        NaCase{"v3_ip6_garp_2x1", 49, {Ip6("fd00:250:1::49")}, 2, 1.0},
        NaCase{"v3_ip6_linklocal_vip", 51, {Ip6("fe80::51"), Ip6("fd00:250:1::51")}, 5, 5.0}),
    [](const ::testing::TestParamInfo<NaCase>& i) { return i.param.file; });

}  // namespace
}  // namespace vrrp
