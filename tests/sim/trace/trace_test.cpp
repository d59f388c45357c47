#include <gtest/gtest.h>
#include <sstream>

#include "engine/config/parser.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"
#include "sim/trace/text_report.h"
#include "sim/world/simulation.h"

namespace vsim {
namespace {

struct Collect : TraceSink {
  std::vector<TraceEvent> events;
  void OnEvent(const TraceEvent& e) override { events.push_back(e); }
};

// A cluster of `hosts` nodes (priorities 100, 100 - step, ...) on one
// segment, with the given link parameters, a partition of node1 from the
// others at `partition_at` and a heal at `heal_at`, as a RunResult.
struct ClusterRun {
  std::uint64_t seed = 1;
  int hosts = 2;
  int priority_step = 10;
  LinkDirection up, down;
  Duration start_spacing = 0;
  std::string partition_label = "part-1";
  Time partition_at = vrrp::Seconds(10);
  Time heal_at = vrrp::Seconds(20);
  Duration duration = vrrp::Seconds(30);
  bool packets = false;
};

RunResult RunCluster(const ClusterRun& c) {
  SimulationOptions opts;
  opts.record_packets = c.packets;
  Simulation sim(c.seed, opts);
  Collect collect;
  SplitBrainDetector sb;
  sim.AddSink(&collect);
  sim.AddSink(&sb);
  RunResult run;
  run.scenario = "partition";
  run.seed = c.seed;
  std::vector<int> others;
  for (int k = 0; k < c.hosts; ++k) {
    auto parsed = vrrp::ParseConfig(
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority " +
            std::to_string(100 - c.priority_step * k) +
            "\n virtual_ipaddress {\n  10.250.0.100/24\n }\n}\n",
        "t.conf");
    HostSpec h;
    h.name = "node" + std::to_string(k + 1);
    h.config = parsed.config;
    HostInterfaceSpec eth0;
    eth0.address = vrrp::Ipv4(10, 250, 0, static_cast<std::uint8_t>(k + 1));
    eth0.up = c.up;
    eth0.down = c.down;
    h.interfaces.push_back(eth0);
    sim.AddHost(std::move(h));
    run.hosts.push_back({"node" + std::to_string(k + 1), {"VI_1"}, {51}});
    Operation start;
    start.kind = OpKind::kStart;
    start.host = k;
    sim.Schedule(start, c.start_spacing * k);
    if (k > 0) others.push_back(k);
  }
  Operation part;
  part.kind = OpKind::kPartition;
  part.label = c.partition_label;
  part.groups = {{0}, others};
  sim.Schedule(part, c.partition_at);
  Operation heal;
  heal.kind = OpKind::kHeal;
  sim.Schedule(heal, c.heal_at);
  run.duration = c.duration;
  sim.RunUntil(run.duration);
  sb.Finish(sim.now());
  run.events = std::move(collect.events);
  run.split_brain = sb.intervals();
  run.events_processed = sim.events_processed();
  return run;
}

// A partitioned pair with a little latency and jitter, 30 s, plus a metric
// and a failed expectation so that every section of the trace is exercised.
RunResult PartitionRun(std::uint64_t seed, bool packets) {
  ClusterRun c;
  c.seed = seed;
  c.up = {100, 20, 0.0};
  c.packets = packets;
  RunResult run = RunCluster(c);
  Duration total = 0;
  for (const auto& iv : run.split_brain) total += iv.length();
  run.metrics.push_back({"split_brain_total", "", total, true});
  run.expectations.push_back({"no split-brain", false, "7.0s of two masters", {"x.yaml", 12, 3}});
  return run;
}

TEST(TraceJson, RoundTripsEveryField) {
  const RunResult run = PartitionRun(1, true);
  const std::string text = TraceJson(run);
  TraceRead read = ReadTraceJson(text, "t.json");
  ASSERT_TRUE(read.ok()) << read.diagnostics[0].ToString();
  ASSERT_EQ(read.runs.size(), 1u);
  const RunResult& back = read.runs[0];
  EXPECT_EQ(TraceJson(back), text);  // canonical: write(read(x)) == x
  ASSERT_EQ(back.events.size(), run.events.size());
  EXPECT_EQ(back.split_brain.size(), 1u);
  EXPECT_FALSE(back.passed());
}

TEST(TraceJson, SameSeedSameHashDifferentSeedDifferentHash) {
  EXPECT_EQ(TraceHash(PartitionRun(7, true)), TraceHash(PartitionRun(7, true)));
  EXPECT_NE(TraceHash(PartitionRun(7, true)), TraceHash(PartitionRun(8, true)));
}

TEST(TraceJson, StartsWithFormatAndVersion) {
  const std::string text = TraceJson(PartitionRun(1, false));
  EXPECT_EQ(text.rfind("{\n \"format\": \"vrrpsim-trace\",\n \"version\": 1,", 0), 0u)
      << text.substr(0, 80);
}

TEST(TraceJson, MalformedFilesGiveClearErrors) {
  const std::string good = TraceJson(PartitionRun(1, false));
  struct Case {
    std::string text;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"", "not valid JSON"},
      {good.substr(0, good.size() / 2), "not valid JSON"},
      {"[1,2]", "expected a JSON object"},
      {"{\"format\":\"other\",\"version\":1}", "not a vrrpsim trace"},
      {"{\"format\":\"vrrpsim-trace\",\"version\":99}", "unsupported trace version 99"},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1}", "missing \"scenario\""},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
       "\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":1,\"kind\":\"bogus\"}]}",
       "unknown event kind \"bogus\""},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
       "\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":\"x\",\"kind\":\"log\"}]}",
       "\"t\" has the wrong type"},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
       "\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":5,\"kind\":\"log\"},{\"t\":1,\"kind\":"
       "\"log\"}]}",
       "not in time order"},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
       "\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":5,\"kind\":\"log\",\"host\":\"ghost\"}]}",
       "unknown host \"ghost\""},
      {"{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,"
       "\"duration_us\":5,\"hosts\":{},\"events\":[]}",
       "\"hosts\" must be an array"},
  };
  for (const auto& c : cases) {
    TraceRead r = ReadTraceJson(c.text, "bad.json");
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_NE(r.diagnostics[0].ToString().find(c.expect), std::string::npos)
        << r.diagnostics[0].ToString();
    EXPECT_NE(r.diagnostics[0].ToString().find("bad.json"), std::string::npos);
  }
  // A parse error points at line:column.
  TraceRead r = ReadTraceJson("{\n \"format\": ,\n}", "bad.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].where.line, 2);
}

TEST(TraceJson, TimesOutsideTheRunAreRejectedWithLineAndColumn) {
  // Times near 2^63 hung the viewer's axis; a trace is a run of at most 30
  // days (the scenario limit) and its events lie within it.
  const std::string head =
      "{\"format\":\"vrrpsim-trace\",\"version\":1,\"scenario\":\"s\",\"seed\":1,\n";
  struct Case {
    std::string body;
    std::string expect;
    int line, column;
  };
  const std::vector<Case> cases = {
      {"\"duration_us\": 9223372036854775807,\"hosts\":[],\"events\":[]}",
       "\"duration_us\" 9223372036854775807 is outside 0..2592000000000 (30 days)", 2, 16},
      {"\"duration_us\":-1,\"hosts\":[],\"events\":[]}", "is outside 0..", 2, 15},
      {"\"duration_us\":5,\"hosts\":[],\"events\":[\n {\"t\":1,\"kind\":\"log\"},\n"
       "  {\"kind\":\"log\", \"t\": 9223372036854775807}]}",
       "trace.events[1]: time 9223372036854775807 is after the end of the run (duration_us 5)", 4,
       23},
      {"\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":-1000,\"kind\":\"log\"}]}",
       "trace.events[0]: time -1000 is negative", 2, 43},
      {"\"duration_us\":5,\"hosts\":[],\"events\":[],\"split_brain\":[{\"vrid\":1,\"start\":5,"
       "\"end\":-3}]}",
       "trace.split_brain[0]: interval 5..-3 is not within 0..duration_us (5)", 2, 55},
  };
  for (const auto& c : cases) {
    TraceRead r = ReadTraceJson(head + c.body, "huge.json");
    ASSERT_FALSE(r.ok()) << c.expect;
    const std::string msg = r.diagnostics[0].ToString();
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
    EXPECT_EQ(msg.rfind("huge.json:" + std::to_string(c.line) + ":" + std::to_string(c.column) +
                            ": error: ",
                        0),
              0u)
        << msg;
  }
  // In a file of several runs the position is the run's own.
  const std::string runs =
      "{\"format\":\"vrrpsim-trace\",\"version\":1,\"runs\":[\n"
      "{\"scenario\":\"a\",\"seed\":1,\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":5,\"kind\":"
      "\"log\"}]},\n"
      "{\"scenario\":\"b\",\"seed\":1,\"duration_us\":5,\"hosts\":[],\"events\":[{\"t\":6,\"kind\":"
      "\"log\"}]}]}";
  TraceRead rr = ReadTraceJson(runs, "runs.json");
  ASSERT_EQ(rr.diagnostics.size(), 1u);
  EXPECT_EQ(rr.diagnostics[0].ToString(),
            "runs.json:3:68: error: runs[1].events[0]: time 6 is after the end of the run "
            "(duration_us 5)");
  // The limit itself and an event at the very end are fine.
  EXPECT_TRUE(ReadTraceJson(head + "\"duration_us\":2592000000000,\"hosts\":[],\"events\":[{"
                                   "\"t\":2592000000000,\"kind\":\"log\"}]}",
                            "ok.json")
                  .ok());
}

TEST(TextReport, TapeShowsEveryHostAndMarksTheChange) {
  std::ostringstream os;
  WriteTextReport(PartitionRun(1, false), {}, os);
  const std::string text = os.str();
  EXPECT_NE(text.find("scenario partition  seed 1  duration 30.000000s"), std::string::npos);
  EXPECT_NE(text.find("time          node1     node2     event"), std::string::npos) << text;
  EXPECT_NE(text.find("  10.000000s  MASTER    BACKUP    ! partition {node1} | {node2} [part-1]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("MASTER    MASTER*   node2 VI_1 BACKUP -> MASTER prio 90"), std::string::npos)
      << text;
  EXPECT_NE(text.find("split-brain: 1 interval(s)"), std::string::npos);
  EXPECT_NE(text.find("FAIL  line 12: no split-brain"), std::string::npos);
  EXPECT_NE(text.find("result: FAIL (0 passed, 1 failed)"), std::string::npos);
}

TEST(TextReport, FormatsTimes) {
  EXPECT_EQ(FormatTime(0), "0.000000s");
  EXPECT_EQ(FormatTime(13'257'812), "13.257812s");
  EXPECT_EQ(FormatTime(-1'500'000), "-1.500000s");
  EXPECT_EQ(FormatTime(vrrp::kNever), "-");
  EXPECT_EQ(FormatTime(7), "0.000007s");
  EXPECT_EQ(FormatTime(-7), "-0.000007s");
  EXPECT_EQ(FormatTime(600'000'000), "600.000000s");
  EXPECT_EQ(FormatTime(INT64_MAX - 1), "9223372036854.775806s");
  EXPECT_EQ(FormatTime(INT64_MIN), "-9223372036854.775808s");
}

TEST(Perfetto, HasProcessesThreadsStatesAndCounters) {
  std::ostringstream os;
  WritePerfettoJson(PartitionRun(1, false), os);
  const std::string text = os.str();
  EXPECT_NE(text.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(text.find("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{"
                      "\"name\":\"node1\"}}"),
            std::string::npos);
  EXPECT_NE(text.find("\"name\":\"MASTER\",\"cat\":\"state\",\"ph\":\"X\""), std::string::npos);
  EXPECT_NE(text.find("\"ph\":\"C\""), std::string::npos);
  EXPECT_NE(text.find("\"name\":\"split-brain vrid 51\""), std::string::npos);
}

}  // namespace
}  // namespace vsim

namespace vsim {
namespace {

// A lossy, jittery partition scenario over many seeds. The combined hash is
// pinned: the same value must come out of g++ and clang builds, Debug and
// Release, with or without sanitizers. If an intended behaviour change moves
// it, update the constant in the same commit and say why.
std::uint64_t ManySeedsHash(int seeds) {
  std::uint64_t combined = 0xcbf29ce484222325ull;
  for (int seed = 1; seed <= seeds; ++seed) {
    ClusterRun c;
    c.seed = static_cast<std::uint64_t>(seed);
    c.hosts = 3;
    c.priority_step = 5;
    c.up = {200, 3000, 0.05};
    c.down = {200, 1000, 0.02};
    c.start_spacing = vrrp::Millis(100);
    c.partition_label = "";
    c.partition_at = vrrp::Seconds(8);
    c.heal_at = vrrp::Seconds(15);
    c.duration = vrrp::Seconds(20);
    c.packets = true;
    RunResult run = RunCluster(c);
    run.scenario = "many-seeds";
    run.events_processed = 0;  // not part of the pinned hash
    const std::uint64_t h = TraceHash(run);
    for (int b = 0; b < 8; ++b) {
      combined ^= (h >> (8 * b)) & 0xff;
      combined *= 0x100000001b3ull;
    }
  }
  return combined;
}

TEST(Determinism, ThousandSeedsTwiceGiveIdenticalHashesMatchingTheGolden) {
  const std::uint64_t first = ManySeedsHash(1000);
  const std::uint64_t second = ManySeedsHash(1000);
  EXPECT_EQ(first, second);
  // Golden value, identical for g++ 12 and clang 14.
  EXPECT_EQ(first, 0xb66f5c035f8cacd4ull) << std::hex << "0x" << first;
}

}  // namespace
}  // namespace vsim
