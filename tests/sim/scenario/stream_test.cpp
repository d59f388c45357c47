// Streamed outputs (vrrpsim run: TraceEventJson, TraceJsonAround,
// TextReportWriter, RunOptions::keep_kinds, Spill) give the bytes of the
// whole-run writers (WriteTraceJson, WriteTraceJsonRuns, WriteTextReport,
// WritePerfettoJson), for every shipped scenario and variant, with packets
// and logs recorded.
#include <gtest/gtest.h>
#include <sstream>

#include "sim/io/file_io.h"
#include "sim/io/spill.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"
#include "sim/trace/text_report.h"
#include "tests/sim/scenario/shipped.h"

namespace vsim {
namespace {

class StringSink : public ByteSink {
 public:
  void Write(std::string_view data) override { text.append(data); }
  std::string text;
};

// Streams every event into a Spill (as trace JSON) and a text report.
struct Streamer : TraceSink {
  TraceEventJson json;
  Spill* spill;
  TextReportWriter* text;
  std::string buffer;
  Streamer(const std::vector<HostInfo>& hosts, Spill* s, TextReportWriter* t)
      : json(hosts), spill(s), text(t) {}
  void OnEvent(const TraceEvent& e) override {
    json.Append(e, &buffer);
    // Small pieces: the spill's boundaries fall anywhere.
    if (buffer.size() > 300) {
      spill->Write(buffer);
      buffer.clear();
    }
    text->OnEvent(e);
  }
};

struct Streamed {
  RunResult run;  // state events only
  std::unique_ptr<Spill> events;
  std::uint64_t count = 0;
  std::string text;
};

Streamed StreamVariant(const Scenario& sc, const Variant* variant, const RunOptions& options,
                       const TextReportOptions& report) {
  Scenario vs = variant ? VariantScenario(sc, *variant) : sc;
  RunOptions o = options;
  o.keep_kinds = kStateEventKinds;
  ScenarioRun run(vs, o);
  RunResult header = run.partial();
  header.variant = variant ? variant->name : "";
  Streamed s;
  // A tiny memory bound: the events go through the temporary file.
  s.events = std::make_unique<Spill>(TempDirectory(), 4096);
  std::ostringstream text;
  TextReportWriter writer(header, report, text);
  Streamer streamer(header.hosts, s.events.get(), &writer);
  run.AddSink(&streamer);
  s.run = run.Finish(vs);
  if (variant) s.run.variant = variant->name;
  s.events->Write(streamer.buffer);
  s.count = streamer.json.count();
  writer.Finish(s.run);
  s.text = text.str();
  return s;
}

std::string Single(Streamed& s) {
  StringSink out;
  const TraceJsonParts parts = TraceJsonAround(s.run, false, s.count > 0);
  out.Write(parts.head);
  EXPECT_TRUE(s.events->CopyTo(out));
  out.Write(parts.tail);
  return out.text;
}

TEST(Stream, ShippedScenariosGiveTheWholeRunBytes) {
  RunOptions options;
  options.record_packets = true;
  options.emit_logs = true;
  TextReportOptions report;
  report.packets = true;
  report.logs = true;
  int files = 0;
  for (const auto& file : testing::ShippedScenarios()) {
    ScenarioLoad load = LoadScenarioFile(file);
    if (!load.ok()) continue;
    const Scenario& sc = *load.scenario;
    ++files;
    std::vector<const Variant*> variants;
    if (sc.variants.empty()) variants.push_back(nullptr);
    for (const auto& v : sc.variants) variants.push_back(&v);
    std::vector<RunResult> whole;
    std::vector<Streamed> streamed;
    for (const Variant* v : variants) {
      SCOPED_TRACE(file + (v ? " [" + v->name + "]" : ""));
      whole.push_back(RunVariant(sc, v, options));
      streamed.push_back(StreamVariant(sc, v, options, report));
      const RunResult& w = whole.back();
      Streamed& s = streamed.back();
      EXPECT_EQ(Single(s), TraceJson(w));
      std::ostringstream text;
      WriteTextReport(w, report, text);
      EXPECT_EQ(s.text, text.str());
      std::ostringstream p1, p2;
      WritePerfettoJson(w, p1);
      WritePerfettoJson(s.run, p2);
      EXPECT_EQ(p2.str(), p1.str());
      EXPECT_LE(s.run.events.size(), w.events.size());
    }
    // Several runs in one file: one level deeper.
    StringSink all;
    for (std::size_t i = 0; i < streamed.size(); ++i) {
      all.Write(i == 0 ? kTraceRunsHead : kTraceRunsSeparator);
      const TraceJsonParts parts = TraceJsonAround(streamed[i].run, true, streamed[i].count > 0);
      all.Write(parts.head);
      EXPECT_TRUE(streamed[i].events->CopyTo(all, 2));
      all.Write(parts.tail);
    }
    all.Write(kTraceRunsTail);
    std::ostringstream runs;
    WriteTraceJsonRuns(whole, runs);
    EXPECT_EQ(all.text, runs.str()) << file;
  }
  EXPECT_GE(files, 20);
}

TEST(Stream, EventsThatNeedEscapingAndOddValues) {
  RunResult run;
  run.scenario = "s \"q\"";
  run.hosts.push_back(HostInfo{"h\xc3\xa9", {"i\\1", "i2"}, {1, 2}});
  run.hosts.push_back(HostInfo{"h2", {}, {}});
  std::vector<TraceEvent> events;
  for (int k = 0; k <= static_cast<int>(TraceKind::kClientView); ++k) {
    TraceEvent e;
    e.t = k * 1000 + 7;
    e.kind = static_cast<TraceKind>(k);
    e.host = k % 3 == 0 ? -1 : k % 3 - 1;
    e.instance = k % 4 - 1;
    e.vrid = k + 1;
    e.priority = 200 + k;
    e.value = k % 2 == 0 ? -5 : 77;
    e.peer_host = k % 2 == 0 ? -1 : 7;  // out of range: ""
    e.addr = vrrp::Ipv4(10, 0, 0, static_cast<std::uint8_t>(k));
    e.detail = k % 3 == 0   ? ""
               : k % 3 == 1 ? "tab\there \"quoted\" \x01 \x7f"
                            : "bad utf8 \xff\xfe and \xe2\x82\xac";
    events.push_back(e);
  }
  run.events = events;
  TraceEventJson json(run.hosts);
  std::string text;
  for (const auto& e : events) json.Append(e, &text);
  const TraceJsonParts parts = TraceJsonAround(run, false, true);
  EXPECT_EQ(parts.head + text + parts.tail, TraceJson(run));
  run.events.clear();
  TraceEventJson none(run.hosts);
  const TraceJsonParts empty = TraceJsonAround(run, false, false);
  EXPECT_EQ(empty.head + empty.tail, TraceJson(run));
}

TEST(Spill, KeepsBytesInOrderAcrossTheMemoryBound) {
  Spill spill(TempDirectory(), 10);
  std::string all;
  for (int i = 0; i < 100; ++i) {
    const std::string piece = "line " + std::to_string(i) + "\n";
    spill.Write(piece);
    all += piece;
  }
  EXPECT_TRUE(spill.spilled());
  EXPECT_EQ(spill.size(), all.size());
  StringSink out;
  EXPECT_TRUE(spill.CopyTo(out));
  EXPECT_EQ(out.text, all);
  StringSink indented;
  EXPECT_TRUE(spill.CopyTo(indented, 2));
  std::string expect;
  for (char c : all) {
    expect += c;
    if (c == '\n') expect += "  ";
  }
  EXPECT_EQ(indented.text, expect);
}

TEST(StreamedFile, RenamesIntoPlaceAtCommitAndReportsErrorsThen) {
  const std::string dir = TempDirectory();
  const std::string path = dir + "/vrrpsim-streamed-file-test.txt";
  std::remove(path.c_str());
  {
    StreamedFile f;
    f.Open(path, dir);
    f.Write("hello ");
    f.Write("world\n");
    std::FILE* before = std::fopen(path.c_str(), "r");
    EXPECT_EQ(before, nullptr);  // not there until Commit
    if (before) std::fclose(before);
    std::string error;
    ASSERT_TRUE(f.Commit(&error)) << error;
  }
  std::FILE* fp = std::fopen(path.c_str(), "r");
  ASSERT_NE(fp, nullptr);
  char buf[64] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf, fp);
  std::fclose(fp);
  EXPECT_EQ(std::string(buf, n), "hello world\n");
  std::remove(path.c_str());

  // A spilled file copied in the kernel (copy_file_range), between writes.
  {
    Spill spill(dir, 16);
    std::string all;
    for (int i = 0; i < 1000; ++i) {
      const std::string piece = "event " + std::to_string(i) + "\n";
      spill.Write(piece);
      all += piece;
    }
    ASSERT_TRUE(spill.spilled());
    StreamedFile f;
    f.Open(path, dir);
    f.Write("head\n");
    ASSERT_TRUE(spill.CopyTo(f));
    f.Write("tail\n");
    std::string error;
    ASSERT_TRUE(f.Commit(&error)) << error;
    std::string back;
    ASSERT_TRUE(ReadRegularFile(path, 1 << 20, &back, &error)) << error;
    EXPECT_EQ(back, "head\n" + all + "tail\n");
    std::remove(path.c_str());
  }

  StreamedFile bad;
  bad.Open(dir, dir);  // a directory
  bad.Write("x");
  std::string error;
  EXPECT_FALSE(bad.Commit(&error));
  EXPECT_EQ(error, "cannot write " + dir + ": it is a directory");
}

}  // namespace
}  // namespace vsim
