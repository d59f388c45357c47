// R11, R12, R14, R15, R19, R23-R26: receiving in BACKUP and preemption.
#include "tests/engine/vrrp/test_util.h"

namespace vrrp {
namespace {

using ::testing::ElementsAre;
using namespace vrrp::test;

// A started prio-100 v2 backup on 10.0.0.1, transcript cleared.
Harness StartedBackup(VrrpInstance v = MakeInstance()) {
  Harness h(MakeConfig({v}));
  h.Start(0);
  h.Clear();
  return h;
}

TEST(Rules, R11_AcceptedAdvertRestartsFullMdi) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(200));
  EXPECT_THAT(h.Take(true, true), ElementsAre("t=1000000 Timer VI_1 at=4609375"));
}

// A deadline pushed later is refiled lazily (issue 17): NextDeadlineBound
// may lag behind, never ahead, and NextDeadline is always the earliest
// instance deadline, whatever order the adverts come in.
TEST(Rules, R11_DeadlinesPushedBackStayExact) {
  constexpr int kN = 12;  // enough instances for the lazy tree (Daemon::Impl::kLazyTreeFrom)
  std::vector<VrrpInstance> insts;
  for (int i = 0; i < kN; ++i)
    insts.push_back(MakeInstance("VI_" + std::to_string(i), 51 + i, 100 - i));
  Harness h(MakeConfig(insts));
  h.Start(0);
  std::uint64_t x = 88172645463325252ull;  // xorshift: the adverts' order
  int order[kN];
  for (int i = 0; i < kN; ++i) order[i] = i;
  int lagged = 0;
  for (int step = 0; step < 1200; ++step) {
    if (step % kN == 0) {  // every instance hears its master once per round
      for (int i = kN - 1; i > 0; --i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::swap(order[i], order[x % static_cast<std::uint64_t>(i + 1)]);
      }
    }
    const Time t = (step + 1) * 50 * kMillisecond;
    h.Rx(t, Adv(200).Vrid(51 + order[step % kN]));
    bool exact = false;
    const Time bound = h.daemon().NextDeadlineBound(&exact);
    const Time next = h.daemon().NextDeadline();
    Time earliest = kNever;
    for (int i = 0; i < kN; ++i) earliest = std::min(earliest, h.daemon().instance_deadline(i));
    ASSERT_LE(bound, next) << "step " << step;
    if (exact) {
      ASSERT_EQ(bound, next) << "step " << step;
    }
    if (bound < next) ++lagged;
    ASSERT_EQ(next, earliest) << "step " << step;
    ASSERT_EQ(h.daemon().NextDeadlineBound(&exact), next) << "step " << step;  // settled now
    ASSERT_TRUE(exact) << "step " << step;
    ASSERT_GT(next, t) << "step " << step;
  }
  EXPECT_GT(lagged, 0);  // the bound did lag: the lazy path ran
  for (int i = 0; i < kN; ++i) EXPECT_EQ(h.daemon().state(i), State::kBackup) << i;
}

TEST(Rules, R11_PriorityZeroShortensToSkew) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(200));
  h.Rx(Seconds(2), Adv(0));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(2) + 609375);
}

TEST(Rules, R11_DiscardLeavesDeadline) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(200));
  h.Take();
  h.Rx(Seconds(2), Adv(200).Ttl(254));
  h.Rx(Seconds(3), Adv(50));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=2000000 Log (VI_1) invalid TTL/HL. Received 254 and expect 255",
                          "t=3000000 Log (VI_1) received lower priority (50) advert from "
                          "10.0.0.2 - discarding"));
  EXPECT_EQ(h.daemon().instance_deadline(0), 4609375);
}

TEST(Rules, R11_DeadlineExpiryGoesMaster) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(200));
  h.RunUntil(4609374);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  h.RunUntil(4609375);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R12_V3LearnsMasterInterval) {
  VrrpInstance v = MakeInstance();
  v.version = 3;
  DaemonOptions o;
  o.detailed_logging = true;  // the "updated" line is a -D log
  Harness h(MakeConfig({v}), MakeHost(), o);
  h.Start(0);
  h.Clear();
  h.Rx(Seconds(1), Adv(200).Version(3).Interval(50));
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1) advertisement interval updated from 1000ms to 500ms by master"));
  EXPECT_EQ(h.daemon().master_adver_int(0), 500 * kMillisecond);
  // E6: MASTER 1.804687 s after the last 50 cs advert.
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(1) + 1804687);
  h.Rx(Seconds(2), Adv(200).Version(3).Interval(300));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(2) + 10828125);
  // Priority 0 does not teach an interval; Skew uses the learned one.
  h.Rx(Seconds(3), Adv(0).Version(3).Interval(100));
  EXPECT_EQ(h.daemon().master_adver_int(0), 3 * kSecond);
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(3) + SkewTime(3, 100, 3 * kSecond));
}

// Fuzz finding F7 (fuzz_engine timeout): a v3 advert may carry Max Adver
// Int 0, and keepalived learns it, which makes the master-down interval 0. A
// BACKUP whose sync group is not ready re-arms that timer for "now" again and
// again; the engine must still return from every call, with its next
// deadline in the future.
TEST(Rules, R12_LearnedZeroIntervalStillMakesProgress) {
  VrrpInstance a = MakeInstance("VI_1", 51);
  VrrpInstance b = MakeInstance("VI_2", 52);
  a.version = b.version = 3;
  b.vips[0].addr = Ip("10.0.0.101");
  Config c = MakeConfig({a, b});
  c.sync_groups.push_back(MakeGroup("G1", {"VI_1", "VI_2"}));
  Harness h(std::move(c));
  h.Start(0);
  // VI_2 keeps hearing a master, so it never wants MASTER; VI_1 learns 0.
  h.Rx(Seconds(1), Adv(200).Version(3).Interval(100).Vrid(52));
  h.Rx(Seconds(1), Adv(200).Version(3).Interval(0));
  EXPECT_EQ(h.daemon().master_adver_int(0), 0);
  h.Timer(Seconds(1));  // returns
  EXPECT_GT(h.daemon().NextDeadline(), Seconds(1));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  h.Rx(Seconds(1) + 500, Adv(200).Version(3).Interval(100).Vrid(52));
  h.RunUntil(Seconds(1) + 1000);  // a deadline every microsecond, each served
  EXPECT_GT(h.daemon().NextDeadline(), Seconds(1) + 1000);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R12_V2NeverLearnsIntervalMismatchDiscarded) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(200).Interval(2));
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec"));
  EXPECT_EQ(h.daemon().master_adver_int(0), kSecond);
  EXPECT_EQ(h.daemon().instance_deadline(0), 3609375);
}

TEST(Rules, R12_MasterResetOnlyWithDetailedLogging) {
  for (bool detailed : {false, true}) {
    VrrpInstance v = MakeInstance();
    v.version = 3;
    DaemonOptions o;
    o.detailed_logging = detailed;
    Harness h(MakeConfig({v}), MakeHost(), o);
    h.Start(0);
    h.Rx(Seconds(1), Adv(200).Version(3).Interval(50));
    h.Rx(Seconds(2), Adv(0).Version(3).Interval(50));  // -> MASTER after Skew
    h.RunUntil(Seconds(3));
    ASSERT_EQ(h.daemon().state(0), State::kMaster);
    EXPECT_EQ(h.daemon().master_adver_int(0), detailed ? kSecond : 500 * kMillisecond);
    if (detailed) {
      EXPECT_THAT(h.TakeLogs(), ::testing::Contains("(VI_1) changing advert interval from 500ms "
                                                    "to locally configured 1000ms"));
    }
    // The master's own timer always uses its configured interval (R9).
    EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(2) + 304687 + kSecond);
  }
}

TEST(Rules, R12_ResetWhenLeavingFault) {
  VrrpInstance v = MakeInstance();
  v.version = 3;
  v.track_interfaces.push_back({"eth1", 0, false});
  Harness h = StartedBackup(v);
  h.Rx(Seconds(1), Adv(200).Version(3).Interval(50));
  h.Link(Seconds(2), "eth1", false);
  h.Link(Seconds(3), "eth1", true);
  EXPECT_EQ(h.daemon().master_adver_int(0), kSecond);
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(3) + 3609375);
}

TEST(Rules, R14_BackupIgnoresLowerPriority) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(99));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=1000000 Log (VI_1) received lower priority (99) advert from 10.0.0.2 "
                          "- discarding"));
  EXPECT_EQ(h.daemon().instance_deadline(0), 3609375);
}

TEST(Rules, R14_EqualPriorityAcceptedRegardlessOfAddress) {
  Harness h = StartedBackup();
  h.Rx(Seconds(1), Adv(100, "10.0.0.0"));  // lower address than ours
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(1) + 3609375);
  h.Rx(Seconds(2), Adv(100, "10.0.0.9"));
  EXPECT_EQ(h.daemon().instance_deadline(0), Seconds(2) + 3609375);
}

TEST(Rules, R14_PriorityZeroDetailedLog) {
  DaemonOptions o;
  o.detailed_logging = true;
  Harness h(MakeConfig({MakeInstance()}), MakeHost(), o);
  h.Start(0);
  h.Clear();
  h.Rx(Seconds(1), Adv(0));
  EXPECT_THAT(h.Take(true, true),
              ElementsAre("t=1000000 Log (VI_1) Backup received priority 0 advertisement",
                          "t=1000000 Timer VI_1 at=1609375"));
}

TEST(Rules, R15_HigherPriorityBackupTakesOverAfterLastAccepted) {
  // E1 restart: the prio-100 node discards prio-90 adverts and goes MASTER
  // one MDI after its own start.
  Harness h = StartedBackup();
  for (Time t = 500000; t < 3609375; t += kSecond) h.Rx(t, Adv(90));
  h.RunUntil(3609375);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R19_EqualPriorityStartOrderDecides) {
  // Started second, the equal-priority node stays BACKUP indefinitely (E3).
  Harness h = StartedBackup();
  for (Time t = kSecond; t < Seconds(20); t += kSecond) h.Rx(t, Adv(100, "10.0.0.0"));
  h.RunUntil(Seconds(20));
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
}

TEST(Rules, R23_NopreemptAcceptsLowerPriority) {
  VrrpInstance v = MakeInstance();
  v.nopreempt = true;
  Harness h = StartedBackup(v);
  for (Time t = kSecond; t <= Seconds(10); t += kSecond) h.Rx(t, Adv(50));
  EXPECT_TRUE(h.TakeLogs().empty());  // accepted silently (E7a)
  h.RunUntil(Seconds(10) + 3609374);
  EXPECT_EQ(h.daemon().state(0), State::kBackup);
  h.RunUntil(Seconds(10) + 3609375);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R23_NopreemptNoEffectInMaster) {
  VrrpInstance v = MakeInstance();
  v.nopreempt = true;
  Harness h = StartedBackup(v);
  h.RunUntil(3609375);
  h.Clear();
  h.Rx(Seconds(4), Adv(50));
  EXPECT_THAT(h.Take(), ::testing::Contains("t=4000000 SendAdvert VI_1 prio=100 dst=224.0.0.18"));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R24_R25_ClearedFlagsComeFromReader) {
  // The reader clears nopreempt for owners / state MASTER (R24, R25); with
  // the flags cleared the daemon preempts a lower-priority master at MDI.
  VrrpInstance v = MakeInstance();
  v.initial_state = InitialState::kMaster;
  Harness h = StartedBackup(v);
  h.Rx(Seconds(1), Adv(50));
  h.RunUntil(3609375);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);  // E16
}

TEST(Rules, R26_PreemptDelayWindow) {
  // E7b: delay 3 s started by the first lower advert; adverts inside the
  // window accepted, the first at/after its end discarded; MASTER at
  // last-accepted + MDI.
  VrrpInstance v = MakeInstance();
  v.preempt_delay = Seconds(3);
  DaemonOptions o;
  o.detailed_logging = true;
  Harness h(MakeConfig({v}), MakeHost(), o);
  h.Start(0);
  h.Clear();
  const Time t0 = 4677000;
  h.Rx(t0, Adv(50));
  h.Rx(t0 + Seconds(1), Adv(50));
  h.Rx(t0 + Seconds(2), Adv(50));
  h.Rx(t0 + Seconds(3), Adv(50));  // == preempt_time: no longer "now < preempt_time"
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1) start preempt delay (3.000000)",
                          "(VI_1) received lower priority (50) advert from 10.0.0.2 - discarding"));
  EXPECT_EQ(h.daemon().instance_deadline(0), t0 + Seconds(2) + 3609375);
  h.RunUntil(t0 + Seconds(2) + 3609375);
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
}

TEST(Rules, R26_HigherAdvertStopsDelayAndNoInitialDelay) {
  VrrpInstance v = MakeInstance();
  v.preempt_delay = Seconds(3);
  DaemonOptions o;
  o.detailed_logging = true;
  Harness h(MakeConfig({v}), MakeHost(), o);
  h.Start(0);
  h.Clear();
  h.Rx(Seconds(1), Adv(50));
  h.Rx(Seconds(2), Adv(150));
  EXPECT_THAT(h.TakeLogs(),
              ElementsAre("(VI_1) start preempt delay (3.000000)", "(VI_1) stop preempt delay"));
  // Without any master, the delay does not hold back the takeover.
  Harness h2(MakeConfig({v}));
  h2.Start(0);
  h2.RunUntil(3609375);
  EXPECT_EQ(h2.daemon().state(0), State::kMaster);
}

TEST(Experiments, E5_BackupTimings) {
  // Three prio-200 adverts then silence: MASTER MDI after the last.
  Harness h = StartedBackup();
  for (int k = 0; k < 3; ++k) h.Rx(Seconds(1 + k), Adv(200));
  h.RunUntil(Seconds(20));
  EXPECT_EQ(h.daemon().state(0), State::kMaster);
  std::vector<std::string> got = h.Take();
  EXPECT_EQ(got[0], "t=6609375 SendAdvert VI_1 prio=100 dst=224.0.0.18");
  // prio 200 then prio 0: MASTER Skew(100) later.
  Harness h2 = StartedBackup();
  h2.Rx(Seconds(1), Adv(200));
  h2.Rx(Seconds(2), Adv(0));
  h2.RunUntil(Seconds(3));
  std::vector<std::string> got2 = h2.Take();
  EXPECT_EQ(got2[0], "t=2609375 SendAdvert VI_1 prio=100 dst=224.0.0.18");
  EXPECT_EQ(got2.back(), "t=2609375 Notify VI_1 BACKUP->MASTER prio=100 priority-zero-advert");
  // prio 200 then a prio-50 stream: MASTER MDI after the prio-200 advert.
  Harness h3 = StartedBackup();
  h3.Rx(Seconds(1), Adv(200));
  for (Time t = Seconds(2); t < Seconds(5); t += kSecond) h3.Rx(t, Adv(50));
  h3.RunUntil(Seconds(5));
  std::vector<std::string> got3 = h3.Take();
  EXPECT_EQ(got3[0], "t=4609375 SendAdvert VI_1 prio=100 dst=224.0.0.18");
}

TEST(Experiments, E13_InvalidPasswordsDoNotResetTimer) {
  VrrpInstance v = MakeInstance();
  v.auth_type = AuthType::kPass;
  v.auth_pass = "abc";
  Harness h = StartedBackup(v);
  h.Rx(Seconds(1), Adv(200).Auth(AuthType::kPass, "abc"));
  h.Rx(Seconds(2), Adv(200).Auth(AuthType::kPass, "abd"));
  h.Rx(Seconds(3), Adv(200));
  EXPECT_THAT(h.TakeLogs(), ElementsAre("(VI_1) received an invalid passwd!",
                                        "(VI_1) received a 0 auth, expecting 1!"));
  h.RunUntil(Seconds(5));
  EXPECT_EQ(h.Take()[0], "t=4609375 SendAdvert VI_1 prio=100 dst=224.0.0.18");
}

}  // namespace
}  // namespace vrrp
