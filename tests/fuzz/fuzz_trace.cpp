// Fuzz target: the trace reader (sim/trace), which is what the GUI opens.
//
// Invariants: ReadTraceJson never throws or crashes; a trace it accepts is
// internally consistent (every host/peer/instance index it resolved is in
// range, events are in time order, times are not negative), and writing it
// back gives a trace that reads back to the same canonical text.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "sim/trace/json_trace.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

void CheckRun(const vsim::RunResult& run) {
  const int hosts = static_cast<int>(run.hosts.size());
  vsim::Time last = 0;
  for (const vsim::TraceEvent& e : run.events) {
    VFUZZ_CHECK(e.t >= 0, std::to_string(e.t));
    VFUZZ_CHECK(e.t >= last, "events out of time order");
    last = e.t;
    VFUZZ_CHECK(e.host >= -1 && e.host < hosts, std::to_string(e.host));
    VFUZZ_CHECK(e.peer_host >= -1 && e.peer_host < hosts, std::to_string(e.peer_host));
    if (e.kind != vsim::TraceKind::kGroupTransition && e.host >= 0)
      VFUZZ_CHECK(
          e.instance >= -1 && e.instance < static_cast<int>(run.hosts[e.host].instances.size()),
          std::to_string(e.instance));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const vsim::TraceRead r = vsim::ReadTraceJson(text, "fuzz.json");
  if (!r.ok()) {
    VFUZZ_CHECK(!r.diagnostics.empty(), "refused without a message");
    return 0;
  }
  for (const vsim::RunResult& run : r.runs) CheckRun(run);

  std::ostringstream once;
  vsim::WriteTraceJsonRuns(r.runs, once);
  const vsim::TraceRead again = vsim::ReadTraceJson(once.str(), "again.json");
  VFUZZ_CHECK(again.ok(), again.diagnostics.empty() ? "" : again.diagnostics[0].ToString());
  std::ostringstream twice;
  vsim::WriteTraceJsonRuns(again.runs, twice);
  VFUZZ_CHECK(once.str() == twice.str(), "trace does not round-trip");
  return 0;
}
