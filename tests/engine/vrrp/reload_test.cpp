// Reload (SIGHUP): Daemon::Reload, after the measurements of the real
// keepalived 2.2.7 (docs/experiments.md, experiment 1, rules RL1-RL6) and
// the decisions of docs/conformance.md where they are silent.
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;  // prio-100 MASTER entry time (MDI(100))

DaemonOptions Detailed() {
  DaemonOptions o;
  o.detailed_logging = true;
  return o;
}

VrrpScript Script(const char* name, int weight) {
  VrrpScript s;
  s.name = name;
  s.script = "/usr/local/bin/check";
  s.interval = kSecond;
  s.timeout = kSecond;
  s.weight = weight;
  return s;
}

VrrpInstance Second(int priority = 100) {
  VrrpInstance v = MakeInstance("VI_2", 52, priority);
  v.vips[0].addr = Ip("10.0.0.101");
  return v;
}

// A daemon whose instances are MASTER since kUp, transcript cleared.
Harness StartedMaster(Config c = MakeConfig({MakeInstance()})) {
  Harness h(std::move(c), MakeHost(), Detailed());
  h.Start(0);
  h.RunUntil(kUp);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  h.Clear();
  return h;
}

// A prio-90 BACKUP that accepted prio-100 adverts every second up to `last`.
Harness StartedBackup(Time last, VrrpInstance v = MakeInstance("VI_1", 51, 90)) {
  Harness h(MakeConfig({v}), MakeHost(), Detailed());
  h.Start(0);
  for (Time t = kSecond; t <= last; t += kSecond) h.Rx(t, Adv(100));
  h.Clear();
  return h;
}

std::vector<std::string> Only(const std::vector<std::string>& lines, const char* what) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (l.find(what) != std::string::npos) out.push_back(l);
  return out;
}

// ------------------------------------------------------------ kept MASTER (1a, 1g, 1h)

TEST(Reload, KeptMasterSendsOldThenNewPriorityAndStaysMaster) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(6) + 400000;  // 0.4 s after an advert, delayed GARPs done
  h.RunUntil(r);
  h.Clear();
  VrrpInstance v = MakeInstance();
  v.priority = 80;
  h.Reload(r, MakeConfig({v}));
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre("t=10009375 Log Reloading", "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 Priority VI_1 100->80", "t=10009375 Log (VI_1) setting VIPs.",
                  "t=10009375 SendAdvert VI_1 prio=80 dst=224.0.0.18",
                  "t=10009375 Timer VI_1 at=11009375"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_EQ(h.daemon().effective_priority(0), 80);
  EXPECT_TRUE(h.daemon().vips_installed(0));
}

TEST(Reload, KeptMasterUnchangedNoTransitionNoNotifyNoGarpNoVipChange) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(6) + 400000;
  h.RunUntil(r);
  h.Clear();
  h.Reload(r, MakeConfig({MakeInstance()}));
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=10009375 Log Reloading",
                                              "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                              "t=10009375 Log (VI_1) setting VIPs.",
                                              "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                              "t=10009375 Timer VI_1 at=11009375"));
}

TEST(Reload, KeptMasterAdvertTimerRunsFromTheReload) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(6) + 400000;  // the advert due at 10609375 moves
  h.RunUntil(r);
  h.Reload(r, MakeConfig({MakeInstance()}));
  h.Clear();
  h.RunUntil(r + Seconds(2));
  EXPECT_THAT(h.Take(false, true), ElementsAre("t=11009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                               "t=11009375 Timer VI_1 at=12009375",
                                               "t=12009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                                               "t=12009375 Timer VI_1 at=13009375"));
}

TEST(Reload, KeptMasterCancelsPendingDelayedGarpBatch) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(2);  // the garp_master_delay batch is due at kUp + 5 s
  h.RunUntil(r);
  h.Reload(r, MakeConfig({MakeInstance()}));
  h.RunUntil(r + Seconds(7));
  EXPECT_TRUE(Only(h.Take(), "SendGarp").empty());
}

TEST(Reload, LoweredMasterAdvertisesNewPriorityAndYieldsOnlyToTheTakeover) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(6) + 400000;
  h.RunUntil(r);
  VrrpInstance v = MakeInstance();
  v.priority = 80;
  h.Reload(r, MakeConfig({v}));
  h.Clear();
  // R22: nothing changes until the prio-90 backup, which discards the
  // prio-80 adverts, times out (RL1 advert + MDI(90)) and advertises.
  const Time takeover = r + 3648437;
  h.RunUntil(takeover);
  EXPECT_THAT(Only(h.Take(), "SendAdvert"),
              ElementsAre("t=11009375 SendAdvert VI_1 prio=80 dst=224.0.0.18",
                          "t=12009375 SendAdvert VI_1 prio=80 dst=224.0.0.18",
                          "t=13009375 SendAdvert VI_1 prio=80 dst=224.0.0.18"));
  h.Rx(takeover, Adv(90));
  EXPECT_THAT(h.Take(true, false),
              ElementsAre("t=13657812 Log (VI_1) Master received advert from 10.0.0.2 with higher "
                          "priority 90, ours 80",
                          "t=13657812 Log (VI_1) Entering BACKUP STATE",
                          "t=13657812 Log (VI_1) removing VIPs.",
                          "t=13657812 RemoveVip VI_1 10.0.0.100/24 eth0",
                          "t=13657812 Notify VI_1 MASTER->BACKUP prio=80 higher-priority-advert"));
}

TEST(Reload, KeptMasterVipListChangeAddsAndRemovesOnlyTheDifference) {
  VrrpInstance v = MakeInstance();
  VirtualAddress b;
  b.addr = Ip("10.0.0.101");
  b.prefix_len = 24;
  v.vips.push_back(b);
  Harness h = StartedMaster(MakeConfig({v}));
  const Time r = kUp + Seconds(6) + 400000;
  h.RunUntil(r);
  h.Clear();
  VrrpInstance w = MakeInstance();  // drops .101, adds .102
  VirtualAddress c;
  c.addr = Ip("10.0.0.102");
  c.prefix_len = 24;
  w.vips.push_back(c);
  w.garp_master_repeat = 1;
  h.Reload(r, MakeConfig({w}));
  EXPECT_THAT(
      h.Take(true, false),
      ElementsAre("t=10009375 Log Reloading", "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 RemoveVip VI_1 10.0.0.101/24 eth0",
                  "t=10009375 Log (VI_1) setting VIPs.",
                  "t=10009375 AddVip VI_1 10.0.0.102/24 eth0",
                  // keepalived: GARPs for every address once one was added
                  "t=10009375 Log (VI_1) Sending/queueing gratuitous ARPs on eth0 for "
                  "10.0.0.100",
                  "t=10009375 SendGarp VI_1 10.0.0.100 eth0",
                  "t=10009375 Log Sending gratuitous ARP on eth0 for 10.0.0.100",
                  "t=10009375 Log (VI_1) Sending/queueing gratuitous ARPs on eth0 for "
                  "10.0.0.102",
                  "t=10009375 SendGarp VI_1 10.0.0.102 eth0",
                  "t=10009375 Log Sending gratuitous ARP on eth0 for 10.0.0.102",
                  "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

// ------------------------------------------------------------ kept BACKUP (1b, 1c)

TEST(Reload, KeptBackupStaysSilentAndRestartsFullMasterDownTimer) {
  Harness h = StartedBackup(Seconds(10));
  const Time r = Seconds(10) + 400000;
  h.Reload(r, MakeConfig({MakeInstance("VI_1", 51, 90)}));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=10400000 Log Reloading", "t=10400000 Timer VI_1 at=14048437"));
  // The master is gone: without the reload the takeover would be at
  // 10 s + MDI(90) = 13648437; it is at the reload + MDI(90).
  h.RunUntil(Seconds(20));
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=14048437 Notify VI_1 BACKUP->MASTER prio=90 master-down-timer"));
}

TEST(Reload, BackupRaisedAboveMasterDiscardsItsAdvertsAndPreemptsAfterNewMdi) {
  Harness h = StartedBackup(Seconds(10));
  const Time r = Seconds(10) + 400000;
  h.Reload(r, MakeConfig({MakeInstance("VI_1", 51, 110)}));
  EXPECT_THAT(h.Take(false, true),
              ElementsAre("t=10400000 Priority VI_1 90->110", "t=10400000 Timer VI_1 at=13970312"));
  for (Time t = Seconds(11); t < Seconds(14); t += kSecond) h.Rx(t, Adv(100));
  h.RunUntil(Seconds(14));
  EXPECT_THAT(
      Only(h.Take(true, false), "VI_1"),
      ElementsAre(
          "t=11000000 Log (VI_1) received lower priority (100) advert from "
          "10.0.0.2 - discarding",
          "t=12000000 Log (VI_1) received lower priority (100) advert from "
          "10.0.0.2 - discarding",
          "t=13000000 Log (VI_1) received lower priority (100) advert from "
          "10.0.0.2 - discarding",
          "t=13970312 Log (VI_1) Receive advertisement timeout",
          "t=13970312 SendAdvert VI_1 prio=110 dst=224.0.0.18",
          "t=13970312 Log (VI_1) Entering MASTER STATE", "t=13970312 Log (VI_1) setting VIPs.",
          "t=13970312 AddVip VI_1 10.0.0.100/24 eth0",
          "t=13970312 Log (VI_1) Sending/queueing gratuitous ARPs on eth0 for "
          "10.0.0.100",
          "t=13970312 SendGarp VI_1 10.0.0.100 eth0", "t=13970312 SendGarp VI_1 10.0.0.100 eth0",
          "t=13970312 SendGarp VI_1 10.0.0.100 eth0", "t=13970312 SendGarp VI_1 10.0.0.100 eth0",
          "t=13970312 SendGarp VI_1 10.0.0.100 eth0",
          "t=13970312 Notify VI_1 BACKUP->MASTER prio=110 master-down-timer"));
}

// ------------------------------------------------------------ startup (1f)

TEST(Reload, DuringStartupRestartsTheWaitWithoutNewInitLine) {
  Harness h(MakeConfig({MakeInstance()}), MakeHost(), Detailed());
  h.Start(0);
  h.Clear();
  h.Reload(1500000, MakeConfig({MakeInstance("VI_1", 51, 150)}));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=1500000 Log Reloading", "t=1500000 Priority VI_1 100->150",
                          "t=1500000 Timer VI_1 at=4914062"));
  h.RunUntil(Seconds(6));
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=4914062 Notify VI_1 BACKUP->MASTER prio=150 master-down-timer"));
}

// ------------------------------------------------------------ removed (1d)

TEST(Reload, RemovedMasterSendsPriorityZeroRemovesVipsAndNotifiesFault) {
  Harness h = StartedMaster(MakeConfig({MakeInstance("VI_1", 51), Second()}));
  const Time r = kUp + Seconds(6) + 400000;
  h.RunUntil(r);
  h.Clear();
  h.Reload(r, MakeConfig({MakeInstance("VI_1", 51)}));
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre("t=10009375 Log Reloading", "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 SendAdvert VI_2 prio=100 dst=224.0.0.18",
                  "t=10009375 SendAdvert VI_2 prio=0 dst=224.0.0.18",
                  "t=10009375 Log (VI_2) sent 0 priority", "t=10009375 Log (VI_2) removing VIPs.",
                  "t=10009375 RemoveVip VI_2 10.0.0.101/24 eth0",
                  "t=10009375 Notify VI_2 MASTER->FAULT prio=100 none",
                  "t=10009375 Log (VI_1) setting VIPs.",
                  "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 Timer VI_1 at=11009375"));
  EXPECT_EQ(h.daemon().instance_count(), 1);
  EXPECT_EQ(h.daemon().FindInstance("VI_2"), -1);
}

TEST(Reload, RemovedBackupSendsNothing) {
  Harness h(MakeConfig({MakeInstance("VI_1", 51), Second(90)}), MakeHost(), Detailed());
  h.Start(0);
  h.Rx(Seconds(1), Adv(100).Vrid(52));
  h.Clear();
  h.Reload(Seconds(2), MakeConfig({MakeInstance("VI_1", 51)}));
  const std::vector<std::string> lines = h.Take(true, true);
  EXPECT_TRUE(Only(lines, "VI_2 prio").empty());
  EXPECT_TRUE(Only(lines, "RemoveVip").empty());
  EXPECT_THAT(Only(lines, "VI_2"), ElementsAre("t=2000000 Notify VI_2 BACKUP->FAULT prio=90 none"));
}

// ------------------------------------------------------------ added (1e)

TEST(Reload, AddedInstanceStartsBackupInitAndBecomesMasterAfterFullMdi) {
  Harness h = StartedMaster();
  const Time r = kUp + Seconds(6) + 400000;
  h.RunUntil(r);
  h.Clear();
  h.Reload(r, MakeConfig({MakeInstance("VI_1", 51), Second()}));
  EXPECT_THAT(
      h.Take(true, true),
      ElementsAre("t=10009375 Log Reloading", "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 Log (VI_1) setting VIPs.",
                  "t=10009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                  "t=10009375 Timer VI_1 at=11009375",
                  "t=10009375 Log (VI_2) Entering BACKUP STATE (init)",
                  "t=10009375 Notify VI_2 INIT->BACKUP prio=100 startup",
                  "t=10009375 Timer VI_2 at=13618750"));
  h.RunUntil(r + kUp);
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=13618750 Notify VI_2 BACKUP->MASTER prio=100 master-down-timer"));
}

TEST(Reload, RenamedOrRenumberedInstanceIsRemovedAndAdded) {
  Harness h = StartedMaster();
  h.Reload(kUp + 400000, MakeConfig({MakeInstance("VI_1", 61)}));
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=4009375 Notify VI_1 MASTER->FAULT prio=100 none",
                          "t=4009375 Notify VI_1 INIT->BACKUP prio=100 startup"));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

// ------------------------------------------------------------ decisions

TEST(Reload, KeptFaultInstanceStaysFaultSilently) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", 0, false});
  Harness h(MakeConfig({v}), MakeHost(), Detailed());
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  h.Clear();
  h.Reload(Seconds(2), MakeConfig({v}));
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=2000000 Log Reloading"));
  EXPECT_EQ(h.daemon().state(0), State::kFault);
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
  h.Link(Seconds(3), "eth1", true);
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=3000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared"));
}

TEST(Reload, KeptFaultWhoseFaultSourceIsGoneLeavesFault) {
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", 0, false});
  Harness h(MakeConfig({v}), MakeHost(), Detailed());
  h.Start(0);
  h.Link(Seconds(1), "eth1", false);
  h.Clear();
  h.Reload(Seconds(2), MakeConfig({MakeInstance()}));
  EXPECT_THAT(Only(h.Take(false, true), "VI_1"),
              ElementsAre("t=2000000 Notify VI_1 FAULT->BACKUP prio=100 fault-cleared",
                          "t=2000000 Timer VI_1 at=5609375"));
}

TEST(Reload, KeptMasterWithANewFaultSourceEntersFault) {
  Harness h = StartedMaster();
  h.Link(kUp + 100000, "eth1", false);  // not tracked yet
  h.Clear();
  VrrpInstance v = MakeInstance();
  v.track_interfaces.push_back({"eth1", 0, false});
  h.Reload(kUp + 400000, MakeConfig({v}));
  EXPECT_THAT(Only(h.Take(false, false), "VI_1"),
              ElementsAre("t=4009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                          "t=4009375 SendAdvert VI_1 prio=100 dst=224.0.0.18",
                          "t=4009375 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                          "t=4009375 SendAdvert VI_1 prio=0 dst=224.0.0.18",
                          "t=4009375 RemoveVip VI_1 10.0.0.100/24 eth0",
                          "t=4009375 Notify VI_1 MASTER->FAULT prio=100 fault"));
}

TEST(Reload, ScriptResultCarriesOverByNameAndScriptsRunAgain) {
  VrrpInstance v = MakeInstance();
  v.track_scripts.push_back({"chk", -20, false});
  Config c = MakeConfig({v});
  c.scripts.push_back(Script("chk", -20));
  Harness h(c, MakeHost(), Detailed());
  h.Start(0);
  h.Check(100000, "chk", {.ok = false, .exit_status = 1, .timed_out = false});
  EXPECT_EQ(h.daemon().effective_priority(0), 80);
  h.Clear();
  h.Reload(Seconds(2) + 500000, c);
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=2500000 Log Reloading",
                          "t=2500000 Log VRRP_Script(chk) considered "
                          "unsuccessful on reload",
                          "t=2500000 Timer VI_1 at=6187500", "t=2500000 RunScript chk"));
  EXPECT_EQ(h.daemon().effective_priority(0), 80);  // still failed: MDI(80) = 3687500
}

TEST(Reload, TrackFileValueCarriesOverByName) {
  VrrpInstance v = MakeInstance();
  v.track_files.push_back({"tf", 1, false});
  Config c = MakeConfig({v});
  TrackFile f;
  f.name = "tf";
  c.track_files.push_back(f);
  Harness h(c, MakeHost(), Detailed());
  h.Start(0);
  h.File(Seconds(1), "tf", -30);
  EXPECT_EQ(h.daemon().effective_priority(0), 70);
  h.Reload(Seconds(2), c);
  EXPECT_EQ(h.daemon().effective_priority(0), 70);
}

TEST(Reload, SyncGroupKeepsItsStateByName) {
  Config c = MakeConfig({MakeInstance("VI_1", 51), Second()});
  c.sync_groups.push_back(MakeGroup("G1", {"VI_1", "VI_2"}));
  Harness h = StartedMaster(c);
  h.Reload(kUp + 400000, c);
  const std::vector<std::string> lines = h.Take(true, true);
  EXPECT_TRUE(Only(lines, "Notify").empty());
  EXPECT_TRUE(Only(lines, "Syncing").empty());
  // The group is still MASTER: a higher advert for one member takes both.
  h.Rx(kUp + 500000, Adv(110));
  EXPECT_THAT(Only(h.Take(), "Notify"),
              ElementsAre("t=4109375 Notify VI_1 MASTER->BACKUP prio=100 higher-priority-advert",
                          "t=4109375 Notify VI_2 MASTER->BACKUP prio=100 sync-group",
                          "t=4109375 Notify G1 MASTER->BACKUP prio=0 higher-priority-advert"));
}

TEST(Reload, BeforeStartOnlyReplacesTheConfiguration) {
  Harness h(MakeConfig({MakeInstance()}), MakeHost(), Detailed());
  h.Reload(0, MakeConfig({MakeInstance("VI_1", 51, 150)}));
  EXPECT_TRUE(h.Take(true, true).empty());
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
  h.Start(Seconds(1));
  EXPECT_THAT(Only(h.Take(false, true), "Timer"), ElementsAre("t=1000000 Timer VI_1 at=4414062"));
}

TEST(Reload, AfterStopDoesNothing) {
  Harness h = StartedMaster();
  h.Stop(kUp + 100000);
  h.Clear();
  h.Reload(kUp + 200000, MakeConfig({MakeInstance()}));
  EXPECT_TRUE(h.Take(true, true).empty());
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
}

}  // namespace
}  // namespace vrrp
