// Trials started from a snapshot of the fault-free prefix (PrefixSnapshots)
// and fast-forwarded through their steady state give exactly the result of
// simulating every event from time 0: same trace, same verdicts and
// evidence, same event count.
#include "sim/explore/trial.h"

#include <gtest/gtest.h>

#include "sim/explore/explorer.h"
#include "sim/scenario/runner.h"
#include "sim/trace/json_trace.h"
#include "tests/sim/explore/test_cluster.h"

namespace vsim {
namespace {

std::string Fingerprint(const RunResult& r) {
  std::string out = TraceJson(r);
  for (const auto& e : r.expectations)
    out += "\n" + e.description + (e.passed ? " passed: " : " FAILED: ") + e.evidence + " @" +
           std::to_string(e.decided_at);
  out += "\nevents " + std::to_string(r.events_processed);
  return out;
}

void ExpectSnapshotsMatch(const Scenario& sc, ExploreOptions o, int runs, int min_resumed) {
  ExploreSetup setup;
  std::string error;
  ASSERT_TRUE(PrepareExplore(sc, o, &setup, &error)) << error;
  int resumed_runs = 0;
  for (const ExploreVariant& v : setup.variants) {
    ASSERT_TRUE(v.snapshots);
    EXPECT_GT(v.snapshots->size(), 10u);
    Scenario trial;
    for (int i = 0; i < runs; ++i) {
      const FaultSchedule schedule = GenerateSchedule(setup.limits, setup.targets, setup.seed, i);
      v.trials->Build(schedule, v.properties.properties, &trial);
      const std::uint64_t seed = RunSeed(setup.seed, i);
      bool resumed = false;
      const RunResult fast = v.snapshots->Run(trial, seed, &resumed);
      RunOptions ro;
      ro.seed = seed;
      ro.metrics = false;
      ro.fast_forward = false;  // every event simulated
      EXPECT_EQ(Fingerprint(fast), Fingerprint(RunScenario(trial, ro))) << "schedule " << i;
      resumed_runs += resumed ? 1 : 0;
    }
  }
  EXPECT_GE(resumed_runs, min_resumed);
}

TEST(PrefixSnapshots, SeedPairTrialsMatchRunsFromTimeZero) {
  ScenarioLoad load =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml");
  ASSERT_TRUE(load.ok());
  ExploreOptions o;
  o.duration = 600 * vrrp::kSecond;  // as BM_Explore_SeedPair
  ExpectSnapshotsMatch(*load.scenario, o, 1000, 900);
}

TEST(PrefixSnapshots, EveryFaultKindMatchesRunsFromTimeZero) {
  const Scenario sc = testing::Pair();
  ExploreOptions o;
  o.duration = 120 * vrrp::kSecond;
  for (int k = 0; k < kFaultKindCount; ++k)
    o.weights.emplace_back(FaultKindName(static_cast<FaultKind>(k)), 1);
  ExpectSnapshotsMatch(sc, o, 1500, 750);
}

}  // namespace
}  // namespace vsim
