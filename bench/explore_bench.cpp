// `vrrpsim explore` throughput (issue 13): explore runs per second for the
// seed pair (scenarios/seed/master-backup.yaml: two nodes, advert_int 2,
// chk_app every 3 s), 10-minute runs, at most 3 faults, every property on.
//
//   BM_Explore_SeedPair    256 schedules per iteration on one thread
//   BM_Explore_Jobs/N      2048 schedules per iteration on N threads (real time)
//   BM_Explore_Memory/N    N schedules in one go; RSS growth after a warm-up
//   BM_Explore_Shrink3     shrinking a 3-fault counterexample of the seed pair
//   BM_Explore_SnapshotCopy  copying the seed pair's run at 5 minutes (a trial's start)
//
// Shrinking is not measured (RunExplore only), as in the CLI's "runs/s".
#include <benchmark/benchmark.h>
#include <cstdio>
#include <optional>
#include <string>
#include <sys/resource.h>

#include "sim/explore/explorer.h"
#include "sim/explore/shrink.h"
#include "sim/explore/trial.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace {

// The seed pair's scenario and its explore setup, built once (the setup
// points into the scenario).
struct SeedPair {
  std::optional<vsim::Scenario> scenario;
  vsim::ExploreSetup setup;
  std::string error;
  bool ok = false;

  SeedPair() {
    vsim::ScenarioLoad load = vsim::LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) +
                                                     "/scenarios/seed/master-backup.yaml");
    if (!load.ok()) {
      error = "cannot load scenarios/seed/master-backup.yaml";
      return;
    }
    scenario = std::move(*load.scenario);
    vsim::ExploreOptions options;
    options.duration = vrrp::Seconds(600);
    ok = vsim::PrepareExplore(*scenario, options, &setup, &error);
  }
};

const SeedPair& Seed() {
  static const SeedPair* seed = new SeedPair();  // never destroyed: benchmarks may outlive statics
  return *seed;
}

void BM_Explore_SeedPair(benchmark::State& state) {
  const SeedPair& s = Seed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  constexpr std::uint64_t kPerIteration = 256;
  std::uint64_t begin = 0, runs = 0, events = 0;
  for (auto _ : state) {
    vsim::ExploreResult r =
        vsim::RunExplore(s.setup, {.begin = begin, .end = begin + kPerIteration},
                         /*jobs=*/1);
    begin += kPerIteration;
    runs += r.runs;
    events += r.events;
    benchmark::DoNotOptimize(r.violating_runs);
  }
  state.counters["runs/s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["events/run"] = static_cast<double>(events) / static_cast<double>(runs ? runs : 1);
}
BENCHMARK(BM_Explore_SeedPair)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Explore_Jobs(benchmark::State& state) {
  const SeedPair& s = Seed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const int jobs = static_cast<int>(state.range(0));
  constexpr std::uint64_t kPerIteration = 2048;
  std::uint64_t begin = 0, runs = 0;
  for (auto _ : state) {
    vsim::ExploreResult r =
        vsim::RunExplore(s.setup, {.begin = begin, .end = begin + kPerIteration}, jobs);
    begin += kPerIteration;
    runs += r.runs;
    benchmark::DoNotOptimize(r.violating_runs);
  }
  state.counters["runs/s"] =
      benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Explore_Jobs)
    ->Arg(1)
    ->Arg(2)
    ->ArgNames({"jobs"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The cost a trial pays to start from a snapshot of the seed pair's
// fault-free run (at 5 minutes: about 30 trace events recorded so far)
// instead of from time 0.
void BM_Explore_SnapshotCopy(benchmark::State& state) {
  const SeedPair& s = Seed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  vsim::Scenario clean;
  const vsim::ExploreVariant& v = s.setup.variants.front();
  v.trials->Build({}, v.properties.properties, &clean);
  vsim::RunOptions ro;
  ro.metrics = false;
  vsim::ScenarioRun run(clean, ro);
  run.RunUntil(vrrp::Seconds(300));
  for (auto _ : state) {
    vsim::ScenarioRun copy(run);
    benchmark::DoNotOptimize(&copy);
  }
}
BENCHMARK(BM_Explore_SnapshotCopy)->UseRealTime();

// Peak RSS (KiB, Linux ru_maxrss) and current RSS (KiB, /proc/self/statm).
long PeakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
long CurrentRssKiB() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4;  // 4 KiB pages
}

// Memory over many runs: the first 10,000 schedules warm up (the violation
// groups, which are bounded by the number of signatures, mostly form there;
// allocator arenas reach their size), then the rest of the N schedules run
// and the growth of peak and current RSS is reported. Flat means the search
// keeps nothing per run. (ru_maxrss is the process's peak: run this
// benchmark alone, --benchmark_filter=BM_Explore_Memory, or an earlier
// benchmark's peak hides any growth; current RSS does not have that problem.)
void BM_Explore_Memory(benchmark::State& state) {
  const SeedPair& s = Seed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  const auto total = static_cast<std::uint64_t>(state.range(0));
  constexpr std::uint64_t kWarm = 10000;
  long peak0 = 0, peak1 = 0, cur0 = 0, cur1 = 0;
  std::uint64_t groups = 0;
  for (auto _ : state) {
    vsim::ExploreResult acc = vsim::RunExplore(s.setup, {.begin = 0, .end = kWarm}, 1);
    peak0 = PeakRssKiB();
    cur0 = CurrentRssKiB();
    for (std::uint64_t b = kWarm; b < total; b += 50000) {
      const std::uint64_t e = std::min(total, b + 50000);
      vsim::MergeResults(&acc, vsim::RunExplore(s.setup, {.begin = b, .end = e}, 1));
    }
    peak1 = PeakRssKiB();
    cur1 = CurrentRssKiB();
    groups = acc.groups.size();
  }
  state.counters["schedules"] = static_cast<double>(total);
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["peak_rss_KiB"] = static_cast<double>(peak1);
  state.counters["peak_growth_KiB"] = static_cast<double>(peak1 - peak0);
  state.counters["rss_growth_KiB"] = static_cast<double>(cur1 - cur0);
}
BENCHMARK(BM_Explore_Memory)
    ->Arg(200000)
    ->Arg(1000000)
    ->ArgNames({"schedules"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

// A reload, a crash of the primary (its VIP stays, R46, while node2 takes
// over) and a check failure, in a 10-minute run: shrinks to the crash alone,
// shorter, earlier and round, in a shorter run (tests/sim/explore has the
// same case as a test).
void BM_Explore_Shrink3(benchmark::State& state) {
  const SeedPair& s = Seed();
  if (!s.ok) {
    state.SkipWithError(s.error.c_str());
    return;
  }
  vsim::ShrinkInput in;
  in.base = &s.setup.variants.front().scenario;
  in.duration = vrrp::Seconds(600);
  in.property = s.setup.variants.front().properties.properties.front();  // no_split_brain
  in.run_seed = 1;
  vsim::Fault reload, crash, check;
  reload.kind = vsim::FaultKind::kReload;
  reload.node = 1;
  reload.at = 100'123'000;
  reload.length = 0;
  crash.kind = vsim::FaultKind::kCrash;
  crash.node = 0;
  crash.at = 211'457'000;
  crash.length = 33'333'000;
  check.kind = vsim::FaultKind::kCheck;
  check.node = 0;
  check.name = "chk_app";
  check.at = 300'001'000;
  check.length = 41'000'000;
  in.schedule = {reload, crash, check};
  int runs = 0;
  std::size_t left = 0;
  for (auto _ : state) {
    vsim::ShrinkOutput out = vsim::Shrink(in);
    runs = out.runs;
    left = out.schedule.size();
    benchmark::DoNotOptimize(out.duration);
  }
  state.counters["simulations"] = runs;
  state.counters["faults_left"] = static_cast<double>(left);
}
BENCHMARK(BM_Explore_Shrink3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
