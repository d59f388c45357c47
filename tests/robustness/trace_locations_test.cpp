// Every trace error names file:line:column, as docs/trace-format.md promises
// (issue 14): out of order, unknown host or state, wrong types, numbers out
// of range (VRIDs 1..255 among them), missing keys, and in a file of several
// runs.
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "sim/trace/json_trace.h"

namespace vsim {
namespace {

const std::string kHead =
    "{\"format\": \"vrrpsim-trace\", \"version\": 1, \"scenario\": \"s\", \"seed\": 1,\n"
    " \"duration_us\": 100,\n"
    " \"hosts\": [{\"name\": \"n1\", \"instances\": [{\"name\": \"VI_1\", \"vrid\": 51}]}],\n"
    " \"events\": [\n";
//  line 5 onwards: the events, one a line

struct Case {
  std::string events;  // line 5 on
  std::string says;    // the whole diagnostic
};

TEST(TraceLocations, EveryErrorHasLineAndColumn) {
  const std::vector<Case> cases = {
      {"  {\"t\": 5, \"kind\": \"log\"},\n  {\"t\": 4, \"kind\": \"log\"}",
       "t.json:6:9: error: trace.events[1]: events are not in time order (time 4 after 5)"},
      {"  {\"t\": 5, \"kind\": \"log\", \"host\": \"ghost\"}",
       "t.json:5:35: error: trace.events[0]: unknown host \"ghost\""},
      {"  {\"t\": 5, \"kind\": \"transition\", \"host\": \"n1\", \"to\": \"MASTRE\", \"vrid\": 51}",
       "t.json:5:54: error: trace.events[0]: unknown state \"MASTRE\""},
      {"  {\"t\": 5, \"kind\": \"transition\", \"reason\": \"boredom\", \"vrid\": 51}",
       "t.json:5:44: error: trace.events[0]: unknown reason \"boredom\""},
      {"  {\"t\": \"5\", \"kind\": \"log\"}",
       "t.json:5:9: error: trace.events[0]: \"t\" has the wrong type (string)"},
      {"  {\"t\": 5.5, \"kind\": \"log\"}",
       "t.json:5:9: error: trace.events[0]: \"t\" has the wrong type (number, not an integer in "
       "range)"},
      {"  {\"t\": 5, \"kind\": \"log\", \"vrid\": 0}",
       "t.json:5:35: error: trace.events[0]: \"vrid\" 0 is outside 1..255"},
      {"  {\"t\": 5, \"kind\": \"log\", \"vrid\": 300}",
       "t.json:5:35: error: trace.events[0]: \"vrid\" 300 is outside 1..255"},
      {"  {\"t\": 5, \"kind\": \"log\", \"priority\": 256}",
       "t.json:5:39: error: trace.events[0]: \"priority\" 256 is outside 0..255"},
      {"  {\"t\": 5, \"kind\": \"garp\", \"address\": \"10.0.0.300\", \"vrid\": 51}",
       "t.json:5:39: error: trace.events[0]: bad address \"10.0.0.300\""},
      {"  {\"t\": 5, \"kind\": \"sneeze\"}",
       "t.json:5:20: error: trace.events[0]: unknown event kind \"sneeze\""},
      {"  {\"kind\": \"log\"}", "t.json:5:3: error: trace.events[0]: missing \"t\""},
      {"  7", "t.json:5:3: error: trace.events[0]: expected an object"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.events);
    const TraceRead r = ReadTraceJson(kHead + c.events + "\n]}\n", "t.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics[0].ToString(), c.says);
  }
}

TEST(TraceLocations, HostsSplitBrainAndTopLevel) {
  const std::string head = "{\"format\": \"vrrpsim-trace\", \"version\": 1, \"scenario\": \"s\",\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"seed\": -1, \"duration_us\": 5, \"hosts\": [], \"events\": []}",
       "t.json:2:9: error: trace: \"seed\" has the wrong type (number, not an integer in range)"},
      {"\"seed\": 1, \"duration_us\": 5, \"events\": [],\n \"hosts\": [{\"name\": \"n\", "
       "\"instances\": [{\"name\": \"VI_1\", \"vrid\": 0}]}]}",
       "t.json:3:65: error: trace.hosts[0].instances[0]: \"vrid\" 0 is outside 1..255"},
      {"\"seed\": 1, \"duration_us\": 5, \"events\": [],\n \"hosts\": [{\"name\": \"n\"}]}",
       "t.json:3:12: error: trace.hosts[0]: missing \"instances\""},
      {"\"seed\": 1, \"duration_us\": 5, \"hosts\": [], \"events\": [],\n \"split_brain\": "
       "[{\"vrid\": 300, \"start\": 0, \"end\": 1}]}",
       "t.json:3:27: error: trace.split_brain[0]: \"vrid\" 300 is outside 1..255"},
      {"\"seed\": 1, \"duration_us\": 5, \"hosts\": [], \"events\": [],\n \"split_brain\": "
       "[{\"vrid\": 3, \"start\": 0, \"end\": 1, \"hosts\": [\"nobody\"]}]}",
       "t.json:3:62: error: trace.split_brain[0]: unknown host \"nobody\""},
      {"\"seed\": 1, \"duration_us\": 5, \"hosts\": [], \"events\": {}}",
       "t.json:2:53: error: trace: \"events\" must be an array"},
  };
  for (const auto& [body, says] : cases) {
    SCOPED_TRACE(says);
    const TraceRead r = ReadTraceJson(head + body, "t.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics[0].ToString(), says);
  }
  const TraceRead version =
      ReadTraceJson("{\"format\": \"vrrpsim-trace\",\n \"version\": 2}", "t.json");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.diagnostics[0].ToString(),
            "t.json:2:13: error: unsupported trace version 2 (this vrrpsim reads 1)");
  const TraceRead format = ReadTraceJson("{\n\"format\": \"pcap\", \"version\": 1}", "t.json");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.diagnostics[0].ToString(),
            "t.json:2:11: error: not a vrrpsim trace (format is \"pcap\")");
  const TraceRead top = ReadTraceJson("\n\n  [1, 2]", "t.json");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.diagnostics[0].ToString(),
            "t.json:3:3: error: expected a JSON object at the top level");
  // A number too large for a double (fuzz finding F5) has its position too.
  const TraceRead big = ReadTraceJson("{\"format\": \"vrrpsim-trace\",\n \"x\": 1E4061}", "t.json");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.diagnostics[0].where.line, 2);
  EXPECT_NE(big.diagnostics[0].message.find("number overflow"), std::string::npos);
}

TEST(TraceLocations, ManyRunsAndManyErrors) {
  const std::string runs =
      "{\"format\": \"vrrpsim-trace\", \"version\": 1, \"runs\": [\n"
      "{\"scenario\": \"a\", \"seed\": 1, \"duration_us\": 5, \"hosts\": [], \"events\": []},\n"
      "{\"scenario\": \"b\", \"seed\": 1, \"duration_us\": 5, \"hosts\": [],\n"
      " \"events\": [{\"t\": 1, \"kind\": \"log\", \"host\": \"x\"},\n"
      "            {\"t\": 0, \"kind\": \"log\"}]}]}";
  const TraceRead r = ReadTraceJson(runs, "r.json");
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].ToString(),
            "r.json:4:45: error: runs[1].events[0]: unknown host \"x\"");
  EXPECT_EQ(r.diagnostics[1].ToString(),
            "r.json:5:19: error: runs[1].events[1]: events are not in time order (time 0 after 1)");
}

}  // namespace
}  // namespace vsim
