// `vrrpsim explore`: runs many random fault schedules against a scenario's
// cluster (every matrix variant), checks the properties in each run, groups
// the violations by signature and shrinks one example of each group to a
// minimal scenario (docs/explore.md).
//
//   ExploreSetup setup;
//   std::string error;
//   if (!PrepareExplore(scenario, options, &setup, &error)) ...;   // bad input
//   ExploreResult r = RunExplore(setup, {.begin = 0, .end = 10000}, /*jobs=*/2);
//   std::vector<FindingClass> classes = ClassifyFindings(r);
//
// Determinism: schedule i and its simulation seed depend only on (seed, i);
// workers take indices in chunks and their tallies are merged by index, and
// every group's example is the one with the lowest index, so the result is
// the same for any number of threads and, merged, for any sharding.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/explore/properties.h"
#include "sim/explore/schedule.h"
#include "sim/explore/trial.h"
#include "sim/scenario/scenario.h"

namespace vsim {

// What the command line can change over the scenario's `explore:` section.
struct ExploreOptions {
  std::optional<std::uint64_t> seed;       // default: the scenario's seed
  std::optional<vrrp::Duration> duration;  // run length
  std::optional<int> max_faults;
  std::vector<std::string> only_faults;      // restrict the alphabet ("" = as configured)
  std::vector<std::string> only_properties;  // restrict the properties (kPropertyNames)
  bool no_prefix = false;
  std::string variant;                  // "" = every variant
  std::optional<vrrp::Duration> quiet;  // the end quiet period
  std::optional<vrrp::Duration> min_gap;
  std::optional<vrrp::Duration> window_from, window_to;
  std::vector<std::pair<std::string, int>> weights;  // kind -> weight (0..1000)
};

struct ExploreVariant {
  std::string name;        // "" without a matrix
  const Variant* variant;  // nullptr: the scenario as written
  Scenario scenario;       // VariantScenario (or the scenario), expectations kept
  std::unique_ptr<TrialBuilder> trials;
  std::unique_ptr<PrefixSnapshots> snapshots;  // of `trials`' fault-free run
  PropertySet properties;
  std::vector<std::string> roles;  // per node: primary, backup, backup2...
};

struct ExploreSetup {
  const Scenario* source = nullptr;  // the scenario as loaded
  std::uint64_t seed = 1;
  bool prefix = true;
  ScheduleLimits limits;
  ExploreTargets targets;
  std::vector<ExploreVariant> variants;
  std::vector<std::string> property_names;  // union over variants, in order
  // Everything that makes two searches the same search (shards must agree).
  std::string identity;
};

// Resolves the scenario's explore section with the options; false + error
// (a sentence) on bad input.
bool PrepareExplore(const Scenario& scenario, const ExploreOptions& options, ExploreSetup* setup,
                    std::string* error);

// One violating run's signature: property, variant, fault kinds in order
// with the roles of the nodes they hit, e.g.
// "no_split_brain [master-backup] crash(primary) check(backup)". Only the
// faults that started before the violation was decided (causality: a later
// fault cannot have caused it) count, and a group's example is cut to them.
std::string Signature(const ExploreVariant& v, const std::string& property,
                      const FaultSchedule& schedule);

// A group of violating runs with one signature.
struct ViolationGroup {
  std::string signature;
  std::string property;
  std::string variant;
  std::uint64_t count = 0;
  std::uint64_t first_index = 0;  // the lowest schedule index with this signature
  FaultSchedule schedule;         // that run's schedule
  // Filled by ShrinkGroups:
  bool shrunk = false;
  FaultSchedule minimal;
  vrrp::Duration minimal_duration = 0;
  std::vector<std::string> removed_nodes;
  std::string minimal_signature;
  std::vector<std::string> minimal_text;  // each minimal fault in words (DescribeFault)
  std::string evidence;                   // why the minimal scenario fails
  std::string scenario_yaml;              // the minimal scenario, runnable
  int shrink_runs = 0;
};

struct ExploreResult {
  std::uint64_t schedules = 0;       // schedule indices run
  std::uint64_t runs = 0;            // simulations (schedules x variants)
  std::uint64_t violating_runs = 0;  // runs with at least one property violated
  std::uint64_t events = 0;          // simulated events
  // Coverage: faults drawn, by "kind target-role" ("crash primary").
  std::map<std::string, std::uint64_t> coverage;
  std::map<std::string, ViolationGroup> groups;  // by signature
};

struct ExploreRange {
  std::uint64_t begin = 0, end = 0;  // schedule indices [begin, end)
  std::uint64_t stride = 1;          // only indices with (i - begin) % stride == 0
};

// Progress for the terminal line: schedules done so far, violating runs.
using ExploreProgress = std::function<void(std::uint64_t done, std::uint64_t violating)>;

// Runs the schedules of `range` on `jobs` threads. `stop` (may be null) ends
// the search early (a time budget); the result then covers a prefix of the
// range in index order, so it is still deterministic for what it covers.
ExploreResult RunExplore(const ExploreSetup& setup, const ExploreRange& range, int jobs,
                         const std::atomic<bool>* stop = nullptr,
                         const ExploreProgress& progress = nullptr);

// Adds `b` to `a` (counts summed; each group keeps its lowest-index example).
void MergeResults(ExploreResult* a, ExploreResult b);

// Shrinks every group's example (on `jobs` threads) and writes its minimal
// scenario.
void ShrinkGroups(const ExploreSetup& setup, ExploreResult* result, int jobs);

// Runs one trial: the properties violated (names) and their evidence.
struct TrialOutcome {
  std::vector<std::string> violated;
  std::vector<std::string> evidence;
  std::vector<vrrp::Time> decided_at;  // per violated property; -1: not known
  std::uint64_t events = 0;
};
TrialOutcome RunTrial(const ExploreSetup& setup, const ExploreVariant& v,
                      const FaultSchedule& schedule, std::uint64_t index, Scenario* scratch);

// Finding classes: groups whose minimal examples have the same signature,
// merged (counts summed, the smallest example kept), most frequent first.
struct FindingClass {
  std::string signature;  // of the minimal example
  std::string property;
  std::string variant;
  std::uint64_t count = 0;
  std::vector<std::string> raw_signatures;
  const ViolationGroup* example = nullptr;
};
std::vector<FindingClass> ClassifyFindings(const ExploreResult& result);

}  // namespace vsim
