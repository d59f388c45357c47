#include "sim/observe/metrics.h"

#include <gtest/gtest.h>

namespace vsim {
namespace {

using vrrp::State;

TraceEvent Tr(Time t, int host, State from, State to, int prio = 100) {
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::kTransition;
  e.host = host;
  e.instance = 0;
  e.vrid = 51;
  e.from = from;
  e.to = to;
  e.priority = prio;
  return e;
}

TraceEvent Vip(Time t, int host, bool added) {
  TraceEvent e;
  e.t = t;
  e.kind = added ? TraceKind::kVipAdded : TraceKind::kVipRemoved;
  e.host = host;
  e.instance = 0;
  e.vrid = 51;
  e.addr = vrrp::Ipv4(10, 0, 0, 100);
  return e;
}

TraceEvent Op(Time t, OpKind k, int host) {
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::kOperation;
  e.op = static_cast<int>(k);
  e.host = host;
  return e;
}

std::vector<HostInfo> Hosts() {
  return {HostInfo{"a", {"VI_1"}, {51}}, HostInfo{"b", {"VI_1"}, {51}}};
}

// a MASTER 3..10 (crash at 10, VIP stays), b MASTER from 13 with the VIP,
// a restarts at 20 (leftover VIP removed), MASTER again at 23; b yields.
std::vector<TraceEvent> Story() {
  return {Tr(0, 0, State::kInit, State::kBackup),
          Tr(0, 1, State::kInit, State::kBackup, 90),
          Tr(3, 0, State::kBackup, State::kMaster),
          Vip(3, 0, true),
          Op(10, OpKind::kCrash, 0),
          Tr(13, 1, State::kBackup, State::kMaster, 90),
          Vip(13, 1, true),
          Op(20, OpKind::kStart, 0),
          Vip(20, 0, false),
          Tr(20, 0, State::kInit, State::kBackup),
          Tr(23, 0, State::kBackup, State::kMaster),
          Vip(23, 0, true),
          Tr(23, 1, State::kMaster, State::kBackup, 90),
          Vip(23, 1, false)};
}

TEST(RunTimeline, StatesMastersAndHolders) {
  RunTimeline tl(Story(), Hosts(), 30);
  EXPECT_EQ(tl.vrids(), (std::vector<int>{51}));
  EXPECT_EQ(tl.StateAt(0, 0, 2), State::kBackup);
  EXPECT_EQ(tl.StateAt(0, 0, 3), State::kMaster);  // events at t are applied at t
  EXPECT_EQ(tl.StateAt(0, 0, 10), State::kStop);   // crash: synthesised STOP
  EXPECT_EQ(tl.changes(0, 0)[2].cause, "crash");
  EXPECT_EQ(tl.StateAt(0, 0, 21), State::kBackup);
  EXPECT_EQ(tl.At(51, 5).masters, (std::vector<int>{0}));
  EXPECT_EQ(tl.At(51, 11).masters, (std::vector<int>{}));
  EXPECT_EQ(tl.At(51, 11).holders, (std::vector<int>{0}));  // the crashed host keeps its VIP
  EXPECT_EQ(tl.At(51, 15).holders, (std::vector<int>{0, 1}));
  EXPECT_EQ(tl.Before(51, 13).masters, (std::vector<int>{}));
  EXPECT_EQ(tl.At(51, 25).masters, (std::vector<int>{0}));
  EXPECT_EQ(tl.HoldersOf(vrrp::Ipv4(10, 0, 0, 100), 21), (std::vector<int>{1}));
  EXPECT_EQ(tl.PriorityAt(1, 0, 15), 90);
  EXPECT_EQ(tl.AddressesOf(51).size(), 1u);
}

TEST(Metrics, FailoverDowntimeConvergenceFlaps) {
  RunTimeline tl(Story(), Hosts(), 30);
  const FailoverResult f = FindFailover(tl, 51, 10, 30);
  EXPECT_TRUE(f.happened);
  EXPECT_EQ(f.at, 13);
  EXPECT_EQ(f.new_master, 1);
  EXPECT_EQ(f.old_masters, (std::vector<int>{0}));
  EXPECT_FALSE(FindFailover(tl, 51, 10, 12).happened);
  EXPECT_EQ(FirstHeld(tl, 51), Time{3});
  EXPECT_EQ(VipDowntime(tl, 51, 0, 30), 3);  // nobody held it before 3
  EXPECT_EQ(VipDowntime(tl, 51, 3, 30), 0);
  EXPECT_EQ(ConvergedFrom(tl, 10, 30), Time{13});
  EXPECT_EQ(ConvergedFrom(tl, 10, 12), std::nullopt);
  EXPECT_EQ(MasterEntries(tl, Hosts(), 0, {}), 2);
  EXPECT_EQ(MasterEntries(tl, Hosts(), 1, {51}), 1);
  EXPECT_EQ(MasterEntries(tl, Hosts(), 1, {52}), 0);
  EXPECT_TRUE(MasterSplitIntervals(tl, 0).empty());
}

TEST(Metrics, ComputeMetrics) {
  RunTimeline tl(Story(), Hosts(), 30);
  std::vector<MetricOp> ops = {{10, OpKind::kCrash, 0, "crash-a", CheckMode::kSucceed},
                               {20, OpKind::kStart, 0, "start-a", CheckMode::kSucceed}};
  std::vector<SplitBrainInterval> sb(1);
  sb[0].vrid = 51;
  sb[0].start = 13;
  sb[0].end = 20;
  auto m = ComputeMetrics(tl, Hosts(), ops, sb);
  auto get = [&](const std::string& name, const std::string& subject) -> std::int64_t {
    for (const auto& x : m)
      if (x.name == name && x.subject == subject) return x.value;
    ADD_FAILURE() << name << " " << subject;
    return -999;
  };
  EXPECT_EQ(get("failover_time", "crash-a"), 3);
  EXPECT_EQ(get("vip_downtime", "vrid 51"), 0);
  EXPECT_EQ(get("split_brain_total", ""), 7);
  EXPECT_EQ(get("split_brain_longest", ""), 7);
  EXPECT_EQ(get("split_brain_count", ""), 1);
  EXPECT_EQ(get("flaps", "a"), 2);
  EXPECT_EQ(get("flaps", "b"), 1);
  EXPECT_EQ(get("final_master", "vrid 51"), 0);
}

TEST(Metrics, ConvergenceAfterHealAndTwoMasters) {
  std::vector<TraceEvent> ev = {
      Tr(0, 0, State::kInit, State::kBackup),    Tr(0, 1, State::kInit, State::kBackup),
      Tr(3, 0, State::kBackup, State::kMaster),  Op(10, OpKind::kPartition, -1),
      Tr(13, 1, State::kBackup, State::kMaster), Op(20, OpKind::kHeal, -1),
      Tr(21, 1, State::kMaster, State::kBackup)};
  RunTimeline tl(ev, Hosts(), 30);
  EXPECT_EQ(MasterSplitIntervals(tl, 51), (std::vector<std::pair<Time, Time>>{{13, 21}}));
  std::vector<MetricOp> ops = {{10, OpKind::kPartition, -1, "p", CheckMode::kSucceed},
                               {20, OpKind::kHeal, -1, "h", CheckMode::kSucceed}};
  auto m = ComputeMetrics(tl, Hosts(), ops, {});
  bool converge = false, failover = false;
  for (const auto& x : m) {
    if (x.name == "converge_time" && x.subject == "h") {
      converge = true;
      EXPECT_EQ(x.value, 1);
    }
    if (x.name == "failover_time" && x.subject == "p") {
      failover = true;
      EXPECT_EQ(x.value, 3);  // b became MASTER (without a VIP in this story: none exists)
    }
  }
  EXPECT_TRUE(converge);
  EXPECT_TRUE(failover);
}

TEST(Metrics, FaultAndHealClassification) {
  EXPECT_TRUE(IsFaultOp({0, OpKind::kCrash, 0, "", CheckMode::kSucceed}));
  EXPECT_TRUE(IsFaultOp({0, OpKind::kSetCheck, 0, "", CheckMode::kFail}));
  EXPECT_TRUE(IsFaultOp({0, OpKind::kSetCheck, 0, "", CheckMode::kTimeout}));
  EXPECT_FALSE(IsFaultOp({0, OpKind::kSetCheck, 0, "", CheckMode::kSucceed}));
  EXPECT_FALSE(IsFaultOp({0, OpKind::kStart, 0, "", CheckMode::kSucceed}));
  EXPECT_TRUE(IsHealOp({0, OpKind::kHeal, -1, "", CheckMode::kSucceed}));
  EXPECT_TRUE(IsHealOp({0, OpKind::kUnblock, 0, "", CheckMode::kSucceed}));
  EXPECT_FALSE(IsHealOp({0, OpKind::kLinkUp, 0, "", CheckMode::kSucceed}));
}

}  // namespace
}  // namespace vsim
