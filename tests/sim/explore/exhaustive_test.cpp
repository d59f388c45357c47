// Bounded exhaustive exploration against brute force: every schedule of a
// small bound run from time 0 as an ordinary trial (the expectations'
// checkers on a finished run) must give exactly the counts of violating
// schedules the search gives with prefix sharing, deduplication and its
// online monitors; and the schedule count must match the enumeration.
#include "sim/explore/exhaustive.h"

#include <functional>
#include <gtest/gtest.h>
#include <iostream>

#include "sim/explore/shard_file.h"
#include "sim/scenario/runner.h"
#include "sim/trace/json_trace.h"
#include "tests/sim/explore/test_cluster.h"

namespace vsim {
namespace {

constexpr vrrp::Duration kS = vrrp::kSecond;

ExploreSetup MakeSetup(const Scenario& sc, vrrp::Duration duration, int max_faults,
                       const ExhaustiveBound& b) {
  ExploreOptions o;
  o.duration = duration;
  o.window_from = b.window_from;
  o.window_to = b.window_to;
  o.quiet = duration - b.window_to;
  o.max_faults = max_faults;
  o.no_prefix = true;
  ExploreSetup setup;
  std::string error;
  EXPECT_TRUE(PrepareExplore(sc, o, &setup, &error)) << error;
  return setup;
}

// Every schedule of the bound, enumerated as the search's choices are made
// (independently written): at each instant, close any subset of the open
// windows, open any set of types that are not open, within the budget.
void Enumerate(const std::vector<FaultType>& types, const ExhaustiveBound& b,
               const std::function<void(const FaultSchedule&)>& visit) {
  const int instants = static_cast<int>((b.window_to - b.window_from) / b.grid) + 1;
  FaultSchedule cur;
  std::vector<int> open_type, open_fault;
  std::function<void(int)> step = [&](int k) {
    if (k == instants) {
      visit(cur);
      return;
    }
    const vrrp::Time g = b.window_from + k * b.grid;
    const int o = static_cast<int>(open_type.size());
    for (int cm = 0; cm < (1 << o); ++cm) {
      FaultSchedule saved = cur;
      auto saved_type = open_type;
      auto saved_fault = open_fault;
      std::vector<int> keep_type, keep_fault;
      for (int i = 0; i < o; ++i) {
        if (cm & (1 << i))
          cur[static_cast<std::size_t>(open_fault[static_cast<std::size_t>(i)])].length =
              g - cur[static_cast<std::size_t>(open_fault[static_cast<std::size_t>(i)])].at;
        else {
          keep_type.push_back(open_type[static_cast<std::size_t>(i)]);
          keep_fault.push_back(open_fault[static_cast<std::size_t>(i)]);
        }
      }
      // Opens: subsets of the types not open before this instant, in type order.
      std::function<void(int, int)> opens = [&](int from, int left) {
        open_type = keep_type;
        open_fault = keep_fault;
        step(k + 1);
        for (int t = from; t < static_cast<int>(types.size()) && left > 0; ++t) {
          if (std::find(saved_type.begin(), saved_type.end(), t) != saved_type.end()) continue;
          const auto& ft = types[static_cast<std::size_t>(t)];
          Fault f;
          f.kind = ft.kind;
          f.at = g;
          f.node = ft.node;
          f.peer = ft.peer;
          f.name = ft.name;
          cur.push_back(f);
          if (ft.window()) {
            keep_type.push_back(t);
            keep_fault.push_back(static_cast<int>(cur.size()) - 1);
          }
          opens(t + 1, left - 1);
          if (ft.window()) {
            keep_type.pop_back();
            keep_fault.pop_back();
          }
          cur.pop_back();
        }
      };
      int used = static_cast<int>(cur.size());
      opens(0, b.max_faults - used);
      cur = saved;
      open_type = saved_type;
      open_fault = saved_fault;
    }
  };
  step(0);
}

std::string ScheduleText(const FaultSchedule& s) {
  std::string out;
  for (const auto& f : s) out += DescribeFault(f, {"node1", "node2"}) + "; ";
  return out;
}

void CompareWithBruteForce(const Scenario& sc, const ExhaustiveBound& b,
                           const std::vector<FaultKind>& kinds, vrrp::Duration duration) {
  const ExploreSetup setup = MakeSetup(sc, duration, b.max_faults, b);
  ExhaustiveOptions xo;
  xo.bound = b;
  xo.kinds = kinds;
  ExhaustiveResult res;
  std::string error;
  ASSERT_TRUE(RunExhaustive(setup, xo, &res, &error)) << error;
  ASSERT_EQ(res.variants.size(), 1u);
  const auto& vr = res.variants[0];
  EXPECT_TRUE(vr.confirmed) << vr.disagreement;

  std::map<std::string, std::uint64_t> brute;
  std::map<std::string, FaultSchedule> smallest;  // fewest faults, then earliest
  std::uint64_t schedules = 0;
  const ExploreVariant& v = setup.variants[0];
  Scenario trial;
  Enumerate(vr.alphabet, b, [&](const FaultSchedule& s) {
    ++schedules;
    std::vector<int> included;
    v.trials->Build(s, v.properties.properties, &trial, &included);
    RunOptions ro;
    ro.metrics = false;
    const RunResult r = RunScenario(trial, ro);
    for (std::size_t i = 0; i < r.expectations.size(); ++i)
      if (!r.expectations[i].passed) {
        const std::string& name =
            v.properties.properties[static_cast<std::size_t>(included[i])].name;
        if (brute[name]++ == 0 || ScheduleLess(s, smallest[name])) smallest[name] = s;
      }
  });
  EXPECT_EQ(CountText(vr.schedules), std::to_string(schedules));
  std::uint64_t any = 0;
  for (const auto& [name, n] : brute) {
    any += n;
    std::cout << name << ": " << n << " of " << schedules << " schedules violate it\n";
  }
  EXPECT_GT(any, 0u) << "the bound must contain violations to compare";
  EXPECT_GT(vr.merges, 0u) << "nothing merged";
  for (const auto& p : vr.properties) {
    if (!p.checked) continue;
    EXPECT_EQ(CountText(p.violating), std::to_string(brute[p.name])) << p.name;
  }
  // Without deduplication: the same counts.
  xo.dedup = false;
  ExhaustiveResult plain;
  ASSERT_TRUE(RunExhaustive(setup, xo, &plain, &error)) << error;
  for (std::size_t i = 0; i < vr.properties.size(); ++i)
    EXPECT_EQ(CountText(plain.variants[0].properties[i].violating),
              CountText(vr.properties[i].violating));
  EXPECT_GT(plain.variants[0].states, vr.states);
  // Without merging, every branch of the prefix tree is run once.
  EXPECT_EQ(static_cast<ScheduleCount>(plain.variants[0].branches), vr.tree_branches);
  // The smallest counterexamples are brute force's.
  for (const auto& p : vr.properties) {
    if (!p.checked || p.violating == 0) continue;
    ASSERT_TRUE(p.has_example) << p.name;
    EXPECT_EQ(ScheduleText(p.example), ScheduleText(smallest[p.name])) << p.name;
  }
}

TEST(Exhaustive, CountsEqualBruteForceOnAPair) {
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = 2 * kS;
  b.window_from = 0;
  b.window_to = 8 * kS;
  CompareWithBruteForce(testing::Pair(), b,
                        {FaultKind::kCrash, FaultKind::kStop, FaultKind::kCheck, FaultKind::kLink,
                         FaultKind::kPartition, FaultKind::kBlock},
                        40 * kS);
}

TEST(Exhaustive, CountsEqualBruteForceWithInstantsAndPower) {
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = 3 * kS;
  b.window_from = 1 * kS;
  b.window_to = 10 * kS;
  CompareWithBruteForce(
      testing::Pair(), b,
      {FaultKind::kRestart, FaultKind::kPower, FaultKind::kReload, FaultKind::kCrash}, 40 * kS);
}

std::string Fingerprint(const RunResult& r) {
  std::string out = TraceJson(r);
  for (const auto& e : r.expectations)
    out += "\n" + e.description + (e.passed ? " passed: " : " FAILED: ") + e.evidence;
  return out;
}

// The search's way of running a schedule: the world copied at every grid
// instant and the faults' operations added just before their instant
// (ScenarioRun::AddTimelineOps), gives the trace of the trial run from time
// 0, byte for byte (with packets and logs recorded).
// Tight limits, so that every property is violated by some schedules and
// not by others (converges above all: its verdict depends on when each
// schedule's last fault was over, which the search keeps per class of
// schedules rather than in the state).
TEST(Exhaustive, CountsEqualBruteForceWithTightLimits) {
  const Scenario sc = testing::Load(
      testing::PairYaml("explore:\n  properties:\n    no_split_brain: {tolerance: 1s}\n"
                        "    vip_available: {within: 3500ms}\n    converges: {within: 3500ms}\n"));
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = 1500 * vrrp::kMillisecond;
  b.window_from = 0;
  b.window_to = 9 * kS;
  CompareWithBruteForce(sc, b,
                        {FaultKind::kCrash, FaultKind::kRestart, FaultKind::kCheck,
                         FaultKind::kPartition, FaultKind::kStop},
                        39 * kS);
}

TEST(Exhaustive, IncrementalRunsGiveTheTraceOfRunsFromTimeZero) {
  for (const std::string file :
       {"scenarios/explore/master-backup.yaml", "scenarios/explore/nopreempt.yaml"}) {
    ScenarioLoad load = LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/" + file);
    ASSERT_TRUE(load.ok()) << file;
    ExhaustiveBound b;
    b.max_faults = 2;
    b.grid = 1500 * vrrp::kMillisecond;
    b.window_to = 9 * kS;
    const ExploreSetup setup = MakeSetup(*load.scenario, 40 * kS, b.max_faults, b);
    const ExploreVariant& v = setup.variants[0];
    const auto alphabet =
        BuildAlphabet(setup.targets, {FaultKind::kCrash, FaultKind::kRestart, FaultKind::kCheck,
                                      FaultKind::kPartition, FaultKind::kBlock, FaultKind::kLink});
    int n = 0, compared = 0;
    Scenario trial;
    RunOptions ro;
    ro.metrics = false;
    ro.record_packets = true;
    ro.emit_logs = true;
    Enumerate(alphabet, b, [&](const FaultSchedule& s) {
      if (n++ % 97 != 0) return;
      v.trials->Build(s, v.properties.properties, &trial);
      const std::string want = Fingerprint(RunScenario(trial, ro));
      Scenario clean;  // with the properties: connectivity sampled as in the trial
      v.trials->Build({}, v.properties.properties, &clean);
      auto run = std::make_unique<ScenarioRun>(clean, ro);
      for (vrrp::Time g = b.window_from; g <= b.window_to; g += b.grid) {
        if (g > 0) run->RunUntil(g - 1);
        run = std::make_unique<ScenarioRun>(*run);  // a snapshot at every instant
        std::vector<ScenarioOp> ops;
        for (std::size_t k = 0; k < s.size(); ++k)
          if (s[k].end() == g && !s[k].instant())
            for (auto& op : v.trials->FaultOpsOf(s[k], k, true)) ops.push_back(op);
        for (std::size_t k = 0; k < s.size(); ++k)
          if (s[k].at == g)
            for (auto& op : v.trials->FaultOpsOf(s[k], k, false)) ops.push_back(op);
        ASSERT_TRUE(run->AddTimelineOps(ops));
      }
      const std::string got = Fingerprint(run->Finish(trial));
      std::size_t at = 0;
      while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
      EXPECT_TRUE(got == want) << file << " schedule " << n - 1 << " differs at byte " << at << ": "
                               << got.substr(at > 200 ? at - 200 : 0, 400);
      ++compared;
    });
    EXPECT_GT(compared, 20);
  }
}

std::string Report(const ExploreSetup& setup, const ExhaustiveOptions& xo) {
  ExhaustiveResult res;
  std::string error;
  EXPECT_TRUE(RunExhaustive(setup, xo, &res, &error)) << error;
  return ExhaustiveReport(setup, res, /*timings=*/false);
}

TEST(Exhaustive, SameResultForAnyNumberOfThreads) {
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = kS;
  b.window_to = 6 * kS;
  const Scenario sc = testing::Pair();  // the setup points at it
  const ExploreSetup setup = MakeSetup(sc, 40 * kS, b.max_faults, b);
  ExhaustiveOptions xo;
  xo.bound = b;
  xo.kinds = {FaultKind::kCrash, FaultKind::kCheck, FaultKind::kPartition, FaultKind::kBlock};
  xo.jobs = 1;
  const std::string one = Report(setup, xo);
  xo.jobs = 3;
  EXPECT_EQ(Report(setup, xo), one);
  EXPECT_NE(one.find("VIOLATED"), std::string::npos) << one;
}

// Shards deal out the worlds where the first fault starts; merged, their
// verdicts, counts and smallest examples are the whole search's.
TEST(Exhaustive, MergedShardsGiveTheWholeSearchsVerdicts) {
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = kS;
  b.window_to = 6 * kS;
  const Scenario sc = testing::Pair();
  const ExploreSetup setup = MakeSetup(sc, 40 * kS, b.max_faults, b);
  ExhaustiveOptions xo;
  xo.bound = b;
  xo.kinds = {FaultKind::kCrash, FaultKind::kCheck, FaultKind::kPartition, FaultKind::kBlock};
  auto verdicts = [](const std::string& report) {
    std::string out;
    std::size_t at = 0;
    while (at < report.size()) {
      const std::size_t end = report.find('\n', at);
      const std::string line = report.substr(at, end - at);
      if (line.rfind("search:", 0) != 0 && line.rfind("prefix sharing", 0) != 0 &&
          line.rfind("(merged", 0) != 0)
        out += line + "\n";
      at = end == std::string::npos ? report.size() : end + 1;
    }
    return out;
  };
  const std::string whole = verdicts(Report(setup, xo));
  for (int n : {2, 5}) {
    ExhaustiveResult merged;
    for (int i = n; i >= 1; --i) {  // any order
      xo.shard = i;
      xo.shards = n;
      ExhaustiveResult part;
      std::string error;
      ASSERT_TRUE(RunExhaustive(setup, xo, &part, &error)) << error;
      // Through the file format, as --merge reads it.
      std::string id;
      int si = 0, sn = 0;
      ExhaustiveResult read;
      ASSERT_TRUE(ReadExhaustiveShardJson(WriteExhaustiveShardJson("id", i, n, part), &id, &si, &sn,
                                          &read, &error))
          << error;
      EXPECT_EQ(si, i);
      if (i == n)
        merged = std::move(read);
      else
        ASSERT_TRUE(MergeExhaustive(&merged, read, &error)) << error;
    }
    EXPECT_EQ(merged.covered, merged.variants[0].schedules);
    EXPECT_EQ(verdicts(ExhaustiveReport(setup, merged, false)), whole) << n << " shards";
  }
}

// States are shared across instants and a state's children are simulated
// from a world that reached it; a shard reaches a different set of states,
// and follows a first-fault child only at the instants dealt to it. If two
// worlds with equal keys could behave differently, or a state were expanded
// from a world of another instant (as a shard's first-fault child once
// was), the shards' sum would differ from the whole search.
TEST(Exhaustive, ShardsOfTheSeedPairAgreeWithTheWholeSearch) {
  ScenarioLoad load =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/explore/master-backup.yaml");
  ASSERT_TRUE(load.ok());
  ExhaustiveBound b;
  b.max_faults = 2;
  b.grid = kS;
  b.window_to = 16 * kS;
  const ExploreSetup setup = MakeSetup(*load.scenario, 76 * kS, b.max_faults, b);
  ExhaustiveOptions xo;
  xo.bound = b;
  xo.kinds = {FaultKind::kCrash, FaultKind::kStop,      FaultKind::kCheck,
              FaultKind::kLink,  FaultKind::kPartition, FaultKind::kBlock};
  ExhaustiveResult whole;
  std::string error;
  ASSERT_TRUE(RunExhaustive(setup, xo, &whole, &error)) << error;
  ExhaustiveResult merged;
  for (int i = 1; i <= 2; ++i) {
    xo.shard = i;
    xo.shards = 2;
    ExhaustiveResult part;
    ASSERT_TRUE(RunExhaustive(setup, xo, &part, &error)) << error;
    if (i == 1)
      merged = std::move(part);
    else
      ASSERT_TRUE(MergeExhaustive(&merged, part, &error)) << error;
  }
  const auto& w = whole.variants[0];
  const auto& m = merged.variants[0];
  ASSERT_EQ(w.properties.size(), m.properties.size());
  for (std::size_t i = 0; i < w.properties.size(); ++i) {
    EXPECT_EQ(CountText(m.properties[i].violating), CountText(w.properties[i].violating))
        << w.properties[i].name;
    EXPECT_EQ(ScheduleText(m.properties[i].example), ScheduleText(w.properties[i].example));
  }
  EXPECT_GT(w.properties[0].violating, 0u);
}

TEST(Exhaustive, ScheduleCountFormula) {
  // One window type, 3 instants, one fault: open at i, close at j > i or never.
  std::vector<FaultType> one(1);
  EXPECT_EQ(CountText(CountSchedules(one, 3, 1)), "7");  // empty + 3 + 2 + 1... = 1 + 6
  // One instant type: nothing, or at one of 3 instants; two: pairs too.
  std::vector<FaultType> inst(1);
  inst[0].kind = FaultKind::kRestart;
  EXPECT_EQ(CountText(CountSchedules(inst, 3, 1)), "4");
  EXPECT_EQ(CountText(CountSchedules(inst, 3, 2)), "7");
}

TEST(Exhaustive, RefusesWhenNoPropertyCanBeChecked) {
  const Scenario sc = testing::Pair();
  ExhaustiveOptions xo;
  xo.bound.window_to = 4 * kS;
  xo.bound.grid = kS;
  xo.kinds = {FaultKind::kCrash};
  ExploreOptions o;
  o.duration = 40 * kS;
  o.window_from = 0;
  o.window_to = 4 * kS;
  o.quiet = 36 * kS;
  o.no_prefix = true;
  o.only_properties = {"no_flapping"};
  ExploreSetup setup;
  std::string error;
  ASSERT_TRUE(PrepareExplore(sc, o, &setup, &error)) << error;
  ExhaustiveResult res;
  EXPECT_FALSE(RunExhaustive(setup, xo, &res, &error));
  EXPECT_NE(error.find("none of the properties"), std::string::npos) << error;
}

TEST(Exhaustive, RefusesRandomNetworks) {
  const Scenario sc = testing::Load(
      testing::PairYaml("network:\n  default_link: {latency: 100us, jitter: 0, loss: 1%}\n"));
  ExhaustiveOptions xo;
  xo.bound.window_to = 10 * kS;
  const ExploreSetup setup = MakeSetup(sc, 40 * kS, 1, xo.bound);
  xo.kinds = {FaultKind::kCrash};
  ExhaustiveResult res;
  std::string error;
  EXPECT_FALSE(RunExhaustive(setup, xo, &res, &error));
  EXPECT_NE(error.find("deterministic"), std::string::npos) << error;
}

}  // namespace
}  // namespace vsim
