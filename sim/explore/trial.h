// One explore run as a scenario: the variant's cluster, its own timeline as a
// fixed prefix (unless --no-prefix), the schedule's faults as labelled
// operations (`fault1`, `fault1-end`, ...), and the properties as its
// expectations. Because a trial is an ordinary Scenario, it runs with the
// scenario runner and a finding is written with the scenario writer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/explore/properties.h"
#include "sim/explore/schedule.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace vsim {

class TrialBuilder {
 public:
  // `base`: the variant's scenario (VariantScenario, or the scenario itself
  // without a matrix). `duration`: the run length of the search.
  TrialBuilder(const Scenario& base, bool prefix, vrrp::Duration duration);

  // Fills `out` (reused between calls, so nodes and configurations are not
  // copied per run) with the trial of `schedule` checking `properties`.
  // `converges` is left out when a window that keeps the cluster apart stays
  // open to the end (a partition, block, loss or jitter burst, pause or
  // foreign speaker that never goes): nothing can settle. `included` (may be
  // null) receives the indices of the properties that became expectations,
  // in order.
  void Build(const FaultSchedule& schedule, const std::vector<ExploreProperty>& properties,
             Scenario* out, std::vector<int>* included = nullptr) const;
  static bool KeepsApartForever(const FaultSchedule& schedule);

  const Scenario& base() const { return base_; }
  // Label of fault i's opening / closing operation.
  std::string OpenLabel(std::size_t i) const;
  std::string CloseLabel(std::size_t i) const;
  // Whether a trial's operation is one of its faults' (not the prefix's).
  bool IsFaultOp(const ScenarioOp& op) const { return op.label.rfind(label_prefix_, 0) == 0; }
  // The moment the schedule's last fault window closed (or opened, for one
  // left open; a restart's new daemon starts a second later).
  static vrrp::Time SettleTime(const FaultSchedule& schedule);
  // When one fault is over: its window's end, a restart's new daemon (a
  // second later), or its opening for a window left open.
  static vrrp::Time OverAt(const Fault& f);
  // The operations that open fault `k` of a schedule (closing: that close
  // it), exactly as Build adds them (a window's close carries the `length`
  // of `f`; `f` must have one). Not for a foreign speaker (it adds a node).
  std::vector<ScenarioOp> FaultOpsOf(const Fault& f, std::size_t k, bool closing) const;

 private:
  void AddOps(const FaultSchedule& schedule, Scenario* out) const;
  // Appends fault k's operations as (0 closing / 1 opening, op), in a
  // trial with `nodes` nodes so far; a foreign speaker's node joins `out`
  // (null: no foreign speaker).
  void FaultOps(const Fault& f, std::size_t k, int nodes, Scenario* out,
                std::vector<std::pair<int, ScenarioOp>>* ops) const;

  Scenario base_;  // the prefix kept or not, duration set
  // Each node's configuration, shared by the reload faults of every trial.
  std::vector<std::shared_ptr<const vrrp::Config>> node_configs_;
  std::string label_prefix_ = "fault";
};

// The fault-free prefix every trial of a variant shares: the variant's run
// without faults (its own timeline kept), snapshotted at regular instants.
// A trial starts from a copy of the latest snapshot before its first fault
// instead of from time 0, and gives exactly the result of running it from
// the start (ScenarioRun; tests/sim/explore/trial_test.cpp compares them).
// Where that cannot be shown (a random stream drawn before the fault, a
// foreign speaker's extra node, an operation at the same instant as a
// pending one) the trial runs from time 0. Immutable once built: threads
// share it.
class PrefixSnapshots {
 public:
  // REQUIRES: `trials` outlives this object.
  PrefixSnapshots(const TrialBuilder& trials, const std::vector<ExploreProperty>& properties,
                  const RunOptions& options);

  // The result of `RunScenario(trial, options)` with seed `seed`, where
  // `trial` was built by the TrialBuilder. `resumed` (may be null) says whether a snapshot was
  // used.
  RunResult Run(const Scenario& trial, std::uint64_t seed, bool* resumed = nullptr) const;

  std::size_t size() const { return snapshots_.size(); }

 private:
  const TrialBuilder& trials_;
  RunOptions options_;
  // (instant, the run with every event up to and including it processed)
  std::vector<std::pair<vrrp::Time, std::unique_ptr<const ScenarioRun>>> snapshots_;
};

}  // namespace vsim
