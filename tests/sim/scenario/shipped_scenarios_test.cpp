#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "tests/sim/scenario/shipped.h"

namespace vsim {
namespace {

using testing::ShippedScenarios;

TEST(ShippedScenarios, EveryScenarioLoadsAndPasses) {
  const auto files = ShippedScenarios();
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    ScenarioLoad load = LoadScenarioFile(file);
    for (const auto& d : load.diagnostics)
      if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
    ASSERT_TRUE(load.ok());
    // A scenario without expectations (e.g. one meant for `vrrpsim compare`)
    // passes as long as it loads and runs.
    for (const RunResult& r : RunMatrix(*load.scenario)) {
      for (const auto& e : r.expectations)
        EXPECT_TRUE(e.passed) << file << ":" << e.where.line << " [" << r.variant << "] "
                              << e.description << ": " << e.evidence;
    }
  }
}

}  // namespace
}  // namespace vsim
