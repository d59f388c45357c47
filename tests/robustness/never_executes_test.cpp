// Configured commands are data, never executed (docs/robustness.md).
//
// Every vrrp_script, notify*, startup/shutdown script and notify FIFO script
// of the configuration below would create a file in a temp directory if
// anything ran it. The scenario makes every one of them due (checks fail and
// recover, both nodes go MASTER, BACKUP, FAULT and STOP), then the test runs
// it, lints it and reads its configs through the library, the `vrrpsim`
// binary (run, lint, compare) and, if it was built, `vrrpsim-gui --render`,
// and checks that no file appeared.
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "sim/io/fs_include_resolver.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "tests/robustness/robustness_util.h"

namespace vsim {
namespace {

using robustness::BuildProgram;
using robustness::Shell;
using robustness::TempDir;

// keepalived.conf whose every command would touch `<dir>/pwned-<what>`.
std::string HostileConfig(const std::string& dir, int priority) {
  auto touch = [&](const std::string& what) {
    return "\"/usr/bin/touch " + dir + "/pwned-" + what + "\"";
  };
  return "global_defs {\n"
         "  enable_script_security\n"
         "  script_user root\n"
         "  notify_fifo " +
         dir +
         "/fifo\n"
         "  notify_fifo_script " +
         touch("fifo-script") +
         "\n"
         "  vrrp_notify_fifo_script " +
         touch("vrrp-fifo-script") +
         "\n"
         "  startup_script " +
         touch("startup") +
         "\n"
         "  shutdown_script " +
         touch("shutdown") +
         "\n"
         "}\n"
         "vrrp_script chk {\n"
         "  script " +
         touch("check") +
         "\n"
         "  interval 1\n"
         "  weight -50\n"
         "}\n"
         "vrrp_script chk_sh {\n"
         "  script \"/bin/sh -c 'echo x > " +
         dir +
         "/pwned-sh'\"\n"
         "  interval 2\n"
         "}\n"
         "vrrp_instance VI_1 {\n"
         "  state BACKUP\n"
         "  interface eth0\n"
         "  virtual_router_id 51\n"
         "  priority " +
         std::to_string(priority) +
         "\n"
         "  advert_int 1\n"
         "  virtual_ipaddress {\n"
         "    10.0.0.100/24\n"
         "  }\n"
         "  track_script {\n"
         "    chk\n"
         "    chk_sh\n"
         "  }\n"
         "  track_interface {\n"
         "    eth0\n"
         "  }\n"
         "  notify_master " +
         touch("master") +
         "\n"
         "  notify_backup " +
         touch("backup") +
         "\n"
         "  notify_fault " +
         touch("fault") +
         "\n"
         "  notify_stop " +
         touch("stop") +
         "\n"
         "  notify " +
         touch("notify") +
         "\n"
         "  notify_master_rx_lower_pri " +
         touch("rx-lower") +
         "\n"
         "}\n";
}

const char* kScenario = R"(name: hostile commands
description: every configured command would create a pwned-* file if run
seed: 3
duration: 60s
nodes:
  - name: node1
    address: 10.0.0.1
    config_file: node1.conf
  - name: node2
    address: 10.0.0.2
    config_file: node2.conf
timeline:
  - {at: 10s, op: check, node: node1, script: chk, result: fail}
  - {at: 20s, op: check, node: node1, script: chk, result: succeed}
  - {at: 25s, op: link-down, node: node1, interface: eth0}
  - {at: 30s, op: link-up, node: node1, interface: eth0}
  - {at: 40s, op: stop, node: node1}
  - {at: 45s, op: start, node: node1}
  - {at: 50s, op: crash, node: node2}
expect:
  - master: {node: node1, at: 9s}
)";

class NeverExecutes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    dir_.Write("node1.conf", HostileConfig(dir_.path(), 150));
    dir_.Write("node2.conf", HostileConfig(dir_.path(), 100));
    dir_.Write("scenario.yaml", kScenario);
  }

  // Every file the commands would have created; must stay empty.
  std::vector<std::string> Pwned() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
      if (e.path().filename().string().rfind("pwned-", 0) == 0) out.push_back(e.path().string());
    return out;
  }

  TempDir dir_;
};

TEST_F(NeverExecutes, TheConfigReallyConfiguresTheCommands) {
  LoadResult r = LoadConfigFile(dir_ / "node1.conf", dir_.path());
  ASSERT_TRUE(r.read_ok);
  ASSERT_TRUE(r.parse.ok());
  ASSERT_EQ(r.parse.config.scripts.size(), 2u);
  EXPECT_NE(r.parse.config.scripts[0].script.find("pwned-check"), std::string::npos);
  ASSERT_EQ(r.parse.config.instances.size(), 1u);
  EXPECT_NE(r.parse.config.instances[0].notify_master.command.find("pwned-master"),
            std::string::npos);
}

TEST_F(NeverExecutes, LibraryRunLintAndTraceRunNothing) {
  ScenarioLoad load = LoadScenarioFile(dir_ / "scenario.yaml");
  for (const auto& d : load.diagnostics) SCOPED_TRACE(d.ToString());
  ASSERT_TRUE(load.ok());
  (void)LintScenario(*load.scenario);
  RunOptions options;
  options.record_packets = true;
  options.emit_logs = true;
  const std::vector<RunResult> runs = RunMatrix(*load.scenario, options);
  ASSERT_EQ(runs.size(), 1u);
  // The run did go through every state whose notify command is configured.
  bool master = false, backup = false, fault = false, stop = false, script_run = false;
  for (const TraceEvent& e : runs[0].events) {
    if (e.kind == TraceKind::kTransition) {
      master |= e.to == vrrp::State::kMaster;
      backup |= e.to == vrrp::State::kBackup;
      fault |= e.to == vrrp::State::kFault;
      stop |= e.to == vrrp::State::kStop;
    }
    script_run |= e.kind == TraceKind::kScriptRun;
  }
  EXPECT_TRUE(master && backup && fault && stop && script_run);
  (void)TraceJson(runs[0]);
  EXPECT_TRUE(Pwned().empty()) << Pwned()[0];
}

TEST_F(NeverExecutes, CommandLineRunLintCompareRunNothing) {
  const std::string vrrpsim = BuildProgram("VRRPSIM_BIN", "sim/vrrpsim");
  if (vrrpsim.empty()) GTEST_SKIP() << "vrrpsim binary not built in this tree";
  const std::string q = "'" + dir_.path() + "'";
  EXPECT_LE(Shell(vrrpsim + " run --packets --logs " + q + "/scenario.yaml --trace " + q +
                  "/t.json >/dev/null 2>&1"),
            1);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "t.json"));
  EXPECT_GE(Shell(vrrpsim + " lint " + q + "/node1.conf " + q + "/node2.conf >/dev/null 2>&1"), 0);
  EXPECT_GE(Shell(vrrpsim + " compare " + q + "/scenario.yaml >/dev/null 2>&1"), 0);
  EXPECT_TRUE(Pwned().empty()) << Pwned()[0];
}

TEST_F(NeverExecutes, GuiRenderRunsNothing) {
  const std::string gui = BuildProgram("VRRPSIM_GUI_BIN", "gui/vrrpsim-gui");
  if (gui.empty()) GTEST_SKIP() << "vrrpsim-gui not built in this tree";
  const std::string q = "'" + dir_.path() + "'";
  const int rc = Shell("QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0 " + gui +
                       " --render " + q + "/scenario.yaml -o " + q + "/out.png >/dev/null 2>&1");
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(Pwned().empty()) << Pwned()[0];
}

}  // namespace
}  // namespace vsim
