// Golden transcripts (SimGrid .tesh style): for every shipped scenario, the
// text report of every run (base or matrix variants) - timeline with
// simulated timestamps, split brain, metrics, expectations - must equal the
// committed transcript in tests/golden/transcripts/. Any behaviour change of
// the engine or the simulator shows up here as a reviewed diff.
//
// To accept a change: VRRPSIM_UPDATE_GOLDEN=1 build/.../golden_tests, then
// review `git diff tests/golden/transcripts`.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/text_report.h"

namespace vsim {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = VRRPSIM_SOURCE_DIR;

std::vector<std::string> Scenarios() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(kSource / "scenarios"))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      out.push_back(fs::relative(e.path(), kSource / "scenarios").string());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path TranscriptPath(const std::string& scenario) {
  fs::path p = kSource / "tests/golden/transcripts" / scenario;
  p.replace_extension(".txt");
  return p;
}

std::string Transcript(const std::string& scenario) {
  // Relative path in the report so the transcript does not depend on where
  // the tree is checked out.
  const std::string path = "scenarios/" + scenario;
  const fs::path cwd = fs::current_path();
  fs::current_path(kSource);
  ScenarioLoad load = LoadScenarioFile(path);
  fs::current_path(cwd);
  std::ostringstream os;
  for (const auto& d : load.diagnostics) os << d.ToString() << "\n";
  if (!load.ok()) return os.str();
  for (const RunResult& r : RunMatrix(*load.scenario)) {
    WriteTextReport(r, {}, os);
    os << "\n";
  }
  return os.str();
}

class GoldenTranscript : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTranscript, MatchesCommittedTranscript) {
  const std::string actual = Transcript(GetParam());
  const fs::path golden = TranscriptPath(GetParam());
  if (std::getenv("VRRPSIM_UPDATE_GOLDEN")) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << golden;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in) << "no transcript " << golden
                  << " (new scenario? run with VRRPSIM_UPDATE_GOLDEN=1 and review it)";
  std::stringstream expected;
  expected << in.rdbuf();
  if (expected.str() == actual) return;
  // Name the first differing line, as a diff would.
  std::istringstream a(expected.str()), b(actual);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool ga = static_cast<bool>(std::getline(a, la));
    const bool gb = static_cast<bool>(std::getline(b, lb));
    if (!ga && !gb) break;
    if (!ga || !gb || la != lb) {
      ADD_FAILURE() << golden.string() << ":" << line << ": transcript differs\n"
                    << "- " << (ga ? la : "<end of file>") << "\n"
                    << "+ " << (gb ? lb : "<end of output>") << "\n"
                    << "(behaviour change? VRRPSIM_UPDATE_GOLDEN=1 rewrites the transcripts)";
      return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, GoldenTranscript, ::testing::ValuesIn(Scenarios()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(GoldenTranscripts, NoStaleTranscripts) {
  // Every transcript belongs to a shipped scenario.
  const auto scenarios = Scenarios();
  for (const auto& e : fs::recursive_directory_iterator(kSource / "tests/golden/transcripts")) {
    if (!e.is_regular_file()) continue;
    fs::path rel = fs::relative(e.path(), kSource / "tests/golden/transcripts");
    rel.replace_extension(".yaml");
    EXPECT_TRUE(std::binary_search(scenarios.begin(), scenarios.end(), rel.string()))
        << e.path() << " has no scenario";
  }
}

}  // namespace
}  // namespace vsim
