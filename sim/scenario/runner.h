// Running a scenario: builds the Simulation (hosts, network, timeline), runs
// it for the scenario's duration, and evaluates metrics and expectations.
//
//   RunResult r = RunScenario(scenario);                 // the base run
//   for (const auto& e : r.expectations) ... e.passed, e.evidence
//   std::vector<RunResult> all = RunMatrix(scenario);    // one per variant
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/time.h"
#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"
#include "sim/world/trace_event.h"

namespace vsim {

using vrrp::Time;
class Simulation;
class TraceSink;

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  bool record_packets = false;        // adverts sent/received/dropped, script runs in events
  bool emit_logs = false;             // keepalived log lines in events
  bool metrics = true;                // compute RunResult::metrics (explore leaves them out)
  bool connectivity = false;          // record RunResult::connectivity (also when an
                                      // expectation needs it)
  // Once the run has no input left and its state repeats exactly (a steady
  // state: the same daemon states, timers and packets in flight, relative
  // to now, with nothing recorded in between), skip the repeats to the end:
  // nothing can happen in them. The result is the same, events_processed
  // included (it counts the skipped repeats). Off: simulate every event
  // (the tests compare both).
  bool fast_forward = true;
  // Keep the trace events in RunResult::events (the timeline, metrics and
  // expectations need them). Off: they only reach the run's sinks
  // (exhaustive exploration observes a run with monitors of its own).
  bool record_events = true;
  // Which of them RunResult::events keeps: bit (1 << TraceKind). The
  // others still reach every sink (and count for the steady-state skip).
  // `vrrpsim run` streams every event to its outputs and keeps only
  // kStateEventKinds, which is all that metrics, expectations, the split-
  // brain detector and the end of the reports read: memory then grows with
  // state changes, not with adverts, drops, scripts or logs.
  std::uint32_t keep_kinds = ~std::uint32_t{0};
};

constexpr std::uint32_t TraceKindBit(TraceKind k) {
  return std::uint32_t{1} << static_cast<int>(k);
}
inline constexpr std::uint32_t kStateEventKinds =
    TraceKindBit(TraceKind::kOperation) | TraceKindBit(TraceKind::kTransition) |
    TraceKindBit(TraceKind::kGroupTransition) | TraceKindBit(TraceKind::kPriority) |
    TraceKindBit(TraceKind::kVipAdded) | TraceKindBit(TraceKind::kVipRemoved) |
    TraceKindBit(TraceKind::kGarp) | TraceKindBit(TraceKind::kClientView);

// A run in progress: a scenario's world, its observers and what they have
// seen so far. A copy is a snapshot that goes on independently, exactly as
// the original would (same events, same trace): exploration runs a scenario
// once up to some instant and starts many runs from copies of it instead of
// from time 0.
//
//   ScenarioRun base(trial_without_faults, options);
//   base.RunUntil(t);                    // REQUIRES: t before the first fault
//   ScenarioRun run(base);               // the snapshot
//   if (run.Reseed(seed) && run.AddOperations(trial, fault_ops))
//     RunResult r = run.Finish(trial);   // == RunScenario(trial, seed)
class ScenarioRun {
 public:
  // The world of `sc` with its timeline and node starts scheduled.
  ScenarioRun(const Scenario& sc, const RunOptions& options);
  ScenarioRun(const ScenarioRun& o);
  ScenarioRun& operator=(const ScenarioRun&) = delete;
  ~ScenarioRun();

  // Processes every event up to and including `until`.
  // REQUIRES: until >= now().
  void RunUntil(Time until);
  Time now() const;

  // Makes this the run seeded with `seed` (see Simulation::Reseed): false if
  // the run so far already depends on its seed.
  bool Reseed(std::uint64_t seed);
  // Whether Reseed would succeed.
  bool Reseedable() const;

  // Schedules the operations `ops` (indices into sc.timeline) as if they
  // had been part of the scenario from the start: `sc` is the scenario this
  // run was built from with those operations added (REQUIRES; the others
  // in the same relative order). False (nothing scheduled) when the result
  // could differ from running `sc` from time 0: an operation not after
  // now(); one followed in sc.timeline by another of the run's own at the
  // same instant (their order would change); different nodes; or `sc`
  // needs connectivity samples this run does not take.
  bool AddOperations(const Scenario& sc, const std::vector<std::size_t>& ops);

  // Schedules `ops` (in this order at equal instants) as timeline
  // operations after every one the run has, without a scenario to name
  // them in (exhaustive exploration adds a schedule's faults as it goes;
  // it checks properties with monitors of its own). False (nothing
  // scheduled) if one is not after now() or the run computes metrics.
  bool AddTimelineOps(const std::vector<ScenarioOp>& ops);

  // Runs to `end` as Finish does (skipping the repeats of a steady state
  // when options.fast_forward), without evaluating anything.
  // REQUIRES: end >= now().
  void RunToEnd(Time end);

  // Adds an observer of the run's trace events after its own. A copy of
  // the run does not carry it: the copier attaches its own.
  void AddSink(TraceSink* sink);
  const Simulation& simulation() const;
  // The result so far: scenario, file, seed, duration and hosts are set from
  // the start (a streaming writer's header), events as kept.
  const RunResult& partial() const;

  // Runs to the end of `sc` (its duration) and evaluates its metrics and
  // expectations. The run is over afterwards.
  RunResult Finish(const Scenario& sc);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The base run (no matrix overrides); expectations evaluated, except those
// restricted to named variants.
RunResult RunScenario(const Scenario& scenario, const RunOptions& options = {});

// One run per matrix variant (RunResult::variant set); the base run alone if
// the scenario has no matrix.
std::vector<RunResult> RunMatrix(const Scenario& scenario, const RunOptions& options = {});

// The variant's run (nullptr = base run). Exposed for the CLI and tests.
RunResult RunVariant(const Scenario& scenario, const Variant* variant,
                     const RunOptions& options = {});

}  // namespace vsim
