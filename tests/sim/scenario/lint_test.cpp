#include <gtest/gtest.h>

#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

std::string Node(const std::string& name, int octet, const std::string& body) {
  return "  - name: " + name + "\n    address: 10.0.0." + std::to_string(octet) +
         "\n    config: |\n"
         "      vrrp_script chk {\n"
         "          script \"/bin/true\"\n"
         "      }\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n" +
         body + "      }\n";
}

std::string Std(int priority, const std::string& extra = "") {
  return "          virtual_router_id 51\n          priority " + std::to_string(priority) +
         "\n          advert_int 1\n" + extra +
         "          virtual_ipaddress {\n              10.0.0.100/24\n          }\n";
}

vrrp::Diagnostics Lint(const std::string& n1, const std::string& n2) {
  ScenarioLoad l = LoadScenarioText(
      "name: l\nduration: 10s\nnodes:\n" + Node("node1", 1, n1) + Node("node2", 2, n2), "l.yaml",
      ".");
  for (const auto& d : l.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  if (!l.ok()) return {};
  return LintScenario(*l.scenario);
}

std::string Text(const vrrp::Diagnostics& ds) {
  std::string s;
  for (const auto& d : ds) s += d.ToString() + "\n";
  return s;
}

bool Has(const vrrp::Diagnostics& ds, const std::string& substring) {
  for (const auto& d : ds)
    if (d.message.find(substring) != std::string::npos) return d.where.line > 0;
  return false;
}

TEST(Lint, CleanPairHasNoFindings) {
  auto ds = Lint(Std(100), Std(90));
  EXPECT_TRUE(ds.empty()) << Text(ds);
}

TEST(Lint, AuthMismatch) {
  auto ds = Lint(Std(100,
                     "          authentication {\n              auth_type PASS\n"
                     "              auth_pass secret\n          }\n"),
                 Std(90));
  EXPECT_TRUE(Has(ds, "uses no authentication, node1 VI_1 auth_type PASS")) << Text(ds);
  auto pw = Lint(Std(100,
                     "          authentication {\n              auth_type PASS\n"
                     "              auth_pass one\n          }\n"),
                 Std(90,
                     "          authentication {\n              auth_type PASS\n"
                     "              auth_pass two\n          }\n"));
  EXPECT_TRUE(Has(pw, "use different auth_pass")) << Text(pw);
}

TEST(Lint, AdvertIntervalMismatch) {
  auto ds = Lint(Std(100),
                 "          virtual_router_id 51\n          priority 90\n"
                 "          advert_int 2\n          virtual_ipaddress {\n"
                 "              10.0.0.100/24\n          }\n");
  EXPECT_TRUE(Has(ds, "advertisement interval mismatch")) << Text(ds);
}

TEST(Lint, VipMismatch) {
  auto ds = Lint(Std(100),
                 "          virtual_router_id 51\n          priority 90\n"
                 "          virtual_ipaddress {\n              10.0.0.101/24\n"
                 "          }\n");
  EXPECT_TRUE(Has(ds, "virtual addresses [10.0.0.101] differ from node1 VI_1 [10.0.0.100]"))
      << Text(ds);
}

TEST(Lint, OneAddressInTwoVrids) {
  // Same VIP, VRIDs 51 and 52: two virtual routers, two MASTERs, one address
  // on two hosts - and no split brain within either VRID to show it.
  std::string other = Std(90);
  other.replace(other.find("virtual_router_id 51"), 20, "virtual_router_id 52");
  auto ds = Lint(Std(100), other);
  EXPECT_TRUE(Has(ds,
                  "virtual address 10.0.0.100 is configured by node1 VI_1 (VRID 51) and "
                  "node2 VI_1 (VRID 52)"))
      << Text(ds);
  EXPECT_EQ(ds.size(), 1u) << Text(ds);
}

TEST(Lint, VersionMismatch) {
  auto ds = Lint(Std(100), Std(90, "          version 3\n"));
  EXPECT_TRUE(Has(ds, "speaks VRRPv3 but node1 VI_1 VRRPv2")) << Text(ds);
}

TEST(Lint, EqualPriorities) {
  auto ds = Lint(Std(100), Std(100));
  EXPECT_TRUE(Has(ds, "have the same priority 100")) << Text(ds);
}

TEST(Lint, WeightsThatCannotMoveMastership) {
  const std::string track = "          track_script {\n              chk weight -2\n          }\n";
  auto ds = Lint(Std(100, track), Std(90));
  EXPECT_TRUE(Has(ds, "can only drop to 98")) << Text(ds);
  EXPECT_TRUE(Has(ds, "#2469")) << Text(ds);
  // Located at node1's vrrp_instance line in the scenario file (inline config).
  for (const auto& d : ds)
    if (d.message.find("can only drop") != std::string::npos) {
      EXPECT_EQ(d.where.file, "l.yaml");
      EXPECT_EQ(d.where.line, 10);
    }
  // Equal is not enough either: a BACKUP accepts an equal priority (R14).
  auto eq = Lint(Std(100, "          track_script {\n              chk weight -10\n          }\n"),
                 Std(90));
  EXPECT_TRUE(Has(eq, "can only drop to 90")) << Text(eq);
  auto ok = Lint(Std(100, "          track_script {\n              chk weight -11\n          }\n"),
                 Std(90));
  EXPECT_FALSE(Has(ok, "can only drop")) << Text(ok);
  // A positive weight on the backup counts.
  auto up = Lint(Std(100, track), Std(97,
                                      "          track_script {\n              chk weight 5\n"
                                      "          }\n"));
  EXPECT_FALSE(Has(up, "can only drop")) << Text(up);
}

TEST(Lint, UnicastPeers) {
  auto ds = Lint(Std(100, "          unicast_peer {\n              10.0.0.9\n          }\n"),
                 Std(90, "          unicast_peer {\n              10.0.0.1\n          }\n"));
  EXPECT_TRUE(Has(ds, "has unicast_peer 10.0.0.9 which is not the source address")) << Text(ds);
  EXPECT_TRUE(Has(ds, "does not list node2 VI_1 (10.0.0.2)")) << Text(ds);
  auto mixed =
      Lint(Std(100, "          unicast_peer {\n              10.0.0.2\n          }\n"), Std(90));
  EXPECT_TRUE(Has(mixed, "is unicast but node2 VI_1 is multicast")) << Text(mixed);
}

TEST(Lint, SeedScenarios) {
  auto mb =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml");
  ASSERT_TRUE(mb.ok());
  EXPECT_TRUE(LintScenario(*mb.scenario).empty()) << Text(LintScenario(*mb.scenario));
  auto bb =
      LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/backup-backup.yaml");
  ASSERT_TRUE(bb.ok());
  EXPECT_TRUE(Has(LintScenario(*bb.scenario), "have the same priority 99"));
  auto w = LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) +
                            "/scenarios/edges/weights-cannot-fail-over.yaml");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(Has(LintScenario(*w.scenario), "can only drop to 98"));
  auto u = LoadScenarioFile(std::string(VRRPSIM_SOURCE_DIR) +
                            "/scenarios/edges/unicast-wrong-peer.yaml");
  ASSERT_TRUE(u.ok());
  const auto ul = LintScenario(*u.scenario);
  EXPECT_TRUE(Has(ul, "node1 VI_1 has unicast_peer 10.0.0.9")) << Text(ul);
  EXPECT_TRUE(Has(ul, "node1 VI_1 does not list node2 VI_1 (10.0.0.2)")) << Text(ul);
  EXPECT_FALSE(Has(ul, "VRID 52")) << Text(ul);
}

}  // namespace
}  // namespace vsim
