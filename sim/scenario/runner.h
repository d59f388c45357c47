// Running a scenario: builds the Simulation (hosts, network, timeline), runs
// it for the scenario's duration, and evaluates metrics and expectations.
//
//   RunResult r = RunScenario(scenario);                 // the base run
//   for (const auto& e : r.expectations) ... e.passed, e.evidence
//   std::vector<RunResult> all = RunMatrix(scenario);    // one per variant
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"

namespace vsim {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  bool record_packets = false;        // adverts sent/received/dropped, script runs in events
  bool emit_logs = false;             // keepalived log lines in events
  bool metrics = true;                // compute RunResult::metrics (explore leaves them out)
  bool connectivity = false;          // record RunResult::connectivity (also when an
                                      // expectation needs it)
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
