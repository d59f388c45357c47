// Opening what the viewer shows: a trace file (JSON, one run or several) or
// a scenario file (YAML), which is run in-process through the simulator, with
// packets recorded so that the message-sequence view has something to show.
// Widget-free, so that tests and `--render` share it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/run_result.h"
#include "sim/scenario/scenario.h"

namespace vsim::gui {

struct LoadedRuns {
  std::vector<std::shared_ptr<const RunResult>> runs;  // matrix variants, or the base run
  std::shared_ptr<const Scenario> scenario;            // set for scenario files (what-if)
  std::string error;                                   // empty = ok
  std::string note;                                    // e.g. why packets were not recorded
  bool ok() const { return error.empty() && !runs.empty(); }
};

// Chooses by content: a file starting with '{' is a trace, anything else a
// scenario. "FILE#VARIANT" keeps only that run of a matrix. Never throws;
// every failure is a message naming the file.
LoadedRuns LoadRuns(const std::string& path);

// Refuses (false + `*error`) a picture output that is one of the inputs: the
// files given (FILE or FILE#VARIANT) and every file the loaded scenarios read
// (their config_file and include files). The same file, not only the same
// spelling.
bool CheckOutputNotInput(const std::string& output, const std::vector<std::string>& inputs,
                         const std::vector<std::shared_ptr<const Scenario>>& scenarios,
                         std::string* error);

// An upper bound on the packet events a run of `s` would record (adverts x
// receivers); above two million the viewer runs without packet recording.
double PacketEventBound(const Scenario& s);

// The what-if edit of one node (the fields a ConfigOverride carries).
struct WhatIf {
  std::vector<ConfigOverride> overrides;
};

// Re-runs the scenario's base run with `what_if` applied on top of the given
// variant's configuration (nullptr = base). Errors (e.g. an override the
// configuration rejects) come back in `error`.
LoadedRuns RunWhatIf(const Scenario& scenario, const Variant* variant, const WhatIf& what_if);

}  // namespace vsim::gui
