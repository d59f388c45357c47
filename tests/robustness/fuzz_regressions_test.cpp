// Regression tests for fuzzer findings (tests/fuzz, docs/robustness.md):
// one test per finding, committed before its fix.
#include <gtest/gtest.h>
#include <string>

#include "engine/config/parser.h"
#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

std::string WithExpectation(const std::string& expectation) {
  return "name: x\nseed: 1\nduration: 10s\nnodes:\n"
         "  - name: node1\n    address: 10.0.0.1\n    config: |\n"
         "      vrrp_instance VI_1 {\n        interface eth0\n        virtual_router_id 51\n"
         "        priority 100\n        virtual_ipaddress {\n          10.0.0.100/24\n"
         "        }\n      }\n"
         "expect:\n  - " +
         expectation + "\n";
}

// Finding F1 (fuzz_scenario): an integer field longer than 18 characters or
// with a non-digit was still accumulated digit by digit before being
// refused: signed overflow (UB) in the loader's Int().
TEST(FuzzRegressions, F1_LongOrNonNumericIntegerDoesNotOverflow) {
  for (const char* is :
       {"99final check-ok + 2s", "99999999999999999999999999999", "-99999999999999999999999999999",
        "zzzzzzzzzzzzzzzzzz", "\"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\""}) {
    SCOPED_TRACE(is);
    const ScenarioLoad load = LoadScenarioText(
        WithExpectation(std::string("priority: {node: node1, is: ") + is + ", at: 5s}"), "int.yaml",
        ".");
    EXPECT_FALSE(load.ok());
    bool said = false;
    for (const auto& d : load.diagnostics)
      said |= d.message.find("must be an integer") != std::string::npos;
    EXPECT_TRUE(said);
  }
}

// Finding F2 (found while writing the limits tests; a slow-unit, memory-
// growth class the fuzzers hit with -max_len larger than ours): every
// stray token gives one diagnostic, so a 16 MiB configuration of `{` made
// 16 million diagnostics (about 6 GB, a minute of CPU) before the reader
// returned. The reader now stops at a limit, refusing the configuration
// with a message that names it.
TEST(FuzzRegressions, F2_DiagnosticsAreBounded) {
  const std::string conf = "vrrp_instance VI_1 " + std::string(30000, '{') + "\n";
  const vrrp::ParseResult r = vrrp::ParseConfig(conf, "braces.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_LE(r.diagnostics.size(), 20001u);
  bool said = false;
  for (const auto& d : r.diagnostics)
    said |= d.message.find("limit 20000 diagnostics") != std::string::npos;
  EXPECT_TRUE(said);
}

}  // namespace
}  // namespace vsim
