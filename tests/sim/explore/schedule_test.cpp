// Random fault schedules: a function of (seed, index), within the limits,
// targets taken from the configurations only.
#include "sim/explore/schedule.h"

#include <gtest/gtest.h>
#include <set>

#include "sim/scenario/scenario.h"
#include "tests/sim/explore/test_cluster.h"

namespace vsim {
namespace {

constexpr vrrp::Duration kS = vrrp::kSecond;

using testing::Pair;

ScheduleLimits Limits() {
  ScheduleLimits l;
  l.duration = 600 * kS;
  l.quiet = 60 * kS;
  l.window_from = 5 * kS;
  l.window_to = 540 * kS;
  l.min_faults = 1;
  l.max_faults = 3;
  l.min_gap = kS;
  l.min_length = kS;
  l.max_length = 60 * kS;
  l.open_percent = 10;
  l.weights = kDefaultFaultWeights;
  return l;
}

TEST(Schedule, TargetsComeFromTheConfigurations) {
  const ExploreTargets t = TargetsOf(Pair());
  EXPECT_EQ(t.nodes, 2);
  EXPECT_EQ(t.scripts[0], std::vector<std::string>{"chk"});
  EXPECT_TRUE(t.scripts[1].empty());
  EXPECT_EQ(t.interfaces[1], std::vector<std::string>{"eth0"});
  EXPECT_EQ(t.vrids, std::vector<int>{51});
  EXPECT_TRUE(t.Possible(FaultKind::kCheck));
  EXPECT_FALSE(t.Possible(FaultKind::kTrackFile));  // no track_file anywhere
  ExploreTargets one = t;
  one.nodes = 1;
  EXPECT_FALSE(one.Possible(FaultKind::kPartition));
  EXPECT_FALSE(one.Possible(FaultKind::kBlock));
}

TEST(Schedule, SameSeedAndIndexSameSchedule) {
  const ExploreTargets t = TargetsOf(Pair());
  for (std::uint64_t i = 0; i < 200; ++i)
    EXPECT_EQ(GenerateSchedule(Limits(), t, 7, i), GenerateSchedule(Limits(), t, 7, i));
  std::set<std::string> distinct;
  for (std::uint64_t i = 0; i < 200; ++i) {
    std::string s;
    for (const auto& f : GenerateSchedule(Limits(), t, 7, i))
      s += DescribeFault(f, {"a", "b"}) + ";";
    distinct.insert(s);
  }
  EXPECT_GT(distinct.size(), 190u);
  EXPECT_NE(GenerateSchedule(Limits(), t, 7, 3), GenerateSchedule(Limits(), t, 8, 3));
  EXPECT_NE(RunSeed(7, 3), RunSeed(7, 4));
  EXPECT_EQ(RunSeed(7, 3), RunSeed(7, 3));
}

TEST(Schedule, KeepsToTheLimits) {
  const ExploreTargets t = TargetsOf(Pair());
  const ScheduleLimits l = Limits();
  std::set<FaultKind> seen;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const FaultSchedule s = GenerateSchedule(l, t, 1, i);
    ASSERT_GE(s.size(), 1u);
    ASSERT_LE(s.size(), 3u);
    for (std::size_t k = 0; k < s.size(); ++k) {
      const Fault& f = s[k];
      seen.insert(f.kind);
      EXPECT_GE(f.at, l.window_from);
      EXPECT_LE(f.at, l.window_to);
      EXPECT_EQ(f.at % 1000, 0) << "times on the millisecond";
      if (k) {
        EXPECT_GE(f.at - s[k - 1].at, l.min_gap);
      }
      if (f.instant()) {
        EXPECT_EQ(f.length, vrrp::Duration{0});
      } else if (f.end()) {
        EXPECT_LE(*f.end(), l.duration - l.quiet) << "windows close before the quiet period";
      }
      EXPECT_NE(f.kind, FaultKind::kForeign) << "opt-in (weight 0 by default)";
      EXPECT_NE(f.kind, FaultKind::kTrackFile) << "no target";
      if (f.kind == FaultKind::kCheck) {
        EXPECT_EQ(f.node, 0);
        EXPECT_EQ(f.name, "chk");
      }
      if (f.kind == FaultKind::kBlock) {
        EXPECT_NE(f.node, f.peer);
      }
    }
    // A heal closes every partition and block: such windows never overlap.
    for (std::size_t a = 0; a < s.size(); ++a)
      for (std::size_t b = a + 1; b < s.size(); ++b) {
        auto net = [](FaultKind k) { return k == FaultKind::kPartition || k == FaultKind::kBlock; };
        if (net(s[a].kind) && net(s[b].kind)) {
          ASSERT_TRUE(s[a].end());
          EXPECT_LE(*s[a].end(), s[b].at);
        }
      }
  }
  EXPECT_EQ(seen.size(), 12u) << "every kind with a target and a weight was drawn";
}

TEST(Schedule, OnlyWeightedKinds) {
  ScheduleLimits l = Limits();
  l.weights = {};
  l.weights[static_cast<std::size_t>(FaultKind::kPartition)] = 1;
  const ExploreTargets t = TargetsOf(Pair());
  for (std::uint64_t i = 0; i < 100; ++i)
    for (const auto& f : GenerateSchedule(l, t, 1, i)) EXPECT_EQ(f.kind, FaultKind::kPartition);
  l.weights = {};
  l.weights[static_cast<std::size_t>(FaultKind::kTrackFile)] = 5;  // nothing to hit
  EXPECT_TRUE(GenerateSchedule(l, t, 1, 0).empty());
}

TEST(Schedule, DescribesFaultsInWords) {
  Fault f;
  f.kind = FaultKind::kCrash;
  f.node = 1;
  f.at = 12 * kS;
  f.length = 20 * kS;
  EXPECT_EQ(DescribeFault(f, {"node1", "node2"}), "crash node2 at 12.000000s for 20.000000s");
  f.kind = FaultKind::kPartition;
  f.length.reset();
  EXPECT_EQ(DescribeFault(f, {"node1", "node2"}),
            "partition node2 away at 12.000000s (to the end)");
}

}  // namespace
}  // namespace vsim
