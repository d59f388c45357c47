// R13: validation order, discard reasons and keepalived's log lines.
#include "engine/vrrp/validate.h"

#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using namespace vrrp::test;

std::string Check(const VrrpInstance& cfg, const DecodedPacket& p, bool vip = true) {
  std::string log;
  ValidateOptions o;
  o.check_vip_addr = vip;
  return ValidateAdvert(cfg, p, o, &log) ? "OK" : log;
}

TEST(Rules, R13_EachRowAndItsLogLine) {
  VrrpInstance v = MakeInstance();
  DecodedPacket p;

  EXPECT_EQ(Check(v, MakePacket(Adv())), "OK");

  p = MakePacket(Adv());
  p.has_ah = true;
  EXPECT_EQ(Check(v, p), "(VI_1) Received AH header but auth type not AH");
  VrrpInstance ah = v;
  ah.auth_type = AuthType::kAh;
  EXPECT_EQ(Check(ah, MakePacket(Adv())), "(VI_1) No AH header but auth type is AH");

  p = MakePacket(Adv());
  p.received_length = 44;
  EXPECT_EQ(Check(v, p), "(VI_1) vrrp packet too long, length 44 and expect 40");
  p.received_length = 36;
  EXPECT_EQ(Check(v, p), "(VI_1) vrrp packet too short, length 36 and expect 40");

  EXPECT_EQ(Check(v, MakePacket(Adv().Ttl(1))), "(VI_1) invalid TTL/HL. Received 1 and expect 255");
  EXPECT_EQ(Check(v, MakePacket(Adv().Version(3))),
            "(VI_1) wrong version. Received 3 and expect 2");

  p = MakePacket(Adv());
  p.advert.auth_type_raw = 7;
  EXPECT_EQ(Check(v, p), "(VI_1) Invalid auth type: 7");
  EXPECT_EQ(Check(v, MakePacket(Adv().Auth(AuthType::kPass, "pw"))),
            "(VI_1) received a 1 auth, expecting 0!");
  VrrpInstance pass = v;
  pass.auth_type = AuthType::kPass;
  pass.auth_pass = "pw";
  EXPECT_EQ(Check(pass, MakePacket(Adv().Auth(AuthType::kPass, "pw"))), "OK");
  EXPECT_EQ(Check(pass, MakePacket(Adv().Auth(AuthType::kPass, "pw2"))),
            "(VI_1) received an invalid passwd!");

  EXPECT_EQ(Check(v, MakePacket(Adv().Interval(3))),
            "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=3 sec");

  p = MakePacket(Adv());
  p.advert.type = 2;
  EXPECT_EQ(Check(v, p), "(VI_1) Invalid packet type. 2 and expect 1");

  EXPECT_EQ(Check(v, MakePacket(Adv().Addrs({}))),
            "(VI_1) received an unexpected ip number count 0, expected 1!");

  p = MakePacket(Adv());
  p.ip_total_length = 41;
  EXPECT_EQ(Check(v, p), "(VI_1) ip_tot_len mismatch against received length. 41 and received 40");

  p = MakePacket(Adv());
  p.checksum_ok = false;
  EXPECT_EQ(Check(v, p), "(VI_1) Invalid VRRPv2 checksum");
  VrrpInstance v3 = v;
  v3.version = 3;
  p = MakePacket(Adv().Version(3).Interval(100));
  p.checksum_ok = false;
  EXPECT_EQ(Check(v3, p), "(VI_1) Invalid VRRPv3 checksum");

  EXPECT_EQ(Check(v, MakePacket(Adv().Dst("10.0.0.1"))),
            "(VI_1) Expected multicast packet but received unicast packet");

  EXPECT_EQ(Check(v, MakePacket(Adv().Addrs({"10.0.0.7"}))),
            "(VI_1) ip address associated with VRID 51 not present in MASTER advert : 10.0.0.100");
}

TEST(Rules, R13_OrderFirstFailureWins) {
  VrrpInstance v = MakeInstance();
  // TTL (row 3) before version (row 4).
  EXPECT_EQ(Check(v, MakePacket(Adv().Ttl(64).Version(3).Interval(100))),
            "(VI_1) invalid TTL/HL. Received 64 and expect 255");
  // Version (4) before interval (9).
  EXPECT_EQ(Check(v, MakePacket(Adv().Version(3).Interval(7))),
            "(VI_1) wrong version. Received 3 and expect 2");
  // Auth (6) before interval (9).
  EXPECT_EQ(Check(v, MakePacket(Adv().Auth(AuthType::kPass, "x").Interval(2))),
            "(VI_1) received a 1 auth, expecting 0!");
  // Type (10) before count (11).
  DecodedPacket p = MakePacket(Adv().Addrs({}));
  p.advert.type = 3;
  EXPECT_EQ(Check(v, p), "(VI_1) Invalid packet type. 3 and expect 1");
  // Count (11) before checksum (13).
  p = MakePacket(Adv().Addrs({}));
  p.checksum_ok = false;
  EXPECT_EQ(Check(v, p), "(VI_1) received an unexpected ip number count 0, expected 1!");
}

TEST(Rules, R13_V3HasNoIntervalCheckAndUnicastSkipsTtl) {
  VrrpInstance v = MakeInstance();
  v.version = 3;
  EXPECT_EQ(Check(v, MakePacket(Adv().Version(3).Interval(37))), "OK");
  v.unicast_peers.push_back({Ip("10.0.0.2"), 0, 255});
  EXPECT_EQ(Check(v, MakePacket(Adv().Version(3).Dst("10.0.0.1").Ttl(3))), "OK");
}

TEST(Rules, R13_VipCheckingSkippedOnlyForKnownMasterInBackup) {
  VrrpInstance v = MakeInstance();
  v.skip_check_adv_addr = true;
  EXPECT_EQ(Check(v, MakePacket(Adv().Addrs({"10.0.0.7"})), false), "OK");
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Clear();
  // First advert from 10.0.0.2 is checked (no last master yet).
  h.Rx(kSecond, Adv(200).Addrs({"10.0.0.7"}));
  EXPECT_EQ(h.TakeLogs().size(), 1u);
  h.Rx(Seconds(2), Adv(200));
  h.Rx(Seconds(3), Adv(200).Addrs({"10.0.0.7"}));  // same master: skipped
  EXPECT_TRUE(h.TakeLogs().empty());
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(3) + 3609375);
  h.Rx(Seconds(4), Adv(200, "10.0.0.3").Addrs({"10.0.0.7"}));  // other source: checked
  EXPECT_EQ(h.TakeLogs().size(), 1u);
}

TEST(Rules, R13_UnknownVridSilentUnlessLogged) {
  Config c = MakeConfig({MakeInstance()});
  c.global.log_unknown_vrids = true;
  Harness h(std::move(c));
  h.Start(0);
  h.Clear();
  h.Rx(kSecond, Adv().Vrid(9));
  EXPECT_EQ(h.TakeLogs(),
            std::vector<std::string>{"Unknown VRID(9) received on interface(eth0). ignoring..."});
  Harness h2(MakeConfig({MakeInstance()}));
  h2.Start(0);
  h2.Clear();
  h2.Rx(kSecond, Adv().Vrid(9));
  h2.Rx(kSecond, Adv(), "eth1");  // right VRID, other interface
  EXPECT_TRUE(h2.Take(true, true).empty());
}

// SurelyValid (the backup's fast path) may only say yes where
// ValidateAdvert says yes: every row's field mutated at random, for
// instances the quick summary covers and some it does not.
TEST(Validate, SurelyValidImpliesValid) {
  std::vector<VrrpInstance> cfgs;
  VrrpInstance v2 = MakeInstance();
  cfgs.push_back(v2);
  VrrpInstance two = v2;
  VirtualAddress second;
  second.addr = Ip("10.0.0.101");
  two.vips.push_back(second);
  cfgs.push_back(two);
  VrrpInstance v3 = v2;
  v3.version = 3;
  cfgs.push_back(v3);
  VrrpInstance pass = v2;
  pass.auth_type = AuthType::kPass;
  pass.auth_pass = "pw";
  cfgs.push_back(pass);
  VrrpInstance ah3 = v3;
  ah3.auth_type = AuthType::kAh;
  cfgs.push_back(ah3);
  VrrpInstance odd = v2;
  odd.advert_int = kSecond * 3 / 2;
  cfgs.push_back(odd);
  VrrpInstance uni = v2;
  uni.unicast_peers.push_back(UnicastPeer{});
  uni.unicast_peers.back().addr = Ip("10.0.0.2");
  cfgs.push_back(uni);

  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  auto rnd = [&x](std::uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  int quick = 0;
  for (const VrrpInstance& cfg : cfgs) {
    const QuickValidation q = QuickValidationFor(cfg);
    VrrpAdvert own;  // the instance's template, as the daemon builds it
    own.version = static_cast<std::uint8_t>(cfg.version);
    for (const VirtualAddress& a : cfg.vips) own.addresses.push_back(a.addr);
    own.count = static_cast<std::uint8_t>(own.addresses.size());
    AdvertSpec base = Adv().Version(cfg.version).Interval(cfg.version == 3 ? 100 : 1);
    std::vector<const char*> addrs;
    for (const VirtualAddress& a : cfg.vips)
      addrs.push_back(a.addr == Ip("10.0.0.100") ? "10.0.0.100" : "10.0.0.101");
    base.Addrs(addrs);
    for (int round = 0; round < 3000; ++round) {
      DecodedPacket p = MakePacket(base);
      VrrpAdvert& a = p.advert;
      for (int m = static_cast<int>(rnd(3)); m > 0; --m) {
        switch (rnd(13)) {
          case 0:
            p.has_ah = !p.has_ah;
            break;
          case 1:
            p.received_length += rnd(2) ? 4 : -4;
            break;
          case 2:
            a.ttl = static_cast<std::uint8_t>(rnd(256));
            break;
          case 3:
            a.version = static_cast<std::uint8_t>(2 + rnd(2));
            break;
          case 4:
            a.auth_type_raw = static_cast<std::uint8_t>(rnd(4));
            break;
          case 5:
            a.adver_int = static_cast<std::uint16_t>(rnd(4));
            break;
          case 6:
            a.type = static_cast<std::uint8_t>(rnd(3));
            break;
          case 7:
            a.count = static_cast<std::uint8_t>(rnd(4));
            break;
          case 8:
            if (!a.addresses.empty()) a.addresses[rnd(a.addresses.size())] = Ip("10.0.0.7");
            break;
          case 9:
            if (a.addresses.size() > 1) std::swap(a.addresses[0], a.addresses[1]);
            break;
          case 10:
            p.ip_total_length = static_cast<std::uint16_t>(p.ip_total_length + 1);
            break;
          case 11:
            p.checksum_ok = false;
            break;
          default:
            a.dst = rnd(2) ? Ip("10.0.0.1") : Ip("224.0.0.18");
            break;
        }
      }
      p.plain = PlainShape(p);  // a decoder's flag for the edited packet
      for (bool vip : {true, false}) {
        if (!SurelyValid(q, own, p, vip)) continue;
        ++quick;
        ValidateOptions o;
        o.check_vip_addr = vip;
        std::string log;
        ASSERT_TRUE(ValidateAdvert(cfg, p, o, &log))
            << cfg.name << " v" << cfg.version << " round " << round << ": " << log;
      }
    }
    // The unmutated advert of a covered instance takes the fast path.
    EXPECT_EQ(SurelyValid(q, own, MakePacket(base), true), q.usable) << cfg.version;
  }
  EXPECT_GT(quick, 1000);  // the fast path was exercised
  EXPECT_TRUE(QuickValidationFor(cfgs[0]).usable);
  EXPECT_FALSE(QuickValidationFor(pass).usable);
  EXPECT_FALSE(QuickValidationFor(ah3).usable);
  EXPECT_FALSE(QuickValidationFor(odd).usable);
  EXPECT_FALSE(QuickValidationFor(uni).usable);
}

}  // namespace
}  // namespace vrrp
