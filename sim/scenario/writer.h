// Writing a Scenario back out as scenario YAML (docs/scenario-format.md), so
// that an in-memory scenario (e.g. a fault schedule `vrrpsim explore` found)
// becomes a file CI can run:
//
//   std::string yaml, error;
//   if (!WriteScenarioYaml(scenario, {.header_comment = "found by vrrpsim explore"}, &yaml,
//                          &error))
//     std::cerr << error << "\n";
//
// LoadScenarioText(yaml, path, scenario.base_dir) gives back an equivalent
// scenario: the same runs, trace for trace, and the same expectation results.
// The output is canonical (same Scenario, same bytes):
//
// * every node with an explicit `interfaces:` list and its configuration
//   INLINE (`config: |`), from ScenarioNode::config_text, verbatim (reload
//   operations likewise from ScenarioOp::config_text);
// * the timeline with resolved absolute times (`12.345678s`), one entry per
//   operation (repeats expanded; copies keep their `down.2` ids);
// * times in expectations as written when they refer to an operation id
//   (`crash-1 + 5s`), otherwise absolute;
// * the matrix in its explicit form (`variants:` with `set:` overrides and
//   variant-only `expect:`); a product-form matrix (`vary:`), whose variant
//   names such as `nopreempt=on` are not valid explicit names, is written
//   back as the `vary:` it came from;
// * the `explore:` section when ExploreSpec::present (clear it to leave the
//   section out, e.g. for a finding that is to run as a fixed scenario), with
//   every key explicit except the durations left to their derived defaults.
//
// Not written: Scenario::file / base_dir (where it is read from), source
// locations, defaults (a node's `start: 0s`, zero link parameters).
//
// Nothing is executed and no file is read: configurations come from the
// Scenario's text fields only.
#pragma once

#include <string>

#include "sim/scenario/scenario.h"

namespace vsim {

struct WriteScenarioOptions {
  // Written as '# ' comment lines at the top (may be several lines); "" = none.
  std::string header_comment;
};

// Writes `scenario` to `*out` (replacing its contents). Returns false with a
// message in `*error` (and `*out` left empty) when the scenario cannot be
// written so that it loads back the same: a node or reload without its
// configuration text, a node index out of range, a negative absolute time,
// a matrix that fits neither the explicit nor the product form, ...
// REQUIRES: out != nullptr, error != nullptr.
bool WriteScenarioYaml(const Scenario& scenario, const WriteScenarioOptions& options,
                       std::string* out, std::string* error);

}  // namespace vsim
