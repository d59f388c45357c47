// The simulator against real keepalived 2.2.7: every shipped scenario that
// can be mapped onto real daemons has golden real traces (recorded several
// times each by tests/conformance/record/record.sh) under
// tests/conformance/golden/, and must conform to them. No root needed.
//
// A scenario the recorder cannot map is listed in kUnsupported with the
// reason; a known divergence (an engine difference documented in
// docs/conformance.md, "Scenario conformance") in kKnownDivergence - its test
// then checks that the divergence is still there, so that a fix shows up.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>

#include "sim/conform/conform.h"
#include "sim/trace/json_trace.h"

namespace vsim {
namespace {

const std::string kSrc = VRRPSIM_SOURCE_DIR;

// Scenario (relative to the source tree) -> why it cannot be recorded.
const std::map<std::string, std::string> kUnsupported = {
    {"scenarios/edges/equal-priorities.yaml",
     "500 us link latency: needs netem, which this kernel does not have; and the scenario's "
     "simultaneous start (within 1 ms) is far below the real start jitter (tens of ms)"},
};

// Scenario -> the divergence that is documented (and expected to persist).
// Empty since edges/vrid-collision got its timing noise (wakeup_jitter) and
// is compared as an ensemble of seeds (docs/conformance.md).
const std::map<std::string, std::string> kKnownDivergence = {};

// scenarios/seed/master-backup.yaml -> tests/conformance/golden/seed-master-backup.json
std::string GoldenOf(const std::string& scenario) {
  const std::filesystem::path p(scenario);
  return "tests/conformance/golden/" + p.parent_path().filename().string() + "-" +
         p.stem().string() + ".json";
}

std::vector<std::string> ShippedScenarios() {
  std::vector<std::string> out;
  for (const char* dir : {"scenarios/seed", "scenarios/edges"})
    for (const auto& e : std::filesystem::directory_iterator(kSrc + "/" + dir))
      if (e.path().extension() == ".yaml")
        out.push_back(std::string(dir) + "/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Golden, EveryShippedScenarioIsRecordedOrListedAsUnsupported) {
  for (const auto& sc : ShippedScenarios()) {
    const bool golden = std::filesystem::exists(kSrc + "/" + GoldenOf(sc));
    const bool unsupported = kUnsupported.count(sc) > 0;
    EXPECT_TRUE(golden != unsupported)
        << sc << ": "
        << (golden ? "has a golden trace but is listed as unsupported"
                   : "has no golden trace (record it with "
                     "tests/conformance/record/record.sh --runs 3, or list it "
                     "in kUnsupported with the reason)");
  }
}

class GoldenScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenScenario, ConformsToRealKeepalived) {
  const std::string sc_path = GetParam();
  const std::string golden = GoldenOf(sc_path);
  ScenarioLoad load = LoadScenarioFile(kSrc + "/" + sc_path);
  ASSERT_TRUE(load.ok()) << sc_path;
  std::ifstream in(kSrc + "/" + golden, std::ios::binary);
  ASSERT_TRUE(in) << golden;
  std::ostringstream text;
  text << in.rdbuf();
  TraceRead read = ReadTraceJson(text.str(), golden);
  ASSERT_TRUE(read.ok()) << golden;
  ASSERT_GE(read.runs.size(), 3u) << golden << ": record at least three runs (the real spread)";
  for (const auto& r : read.runs) EXPECT_EQ(r.scenario, load.scenario->name);
  const ConformReport rep = Conform(*load.scenario, read.runs);
  auto known = kKnownDivergence.find(sc_path);
  if (known == kKnownDivergence.end()) {
    EXPECT_TRUE(rep.passed) << FormatConformText(rep);
  } else {
    EXPECT_FALSE(rep.passed) << sc_path << " is listed as a known divergence (" << known->second
                             << ") but now conforms: remove it from kKnownDivergence and "
                                "docs/conformance.md\n"
                             << FormatConformText(rep);
  }
}

std::vector<std::string> Recorded() {
  std::vector<std::string> out;
  for (const auto& sc : ShippedScenarios())
    if (std::filesystem::exists(kSrc + "/" + GoldenOf(sc))) out.push_back(sc);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenScenario, ::testing::ValuesIn(Recorded()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(info.param.find('/') + 1);
                           n = n.substr(0, n.size() - 5);
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenScenario);

}  // namespace
}  // namespace vsim
