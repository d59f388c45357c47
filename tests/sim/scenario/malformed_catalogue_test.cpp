// Table-driven: every file in tests/data/scenarios/malformed/ must fail to
// load with the diagnostic its header names:
//   # expect: <substring of the message>
//   # line: <1-based line in the file, or "any">
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

struct Case {
  std::string file;
  std::string substring;
  int line = 0;  // 0 = any
};

std::vector<Case> Catalogue() {
  std::vector<Case> out;
  const std::filesystem::path dir =
      std::filesystem::path(VRRPSIM_TEST_DATA_DIR) / "scenarios" / "malformed";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    Case c;
    c.file = entry.path().string();
    std::ifstream in(c.file);
    std::string l1, l2;
    std::getline(in, l1);
    std::getline(in, l2);
    if (l1.rfind("# expect: ", 0) == 0) c.substring = l1.substr(10);
    if (l2.rfind("# line: ", 0) == 0 && l2.substr(8) != "any") c.line = std::stoi(l2.substr(8));
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

TEST(MalformedScenarios, CatalogueHasAtLeastThirtyFiles) { EXPECT_GE(Catalogue().size(), 30u); }

TEST(MalformedScenarios, EachFileFailsWithItsDiagnostic) {
  for (const Case& c : Catalogue()) {
    SCOPED_TRACE(c.file);
    ASSERT_FALSE(c.substring.empty()) << "missing '# expect:' header";
    ScenarioLoad load = LoadScenarioFile(c.file);
    EXPECT_FALSE(load.ok());
    bool found = false;
    std::ostringstream all;
    for (const auto& d : load.diagnostics) {
      all << "  " << d.ToString() << "\n";
      if (d.severity == vrrp::Severity::kWarning) continue;
      if (d.message.find(c.substring) == std::string::npos) continue;
      if (c.line != 0 && d.where.line != c.line) continue;
      EXPECT_GT(d.where.line, 0) << d.ToString();
      found = true;
    }
    EXPECT_TRUE(found) << "expected '" << c.substring << "' at line " << c.line << ", got:\n"
                       << all.str();
  }
}

}  // namespace
}  // namespace vsim
