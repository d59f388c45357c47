// R40-R43 (FAULT), R45-R46 (stop and crash).
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;

VrrpInstance Tracking(const char* ifname = "eth1") {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({ifname, 0, false});
  return v;
}

TEST(Rules, R40_OwnFaultFromMasterSendsTwoPriorityZero) {
  Harness h(MakeConfig({Tracking()}));
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Link(Seconds(5), "eth1", false);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=5000000 Log Netlink reports eth1 down",
                                              "t=5000000 Log (VI_1) Entering FAULT STATE",
                                              "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                                              "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                                              "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                                              "t=5000000 Notify VI_1 MASTER->FAULT prio=100 fault",
                                              "t=5000000 Timer VI_1 at=never"));
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
}

TEST(Rules, R40_DetailedLogOrderOwnAndSyncForced) {
  DaemonOptions o;
  o.detailed_logging = true;
  Harness h(MakeConfig({Tracking()}), MakeHost(), o);
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Link(Seconds(5), "eth1", false);
  EXPECT_THAT(
      h.Take(true, false),
      ElementsAre(
          "t=5000000 Log Netlink reports eth1 down", "t=5000000 Log (VI_1) Entering FAULT STATE",
          "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
          "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18", "t=5000000 Log (VI_1) sent 0 priority",
          "t=5000000 Log (VI_1) removing VIPs.", "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0",
          "t=5000000 Notify VI_1 MASTER->FAULT prio=100 fault"));
}

TEST(Rules, R40_FaultNotifyCarriesCause) {
  Daemon d(MakeConfig({Tracking()}), MakeHost());
  Actions a;
  d.Start(0, &a);
  a.clear();
  d.OnLink(kSecond, "eth1", false, &a);
  const Notify* n = nullptr;
  for (const Action& x : a)
    if (auto* p = std::get_if<Notify>(&x)) n = p;
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->reason, Reason::kFault);
  EXPECT_EQ(n->detail, "interface eth1 down");
}

TEST(Rules, R40_FaultFromBackupSendsNothing) {
  Harness h(MakeConfig({Tracking()}));
  h.Start(0);
  h.Clear();
  h.Link(Seconds(1), "eth1", false);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=1000000 Log Netlink reports eth1 down",
                                              "t=1000000 Log (VI_1) Entering FAULT STATE",
                                              "t=1000000 Notify VI_1 BACKUP->FAULT prio=100 fault",
                                              "t=1000000 Timer VI_1 at=never"));
}

TEST(Rules, R40_SecondFaultSourceOnlyCounts) {
  VrrpInstance v = Tracking();
  v.track_interfaces.push_back({"eth2", 0, false});
  HostIdentity host = MakeHost();
  host.interfaces.push_back({"eth2", Ip("192.168.2.1"), true});
  Harness h(MakeConfig({v}), host);
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  h.Clear();
  h.Link(Seconds(2), "eth2", false);
  h.Link(Seconds(3), "eth1", true);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=2000000 Log Netlink reports eth2 down",
                                              "t=3000000 Log Netlink reports eth1 up"));
  EXPECT_EQ(h.daemon().state(0), State::kFault);
}

TEST(Rules, R41_LeavingFaultGoesBackupWithFullMdi) {
  Harness h(MakeConfig({Tracking()}));
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  h.Clear();
  h.Link(Seconds(2), "eth1", true);
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=2000000 Log Netlink reports eth1 up",
                          "t=2000000 Log (VI_1) Entering BACKUP STATE",
                          "t=2000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared",
                          "t=2000000 Timer VI_1 at=5609375"));
}

TEST(Rules, R41_UnicastSendsGarpForOwnAddress) {
  VrrpInstance v = Tracking();
  v.unicast_peers.push_back({Ip("10.0.0.2"), 0, 255});
  v.unicast_src_ip = Ip("10.0.0.1");
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  h.Clear();
  h.Link(Seconds(2), "eth1", true);
  EXPECT_THAT(h.Take(), ElementsAre("t=2000000 SendGarp VI_1 10.0.0.1 eth0",
                                    "t=2000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared"));
}

TEST(Rules, R42_FaultAtStartup) {
  // E19: tracked interface down at start.
  HostIdentity host = MakeHost();
  host.interfaces[1].up = false;
  Harness h(MakeConfig({Tracking()}), host);
  h.Start(0);
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=0 Log (VI_1): entering FAULT state (interface eth1 down)",
                          "t=0 Log (VI_1) entering FAULT state",
                          "t=0 Notify VI_1 INIT->FAULT prio=100 startup"));
  h.Link(Seconds(10), "eth1", true);
  EXPECT_THAT(h.Take(), ElementsAre("t=10000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared"));
  h.RunUntil(Seconds(10) + kUp);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  h.Clear();
  h.Stop(Seconds(20));
  EXPECT_THAT(h.Take(), ElementsAre("t=20000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                                    "t=20000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                                    "t=20000000 Notify VI_1 MASTER->STOP prio=100 shutdown"));
}

TEST(Rules, R4_1_ConfigFaultOnlyNotifies) {
  // unicast_fault_no_peer without peers: the reader logged the error; the
  // instance enters FAULT with only its FAULT notification.
  VrrpInstance v = MakeInstance();
  v.unicast_fault_no_peer = true;
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 Notify VI_1 INIT->FAULT prio=100 startup"));
  EXPECT_EQ(h.daemon().state(0), State::kFault);
}

Config ScriptConfig(VrrpInstance v) {
  v.track_scripts.push_back({"chk", 0, false});
  Config c = MakeConfig({v});
  VrrpScript s;
  s.name = "chk";
  s.interval = Seconds(2);
  s.timeout = Seconds(2);
  c.scripts.push_back(s);
  return c;
}

TEST(Rules, R43_WeightZeroScriptHoldsStartupSilently) {
  Harness h(ScriptConfig(MakeInstance()));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 RunScript chk"));
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  h.Check(20000, "chk", CheckResult{});
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=20000 Log VRRP_Script(chk) succeeded",
                                              "t=20000 Log (VI_1) Entering BACKUP STATE",
                                              "t=20000 Notify VI_1 INIT->BACKUP prio=100 startup",
                                              "t=20000 Timer VI_1 at=3629375"));
}

TEST(Rules, R43_FirstResultFailureAnnouncesFault) {
  Harness h(ScriptConfig(MakeInstance()));
  h.Start(0);
  h.Clear();
  h.Check(20000, "chk", CheckResult{false, 2, false});
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=20000 Log VRRP_Script(chk) failed (exited with status 2)",
                          "t=20000 Log (VI_1) Entering FAULT STATE",
                          "t=20000 Notify VI_1 INIT->FAULT prio=100 fault"));
}

TEST(Rules, R43_OwnerWaitingForScriptGoesStraightToMaster) {
  Harness h(ScriptConfig(MakeInstance("VI_1", 51, 255)));
  h.Start(0);
  h.Clear();
  h.Check(20000, "chk", CheckResult{});
  std::vector<std::string> got = h.Take();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), "t=20000 SendAdvert VI_1 prio=255 dst=224.0.0.18");
  EXPECT_EQ(got.back(), "t=20000 Notify VI_1 INIT->MASTER prio=255 owner-startup");
}

TEST(Rules, R45_GracefulStop) {
  VrrpInstance a = MakeInstance("VI_1", 51);
  VrrpInstance b = MakeInstance("VI_2", 52, 50);
  b.vips[0].addr = Ip("10.0.0.101");
  Config c = MakeConfig({a, b});
  Harness h(std::move(c));
  h.Start(0);
  h.RunUntil(kUp);
  h.Rx(kUp, Adv(200).Vrid(52).Addrs({"10.0.0.101"}));  // VI_2 stays BACKUP
  h.Clear();
  h.Stop(Seconds(5));
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre("t=5000000 Log Stopping", "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                  "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                  "t=5000000 Notify VI_1 MASTER->STOP prio=100 shutdown",
                  "t=5000000 Notify VI_2 BACKUP->STOP prio=50 shutdown",
                  "t=5000000 Timer VI_1 at=never", "t=5000000 Timer VI_2 at=never"));
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
  // Inert afterwards.
  h.Rx(Seconds(6), Adv(200));
  h.Timer(Seconds(7));
  EXPECT_TRUE(h.Take(true, true).empty());
}

TEST(Rules, R46_CrashIsDiscardingTheDaemon) {
  // Nothing to send on SIGKILL: the driver drops the Daemon. The VIPs the
  // daemon installed stay with the driver (vips_installed is still true).
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.RunUntil(kUp);
  EXPECT_TRUE(h.daemon().vips_installed(0));
}

TEST(Experiments, E8_ScriptFaultFromMasterAndRecovery) {
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", 0, false});
  Config c = MakeConfig({v});
  VrrpScript s;
  s.name = "chk";
  s.interval = kSecond;
  s.timeout = kSecond;
  s.rise = 2;
  s.fall = 2;
  c.scripts.push_back(s);
  Harness h(std::move(c));
  h.Start(0);
  h.Check(30000, "chk", CheckResult{});
  h.RunUntil(30000 + kUp);
  ASSERT_EQ(h.daemon().state(0), State::kMaster);
  h.Clear();
  h.Check(Seconds(10) + 32000, "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  h.Check(Seconds(11) + 32000, "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  int zeros = 0;
  for (const std::string& l : h.Take())
    if (l.find("prio=0 dst") != std::string::npos) ++zeros;
  EXPECT_EQ(zeros, 2);
  h.Rx(Seconds(12), Adv(200));  // ignored in FAULT
  EXPECT_TRUE(h.Take(true, true).empty());
  h.Check(Seconds(14) + 33000, "chk", CheckResult{});
  h.Check(Seconds(15) + 32000, "chk", CheckResult{});
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(15) + 32000 + kUp);
}

}  // namespace
}  // namespace vrrp
