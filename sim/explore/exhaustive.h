// Bounded exhaustive exploration (`vrrpsim explore FILE --exhaustive`):
// every fault schedule within a bound, checked against the explore
// properties, with a statement of exactly what was covered (docs/explore.md).
//
// The bound: at most K faults, each from an alphabet of fault types (a kind
// and its target: "crash node1", "block node1->node2"), each opening at an
// instant of a grid inside a window and, for a window kind, closing at a
// later instant of the grid or never. Two schedules differ in a type, an
// instant or a close.
//
// How: a world (the simulation, the property monitors and which faults are
// open) is identified by its state: Simulation::SearchStateKey, the
// monitors' keys and the faults used and open, every time relative to now.
// The future of a world depends only on its state, whatever the instant, so
// the search builds a graph of states: the first time a state is reached,
// one copy of its world per choice (which open faults close, which types
// open) runs one grid step, and each copy's state is an edge. The schedules
// are then counted along the edges, instant by instant, each state reached
// at an instant standing for every schedule that leads there (prefix
// sharing and deduplication at once); after the window only "nothing" is
// chosen until the run's end, where each state's monitors give the
// verdicts. The cluster's states recur at many instants (its steady states
// after a fault, whenever the fault came), so most are simulated once for
// all of them.
//
// The monitors (ExhaustiveMonitor in exhaustive.cpp) decide no_split_brain,
// vip_available and converges as their expectations do on a finished run
// (sim/scenario/expectations.cpp), from state that stays bounded (times
// relative to now, capped at the property's limits), so that worlds merge.
// The smallest violating schedule of each property is run again from time
// 0 as an ordinary trial: a disagreement is reported as an internal error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/explore/explorer.h"

namespace vsim {

// Counts of schedules exceed 64 bits for larger bounds.
using ScheduleCount = unsigned __int128;
std::string CountText(ScheduleCount n);  // decimal

struct ExhaustiveBound {
  int max_faults = 2;
  vrrp::Duration grid = 250 * vrrp::kMillisecond;
  vrrp::Time window_from = 0;
  vrrp::Time window_to =
      60 * vrrp::kSecond;  // the last instant (inclusive) a fault opens or closes
};

// One letter of the alphabet.
struct FaultType {
  FaultKind kind = FaultKind::kCrash;
  int node = -1;     // the node it hits (partition: the node cut off; block: the sender)
  int peer = -1;     // block: the node that stops hearing `node`
  std::string name;  // check: the script; link: the interface
  bool window() const { return kind != FaultKind::kRestart && kind != FaultKind::kReload; }
};

// The kinds the exhaustive search can enumerate: their effect is
// deterministic and they open and close as operations of their own.
bool ExhaustiveKind(FaultKind k);

// Every fault type of `kinds` with a target in `targets`, in a fixed order
// (kind, then node, then name / peer).
std::vector<FaultType> BuildAlphabet(const ExploreTargets& targets,
                                     const std::vector<FaultKind>& kinds);
std::string TypeText(const FaultType& t, const std::vector<std::string>& node_names);

// The order of counterexamples: fewest faults, then the earliest, fault by
// fault (start, kind, node, peer, name, then the shorter).
bool FaultLess(const Fault& a, const Fault& b);
bool ScheduleLess(const FaultSchedule& a, const FaultSchedule& b);

// The number of schedules within the bound: instants = the grid's instants
// in the window, `types` the alphabet.
ScheduleCount CountSchedules(const std::vector<FaultType>& types, int instants, int max_faults);

struct ExhaustiveOptions {
  ExhaustiveBound bound;
  bool dedup = true;             // off: every prefix is its own world (measurements, tests)
  int jobs = 1;                  // threads
  int baseline_samples = 0;      // schedules re-run from time 0 to estimate that cost
  std::vector<FaultKind> kinds;  // the alphabet's kinds
  // Shard `shard` of `shards` (1-based; 0/0: the whole search): the worlds
  // in which the first fault starts are dealt out in turn,
  // each shard explores its own (no merging across shards); the shards'
  // counts add up to the whole search's, and the smallest of their examples
  // is its example (MergeExhaustive).
  int shard = 0, shards = 0;
  // The most worlds held at once (each a copy of the simulation, about
  // 25 KiB for a pair, kept from the instant its state is first reached to
  // the next, when it is expanded): past it the search stops with an error
  // rather than exhaust memory.
  std::uint64_t max_states = 400000;
};

// `n` schedules of the bound drawn uniformly at random (each choice weighted
// by the number of schedules it leads to), deterministic for `seed`.
std::vector<FaultSchedule> SampleSchedules(const ExploreSetup& setup,
                                           const ExhaustiveOptions& options, int n,
                                           std::uint64_t seed);

// Everything that decides an exhaustive search's result (shards must agree).
std::string ExhaustiveIdentity(const ExploreSetup& setup, const ExhaustiveOptions& options);

struct ExhaustiveResult;
// Adds shard `b` to `a`: violating counts and statistics summed, each
// property's smallest example kept. False + error if they are not shards of
// one search.
bool MergeExhaustive(ExhaustiveResult* a, const ExhaustiveResult& b, std::string* error);

struct ExhaustivePropertyResult {
  std::string name;         // "no_split_brain"...
  std::string description;  // the expectation's words
  bool checked = true;      // false: not decidable with bounded state (no_flapping, expect:...)
  std::string why_not;
  ScheduleCount violating = 0;
  bool has_example = false;
  FaultSchedule example;  // the smallest violating schedule (fewest faults, then earliest)
};

struct ExhaustiveVariantResult {
  std::string variant;
  std::vector<FaultType> alphabet;
  ScheduleCount schedules = 0;    // within the bound
  std::uint64_t states = 0;       // distinct states (over all instants)
  std::uint64_t peak_states = 0;  // most states reached at one instant
  std::uint64_t branches = 0;     // grid steps simulated in the window (one per state and choice)
  std::uint64_t after_steps = 0;  // grid steps simulated after the window, to the run's end
  std::uint64_t end_states = 0;   // states reached at the run's end
  std::uint64_t events = 0;       // simulated events (search)
  // Children that were a state already known (each saves the subtree of
  // its prefix), and the size of the prefix tree (every branch without
  // merging).
  std::uint64_t merges = 0;
  ScheduleCount tree_branches = 0;
  std::vector<ExhaustivePropertyResult> properties;
  // The smallest violating schedules, each run from time 0 as a trial
  // (RunTrial): false if that run does not violate the property too.
  bool confirmed = true;
  std::string disagreement;
};

struct ExhaustiveResult {
  ExhaustiveBound bound;
  int instants = 0;
  vrrp::Duration duration = 0;
  std::vector<ExhaustiveVariantResult> variants;
  ScheduleCount covered = 0;  // schedules the search (or shard) decided; all of them unsharded
  int merged_shards = 0;      // > 0: merged from this many shards (statistics are sums)
  // Baseline: sampled schedules re-run from time 0 (wall clock; for the
  // ratio only, never in a result file).
  double search_seconds = 0;  // the searches (wall clock, report only)
  int baseline_runs = 0;
  double baseline_seconds = 0;
  std::uint64_t baseline_events = 0;
};

// REQUIRES: setup prepared with max_faults = bound.max_faults and a run
// length past the window. False + error (a sentence) when the scenario or
// bound cannot be enumerated (random network draws, an unsupported kind, a
// window that does not fit the run).
bool RunExhaustive(const ExploreSetup& setup, const ExhaustiveOptions& options,
                   ExhaustiveResult* result, std::string* error);

// The text report: the bound in words, per variant and property the
// verdict ("holds for all N schedules") or the count and smallest
// counterexample, and what each reduction saved; `timings`: with the search
// time and the estimate for running every schedule from time 0.
std::string ExhaustiveReport(const ExploreSetup& setup, const ExhaustiveResult& result,
                             bool timings);

}  // namespace vsim
