// Each property against hand-made schedules: some must violate it, others
// must not (docs/explore.md defines the properties).
#include "sim/explore/properties.h"

#include <gtest/gtest.h>

#include "sim/explore/explorer.h"
#include "tests/sim/explore/test_cluster.h"

namespace vsim {
namespace {

constexpr vrrp::Duration kS = vrrp::kSecond;

Fault F(FaultKind kind, int node, vrrp::Duration at, std::optional<vrrp::Duration> length) {
  Fault f;
  f.kind = kind;
  f.node = node;
  f.at = at;
  f.length = length;
  if (kind == FaultKind::kCheck) f.name = "chk";
  if (kind == FaultKind::kLoss) {
    f.name = "eth0";
    f.value = 1000;
  }
  if (kind == FaultKind::kBlock) f.peer = 1 - node;
  return f;
}

// Runs `schedule` on `scenario` checking the given properties only; returns
// the violated ones with their evidence joined.
struct Outcome {
  std::vector<std::string> violated;
  std::string evidence;
  bool Violates(const std::string& p) const {
    return std::find(violated.begin(), violated.end(), p) != violated.end();
  }
};
Outcome Check(const Scenario& sc, const FaultSchedule& schedule, std::vector<std::string> props,
              ExploreOptions options = {}) {
  options.only_properties = std::move(props);
  if (!options.duration) options.duration = 120 * kS;
  ExploreSetup setup;
  std::string error;
  EXPECT_TRUE(PrepareExplore(sc, options, &setup, &error)) << error;
  Scenario scratch;
  TrialOutcome o = RunTrial(setup, setup.variants.front(), schedule, 0, &scratch);
  Outcome out;
  out.violated = o.violated;
  for (const auto& e : o.evidence) out.evidence += e + "\n";
  return out;
}

TEST(NoSplitBrain, CrashLeavesTheVipAndTheFindingSaysSo) {
  const Scenario sc = testing::Pair();
  const Outcome o = Check(sc, {F(FaultKind::kCrash, 0, 20 * kS, 20 * kS)}, {"no_split_brain"});
  ASSERT_TRUE(o.Violates("no_split_brain"));
  EXPECT_NE(o.evidence.find("two VIP holders"), std::string::npos) << o.evidence;
  EXPECT_NE(o.evidence.find("SIGKILLed keepalived leaves configured (R46)"), std::string::npos)
      << o.evidence;
}

TEST(NoSplitBrain, GracefulStopAndShortCrashDoNot) {
  const Scenario sc = testing::Pair();
  EXPECT_FALSE(Check(sc, {F(FaultKind::kStop, 0, 20 * kS, 20 * kS)}, {"no_split_brain"})
                   .Violates("no_split_brain"));
  // Back before node2 takes over (master-down 3 s + skew): no second holder.
  EXPECT_FALSE(Check(sc, {F(FaultKind::kCrash, 0, 20 * kS, 2 * kS)}, {"no_split_brain"})
                   .Violates("no_split_brain"));
}

TEST(NoSplitBrain, PartitionOnlyWhenAlwaysIsAsked) {
  Scenario sc = testing::Pair();
  const FaultSchedule s = {F(FaultKind::kPartition, 0, 20 * kS, 30 * kS)};
  // Default: while connected; the two MASTERs cannot hear each other, and
  // after the heal one yields within an advert interval (< tolerance 2 s).
  EXPECT_FALSE(Check(sc, s, {"no_split_brain"}).Violates("no_split_brain"));
  sc.explore.properties.split_while_connected = false;
  const Outcome o = Check(sc, s, {"no_split_brain"});
  EXPECT_TRUE(o.Violates("no_split_brain")) << o.evidence;
  // A one-way block: node2 stops hearing node1 and takes over while node1
  // still hears node2 - they do hear each other one way only, not both.
  sc.explore.properties.split_while_connected = true;
  EXPECT_FALSE(Check(sc, {F(FaultKind::kBlock, 0, 20 * kS, 30 * kS)}, {"no_split_brain"})
                   .Violates("no_split_brain"));
}

TEST(NoSplitBrain, TotalLossSilencesLikeAPartition) {
  Scenario sc = testing::Pair();
  const FaultSchedule s = {F(FaultKind::kLoss, 0, 20 * kS, 30 * kS)};  // 100 % on node1
  EXPECT_FALSE(Check(sc, s, {"no_split_brain"}).Violates("no_split_brain"));
  sc.explore.properties.split_while_connected = false;
  EXPECT_TRUE(Check(sc, s, {"no_split_brain"}).Violates("no_split_brain"));
}

TEST(NoSplitBrain, MastersOnlyAcceptsTheLeftoverVip) {
  Scenario sc = testing::Pair();
  sc.explore.properties.split_masters_only = true;
  EXPECT_FALSE(Check(sc, {F(FaultKind::kCrash, 0, 20 * kS, 20 * kS)}, {"no_split_brain"})
                   .Violates("no_split_brain"));
}

TEST(NoSplitBrain, ToleranceDecides) {
  Scenario sc = testing::Pair();
  const FaultSchedule s = {F(FaultKind::kCrash, 0, 20 * kS, 10 * kS)};  // ~6.4 s of two holders
  sc.explore.properties.split_tolerance = 7 * kS;
  EXPECT_FALSE(Check(sc, s, {"no_split_brain"}).Violates("no_split_brain"));
  sc.explore.properties.split_tolerance = 6 * kS;
  EXPECT_TRUE(Check(sc, s, {"no_split_brain"}).Violates("no_split_brain"));
}

TEST(VipAvailable, TakeoverWithinTheLimit) {
  Scenario sc = testing::Pair();
  const FaultSchedule crash = {F(FaultKind::kPower, 0, 20 * kS, std::nullopt)};
  EXPECT_FALSE(Check(sc, crash, {"vip_available"}).Violates("vip_available"));
  sc.explore.properties.vip_within = kS;  // takeover needs the master-down interval, > 3 s
  const Outcome o = Check(sc, crash, {"vip_available"});
  ASSERT_TRUE(o.Violates("vip_available"));
  EXPECT_NE(o.evidence.find("node2 was running and could hold it"), std::string::npos)
      << o.evidence;
}

TEST(VipAvailable, NobodyCouldHoldIt) {
  Scenario sc = testing::Pair();
  sc.explore.properties.vip_within = kS;
  // Both nodes powered off for good: no node could hold the VIP, nothing to
  // blame the configuration for.
  const FaultSchedule both = {F(FaultKind::kPower, 0, 20 * kS, std::nullopt),
                              F(FaultKind::kPower, 1, 20 * kS, std::nullopt)};
  EXPECT_FALSE(Check(sc, both, {"vip_available"}).Violates("vip_available"));
  // A frozen node2 cannot take over either (pause), while node1 is off.
  const FaultSchedule frozen = {F(FaultKind::kPower, 0, 20 * kS, std::nullopt),
                                F(FaultKind::kPause, 1, 19 * kS, 100 * kS)};
  EXPECT_FALSE(Check(sc, frozen, {"vip_available"}).Violates("vip_available"));
}

TEST(Converges, OneMasterAfterTheFaults) {
  Scenario sc = testing::Pair();
  const FaultSchedule s = {F(FaultKind::kPartition, 0, 20 * kS, 30 * kS),
                           F(FaultKind::kCrash, 1, 60 * kS, 10 * kS)};
  EXPECT_FALSE(Check(sc, s, {"converges"}).Violates("converges"));
  // A partition that never heals is not judged: nothing can settle.
  EXPECT_FALSE(Check(sc, {F(FaultKind::kPartition, 0, 20 * kS, std::nullopt)}, {"converges"})
                   .Violates("converges"));
}

TEST(Converges, MismatchedAuthenticationNeverSettles) {
  // node2 authenticates with another password: keepalived drops node1's
  // adverts and both stay MASTER once node2 is up again.
  const Scenario sc = testing::Load(testing::PairYaml(
      "", "        authentication { auth_type PASS\n          auth_pass other }\n"));
  const Outcome o = Check(sc, {F(FaultKind::kRestart, 1, 20 * kS, 0)}, {"converges"});
  ASSERT_TRUE(o.Violates("converges"));
  EXPECT_NE(o.evidence.find("node1, node2"), std::string::npos) << o.evidence;
}

TEST(NoFlapping, CheckFlipsCountMasterChanges) {
  Scenario sc = testing::Pair();
  FaultSchedule s;
  for (int i = 0; i < 3; ++i) s.push_back(F(FaultKind::kCheck, 0, (20 + 12 * i) * kS, 6 * kS));
  sc.explore.properties.flap_max = 2;
  const Outcome o = Check(sc, s, {"no_flapping"});
  ASSERT_TRUE(o.Violates("no_flapping"));
  EXPECT_NE(o.evidence.find("MASTER entries"), std::string::npos) << o.evidence;
  sc.explore.properties.flap_max = 20;
  EXPECT_FALSE(Check(sc, s, {"no_flapping"}).Violates("no_flapping"));
}

TEST(ScenarioExpectations, OnlyInvariantsAreChecked) {
  const Scenario sc = testing::Load(testing::PairYaml(R"(timeline:
  - {at: 30s, op: crash, node: node1, id: crash-1}
expect:
  - no_split_brain: {tolerance: 10s}
  - no_split_brain: {except: [{from: crash-1, to: end}]}
  - master: {node: node1, at: 10s}
  - vip_available: {within: 9s}
  - converges: {after: crash-1, within: 10s}
  - converges: {within: 10s}
)"));
  const PropertySet ps = BuildProperties(sc, ExploreProperties{}, 3, true);
  std::vector<std::string> names;
  for (const auto& p : ps.properties) names.push_back(p.name);
  // The expectations' lines: the list starts 5 lines after the timeline's.
  const int base = sc.expect.front().where.line;
  auto line = [&](int k) { return "expect:" + std::to_string(base + k); };
  EXPECT_EQ(names, (std::vector<std::string>{"no_split_brain", "vip_available", "converges",
                                             "no_flapping", line(0), line(3), line(5)}));
  ASSERT_EQ(ps.skipped.size(), 3u);
  EXPECT_NE(ps.skipped[0].find("line " + std::to_string(base + 1)), std::string::npos)
      << ps.skipped[0];
  EXPECT_NE(ps.skipped[0].find("allowed windows"), std::string::npos);
  EXPECT_NE(ps.skipped[1].find("tied to the scripted timeline"), std::string::npos);
  EXPECT_NE(ps.skipped[2].find("after a scripted operation"), std::string::npos);
  std::string why;
  Expectation e;
  e.kind = ExpectKind::kFailover;
  EXPECT_FALSE(HoldsUnderRandomFaults(e, true, &why));
}

TEST(Defaults, DerivedFromTheLongestAdvertInterval) {
  const Scenario sc = testing::Pair();
  EXPECT_EQ(LongestAdvertInt(sc), kS);
  const PropertySet ps = BuildProperties(sc, ExploreProperties{}, 3, true);
  ASSERT_GE(ps.properties.size(), 4u);
  EXPECT_EQ(ps.properties[0].expect.tolerance, 2 * kS);
  EXPECT_TRUE(ps.properties[0].expect.while_connected);
  EXPECT_EQ(ps.properties[1].expect.within, 6 * kS);
  EXPECT_EQ(ps.properties[2].expect.within, 6 * kS);
  EXPECT_EQ(ps.properties[3].expect.count_max, 8);
  EXPECT_EQ(ps.properties[3].expect.window, 60 * kS);
}

}  // namespace
}  // namespace vsim
