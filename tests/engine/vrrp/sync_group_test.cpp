// R60-R66 (sync groups) and R70 (notification order).
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;

Config GroupConfig(VrrpInstance a = MakeInstance("VI_1", 51),
                   VrrpInstance b = MakeInstance("VI_2", 52)) {
  b.vips[0].addr = Ip("10.0.0.101");
  a.track_files.push_back({"tf", 0, false});
  Config c = MakeConfig({a, b});
  c.sync_groups.push_back(MakeGroup("G1", {"VI_1", "VI_2"}));
  TrackFile f;
  f.name = "tf";
  c.track_files.push_back(f);
  return c;
}

std::vector<std::string> Notifies(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (l.find("Notify") != std::string::npos || l.find("Syncing") != std::string::npos ||
        l.find("Entering") != std::string::npos || l.find("timeout") != std::string::npos)
      out.push_back(l);
  return out;
}

TEST(Rules, R60_MembershipUnknownMemberIgnored) {
  Config c = GroupConfig();
  c.sync_groups[0].members.push_back("VI_9");
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify G1 INIT->BACKUP prio=0 startup",
                                    "t=0 Notify VI_1 INIT->BACKUP prio=100 startup",
                                    "t=0 Notify VI_2 INIT->BACKUP prio=100 startup"));
}

TEST(Rules, R63_MasterRequiresUnanimity) {
  DaemonOptions o;
  o.detailed_logging = true;
  Harness h(GroupConfig(), MakeHost(), o);
  h.Start(0);
  h.Clear();
  h.RunUntil(kUp);
  EXPECT_THAT(Notifies(h.Take(true, false)),
              ElementsAre("t=3609375 Log (VI_1) Receive advertisement timeout",
                          "t=3609375 Log (VI_2) Receive advertisement timeout",
                          "t=3609375 Log (VI_2) Entering MASTER STATE",
                          "t=3609375 Notify VI_2 BACKUP->MASTER prio=100 master-down-timer",
                          "t=3609375 Log VRRP_Group(G1) Syncing instances to MASTER state",
                          "t=3609375 Log (VI_1) Entering MASTER STATE",
                          "t=3609375 Notify VI_1 BACKUP->MASTER prio=100 sync-group",
                          "t=3609375 Notify G1 BACKUP->MASTER prio=0 master-down-timer"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R61_FaultPropagation) {
  Harness h(GroupConfig());
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.File(Seconds(5), "tf", 1);
  EXPECT_THAT(h.Take(true, false),
              ElementsAre("t=5000000 Log (VI_1) Entering FAULT STATE",
                          "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                          "t=5000000 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                          "t=5000000 RemoveVip VI_1 10.0.0.100/24 eth0",
                          "t=5000000 Notify VI_1 MASTER->FAULT prio=100 fault",
                          "t=5000000 Log VRRP_Group(G1) Syncing instances to FAULT state",
                          "t=5000000 Log (VI_2) Entering FAULT STATE",
                          "t=5000000 SendAdvert VI_2 prio=0 dst=224.0.0.18",
                          "t=5000000 RemoveVip VI_2 10.0.0.101/24 eth0",
                          "t=5000000 Notify VI_2 MASTER->FAULT prio=100 sync-group",
                          "t=5000000 Notify G1 MASTER->FAULT prio=0 fault"));
  h.File(Seconds(8), "tf", 0);
  EXPECT_THAT(Notifies(h.Take(true, false)),
              ElementsAre("t=8000000 Log (VI_1) Entering BACKUP STATE",
                          "t=8000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared",
                          "t=8000000 Log VRRP_Group(G1) Syncing instances to BACKUP state",
                          "t=8000000 Log (VI_2) Entering BACKUP STATE",
                          "t=8000000 Notify VI_2 FAULT->BACKUP prio=100 sync-group",
                          "t=8000000 Notify G1 FAULT->BACKUP prio=0 fault-cleared"));
}

TEST(Rules, R62_BackupPropagation) {
  Harness h(GroupConfig());
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Rx(Seconds(5), Adv(200).Vrid(52).Addrs({"10.0.0.101"}));
  EXPECT_THAT(Notifies(h.Take(true, false)),
              ElementsAre("t=5000000 Log (VI_2) Entering BACKUP STATE",
                          "t=5000000 Notify VI_2 MASTER->BACKUP prio=100 higher-priority-advert",
                          "t=5000000 Log VRRP_Group(G1) Syncing instances to BACKUP state",
                          "t=5000000 Log (VI_1) Entering BACKUP STATE",
                          "t=5000000 Notify VI_1 MASTER->BACKUP prio=100 sync-group",
                          "t=5000000 Notify G1 MASTER->BACKUP prio=0 higher-priority-advert"));
  // E10: VI_1 has no master; the group goes MASTER again only when both
  // have timed out.
  h.RunUntil(Seconds(5) + kUp);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_EQ(h.daemon().state(1), State::kMaster);
}

TEST(Rules, R64_GroupTrackScriptAppliesToEveryMember) {
  Config c = GroupConfig();
  VrrpScript s;
  s.name = "chk";
  c.scripts.push_back(s);
  c.sync_groups[0].track_scripts.push_back({"chk", 0, false});
  Harness h(std::move(c));
  h.Start(0);
  h.Check(1000, "chk", CheckResult{});
  h.Check(Seconds(1), "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  EXPECT_EQ(h.daemon().state(1), State::kFault);
}

TEST(Rules, R66_GroupOfOwnersStartsMaster) {
  Harness h(GroupConfig(MakeInstance("VI_1", 51, 255), MakeInstance("VI_2", 52, 255)));
  h.Start(0);
  EXPECT_TRUE(h.Take().empty());  // no startup notifications at all
  h.RunUntil(1);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_EQ(h.daemon().state(1), State::kMaster);
  EXPECT_EQ(h.Take().back(), "t=1 Notify G1 INIT->MASTER prio=0 master-down-timer");
}

TEST(Rules, R66_MixedStateMasterResetToBackup) {
  VrrpInstance a = MakeInstance("VI_1", 51, 255);
  VrrpInstance b = MakeInstance("VI_2", 52, 100);
  Harness h(GroupConfig(a, b));
  h.Start(0);
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify G1 INIT->BACKUP prio=0 startup",
                                    "t=0 Notify VI_1 INIT->BACKUP prio=255 startup",
                                    "t=0 Notify VI_2 INIT->BACKUP prio=100 startup"));
}

TEST(Rules, R66_GroupFaultAtStartupNotifiesGroupFirst) {
  Config c = GroupConfig();
  c.track_files[0].init_value = 1;
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_THAT(h.Take(true, false),
              ElementsAre("t=0 Notify G1 INIT->FAULT prio=0 startup",
                          "t=0 Log (VI_1): entering FAULT state (tracked file tf has status 1)",
                          "t=0 Log (VI_1) entering FAULT state",
                          "t=0 Notify VI_1 INIT->FAULT prio=100 startup",
                          "t=0 Log (VI_2) entering FAULT state",
                          "t=0 Notify VI_2 INIT->FAULT prio=100 sync-group"));
}

TEST(Rules, R43_GroupWaitsForMembersFirstScriptResults) {
  Config c = GroupConfig();
  VrrpScript s;
  s.name = "chk";
  s.interval = Seconds(5);
  c.scripts.push_back(s);
  c.instances[0].track_scripts.push_back({"chk", 0, false});
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 RunScript chk"));
  EXPECT_EQ(h.daemon().state(1), State::kFault);  // held silently with VI_1
  h.Check(5000, "chk", CheckResult{});
  EXPECT_THAT(h.Take(true, false), ElementsAre("t=5000 Log VRRP_Script(chk) succeeded",
                                               "t=5000 Log (VI_1) Entering BACKUP STATE",
                                               "t=5000 Notify VI_1 INIT->BACKUP prio=100 startup",
                                               "t=5000 Log (VI_2) Entering BACKUP STATE",
                                               "t=5000 Notify VI_2 INIT->BACKUP prio=100 startup",
                                               "t=5000 Notify G1 INIT->BACKUP prio=0 startup"));
}

TEST(Rules, R70_NotifyCarriesPriorityAndDetail) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.RunUntil(kUp);
  Actions a;
  h.daemon().OnDecoded(Seconds(5), MakePacket(Adv(150)), "eth0", &a);
  const Notify* n = nullptr;
  for (const Action& x : a)
    if (auto* p = std::get_if<Notify>(&x)) n = p;
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->instance, 0);
  EXPECT_EQ(n->group, -1);
  EXPECT_EQ(n->from, State::kMaster);
  EXPECT_EQ(n->to, State::kBackup);
  EXPECT_EQ(n->priority, 100);
  EXPECT_EQ(n->reason, Reason::kHigherPriorityAdvert);
  EXPECT_EQ(n->detail, "higher priority 150 from 10.0.0.2");
}

TEST(Rules, R70_StopNotifiesInstancesThenGroups) {
  Harness h(GroupConfig());
  h.Start(0);
  h.RunUntil(kUp);
  h.Clear();
  h.Stop(Seconds(5));
  EXPECT_THAT(Notifies(h.Take()),
              ElementsAre("t=5000000 Notify VI_1 MASTER->STOP prio=100 shutdown",
                          "t=5000000 Notify VI_2 MASTER->STOP prio=100 shutdown",
                          "t=5000000 Notify G1 MASTER->STOP prio=0 shutdown"));
}

}  // namespace
}  // namespace vrrp
