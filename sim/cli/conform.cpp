#include "sim/cli/conform.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/conform/conform.h"
#include "sim/trace/json_trace.h"

namespace vsim {

int RunConform(const ConformCommandOptions& o, std::ostream& out, std::ostream& err) {
  ScenarioLoad load = LoadScenarioFile(o.scenario);
  if (!load.ok()) {
    for (const auto& d : load.diagnostics) err << d.ToString() << "\n";
    return 2;
  }
  std::ifstream in(o.real_path, std::ios::binary);
  if (!in) {
    err << "vrrpsim conform: " << o.real_path << " could not be read\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  TraceRead read = ReadTraceJson(text.str(), o.real_path);
  for (const auto& d : read.diagnostics) err << d.ToString() << "\n";
  if (!read.ok() || read.runs.empty()) return 2;
  ConformOptions options;
  options.align_inputs = !o.no_align;
  if (!o.tolerance.empty()) {
    std::string error;
    auto t = ParseDuration(o.tolerance, &error);
    if (!t || *t < 0) {
      err << "vrrpsim conform: --tolerance: " << (error.empty() ? "negative" : error) << "\n";
      return 2;
    }
    options.tolerance = *t;
  }
  for (const auto& run : read.runs)
    if (run.scenario != load.scenario->name)
      err << "vrrpsim conform: warning: the trace is of scenario '" << run.scenario << "', not '"
          << load.scenario->name << "'\n";
  const ConformReport report = Conform(*load.scenario, read.runs, options);
  out << (o.format == "json" ? FormatConformJson(report) : FormatConformText(report, o.verbose));
  return report.passed ? 0 : 1;
}

}  // namespace vsim
