// ScenarioRun snapshots: a copy taken at any instant runs on to the trace an
// uninterrupted run gives, byte for byte, on every shipped scenario; and
// operations added to a snapshot give the run of the scenario that had them
// from the start (what exploration's prefix sharing relies on).
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/sim/scenario/shipped.h"

namespace vsim {
namespace {

using testing::ShippedScenarios;

// Every scenario of a file: the base and each matrix variant.
std::vector<Scenario> Runs(const Scenario& sc) {
  std::vector<Scenario> out;
  if (sc.variants.empty()) out.push_back(sc);
  for (const auto& v : sc.variants) out.push_back(VariantScenario(sc, v));
  return out;
}

// Everything a run reports, as text: the trace (with packets and logs) and
// the expectations' verdicts and evidence.
std::string Fingerprint(const RunResult& r) {
  std::string out = TraceJson(r);
  for (const auto& e : r.expectations)
    out += "\n" + e.description + (e.passed ? " passed: " : " FAILED: ") + e.evidence;
  out += "\nevents " + std::to_string(r.events_processed);
  return out;
}

RunOptions Full() {
  RunOptions o;
  o.record_packets = true;
  o.emit_logs = true;
  return o;
}

TEST(ScenarioRun, SnapshotResumesToTheUninterruptedTrace) {
  const auto files = ShippedScenarios();
  ASSERT_FALSE(files.empty());
  int compared = 0;
  for (const auto& file : files) {
    ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok()) << file;
    for (const Scenario& sc : Runs(*load.scenario)) {
      SCOPED_TRACE(file + " " + sc.name);
      const std::string want = Fingerprint(RunScenario(sc, Full()));
      for (int k : {0, 1, 37, 50, 83, 100}) {
        const Time at = sc.duration * k / 100;
        ScenarioRun original(sc, Full());
        original.RunUntil(at);
        ScenarioRun copy(original);
        EXPECT_EQ(Fingerprint(copy.Finish(sc)), want) << "copy at " << at;
        // The original is untouched by its copy's run.
        EXPECT_EQ(Fingerprint(original.Finish(sc)), want) << "original at " << at;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 100);
}

TEST(ScenarioRun, OperationsAddedToASnapshotRunAsFromTheStart) {
  int compared = 0, refused = 0;
  for (const auto& file : ShippedScenarios()) {
    ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok()) << file;
    for (const Scenario& sc : Runs(*load.scenario)) {
      SCOPED_TRACE(file + " " + sc.name);
      const std::string want = Fingerprint(RunScenario(sc, Full()));
      // The last k operations of the timeline join from a snapshot taken
      // just before the earliest of them.
      for (std::size_t k = 1; k <= sc.timeline.size() && k <= 3; ++k) {
        const std::size_t first = sc.timeline.size() - k;
        Time earliest = sc.timeline[first].at;
        for (std::size_t i = first; i < sc.timeline.size(); ++i)
          earliest = std::min(earliest, sc.timeline[i].at);
        if (earliest <= 0) continue;
        Scenario head = sc;
        head.timeline.resize(first);
        ScenarioRun run(head, Full());
        run.RunUntil(earliest - 1);
        ScenarioRun copy(run);
        std::vector<std::size_t> added;
        for (std::size_t i = first; i < sc.timeline.size(); ++i) added.push_back(i);
        if (!copy.AddOperations(sc, added)) {
          ++refused;
          continue;
        }
        EXPECT_EQ(Fingerprint(copy.Finish(sc)), want) << "last " << k << " operations";
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 20);
  EXPECT_LT(refused, compared);
}

// Skipping a steady state's repeats changes nothing a run reports. (With
// packets recorded a run never looks steady: every advert is an event.)
TEST(ScenarioRun, FastForwardGivesTheSameResult) {
  int compared = 0;
  for (const auto& file : ShippedScenarios()) {
    ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok()) << file;
    for (const Scenario& sc : Runs(*load.scenario)) {
      SCOPED_TRACE(file + " " + sc.name);
      for (Duration duration : {sc.duration, sc.duration * 7 + 333333}) {
        Scenario longer = sc;
        longer.duration = duration;
        RunOptions slow;
        slow.fast_forward = false;
        EXPECT_EQ(Fingerprint(RunScenario(longer)), Fingerprint(RunScenario(longer, slow)))
            << "duration " << duration;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 50);
}

TEST(ScenarioRun, AddOperationsRefusesAnOperationNotAfterNow) {
  ScenarioLoad load =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml");
  ASSERT_TRUE(load.ok());
  const Scenario& sc = *load.scenario;
  ASSERT_EQ(sc.timeline.size(), 2u);
  Scenario head = sc;
  head.timeline.resize(1);
  ScenarioRun run(head, {});
  run.RunUntil(sc.timeline[1].at);  // the operation's own instant is past
  EXPECT_FALSE(run.AddOperations(sc, {1}));
}

TEST(ScenarioRun, ReseedIsRefusedOnceARandomStreamWasDrawn) {
  ScenarioLoad load =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml");
  ASSERT_TRUE(load.ok());
  Scenario sc = *load.scenario;
  {
    ScenarioRun run(sc, {});
    run.RunUntil(30 * vrrp::kSecond);
    RunOptions seeded;
    seeded.seed = 77;
    const std::string want = Fingerprint(RunScenario(sc, seeded));
    ASSERT_TRUE(run.Reseed(77));  // nothing random in this scenario
    EXPECT_EQ(Fingerprint(run.Finish(sc)), want);
  }
  sc.wakeup_jitter = 50;  // every deadline draws a wake-up delay
  ScenarioRun run(sc, {});
  run.RunUntil(30 * vrrp::kSecond);
  EXPECT_FALSE(run.Reseed(77));
}

}  // namespace
}  // namespace vsim
