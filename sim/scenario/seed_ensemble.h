// One scenario over many seeds (`vrrpsim run --seeds N`, issue 21): under a
// timing profile (`timing: measured`) every run draws its own start-up,
// script and timer delays, so a failover takes a different time per seed.
// This states the run's metrics as their distribution over the seeds
// (p50/p95/max) and each expectation as how many seeds pass it, so a review
// can quote a real-world range rather than one number.
//
//   SeedEnsemble e = RunSeedEnsemble(scenario, nullptr, 1, 100);
//   WriteSeedEnsembleText(e, std::cout);
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace vsim {

inline constexpr int kMaxSeeds = 1'000'000;

// One metric (name, subject) over the seeds whose run has it.
struct SeedMetric {
  std::string name, subject;
  bool is_duration = true;
  int runs = 0;                                     // seeds whose run has this metric
  std::int64_t min = 0, p50 = 0, p95 = 0, max = 0;  // nearest rank
};

struct SeedExpectation {
  std::string description;
  vrrp::Location where;
  int passed = 0;                   // seeds that pass it
  std::uint64_t first_failing = 0;  // the lowest failing seed (if any failed)
  std::string first_evidence;       // that seed's evidence (or seed 1's if all pass)
};

struct SeedEnsemble {
  std::string scenario, file, variant;
  std::string timing;  // "ideal", "measured", "profile" (mixed or custom)
  std::uint64_t first_seed = 1;
  int seeds = 0;
  std::vector<SeedMetric> metrics;  // in the order of first appearance
  std::vector<SeedExpectation> expectations;
  bool passed() const {
    for (const auto& e : expectations)
      if (e.passed != seeds) return false;
    return true;
  }
};

// The value at quantile p (percent, 0..100) of `sorted` by nearest rank:
// the smallest value with at least p % of the values at or below it.
// REQUIRES: sorted non-empty and ascending.
std::int64_t NearestRank(const std::vector<std::int64_t>& sorted, int p);

// Runs seeds first_seed .. first_seed + seeds - 1 of the variant (nullptr:
// the base run) on `threads` threads; the result is the same for any number
// of threads. `options.seed` is ignored.
SeedEnsemble RunSeedEnsemble(const Scenario& scenario, const Variant* variant,
                             std::uint64_t first_seed, int seeds, RunOptions options = {},
                             int threads = 1);

void WriteSeedEnsembleText(const SeedEnsemble& e, std::ostream& out);
// One JSON object (no trailing newline).
void WriteSeedEnsembleJson(const SeedEnsemble& e, std::ostream& out);

}  // namespace vsim
