// Determinism: every shipped scenario, under several seeds, run twice, gives
// the same trace hash (docs/robustness.md). The hashes of the first runs are
// written to <build>/tests/trace_hashes.txt; scripts/test.sh compares the
// g++ and clang files, so both compilers must produce the same traces.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

constexpr std::uint64_t kSeeds[] = {1, 2, 7, 1000, 0xfeedfacecafebeefULL};

std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> out;
  const std::filesystem::path root = std::filesystem::path(VRRPSIM_SOURCE_DIR) / "scenarios";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

TEST(Determinism, EveryShippedScenarioEverySeedTwiceSameTraceHash) {
  const std::vector<std::string> files = ShippedScenarios();
  ASSERT_GE(files.size(), 20u);
  std::string lines;
  int runs = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok());
    const std::string rel =
        std::filesystem::relative(file, std::filesystem::path(VRRPSIM_SOURCE_DIR)).string();
    for (std::uint64_t seed : kSeeds) {
      RunOptions options;
      options.seed = seed;
      options.record_packets = true;
      const std::vector<RunResult> first = RunMatrix(*load.scenario, options);
      const std::vector<RunResult> second = RunMatrix(*load.scenario, options);
      ASSERT_EQ(first.size(), second.size());
      for (std::size_t v = 0; v < first.size(); ++v) {
        const std::uint64_t a = TraceHash(first[v]);
        EXPECT_EQ(a, TraceHash(second[v])) << "seed " << seed << " variant " << first[v].variant;
        lines += rel + " seed=" + std::to_string(seed) + " variant=" + first[v].variant + " " +
                 Hex(a) + "\n";
        ++runs;
      }
    }
  }
  EXPECT_GE(runs, 100);
  // For scripts/test.sh: the g++ and clang trees must write identical files.
  const std::filesystem::path out = robustness::BuildDir() / "tests" / "trace_hashes.txt";
  std::ofstream(out, std::ios::binary) << lines;
}

}  // namespace
}  // namespace vsim
