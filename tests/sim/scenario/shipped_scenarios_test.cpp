#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> out;
  const std::filesystem::path root = std::filesystem::path(VRRPSIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

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
