// The human-readable report of a run: a timeline with one column per host
// (a "tape": every line shows each host's state, the changed one marked with
// '*'), then split-brain intervals, metrics and expectations.
//
// It doubles as the golden transcript of a scenario (SimGrid .tesh style):
// simulated timestamps only, no wall-clock figures, so a behaviour change
// shows up as a diff.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "sim/core/time_text.h"
#include "sim/scenario/run_result.h"

namespace vsim {

struct TextReportOptions {
  bool timeline = true;
  bool packets = false;  // also list advert/drop events when the run recorded them
  bool logs = false;     // keepalived log lines
};

void WriteTextReport(const RunResult& run, const TextReportOptions& options, std::ostream& out);

// The same report written as the run goes (vrrpsim run streams it): the
// constructor writes the first line and the timeline's header, OnEvent a
// timeline line, Finish the rest (split brain, metrics, expectations: the
// run's end). The timeline keeps only its cells, not the events.
class TextReportWriter {
 public:
  // `run`: its scenario, variant, seed, duration and hosts (not its events).
  TextReportWriter(const RunResult& run, const TextReportOptions& options, std::ostream& out);
  void OnEvent(const TraceEvent& e);
  void Finish(const RunResult& run);

 private:
  struct Column {
    int host;
    int instance;
    std::string label;
  };
  TextReportOptions options_;
  std::ostream& out_;
  std::vector<HostInfo> hosts_;
  std::vector<Column> columns_;
  std::vector<std::string> cell_;
  std::size_t width_ = 10;
};

// The report after the timeline: split brain, metrics, expectations.
void WriteTextReportEnd(const RunResult& run, std::ostream& out);

// A metric's value as a reader wants it: durations in seconds, counts as
// numbers, `final_master` as the host's name ("none", "several").
std::string FormatMetric(const RunResult& run, const Metric& m);

}  // namespace vsim
