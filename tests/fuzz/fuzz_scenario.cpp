// Fuzz target: the scenario reader (sim/scenario), and for small scenarios
// the whole pipeline behind it: lint, run, trace writing and reading.
//
// `config_file:` paths resolve under the shipped scenarios directory (the
// seed corpus refers to scenarios/seed/configs/...), confined to it.
//
// Invariants: LoadScenarioText never throws or crashes; a refused scenario
// says why; a loaded one respects the kMax* limits; a run of a short one
// (<= 60 simulated seconds, <= 4 nodes, <= 64 operations) finishes, and the trace it writes
// reads back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const std::string base = std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed";
  const vsim::ScenarioLoad load = vsim::LoadScenarioText(yaml, base + "/fuzz.yaml", base);
  if (!load.ok()) {
    VFUZZ_CHECK(!load.diagnostics.empty(), "refused without a message");
    return 0;
  }
  const vsim::Scenario& sc = *load.scenario;
  VFUZZ_CHECK(sc.nodes.size() <= vsim::kMaxNodes, "nodes");
  VFUZZ_CHECK(sc.timeline.size() <= vsim::kMaxOperations, "timeline");
  VFUZZ_CHECK(sc.variants.size() <= vsim::kMaxVariants, "variants");
  VFUZZ_CHECK(sc.duration >= 0 && sc.duration <= vsim::kMaxDuration, "duration");
  (void)vsim::LintScenario(sc);

  if (sc.duration > 60 * vrrp::kSecond || sc.nodes.size() > 4 || sc.timeline.size() > 64 ||
      sc.variants.size() > 2)
    return 0;
  vsim::RunOptions options;
  options.record_packets = (size & 1) != 0;
  const vsim::RunResult run = vsim::RunScenario(sc, options);
  VFUZZ_CHECK(run.duration == sc.duration, "run duration");
  const std::string trace = vsim::TraceJson(run);
  const vsim::TraceRead back = vsim::ReadTraceJson(trace, "run.json");
  VFUZZ_CHECK(back.ok() && back.runs.size() == 1,
              back.diagnostics.empty() ? "" : back.diagnostics[0].ToString());
  return 0;
}
