// The search as a whole: the same result for any number of threads and,
// merged, for any sharding; shrinking to a runnable minimal scenario; merge
// refusing shards of different searches.
#include "sim/explore/explorer.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "sim/explore/findings.h"
#include "sim/explore/shard_file.h"
#include "sim/explore/shrink.h"
#include "sim/scenario/runner.h"
#include "tests/sim/explore/test_cluster.h"

namespace vsim {
namespace {

constexpr vrrp::Duration kS = vrrp::kSecond;

ExploreSetup MakeSetup(const Scenario& sc, ExploreOptions o = {}) {
  if (!o.duration) o.duration = 120 * kS;
  ExploreSetup setup;
  std::string error;
  EXPECT_TRUE(PrepareExplore(sc, o, &setup, &error)) << error;
  return setup;
}

std::string Serialized(const ExploreSetup& setup, const ExploreResult& r) {
  return WriteShardJson(MakeHeader(setup, "pair.yaml", 0), r);
}

TEST(Explorer, SameResultForAnyNumberOfThreads) {
  const Scenario sc = testing::Pair();
  const ExploreSetup setup = MakeSetup(sc);
  ExploreResult one = RunExplore(setup, {0, 300, 1}, 1);
  ExploreResult two = RunExplore(setup, {0, 300, 1}, 2);
  EXPECT_EQ(one.schedules, 300u);
  EXPECT_EQ(one.runs, 300u);
  EXPECT_GT(one.violating_runs, 0u) << "a crash always leaves a duplicate VIP for a while";
  EXPECT_EQ(Serialized(setup, one), Serialized(setup, two));
}

TEST(Explorer, MergedShardsEqualTheUnshardedSearch) {
  const Scenario sc = testing::Pair();
  const ExploreSetup setup = MakeSetup(sc);
  ExploreResult whole = RunExplore(setup, {0, 200, 1}, 2);
  ShrinkGroups(setup, &whole, 2);
  ExploreHeader header = MakeHeader(setup, "pair.yaml", 200);

  std::vector<ShardInput> shards;
  for (int i = 3; i >= 1; --i) {  // any order
    ExploreResult part = RunExplore(setup, {static_cast<std::uint64_t>(i - 1), 200, 3}, 1);
    ShrinkGroups(setup, &part, 1);
    ExploreHeader h = header;
    h.shard = i;
    h.shards = 3;
    // Through the file format, as --merge reads it.
    ShardInput in;
    in.path = "shard-" + std::to_string(i) + ".json";
    std::string error;
    ASSERT_TRUE(ReadShardJson(WriteShardJson(h, part), &in.header, &in.result, &error)) << error;
    shards.push_back(std::move(in));
  }
  ExploreHeader merged_header;
  ExploreResult merged;
  std::string error;
  ASSERT_TRUE(MergeShards(shards, &merged_header, &merged, &error)) << error;
  EXPECT_EQ(WriteShardJson(merged_header, merged), WriteShardJson(header, whole));
  const auto a = ClassifyFindings(whole), b = ClassifyFindings(merged);
  EXPECT_EQ(FindingsJsonl(a), FindingsJsonl(b));
  EXPECT_EQ(SummaryJson(header, whole, a), SummaryJson(merged_header, merged, b));

  // Shards of another search, a missing shard, a shard given twice.
  auto bad = shards;
  bad[0].header.seed = 99;
  EXPECT_FALSE(MergeShards(bad, &merged_header, &merged, &error));
  EXPECT_NE(error.find("seeds differ"), std::string::npos) << error;
  bad = shards;
  bad.pop_back();
  EXPECT_FALSE(MergeShards(bad, &merged_header, &merged, &error));
  EXPECT_NE(error.find("is missing"), std::string::npos) << error;
  bad = shards;
  bad[1] = shards[0];
  EXPECT_FALSE(MergeShards(bad, &merged_header, &merged, &error));
  EXPECT_NE(error.find("given twice"), std::string::npos) << error;
  bad = shards;
  bad[2].header.identity += "weights 9\n";
  EXPECT_FALSE(MergeShards(bad, &merged_header, &merged, &error));
  EXPECT_NE(error.find("settings"), std::string::npos) << error;
  bad = shards;
  bad[0].header.properties = {"no_flapping"};
  EXPECT_FALSE(MergeShards(bad, &merged_header, &merged, &error));
  EXPECT_NE(error.find("properties"), std::string::npos) << error;
}

TEST(Shrink, ThreeFaultsToTheOneThatMatters) {
  const Scenario sc = testing::Pair();
  ExploreOptions o;
  o.duration = 600 * kS;
  const ExploreSetup setup = MakeSetup(sc, o);
  ShrinkInput in;
  in.base = &setup.variants.front().scenario;
  in.duration = 600 * kS;
  in.property = setup.variants.front().properties.properties.front();  // no_split_brain
  ASSERT_EQ(in.property.name, "no_split_brain");
  in.run_seed = 1;
  Fault reload, crash, check;
  reload.kind = FaultKind::kReload;
  reload.node = 1;
  reload.at = 100'123'000;
  reload.length = 0;
  crash.kind = FaultKind::kCrash;
  crash.node = 0;
  crash.at = 211'457'000;
  crash.length = 33'333'000;
  check.kind = FaultKind::kCheck;
  check.node = 0;
  check.name = "chk";
  check.at = 300'001'000;
  check.length = 41'000'000;
  in.schedule = {reload, crash, check};
  const ShrinkOutput out = Shrink(in);
  ASSERT_TRUE(out.still_fails);
  ASSERT_EQ(out.schedule.size(), 1u);
  EXPECT_EQ(out.schedule[0].kind, FaultKind::kCrash);
  // Shorter and rounder: the crash only needs to outlast node2's takeover.
  EXPECT_LT(*out.schedule[0].length, 33 * kS);
  EXPECT_EQ(out.schedule[0].at % (100 * vrrp::kSecond / 1000), 0) << "snapped";
  EXPECT_LT(out.schedule[0].at, 211 * kS) << "moved earlier";
  EXPECT_LT(out.duration, 600 * kS);
  // Bounded work: a 3-fault counterexample shrinks in a few dozen runs
  // (bench/explore_bench.cpp has the time).
  EXPECT_LT(out.runs, 150);
  EXPECT_NE(out.evidence.find("R46"), std::string::npos) << out.evidence;
}

TEST(Shrink, LeavesOutNodesThatPlayNoPart) {
  // A third node with the lowest priority: node2 takes over when node1
  // crashes; node3 only watches.
  const Scenario sc = testing::Load(testing::PairYaml() + R"(  - name: node3
    address: 10.0.0.3
    config: |
      vrrp_instance VI_1 { state BACKUP
        interface eth0
        virtual_router_id 51
        priority 50
        advert_int 1
        virtual_ipaddress { 10.0.0.100/24 } }
)");
  ASSERT_EQ(sc.nodes.size(), 3u);
  ExploreOptions o;
  o.duration = 120 * kS;
  const ExploreSetup setup = MakeSetup(sc, o);
  EXPECT_EQ(setup.variants.front().roles,
            (std::vector<std::string>{"primary", "backup1", "backup2"}));
  ShrinkInput in;
  in.base = &setup.variants.front().scenario;
  in.duration = 120 * kS;
  in.property = setup.variants.front().properties.properties.front();
  Fault crash;
  crash.kind = FaultKind::kCrash;
  crash.node = 0;
  crash.at = 20 * kS;
  crash.length = 20 * kS;
  in.schedule = {crash};
  const ShrinkOutput out = Shrink(in);
  ASSERT_TRUE(out.still_fails);
  EXPECT_EQ(out.removed, std::vector<std::string>{"node3"});
  ASSERT_EQ(out.base.nodes.size(), 2u);
  EXPECT_EQ(out.base.nodes[1].name, "node2");
}

TEST(Findings, MinimalScenarioFailsRunUntilFixed) {
  // Mismatched authentication: node1's adverts are dropped by node2, both
  // MASTER once node2 restarts - converges fails.
  const Scenario sc = testing::Load(testing::PairYaml(
      "", "        authentication { auth_type PASS\n          auth_pass other }\n"));
  ExploreOptions o;
  o.only_properties = {"converges"};
  o.only_faults = {"restart"};
  const ExploreSetup setup = MakeSetup(sc, o);
  ExploreResult r = RunExplore(setup, {0, 20, 1}, 1);
  ShrinkGroups(setup, &r, 1);
  const auto classes = ClassifyFindings(r);
  ASSERT_FALSE(classes.empty());
  const ViolationGroup& g = *classes.front().example;
  ASSERT_FALSE(g.scenario_yaml.empty()) << g.evidence;
  // The configuration fails without any fault: the minimum is no fault.
  EXPECT_TRUE(g.minimal.empty());
  EXPECT_EQ(g.minimal_signature, "converges (no fault)");
  EXPECT_EQ(classes.size(), 1u) << "one class, not one per fault kind";

  ScenarioLoad load = LoadScenarioText(g.scenario_yaml, "finding.yaml", ".");
  for (const auto& d : load.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  ASSERT_TRUE(load.ok()) << g.scenario_yaml;
  const RunResult failing = RunScenario(*load.scenario);
  ASSERT_EQ(failing.expectations.size(), 1u);
  EXPECT_FALSE(failing.passed()) << failing.expectations[0].evidence;

  // The fix: the same password on both nodes. The finding passes.
  std::string fixed = g.scenario_yaml;
  const auto at = fixed.find("auth_pass other");
  ASSERT_NE(at, std::string::npos);
  fixed.erase(fixed.rfind("authentication", at),
              fixed.find('}', at) + 1 - fixed.rfind("authentication", at));
  ScenarioLoad load2 = LoadScenarioText(fixed, "finding.yaml", ".");
  ASSERT_TRUE(load2.ok()) << fixed;
  EXPECT_TRUE(RunScenario(*load2.scenario).passed());
}

TEST(Explorer, BadSettingsAreRefused) {
  const Scenario sc = testing::Pair();
  ExploreSetup setup;
  std::string error;
  ExploreOptions o;
  o.only_properties = {"no_split_brian"};
  EXPECT_FALSE(PrepareExplore(sc, o, &setup, &error));
  EXPECT_NE(error.find("unknown property 'no_split_brian'"), std::string::npos) << error;
  o = {};
  o.only_faults = {"meteor"};
  EXPECT_FALSE(PrepareExplore(sc, o, &setup, &error));
  EXPECT_NE(error.find("unknown fault kind 'meteor'"), std::string::npos) << error;
  o = {};
  o.duration = 30 * kS;  // quiet period 60 s
  EXPECT_FALSE(PrepareExplore(sc, o, &setup, &error));
  EXPECT_NE(error.find("quiet period"), std::string::npos) << error;
  o = {};
  o.variant = "nope";
  EXPECT_FALSE(PrepareExplore(sc, o, &setup, &error));
  EXPECT_NE(error.find("no matrix variant named 'nope'"), std::string::npos) << error;
  o = {};
  o.only_faults = {"track_file"};  // the pair has none
  EXPECT_FALSE(PrepareExplore(sc, o, &setup, &error));
  EXPECT_NE(error.find("no fault kind"), std::string::npos) << error;
}

TEST(ShippedExploreScenarios, UseTheSeedConfigurationsVerbatim) {
  const std::string root = VRRPSIM_SOURCE_DIR "/scenarios/";
  auto read = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  for (const char* f :
       {"master-backup-node1.conf", "master-backup-node2.conf", "backup-backup.conf"})
    EXPECT_EQ(read(root + "explore/configs/" + f), read(root + "seed/configs/" + f)) << f;
  EXPECT_EQ(read(root + "explore/configs/backup-backup-nopreempt.conf"),
            read(root + "seed/derived/backup-backup-nopreempt.conf"));
}

}  // namespace
}  // namespace vsim
