// Each expectation kind, once passing and once failing with a clear message.
//
// The run: node1 (priority 100) and node2 (90), advert_int 1, VRID 51.
//   node1 MASTER at 3.609375 s (MDI(100));
//   crash node1 at 10 s (id c): node2 MASTER at 9.609375 + 3.648437 = 13.257812 s,
//     the VIP stays on the crashed node1 (R46): VIP split brain until 20 s;
//   start node1 at 20 s (id s): BACKUP, MASTER at 23.609375 s, node2 yields.
#include <gtest/gtest.h>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

std::string Node(const std::string& name, int octet, int priority) {
  return "  - name: " + name + "\n    address: 10.0.0." + std::to_string(octet) +
         "\n    config: |\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          priority " +
         std::to_string(priority) +
         "\n"
         "          advert_int 1\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

RunResult Run(const std::string& expect) {
  const std::string yaml =
      "name: e\nduration: 30s\nnetwork:\n  clients:\n"
      "    - {name: c1, address: 10.0.0.50}\nnodes:\n" +
      Node("node1", 1, 100) + Node("node2", 2, 90) +
      "timeline:\n"
      "  - {at: 10s, op: crash, node: node1, id: c}\n"
      "  - {at: 20s, op: start, node: node1, id: s}\n"
      "expect:\n" +
      expect;
  ScenarioLoad l = LoadScenarioText(yaml, "e.yaml", ".");
  for (const auto& d : l.diagnostics) ADD_FAILURE() << d.ToString();
  if (!l.ok()) return {};
  return RunScenario(*l.scenario);
}

// Runs one expectation and checks its outcome and evidence.
void Check(const std::string& expectation, bool passed, const std::string& evidence) {
  SCOPED_TRACE(expectation);
  RunResult r = Run("  - " + expectation + "\n");
  ASSERT_EQ(r.expectations.size(), 1u);
  const auto& e = r.expectations[0];
  EXPECT_EQ(e.passed, passed) << e.description << ": " << e.evidence;
  EXPECT_NE(e.evidence.find(evidence), std::string::npos)
      << "evidence: " << e.evidence << "\nwanted: " << evidence;
  EXPECT_FALSE(e.description.empty());
  EXPECT_EQ(e.where.file, "e.yaml");
  EXPECT_GT(e.where.line, 0);
}

TEST(Expectations, State) {
  Check("state: {node: node1, is: MASTER, at: 5s}", true,
        "node1 VI_1 is MASTER at 5.000000s (since 3.609375s)");
  Check("state: {node: node1, is: BACKUP, at: 5s}", false,
        "node1 VI_1 is MASTER at 5.000000s (since 3.609375s), expected BACKUP");
  Check("state: {node: node1, is: STOP, at: c + 1s}", true, "is STOP at 11.000000s (c + 1s)");
  Check("state: {node: node2, is: MASTER, from: 13.257812s, to: 23.609375s}", true,
        "was MASTER throughout [13.257812s, 23.609375s)");
  Check("state: {node: node2, is: MASTER, from: 13.257812s, to: 25s}", false,
        "node2 VI_1 left MASTER at 23.609375s (-> BACKUP)");
  Check("state: {node: node2, is: MASTER, from: 13s, to: 14s}", false,
        "node2 VI_1 is BACKUP at 13.000000s, expected MASTER");
}

TEST(Expectations, Client) {
  // c1's cache follows the GARPs: node1 from 3.609375 s; the crashed node1
  // keeps the VIP, so c1 reaches it until node2's GARPs at 13.257812 s;
  // node1's GARPs after its preemption at 23.609375 s. Never lost.
  Check("client: {name: c1, reaches: node1, at: c + 1s}", true,
        "client c1 traffic for 10.0.0.100 at 11.000000s (c + 1s): node1");
  Check("client: {name: c1, reaches: node2, at: 11s}", false,
        "client c1 traffic for 10.0.0.100 at 11.000000s: node1");
  Check("client: {name: c1, reaches: node2, from: 13.257812s, to: 23.609375s}", true,
        "reached node2 throughout [13.257812s, 23.609375s)");
  Check("client: {name: c1, reaches: node2, from: 13.257812s, to: 25s}", false,
        "client c1 traffic for 10.0.0.100 reached node1 at 23.609375s");
  Check("client: {name: c1, reaches: none, at: 1s}", true, "at 1.000000s: nobody (lost)");
  Check("client: {name: c1, downtime_max: 0}", true, "was lost for 0.000000s in all");
  Check("client: {name: c1, address: 10.0.0.99, downtime_max: 1s}", false,
        "client c1 never had traffic for 10.0.0.99");
}

TEST(Expectations, Master) {
  Check("master: {node: node1, at: 5s}", true, "MASTER of VRID 51 at 5.000000s: node1");
  Check("master: {node: node2, at: 5s}", false,
        "MASTER of VRID 51 at 5.000000s: node1; expected node2");
  Check("master: {node: none, at: 1s}", true, "MASTER of VRID 51 at 1.000000s: nobody");
  Check("master: {node: node2, from: 13.257812s, to: s}", true,
        "MASTER of VRID 51 was node2 throughout [13.257812s, 20.000000s)");
  Check("master: {node: node2, from: 13.257812s, to: end}", false,
        "MASTER of VRID 51 at 23.609375s: node1; expected node2 throughout");
}

TEST(Expectations, Vip) {
  Check("vip: {node: node1, at: 5s}", true, "holder of VRID 51's addresses at 5.000000s: node1");
  Check("vip: {node: node2, at: 15s}", false,
        "holder of VRID 51's addresses at 15.000000s: node1, node2; expected node2");
  Check("vip: {node: node1, address: 10.0.0.100, at: c + 1s}", true,
        "holder of 10.0.0.100 at 11.000000s (c + 1s): node1");
  Check("vip: {node: none, at: 2s}", true, "nobody");
}

TEST(Expectations, Priority) {
  Check("priority: {node: node2, is: 90, at: 5s}", true, "node2 VI_1 priority at 5.000000s: 90");
  Check("priority: {node: node2, is: 100, at: 5s}", false, "90, expected 100");
}

TEST(Expectations, SplitBrain) {
  Check("no_split_brain", false,
        "split brain: VRID 51 node1, node2 from 13.257812s to 20.000000s (6.742188s, two VIP "
        "holders)");
  Check("no_split_brain: {masters_only: true}", true, "no two MASTERs at all");
  Check("no_split_brain: {except: [{from: c, to: s}]}", true,
        "1 split-brain interval(s), all inside the allowed windows");
  Check("no_split_brain: {except: [{from: c, to: 15s}]}", false, "outside the allowed windows");
  Check("split_brain: {total_max: 7s, longest_max: 7s}", true,
        "split brain total 6.742188s in 1 interval(s), longest 6.742188s");
  Check("split_brain: {total_max: 5s}", false, "split brain total 6.742188s");
  Check("split_brain: {total_min: 10s}", false, "total 6.742188s");
}

TEST(Expectations, Failover) {
  Check("failover: {after: c, within: 3.257812s, node: node2}", true,
        "node2 became MASTER holding the VIP at 13.257812s, 3.257812s after c");
  Check("failover: {after: c, within: 3s}", false,
        "node2 became MASTER holding the VIP at 13.257812s, 3.257812s after c (limit 3.000000s)");
  Check("failover: {after: c, within: 5s, node: node1}", false, "expected node1");
  Check("failover: {after: 1s, within: 5s}", false, "no MASTER of VRID 51 just before");
  Check("failover: {after: s, within: 5s}", true,
        "node1 became MASTER holding the VIP at 23.609375s, 3.609375s after s");
}

TEST(Expectations, VipDowntime) {
  Check("vip_downtime: {max: 0s}", true, "VIP unheld for 0.000000s in [3.609375s, 30.000000s)");
  Check("vip_downtime: {max: 1s, from: 0s, to: 10s}", false,
        "VIP unheld for 3.609375s in [0.000000s, 10.000000s), longest gap 3.609375s from "
        "0.000000s (limit 1.000000s)");
}

TEST(Expectations, Flaps) {
  Check("flaps: {node: node1, max: 2}", true, "MASTER entries: node1 2");
  Check("flaps: {max: 1}", false, "MASTER entries: node1 2 node2 1");
  Check("flaps: {node: node2, min: 2}", false, "node2 1");
  // Every node, not the client c1 (it runs no keepalived and has no states).
  Check("flaps: {min: 1}", true, "MASTER entries: node1 2 node2 1");
  EXPECT_EQ(::vsim::Run("  - flaps: {min: 1}\n").expectations[0].evidence.find("c1"),
            std::string::npos);
}

TEST(Expectations, Converges) {
  Check("converges: {after: s, within: 4s}", true,
        "every VRID has exactly one MASTER from 20.000000s, 0.000000s after s (node2 for VRID 51)");
  Check("converges: {after: c, within: 1s}", false,
        "every VRID has exactly one MASTER from 13.257812s, 3.257812s after c (node2 for VRID "
        "51) (limit 1.000000s)");
}

TEST(Expectations, Transitions) {
  Check(
      "transitions: {node: node1, sequence: [BACKUP, {state: MASTER, at: 3.609375s}, STOP, "
      "BACKUP, MASTER]}",
      true,
      "node1 VI_1 entered [BACKUP@0.000000s, MASTER@3.609375s, STOP@10.000000s, "
      "BACKUP@20.000000s, MASTER@23.609375s]");
  Check("transitions: {node: node1, sequence: [BACKUP, {state: MASTER, at: 3.6s}]}", false,
        "step 2 (MASTER) at 3.609375s, expected at 3.600000s");
  Check("transitions: {node: node2, sequence: [BACKUP, BACKUP]}", false,
        "step 2 is MASTER, expected BACKUP");
  Check("transitions: {node: node2, from: s, to: end, sequence: [BACKUP, MASTER]}", false,
        "missing step 2 (MASTER)");
  Check("transitions: {node: node2, sequence: [BACKUP]}", false,
        "unexpected step 2 (MASTER at 13.257812s)");
}

TEST(Expectations, Final) {
  Check("final: {master: node1}", true, "MASTER of VRID 51 at the end (30.000000s): node1");
  Check("final: {master: none}", false, "node1; expected nobody");
  Check("final: {node: node2, is: BACKUP}", true,
        "node2 VI_1 is BACKUP at the end (30.000000s, since 23.609375s)");
  Check("final: {node: node2, is: MASTER}", false, "expected MASTER");
}

}  // namespace
}  // namespace vsim
