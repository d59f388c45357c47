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
