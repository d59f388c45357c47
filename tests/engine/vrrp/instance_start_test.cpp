// Daemon::Start with per-instance start offsets: keepalived 2.2.7's
// vrrp_init_state() does each instance's start-up work one after another
// (issue 18: a dual-stack daemon's VI_6 came up 0-38 ms after its VI_4), and
// vrrp_init_sands() arms every timer after that loop.
#include <string>
#include <vector>

#include "engine/state_key.h"
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

constexpr Time kUp = 3609375;  // MDI(100), advert_int 1 s, v2

Config TwoInstances() {
  VrrpInstance b = MakeInstance("VI_2", 52);
  b.vips[0].addr = Ip("10.0.0.101");
  return MakeConfig({MakeInstance("VI_1", 51), b});
}

Config Grouped() {
  Config c = TwoInstances();
  c.sync_groups.push_back(MakeGroup("G1", {"VI_1", "VI_2"}));
  return c;
}

VrrpScript Script(const char* name) {
  VrrpScript s;
  s.name = name;
  s.script = "/usr/local/bin/check";
  s.interval = kSecond;
  s.timeout = kSecond;
  return s;
}

std::vector<std::string> Without(const std::vector<std::string>& lines, const char* what) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (l.find(what) == std::string::npos) out.push_back(l);
  return out;
}

// Offsets of 0 (or none) are the plain Start, action for action and state
// for state.
TEST(InstanceStart, ZeroOffsetsAreThePlainStart) {
  for (bool grouped : {false, true}) {
    Config c = grouped ? Grouped() : TwoInstances();
    c.scripts.push_back(Script("chk"));
    c.instances[0].track_scripts.push_back({"chk", 0, false});
    Harness a(c);
    Harness b(c);
    a.Start(0);
    b.Start(0, {0, 0});
    EXPECT_EQ(a.Take(true, true), b.Take(true, true));
    a.Check(10, "chk", {});
    b.Check(10, "chk", {});
    a.RunUntil(Seconds(10));
    b.RunUntil(Seconds(10));
    EXPECT_EQ(a.Take(true, true), b.Take(true, true));
    StateKey ka, kb;
    {
      StateKeyWriter wa(&ka, 0), wb(&kb, 0);
      a.daemon().AppendState(Seconds(10), &wa);
      b.daemon().AppendState(Seconds(10), &wb);
    }
    EXPECT_TRUE(ka == kb);
  }
}

// Each instance enters BACKUP at its own offset; both master-down timers
// run from the last start (the end of keepalived's loop).
TEST(InstanceStart, InstancesEnterBackupApartAndTimeOutFromTheLoopEnd) {
  Harness h(TwoInstances());
  h.Start(0, {0, 5000});
  EXPECT_THAT(h.Take(false, true),
              ElementsAre("t=0 Timer VI_2 at=5000", "t=0 Notify VI_1 INIT->BACKUP prio=100 startup",
                          "t=0 Timer VI_1 at=3614375"));
  EXPECT_EQ(h.daemon().state(1), State::kInit);
  EXPECT_EQ(h.daemon().NextDeadline(), 5000);
  h.RunUntil(5000);
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=5000 Timer VI_2 at=never",
                                              "t=5000 Log (VI_2) Entering BACKUP STATE (init)",
                                              "t=5000 Notify VI_2 INIT->BACKUP prio=100 startup",
                                              "t=5000 Timer VI_2 at=3614375"));
  h.RunUntil(kUp + 5000);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_EQ(h.daemon().state(1), State::kMaster);
  EXPECT_EQ(h.daemon().instance_deadline(0), kUp + 5000 + kSecond);
}

// The instance that starts first need not be the first configured.
TEST(InstanceStart, OffsetsNeedNotFollowTheConfigurationOrder) {
  Harness h(TwoInstances());
  h.Start(100, {2000, 0});
  EXPECT_THAT(h.Take(), ElementsAre("t=100 Notify VI_2 INIT->BACKUP prio=100 startup"));
  h.RunUntil(2100);
  EXPECT_THAT(h.Take(), ElementsAre("t=2100 Notify VI_1 INIT->BACKUP prio=100 startup"));
  EXPECT_EQ(h.daemon().instance_deadline(0), 2100 + kUp);
  EXPECT_EQ(h.daemon().instance_deadline(1), 2100 + kUp);
}

// A sync group is decided and notified at the daemon's start, before the
// loop (send_group_notifies); its members follow at their offsets, and the
// group goes MASTER when the last member's timer (from the loop end) ends.
TEST(InstanceStart, SyncGroupNotifiedFirstMembersApart) {
  Harness h(Grouped());
  h.Start(0, {0, 7000});
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify G1 INIT->BACKUP prio=0 startup",
                                    "t=0 Notify VI_1 INIT->BACKUP prio=100 startup"));
  h.RunUntil(7000);
  EXPECT_THAT(h.Take(), ElementsAre("t=7000 Notify VI_2 INIT->BACKUP prio=100 startup"));
  h.RunUntil(kUp + 6999);
  EXPECT_TRUE(h.Take().empty());
  h.RunUntil(kUp + 7000);
  const std::vector<std::string> up = Without(h.Take(), "Garp");
  ASSERT_FALSE(up.empty());
  EXPECT_EQ(up.back(), "t=3616375 Notify G1 BACKUP->MASTER prio=0 master-down-timer");
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  EXPECT_EQ(h.daemon().state(1), State::kMaster);
}

// A group with a faulted member: every member is FAULT, the late one at its
// own offset.
TEST(InstanceStart, FaultedGroupMembersFaultAtTheirOffsets) {
  Config c = Grouped();
  c.instances[0].track_interfaces.push_back({"eth1", 0, false});
  HostIdentity host = MakeHost();
  for (HostInterface& i : host.interfaces)
    if (i.name == "eth1") i.up = false;
  Harness h(std::move(c), host);
  h.Start(0, {0, 3000});
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify G1 INIT->FAULT prio=0 startup",
                                    "t=0 Notify VI_1 INIT->FAULT prio=100 startup"));
  h.RunUntil(3000);
  EXPECT_THAT(h.Take(), ElementsAre("t=3000 Notify VI_2 INIT->FAULT prio=100 sync-group"));
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
}

// Until its start an instance is INIT: an advert for it is ignored (R1).
TEST(InstanceStart, AdvertToAnInstanceNotYetStartedIsIgnored) {
  Harness h(TwoInstances());
  h.Start(0, {0, 5000});
  h.Clear();
  h.Rx(1000, Adv(200).Vrid(52));
  EXPECT_TRUE(h.Take(true, true).empty());
  EXPECT_EQ(h.daemon().state(1), State::kInit);
}

// A SIGTERM during the loop: keepalived handles it after the loop, so the
// remaining instances start first.
TEST(InstanceStart, StopDuringTheLoopStartsTheRestFirst) {
  Harness h(TwoInstances());
  h.Start(0, {0, 5000});
  h.Clear();
  h.Stop(1000);
  EXPECT_THAT(h.Take(), ElementsAre("t=1000 Notify VI_2 INIT->BACKUP prio=100 startup",
                                    "t=1000 Notify VI_1 BACKUP->STOP prio=100 shutdown",
                                    "t=1000 Notify VI_2 BACKUP->STOP prio=100 shutdown"));
  EXPECT_EQ(h.daemon().NextDeadline(), kNever);
}

// Likewise a SIGHUP: the kept instance is then BACKUP and restarts its wait.
TEST(InstanceStart, ReloadDuringTheLoopStartsTheRestFirst) {
  Harness h(TwoInstances());
  h.Start(0, {0, 5000});
  h.Clear();
  h.Reload(1000, TwoInstances());
  EXPECT_EQ(h.Take().front(), "t=1000 Notify VI_2 INIT->BACKUP prio=100 startup");
  EXPECT_EQ(h.daemon().state(1), State::kBackup);
  EXPECT_EQ(h.daemon().instance_deadline(1), 1000 + kUp);
}

// vrrp_init_script() follows the loop: the scripts' first run is at its end.
TEST(InstanceStart, ScriptsFirstRunAtTheLoopEnd) {
  Config c = TwoInstances();
  c.scripts.push_back(Script("chk"));
  Harness h(std::move(c));
  h.Start(0, {0, 4000});
  EXPECT_EQ(h.daemon().script_deadline(0), 4000);
  h.RunUntil(4000);
  EXPECT_THAT(h.Take(), ElementsAre("t=0 Notify VI_1 INIT->BACKUP prio=100 startup",
                                    "t=4000 Notify VI_2 INIT->BACKUP prio=100 startup",
                                    "t=4000 RunScript chk"));
}

// A wrong count of offsets is no offsets.
TEST(InstanceStart, WrongOffsetCountIsThePlainStart) {
#ifdef NDEBUG
  Harness a(TwoInstances());
  Harness b(TwoInstances());
  a.Start(0);
  b.Start(0, {5});
  EXPECT_EQ(a.Take(true, true), b.Take(true, true));
#else
  GTEST_SKIP() << "asserts in debug builds";
#endif
}

}  // namespace
}  // namespace vrrp
