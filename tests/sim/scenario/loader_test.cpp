#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "sim/scenario/scenario.h"

namespace vsim {
namespace {

using vrrp::Seconds;

const std::string kDataDir = std::string(VRRPSIM_TEST_DATA_DIR) + "/scenarios";

std::string Config(int priority, const std::string& extra = "") {
  return "      vrrp_script chk {\n"
         "          script \"/bin/true\"\n"
         "          weight -20\n"
         "      }\n"
         "      track_file tf {\n"
         "          file \"/tmp/tf\"\n"
         "      }\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          priority " +
         std::to_string(priority) + "\n" + extra +
         "          track_script {\n"
         "              chk\n"
         "          }\n"
         "          track_file {\n"
         "              tf\n"
         "          }\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

std::string Base(const std::string& tail = "", const std::string& head = "") {
  return "name: test\nduration: 60s\n" + head +
         "nodes:\n"
         "  - name: node1\n"
         "    address: 10.0.0.1\n"
         "    config: |\n" +
         Config(100) +
         "  - name: node2\n"
         "    address: 10.0.0.2\n"
         "    config: |\n" +
         Config(90) + tail;
}

ScenarioLoad Load(const std::string& yaml) { return LoadScenarioText(yaml, "test.yaml", kDataDir); }

std::string AllDiags(const ScenarioLoad& l) {
  std::string s;
  for (const auto& d : l.diagnostics) s += d.ToString() + "\n";
  return s;
}

const Scenario& Ok(const ScenarioLoad& l) {
  EXPECT_TRUE(l.ok()) << AllDiags(l);
  static Scenario empty;
  return l.ok() ? *l.scenario : empty;
}

bool HasError(const ScenarioLoad& l, const std::string& substring, int line = 0) {
  for (const auto& d : l.diagnostics)
    if (d.severity != vrrp::Severity::kWarning && d.message.find(substring) != std::string::npos &&
        (line == 0 || d.where.line == line))
      return true;
  return false;
}

TEST(ParseDuration, Units) {
  std::string err;
  EXPECT_EQ(ParseDuration("500us", &err), 500);
  EXPECT_EQ(ParseDuration("250ms", &err), 250000);
  EXPECT_EQ(ParseDuration("8s", &err), Seconds(8));
  EXPECT_EQ(ParseDuration("1.5s", &err), 1500000);
  EXPECT_EQ(ParseDuration("2min", &err), Seconds(120));
  EXPECT_EQ(ParseDuration("1h", &err), Seconds(3600));
  EXPECT_EQ(ParseDuration("1d", &err), Seconds(86400));
  EXPECT_EQ(ParseDuration("0", &err), 0);
  EXPECT_EQ(ParseDuration(" 3.609375s ", &err), 3609375);
  EXPECT_EQ(ParseDuration("0.000001s", &err), 1);
  EXPECT_EQ(ParseDuration("1.25ms", &err), 1250);
  EXPECT_EQ(ParseDuration("0.5min", &err), Seconds(30));
}

TEST(ParseDuration, Errors) {
  std::string err;
  EXPECT_FALSE(ParseDuration("10", &err));
  EXPECT_NE(err.find("needs a unit"), std::string::npos);
  EXPECT_FALSE(ParseDuration("5m", &err));
  EXPECT_NE(err.find("ambiguous"), std::string::npos);
  EXPECT_FALSE(ParseDuration("1.5us", &err));
  EXPECT_NE(err.find("whole number of microseconds"), std::string::npos);
  EXPECT_FALSE(ParseDuration("s", &err));
  EXPECT_FALSE(ParseDuration("-1s", &err));
  EXPECT_FALSE(ParseDuration("1e3s", &err));
  EXPECT_FALSE(ParseDuration("99999999999999999999d", &err));
  EXPECT_NE(err.find("too large"), std::string::npos);
  EXPECT_FALSE(ParseDuration("200000000d", &err));
  EXPECT_FALSE(ParseDuration("", &err));
}

TEST(ParseTimeRef, AbsoluteAndRelative) {
  std::string err;
  auto a = ParseTimeRef("8s", &err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->label, "");
  EXPECT_EQ(a->offset, Seconds(8));
  auto b = ParseTimeRef("partition-1 + 5s", &err);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->label, "partition-1");
  EXPECT_EQ(b->offset, Seconds(5));
  auto c = ParseTimeRef("heal - 250ms", &err);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->offset, -250000);
  auto d = ParseTimeRef("crash.1", &err);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->label, "crash.1");
  EXPECT_EQ(d->offset, 0);
  auto e = ParseTimeRef("x+1s", &err);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->label, "x");
  EXPECT_EQ(e->offset, Seconds(1));
  EXPECT_FALSE(ParseTimeRef("x * 2", &err));
  EXPECT_FALSE(ParseTimeRef("x + ", &err));
}

TEST(FormatTime, MicrosecondPrecision) {
  EXPECT_EQ(FormatTime(13257812), "13.257812s");
  EXPECT_EQ(FormatTime(0), "0.000000s");
  EXPECT_EQ(FormatTime(-1500000), "-1.500000s");
}

TEST(Loader, MinimalScenarioDefaults) {
  auto l = Load("name: m\nduration: 10s\nnodes:\n  - name: a\n    config: |\n" + Config(100) +
                "  - name: b\n    config: |\n" + Config(90));
  const Scenario& s = Ok(l);
  EXPECT_EQ(s.name, "m");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, Seconds(10));
  ASSERT_EQ(s.nodes.size(), 2u);
  // Default interface eth0 on segment lan, addresses 10.0.0.<n>.
  ASSERT_EQ(s.nodes[0].interfaces.size(), 1u);
  EXPECT_EQ(s.nodes[0].interfaces[0].name, "eth0");
  EXPECT_EQ(s.nodes[0].interfaces[0].segment, "lan");
  EXPECT_EQ(s.nodes[0].interfaces[0].address.ToString(), "10.0.0.1");
  EXPECT_EQ(s.nodes[1].interfaces[0].address.ToString(), "10.0.0.2");
  EXPECT_EQ(s.nodes[0].interfaces[0].up.latency, 0);
  EXPECT_EQ(s.nodes[0].start, Time{0});
  EXPECT_EQ(s.nodes[0].config_source, "<inline>");
  EXPECT_EQ(s.nodes[0].config.instances.at(0).priority, 100);
  EXPECT_TRUE(s.timeline.empty());
  EXPECT_TRUE(s.expect.empty());
  EXPECT_TRUE(s.variants.empty());
}

TEST(Loader, EveryTopLevelAndNodeKey) {
  auto l = Load(
      "name: full\n"
      "description: all keys\n"
      "seed: 18446744073709551615\n"
      "duration: 2min\n"
      "wakeup_jitter: 50us\n"
      "network:\n"
      "  segments: [lan, storage, wan]\n"
      "  default_link: {latency: 1ms, jitter: 100us, loss: 1%}\n"
      "  links:\n"
      "    - {node: n2, interface: eth0, latency: 2ms, up: {loss: 0.5}, down: {jitter: 3ms}}\n"
      "  trunks:\n"
      "    - {between: [lan, wan], latency: 5ms, up: {loss: 0.1}}\n"
      "nodes:\n"
      "  - name: n1\n"
      "    interfaces:\n"
      "      - {name: eth0, address: 192.168.1.1, segment: lan}\n"
      "      - {name: eth1, address: 192.168.2.1, segment: storage}\n"
      "    script_runtime: 20ms\n"
      "    wakeup_jitter: 200us\n"
      "    start: 1.5s\n"
      "    config: |\n" +
      Config(100) +
      "  - name: n2\n"
      "    address: 192.168.1.2\n"
      "    interface: eth0\n"
      "    segment: lan\n"
      "    start: never\n"
      "    config_file: configs/plain.conf\n");
  const Scenario& s = Ok(l);
  EXPECT_EQ(s.description, "all keys");
  EXPECT_EQ(s.seed, 18446744073709551615ull);
  EXPECT_EQ(s.duration, Seconds(120));
  EXPECT_EQ(s.segments, (std::vector<std::string>{"lan", "storage", "wan"}));
  ASSERT_EQ(s.nodes.size(), 2u);
  const auto& n1 = s.nodes[0];
  ASSERT_EQ(n1.interfaces.size(), 2u);
  EXPECT_EQ(n1.interfaces[1].name, "eth1");
  EXPECT_EQ(n1.interfaces[1].segment, "storage");
  EXPECT_EQ(n1.interfaces[1].address.ToString(), "192.168.2.1");
  EXPECT_EQ(n1.interfaces[0].up.latency, 1000);
  EXPECT_EQ(n1.interfaces[0].down.jitter, 100);
  EXPECT_DOUBLE_EQ(n1.interfaces[0].up.loss, 0.01);
  EXPECT_EQ(n1.script_runtime, 20000);
  EXPECT_EQ(s.wakeup_jitter, 50);
  EXPECT_EQ(n1.wakeup_jitter, Duration{200});
  EXPECT_FALSE(s.nodes[1].wakeup_jitter.has_value());  // the scenario's 50us applies
  EXPECT_EQ(n1.start, Time{1500000});
  const auto& n2 = s.nodes[1];
  EXPECT_FALSE(n2.start.has_value());
  EXPECT_EQ(n2.config_source, "configs/plain.conf");
  EXPECT_EQ(n2.interfaces[0].up.latency, 2000);
  EXPECT_DOUBLE_EQ(n2.interfaces[0].up.loss, 0.5);
  EXPECT_DOUBLE_EQ(n2.interfaces[0].down.loss, 0.01);  // default_link, not overridden
  EXPECT_EQ(n2.interfaces[0].down.jitter, 3000);
  ASSERT_EQ(s.trunks.size(), 1u);
  EXPECT_EQ(s.trunks[0].a, "lan");
  EXPECT_EQ(s.trunks[0].b, "wan");
  EXPECT_EQ(s.trunks[0].a_to_b.latency, 5000);
  EXPECT_DOUBLE_EQ(s.trunks[0].a_to_b.loss, 0.1);
  EXPECT_DOUBLE_EQ(s.trunks[0].b_to_a.loss, 0.0);
}

TEST(Loader, EveryOperation) {
  auto l =
      Load(Base("timeline:\n"
                "  - {at: 1s, op: start, node: node1}\n"
                "  - {at: 2s, op: stop, node: node1, id: stop-1}\n"
                "  - {at: 3s, op: crash, node: node2}\n"
                "  - {at: 4s, op: restart, node: node2}\n"
                "  - {at: 5s, op: power-off, node: node1}\n"
                "  - {at: 6s, op: power-on, node: node1}\n"
                "  - {at: 7s, op: pause, node: node1, for: 2.5s}\n"
                "  - op: reload\n"
                "    at: 8s\n"
                "    node: node2\n"
                "    config: |\n" +
                Config(120) +
                "  - {at: 9s, op: check, node: node1, script: chk, result: fail}\n"
                "  - {at: 9s, op: check, node: node2, result: timeout}\n"
                "  - {at: 10s, op: link-down, node: node1}\n"
                "  - {at: 11s, op: link-up, node: node1, interface: eth0}\n"
                "  - {at: 12s, op: partition, groups: [[node1], [node2]], id: part}\n"
                "  - {at: part + 3s, op: heal}\n"
                "  - {at: 16s, op: block, from: node1, to: node2}\n"
                "  - {at: 17s, op: unblock, from: node1, to: node2}\n"
                "  - {at: 18s, op: link-params, node: node2, latency: 1ms, down: {loss: 50%}}\n"
                "  - {at: 19s, op: track-file, node: node1, file: tf, value: -3}\n"
                "  - {at: stop-1 - 1s, op: check, node: node1, script: chk, result: succeed}\n"));
  const Scenario& s = Ok(l);
  ASSERT_EQ(s.timeline.size(), 19u);
  // Sorted by time (stable): the op at stop-1 - 1s = 1s comes second.
  EXPECT_EQ(s.timeline[0].kind, OpKind::kStart);
  EXPECT_EQ(s.timeline[1].kind, OpKind::kSetCheck);
  EXPECT_EQ(s.timeline[1].at, Seconds(1));
  EXPECT_EQ(s.timeline[1].check, CheckMode::kSucceed);
  EXPECT_EQ(s.timeline[2].label, "stop-1");
  const auto find = [&](OpKind k) -> const ScenarioOp& {
    for (const auto& op : s.timeline)
      if (op.kind == k) return op;
    static ScenarioOp none;
    ADD_FAILURE() << OpKindName(k);
    return none;
  };
  EXPECT_EQ(find(OpKind::kPause).duration, 2500000);
  ASSERT_TRUE(find(OpKind::kReload).config);
  EXPECT_EQ(find(OpKind::kReload).config->instances.at(0).priority, 120);
  EXPECT_EQ(find(OpKind::kSetCheck).name, "chk");
  EXPECT_EQ(find(OpKind::kLinkDown).name, "eth0");
  EXPECT_EQ(find(OpKind::kPartition).groups, (std::vector<std::vector<int>>{{0}, {1}}));
  EXPECT_EQ(find(OpKind::kHeal).at, Seconds(15));
  EXPECT_EQ(find(OpKind::kBlock).node, 0);
  EXPECT_EQ(find(OpKind::kBlock).peer, 1);
  EXPECT_EQ(find(OpKind::kLinkParams).up.latency, 1000);
  EXPECT_EQ(find(OpKind::kLinkParams).down.latency, 1000);
  EXPECT_DOUBLE_EQ(find(OpKind::kLinkParams).down.loss, 0.5);
  EXPECT_DOUBLE_EQ(find(OpKind::kLinkParams).up.loss, 0.0);
  EXPECT_EQ(find(OpKind::kTrackFile).value, -3);
  EXPECT_EQ(find(OpKind::kTrackFile).name, "tf");
  // The timeout check on node2 picked its only script.
  int timeouts = 0;
  for (const auto& op : s.timeline)
    if (op.kind == OpKind::kSetCheck && op.check == CheckMode::kTimeout) {
      ++timeouts;
      EXPECT_EQ(op.name, "chk");
    }
  EXPECT_EQ(timeouts, 1);
  EXPECT_EQ(s.LabelTime("part"), Seconds(12));
  EXPECT_FALSE(s.LabelTime("nope"));
}

TEST(Loader, EveryExpectationKind) {
  auto l = Load(
      Base("timeline:\n"
           "  - {at: 10s, op: crash, node: node1, id: c}\n"
           "  - {at: 20s, op: heal, id: h}\n"
           "expect:\n"
           "  - state: {node: node1, instance: VI_1, is: MASTER, at: 5s}\n"
           "  - state: {node: node1, vrid: 51, is: BACKUP, from: 1s, to: c + 1s}\n"
           "  - master: {node: node1, vrid: 51, at: 5s}\n"
           "  - master: {node: none, from: 0s, to: 1s}\n"
           "  - vip: {node: node1, address: 10.0.0.100, at: end}\n"
           "  - priority: {node: node1, is: 100, at: 1s}\n"
           "  - no_split_brain\n"
           "  - no_split_brain: {vrid: 51, masters_only: true, except: [{from: c, to: h}]}\n"
           "  - split_brain: {total_max: 1s, total_min: 0s, longest_max: 1s, masters_only: on}\n"
           "  - failover: {after: c, within: 4s, node: node2, vrid: 51}\n"
           "  - vip_downtime: {max: 1s}\n"
           "  - vip_downtime: {max: 1s, from: c, to: end - 1s}\n"
           "  - flaps: {node: node1, max: 3, min: 1, vrid: 51}\n"
           "  - flaps: {max: 3}\n"
           "  - converges: {after: h, within: 2s}\n"
           "  - transitions: {node: node1, sequence: [BACKUP, {state: MASTER, at: 3.609375s}]}\n"
           "  - transitions: {node: node2, from: c, to: end, sequence: [MASTER]}\n"
           "  - final: {node: node2, is: MASTER}\n"
           "  - final: {master: node2, vrid: 51, variants: base}\n"
           "  - final: {master: none}\n"));
  const Scenario& s = Ok(l);
  ASSERT_EQ(s.expect.size(), 20u);
  EXPECT_EQ(s.expect[0].kind, ExpectKind::kState);
  EXPECT_EQ(s.expect[0].instance, "VI_1");
  EXPECT_EQ(s.expect[0].state, vrrp::State::kMaster);
  ASSERT_TRUE(s.expect[0].at);
  EXPECT_EQ(s.expect[0].at->offset, Seconds(5));
  ASSERT_TRUE(s.expect[1].during);
  EXPECT_EQ(s.expect[1].during->to.label, "c");
  EXPECT_EQ(s.expect[1].vrid, 51);
  EXPECT_TRUE(s.expect[3].node_none);
  ASSERT_TRUE(s.expect[4].address);
  EXPECT_EQ(s.expect[4].address->ToString(), "10.0.0.100");
  EXPECT_EQ(s.expect[4].at->label, "end");
  EXPECT_EQ(s.expect[5].priority, 100);
  EXPECT_EQ(s.expect[6].kind, ExpectKind::kNoSplitBrain);
  EXPECT_EQ(s.expect[7].except.size(), 1u);
  EXPECT_TRUE(s.expect[7].masters_only);
  EXPECT_EQ(s.expect[8].total_max, Seconds(1));
  EXPECT_EQ(s.expect[8].total_min, 0);
  EXPECT_EQ(s.expect[8].longest_max, Seconds(1));
  EXPECT_EQ(s.expect[9].kind, ExpectKind::kFailover);
  EXPECT_EQ(s.expect[9].node, 1);
  EXPECT_EQ(s.expect[9].within, Seconds(4));
  EXPECT_EQ(s.expect[11].during->to.offset, -Seconds(1));
  EXPECT_EQ(s.expect[12].count_max, 3);
  EXPECT_EQ(s.expect[12].count_min, 1);
  EXPECT_EQ(s.expect[13].node, -1);
  EXPECT_EQ(s.expect[14].kind, ExpectKind::kConverges);
  ASSERT_EQ(s.expect[15].sequence.size(), 2u);
  EXPECT_FALSE(s.expect[15].sequence[0].at);
  ASSERT_TRUE(s.expect[15].sequence[1].at);
  EXPECT_EQ(s.expect[15].sequence[1].at->offset, 3609375);
  EXPECT_EQ(s.expect[17].state, vrrp::State::kMaster);
  EXPECT_EQ(s.expect[18].variants, (std::vector<std::string>{"base"}));
  EXPECT_TRUE(s.expect[19].node_none);
  // Locations are 1-based lines of the scenario text.
  EXPECT_GT(s.expect[0].where.line, 40);
  EXPECT_EQ(s.expect[0].where.file, "test.yaml");
}

TEST(Loader, MatrixVaryAndVariants) {
  auto vary =
      Load(Base("matrix:\n  node: node2\n  instance: VI_1\n  vary:\n"
                "    nopreempt: [off, on]\n    priority: [80, 95, 110]\n"));
  const Scenario& s = Ok(vary);
  ASSERT_EQ(s.variants.size(), 6u);
  EXPECT_EQ(s.variants[0].name, "nopreempt=off,priority=80");
  EXPECT_EQ(s.variants[5].name, "nopreempt=on,priority=110");
  ASSERT_EQ(s.variants[5].configs.size(), 2u);
  EXPECT_TRUE(s.variants[5].configs[1].instances[0].nopreempt);
  EXPECT_EQ(s.variants[5].configs[1].instances[0].priority, 110);
  EXPECT_EQ(s.variants[5].configs[0].instances[0].priority, 100);  // node1 untouched
  EXPECT_EQ(s.nodes[1].config.instances[0].priority, 90);          // base untouched

  auto explicit_variants =
      Load(Base("matrix:\n  variants:\n"
                "    - name: fast\n"
                "      set:\n"
                "        node1: {advert_int: 1.4s, script_weight: {chk: -60}, preempt_delay: 5s}\n"
                "        node2: {state: MASTER, nopreempt: on, instance: VI_1}\n"
                "      expect:\n"
                "        - final: {master: node1}\n"
                "    - name: plain\n"));
  const Scenario& e = Ok(explicit_variants);
  ASSERT_EQ(e.variants.size(), 2u);
  const auto& fast = e.variants[0];
  EXPECT_EQ(fast.expect.size(), 1u);
  const auto& i1 = fast.configs[0].instances[0];
  EXPECT_EQ(i1.advert_int, Seconds(1));  // VRRPv2 rounds to whole seconds (R6)
  EXPECT_EQ(i1.track_scripts.at(0).weight, -60);
  EXPECT_EQ(i1.preempt_delay, Seconds(5));
  const auto& i2 = fast.configs[1].instances[0];
  EXPECT_EQ(i2.initial_state, vrrp::InitialState::kMaster);
  EXPECT_FALSE(i2.nopreempt);  // R25: cleared by state MASTER, with a warning
  bool warned = false, rounded = false;
  for (const auto& d : explicit_variants.diagnostics) {
    warned = warned || d.message.find("nopreempt will not work with initial state MASTER") !=
                           std::string::npos;
    rounded = rounded || d.message.find("rounding") != std::string::npos;
  }
  EXPECT_TRUE(warned);
  EXPECT_TRUE(rounded);
  EXPECT_TRUE(e.variants[1].overrides.empty());
}

TEST(Loader, OverridesFollowKeepalivedCompletion) {
  auto l = Load(
      Base("matrix:\n  variants:\n"
           "    - name: owner\n      set:\n        node1: {priority: 255, nopreempt: on}\n"
           "    - name: both\n      set:\n        node2: {nopreempt: on, preempt_delay: 3s}\n"));
  const Scenario& s = Ok(l);
  const auto& owner = s.variants[0].configs[0].instances[0];
  EXPECT_FALSE(owner.nopreempt);             // R24
  EXPECT_TRUE(owner.track_scripts.empty());  // R36: weighted scripts ignored for owners
  const auto& both = s.variants[1].configs[1].instances[0];
  EXPECT_TRUE(both.nopreempt);
  EXPECT_EQ(both.preempt_delay, 0);  // incompatible with nopreempt
}

TEST(Loader, ConfigDiagnosticsArePassedThroughWithScenarioLines) {
  // A warning in an inline config: located in the scenario file.
  auto l = Load(
      "name: w\nduration: 10s\nnodes:\n  - name: a\n    config: |\n"
      "      vrrp_instance VI_1 {\n"
      "          state MASTER\n"
      "          priority 100\n"
      "          nopreempt\n"
      "          interface eth0\n"
      "          virtual_router_id 51\n"
      "          virtual_ipaddress {\n"
      "              10.0.0.100/24\n"
      "          }\n"
      "      }\n");
  ASSERT_TRUE(l.ok()) << AllDiags(l);
  bool found = false;
  for (const auto& d : l.diagnostics)
    if (d.message.find("nopreempt will not work") != std::string::npos) {
      found = true;
      EXPECT_EQ(d.where.file, "test.yaml");
      EXPECT_GE(d.where.line, 6);
      EXPECT_LE(d.where.line, 8);
      EXPECT_NE(d.message.find("node a:"), std::string::npos);
    }
  EXPECT_TRUE(found) << AllDiags(l);
}

TEST(Loader, ConfigFileIncludesStayInsideTheScenarioDirectory) {
  auto l = Load(
      "name: inc\nduration: 10s\nnodes:\n  - name: a\n"
      "    config_file: configs/with-include.conf\n");
  const Scenario& s = Ok(l);
  ASSERT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.nodes[0].config.instances.size(), 1u);
  auto escape = Load(
      "name: inc\nduration: 10s\nnodes:\n  - name: a\n"
      "    config_file: configs/include-escape.conf\n");
  bool refused = false;
  for (const auto& d : escape.diagnostics)
    refused = refused || d.message.find("outside") != std::string::npos;
  EXPECT_TRUE(refused) << AllDiags(escape);
}

TEST(Loader, NeverThrowsOnGarbage) {
  const char* inputs[] = {"",
                          "\t\t",
                          "{",
                          "[[[[",
                          "name: [",
                          "!!binary 0xff",
                          "&a [*a]",
                          "nodes: *nope",
                          "name: x\nduration: 1s\nnodes: [{name: a, config: [5]}]",
                          "? [a, b]\n: c",
                          "name: {x: y}\nduration: [1]\nnodes: {}\n",
                          "%YAML 9.9\n---\nname: x",
                          "a: &x\n  b: *x\n"};
  for (const char* in : inputs) {
    auto l = Load(in);
    EXPECT_FALSE(l.ok()) << in;
    EXPECT_FALSE(l.diagnostics.empty()) << in;
  }
  // Deep nesting.
  std::string deep(100000, '[');
  auto l = Load(deep);
  EXPECT_FALSE(l.ok());
}

TEST(Loader, LimitsAndUnknownKeys) {
  auto big = Load(std::string(kMaxScenarioBytes + 1, '#'));
  EXPECT_TRUE(HasError(big, "larger than"));
  auto typo = Load(Base("expect:\n  - failover: {after: x, within: 1s, nod: node2}\n"));
  EXPECT_TRUE(HasError(typo, "unknown key 'nod' in expectation failover (did you mean 'node'?)"));
  auto huge =
      Load(Base("timeline:\n  - {at: 9000000000000000us, op: heal}\n"
                "  - {at: 1s, op: heal, repeat: {every: 100000d, times: 100000}}\n"
                "expect:\n  - master: {node: node1, at: end - 9000000000000000us}\n"));
  EXPECT_TRUE(HasError(huge, "longer than a run can be"));
  EXPECT_FALSE(huge.ok());
  auto long_run =
      Load("name: x\nduration: 30d\nnodes:\n  - name: a\n    config: |\n" + Config(100));
  EXPECT_TRUE(long_run.ok()) << AllDiags(long_run);
}

TEST(Loader, AliasesAreBounded) {
  // Each level doubles the tree; the visit budget stops it, with an error.
  std::string y = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i)
    y += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
         ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
  y += "name: x\nduration: 1s\nnodes: []\n";
  auto l = Load(y);
  EXPECT_FALSE(l.ok());
  std::string bomb =
      "name: x\nduration: 10s\nnodes:\n  - name: a\n    config: |\n" + Config(100) + "expect:\n";
  auto l2 = Load(bomb + "  - x\n");
  EXPECT_FALSE(l2.ok());
}

TEST(LoadScenarioFile, MissingFile) {
  auto l = LoadScenarioFile(kDataDir + "/does-not-exist.yaml");
  EXPECT_FALSE(l.ok());
  EXPECT_TRUE(HasError(l, "cannot open scenario file: no such file"));
  auto dir = LoadScenarioFile(kDataDir);
  EXPECT_FALSE(dir.ok());
  EXPECT_TRUE(HasError(dir, "is a directory, not a scenario file"));
}

TEST(Loader, TabIndentationIsNamed) {
  auto l = Load("name: x\nduration: 5s\nnodes:\n\t- name: a\n");
  EXPECT_FALSE(l.ok());
  EXPECT_TRUE(HasError(l, "line 4 is indented with a tab: YAML indents with spaces only"));
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

TEST(Loader, TruncatedAndMangledShippedScenariosNeverCrash) {
  const std::string root = std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed";
  for (const char* name : {"master-backup.yaml", "nopreempt-master-backup.yaml"}) {
    std::ifstream in(root + "/" + name);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    ASSERT_GT(text.size(), 100u);
    for (std::size_t cut = 0; cut < text.size(); cut += text.size() / 60 + 1) {
      ScenarioLoad l = LoadScenarioText(text.substr(0, cut), name, root);
      EXPECT_TRUE(l.ok() || !l.diagnostics.empty()) << cut;
    }
    // Flip characters that matter to YAML.
    for (std::size_t i = 0; i < text.size(); i += text.size() / 80 + 1) {
      for (char c : {':', '-', '[', '{', ' ', '|', '"'}) {
        std::string m = text;
        m[i] = c;
        ScenarioLoad l = LoadScenarioText(m, name, root);
        EXPECT_TRUE(l.ok() || !l.diagnostics.empty()) << i << " " << c;
      }
    }
  }
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

TEST(Loader, RepeatExpandsOperations) {
  auto l =
      Load(Base("timeline:\n"
                "  - {at: 10s, op: check, node: node1, result: fail, id: d, "
                "repeat: {every: 10s, times: 3}}\n"
                "  - {at: d.3 + 1s, op: heal}\n"));
  const Scenario& s = Ok(l);
  ASSERT_EQ(s.timeline.size(), 4u);
  EXPECT_EQ(s.timeline[0].label, "d");
  EXPECT_EQ(s.timeline[1].label, "d.2");
  EXPECT_EQ(s.timeline[1].at, Seconds(20));
  EXPECT_EQ(s.timeline[2].at, Seconds(30));
  EXPECT_EQ(s.timeline[3].at, Seconds(31));
  auto bad = Load(Base("timeline:\n  - {at: 10s, op: heal, repeat: {every: 0s, times: 3}}\n"));
  EXPECT_TRUE(HasError(bad, "repeat every: must be longer than 0"));
  auto beyond = Load(Base("timeline:\n  - {at: 10s, op: heal, repeat: {every: 30s, times: 3}}\n"));
  EXPECT_TRUE(HasError(beyond, "outside the run"));
  auto clash =
      Load(Base("timeline:\n  - {at: 1s, op: heal, id: x, repeat: {every: 1s, times: 2}}\n"
                "  - {at: 5s, op: heal, id: x.2}\n"));
  EXPECT_TRUE(HasError(clash, "duplicate id 'x.2'"));
  auto many =
      Load(Base("timeline:\n  - {at: 0s, op: heal, repeat: {every: 1us, times: 100001}}\n"));
  EXPECT_FALSE(many.ok());
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

// Issue 15: `@ID` lines select per node (config_id:, default the node name),
// and an IPv6 instance is read but refused by the simulator, clearly.
std::string SharedConfigNode(const std::string& name, int octet, const std::string& extra) {
  return "  - name: " + name + "\n    address: 10.0.0." + std::to_string(octet) + "\n" + extra +
         "    config: |\n"
         "      vrrp_instance VI_1 {\n"
         "          interface eth0\n"
         "          virtual_router_id 51\n"
         "          @node1 priority 150\n"
         "          @^node1 priority 50\n"
         "          virtual_ipaddress {\n"
         "              10.0.0.100/24\n"
         "          }\n"
         "      }\n";
}

TEST(LoaderConfigId, NodeNameIsTheDefaultConfigId) {
  ScenarioLoad l = LoadScenarioText(
      "name: c\nduration: 5s\nnodes:\n" + SharedConfigNode("node1", 1, "") +
          SharedConfigNode("node2", 2, "") + SharedConfigNode("node3", 3, "    config_id: node1\n"),
      "c.yaml", ".");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.scenario->nodes[0].config.instances.at(0).priority, 150);
  EXPECT_EQ(l.scenario->nodes[1].config.instances.at(0).priority, 50);
  EXPECT_EQ(l.scenario->nodes[2].config.instances.at(0).priority, 150);
}

// Issue 18: IPv6 instances load; interfaces get link-local addresses (by
// default fe80::<host number>) and optional global ones.
TEST(LoaderIpv6, AnIpv6InstanceLoadsWithDefaultAndGivenAddresses) {
  const std::string inst =
      "    config: |\n"
      "      vrrp_instance VI_6 {\n          interface eth0\n          virtual_router_id 51\n"
      "          virtual_ipaddress {\n              fd00::100/64\n          }\n      }\n";
  ScenarioLoad l = LoadScenarioText(
      "name: c\nduration: 5s\nnetwork:\n  clients:\n    - {name: c1, address: 10.0.0.50, "
      "address6: \"fd00::50\"}\nnodes:\n  - name: node1\n    address: 10.0.0.1\n" +
          inst +
          "  - name: node2\n    address: 10.0.0.2\n    address6: [\"fd00::2\", \"2001:db8::2\"]\n"
          "    link_local6: \"fe80::aa\"\n" +
          inst,
      "c.yaml", ".");
  for (const auto& d : l.diagnostics) ADD_FAILURE() << d.ToString();
  ASSERT_TRUE(l.ok());
  const Scenario& sc = *l.scenario;
  EXPECT_TRUE(sc.nodes[0].config.instances.at(0).ipv6);
  EXPECT_EQ(sc.nodes[0].interfaces[0].link_local6, *vrrp::IpAddress::Parse("fe80::1"));
  EXPECT_TRUE(sc.nodes[0].interfaces[0].addresses6.empty());
  EXPECT_EQ(sc.nodes[1].interfaces[0].link_local6, *vrrp::IpAddress::Parse("fe80::aa"));
  EXPECT_EQ(sc.nodes[1].interfaces[0].addresses6,
            (std::vector<vrrp::IpAddress>{*vrrp::IpAddress::Parse("fd00::2"),
                                          *vrrp::IpAddress::Parse("2001:db8::2")}));
  EXPECT_EQ(sc.clients[0].link_local6, *vrrp::IpAddress::Parse("fe80::3"));
  EXPECT_EQ(sc.clients[0].address6, *vrrp::IpAddress::Parse("fd00::50"));
}

TEST(LoaderIpv6, BadAndRepeatedIpv6AddressesAreErrors) {
  auto load = [](const std::string& extra1, const std::string& extra2) {
    return LoadScenarioText(
        "name: c\nduration: 5s\nnodes:\n  - name: node1\n    address: "
        "10.0.0.1\n" +
            extra1 +
            "    config: |\n      vrrp_instance VI_1 {\n          interface "
            "eth0\n          virtual_router_id 51\n      }\n"
            "  - name: node2\n    address: 10.0.0.2\n" +
            extra2 +
            "    config: |\n      vrrp_instance VI_1 {\n          interface "
            "eth0\n          virtual_router_id 51\n      }\n",
        "c.yaml", ".");
  };
  auto has = [](const ScenarioLoad& l, const std::string& text) {
    for (const auto& d : l.diagnostics)
      if (d.message.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(load("", "").ok());
  ScenarioLoad a = load("    address6: \"fe80::9\"\n", "");
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(has(a, "link-local one goes in link_local6"));
  ScenarioLoad b = load("    link_local6: \"fd00::1\"\n", "");
  EXPECT_FALSE(b.ok());
  EXPECT_TRUE(has(b, "is not an IPv6 link-local address"));
  ScenarioLoad c = load("", "    link_local6: \"fe80::1\"\n");  // node1's default
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(has(c, "fe80::1 is used twice"));
  ScenarioLoad d = load("    address6: \"fd00::7\"\n", "    address6: \"fd00::7\"\n");
  EXPECT_FALSE(d.ok());
  EXPECT_TRUE(has(d, "fd00::7 is used twice"));
}

}  // namespace
}  // namespace vsim
