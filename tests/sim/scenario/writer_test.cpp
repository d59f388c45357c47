#include "sim/scenario/writer.h"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>

#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/sim/scenario/shipped.h"

namespace vsim {
namespace {

using testing::ShippedScenarios;

std::string Write(const Scenario& sc, const WriteScenarioOptions& options = {}) {
  std::string yaml, error;
  EXPECT_TRUE(WriteScenarioYaml(sc, options, &yaml, &error)) << error;
  EXPECT_TRUE(error.empty()) << error;
  return yaml;
}

// The trace hash of a run, without where its expectations sit in the file
// (the written file has other line numbers; everything else must be equal).
std::uint64_t Hash(RunResult r) {
  for (auto& x : r.expectations) x.where = {};
  return TraceHash(r);
}

std::vector<std::string> Messages(const vrrp::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags)
    out.push_back(std::to_string(static_cast<int>(d.severity)) + " " + d.message);
  return out;
}

// Writes `original`, loads the text back (as if it were `path`, configs
// relative to `dir`), and checks that both give the same runs: trace for
// trace, expectation for expectation. Returns the written text.
std::string ExpectRoundTrip(const Scenario& original, const vrrp::Diagnostics& original_diags,
                            const std::string& path, const std::string& dir) {
  const std::string yaml = Write(original);
  ScenarioLoad back = LoadScenarioText(yaml, path, dir);
  for (const auto& d : back.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  EXPECT_TRUE(back.ok()) << yaml;
  if (!back.ok()) return yaml;
  const Scenario& sc = *back.scenario;
  // keepalived's and the overrides' messages are the same (their locations
  // are not: configurations are now inline).
  EXPECT_EQ(Messages(back.diagnostics), Messages(original_diags));

  EXPECT_EQ(sc.name, original.name);
  EXPECT_EQ(sc.description, original.description);
  EXPECT_EQ(sc.seed, original.seed);
  EXPECT_EQ(sc.duration, original.duration);
  EXPECT_EQ(sc.wakeup_jitter, original.wakeup_jitter);
  EXPECT_EQ(sc.segments, original.segments);
  EXPECT_EQ(sc.trunks.size(), original.trunks.size());
  EXPECT_EQ(sc.clients.size(), original.clients.size());
  EXPECT_EQ(sc.expect.size(), original.expect.size());
  EXPECT_EQ(sc.variants.size(), original.variants.size());
  EXPECT_EQ(sc.nodes.size(), original.nodes.size());
  for (std::size_t i = 0; i < std::min(sc.nodes.size(), original.nodes.size()); ++i) {
    EXPECT_EQ(sc.nodes[i].name, original.nodes[i].name);
    EXPECT_EQ(sc.nodes[i].config_text, original.nodes[i].config_text);
    EXPECT_EQ(sc.nodes[i].interfaces.size(), original.nodes[i].interfaces.size());
    EXPECT_EQ(sc.nodes[i].start, original.nodes[i].start);
    EXPECT_EQ(sc.nodes[i].wakeup_jitter, original.nodes[i].wakeup_jitter);
    EXPECT_EQ(sc.nodes[i].script_runtime, original.nodes[i].script_runtime);
  }
  EXPECT_EQ(sc.timeline.size(), original.timeline.size());
  for (std::size_t i = 0; i < std::min(sc.timeline.size(), original.timeline.size()); ++i) {
    EXPECT_EQ(sc.timeline[i].kind, original.timeline[i].kind) << i;
    EXPECT_EQ(sc.timeline[i].at, original.timeline[i].at) << i;
    EXPECT_EQ(sc.timeline[i].label, original.timeline[i].label) << i;
    EXPECT_EQ(sc.timeline[i].config_text, original.timeline[i].config_text) << i;
  }
  for (std::size_t i = 0; i < std::min(sc.variants.size(), original.variants.size()); ++i) {
    EXPECT_EQ(sc.variants[i].name, original.variants[i].name);
    EXPECT_EQ(sc.variants[i].overrides.size(), original.variants[i].overrides.size());
    EXPECT_EQ(sc.variants[i].expect.size(), original.variants[i].expect.size());
  }

  // A fixed point: the loaded text writes the same text again.
  EXPECT_EQ(Write(sc), yaml);

  const std::vector<RunResult> a = RunMatrix(original);
  const std::vector<RunResult> b = RunMatrix(sc);
  EXPECT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    SCOPED_TRACE("variant '" + a[i].variant + "'");
    EXPECT_EQ(a[i].variant, b[i].variant);
    EXPECT_EQ(a[i].events.size(), b[i].events.size());
    EXPECT_EQ(Hash(a[i]), Hash(b[i]));
    EXPECT_EQ(a[i].expectations.size(), b[i].expectations.size());
    for (std::size_t k = 0; k < std::min(a[i].expectations.size(), b[i].expectations.size()); ++k) {
      EXPECT_EQ(a[i].expectations[k].description, b[i].expectations[k].description);
      EXPECT_EQ(a[i].expectations[k].passed, b[i].expectations[k].passed)
          << a[i].expectations[k].description;
      EXPECT_EQ(a[i].expectations[k].evidence, b[i].expectations[k].evidence);
    }
  }
  return yaml;
}

Scenario LoadText(const std::string& yaml, vrrp::Diagnostics* diags = nullptr) {
  ScenarioLoad l = LoadScenarioText(yaml, "w.yaml", ".");
  for (const auto& d : l.diagnostics)
    if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString();
  if (diags) *diags = l.diagnostics;
  EXPECT_TRUE(l.ok());
  return l.ok() ? *l.scenario : Scenario{};
}

TEST(WriteScenarioYaml, EveryShippedScenarioRoundTrips) {
  const auto files = ShippedScenarios();
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok());
    const std::string dir = std::filesystem::path(file).parent_path().string();
    ExpectRoundTrip(*load.scenario, load.diagnostics, file, dir);
  }
}

TEST(WriteScenarioYaml, SameScenarioSameBytes) {
  for (const auto& file : ShippedScenarios()) {
    SCOPED_TRACE(file);
    ScenarioLoad load = LoadScenarioFile(file);
    ASSERT_TRUE(load.ok());
    const Scenario copy = *load.scenario;
    const std::string first = Write(*load.scenario, {.header_comment = "x"});
    EXPECT_EQ(Write(*load.scenario, {.header_comment = "x"}), first);
    EXPECT_EQ(Write(copy, {.header_comment = "x"}), first);
  }
}

TEST(WriteScenarioYaml, MasterBackupLooksRight) {
  const std::string file = std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/seed/master-backup.yaml";
  ScenarioLoad load = LoadScenarioFile(file);
  ASSERT_TRUE(load.ok());
  const std::string yaml =
      Write(*load.scenario, {.header_comment = "found by vrrpsim explore\n\nseed 7"});
  auto has = [&](const std::string& text) {
    EXPECT_NE(yaml.find(text), std::string::npos) << "missing:\n" << text << "\nin:\n" << yaml;
  };
  EXPECT_EQ(yaml.rfind("# found by vrrpsim explore\n#\n# seed 7\nname: seed master-backup\n"
                       "description: |2\n  Seed section 1 (master-backup mode), configurations "
                       "copied verbatim from the\n",
                       0),
            0u)
      << yaml;
  // The configuration file ends with an empty line: kept (`+`).
  // `shell: bash`: the seed's `</dev/tcp` check needs bash as /bin/sh.
  has("\nseed: 1\nduration: 60.000000s\nnodes:\n  - name: node1\n    interfaces:\n"
      "      - {name: eth0, address: 10.0.0.1, segment: lan}\n    shell: bash\n"
      "    config: |2+\n"
      "      # From the vrrpsim seed");
  // The seed's configuration, verbatim, its '#' comment lines included.
  has("\n      vrrp_instance VI_1 {\n");
  has("\n          state MASTER            \n");  // trailing spaces
  has("\n          #nopreempt\t\t\t\t# ");
  has("      }\n\n  - name: node2\n");
  has("\ntimeline:\n"
      "  - {at: 20.000000s, op: check, node: node1, script: chk_app, result: fail, id: "
      "check-fail}\n"
      "  - {at: 40.000000s, op: check, node: node1, script: chk_app, result: succeed, id: "
      "check-ok}\n"
      "expect:\n"
      "  - master: {node: node1, at: 10.000000s}\n"
      "  - vip: {node: node1, address: 192.168.10.1, at: 10.000000s}\n"
      "  - priority: {node: node1, is: 98, at: check-fail + 2s}\n");
  has("\n  - failover: {after: check-fail, within: 8.000000s, node: node2}\n");
  has("\n  - transitions: {node: node1, sequence: [BACKUP, {state: MASTER, at: 6.609375s}, "
      "{state: BACKUP, at: 27.222656s}, {state: MASTER, at: 47.832031s}]}\n");
  has("\n  - no_split_brain\n  - vip_downtime: {max: 0.000000s}\n"
      "  - flaps: {node: node1, max: 2}\n  - final: {master: node1}\n");
  EXPECT_EQ(yaml.find("matrix"), std::string::npos);
}

// Product-form matrices come back as `vary:`; explicit ones as `variants:`.
TEST(WriteScenarioYaml, MatrixForms) {
  const std::string dir = std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/";
  {
    ScenarioLoad load = LoadScenarioFile(dir + "edges/weights-cannot-fail-over.yaml");
    ASSERT_TRUE(load.ok());
    const std::string yaml = Write(*load.scenario);
    EXPECT_NE(yaml.find("\nmatrix:\n  node: node1\n  vary:\n    weight.chk: [\"-2\", \"-20\"]\n"),
              std::string::npos)
        << yaml;
  }
  {
    ScenarioLoad load = LoadScenarioFile(dir + "seed/nopreempt-master-backup.yaml");
    ASSERT_TRUE(load.ok());
    const std::string yaml = Write(*load.scenario);
    EXPECT_NE(
        yaml.find("\nmatrix:\n  variants:\n    - name: as-seed\n    - name: node2-preempts\n"
                  "      set:\n        node2: {nopreempt: off}\n      expect:\n"
                  "        - failover: {after: check-fail, within: 8.000000s, node: node2}\n"),
        std::string::npos)
        << yaml;
  }
}

// Every operation kind, every (older) expectation kind, a network with
// links, trunks and clients, several interfaces, node settings and an
// explicit matrix with every override key.
constexpr const char* kCoverage = R"(name: "coverage: every kind"
description: |
  Free text: "quotes", a # sign, a colon: here, and a tab	here.
    An indented line.

  After an empty line.
seed: 12345678901234
duration: 80s
wakeup_jitter: 20us
network:
  segments: [lan, storage, far]
  default_link: {latency: 100us}
  links:
    - {node: node2, interface: eth0, latency: 1ms, jitter: 500us, loss: 2%}
    - {node: node1, interface: eth1, up: {latency: 2ms}, down: {jitter: 1ms, loss: 0.125}}
  trunks:
    - {between: [lan, far], latency: 1ms, up: {loss: 1%}}
  clients:
    - {name: client1, address: 10.0.0.50, segment: lan, arp_recovery: 5s}
nodes:
  - name: node1
    interfaces:
      - {name: eth0, address: 10.0.0.1, segment: lan}
      - {name: eth1, address: 10.1.0.1, segment: storage}
    config: |
      vrrp_script chk {
          script "/bin/true"
          interval 1
          weight -20
      }
      track_file maint {
          file "/var/run/maint"
          weight 0
      }
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 100
          advert_int 1
          track_script {
              chk
          }
          track_file {
              maint
          }
          virtual_ipaddress {
              10.0.0.100/24
          }
      }
  - name: node2
    interfaces:
      - {name: eth0, address: 10.0.0.2, segment: lan}
      - {name: eth1, address: 10.1.0.2, segment: storage}
    script_runtime: 20ms
    config: |
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 90
          advert_int 1
          virtual_ipaddress {
              10.0.0.100/24
          }
      }
  - name: node3
    address: 10.0.0.3
    segment: far
    wakeup_jitter: 100us
    start: never
    config: |
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 80
          advert_int 1
          virtual_ipaddress {
              10.0.0.100/24
          }
      }
timeline:
  - {at: 0s, op: check, node: node1, script: chk, result: succeed}
  - {at: 2s, op: start, node: node3, id: n3-up}
  - {at: 10s, op: check, node: node1, script: chk, result: fail, id: chk-fail, repeat: {every: 20s, times: 2}}
  - {at: chk-fail + 5s, op: check, node: node1, script: chk, result: timeout}
  - {at: 18s, op: check, node: node1, result: succeed}
  - {at: 20s, op: link-down, node: node2, interface: eth1}
  - {at: 21s, op: link-up, node: node2}
  - {at: 22s, op: partition, groups: [[node1], [node2, node3]], id: part}
  - {at: 26s, op: heal, id: heal}
  - {at: 28s, op: block, from: node1, to: node2, id: blk}
  - {at: 32s, op: unblock, from: node1, to: node2}
  - {at: 34s, op: link-params, node: node2, interface: eth0, latency: 3ms, up: {loss: 10%}}
  - {at: 36s, op: link, node: node2}
  - {at: 38s, op: pause, node: node1, for: 4500ms, id: freeze}
  - at: 44s
    op: reload
    node: node2
    id: reload-2
    config: |
      vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 95
          advert_int 1
          virtual_ipaddress {
              10.0.0.100/24
          }
      }
  - {at: 46s, op: track-file, node: node1, file: maint, value: 3}
  - {at: 48s, op: track-file, node: node1, file: maint, value: -1}
  - {at: 50s, op: stop, node: node3}
  - {at: 52s, op: restart, node: node2, id: rst}
  - {at: 54s, op: power-off, node: node1, id: off}
  - {at: 56s, op: power-on, node: node1}
  - {at: 58s, op: crash, node: node2, id: crash-2}
  - {at: 60s, op: start, node: node2}
expect:
  - state: {node: node1, is: MASTER, at: 9s}
  - state: {node: node2, instance: VI_1, is: BACKUP, from: 1s, to: chk-fail}
  - master: {node: node1, vrid: 51, from: 7s, to: 9s}
  - master: {node: none, at: 0s}
  - vip: {node: node1, address: 10.0.0.100, at: 9s}
  - priority: {node: node1, is: 80, at: chk-fail + 1.5s}
  - no_split_brain: {masters_only: true, except: [{from: part, to: heal + 2s}, {from: blk - 1s, to: end}]}
  - no_split_brain
  - split_brain: {total_max: 10s, longest_max: 5s, masters_only: true}
  - split_brain: {total_min: 1us}
  - failover: {after: chk-fail, within: 5s, node: node2}
  - failover: {after: chk-fail.2, within: 5s, vrid: 51}
  - vip_downtime: {max: 1s, from: 5s, to: end}
  - vip_downtime: {max: 10s}
  - flaps: {node: node1, max: 10, min: 1}
  - flaps: {max: 20}
  - converges: {after: heal, within: 5s}
  - transitions: {node: node1, from: 0s, to: 8s, sequence: [BACKUP, {state: MASTER, at: 3.609375s}]}
  - final: {node: node3, is: STOP}
  - final: {master: node2, vrid: 51}
  - final: {master: none, variants: [base, heavy]}
  - client: {name: client1, reaches: node1, at: 9s}
  - client: {name: client1, address: 10.0.0.100, downtime_max: 5s}
  - client: {name: client1, reaches: none, from: off, to: off + 1s, downtime_max: 10s}
  - state: {node: node3, is: INIT, at: 1s, variants: [plain]}
matrix:
  variants:
    - name: plain
    - name: heavy
      set:
        node1: {instance: VI_1, priority: 150, state: BACKUP, preempt_delay: 2s, advert_int: 2s, script_weight: {chk: -60}}
        node2: {nopreempt: on}
        node3: {state: MASTER}
      expect:
        - master: {node: node1, at: 9s}
)";

TEST(WriteScenarioYaml, EveryKindRoundTrips) {
  vrrp::Diagnostics diags;
  Scenario sc = LoadText(kCoverage, &diags);
  ASSERT_EQ(sc.nodes.size(), 3u);
  const std::string yaml = ExpectRoundTrip(sc, diags, "w.yaml", ".");
  auto has = [&](const std::string& text) {
    EXPECT_NE(yaml.find(text), std::string::npos) << "missing:\n" << text << "\nin:\n" << yaml;
  };
  has("name: \"coverage: every kind\"\n");
  has("\nseed: 12345678901234\nduration: 80.000000s\nwakeup_jitter: 0.000020s\n");
  has("\n  segments: [lan, storage, far]\n");
  has("\n    - {node: node1, interface: eth0, latency: 0.000100s}\n");
  has("\n    - {node: node1, interface: eth1, up: {latency: 0.002000s, jitter: 0.000000s, loss: "
      "0}, "
      "down: {latency: 0.000100s, jitter: 0.001000s, loss: 0.125}}\n");
  has("\n    - {node: node2, interface: eth0, latency: 0.001000s, jitter: 0.000500s, loss: "
      "0.02}\n");
  has("\n    - {between: [lan, far], up: {latency: 0.001000s, jitter: 0.000000s, loss: 0.01}, "
      "down: {latency: 0.001000s, jitter: 0.000000s, loss: 0}}\n");
  has("\n    - {name: client1, address: 10.0.0.50, segment: lan, arp_recovery: 5.000000s}\n");
  has("\n    script_runtime: 0.020000s\n");
  has("\n    wakeup_jitter: 0.000100s\n    start: never\n");
  has("\n  - {at: 15.000000s, op: check, node: node1, script: chk, result: timeout}\n");
  has("\n  - {at: 30.000000s, op: check, node: node1, script: chk, result: fail, id: "
      "chk-fail.2}\n");
  has("\n  - {at: 20.000000s, op: link-down, node: node2, interface: eth1}\n");
  has("\n  - {at: 21.000000s, op: link-up, node: node2, interface: eth0}\n");
  has("\n  - {at: 22.000000s, op: partition, groups: [[node1], [node2, node3]], id: part}\n");
  has("\n  - {at: 26.000000s, op: heal, id: heal}\n");
  has("\n  - {at: 28.000000s, op: block, from: node1, to: node2, id: blk}\n");
  has("\n  - {at: 32.000000s, op: unblock, from: node1, to: node2}\n");
  has("\n  - {at: 34.000000s, op: link-params, node: node2, interface: eth0, up: {latency: "
      "0.003000s, jitter: 0.000000s, loss: 0.1}, down: {latency: 0.003000s, jitter: 0.000000s, "
      "loss: 0}}\n");
  has("\n  - {at: 36.000000s, op: link-params, node: node2, interface: eth0}\n");
  has("\n  - {at: 38.000000s, op: pause, node: node1, for: 4.500000s, id: freeze}\n");
  has("\n  - at: 44.000000s\n    op: reload\n    node: node2\n    id: reload-2\n    config: |2\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n");
  has("\n  - {at: 48.000000s, op: track-file, node: node1, file: maint, value: -1}\n");
  has("\n  - {at: 52.000000s, op: restart, node: node2, id: rst}\n");
  has("\n  - no_split_brain: {masters_only: true, except: [{from: part, to: heal + 2s}, "
      "{from: blk - 1s, to: end}]}\n");
  has("\n  - final: {master: none, variants: [base, heavy]}\n");
  has("\n  - client: {name: client1, reaches: none, from: off, to: off + 1s, downtime_max: "
      "10.000000s}\n");
  has("\n        node1: {instance: VI_1, priority: 150, state: BACKUP, preempt_delay: 2.000000s, "
      "advert_int: 2.000000s, script_weight: {chk: -60}}\n"
      "        node2: {nopreempt: on}\n        node3: {state: MASTER}\n");
}

// Configuration text a literal block must carry exactly.
TEST(WriteScenarioYaml, ConfigTextRoundTripsExactly) {
  const std::string base =
      "vrrp_instance VI_1 {\n"
      "    interface eth0\n"
      "    virtual_router_id 51\n"
      "    priority 100\n"
      "    virtual_ipaddress {\n"
      "        10.0.0.100/24\n"
      "    }\n"
      "}\n";
  std::string tabs = base;
  for (std::size_t p; (p = tabs.find("    ")) != std::string::npos;) tabs.replace(p, 4, "\t");
  std::string crlf;
  for (char c : base) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  std::string trailing_spaces = base;
  trailing_spaces.replace(trailing_spaces.find("{\n"), 2, "{   \n");
  const std::vector<std::string> texts = {
      base,
      "   " + base,                                    // first line indented
      "\n\n" + base,                                   // leading empty lines
      "  \n\t\n" + base,                               // whitespace-only lines first
      tabs,                                            // tab indentation
      trailing_spaces,                                 // trailing spaces
      base.substr(0, base.size() - 1),                 // no final newline
      base + "\n\n",                                   // several final newlines
      base + "   ",                                    // ends with spaces, no newline
      base + "  \n",                                   // a whitespace-only last line
      base + "\t\n\n  \n",                             // whitespace and empty lines at the end
      "# comment\n#nopreempt\n" + base + "  # end\n",  // '#' lines
      "# caf\xc3\xa9 \xe2\x80\x94 \"quoted\" 'single' \\ back\n" + base,  // UTF-8, quotes
      crlf,                                  // CR LF: not a block, double-quoted
      "# a\x01 control character\n" + base,  // likewise
  };
  Scenario sc = LoadText("name: c\nduration: 10s\nnodes:\n  - name: node1\n    config: |\n" +
                         [&] {
                           std::string indented;
                           std::size_t p = 0;
                           while (p < base.size()) {
                             const std::size_t e = base.find('\n', p);
                             indented += "      " + base.substr(p, e - p + 1);
                             p = e + 1;
                           }
                           return indented;
                         }() +
                         "timeline:\n  - at: 5s\n    op: reload\n    node: node1\n    config: "
                         "|\n      vrrp_instance VI_1 {\n          interface eth0\n          "
                         "virtual_router_id 51\n      }\n");
  ASSERT_EQ(sc.nodes.size(), 1u);
  ASSERT_EQ(sc.nodes[0].config_text, base);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE("text " + std::to_string(i));
    Scenario s = sc;
    s.nodes[0].config_text = texts[i];
    s.timeline[0].config_text = texts[i];
    const std::string yaml = Write(s);
    ScenarioLoad back = LoadScenarioText(yaml, "c.yaml", ".");
    ASSERT_TRUE(back.ok()) << yaml;
    EXPECT_EQ(back.scenario->nodes[0].config_text, texts[i]) << yaml;
    EXPECT_EQ(back.scenario->timeline[0].config_text, texts[i]) << yaml;
    EXPECT_EQ(Write(*back.scenario), yaml);
  }
}

TEST(WriteScenarioYaml, FreeTextRoundTrips) {
  Scenario sc = LoadText(
      "name: t\nduration: 10s\nnodes:\n  - name: node1\n    config: |\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
      "      }\n");
  const std::vector<std::string> texts = {
      "plain",
      "null",
      "~",
      "yes",
      "- a list?",
      "key: value # not a comment",
      "  leading and trailing  ",
      "one\ntwo\n",
      "no final newline\nsecond",
      "\"quoted\" and \\ backslash",
      "tab\there",
      "cr\rlf\r\n",
      "[flow], {map}, &anchor *alias !tag %directive @ `",
      "caf\xc3\xa9",
  };
  for (const auto& t : texts) {
    SCOPED_TRACE(t);
    Scenario s = sc;
    s.name = t;
    s.description = t;
    const std::string yaml = Write(s);
    ScenarioLoad back = LoadScenarioText(yaml, "t.yaml", ".");
    ASSERT_TRUE(back.ok()) << yaml;
    EXPECT_EQ(back.scenario->name, t) << yaml;
    EXPECT_EQ(back.scenario->description, t) << yaml;
  }
}

// The kinds `vrrpsim explore` checks, written as the format describes them
// and read back the same.
TEST(WriteScenarioYaml, NewExpectationKinds) {
  Scenario sc = LoadText(
      "name: n\nduration: 60s\nnodes:\n  - name: node1\n    config: |\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
      "      }\n"
      "  - name: node2\n    config: |\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
      "          priority 90\n      }\n"
      "timeline:\n  - {at: 10s, op: crash, node: node1, id: crash-1}\n"
      "  - {at: 30s, op: start, node: node1}\n");
  Expectation available;
  available.kind = ExpectKind::kVipAvailable;
  available.within = vrrp::Seconds(5);
  available.vrid = 51;
  Expectation flapping;
  flapping.kind = ExpectKind::kNoFlapping;
  flapping.count_max = 4;
  flapping.window = vrrp::Seconds(60);
  Expectation split;
  split.kind = ExpectKind::kNoSplitBrain;
  split.tolerance = vrrp::Millis(2500);
  split.while_connected = true;
  split.variants = {"base"};
  Expectation converges;
  converges.kind = ExpectKind::kConverges;
  converges.within = vrrp::Seconds(8);
  Expectation converges_after = converges;
  converges_after.after = TimeRef{"crash-1", vrrp::Seconds(2), {}, "crash-1+2s"};
  Expectation failover;
  failover.kind = ExpectKind::kFailover;
  failover.after = TimeRef{"", Duration{12345678}, {}, "12.345678s"};
  failover.within = vrrp::Seconds(3);
  sc.expect = {available, flapping, split, converges, converges_after, failover};
  // The descriptions quote the times' text, so the run comparison needs it set.
  vrrp::Diagnostics diags;
  LoadText(Write(sc), &diags);
  const std::string yaml = ExpectRoundTrip(sc, diags, "w.yaml", ".");
  EXPECT_NE(yaml.find("\nexpect:\n"
                      "  - vip_available: {within: 5.000000s, vrid: 51}\n"
                      "  - no_flapping: {max: 4, window: 60.000000s}\n"
                      "  - no_split_brain: {tolerance: 2.500000s, while: connected, variants: "
                      "[base]}\n"
                      "  - converges: {within: 8.000000s}\n"
                      "  - converges: {after: crash-1+2s, within: 8.000000s}\n"
                      "  - failover: {after: 12.345678s, within: 3.000000s}\n"),
            std::string::npos)
      << yaml;
  // Without text (a generated expectation): composed from the label, or absolute.
  Scenario no_text = sc;
  no_text.expect[4].after->text.clear();
  no_text.expect[5].after->text.clear();
  const std::string composed = Write(no_text);
  EXPECT_NE(composed.find("\n  - converges: {after: crash-1 + 2.000000s, within: 8.000000s}\n"
                          "  - failover: {after: 12.345678s, within: 3.000000s}\n"),
            std::string::npos)
      << composed;
  ScenarioLoad back = LoadScenarioText(yaml, "w.yaml", ".");
  ASSERT_TRUE(back.ok());
  const auto& e = back.scenario->expect;
  ASSERT_EQ(e.size(), 6u);
  EXPECT_EQ(e[0].kind, ExpectKind::kVipAvailable);
  EXPECT_EQ(e[0].within, available.within);
  EXPECT_EQ(e[0].vrid, 51);
  EXPECT_EQ(e[1].kind, ExpectKind::kNoFlapping);
  EXPECT_EQ(e[1].count_max, flapping.count_max);
  EXPECT_EQ(e[1].window, flapping.window);
  EXPECT_EQ(e[2].tolerance, split.tolerance);
  EXPECT_TRUE(e[2].while_connected);
  EXPECT_EQ(e[2].variants, split.variants);
  EXPECT_FALSE(e[3].after.has_value());
  ASSERT_TRUE(e[4].after.has_value());
  EXPECT_EQ(e[4].after->label, "crash-1");
  EXPECT_EQ(e[4].after->offset, vrrp::Seconds(2));
  ASSERT_TRUE(e[5].after.has_value());
  EXPECT_EQ(e[5].after->label, "");
  EXPECT_EQ(e[5].after->offset, 12345678);
}

void ExpectSameExplore(const ExploreSpec& a, const ExploreSpec& b) {
  EXPECT_EQ(a.present, b.present);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.window_from, b.window_from);
  EXPECT_EQ(a.window_to, b.window_to);
  EXPECT_EQ(a.quiet, b.quiet);
  EXPECT_EQ(a.min_faults, b.min_faults);
  EXPECT_EQ(a.max_faults, b.max_faults);
  EXPECT_EQ(a.min_gap, b.min_gap);
  EXPECT_EQ(a.min_length, b.min_length);
  EXPECT_EQ(a.max_length, b.max_length);
  EXPECT_EQ(a.open_percent, b.open_percent);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.prefix, b.prefix);
  const ExploreProperties& p = a.properties;
  const ExploreProperties& q = b.properties;
  EXPECT_EQ(p.no_split_brain, q.no_split_brain);
  EXPECT_EQ(p.split_tolerance, q.split_tolerance);
  EXPECT_EQ(p.split_while_connected, q.split_while_connected);
  EXPECT_EQ(p.vip_available, q.vip_available);
  EXPECT_EQ(p.vip_within, q.vip_within);
  EXPECT_EQ(p.converges, q.converges);
  EXPECT_EQ(p.converge_within, q.converge_within);
  EXPECT_EQ(p.no_flapping, q.no_flapping);
  EXPECT_EQ(p.flap_max, q.flap_max);
  EXPECT_EQ(p.flap_window, q.flap_window);
  EXPECT_EQ(p.scenario_expect, q.scenario_expect);
}

TEST(WriteScenarioYaml, ExploreSection) {
  const std::string head =
      "name: x\nduration: 10min\nnodes:\n  - name: node1\n    config: |\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
      "      }\n";
  const std::vector<std::string> sections = {
      "explore:\n",
      "explore:\n  duration: 10min\n  window: {from: 5s, to: 8min}\n  quiet: 1min\n"
      "  max_faults: 5\n  min_faults: 2\n  min_gap: 2s\n  length: {min: 3s, max: 50s}\n"
      "  open: 25%\n  weights: {crash: 3, check: 2, foreign: 0}\n"
      "  only: [crash, check, partition]\n  prefix: false\n  properties:\n"
      "    no_split_brain: {tolerance: 4s, while: always}\n    vip_available: {within: 10s}\n"
      "    converges: off\n    no_flapping: {max: 8, window: 30s}\n    expect: off\n",
      "explore:\n  properties:\n    no_split_brain: off\n    vip_available: off\n"
      "    converges: {within: 20s}\n    no_flapping:\n    expect: on\n",
  };
  for (const auto& section : sections) {
    SCOPED_TRACE(section);
    Scenario sc = LoadText(head + section);
    ASSERT_TRUE(sc.explore.present);
    const std::string yaml = Write(sc);
    ScenarioLoad back = LoadScenarioText(yaml, "x.yaml", ".");
    for (const auto& d : back.diagnostics)
      if (d.severity != vrrp::Severity::kWarning) ADD_FAILURE() << d.ToString() << "\n" << yaml;
    ASSERT_TRUE(back.ok());
    ExpectSameExplore(back.scenario->explore, sc.explore);
    EXPECT_EQ(Write(*back.scenario), yaml);
  }
  Scenario sc = LoadText(head + sections[1]);
  const std::string yaml = Write(sc);
  EXPECT_NE(yaml.find("\nexplore:\n  duration: 600.000000s\n"
                      "  window: {from: 5.000000s, to: 480.000000s}\n"
                      "  quiet: 60.000000s\n  max_faults: 5\n  min_faults: 2\n"
                      "  min_gap: 2.000000s\n  length: {min: 3.000000s, max: 50.000000s}\n"
                      "  open: 25%\n"
                      "  weights: {crash: 3, stop: 0, restart: 0, power: 0, pause: 0, reload: 0, "
                      "check: 2, track_file: 0, link: 0, partition: 1, block: 0, loss: 0, "
                      "jitter: 0, foreign: 0}\n"
                      "  prefix: false\n  properties:\n"
                      "    no_split_brain: {tolerance: 4.000000s, while: always}\n"
                      "    vip_available: {within: 10.000000s}\n    converges: off\n"
                      "    no_flapping: {max: 8, window: 30.000000s}\n    expect: off\n"),
            std::string::npos)
      << yaml;
  // Left out when the scenario has no section (or the caller clears it).
  sc.explore.present = false;
  EXPECT_EQ(Write(sc).find("explore"), std::string::npos);
}

TEST(WriteScenarioYaml, RefusesWhatCannotBeWritten) {
  Scenario sc = LoadText(
      "name: e\nduration: 60s\nnodes:\n  - name: node1\n    config: |\n"
      "      vrrp_instance VI_1 {\n          interface eth0\n          virtual_router_id 51\n"
      "      }\n");
  std::string out = "old", error;
  Scenario no_config = sc;
  no_config.nodes[0].config_text.clear();
  EXPECT_FALSE(WriteScenarioYaml(no_config, {}, &out, &error));
  EXPECT_TRUE(out.empty());
  EXPECT_NE(error.find("node node1"), std::string::npos) << error;
  EXPECT_NE(error.find("config_text"), std::string::npos) << error;

  Scenario bad_op = sc;
  ScenarioOp op;
  op.kind = OpKind::kCrash;
  op.node = 3;
  op.at = vrrp::Seconds(1);
  bad_op.timeline.push_back(op);
  error.clear();
  EXPECT_FALSE(WriteScenarioYaml(bad_op, {}, &out, &error));
  EXPECT_NE(error.find("node index 3"), std::string::npos) << error;

  Scenario reload = sc;
  op.kind = OpKind::kReload;
  op.node = 0;
  reload.timeline.push_back(op);
  error.clear();
  EXPECT_FALSE(WriteScenarioYaml(reload, {}, &out, &error));
  EXPECT_NE(error.find("reload"), std::string::npos) << error;

  Scenario bad_matrix = sc;
  Variant v;
  v.name = "a=1";
  bad_matrix.variants.push_back(v);
  error.clear();
  EXPECT_FALSE(WriteScenarioYaml(bad_matrix, {}, &out, &error));
  EXPECT_NE(error.find("matrix"), std::string::npos) << error;
}

}  // namespace
}  // namespace vsim
