#include "sim/scenario/runner.h"

#include <gtest/gtest.h>

#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

std::string Node(const std::string& name, int octet, int priority, const std::string& extra = "",
                 const std::string& node_extra = "") {
  return "  - name: " + name + "\n    address: 10.0.0." + std::to_string(octet) + "\n" +
         node_extra +
         "    config: |\n"
         "      vrrp_script chk {\n"
         "          script \"/bin/true\"\n"
         "          weight -20\n"
         "      }\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          priority " +
         std::to_string(priority) + "\n" + extra +
         "          advert_int 1\n"
         "          track_script {\n"
         "              chk\n"
         "          }\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

Scenario Load(const std::string& yaml) {
  ScenarioLoad l = LoadScenarioText(yaml, "r.yaml", ".");
  for (const auto& d : l.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  return l.ok() ? *l.scenario : Scenario{};
}

const Metric* FindMetric(const RunResult& r, const std::string& name, const std::string& subject) {
  for (const auto& m : r.metrics)
    if (m.name == name && m.subject == subject) return &m;
  return nullptr;
}

TEST(Runner, FillsTheRunResult) {
  Scenario s = Load("name: r\nduration: 20s\nseed: 7\nnodes:\n" + Node("node1", 1, 100) +
                    Node("node2", 2, 90) +
                    "timeline:\n  - {at: 10s, op: crash, node: node1, id: crash-1}\n");
  RunResult r = RunScenario(s);
  EXPECT_EQ(r.scenario, "r");
  EXPECT_EQ(r.file, "r.yaml");
  EXPECT_EQ(r.variant, "");
  EXPECT_EQ(r.seed, 7u);
  EXPECT_EQ(r.duration, vrrp::Seconds(20));
  ASSERT_EQ(r.hosts.size(), 2u);
  EXPECT_EQ(r.hosts[1].name, "node2");
  EXPECT_EQ(r.hosts[1].instances, (std::vector<std::string>{"VI_1"}));
  EXPECT_EQ(r.hosts[1].vrids, (std::vector<int>{51}));
  EXPECT_GT(r.events_processed, 0u);
  for (std::size_t i = 1; i < r.events.size(); ++i) ASSERT_LE(r.events[i - 1].t, r.events[i].t);
  // Metrics: failover after the crash, split brain (the crashed node keeps
  // its VIP until the end), flaps, final master.
  const Metric* f = FindMetric(r, "failover_time", "crash-1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->value, 3257812);
  EXPECT_TRUE(f->is_duration);
  const Metric* sb = FindMetric(r, "split_brain_total", "");
  ASSERT_TRUE(sb);
  EXPECT_EQ(sb->value, 20000000 - 13257812);
  ASSERT_TRUE(FindMetric(r, "flaps", "node1"));
  EXPECT_EQ(FindMetric(r, "flaps", "node1")->value, 1);
  const Metric* fm = FindMetric(r, "final_master", "vrid 51");
  ASSERT_TRUE(fm);
  EXPECT_EQ(fm->value, 1);
  EXPECT_FALSE(fm->is_duration);
  ASSERT_EQ(r.split_brain.size(), 1u);
  EXPECT_TRUE(r.split_brain[0].vip_holders);
  // The seed can be overridden.
  RunOptions o;
  o.seed = 99;
  EXPECT_EQ(RunScenario(s, o).seed, 99u);
}

TEST(Runner, RecordPacketsAndLogs) {
  Scenario s = Load("name: r\nduration: 5s\nnodes:\n" + Node("node1", 1, 100));
  RunResult quiet = RunScenario(s);
  RunOptions o;
  o.record_packets = true;
  o.emit_logs = true;
  RunResult loud = RunScenario(s, o);
  auto count = [](const RunResult& r, TraceKind k) {
    int n = 0;
    for (const auto& e : r.events) n += e.kind == k;
    return n;
  };
  EXPECT_EQ(count(quiet, TraceKind::kAdvertSent), 0);
  EXPECT_GT(count(loud, TraceKind::kAdvertSent), 0);
  EXPECT_GT(count(loud, TraceKind::kLog), 0);
  EXPECT_EQ(count(quiet, TraceKind::kTransition), count(loud, TraceKind::kTransition));
}

TEST(Runner, DeterministicPerSeed) {
  const std::string yaml =
      "name: r\nduration: 60s\nnetwork:\n  default_link: {latency: 1ms, "
      "jitter: 3ms, loss: 20%}\nnodes:\n" +
      Node("node1", 1, 100) + Node("node2", 2, 100) + Node("node3", 3, 100);
  Scenario s = Load(yaml);
  auto digest = [&](std::uint64_t seed) {
    RunOptions o;
    o.seed = seed;
    o.record_packets = true;
    RunResult r = RunScenario(s, o);
    std::string d;
    for (const auto& e : r.events)
      d += std::to_string(e.t) + TraceKindName(e.kind) + std::to_string(e.host) + ";";
    return d;
  };
  EXPECT_EQ(digest(3), digest(3));
  EXPECT_NE(digest(3), digest(4));
}

TEST(Runner, ExplicitOpsRunBeforeImplicitStartsAndStartNever) {
  // The check set at 0 s decides the first script run: node1 starts at 80.
  Scenario s = Load("name: r\nduration: 10s\nnodes:\n" + Node("node1", 1, 100) +
                    Node("node2", 2, 90, "", "    start: never\n") +
                    "timeline:\n  - {at: 0s, op: check, node: node1, script: chk, result: fail}\n"
                    "expect:\n  - priority: {node: node1, is: 80, at: 0s}\n"
                    "  - state: {node: node2, is: STOP, at: end}\n"
                    "  - state: {node: node1, is: MASTER, at: 3.687500s}\n");
  RunResult r = RunScenario(s);
  ASSERT_EQ(r.expectations.size(), 3u);
  for (const auto& e : r.expectations) EXPECT_TRUE(e.passed) << e.description << ": " << e.evidence;
}

TEST(Runner, MatrixRunsEveryVariantWithItsExpectations) {
  Scenario s = Load(
      "name: m\nduration: 30s\nnodes:\n" + Node("node1", 1, 100) + Node("node2", 2, 90) +
      "timeline:\n  - {at: 10s, op: check, node: node1, script: chk, result: fail, id: f}\n"
      "expect:\n"
      "  - failover: {after: f, within: 4s, node: node2, variants: [\"weight.chk=-20\"]}\n"
      "  - master: {node: node1, from: 3.609375s, to: end, variants: [base, \"weight.chk=-5\"]}\n"
      "  - no_split_brain\n"
      "matrix:\n  node: node1\n  vary:\n    weight.chk: [-20, -5]\n");
  ASSERT_EQ(s.variants.size(), 2u);
  std::vector<RunResult> runs = RunMatrix(s);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].variant, "weight.chk=-20");
  EXPECT_EQ(runs[1].variant, "weight.chk=-5");
  ASSERT_EQ(runs[0].expectations.size(), 2u);  // failover + no_split_brain
  ASSERT_EQ(runs[1].expectations.size(), 2u);  // master + no_split_brain
  for (const auto& r : runs)
    for (const auto& e : r.expectations)
      EXPECT_TRUE(e.passed) << r.variant << ": " << e.description << ": " << e.evidence;
  // The base run keeps the parsed configuration (weight -20) and only the
  // expectations meant for it.
  RunResult base = RunScenario(s);
  EXPECT_EQ(base.variant, "");
  ASSERT_EQ(base.expectations.size(), 2u);
  EXPECT_FALSE(
      base.expectations[0].passed);  // weight -20 fails over: node1 is not MASTER to the end
  // Without a matrix RunMatrix is the base run.
  Scenario plain = Load("name: p\nduration: 5s\nnodes:\n" + Node("node1", 1, 100) +
                        "expect:\n  - final: {master: node1}\n");
  auto one = RunMatrix(plain);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].variant, "");
  EXPECT_TRUE(one[0].passed());
}

TEST(Runner, ExplicitVariantsOverrideConfigsAndReloads) {
  Scenario s =
      Load("name: m\nduration: 30s\nnodes:\n" + Node("node1", 1, 100) + Node("node2", 2, 90) +
           "timeline:\n  - op: reload\n    at: 1s\n    node: node2\n    config: |\n"
           "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
           "          priority 95\n          virtual_ipaddress {\n              10.0.0.100/24\n"
           "          }\n      }\n"
           "matrix:\n  variants:\n"
           "    - name: node2-wins\n"
           "      set:\n        node2: {priority: 120}\n"
           "      expect:\n        - master: {node: node2, at: 10s}\n"
           "        - priority: {node: node2, is: 120, at: 10s}\n");
  auto runs = RunMatrix(s);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].expectations.size(), 2u);
  for (const auto& e : runs[0].expectations) EXPECT_TRUE(e.passed) << e.evidence;
}

TEST(Runner, SplitBrainDomainsFollowSegments) {
  // Two separate segments: the same VRID on both is two virtual routers, so
  // two MASTERs are not a split brain.
  Scenario s =
      Load("name: d\nduration: 10s\nnodes:\n" + Node("node1", 1, 100, "", "    segment: a\n") +
           Node("node2", 2, 90, "", "    segment: b\n") +
           "expect:\n  - no_split_brain: {vrid: 51}\n"
           "  - state: {node: node2, is: MASTER, at: end}\n");
  RunResult r = RunScenario(s);
  EXPECT_TRUE(r.split_brain.empty());
  EXPECT_TRUE(r.expectations.at(1).passed);
  // Joined by a trunk they hear each other again.
  Scenario t = Load(
      "name: d\nduration: 10s\nnetwork:\n  trunks:\n    - {between: [a, b]}\nnodes:\n" +
      Node("node1", 1, 100, "", "    segment: a\n") + Node("node2", 2, 90, "", "    segment: b\n") +
      "expect:\n  - state: {node: node2, is: BACKUP, at: end}\n");
  EXPECT_TRUE(RunScenario(t).passed());
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

// keepalived hands `</dev/tcp/...` to /bin/sh: under dash (the default node
// shell) the check fails every time, under bash it works (issue 15).
std::string DevTcpNode(const std::string& name, int octet, int priority, const std::string& shell) {
  return "  - name: " + name + "\n    address: 10.0.0." + std::to_string(octet) + "\n" +
         (shell.empty() ? "" : "    shell: " + shell + "\n") +
         "    config: |\n"
         "      vrrp_script chk {\n"
         "          script \"</dev/tcp/127.0.0.1/80\"\n"
         "          weight -20\n"
         "      }\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          priority " +
         std::to_string(priority) +
         "\n"
         "          track_script {\n"
         "              chk\n"
         "          }\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

TEST(Runner, TheNodesShellDecidesWhetherADevTcpCheckCanWork) {
  auto final_master = [](const std::string& shell1) {
    ScenarioLoad l =
        LoadScenarioText("name: r\nduration: 20s\nnodes:\n" + DevTcpNode("node1", 1, 100, shell1) +
                             DevTcpNode("node2", 2, 90, "bash"),
                         "r.yaml", ".");
    EXPECT_TRUE(l.ok());
    const RunResult r = RunScenario(*l.scenario);  // FindMetric points into it
    const Metric* fm = FindMetric(r, "final_master", "vrid 51");
    return fm ? fm->value : -1;
  };
  EXPECT_EQ(final_master("bash"), 0);  // node1: 100, its check works
  EXPECT_EQ(final_master(""), 1);      // dash: node1's check fails, 100 - 20 < 90
  EXPECT_EQ(final_master("dash"), 1);
}

}  // namespace
}  // namespace vsim
