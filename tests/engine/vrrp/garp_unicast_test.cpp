// R50-R53 (gratuitous ARP schedule) and R55-R57 (multicast/unicast, limits).
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;

std::vector<std::string> Only(const std::vector<std::string>& lines, const char* what) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (l.find(what) != std::string::npos) out.push_back(l);
  return out;
}

TEST(Rules, R50_GarpRepeatAndDelayedBatch) {
  // E15: repeat 2 / delay 1 => 2 + 2.
  VrrpInstance v = MakeInstance();
  v.garp_master_repeat = 2;
  v.garp_master_delay = kSecond;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.RunUntil(kUp + Seconds(3));
  EXPECT_THAT(Only(h.Take(), "SendGarp"), ElementsAre("t=3609375 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=4609375 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=4609375 SendGarp VI_1 10.0.0.100 eth0"));
}

TEST(Rules, R50_DelayZeroMeansNoSecondBatch) {
  VrrpInstance v = MakeInstance();
  v.garp_master_repeat = 1;
  v.garp_master_delay = 0;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.RunUntil(kUp + Seconds(10));
  EXPECT_THAT(Only(h.Take(), "SendGarp"), ElementsAre("t=3609375 SendGarp VI_1 10.0.0.100 eth0"));
}

TEST(Rules, R51_LowerPriorityGarpsRepeatPerAdvert) {
  VrrpInstance v = MakeInstance();
  v.garp_lower_prio_repeat = 1;
  v.garp_lower_prio_delay = Seconds(2);
  v.garp_master_delay = 0;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Rx(Seconds(5), Adv(50));
  h.Rx(Seconds(6), Adv(50));
  h.RunUntil(Seconds(9));
  EXPECT_THAT(Only(h.Take(), "SendGarp"), ElementsAre("t=5000000 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=6000000 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=8000000 SendGarp VI_1 10.0.0.100 eth0"));
}

TEST(Rules, R52_RefreshWithPeriodicAdverts) {
  // E14: refresh 2 s, repeat 2 => 2 GARPs with the adverts at +2, +4, +6 s
  // (decision: now >= deadline).
  VrrpInstance v = MakeInstance();
  v.garp_master_refresh = Seconds(2);
  v.garp_master_refresh_repeat = 2;
  v.garp_master_repeat = 1;
  v.garp_master_delay = 0;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Rx(kUp + 500000, Adv(0));  // a forced advert never carries the refresh
  h.RunUntil(kUp + Seconds(6) + 500000);
  std::vector<std::string> got = Only(h.Take(), "SendGarp");
  EXPECT_THAT(got, ElementsAre("t=6109375 SendGarp VI_1 10.0.0.100 eth0",
                               "t=6109375 SendGarp VI_1 10.0.0.100 eth0",
                               "t=8109375 SendGarp VI_1 10.0.0.100 eth0",
                               "t=8109375 SendGarp VI_1 10.0.0.100 eth0",
                               "t=10109375 SendGarp VI_1 10.0.0.100 eth0",
                               "t=10109375 SendGarp VI_1 10.0.0.100 eth0"));
}

TEST(Rules, R53_NoPacingByDefault) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.RunUntil(kUp);
  EXPECT_EQ(Only(h.Take(), "t=3609375 SendGarp").size(), 5u);
}

TEST(Rules, R53_GarpIntervalPacesAndCollapsesRepeats) {
  // vrrp_garp_interval 10 ms: one GARP per interval on the interface; an
  // address holds at most one queued GARP, so repeats collapse.
  VrrpInstance v = MakeInstance();
  VirtualAddress second;
  second.addr = Ip("10.0.0.101");
  second.prefix_len = 24;
  v.vips.push_back(second);
  v.garp_master_delay = 0;
  Config c = MakeConfig({v});
  c.global.garp_interval = 10 * kMillisecond;
  Harness h(std::move(c));
  h.Start(0);
  h.RunUntil(kUp + Seconds(1) - 1);
  EXPECT_THAT(Only(h.Take(), "SendGarp"), ElementsAre("t=3609375 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=3619375 SendGarp VI_1 10.0.0.100 eth0",
                                                      "t=3629375 SendGarp VI_1 10.0.0.101 eth0"));
}

TEST(Rules, R55_MulticastDestinationAndTtl) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  // A unicast advert reaching a multicast instance is discarded.
  h.Rx(Seconds(4), Adv(200).Dst("10.0.0.1"));
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1) Expected multicast packet but received unicast packet"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

VrrpInstance Unicast() {
  VrrpInstance v = MakeInstance();
  v.unicast_src_ip = Ip("10.0.0.1");
  v.unicast_peers.push_back({Ip("10.0.0.2"), 0, 255});
  v.unicast_peers.push_back({Ip("10.0.0.3"), 0, 255});
  v.unicast_ttl = 64;
  return v;
}

TEST(Rules, R56_UnicastOneAdvertPerPeer) {
  Harness h(MakeConfig({Unicast()}));
  h.Start(0);
  h.RunUntil(kUp);
  EXPECT_THAT(Only(h.Take(), "SendAdvert"),
              ElementsAre("t=3609375 SendAdvert VI_1 prio=100 dst=10.0.0.2 ttl=64",
                          "t=3609375 SendAdvert VI_1 prio=100 dst=10.0.0.3 ttl=64"));
}

TEST(Rules, R56_UnicastNoTtlNoSourceCheckMulticastIgnored) {
  // E11: a non-peer TTL-64 unicast advert is accepted; multicast ignored.
  Harness h(MakeConfig({Unicast()}));
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Rx(Seconds(4), Adv(200).Dst("224.0.0.18"));
  EXPECT_TRUE(h.Take(true, true).empty());
  h.Rx(Seconds(5), Adv(200, "10.0.0.9").Dst("10.0.0.1").Ttl(64));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R56_CheckUnicastSourceAndTtlRange) {
  VrrpInstance v = Unicast();
  v.check_unicast_src = true;
  v.unicast_peers[0].min_ttl = 250;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Clear();
  h.Rx(Seconds(1), Adv(200, "10.0.0.9").Dst("10.0.0.1"));
  h.Rx(Seconds(2), Adv(200, "10.0.0.2").Dst("10.0.0.1").Ttl(64));
  EXPECT_THAT(h.TakeLogs(), ElementsAre("(VI_1) unicast source address 10.0.0.9 not a unicast peer",
                                        "(VI_1) TTL/HL 64 not in range 250 - 255"));
  EXPECT_EQ(h.daemon().instance_deadline(0), kUp);
}

TEST(Rules, R57_AddressCountCappedAndEvipsNotAdvertised) {
  VrrpInstance v = MakeInstance();
  v.vips.clear();
  for (int i = 0; i < 300; ++i) {
    VirtualAddress a;
    a.addr = Ipv4(0x0a010000u + static_cast<std::uint32_t>(i));
    v.vips.push_back(a);
  }
  VirtualAddress ev;
  ev.addr = Ip("10.9.9.9");
  v.evips.push_back(ev);
  Harness h(MakeConfig({v}));
  h.Start(0);
  Actions a;
  h.daemon().OnTimer(kUp, &a);
  for (const Action& x : a) {
    if (auto* s = std::get_if<SendAdvert>(&x)) {
      EXPECT_EQ(s->advert.count, 255);
      EXPECT_EQ(s->advert.addresses.size(), 255u);
      EXPECT_EQ(std::count(s->advert.addresses.begin(), s->advert.addresses.end(), Ip("10.9.9.9")),
                0);
    }
  }
}

}  // namespace
}  // namespace vrrp
