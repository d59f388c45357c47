// Conformance: does vrrpsim predict what real keepalived 2.2.7 did?
//
// A real run of a scenario is recorded by tests/conformance/record (network
// namespaces, the real daemon) as a trace in vrrpsim's own format. Conform()
// compares the simulator with one or more such runs:
//
//   * Per host, the sequence of state transitions (instance, new state) must
//     be identical, and so must the sequences of VIP additions/removals (one
//     for IPv4 VIPs, one for IPv6: Linux announces an IPv6 address some µs
//     to ms after an IPv4 one added after it, so their relative order in an
//     instant cannot be observed).
//   * Every matched time must be within the tolerance: the larger of
//     `options.tolerance` (default 100 ms) and the real spread of that item
//     over the recorded repetitions (max - min of its real time).
//   * Split-brain intervals likewise (count, VRID, kind, hosts, start/end);
//     intervals shorter than the tolerance are below what can be measured
//     (a real hand-over overlaps for a few ms) and are left out on both sides;
//     an interval counts as "two MASTERs" only if such a stretch lasts at
//     least the tolerance.
//
// A scenario with timing noise (`wakeup_jitter`) has no single outcome: who
// wins a race between two timers of the same period depends on the noise, in
// the simulator as in reality. Each real run is then compared with an
// ensemble of simulated seeds: the items all seeds agree on one by one, the
// rest by count and final state (ConformOptions::ensemble_seeds).
//
// Inputs are aligned (`align_inputs`, default on): for each real run the
// simulator is run again with every operation at the time it was really
// applied, each keepalived start at the moment that daemon finished starting
// (its first notification), and each pause as long as it really was. The
// simulator is deterministic in its inputs; this gives it the real inputs, so
// what remains is the daemon's behaviour. The deviation from the nominal run
// (the scenario's own times) is reported too.
//
//   auto report = Conform(scenario, ReadTraceJson(text, path).runs);
//   std::cout << FormatConformText(report);
//   if (!report.passed) ... report.first()->what, report.first()->rules
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"

namespace vsim {

struct ConformOptions {
  Duration tolerance = 100 * vrrp::kMillisecond;  // the floor of every item's tolerance
  bool align_inputs = true;
  // A scenario with wakeup_jitter is seed-dependent by design: each real run
  // is compared with this many simulated seeds (see Conform). 0: compare
  // with the scenario's own seed like any other scenario.
  int ensemble_seeds = 32;
  // A timing profile's nominal prediction (ConformMedian): the medians over
  // this many seeds. (32 left a median start-up 11 ms off the profile's own
  // p50 by sampling alone: the seeds are the same for every scenario.)
  int median_seeds = 128;
};

struct Divergence {
  int run = 0;                     // index of the real run (0-based)
  std::string what;                // names host, instance, item, both times
  std::vector<std::string> rules;  // semantics-doc rule IDs involved, e.g. {"R8", "R15"}
};

struct ConformRun {
  bool passed = true;
  std::size_t compared = 0;            // matched items (transitions, VIP events, intervals)
  Duration max_deviation = 0;          // |real - simulated|, inputs aligned
  Duration max_nominal_deviation = 0;  // |real - simulated| against the nominal run
  bool nominal_sequence_equal = true;  // the nominal run has the same sequences
  std::vector<Divergence> divergences;
  std::vector<std::string> notes;
  std::vector<std::string> matched;  // every matched item with both times (verbose output)
};

struct ConformReport {
  std::string scenario;
  bool passed = true;
  Duration tolerance = 0;      // the floor used
  Duration real_spread = 0;    // largest spread of one item over the real runs
  Duration max_deviation = 0;  // over all runs
  Duration max_nominal_deviation = 0;
  std::vector<ConformRun> runs;

  const Divergence* first() const;
};

// One scheduled operation of a scenario, in the order the runner applies them
// (explicit timeline operations before implicit node starts at equal times).
struct ScheduledOp {
  Time at = 0;
  bool implicit_start = false;  // a node's `start:` (index = node)
  std::size_t index = 0;        // timeline index, or node index
};
std::vector<ScheduledOp> ScenarioSchedule(const Scenario& scenario);

// The scenario with the real run's input times (see above). Notes say what
// could not be aligned. Once aligned, its timing profiles have no start-up
// (startup, startup_gap) and no operation_delay: the aligned starts and
// operations are the real ones. Its other delays stay (stop_delay: the daemon's
// reaction to the real SIGTERM).
Scenario AlignScenario(const Scenario& scenario, const RunResult& real,
                       std::vector<std::string>* notes);

ConformReport Conform(const Scenario& scenario, const std::vector<RunResult>& real,
                      const ConformOptions& options = {});

// Whether some node has a timing profile (`timing:`, sim/world/timing_profile.h).
bool HasTimingProfile(const Scenario& scenario);

// Nominal prediction under a timing profile (issue 21, `vrrpsim conform
// --no-align` with `timing: measured`): the scenario's own input times, run
// with `options.ensemble_seeds` seeds. Per host, the sequence of transitions
// and of VIP changes must be the real runs' in most seeds; each item's
// median over those seeds must lie within max(options.tolerance, the item's
// real spread) of its median over the real runs. One ConformRun holds the
// result (max_deviation = the largest |simulated median - real median|).
ConformReport ConformMedian(const Scenario& scenario, const std::vector<RunResult>& real,
                            const ConformOptions& options);

// The comparison alone: `simulated[i]` is compared with `real[i]`; `nominal`
// is the scenario's own run (for the nominal deviation).
ConformReport CompareRuns(const RunResult& nominal, const std::vector<RunResult>& simulated,
                          const std::vector<RunResult>& real, const ConformOptions& options);

std::string FormatConformText(const ConformReport& report, bool verbose = false);
std::string FormatConformJson(const ConformReport& report);

}  // namespace vsim
