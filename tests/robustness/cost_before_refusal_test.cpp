// Cost before refusal and scale (issue 14, docs/robustness.md): a limit
// trips while the input is read, before the cost it guards against is paid,
// and what is large but allowed grows linearly. No test here measures time:
// the inputs are sized so that the old behaviour was visibly expensive and
// the refusal is what is checked.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "sim/scenario/run_result.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

using robustness::TempDir;

std::string AllOf(const vrrp::Diagnostics& diags) {
  std::string all;
  for (const auto& d : diags) all += d.ToString() + "\n";
  return all;
}

const char* kHead =
    "name: costs\nseed: 1\nduration: 10s\nnodes:\n"
    "  - name: n1\n    address: 10.0.0.1\n    config: |\n"
    "      vrrp_instance VI_1 {\n       interface eth0\n       virtual_router_id 51\n"
    "       priority 100\n       virtual_ipaddress {\n        10.0.0.100/24\n       }\n"
    "      }\n";

// 1000 matrix variants, each with the same 100,000-expectation list through
// an alias: 500 million nodes once expanded. It used to be refused after
// 5 million visits (8 s, 1.6 GiB); now while the file is scanned.
TEST(CostBeforeRefusal, AliasFanOutIsRefusedWhileScanning) {
  std::string yaml = std::string(kHead) + "expect: &E\n  - &e {master: {node: n1, at: 1s}}\n";
  for (int i = 1; i < 100000; ++i) yaml += "  - *e\n";
  yaml += "matrix:\n  variants:\n";
  for (int i = 0; i < 1000; ++i) yaml += "    - {name: v" + std::to_string(i) + ", expect: *E}\n";
  const ScenarioLoad load = LoadScenarioText(yaml, "laughs.yaml", ".");
  EXPECT_FALSE(load.ok());
  ASSERT_EQ(load.diagnostics.size(), 1u) << AllOf(load.diagnostics);
  const auto& d = load.diagnostics[0];
  EXPECT_NE(d.message.find("aliases expand the scenario by more than 1000000 YAML nodes"),
            std::string::npos)
      << d.ToString();
  EXPECT_GT(d.where.line, 100000);  // the alias that crossed the limit
  EXPECT_GT(d.where.column, 0);
}

TEST(CostBeforeRefusal, ClassicBillionLaughs) {
  std::string yaml = "name: laughs\nseed: 1\nduration: 10s\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
  for (int i = 1; i < 12; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += (k ? ",*a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  yaml += "nodes: [*a11]\n";
  const ScenarioLoad load = LoadScenarioText(yaml, "laughs.yaml", ".");
  EXPECT_FALSE(load.ok());
  EXPECT_NE(AllOf(load.diagnostics).find("laughs.yaml:"), std::string::npos);
  EXPECT_NE(AllOf(load.diagnostics).find("aliases expand the scenario"), std::string::npos)
      << AllOf(load.diagnostics);
}

TEST(CostBeforeRefusal, ModestAliasesAreFine) {
  // The everyday use: one expectation list shared by a few variants.
  std::string yaml = std::string(kHead) +
                     "expect: &E\n  - {master: {node: n1, at: 5s}}\n"
                     "matrix:\n  variants:\n    - {name: a, expect: *E}\n"
                     "    - {name: b, expect: *E}\n";
  const ScenarioLoad load = LoadScenarioText(yaml, "ok.yaml", ".");
  EXPECT_TRUE(load.ok()) << AllOf(load.diagnostics);
}

TEST(CostBeforeRefusal, AliasCycleIsRefused) {
  const ScenarioLoad load = LoadScenarioText(
      std::string(kHead) + "expect: &a [{master: {node: n1, at: 1s}}, *a]\n", "cycle.yaml", ".");
  EXPECT_FALSE(load.ok());
  ASSERT_FALSE(load.diagnostics.empty());
  EXPECT_NE(load.diagnostics[0].message.find("a node it is part of (a cycle)"), std::string::npos);
  EXPECT_EQ(load.diagnostics[0].where.line, 16);
}

TEST(CostBeforeRefusal, SecondYamlDocumentIsAnError) {
  for (const std::string& rest :
       {std::string("---\nname: other\n"), std::string("...\n---\nduration: 1s\n")}) {
    SCOPED_TRACE(rest);
    const ScenarioLoad load = LoadScenarioText(std::string(kHead) + rest, "two.yaml", ".");
    EXPECT_FALSE(load.ok());
    ASSERT_FALSE(load.diagnostics.empty());
    EXPECT_NE(load.diagnostics[0].message.find("a second YAML document"), std::string::npos)
        << AllOf(load.diagnostics);
    EXPECT_GE(load.diagnostics[0].where.line, 16);
  }
  // A leading "---" and a closing "..." are one document.
  const ScenarioLoad one =
      LoadScenarioText("---\n" + std::string(kHead) + "...\n", "one.yaml", ".");
  EXPECT_TRUE(one.ok()) << AllOf(one.diagnostics);
}

// A reload that holds a 1 MiB configuration, repeated 100,000 times, was
// 100 GiB of copies. The configuration text of a scenario is bounded.
TEST(CostBeforeRefusal, RepeatedReloadOfALargeConfigurationIsRefused) {
  TempDir dir;
  std::string big =
      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n"
      " virtual_ipaddress {\n  10.0.0.100/24\n }\n}\n";
  while (big.size() < 1024 * 1024) big += "# " + std::string(100, 'x') + "\n";
  dir.Write("big.conf", big);
  dir.Write("s.yaml", std::string(kHead) +
                          "timeline:\n  - {at: 1s, op: reload, node: n1, config_file: big.conf,\n"
                          "     repeat: {every: 1ms, times: 100000}}\n");
  const ScenarioLoad load = LoadScenarioFile(dir / "s.yaml");
  EXPECT_FALSE(load.ok());
  EXPECT_NE(AllOf(load.diagnostics)
                .find("s.yaml:17:5: error: the scenario's keepalived "
                      "configurations are larger than 67108864 bytes"),
            std::string::npos)
      << AllOf(load.diagnostics);
}

TEST(CostBeforeRefusal, TraceStringsAreCappedWhileParsing) {
  const std::string head = "{\"format\":\"vrrpsim-trace\",\"version\":1,\n\"scenario\":\"";
  const std::string tail = "\",\"seed\":1,\"duration_us\":5,\"hosts\":[],\"events\":[]}";
  const TraceRead r = ReadTraceJson(head + std::string(5'000'000, 'x') + tail, "long.json");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const std::string msg = r.diagnostics[0].ToString();
  EXPECT_EQ(msg.rfind("long.json:2:12: error: a string of 5000000 bytes (\"scenario\" is a name: "
                      "at most 4096 bytes)",
                      0),
            0u)
      << msg.substr(0, 300);
  EXPECT_LT(msg.size(), 300u);  // a prefix is quoted, not the 5 MB
  // A long detail is fine up to 1 MiB.
  const std::string detail =
      "{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
      "\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":1,\"kind\":\"log\",\"detail\":\"" +
      std::string(100'000, 'd') + "\"}]}";
  EXPECT_TRUE(ReadTraceJson(detail, "detail.json").ok());
}

TEST(CostBeforeRefusal, TraceDiagnosticsAreCounted) {
  std::string events;
  for (int i = 0; i < 500; ++i)
    events += std::string(i ? "," : "") + "{\"t\":1,\"kind\":\"log\",\"host\":\"ghost\"}";
  const TraceRead r = ReadTraceJson(
      "{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
      "\"duration_us\":5,\"hosts\":[],\"events\":[" +
          events + "]}",
      "many.json");
  ASSERT_EQ(r.diagnostics.size(), 101u);
  EXPECT_NE(r.diagnostics[0].ToString().find("many.json:1:"), std::string::npos);
  EXPECT_EQ(r.diagnostics.back().message, "... and 400 more errors (the first 100 are shown)");
}

// 100,000 operations at one instant: each fault's failover and each heal's
// convergence were a scan of every later operation (quadratic). The metrics
// are the same as with one operation.
TEST(CostBeforeRefusal, ManyOperationsAtOneInstant) {
  auto metrics = [](int heals) {
    std::string yaml = std::string(kHead) + "timeline:\n";
    for (int i = 0; i < heals; ++i) yaml += "  - {at: 5s, op: heal}\n";
    yaml += "  - {at: 5s, op: crash, node: n1}\n  - {at: 7s, op: start, node: n1}\n";
    const ScenarioLoad load = LoadScenarioText(yaml, "many.yaml", ".");
    EXPECT_TRUE(load.ok()) << AllOf(load.diagnostics);
    std::vector<Duration> converge, failover;
    if (!load.ok()) return std::make_pair(converge, failover);
    for (const auto& m : RunScenario(*load.scenario, {}).metrics) {
      if (m.name == "converge_time") converge.push_back(m.value);
      if (m.name == "failover_time") failover.push_back(m.value);
    }
    return std::make_pair(converge, failover);
  };
  const auto one = metrics(1);
  const auto many = metrics(20000);
  ASSERT_EQ(one.first.size(), 1u);
  ASSERT_EQ(many.first.size(), 20000u);
  for (const Duration d : many.first) EXPECT_EQ(d, one.first[0]);
  EXPECT_EQ(many.second, one.second);
}

// Thousands of VIPs in one instance (keepalived moves those past 255 to
// eVIPs): adding, removing and the leftovers a crashed keepalived leaves are
// O(1) per address now, and every address is still accounted for.
TEST(CostBeforeRefusal, ManyVipsAreAllAccountedFor) {
  std::string vips;
  for (int i = 0; i < 3000; ++i)
    vips += "        10.1." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250) + "/32\n";
  auto node = [&](const std::string& name, int prio, const std::string& addr) {
    return "  - name: " + name + "\n    address: " + addr +
           "\n    config: |\n      vrrp_instance VI_1 {\n       interface eth0\n"
           "       virtual_router_id 51\n       priority " +
           std::to_string(prio) + "\n       virtual_ipaddress {\n" + vips + "       }\n      }\n";
  };
  const std::string yaml = "name: vips\nseed: 1\nduration: 40s\nnodes:\n" +
                           node("n1", 100, "10.0.0.1") + node("n2", 90, "10.0.0.2") +
                           "timeline:\n  - {at: 10s, op: crash, node: n1}\n"
                           "  - {at: 20s, op: start, node: n1}\n";
  const ScenarioLoad load = LoadScenarioText(yaml, "vips.yaml", ".");
  ASSERT_TRUE(load.ok()) << AllOf(load.diagnostics);
  const RunResult run = RunScenario(*load.scenario, {});
  int added = 0, leftovers = 0;
  for (const auto& e : run.events) {
    added += e.kind == TraceKind::kVipAdded ? 1 : 0;
    leftovers += e.kind == TraceKind::kVipRemoved && e.detail == "leftover removed at startup";
  }
  // n1 takes all 3000, n2 takes them over after the crash, n1 removes its
  // leftovers when it starts again and takes them back (preemption).
  EXPECT_EQ(leftovers, 3000);
  EXPECT_EQ(added, 3 * 3000);
  // The crashed n1 kept every VIP while n2 held them: a split brain of both
  // kinds of evidence, over from n1's restart.
  ASSERT_FALSE(run.split_brain.empty());
  EXPECT_TRUE(run.split_brain[0].vip_holders);
  EXPECT_EQ(run.split_brain[0].end, 20 * vrrp::kSecond);
}

}  // namespace
}  // namespace vsim
