// `vrrpsim conform SCENARIO --real TRACE [--variant NAME]`: the simulator against real
// keepalived runs recorded by tests/conformance/record (sim/conform).
#pragma once

#include <iosfwd>
#include <string>

namespace vsim {

struct ConformCommandOptions {
  std::string scenario;
  std::string real_path;        // --real: a trace file of one or more real runs
  std::string variant;          // --variant: a matrix variant of the scenario ("" = base)
  std::string tolerance;        // --tolerance, e.g. "100ms" ("" = default)
  std::string format = "text";  // text | json
  bool no_align = false;        // --no-align: nominal times only
  // --timing ideal|measured|FILE: every node's timing profile (FILE: a
  // profile file, as calibrate.sh writes it), replacing the
  // scenario's (docs/scenario-format.md "Timing"). With --no-align and a
  // profile, medians over seeds are compared (ConformMedian).
  std::string timing;
  bool verbose = false;  // -v: every matched item with both times
  // --seeds N: how many seeds an ensemble or median comparison runs (0: the
  // defaults, ConformOptions::ensemble_seeds and median_seeds).
  int seeds = 0;
};

// Exit status: 0 conformant, 1 a divergence, 2 bad input (including a trace
// of another scenario or of another matrix variant than --variant).
int RunConform(const ConformCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim
