// An IPv4 and an IPv6 instance with the same VRID on the same hosts are two
// VRRP groups (keepalived: one socket per family, RFC 5798's separate
// virtual MACs). Here node1 wins the IPv4 one and node2 the IPv6 one: both
// are MASTER "of VRID 51" at once, which is no split brain. Keyed by the VRID
// alone, the detector, the metrics and the expectations saw one group with
// two MASTERs.
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"

namespace vsim {
namespace {

// tests/data/scenarios/ipv6/same-vrid.yaml: node1 wins IPv4 (100 > 90),
// node2 IPv6 (100 > 90); node1 crashes at 15 s and starts again at 25 s.
// `expect`, if given, replaces the file's expectations.
RunResult RunFile(const std::string& expect = "") {
  const std::string path = std::string(VRRPSIM_TEST_DATA_DIR) + "/scenarios/ipv6/same-vrid.yaml";
  std::ifstream in(path);
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(yaml.find("\nexpect:\n"), std::string::npos) << path;
  if (!expect.empty()) yaml = yaml.substr(0, yaml.find("\nexpect:\n")) + "\nexpect:\n" + expect;
  ScenarioLoad l = LoadScenarioText(yaml, path, ".");
  for (const auto& d : l.diagnostics) ADD_FAILURE() << d.ToString();
  if (!l.ok()) return {};
  return RunScenario(*l.scenario);
}

const Metric* Find(const RunResult& r, const std::string& name, const std::string& subject) {
  for (const auto& m : r.metrics)
    if (m.name == name && m.subject == subject) return &m;
  return nullptr;
}

TEST(SameVridTwoFamilies, TwoMastersOfOneVridAreNoSplitBrain) {
  const RunResult r = RunFile();
  ASSERT_EQ(r.hosts.size(), 2u);
  ASSERT_EQ(r.hosts[0].families.size(), 2u);
  EXPECT_EQ(r.hosts[0].families[1], vrrp::IpFamily::kV6);
  // Only the crashed node1's leftover IPv4 VIP (R46) while node2 holds it.
  ASSERT_EQ(r.split_brain.size(), 1u);
  EXPECT_EQ(r.split_brain[0].vrid, 51);
  EXPECT_EQ(r.split_brain[0].family, vrrp::IpFamily::kV4);
  EXPECT_FALSE(r.split_brain[0].masters);
  EXPECT_TRUE(r.split_brain[0].vip_holders);
  EXPECT_GE(r.split_brain[0].start, 15 * vrrp::kSecond);
  // Every expectation of the file, `family` picking the group.
  ASSERT_EQ(r.expectations.size(), 8u);
  for (const auto& e : r.expectations) EXPECT_TRUE(e.passed) << e.description << ": " << e.evidence;
}

TEST(SameVridTwoFamilies, MetricsPerGroup) {
  const RunResult r = RunFile();
  const Metric* m4 = Find(r, "final_master", "vrid 51");
  const Metric* m6 = Find(r, "final_master", "vrid 51 IPv6");
  ASSERT_NE(m4, nullptr);
  ASSERT_NE(m6, nullptr);
  EXPECT_EQ(m4->value, 0);  // node1, MASTER again after its restart
  EXPECT_EQ(m6->value, 1);  // node2 throughout
  // The crash concerned node1's IPv4 mastership only: one failover, IPv4.
  EXPECT_NE(Find(r, "failover_time", "crash-node1 vrid 51"), nullptr);
  EXPECT_EQ(Find(r, "failover_time", "crash-node1 vrid 51 IPv6"), nullptr);
  EXPECT_NE(Find(r, "vip_downtime", "vrid 51 IPv6"), nullptr);
  const Metric* sb = Find(r, "split_brain_count", "");
  ASSERT_NE(sb, nullptr);
  EXPECT_EQ(sb->value, 1);  // the leftover VIP, not two MASTERs from the start
}

TEST(SameVridTwoFamilies, WithoutFamilyTheVridIsAmbiguous) {
  const RunResult r = RunFile(
      "  - master: {node: node1, vrid: 51, at: 10s}\n"
      "  - state: {node: node1, vrid: 51, is: MASTER, at: 10s}\n"
      "  - final: {master: node2}\n"
      "  - no_split_brain: {vrid: 51, except: [{from: crash-node1, to: start-node1}]}\n");
  ASSERT_EQ(r.expectations.size(), 4u);
  // Said so, not guessed.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(r.expectations[i].passed);
    EXPECT_NE(r.expectations[i].evidence.find("VRID 51 has an IPv4 and an IPv6 instance"),
              std::string::npos)
        << r.expectations[i].evidence;
  }
  // A filter over groups takes both.
  EXPECT_TRUE(r.expectations[3].passed) << r.expectations[3].evidence;
}

TEST(SameVridTwoFamilies, BadFamilyIsAnErrorWithItsPlace) {
  ScenarioLoad l = LoadScenarioText(
      "name: x\nduration: 10s\nnodes:\n  - name: node1\n    address: 10.0.0.1\n"
      "    config: |\n      vrrp_instance VI_1 {\n          interface eth0\n"
      "          virtual_router_id 51\n          priority 100\n"
      "          virtual_ipaddress {\n              10.0.0.100/24\n          }\n      }\n"
      "expect:\n  - master: {node: node1, vrid: 51, family: 5, at: 1s}\n",
      "x.yaml", ".");
  ASSERT_FALSE(l.ok());
  ASSERT_FALSE(l.diagnostics.empty());
  EXPECT_NE(l.diagnostics[0].ToString().find("x.yaml:"), std::string::npos)
      << l.diagnostics[0].ToString();
  EXPECT_NE(l.diagnostics[0].ToString().find("expected 4 or 6"), std::string::npos)
      << l.diagnostics[0].ToString();
}

TEST(SameVridTwoFamilies, TraceKeepsTheFamilies) {
  const RunResult r = RunFile();
  const std::string json = TraceJson(r);
  // Each host's VI_6 says "family": 6; nothing else does (the one split
  // brain is IPv4's).
  std::size_t sixes = 0;
  for (std::size_t at = json.find("\"family\": 6"); at != std::string::npos;
       at = json.find("\"family\": 6", at + 1))
    ++sixes;
  EXPECT_EQ(sixes, 2u);
  const TraceRead back = ReadTraceJson(json, "t.json");
  ASSERT_TRUE(back.ok()) << (back.diagnostics.empty() ? "" : back.diagnostics[0].ToString());
  ASSERT_EQ(back.runs.size(), 1u);
  EXPECT_EQ(back.runs[0].hosts[1].family(1), vrrp::IpFamily::kV6);
  EXPECT_EQ(back.runs[0].hosts[1].family(0), vrrp::IpFamily::kV4);
  EXPECT_EQ(TraceJson(back.runs[0]), json);
}

}  // namespace
}  // namespace vsim
