// The trace file: vrrpsim's JSON record of one run (docs/trace-format.md).
//
// It is the contract between the CLI, the GUI and the conformance suite, so
// its shape is versioned and every change to it is deliberate. Writing is
// canonical (fixed key order, integers only for times), so the same run gives
// byte-identical files and the file's hash identifies the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"
#include "sim/scenario/run_result.h"

namespace vsim {

inline constexpr int kTraceFormatVersion = 1;

// The largest trace file a reader opens (the GUI, `vrrpsim conform`): the
// size is checked before anything is read.
inline constexpr std::size_t kMaxTraceBytes = 512u * 1024 * 1024;

// Writes `run` as a trace file.
void WriteTraceJson(const RunResult& run, std::ostream& out);
std::string TraceJson(const RunResult& run);

// Several runs (e.g. a matrix) in one file: {"format":..., "runs": [...]}.
void WriteTraceJsonRuns(const std::vector<RunResult>& runs, std::ostream& out);

// --- Streaming: the same bytes, written as a run goes (vrrpsim run) --------
//
// A run's trace text is head + events + tail. The head holds
// events_processed, known only at the end, so a streaming writer keeps the
// events' text aside (a Spill) and writes head, events, tail once the run is
// over:
//
//   TraceEventJson json(hosts);
//   for each event e: json.Append(e, &buffer);   // as they happen
//   TraceJsonParts p = TraceJsonAround(run, false, json.count() > 0);
//   out << p.head << buffer << p.tail;           // == WriteTraceJson(run)
//
// (run.events is not read: the streamed ones take their place.) In a file
// of several runs each run is one level deeper: the events' text with two
// spaces after every newline (Spill::CopyTo(out, 2)), between
// kTraceRunsHead, the runs' parts joined by kTraceRunsSeparator, and
// kTraceRunsTail.

// Serialises events as WriteTraceJson does, many times faster (no JSON
// tree): names are escaped once, numbers formatted in place.
class TraceEventJson {
 public:
  explicit TraceEventJson(const std::vector<HostInfo>& hosts);
  // Appends `e` as an element of a single run's "events" array: "\n" before
  // the first, ",\n" before the others.
  void Append(const TraceEvent& e, std::string* out);
  // The same into a buffer with room for MaxBytes(e) at `at`: returns the
  // end of what it wrote.
  std::size_t MaxBytes(const TraceEvent& e) const;
  char* Write(const TraceEvent& e, char* at);
  std::uint64_t count() const { return count_; }

 private:
  std::size_t max_name_ = 2;  // the longest quoted host or instance name
  // Every quoted name (kinds, states, reasons, hosts, instances), each
  // followed by 32 bytes of padding: a short one is copied in one piece.
  struct Name {
    std::uint32_t offset, size;
  };
  std::string arena_;
  std::vector<Name> names_;
  std::vector<std::size_t> host_name_;                   // index in names_
  std::vector<std::vector<std::size_t>> instance_name_;  // [host][instance]
  std::uint64_t count_ = 0;
};

struct TraceJsonParts {
  std::string head;  // ends with "\"events\": ["
  std::string tail;  // from the end of the events on (the array's ']')
};
// `in_runs`: the run as an element of a file of several runs (without the
// separators); else a whole single-run file. `has_events`: whether any
// event goes between head and tail.
TraceJsonParts TraceJsonAround(const RunResult& run, bool in_runs, bool has_events);

inline constexpr std::string_view kTraceRunsHead =
    "{\n \"format\": \"vrrpsim-trace\",\n \"version\": 1,\n \"runs\": [\n";
inline constexpr std::string_view kTraceRunsSeparator = ",\n";
inline constexpr std::string_view kTraceRunsTail = "\n ]\n}\n";

struct TraceRead {
  std::vector<RunResult> runs;  // one for a single-run file
  vrrp::Diagnostics diagnostics;
  bool ok() const { return !vrrp::HasAtLeast(diagnostics, vrrp::Severity::kError); }
};

// Reads a trace file written by WriteTraceJson / WriteTraceJsonRuns (or by the
// conformance recorder). Never throws; malformed input gives diagnostics.
TraceRead ReadTraceJson(const std::string& text, const std::string& filename);

// 64-bit FNV-1a of the canonical trace text: the run's fingerprint for
// --check-determinism and golden hashes.
std::uint64_t TraceHash(const RunResult& run);

}  // namespace vsim
