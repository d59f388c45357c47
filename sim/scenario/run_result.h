// What one run of a scenario produced: the contract between the scenario
// runner (sim/scenario), the trace writers (sim/trace), the CLI and the GUI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/diagnostic.h"
#include "sim/observe/split_brain.h"
#include "sim/world/trace_event.h"

namespace vsim {

// One number of the run's metrics, e.g. {"failover_time", "crash-1", 3648437}.
// Durations are microseconds; counts are plain numbers.
struct Metric {
  std::string name;     // failover_time, vip_downtime, split_brain_total, flaps, converge_time...
  std::string subject;  // the operation label, host name or VRID it is about ("" = whole run)
  std::int64_t value = 0;
  bool is_duration = true;
};

struct ExpectationResult {
  std::string description;  // the expectation as the user wrote it, in words
  bool passed = false;
  std::string evidence;  // why it passed or failed, with times
  vrrp::Location where;  // where it is in the scenario file
  // A failure's moment of no return: the run up to here already fails it,
  // whatever happens later (so later operations cannot have caused it).
  // -1: not known (the whole run).
  Time decided_at = -1;
};

struct HostInfo {
  std::string name;
  std::vector<std::string> instances;  // vrrp_instance names, config order
  std::vector<int> vrids;              // same order
};

// Who hears whom among the nodes from `t` on (until the next sample):
// hears[a * n + b] is 1 if node a's frames reach node b (Simulation::Hears).
// Recorded when an expectation needs it (no_split_brain `while: connected`)
// or RunOptions::connectivity asks; only changes are recorded.
struct ConnectivitySample {
  Time t = 0;
  std::vector<std::uint8_t> hears;
};

struct RunResult {
  std::string scenario;  // scenario name
  std::string file;      // scenario file path
  std::string variant;   // matrix variant name, "" for the base run
  // Observed on the wire (`vrrpsim capture`/`watch`), not simulated: hosts
  // are the VRRP sources seen, MASTER means advertising (docs/trace-format.md).
  bool observed = false;
  std::uint64_t seed = 0;
  Time duration = 0;
  std::vector<HostInfo> hosts;
  std::vector<TraceEvent> events;  // time order
  std::vector<SplitBrainInterval> split_brain;
  std::vector<Metric> metrics;
  std::vector<ExpectationResult> expectations;
  std::vector<ConnectivitySample> connectivity;  // empty unless recorded
  std::uint64_t events_processed = 0;

  bool passed() const {
    for (const auto& e : expectations)
      if (!e.passed) return false;
    return true;
  }
};

}  // namespace vsim
