// Regression tests for fuzzer findings (tests/fuzz, docs/robustness.md):
// one test per finding, committed before its fix.
#include <gtest/gtest.h>
#include <sstream>
#include <string>

#include "engine/config/parser.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"

namespace vsim {
namespace {

std::string WithExpectation(const std::string& expectation) {
  return "name: x\nseed: 1\nduration: 10s\nnodes:\n"
         "  - name: node1\n    address: 10.0.0.1\n    config: |\n"
         "      vrrp_instance VI_1 {\n        interface eth0\n        virtual_router_id 51\n"
         "        priority 100\n        virtual_ipaddress {\n          10.0.0.100/24\n"
         "        }\n      }\n"
         "expect:\n  - " +
         expectation + "\n";
}

// Finding F1 (fuzz_scenario): an integer field longer than 18 characters or
// with a non-digit was still accumulated digit by digit before being
// refused: signed overflow (UB) in the loader's Int().
TEST(FuzzRegressions, F1_LongOrNonNumericIntegerDoesNotOverflow) {
  for (const char* is :
       {"99final check-ok + 2s", "99999999999999999999999999999", "-99999999999999999999999999999",
        "zzzzzzzzzzzzzzzzzz", "\"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\""}) {
    SCOPED_TRACE(is);
    const ScenarioLoad load = LoadScenarioText(
        WithExpectation(std::string("priority: {node: node1, is: ") + is + ", at: 5s}"), "int.yaml",
        ".");
    EXPECT_FALSE(load.ok());
    bool said = false;
    for (const auto& d : load.diagnostics)
      said |= d.message.find("must be an integer") != std::string::npos;
    EXPECT_TRUE(said);
  }
}

// Finding F2 (found while writing the limits tests; a slow-unit, memory-
// growth class the fuzzers hit with -max_len larger than ours): every
// stray token gives one diagnostic, so a 16 MiB configuration of `{` made
// 16 million diagnostics (about 6 GB, a minute of CPU) before the reader
// returned. The reader now stops at a limit, refusing the configuration
// with a message that names it.
TEST(FuzzRegressions, F2_DiagnosticsAreBounded) {
  const std::string conf = "vrrp_instance VI_1 " + std::string(30000, '{') + "\n";
  const vrrp::ParseResult r = vrrp::ParseConfig(conf, "braces.conf");
  EXPECT_FALSE(r.ok());
  EXPECT_LE(r.diagnostics.size(), 20001u);
  bool said = false;
  for (const auto& d : r.diagnostics)
    said |= d.message.find("limit 20000 diagnostics") != std::string::npos;
  EXPECT_TRUE(said);
}

// Finding F4 (fuzz_scenario): a scenario whose name (or any text that reaches
// the trace) is not valid UTF-8 made the trace writer throw
// (nlohmann type_error 316), i.e. `vrrpsim run --trace` aborted.
TEST(FuzzRegressions, F4_NonUtf8TextInTraceIsReplacedNotThrown) {
  std::string yaml = WithExpectation("no_split_brain");
  yaml.replace(yaml.find("name: x"), 7, "name: bad \xff\xfe name");
  const ScenarioLoad load = LoadScenarioText(yaml, "utf8.yaml", ".");
  ASSERT_TRUE(load.ok());
  ASSERT_NE(load.scenario->name.find('\xff'), std::string::npos);
  const RunResult run = RunScenario(*load.scenario);
  std::string trace;
  EXPECT_NO_THROW(trace = TraceJson(run));
  EXPECT_NE(trace.find("bad \xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_TRUE(ReadTraceJson(trace, "utf8.json").ok());
  std::ostringstream perfetto;
  EXPECT_NO_THROW(WritePerfettoJson(run, perfetto));
}

// Finding F5 (fuzz_trace): a number too large for a double ("1E4061") made
// nlohmann throw out_of_range 406 from parse(), which the reader did not
// catch: the CLI and the GUI aborted on such a trace file.
TEST(FuzzRegressions, F5_HugeNumberInTraceIsAnErrorNotACrash) {
  TraceRead r;
  EXPECT_NO_THROW(
      r = ReadTraceJson(R"({"format":"vrrpsim-trace","version":1,"x":114E4061})", "big.json"));
  EXPECT_FALSE(r.ok());
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_NE(r.diagnostics[0].ToString().find("big.json"), std::string::npos);
  EXPECT_NE(r.diagnostics[0].message.find("number overflow"), std::string::npos);
}

// Finding F6 (fuzz_trace): a float where the trace has an integer
// ("t": 3.0257e+65) was converted with a static_cast inside nlohmann:
// undefined behaviour (UBSan: outside the range of 'long'); in range it
// was silently truncated. Integer fields now take JSON integers in range.
TEST(FuzzRegressions, F6_NonIntegerOrOutOfRangeNumbersAreWrongType) {
  const std::string head =
      R"({"format":"vrrpsim-trace","version":1,"scenario":"s","seed":1,"duration_us":5,)"
      R"("hosts":[],"events":[{"t":)";
  for (const char* t : {"3.0257e+65", "-3.0257e+65", "1.5", "1e300", "18446744073709551615"}) {
    SCOPED_TRACE(t);
    const TraceRead r = ReadTraceJson(head + t + R"(,"kind":"log"}]})", "num.json");
    EXPECT_FALSE(r.ok());
    bool said = false;
    for (const auto& d : r.diagnostics)
      said |= d.message.find("\"t\" has the wrong type") != std::string::npos;
    EXPECT_TRUE(said);
  }
  const TraceRead ok = ReadTraceJson(head + R"(3,"kind":"log"}]})", "num.json");
  EXPECT_TRUE(ok.ok());
  const TraceRead seed = ReadTraceJson(
      R"({"format":"vrrpsim-trace","version":1,"scenario":"s","seed":-1,"duration_us":5,)"
      R"("hosts":[],"events":[]})",
      "seed.json");
  EXPECT_FALSE(seed.ok());
}

// Finding F8 (fuzz_trace, issue 14): with VRIDs checked to be 1..255, an
// event of a kind that carries a VRID but had none was read as VRID 0 and
// written back with it; the written trace did not read back. Such an event
// (and a group transition without its group) is refused; what is accepted
// still reads back after writing.
TEST(FuzzRegressions, F8_EventWithoutItsVridIsRefusedAndWhatIsReadReadsBack) {
  const std::string head =
      R"({"format":"vrrpsim-trace","version":1,"scenario":"s","seed":1,"duration_us":9,)"
      R"("hosts":[{"name":"n1","instances":[{"name":"VI_1","vrid":51}]}],"events":[)";
  for (const char* event :
       {R"({"t":1,"kind":"transition","host":"n1","from":"BACKUP","to":"MASTER"})",
        R"({"t":1,"kind":"garp","host":"n1","address":"10.0.0.1"})",
        R"({"t":1,"kind":"group-transition","host":"n1","from":"BACKUP","to":"MASTER"})"}) {
    SCOPED_TRACE(event);
    const TraceRead r = ReadTraceJson(head + event + "]}", "f8.json");
    EXPECT_FALSE(r.ok());
    ASSERT_FALSE(r.diagnostics.empty());
    EXPECT_NE(r.diagnostics[0].message.find("missing"), std::string::npos)
        << r.diagnostics[0].ToString();
    EXPECT_EQ(r.diagnostics[0].where.line, 1);
  }
  const TraceRead ok = ReadTraceJson(
      head + R"({"t":1,"kind":"transition","host":"n1","vrid":51,"from":"BACKUP","to":"MASTER"},)" +
          R"({"t":2,"kind":"group-transition","host":"n1","group":0,"from":"BACKUP","to":"MASTER"},)" +
          R"({"t":3,"kind":"log","host":"n1"}]})",
      "f8.json");
  ASSERT_TRUE(ok.ok()) << ok.diagnostics[0].ToString();
  ASSERT_EQ(ok.runs.size(), 1u);
  const TraceRead again = ReadTraceJson(TraceJson(ok.runs[0]), "again.json");
  EXPECT_TRUE(again.ok());
}

}  // namespace
}  // namespace vsim
