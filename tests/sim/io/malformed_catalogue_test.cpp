// Table-driven run of tests/data/config/malformed/: every NAME.conf is read
// through LoadConfigFile (so includes go through the real resolver) and its
// diagnostics, as "line:col: severity: message", must equal the non-comment
// lines of NAME.expected. The comments in each .expected record what
// keepalived 2.2.7 `-t` printed for the same file.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "sim/io/fs_include_resolver.h"

namespace vsim {

using vrrp::ParseOptions;
using vrrp::SeverityName;
namespace {

namespace fs = std::filesystem;

std::string Dir() { return std::string(VRRPSIM_TEST_DATA_DIR) + "/config/malformed"; }

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(Dir()))
    if (e.path().extension() == ".conf") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> ExpectedLines(const std::string& name) {
  std::ifstream in(Dir() + "/" + name + ".expected", std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  // "<ROOT>" stands for the catalogue directory, wherever the tree is checked out.
  const std::string root = CanonicalPath(Dir());
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    for (auto at = line.find("<ROOT>"); at != std::string::npos; at = line.find("<ROOT>"))
      line.replace(at, 6, root);
    out.push_back(line);
  }
  return out;
}

class MalformedCatalogueTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedCatalogueTest, DiagnosticsMatchExpected) {
  const std::string& name = GetParam();
  ParseOptions o;
  o.known_interfaces = {"eth0", "eth9", "lo"};
  LoadResult r = LoadConfigFile(Dir() + "/" + name + ".conf", Dir(), o);
  ASSERT_TRUE(r.read_ok);
  std::vector<std::string> got;
  for (const auto& d : r.parse.diagnostics)
    got.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                  SeverityName(d.severity) + ": " + d.message +
                  (d.cls == vrrp::DiagClass::kConfigTest
                       ? std::string()
                       : std::string(" [") + vrrp::DiagClassName(d.cls) + "]"));
  EXPECT_EQ(got, ExpectedLines(name));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, MalformedCatalogueTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param; });

TEST(MalformedCatalogueSize, AtLeastThirtyCases) { EXPECT_GE(Cases().size(), 30u); }

}  // namespace
}  // namespace vsim
