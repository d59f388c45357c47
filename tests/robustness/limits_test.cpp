// Limits on everything that grows with the input, each refused with an error
// that names the limit (docs/robustness.md, "Limits").
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "engine/config/parser.h"
#include "sim/io/fs_include_resolver.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

using robustness::TempDir;

// True if some diagnostic contains `needle`; prints them all otherwise.
::testing::AssertionResult Says(const vrrp::Diagnostics& diags, const std::string& needle) {
  std::string all;
  for (const auto& d : diags) {
    if (d.ToString().find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    all += "\n  " + d.ToString();
  }
  return ::testing::AssertionFailure() << "no diagnostic says \"" << needle << "\":" << all;
}

const char* kNodeConfig =
    "vrrp_instance VI_1 {\\n interface eth0\\n virtual_router_id 51\\n priority 100\\n"
    " virtual_ipaddress {\\n 10.0.0.100/24\\n }\\n}\\n";

std::string Node(int i) {
  return "  - {name: n" + std::to_string(i) + ", address: 10.0." + std::to_string(i / 250) + "." +
         std::to_string(1 + i % 250) + ", config: \"" + kNodeConfig + "\"}\n";
}

std::string Scenario(const std::string& duration, const std::string& nodes,
                     const std::string& rest = "") {
  return "name: limits\nseed: 1\nduration: " + duration + "\nnodes:\n" + nodes + rest;
}

TEST(Limits, ScenarioFileSize) {
  std::string big = Scenario("10s", Node(0)) + "# " + std::string(kMaxScenarioBytes, 'x') + "\n";
  ScenarioLoad load = LoadScenarioText(big, "big.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_TRUE(Says(load.diagnostics, "larger than 8388608 bytes"));

  TempDir dir;
  dir.Write("big.yaml", big);
  ScenarioLoad from_file = LoadScenarioFile(dir / "big.yaml");
  EXPECT_FALSE(from_file.ok());
  EXPECT_TRUE(Says(from_file.diagnostics, "larger than 8388608 bytes"));
}

TEST(Limits, NumberOfNodes) {
  std::string nodes;
  for (std::size_t i = 0; i <= kMaxNodes; ++i) nodes += Node(static_cast<int>(i));
  ScenarioLoad load = LoadScenarioText(Scenario("10s", nodes), "nodes.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_TRUE(Says(load.diagnostics, "too many nodes (1001, at most 1000)"));
}

TEST(Limits, TimelineEvents) {
  const std::string timeline =
      "timeline:\n"
      "  - {at: 1s, op: stop, node: n0,"
      " repeat: {every: 1us, times: 100000}}\n"
      "  - {at: 2s, op: start, node: n0}\n";
  ScenarioLoad load = LoadScenarioText(Scenario("10s", Node(0), timeline), "ops.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_TRUE(Says(load.diagnostics, "more than 100000"));
}

TEST(Limits, SimulatedDuration) {
  ScenarioLoad load = LoadScenarioText(Scenario("31d", Node(0)), "long.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_TRUE(Says(load.diagnostics, "duration"));
  ScenarioLoad ok = LoadScenarioText(Scenario("30d", Node(0)), "ok.yaml", ".");
  for (const auto& d : ok.diagnostics) ADD_FAILURE() << d.ToString();
  EXPECT_TRUE(ok.ok());
}

TEST(Limits, YamlNestingDepth) {
  // yaml-cpp's depth guard; refused with a YAML error, not a stack overflow.
  const std::string deep = Scenario("10s", Node(0)) + "x: " + std::string(100000, '[') + "\n";
  ScenarioLoad load = LoadScenarioText(deep, "deep.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_TRUE(Says(load.diagnostics, "YAML syntax error"));
  const std::string deep_map = [] {
    std::string s = "name: x\n";
    for (int i = 0; i < 5000; ++i) s += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    return s;
  }();
  ScenarioLoad load2 = LoadScenarioText(deep_map, "deep2.yaml", ".");
  EXPECT_FALSE(load2.ok());
}

TEST(Limits, ConfigDiagnosticsAndNesting) {
  const std::string deep = "vrrp_instance VI_1 " + std::string(300000, '{') + "\n";
  vrrp::ParseResult r = vrrp::ParseConfig(deep, "deep.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Says(r.diagnostics, "limit 20000 diagnostics"));
  // Unterminated quotes are the lexer's diagnostics: bounded the same way.
  std::string quotes;
  for (int i = 0; i < 30000; ++i) quotes += "x \"\n";
  vrrp::ParseResult q = vrrp::ParseConfig(quotes, "quotes.conf");
  EXPECT_FALSE(q.ok());
  EXPECT_LE(q.diagnostics.size(), vrrp::kMaxConfigDiagnostics + 1);
  EXPECT_TRUE(Says(q.diagnostics, "limit 20000 diagnostics"));
}

TEST(Limits, VipsPerInstanceAreKeepalivedsOwn) {
  std::string conf =
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n"
      " virtual_ipaddress {\n";
  for (int i = 0; i < 300; ++i)
    conf += "  10.1." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250) + "/16\n";
  conf += " }\n}\n";
  vrrp::ParseResult r = vrrp::ParseConfig(conf, "vips.conf");
  EXPECT_TRUE(
      Says(r.diagnostics, "Number of VIPs (300) exceeds maximum/space available in packet"));
  ASSERT_EQ(r.config.instances.size(), 1u);
  EXPECT_EQ(r.config.instances[0].vips.size(), 254u);
}

TEST(Limits, ConfigSizeAndIncludeDepthAndFanOut) {
  vrrp::ParseOptions small;
  small.max_total_bytes = 1000;
  vrrp::ParseResult big = vrrp::ParseConfig(std::string(2000, '#'), "big.conf", small);
  EXPECT_FALSE(big.ok());
  EXPECT_TRUE(Says(big.diagnostics, "Configuration size limit (1000"));

  TempDir dir;
  // A loop: a -> b -> a.
  dir.Write("loop/a.conf", "include b.conf\n");
  dir.Write("loop/b.conf", "include a.conf\n");
  LoadResult loop = LoadConfigFile(dir / "loop/a.conf", dir.path());
  EXPECT_TRUE(Says(loop.parse.diagnostics, "Include depth limit (16"));
  // Fan-out: every file includes all eight.
  for (int i = 1; i <= 8; ++i)
    dir.Write("fan/f" + std::to_string(i) + ".conf", "include f*.conf\n");
  LoadResult fan = LoadConfigFile(dir / "fan/f1.conf", dir.path());
  EXPECT_TRUE(Says(fan.parse.diagnostics, "Include limit (10000 files)"));
}

TEST(Limits, IncludesCannotLeaveTheTree) {
  TempDir dir;
  dir.Write("outside/secret.conf", "vrrp_instance LEAK {\n}\n");
  dir.Write("tree/sub/x.conf", "\n");
  const std::string outside = dir / "outside/secret.conf";
  const std::vector<std::string> escapes = {
      "../outside/secret.conf",   "../../../../etc/passwd", outside, "/etc/passwd",
      "sub/../../outside/*.conf", "link/secret.conf"};
  std::error_code ec;
  std::filesystem::create_directory_symlink(dir / "outside", dir / "tree/link", ec);
  ASSERT_FALSE(ec);
  for (const std::string& pattern : escapes) {
    SCOPED_TRACE(pattern);
    dir.Write("tree/main.conf", "include " + pattern + "\n");
    LoadResult r = LoadConfigFile(dir / "tree/main.conf", dir / "tree");
    ASSERT_TRUE(r.read_ok);
    EXPECT_TRUE(r.parse.config.instances.empty());
    bool refused = false;
    for (const auto& d : r.parse.diagnostics) refused |= d.severity >= vrrp::Severity::kError;
    EXPECT_TRUE(refused || Says(r.parse.diagnostics, "outside"));
  }
  // A scenario's config_file may not leave its directory either.
  dir.Write("tree/s.yaml",
            "name: x\nseed: 1\nduration: 10s\nnodes:\n"
            "  - {name: n, address: 10.0.0.1, config_file: ../outside/secret.conf}\n");
  ScenarioLoad load = LoadScenarioFile(dir / "tree/s.yaml");
  EXPECT_FALSE(load.ok());
}

TEST(Limits, TraceTruncatedCorruptFutureVersion) {
  const std::string future = R"({"format":"vrrpsim-trace","version":2,"scenario":"s"})";
  TraceRead r = ReadTraceJson(future, "future.json");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Says(r.diagnostics, "unsupported trace version 2"));
  TraceRead t = ReadTraceJson(R"({"format":"vrrpsim-trace","version":1,"scen)", "cut.json");
  EXPECT_FALSE(t.ok());
  EXPECT_TRUE(Says(t.diagnostics, "not valid JSON"));
  TraceRead c = ReadTraceJson(std::string("\x89PNG\r\n\x1a\n\0\0", 10), "png.json");
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(Says(c.diagnostics, "png.json"));
}

}  // namespace
}  // namespace vsim
