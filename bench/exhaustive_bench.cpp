// `vrrpsim explore --exhaustive` (issue 16): the seed pair
// (scenarios/seed/master-backup.yaml), the alphabet {crash, stop,
// check, link, partition, block} on either node (12 fault types), grid
// 250 ms, the properties no_split_brain, vip_available and converges.
//
//   BM_Exhaustive_SeedPair/K/W   one whole search of K faults in a window of W
//                                seconds per iteration, on one thread
//   BM_Exhaustive_FromTimeZero   the same schedules run from time 0 one by one
//                                (a uniform sample of the K = 2, W = 6 bound):
//                                the cost the search's prefix sharing and
//                                deduplication replace
//
// The ratio of the two (schedules/s) is what the reductions buy; the CLI
// reports it for every search from 200 sampled schedules.
#include <benchmark/benchmark.h>
#include <optional>
#include <string>

#include "sim/explore/exhaustive.h"
#include "sim/explore/explorer.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace {

struct Seed {
  std::optional<vsim::Scenario> scenario;
  vsim::ExploreSetup setup;
  std::string error;
  bool ok = false;

  Seed() {
    vsim::ScenarioLoad load = vsim::LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) +
                                                     "/scenarios/seed/master-backup.yaml");
    if (!load.ok()) {
      error = "cannot load scenarios/seed/master-backup.yaml";
      return;
    }
    scenario = std::move(*load.scenario);
    vsim::ExploreOptions o;
    o.duration = 80 * vrrp::kSecond;
    o.max_faults = 3;
    o.window_from = 0;
    o.window_to = 20 * vrrp::kSecond;
    o.quiet = 60 * vrrp::kSecond;
    o.no_prefix = true;
    o.only_properties = {"no_split_brain", "vip_available", "converges"};
    ok = vsim::PrepareExplore(*scenario, o, &setup, &error);
  }
};

const Seed& TheSeed() {
  static const Seed* seed = new Seed();  // never destroyed: benchmarks may outlive statics
  return *seed;
}

vsim::ExhaustiveOptions Options(int k, int window_s) {
  vsim::ExhaustiveOptions xo;
  xo.bound.max_faults = k;
  xo.bound.grid = 250 * vrrp::kMillisecond;
  xo.bound.window_to = window_s * vrrp::kSecond;
  xo.kinds = {vsim::FaultKind::kCrash, vsim::FaultKind::kStop,      vsim::FaultKind::kCheck,
              vsim::FaultKind::kLink,  vsim::FaultKind::kPartition, vsim::FaultKind::kBlock};
  return xo;
}

void BM_Exhaustive_SeedPair(benchmark::State& state) {
  const Seed& s = TheSeed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const auto xo = Options(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  double schedules = 0, branches = 0, states = 0;
  for (auto _ : state) {
    vsim::ExhaustiveResult r;
    std::string error;
    if (!vsim::RunExhaustive(s.setup, xo, &r, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    schedules += static_cast<double>(r.variants[0].schedules);
    branches += static_cast<double>(r.variants[0].branches);
    states = static_cast<double>(r.variants[0].states);
  }
  state.counters["schedules/s"] = benchmark::Counter(schedules, benchmark::Counter::kIsRate);
  state.counters["branches/s"] = benchmark::Counter(branches, benchmark::Counter::kIsRate);
  state.counters["states"] = states;
}
BENCHMARK(BM_Exhaustive_SeedPair)
    ->Args({1, 20})
    ->Args({2, 6})
    ->ArgNames({"K", "W"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Exhaustive_FromTimeZero(benchmark::State& state) {
  const Seed& s = TheSeed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  // Uniformly sampled schedules of the K = 2, W = 6 bound, each run as a
  // trial from time 0 (what the search replaces).
  const auto samples = vsim::SampleSchedules(s.setup, Options(2, 6), 256, 1);
  const vsim::ExploreVariant& v = s.setup.variants[0];
  vsim::Scenario trial;
  vsim::RunOptions ro;
  ro.metrics = false;
  std::size_t i = 0;
  double runs = 0;
  for (auto _ : state) {
    v.trials->Build(samples[i++ % samples.size()], v.properties.properties, &trial);
    const vsim::RunResult r = vsim::RunScenario(trial, ro);
    benchmark::DoNotOptimize(r.events_processed);
    runs += 1;
  }
  state.counters["runs/s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Exhaustive_FromTimeZero)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
