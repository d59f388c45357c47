// R9, R10, R16-R22: MASTER sending, receiving and leaving.
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;  // prio-100 MASTER entry time

const SendAdvert& FirstAdvert(const Actions& a) {
  for (const Action& x : a)
    if (auto* s = std::get_if<SendAdvert>(&x)) return *s;
  static const SendAdvert kNone;
  ADD_FAILURE() << "no SendAdvert";
  return kNone;
}

Harness StartedMaster(VrrpInstance v = MakeInstance(), DaemonOptions o = {}) {
  Harness h(MakeConfig({v}), MakeHost(), o);
  h.Start(0);
  h.RunUntil(kUp);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  h.Clear();
  return h;
}

TEST(Rules, R9_AdvertEveryOwnInterval) {
  Harness h = StartedMaster();
  h.RunUntil(kUp + Seconds(2));
  EXPECT_THAT(h.Take(false, true), ElementsAre("t=4609375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                               "t=4609375 Timer VI_1 at=5609375",
                                               "t=5609375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                               "t=5609375 Timer VI_1 at=6609375"));
}

TEST(Rules, R10_AnyPacketForVridRearmsMasterTimer) {
  Harness h = StartedMaster();
  // E4: an invalid TTL-254 packet moves the next advert.
  h.Rx(kUp + 500000, Adv(100).Ttl(254));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=4109375 Log (VI_1) invalid TTL/HL. Received 254 and expect 255",
                          "t=4109375 Timer VI_1 at=5109375"));
  // A packet for another VRID is not ours.
  h.Rx(kUp + 600000, Adv(100).Vrid(52));
  EXPECT_TRUE(h.Take(true, true).empty());
}

TEST(Rules, R10_FloodSuppressesAdverts) {
  Harness h = StartedMaster();
  for (Time t = kUp + 500000; t < kUp + Seconds(5); t += 500000) {
    h.RunUntil(t);
    h.Rx(t, Adv(100).Ttl(254));
  }
  h.RunUntil(kUp + Seconds(5));
  for (const std::string& line : h.Take()) EXPECT_EQ(line.find("SendAdvert"), std::string::npos);
}

TEST(Rules, R10_LowerPrioNoAdvertLeavesTimer) {
  VrrpInstance v = MakeInstance();
  v.lower_prio_no_advert = true;
  Harness h = StartedMaster(v);
  h.Rx(kUp + 500000, Adv(100).Ttl(254));
  h.Rx(kUp + 600000, Adv(0));
  EXPECT_THAT(h.Take(false, true),
              ElementsAre("t=4209375 SendAdvert VI_1 prio=100 dst=224.0.0.18"));
  EXPECT_EQ(h.daemon().instance_deadline(0), kUp + kSecond);
}

TEST(Rules, R16_AdvertContents) {
  VrrpInstance v = MakeInstance();
  v.auth_type = AuthType::kPass;
  v.auth_pass = "secret";
  VirtualAddress second;
  second.addr = Ip("10.0.0.101");
  v.vips.push_back(second);
  VirtualAddress ev;
  ev.addr = Ip("10.9.9.9");
  v.evips.push_back(ev);
  Harness h(MakeConfig({v}));
  h.Start(0);
  Actions a;
  h.daemon().OnTimer(kUp, &a);
  const SendAdvert& s = FirstAdvert(a);
  EXPECT_EQ(s.advert.src, Ip("10.0.0.1"));
  EXPECT_EQ(s.advert.dst, Ip("224.0.0.18"));
  EXPECT_EQ(s.advert.ttl, 255);
  EXPECT_EQ(s.advert.version, 2);
  EXPECT_EQ(s.advert.type, 1);
  EXPECT_EQ(s.advert.vrid, 51);
  EXPECT_EQ(s.advert.priority, 100);
  EXPECT_EQ(s.advert.count, 2);
  EXPECT_EQ(s.advert.adver_int, 1);
  EXPECT_EQ(s.advert.auth_type, AuthType::kPass);
  EXPECT_EQ(s.advert.auth_data[0], 's');
  EXPECT_EQ(s.advert.auth_data[6], 0);
  EXPECT_THAT(s.advert.addresses, ElementsAre(Ip("10.0.0.100"), Ip("10.0.0.101")));
}

TEST(Rules, R16_V3IntervalInCentisecondsAndSourceOverrides) {
  VrrpInstance v = MakeInstance();
  v.version = 3;
  v.advert_int = 500 * kMillisecond;
  v.mcast_src_ip = Ip("10.0.0.50");
  v.mcast_dst = Ip("224.0.0.19");
  Harness h(MakeConfig({v}));
  h.Start(0);
  Actions a;
  h.daemon().OnTimer(h.daemon().NextDeadline(), &a);
  const SendAdvert& s = FirstAdvert(a);
  EXPECT_EQ(s.advert.adver_int, 50);
  EXPECT_EQ(s.advert.version, 3);
  EXPECT_EQ(s.advert.src, Ip("10.0.0.50"));
  EXPECT_EQ(s.advert.dst, Ip("224.0.0.19"));
  EXPECT_EQ(s.advert.auth_type, AuthType::kNone);
}

TEST(Rules, R17_1_PriorityZeroAnsweredAtOnce) {
  Harness h = StartedMaster();
  h.Rx(kUp + 300000, Adv(0));
  EXPECT_THAT(h.Take(false, true), ElementsAre("t=3909375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                               "t=3909375 Timer VI_1 at=4909375"));
}

TEST(Rules, R17_2_EqualPriorityOurAddress) {
  Harness h = StartedMaster();
  h.Rx(kUp + 300000, Adv(100, "10.0.0.1"));
  EXPECT_THAT(h.Take(true, false),
              ElementsAre("t=3909375 Log (VI_1) WARNING - equal priority advert received from "
                          "remote host with our IP address."));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R17_3_TwoOwnersReduceLocalPriority) {
  Harness h(MakeConfig({MakeInstance("VI_1", 51, 255)}));
  h.Start(0);
  h.RunUntil(1);
  h.Clear();
  h.Rx(Seconds(1), Adv(255, "10.0.0.0"));
  EXPECT_THAT(
      h.Take(true, false),
      ElementsAre("t=1000000 Log (VI_1) CONFIGURATION ERROR: local instance and a remote instance "
                  "are both configured as address owner, please fix - reducing local priority",
                  "t=1000000 Priority VI_1 255->254",
                  "t=1000000 Log (VI_1) Master received advert from 10.0.0.0 with higher "
                  "priority 255, ours 254",
                  "t=1000000 Log (VI_1) Entering BACKUP STATE",
                  "t=1000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                  "t=1000000 Notify VI_1 MASTER->BACKUP prio=254 higher-priority-advert"));
  EXPECT_EQ(h.daemon().effective_priority(0), 254);
}

TEST(Rules, R17_4_LowerPriorityForcesNewElection) {
  Harness h = StartedMaster();
  h.Rx(Seconds(5), Adv(50));
  std::vector<std::string> want = {
      "t=5000000 Log (VI_1) Received advert from 10.0.0.2 with lower priority 50, ours 100, "
      "forcing new election",
      "t=5000000 SendAdvert VI_1 prio=100 dst=224.0.0.18"};
  for (int k = 0; k < 5; ++k) want.push_back("t=5000000 SendGarp VI_1 10.0.0.100 eth0");
  want.push_back("t=5000000 Timer VI_1 at=6000000");
  EXPECT_EQ(h.Take(true, true), want);
  // The lower-priority delayed batch 5 s later.
  h.RunUntil(Seconds(10));
  int garps = 0;
  for (const std::string& l : h.Take())
    if (l == "t=10000000 SendGarp VI_1 10.0.0.100 eth0") ++garps;
  EXPECT_EQ(garps, 5);
}

TEST(Rules, R17_4_EqualPriorityLowerAddressIsLower) {
  Harness h = StartedMaster();
  h.Rx(Seconds(5), Adv(100, "10.0.0.0"));
  EXPECT_EQ(h.TakeLogs()[0],
            "(VI_1) Received advert from 10.0.0.0 with lower priority 100, ours 100, forcing new "
            "election");
}

TEST(Rules, R17_4_LowerPrioNoAdvertAndRxLowerNotify) {
  VrrpInstance v = MakeInstance();
  v.lower_prio_no_advert = true;
  v.garp_lower_prio_repeat = 0;
  v.notify_master_rx_lower_pri.command = "/bin/true";
  Harness h = StartedMaster(v);
  h.Rx(Seconds(5), Adv(50));
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre("t=5000000 Log (VI_1) Received advert from 10.0.0.2 with lower priority "
                  "50, ours 100",
                  "t=5000000 Notify VI_1 MASTER->MASTER prio=100 master-rx-lower-priority"));
}

TEST(Rules, R17_5_HigherPriorityYieldsSendingNothing) {
  Harness h = StartedMaster();
  h.Rx(Seconds(5), Adv(150));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=5000000 Log (VI_1) Master received advert from 10.0.0.2 with higher "
                          "priority 150, ours 100",
                          "t=5000000 Log (VI_1) Entering BACKUP STATE",
                          "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                          "t=5000000 Notify VI_1 MASTER->BACKUP prio=100 higher-priority-advert",
                          "t=5000000 Timer VI_1 at=8609375"));
}

TEST(Rules, R17_5_HigherPrioSendAdvertFirst) {
  VrrpInstance v = MakeInstance();
  v.higher_prio_send_advert = true;
  Harness h = StartedMaster(v);
  h.Rx(Seconds(5), Adv(200));
  std::vector<std::string> got = h.Take(true);
  ASSERT_GE(got.size(), 4u);
  // The advert goes out before keepalived even logs the better advert.
  EXPECT_EQ(got[0], "t=5000000 SendAdvert VI_1 prio=100 dst=224.0.0.18");
  EXPECT_EQ(got[1],
            "t=5000000 Log (VI_1) Master received advert from 10.0.0.2 with higher priority 200, "
            "ours 100");
  EXPECT_EQ(got[2], "t=5000000 Log (VI_1) Entering BACKUP STATE");
  EXPECT_EQ(got[3], "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0");
}

TEST(Rules, R17_5_V3LearnsIntervalWhenYielding) {
  VrrpInstance v = MakeInstance();
  v.version = 3;
  Harness h = StartedMaster(v);
  h.Rx(Seconds(5), Adv(200).Version(3).Interval(300));
  EXPECT_EQ(h.daemon().master_adver_int(0), 3 * kSecond);
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(5) + 10828125);
}

TEST(Rules, R18_EqualPriorityHigherAddressWins) {
  Harness h = StartedMaster();
  h.Rx(Seconds(5), Adv(100, "10.0.0.3"));
  EXPECT_EQ(h.TakeLogs()[0],
            "(VI_1) Master received advert from 10.0.0.3 with same priority 100 but higher IP "
            "address than ours");
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R20_BackupToMasterSideEffectOrder) {
  VrrpInstance v = MakeInstance();
  v.garp_master_repeat = 2;
  v.garp_master_refresh = Seconds(10);
  VirtualAddress ev;
  ev.addr = Ip("10.9.9.9");
  ev.prefix_len = 32;
  v.evips.push_back(ev);
  DaemonOptions o;
  o.detailed_logging = true;  // -D: the VIP and GARP lines are detail logs
  Harness h(MakeConfig({v}), MakeHost(), o);
  h.Start(0);
  h.Clear();
  h.RunUntil(kUp);
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre(
          "t=3609375 Log (VI_1) Receive advertisement timeout", "t=3609375 Timer VI_1 at=4609375",
          "t=3609375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
          "t=3609375 Log (VI_1) Entering MASTER STATE", "t=3609375 Log (VI_1) setting VIPs.",
          "t=3609375 AddVip VI_1 10.0.0.100/24 eth0", "t=3609375 Log (VI_1) setting E-VIPs.",
          "t=3609375 AddVip VI_1 10.9.9.9/32 eth0 excluded",
          "t=3609375 Log (VI_1) Sending/queueing gratuitous ARPs on eth0 for "
          "10.0.0.100",
          "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
          "t=3609375 Log Sending gratuitous ARP on eth0 for 10.0.0.100",
          "t=3609375 Log (VI_1) Sending/queueing gratuitous ARPs on eth0 for "
          "10.9.9.9",
          "t=3609375 SendGarp VI_1 10.9.9.9 eth0",
          "t=3609375 Log Sending gratuitous ARP on eth0 for 10.9.9.9",
          "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
          "t=3609375 Log Sending gratuitous ARP on eth0 for 10.0.0.100",
          "t=3609375 SendGarp VI_1 10.9.9.9 eth0",
          "t=3609375 Log Sending gratuitous ARP on eth0 for 10.9.9.9",
          "t=3609375 Notify VI_1 BACKUP->MASTER prio=100 master-down-timer"));
}

TEST(Rules, R20_WithoutDetailOnlyEnteringMasterIsLogged) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.Clear();
  h.RunUntil(kUp);
  EXPECT_EQ(h.TakeLogs(), std::vector<std::string>{"(VI_1) Entering MASTER STATE"});
}

TEST(Rules, R21_MasterToBackupRemovesEvipsAndPendingGarps) {
  VrrpInstance v = MakeInstance();
  VirtualAddress ev;
  ev.addr = Ip("10.9.9.9");
  ev.prefix_len = 32;
  v.evips.push_back(ev);
  Harness h = StartedMaster(v);
  h.Rx(kUp + Seconds(1), Adv(200));  // before the delayed GARP batch at kUp+5 s
  EXPECT_THAT(h.Take(), ElementsAre("t=4609375 RemoveVip VI_1 10.0.0.100/24 eth0",
                                    "t=4609375 RemoveVip VI_1 10.9.9.9/32 eth0 excluded",
                                    "t=4609375 Notify VI_1 MASTER->BACKUP prio=100 "
                                    "higher-priority-advert"));
  EXPECT_FALSE(h.daemon().vips_installed(0));
  for (Time t = kUp + Seconds(2); t <= kUp + Seconds(6); t += kSecond) {
    h.RunUntil(t);
    h.Rx(t, Adv(200));
  }
  for (const std::string& l : h.Take()) EXPECT_EQ(l.find("SendGarp"), std::string::npos) << l;
}

TEST(Rules, R22_PriorityDropNotAnnouncedImmediately) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", -60, false});
  Harness h = StartedMaster(v);
  h.Link(kUp + 300000, "eth1", false);
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=3909375 Log Netlink reports eth1 down",
                          "t=3909375 Log (VI_1) Changing effective priority from 100 to 40",
                          "t=3909375 Priority VI_1 100->40"));
  h.RunUntil(kUp + kSecond);
  EXPECT_THAT(h.Take(), ElementsAre("t=4609375 SendAdvert VI_1 prio=40 dst=224.0.0.18"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Experiments, E4_MasterInjections) {
  Harness h = StartedMaster();
  // Each invalid packet logs its reason and re-arms the timer.
  struct Case {
    AdvertSpec spec;
    const char* log;
  };
  const Case cases[] = {
      {Adv(100).Ttl(254), "(VI_1) invalid TTL/HL. Received 254 and expect 255"},
      {Adv(100).Interval(2), "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec"},
      {Adv(100).Version(3), "(VI_1) wrong version. Received 3 and expect 2"},
      {Adv(100).Addrs({"10.0.0.100", "10.0.0.101"}),
       "(VI_1) received an unexpected ip number count 2, expected 1!"},
      {Adv(100).Addrs({"10.0.0.99"}),
       "(VI_1) ip address associated with VRID 51 not present in MASTER advert : 10.0.0.100"},
      {Adv(100).Auth(AuthType::kPass, "x"), "(VI_1) received a 1 auth, expecting 0!"},
  };
  Time t = kUp + 100000;
  for (const Case& c : cases) {
    h.Rx(t, c.spec);
    EXPECT_THAT(h.TakeLogs(), ElementsAre(c.log));
    EXPECT_EQ(h.daemon().instance_deadline(0), t + kSecond);
    t += 100000;
  }
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Experiments, E9_WeightMinus60Takeover) {
  // n1 prio 100 with a weight -60 script; the peer (prio 90) is modelled by
  // its adverts. The failure lowers the advertised priority; n1 yields on
  // the peer's first advert after the peer's takeover.
  VrrpScript s;
  s.name = "chk";
  s.interval = kSecond;
  s.timeout = kSecond;
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", -60, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(s);
  Harness h(std::move(c));
  h.Start(0);
  h.Check(10, "chk", CheckResult{});
  h.RunUntil(kUp);
  ASSERT_EQ(h.daemon().state(0), State::kMaster);
  h.Clear();
  h.Check(Seconds(10) + 375000, "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().effective_priority(0), 40);
  h.RunUntil(Seconds(11));
  bool saw40 = false;
  for (const std::string& l : h.Take())
    if (l == "t=10609375 SendAdvert VI_1 prio=40 dst=224.0.0.18") saw40 = true;
  EXPECT_TRUE(saw40);
  h.Rx(Seconds(12), Adv(90));
  EXPECT_THAT(h.TakeLogs(), ::testing::Contains("(VI_1) Master received advert from 10.0.0.2 with "
                                                "higher priority 90, ours 40"));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  // Recovery while BACKUP: priority back to 100 shifts the deadline by the
  // skew difference, and n1 takes over MDI(100) after the last accepted
  // advert (R33).
  h.Rx(Seconds(13), Adv(90));
  h.Check(Seconds(13) + 500000, "chk", CheckResult{});
  EXPECT_EQ(h.daemon().effective_priority(0), 100);
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(13) + 3609375);
}

}  // namespace
}  // namespace vrrp
