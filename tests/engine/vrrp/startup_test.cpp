// R1-R5, R71: states, startup transitions and startup notifications.

#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

std::vector<std::string> MasterEntry(Time t, int prio = 100) {
  const std::string ts = "t=" + std::to_string(t) + " ";
  const std::string p = std::to_string(prio);
  return {ts + "SendAdvert VI_1 prio=" + p + " dst=224.0.0.18",
          ts + "AddVip VI_1 10.0.0.100/24 eth0",
          ts + "SendGarp VI_1 10.0.0.100 eth0",
          ts + "SendGarp VI_1 10.0.0.100 eth0",
          ts + "SendGarp VI_1 10.0.0.100 eth0",
          ts + "SendGarp VI_1 10.0.0.100 eth0",
          ts + "SendGarp VI_1 10.0.0.100 eth0"};
}

TEST(Rules, R1_FaultIgnoresAdverts) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", 0, false});
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  ASSERT_EQ(h.daemon().state(0), State::kFault);
  h.Take();
  // E8: a priority-200 advert in FAULT: no log, nothing at all.
  h.Rx(Seconds(2), Adv(200));
  EXPECT_TRUE(h.Take(true, true).empty());
  EXPECT_EQ(h.daemon().state(0), State::kFault);
}

TEST(Rules, R1_InitIgnoresAdvertsBeforeStart) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Rx(0, Adv());
  EXPECT_TRUE(h.Take(true, true).empty());
  EXPECT_EQ(h.daemon().state(0), State::kInit);
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
}

TEST(Rules, R2_PriorityAndStateFromModel) {
  // The reader resolves R2; the daemon takes wantstate and priority as given.
  VrrpInstance v = MakeInstance("VI_1", 51, 255);
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_EQ(h.daemon().effective_priority(0), 255);
  h.RunUntil(1);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R3_WantstateBlocksSyncGroupUntilMemberTimesOut) {
  // wantstate is observable through the sync group: a member whose timer has
  // fired wants MASTER; an accepted advert sets it back to BACKUP (R63).
  VrrpInstance a = MakeInstance("VI_1", 51);
  VrrpInstance b = MakeInstance("VI_2", 52);
  b.vips[0].addr = Ip("10.0.0.101");
  Config c = MakeConfig({a, b});
  c.sync_groups.push_back(MakeGroup("G1", {"VI_1", "VI_2"}));
  Harness h(std::move(c));
  h.Start(0);
  // VI_2 keeps hearing a master, so VI_1's timeout alone cannot go MASTER.
  for (Time t = Seconds(1); t <= Seconds(8); t += Seconds(1))
    h.Rx(t, Adv().Vrid(52).Addrs({"10.0.0.101"}));
  h.RunUntil(Seconds(8));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  EXPECT_EQ(h.daemon().state(1), State::kBackup);
}

TEST(Rules, R4_NonOwnerStateMasterWaitsFullMdi) {
  VrrpInstance v = MakeInstance();
  v.initial_state = InitialState::kMaster;
  v.state_given = true;
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 Log (VI_1) Entering BACKUP STATE (init)",
                                              "t=0 Notify VI_1 INIT->BACKUP prio=100 startup",
                                              "t=0 Timer VI_1 at=3609375"));
  EXPECT_EQ(h.daemon().NextDeadline(), 3609375);
  h.RunUntil(3609375);
  std::vector<std::string> want = MasterEntry(3609375);
  want.push_back("t=3609375 Notify VI_1 BACKUP->MASTER prio=100 master-down-timer");
  EXPECT_EQ(h.Take(), want);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_TRUE(h.daemon().vips_installed(0));
  EXPECT_EQ(h.daemon().instance_deadline(0), 4609375);
}

TEST(Rules, R4_OwnerGoesMasterViaOneMicrosecondTimer) {
  Harness h(MakeConfig({MakeInstance("VI_1", 51, 255)}));
  h.Start(0);
  // No "Entering BACKUP STATE" log, no BACKUP notification (R71).
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 Timer VI_1 at=1"));
  h.RunUntil(1);
  std::vector<std::string> want = MasterEntry(1, 255);
  want.push_back("t=1 Notify VI_1 INIT->MASTER prio=255 owner-startup");
  EXPECT_EQ(h.Take(), want);
}

TEST(Rules, R4_OwnerWithStateBackupWaitsMdi) {
  VrrpInstance v = MakeInstance("VI_1", 51, 255);
  v.initial_state = InitialState::kBackup;
  v.state_given = true;
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 Log (VI_1) Entering BACKUP STATE (init)",
                                              "t=0 Notify VI_1 INIT->BACKUP prio=255 startup",
                                              "t=0 Timer VI_1 at=3003906"));
}

TEST(Rules, R4_StartupLogOrderWithTransition) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.Clear();
  h.RunUntil(3609375);
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre(
          "t=3609375 Timer VI_1 at=4609375", "t=3609375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
          "t=3609375 Log (VI_1) Entering MASTER STATE", "t=3609375 AddVip VI_1 10.0.0.100/24 eth0",
          "t=3609375 SendGarp VI_1 10.0.0.100 eth0", "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
          "t=3609375 SendGarp VI_1 10.0.0.100 eth0", "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
          "t=3609375 SendGarp VI_1 10.0.0.100 eth0",
          "t=3609375 Notify VI_1 BACKUP->MASTER prio=100 master-down-timer"));
}

TEST(Rules, R5_StartupDelayMeasuresFromDelayEnd) {
  Config c = MakeConfig({MakeInstance()});
  c.global.startup_delay = Seconds(10);
  Harness h(std::move(c));
  h.Start(Seconds(100));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(110) + 3609375);
  // An advert accepted during the delay also counts from its end.
  h.Rx(Seconds(105), Adv(200));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(110) + 3609375);
  // After the delay, from now.
  h.Rx(Seconds(111), Adv(200));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(111) + 3609375);
}

TEST(Rules, R71_StartupNotificationsOnlyForBackupOrFault) {
  VrrpInstance a = MakeInstance("VI_1", 51);
  VrrpInstance b = MakeInstance("VI_2", 52, 255);
  VrrpInstance c = MakeInstance("VI_3", 53);
  c.track_interfaces.push_back({"eth9", 0, false});  // unknown => down
  Harness h(MakeConfig({a, b, c}));
  h.Start(0);
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify VI_1 INIT->BACKUP prio=100 startup",
                                    "t=0 Notify VI_3 INIT->FAULT prio=100 startup"));
}

TEST(Experiments, E1_StateMasterPrio100BackupInitThenMaster) {
  VrrpInstance v = MakeInstance();
  v.initial_state = InitialState::kMaster;
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.RunUntil(Seconds(9));
  std::vector<std::string> got = h.Take();
  ASSERT_GE(got.size(), 9u);
  EXPECT_EQ(got[0], "t=0 Notify VI_1 INIT->BACKUP prio=100 startup");
  EXPECT_EQ(got[1], "t=3609375 SendAdvert VI_1 prio=100 dst=224.0.0.18");
  // The delayed GARP batch exactly 5 s later, with the advert of that second
  // going first (timer tie: the instance timer before the GARP timer).
  EXPECT_EQ(got.back(), "t=8609375 SendGarp VI_1 10.0.0.100 eth0");
  EXPECT_EQ(std::count(got.begin(), got.end(), "t=8609375 SendGarp VI_1 10.0.0.100 eth0"), 5);
}

}  // namespace
}  // namespace vrrp
