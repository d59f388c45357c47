// R30-R39: effective priority and trackers (scripts, interfaces, files).
#include "engine/vrrp/tracker.h"
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

VrrpScript Script(const char* name, int rise = 1, int fall = 1, int weight = 0) {
  VrrpScript s;
  s.name = name;
  s.script = "/usr/local/bin/check";
  s.interval = kSecond;
  s.timeout = kSecond;
  s.rise = rise;
  s.fall = fall;
  s.weight = weight;
  return s;
}

TEST(Rules, R30_EffectivePriorityClampedAndOwnerImmune) {
  VrrpInstance v = MakeInstance("VI_1", 51, 250);
  v.track_interfaces.push_back({"eth1", 50, false});  // up: +50 -> 300 -> 254
  VrrpInstance w = MakeInstance("VI_2", 52, 20);
  w.vips[0].addr = Ip("10.0.0.101");
  w.track_interfaces.push_back({"eth1", -100, false});
  VrrpInstance o = MakeInstance("VI_3", 53, 255);
  o.vips[0].addr = Ip("10.0.0.102");
  o.track_interfaces.push_back({"eth1", -100, false});
  Harness h(MakeConfig({v, w, o}));
  h.Start(0);
  EXPECT_EQ(h.daemon().effective_priority(0), 254);
  EXPECT_EQ(h.daemon().effective_priority(1), 20);
  h.Clear();
  h.Link(kSecond, "eth1", false);
  EXPECT_EQ(h.daemon().effective_priority(0), 250);
  EXPECT_EQ(h.daemon().effective_priority(1), 1);    // never 0
  EXPECT_EQ(h.daemon().effective_priority(2), 255);  // owner immune
  EXPECT_THAT(h.TakeLogs(), ElementsAre("Netlink reports eth1 down",
                                        "(VI_1) Changing effective priority from 254 to 250",
                                        "(VI_2) Changing effective priority from 20 to 1"));
}

TEST(Rules, R31_BinaryContributionTable) {
  // OK/up contributes w*m if w > 0; failed/down contributes w*m if w < 0.
  EXPECT_EQ(BinaryContribution(10, false, true), 10);
  EXPECT_EQ(BinaryContribution(10, false, false), 0);
  EXPECT_EQ(BinaryContribution(-10, false, true), 0);
  EXPECT_EQ(BinaryContribution(-10, false, false), -10);
  EXPECT_EQ(BinaryContribution(10, true, true), -10);
  EXPECT_EQ(BinaryContribution(10, true, false), 0);
  EXPECT_EQ(BinaryContribution(-10, true, true), 0);
  EXPECT_EQ(BinaryContribution(-10, true, false), 10);
  EXPECT_EQ(BinaryContribution(0, false, false), 0);
}

TEST(Rules, R31_UnreportedScriptContributesNothing) {
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", 20, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk"));
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_EQ(h.daemon().effective_priority(0), 100);
  EXPECT_THAT(h.Take(),
              ElementsAre("t=0 Notify VI_1 INIT->BACKUP prio=100 startup", "t=0 RunScript chk"));
  h.Check(1000, "chk", CheckResult{});
  EXPECT_EQ(h.daemon().effective_priority(0), 120);
}

TEST(Rules, R32_WeightZeroMeansFaultAndReverse) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", 0, true});  // reverse: FAULT while up
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  h.Link(kSecond, "eth1", false);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  EXPECT_TRUE(BinaryFault(false, false));
  EXPECT_FALSE(BinaryFault(false, true));
  EXPECT_TRUE(BinaryFault(true, true));
}

TEST(Rules, R33_PriorityChangeShiftsBackupDeadline) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", -10, false});
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Rx(kSecond, Adv(200));
  h.Clear();
  h.Link(Seconds(2), "eth1", false);  // 100 -> 90: skew 609375 -> 648437
  EXPECT_THAT(h.Take(false, true),
              ElementsAre("t=2000000 Priority VI_1 100->90", "t=2000000 Timer VI_1 at=4648437"));
}

TEST(Rules, R33_DiscardQuirkPushesDeadline) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", -10, false});
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Rx(kSecond, Adv(200));
  h.Rx(Seconds(2), Adv(200).Ttl(1));  // discarded: ms_down_timer := remaining 2609375
  h.Clear();
  h.Link(Seconds(3), "eth1", false);
  // deadline := 4609375 + (3648437 - 2609375) = t_discard + new MDI.
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(2) + 3648437);
}

TEST(Rules, R34_ScriptScheduleAndRiseFall) {
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", 0, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk", 2, 2));
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=0 RunScript chk"));  // R43: silent
  // Runs every interval from the previous run (on time here: from its schedule).
  h.Check(30000, "chk", CheckResult{});
  h.RunUntil(Seconds(2));
  h.Check(Seconds(2) + 30000, "chk", CheckResult{});
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  std::vector<std::string> got = h.Take();
  EXPECT_THAT(got, ::testing::Contains("t=1000000 RunScript chk"));
  EXPECT_THAT(got, ::testing::Contains("t=2000000 RunScript chk"));
  // fall 2: one failure changes nothing, the second faults.
  h.Check(Seconds(3), "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  h.Check(Seconds(4), "chk", CheckResult{false, 1, false});
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  // rise 2: a success then a failure resets the run.
  h.Check(Seconds(5), "chk", CheckResult{});
  h.Check(Seconds(6), "chk", CheckResult{false, 1, false});
  h.Check(Seconds(7), "chk", CheckResult{});
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  h.Check(Seconds(8), "chk", CheckResult{});
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R34_LateRunRearmsFromWhenItRan) {
  // E20: keepalived re-arms the script timer when a run is launched, so a
  // late wake-up delays every later run (drift), and the script's own run
  // time does not (a run still going does not hold the schedule back).
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", 0, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk", 1, 1));
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_EQ(h.daemon().script_deadline(0), kSecond);
  h.Timer(kSecond + 1500);  // woken 1.5 ms late
  EXPECT_EQ(h.daemon().script_deadline(0), 2 * kSecond + 1500);
  h.Timer(2 * kSecond + 3000);  // 1.5 ms late again: 3 ms in all
  EXPECT_EQ(h.daemon().script_deadline(0), 3 * kSecond + 3000);
  std::vector<std::string> got = h.Take();
  EXPECT_THAT(got, ::testing::Contains("t=1001500 RunScript chk"));
  EXPECT_THAT(got, ::testing::Contains("t=2003000 RunScript chk"));
  // Results arriving long after the launch change nothing in the schedule.
  h.Check(2 * kSecond + 900000, "chk", CheckResult{});
  EXPECT_EQ(h.daemon().script_deadline(0), 3 * kSecond + 3000);
}

TEST(Rules, R34_StalledDaemonRunsAnOverdueScriptOnce) {
  // A daemon that wakes 5.5 s after the run was due (a paused VM, P1) runs
  // the script once and re-arms from then: no catch-up runs.
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", 0, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk", 1, 1));
  Harness h(std::move(c));
  h.Start(0);
  h.Check(10000, "chk", CheckResult{});
  h.Clear();
  h.Timer(6 * kSecond + 500000);  // also its master-down timer: MASTER
  std::vector<std::string> runs;
  for (const std::string& line : h.Take())
    if (line.find("RunScript") != std::string::npos) runs.push_back(line);
  EXPECT_THAT(runs, ElementsAre("t=6500000 RunScript chk"));
  EXPECT_EQ(h.daemon().script_deadline(0), 7 * kSecond + 500000);
}

TEST(Rules, R34_ScriptLogLines) {
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", -10, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk"));
  Harness h(std::move(c));
  h.Start(0);
  h.Clear();
  h.Check(1, "chk", CheckResult{});
  h.Check(2, "chk", CheckResult{false, 3, false});
  h.Check(3, "chk", CheckResult{});
  h.Check(4, "chk", CheckResult{false, 0, true});
  EXPECT_THAT(
      h.TakeLogs(),
      ElementsAre("VRRP_Script(chk) succeeded", "Script `chk` now returning 3",
                  "VRRP_Script(chk) failed (exited with status 3)",
                  "(VI_1) Changing effective priority from 100 to 90",
                  "Script `chk` now returning 0", "VRRP_Script(chk) succeeded",
                  "(VI_1) Changing effective priority from 90 to 100", "VRRP_Script(chk) timed_out",
                  "(VI_1) Changing effective priority from 100 to 90"));
}

TEST(Rules, R34_CounterUnit) {
  ScriptCounter c(3, 2);
  EXPECT_TRUE(c.Apply(false));  // first result decides
  EXPECT_FALSE(c.ok());
  EXPECT_FALSE(c.Apply(true));
  EXPECT_FALSE(c.Apply(true));
  EXPECT_TRUE(c.Apply(true));
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.counter(), 4);
  EXPECT_FALSE(c.Apply(false));
  EXPECT_TRUE(c.Apply(false));
  EXPECT_FALSE(c.ok());
}

TEST(Rules, R35_InitFailIneffective) {
  VrrpScript s = Script("chk", 3, 1, -30);
  s.init_fail = true;
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", -30, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(s);
  Harness h(std::move(c));
  h.Start(0);
  h.Check(1, "chk", CheckResult{});
  EXPECT_THAT(h.TakeLogs(), ::testing::Contains("VRRP_Script(chk) succeeded"));
  EXPECT_EQ(h.daemon().effective_priority(0), 100);
}

TEST(Rules, R36_SyncGroupTrackersWithoutWeightsAreFaultTriggers) {
  VrrpInstance a = MakeInstance("VI_1", 51);
  VrrpInstance b = MakeInstance("VI_2", 52);
  b.vips[0].addr = Ip("10.0.0.101");
  Config c = MakeConfig({a, b});
  SyncGroup g = MakeGroup("G1", {"VI_1", "VI_2"});
  g.track_interfaces.push_back({"eth1", -50, false});
  c.sync_groups.push_back(g);
  Harness h(std::move(c));
  h.Start(0);
  h.Link(kSecond, "eth1", false);
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  EXPECT_EQ(h.daemon().effective_priority(0), 100);
}

TEST(Rules, R37_DroppedScriptIsIgnored) {
  // The reader removes insecure/missing scripts (R37); a track_script that
  // names no vrrp_script neither faults nor weighs.
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"gone", 0, false});
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R38_OwnInterfaceDownFaultsUnlessDontTrackPrimary) {
  Harness h(MakeConfig({MakeInstance()}));
  h.Start(0);
  h.Link(kSecond, "eth0", false);
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  VrrpInstance v = MakeInstance();
  v.dont_track_primary = true;
  Harness h2(MakeConfig({v}));
  h2.Start(0);
  h2.Link(kSecond, "eth0", false);
  EXPECT_EQ(h2.daemon().state(0), State::kBackup);
  h2.RunUntil(3609375);
  EXPECT_EQ(h2.daemon().state(0), State::kMaster);  // hears nothing, takes over
}

TEST(Rules, R38_VipInterfaceIsTrackedUnlessNoTrack) {
  VrrpInstance v = MakeInstance();
  VirtualAddress x;
  x.addr = Ip("192.168.1.100");
  x.dev = "eth1";
  v.evips.push_back(x);
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Link(kSecond, "eth1", false);
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  v.evips[0].no_track = true;
  Harness h2(MakeConfig({v}));
  h2.Start(0);
  h2.Link(kSecond, "eth1", false);
  EXPECT_EQ(h2.daemon().state(0), State::kBackup);
}

TEST(Rules, R38_UnknownInterfaceIsNoAddressFault) {
  VrrpInstance v = MakeInstance();
  v.interface = "eth7";
  Harness h(MakeConfig({v}));
  h.Start(0);
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1): entering FAULT state (no IPv4 address for interface)",
                          "(VI_1) entering FAULT state"));
  EXPECT_EQ(h.daemon().state(0), State::kFault);
}

TEST(Rules, R39_TrackFileWeights) {
  TrackFile f;
  f.name = "tf";
  f.path = "/var/run/tf";
  VrrpInstance v = MakeInstance();
  v.track_files.push_back({"tf", 0, false});
  VrrpInstance w = MakeInstance("VI_2", 52);
  w.vips[0].addr = Ip("10.0.0.101");
  w.track_files.push_back({"tf", -10, false});
  Config c = MakeConfig({v, w});
  c.track_files.push_back(f);
  Harness h(std::move(c));
  h.Start(0);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  h.File(kSecond, "tf", 1);  // weight 0: non-zero => FAULT; weight -10 => -10
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  EXPECT_EQ(h.daemon().effective_priority(1), 90);
  h.File(Seconds(2), "tf", 30);  // -300 clamps to -254 => fault
  EXPECT_EQ(h.daemon().state(1), State::kFault);
  h.File(Seconds(3), "tf", 0);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  EXPECT_EQ(h.daemon().state(1), State::kBackup);
  EXPECT_EQ(TrackFileContribution(5, true, 3), -15);
  EXPECT_EQ(TrackFileContribution(100, false, 100), 253);
  EXPECT_TRUE(TrackFileFault(0, true, 0));
}

}  // namespace
}  // namespace vrrp
