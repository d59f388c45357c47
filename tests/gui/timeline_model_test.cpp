// The timeline model without any widget: lanes, VIP holders, bands, split
// brain, messages, causal chains, the skip-idle time map, and file loading
// (including corrupt and truncated traces).
#include "gui/timeline_model.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <fstream>
#include <sstream>

#include "big_trace.h"
#include "gui/run_loader.h"
#include "sim/scenario/runner.h"
#include "sim/trace/json_trace.h"

using namespace vsim;
using namespace vsim::gui;

namespace {

constexpr Time S = vrrp::kSecond;

std::string Seed(const char* name) {
  return std::string(VRRPSIM_SOURCE_DIR) + "/scenarios/" + name;
}

std::shared_ptr<const RunResult> RunPath(const std::string& path, bool packets = true) {
  ScenarioLoad load = LoadScenarioFile(path);
  if (!load.ok()) qFatal("cannot load %s", path.c_str());
  RunOptions o;
  o.record_packets = packets;
  return std::make_shared<RunResult>(RunScenario(*load.scenario, o));
}

std::shared_ptr<const RunResult> Run(const char* scenario, bool packets = true) {
  ScenarioLoad load = LoadScenarioFile(Seed(scenario));
  if (!load.ok()) qFatal("cannot load %s", scenario);
  RunOptions o;
  o.record_packets = packets;
  return std::make_shared<RunResult>(RunScenario(*load.scenario, o));
}

int LaneOf(const TimelineModel& m, const std::string& label) {
  for (std::size_t i = 0; i < m.lanes().size(); ++i)
    if (m.lanes()[i].label == label) return int(i);
  return -1;
}

LaneState StateAt(const TimelineModel& m, const std::string& lane, Time t) {
  const StateSegment* s = m.SegmentAt(LaneOf(m, lane), t);
  if (!s) qFatal("no segment in %s", lane.c_str());
  return s->state;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// `trace` with the last event's time replaced by `t`.
std::string HugeTime(const std::string& trace, const std::string& t) {
  std::string text = trace;
  const auto at = text.rfind("\"t\": ");
  const auto end = text.find(',', at);
  text.replace(at + 5, end - at - 5, t);
  return text;
}

void WriteFile(const QString& path, const std::string& text) {
  std::ofstream(path.toStdString(), std::ios::binary) << text;
}

}  // namespace

class TimelineModelTest : public QObject {
  Q_OBJECT

 private slots:
  void masterBackupLanes() {
    TimelineModel m(Run("seed/master-backup.yaml"));
    QCOMPARE(int(m.lanes().size()), 3);  // node1 VI_1, node2 VI_1, VIP 81
    QCOMPARE(StateAt(m, "node1 VI_1", 3 * S), LaneState::kBackup);
    QCOMPARE(StateAt(m, "node1 VI_1", 10 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node1 VI_1", 30 * S), LaneState::kBackup);
    QCOMPARE(StateAt(m, "node2 VI_1", 30 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node1 VI_1", 50 * S), LaneState::kMaster);
    // Exact boundary from the scenario: node1 MASTER at 6.609375 s.
    QCOMPARE(StateAt(m, "node1 VI_1", 6'609'374), LaneState::kBackup);
    QCOMPARE(StateAt(m, "node1 VI_1", 6'609'375), LaneState::kMaster);
    const int n1 = LaneOf(m, "node1 VI_1");
    QCOMPARE(m.PriorityAt(n1, 10 * S), 100);
    QCOMPARE(m.PriorityAt(n1, 30 * S), 98);
    const int vip = LaneOf(m, "VIP 81");
    QVERIFY(vip >= 0);
    QVERIFY(m.VipAt(vip, 3 * S)->hosts.empty());
    QCOMPARE(m.VipAt(vip, 10 * S)->hosts, std::vector<int>{0});
    QCOMPARE(m.VipAt(vip, 30 * S)->hosts, std::vector<int>{1});
    QVERIFY(!m.InSplitBrain(30 * S));
    // The check failure is a window from fail to succeed, on node1 only.
    bool check = false;
    for (const Band& b : m.bands())
      if (b.kind == "check" && b.start == 20 * S && b.end == 40 * S &&
          b.hosts == std::vector<int>{0})
        check = true;
    QVERIFY(check);
    // GARP and notify marks on node1's lane.
    int garps = 0, notifies = 0;
    for (const Mark& mk : m.lanes()[std::size_t(n1)].marks)
      (mk.kind == MarkKind::kGarp ? garps : notifies)++;
    QVERIFY(garps > 0);
    QCOMPARE(notifies, 4);  // BACKUP, MASTER, BACKUP, MASTER
    // Segments are contiguous over the run.
    for (const gui::Lane& l : m.lanes()) {
      if (l.kind != gui::Lane::Kind::kInstance) continue;
      QCOMPARE(l.segments.front().start, Time{0});
      QCOMPARE(l.segments.back().end, m.duration());
      for (std::size_t i = 1; i < l.segments.size(); ++i)
        QCOMPARE(l.segments[i].start, l.segments[i - 1].end);
    }
  }

  void splitBrainAndMessages() {
    TimelineModel m(Run("seed/split-brain-partition.yaml"));
    QVERIFY(m.InSplitBrain(30 * S));
    QVERIFY(!m.InSplitBrain(10 * S));
    const int vip = LaneOf(m, "VIP 81");
    QCOMPARE(m.VipAt(vip, 30 * S)->hosts, (std::vector<int>{0, 1}));
    bool partition = false;
    for (const Band& b : m.bands())
      if (b.kind == "partition" && b.start == 20 * S && b.end == 40 * S && b.hosts.empty())
        partition = true;
    QVERIFY(partition);
    QVERIFY(!m.messages().empty());
    const auto [b, e] = m.MessageRange(20 * S, 40 * S);
    QVERIFY(e > b);
    int dropped = 0;
    for (std::size_t i = b; i < e; ++i) dropped += m.messages()[i].dropped;
    QVERIFY(dropped > 5);
    // Every message was sent before it arrived.
    for (const Message& msg : m.messages()) QVERIFY(msg.sent <= msg.arrived);
    // Hover text names the state, the priority and the split brain.
    const std::string hover = Joined(m.Describe(LaneOf(m, "node2 VI_1"), 30 * S));
    QVERIFY2(hover.find("MASTER") != std::string::npos, hover.c_str());
    QVERIFY2(hover.find("priority 99") != std::string::npos, hover.c_str());
    QVERIFY2(hover.find("split brain") != std::string::npos, hover.c_str());
    // Causal chain of node2's takeover: the timer, the lost adverts, the partition.
    const int ev = m.TransitionNear(LaneOf(m, "node2 VI_1"), 25'222'656, 1000);
    QVERIFY(ev >= 0);
    const std::string chain = Joined(m.CausalChain(ev));
    QVERIFY2(chain.find("master-down-timer") != std::string::npos, chain.c_str());
    QVERIFY2(chain.find("lost (partition)") != std::string::npos, chain.c_str());
    QVERIFY2(chain.find("partition {node1} | {node2}") != std::string::npos, chain.c_str());
    QVERIFY2(chain.find("rule: R8") != std::string::npos, chain.c_str());
  }

  // IPv6 VIPs get a VIP lane as IPv4 ones do, named with their family.
  void dualStackVipLanes() {
    TimelineModel m(Run("ipv6/dual-stack.yaml"));
    // node1 VI_4, node1 VI_6, node2 VI_4, node2 VI_6, VIP 81, VIP 82 IPv6.
    QCOMPARE(int(m.lanes().size()), 6);
    const int v4 = LaneOf(m, "VIP 81"), v6 = LaneOf(m, "VIP 82 IPv6");
    QVERIFY(v4 >= 0 && v6 >= 0);
    QCOMPARE(m.lanes()[std::size_t(v6)].vrid, GroupKey(82, vrrp::IpFamily::kV6));
    // Both VIPs move together (one sync group): node1, node2 after the
    // check failure, node1 again.
    for (const int lane : {v4, v6}) {
      QVERIFY(m.VipAt(lane, 3 * S)->hosts.empty());
      QCOMPARE(m.VipAt(lane, 10 * S)->hosts, std::vector<int>{0});
      QCOMPARE(m.VipAt(lane, 30 * S)->hosts, std::vector<int>{1});
      QCOMPARE(m.VipAt(lane, 50 * S)->hosts, std::vector<int>{0});
    }
    QCOMPARE(StateAt(m, "node1 VI_6", 10 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node2 VI_6", 30 * S), LaneState::kMaster);
    const std::string hover = Joined(m.Describe(v6, 10 * S));
    QVERIFY2(hover.find("VIP 82 IPv6 (VRID 82 IPv6)") != std::string::npos, hover.c_str());
    QVERIFY2(hover.find("held by node1") != std::string::npos, hover.c_str());
    // Messages pair with their sender's instance of the right family.
    int v6_messages = 0;
    for (const Message& msg : m.messages()) {
      QVERIFY(msg.sent <= msg.arrived);
      v6_messages += msg.vrid == GroupKey(82, vrrp::IpFamily::kV6);
    }
    QVERIFY(v6_messages > 10);
  }

  // An IPv4 and an IPv6 instance with one VRID: two groups, two VIP lanes,
  // no split brain although node1 is IPv4 MASTER and node2 IPv6 MASTER.
  void sameVridTwoFamiliesHaveTheirOwnLanes() {
    TimelineModel m(
        RunPath(std::string(VRRPSIM_SOURCE_DIR) + "/tests/data/scenarios/ipv6/same-vrid.yaml"));
    QCOMPARE(int(m.lanes().size()), 6);
    const int v4 = LaneOf(m, "VIP 51"), v6 = LaneOf(m, "VIP 51 IPv6");
    QVERIFY(v4 >= 0 && v6 >= 0);
    QCOMPARE(m.VipAt(v4, 10 * S)->hosts, std::vector<int>{0});
    QCOMPARE(m.VipAt(v6, 10 * S)->hosts, std::vector<int>{1});
    QVERIFY(!m.InSplitBrain(10 * S));
    QCOMPARE(StateAt(m, "node1 VI_4", 10 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node2 VI_6", 10 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node2 VI_4", 10 * S), LaneState::kBackup);
    // The crash: node1's leftover IPv4 VIP with node2 - split brain on the
    // IPv4 lane only.
    QCOMPARE(m.VipAt(v4, 20 * S)->hosts, (std::vector<int>{0, 1}));
    QCOMPARE(m.VipAt(v6, 20 * S)->hosts, std::vector<int>{1});
    const std::string h4 = Joined(m.Describe(v4, 20 * S));
    const std::string h6 = Joined(m.Describe(v6, 20 * S));
    QVERIFY2(h4.find("split brain") != std::string::npos, h4.c_str());
    QVERIFY2(h6.find("split brain") == std::string::npos, h6.c_str());
    // Each instance lane carries its own group.
    QCOMPARE(m.lanes()[std::size_t(LaneOf(m, "node1 VI_6"))].vrid,
             GroupKey(51, vrrp::IpFamily::kV6));
    QCOMPARE(m.lanes()[std::size_t(LaneOf(m, "node1 VI_4"))].vrid, 51);
    // node1's IPv4 take-back after its restart: the cause is node2's last
    // IPv4 advert (priority 90), not node2's IPv6 ones (100) of the same VRID.
    const int ev = m.TransitionNear(LaneOf(m, "node1 VI_4"), 28'609'375, 1000);
    QVERIFY(ev >= 0);
    const std::string chain = Joined(m.CausalChain(ev));
    QVERIFY2(chain.find("from node2 (priority 90)") != std::string::npos, chain.c_str());
  }

  void crashIsDownStopIsStop() {
    TimelineModel m(Run("edges/stop-vs-crash.yaml", false));
    QCOMPARE(StateAt(m, "node1 VI_1", 15 * S), LaneState::kStop);
    QCOMPARE(StateAt(m, "node1 VI_1", 45 * S), LaneState::kDown);
    QCOMPARE(StateAt(m, "node1 VI_1", 55 * S), LaneState::kMaster);
    QCOMPARE(m.PriorityAt(LaneOf(m, "node1 VI_1"), 45 * S), 0);
    bool crash = false;
    for (const Band& b : m.bands())
      if (b.kind == "crash" && b.start == 40 * S && b.end == 50 * S) crash = true;
    QVERIFY(crash);
    // Causal chain of a higher-priority yield names the advert's sender.
    const int ev = m.TransitionNear(LaneOf(m, "node2 VI_1"), 23'609'375, 10);
    QVERIFY(ev >= 0);
    const std::string chain = Joined(m.CausalChain(ev));
    QVERIFY2(chain.find("higher-priority-advert") != std::string::npos, chain.c_str());
  }

  void traceFileRoundTrip() {
    auto run = Run("seed/master-backup.yaml");
    QTemporaryDir dir;
    const QString path = dir.filePath("mb.json");
    WriteFile(path, TraceJson(*run));
    LoadedRuns l = LoadRuns(path.toStdString());
    QVERIFY2(l.ok(), l.error.c_str());
    QCOMPARE(int(l.runs.size()), 1);
    QVERIFY(!l.scenario);
    TimelineModel a(run), b(l.runs.front());
    QCOMPARE(a.lanes().size(), b.lanes().size());
    for (std::size_t i = 0; i < a.lanes().size(); ++i) {
      QCOMPARE(a.lanes()[i].label, b.lanes()[i].label);
      QCOMPARE(a.lanes()[i].segments.size(), b.lanes()[i].segments.size());
      QCOMPARE(a.lanes()[i].holders.size(), b.lanes()[i].holders.size());
    }
    QCOMPARE(a.bands().size(), b.bands().size());
  }

  void scenarioFileRunsTheMatrix() {
    LoadedRuns l = LoadRuns(Seed("seed/nopreempt-master-backup.yaml"));
    QVERIFY2(l.ok(), l.error.c_str());
    QCOMPARE(int(l.runs.size()), 3);
    QVERIFY(l.scenario);
    QCOMPARE(l.runs[1]->variant, std::string("node2-preempts"));
  }

  void whatIfReSimulates() {
    LoadedRuns l = LoadRuns(Seed("seed/master-backup.yaml"));
    QVERIFY(l.ok());
    WhatIf w;
    ConfigOverride o;
    o.node = "node2";
    o.priority = 101;
    w.overrides.push_back(o);
    LoadedRuns r = RunWhatIf(*l.scenario, nullptr, w);
    QVERIFY2(r.ok(), r.error.c_str());
    TimelineModel m(r.runs.front());
    QCOMPARE(StateAt(m, "node2 VI_1", 10 * S), LaneState::kMaster);
    QCOMPARE(StateAt(m, "node1 VI_1", 10 * S), LaneState::kBackup);
    o.node = "nobody";
    w.overrides = {o};
    QVERIFY(!RunWhatIf(*l.scenario, nullptr, w).ok());
  }

  void packetsOnlyWhenTheyFit() {
    // Seed scenarios record packets; 60 hosts for 20 minutes would not.
    LoadedRuns small = LoadRuns(Seed("seed/master-backup.yaml"));
    QVERIFY(small.note.empty());
    QVERIFY(PacketEventBound(*small.scenario) < 1e6);
    std::string yaml = "name: wide\nduration: 20min\nnodes:\n";
    for (int i = 0; i < 60; ++i)
      yaml += "  - name: n" + std::to_string(i) +
              "\n    config: |\n      vrrp_instance VI_1 {\n          interface eth0\n"
              "          virtual_router_id 1\n          priority " +
              std::to_string(100 + i) +
              "\n          advert_int 1\n          virtual_ipaddress { 10.9.0.1/16 }\n      }\n";
    ScenarioLoad load = LoadScenarioText(yaml, "wide.yaml", ".");
    QVERIFY(load.ok());
    QVERIFY(PacketEventBound(*load.scenario) > 2e6);
  }

  void badFilesGiveErrorsNotCrashes() {
    QTemporaryDir dir;
    const std::string good = TraceJson(*Run("seed/master-backup.yaml", false));
    const std::vector<std::pair<QString, std::string>> cases = {
        {"truncated.json", good.substr(0, good.size() / 2)},
        {"cut-at-1.json", good.substr(0, 1)},
        {"garbage.json", "{\"format\": \"vrrpsim-trace\", \"version\": 1, \"hosts\": 7}"},
        {"wrong-version.json", "{\"format\": \"vrrpsim-trace\", \"version\": 99}"},
        {"not-json.json", "{{{{ \x01\x02\xff"},
        {"empty.yaml", ""},
        {"bad.yaml", "name: x\nnodes: [[[\n"},
        {"binary.bin", std::string("\x00\x01\x02\x03", 4)},
        // Times the axis once spun on: outside the run or the 30-day limit.
        {"event-at-2^63.json", HugeTime(good, "9223372036854775807")},
        {"negative-time.json", HugeTime(good, "-5")},
        {"duration-2^63.json",
         Replace(good, "\"duration_us\": 60000000", "\"duration_us\": 9223372036854775807")},
    };
    for (const auto& [name, text] : cases) {
      const QString path = dir.filePath(name);
      WriteFile(path, text);
      LoadedRuns l = LoadRuns(path.toStdString());
      QVERIFY2(!l.ok(), qPrintable(name));
      QVERIFY2(!l.error.empty(), qPrintable(name));
    }
    QVERIFY(!LoadRuns(dir.filePath("missing.json").toStdString()).ok());
    // ... with the position of the offending value.
    const std::string huge = LoadRuns(dir.filePath("event-at-2^63.json").toStdString()).error;
    QVERIFY2(huge.find("is after the end of the run") != std::string::npos, huge.c_str());
    QVERIFY2(QString::fromStdString(huge).contains(
                 QRegularExpression("event-at-2\\^63.json:\\d+:\\d+: ")),
             huge.c_str());
    // The message names the problem, not a YAML syntax error.
    QVERIFY(LoadRuns(dir.filePath("binary.bin").toStdString()).error.find("binary") !=
            std::string::npos);
    WriteFile(dir.filePath("plain.json"), "hello, not json\n");
    const std::string plain = LoadRuns(dir.filePath("plain.json").toStdString()).error;
    QVERIFY2(plain.find("YAML") == std::string::npos, plain.c_str());
    QVERIFY2(plain.find("JSON") != std::string::npos, plain.c_str());
    // A truncated event list: valid JSON prefix of every length must not crash.
    for (std::size_t n = 0; n < good.size(); n += good.size() / 97 + 1) {
      const QString path = dir.filePath("prefix.json");
      WriteFile(path, good.substr(0, n));
      QVERIFY(!LoadRuns(path.toStdString()).ok());
    }
  }

  void timeMap() {
    const TimeMap lin = TimeMap::Linear(60 * S);
    QCOMPARE(lin.ToAxis(12 * S), double(12 * S));
    QCOMPARE(lin.ToTime(double(12 * S)), 12 * S);
    QVERIFY(!lin.skips());
    const std::vector<Time> act = {0, 6 * S, 6 * S + 500, 30 * S, 60 * S};
    const TimeMap sk = TimeMap::SkipIdle(act, 60 * S, 400'000, 250'000);
    QVERIFY(sk.skips());
    QVERIFY(sk.length() < double(10 * S));
    double prev = -1;
    for (Time t = 0; t <= 60 * S; t += 100'000) {
      const double a = sk.ToAxis(t);
      QVERIFY(a >= prev);
      prev = a;
    }
    // Around activity the scale is 1:1 and the inverse is exact.
    for (Time t : act) QCOMPARE(sk.ToTime(sk.ToAxis(t)), t);
    QCOMPARE(sk.ToAxis(6 * S + 500) - sk.ToAxis(6 * S), 500.0);
  }

  void formatting() {
    QCOMPARE(FormatSeconds(12'345'678, vrrp::kSecond), std::string("12s"));
    QCOMPARE(FormatSeconds(12'345'678, 100'000), std::string("12.3s"));
    QCOMPARE(FormatSeconds(12'345'678, 1), std::string("12.345678s"));
    QCOMPARE(FormatSeconds(500, 100), std::string("0.0005s"));
    QCOMPARE(std::string(LaneStateName(LaneState::kDown)), std::string("down"));
  }

  void bigTraceModel() {
    auto run = testing::BigTrace();
    QElapsedTimer t;
    t.start();
    TimelineModel m(run);
    qInfo("1 h x 100 hosts: %zu events, model built in %lld ms", run->events.size(), t.elapsed());
    QCOMPARE(int(m.lanes().size()), 150);  // 100 instances + 50 VIP lanes
    QVERIFY(m.messages().size() > 100000);
    const auto [b, e] = m.MessageRange(1800 * S, 1801 * S);
    QCOMPARE(int(e - b), 50);
  }
};

QTEST_APPLESS_MAIN(TimelineModelTest)
#include "timeline_model_test.moc"
