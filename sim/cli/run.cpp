#include "sim/cli/run.h"

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "sim/core/xml_text.h"
#include "sim/io/file_io.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/perfetto.h"
#include "sim/trace/text_report.h"

namespace vsim {
namespace {

// Prints one line on stderr if a run is still going after a second. Wall
// clock is used here only, for the user's benefit; it never reaches a trace.
class ProgressNotice {
 public:
  ProgressNotice(std::ostream& err, std::string what) : err_(err), what_(std::move(what)) {
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; }))
        err_ << "vrrpsim: " << what_ << " ..." << std::endl;
    });
  }
  ~ProgressNotice() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::ostream& err_;
  std::string what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// A file that could not be loaded (reported, the others still run), or,
// with --strict, one whose node configurations have keepalived errors (it
// still runs). One <error> test case each in the JUnit file.
struct BadFile {
  std::string file;
  std::string error;                   // the first error, as printed on stderr
  std::string test = "load scenario";  // the test case's name
};

void WriteJunit(const std::vector<RunResult>& runs, const std::vector<BadFile>& bad,
                std::ostream& out) {
  int tests = static_cast<int>(bad.size()), failures = 0;
  for (const auto& r : runs) {
    tests += static_cast<int>(r.expectations.size());
    for (const auto& x : r.expectations) failures += x.passed ? 0 : 1;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"vrrpsim\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << bad.size() << "\">\n";
  for (const auto& b : bad) {
    out << " <testsuite name=\"" << XmlEscape(b.file)
        << "\" tests=\"1\" failures=\"0\" errors=\"1\" "
        << "file=\"" << XmlEscape(b.file) << "\">\n";
    out << "  <testcase classname=\"" << XmlEscape(b.file) << "\" name=\"" << XmlEscape(b.test)
        << "\">\n";
    out << "   <error message=\"" << XmlEscape(b.error) << "\"/>\n  </testcase>\n";
    out << " </testsuite>\n";
  }
  for (const auto& r : runs) {
    int f = 0;
    for (const auto& x : r.expectations) f += x.passed ? 0 : 1;
    std::string suite = r.scenario + (r.variant.empty() ? "" : " [" + r.variant + "]");
    out << " <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << r.expectations.size()
        << "\" failures=\"" << f << "\" file=\"" << XmlEscape(r.file) << "\">\n";
    for (const auto& x : r.expectations) {
      out << "  <testcase classname=\"" << XmlEscape(suite) << "\" name=\""
          << XmlEscape(x.description) << "\"";
      if (x.where.line > 0)
        out << " file=\"" << XmlEscape(r.file) << "\" line=\"" << x.where.line << "\"";
      if (x.passed) {
        out << "/>\n";
      } else {
        out << ">\n   <failure message=\"" << XmlEscape(x.evidence) << "\"/>\n  </testcase>\n";
      }
    }
    out << " </testsuite>\n";
  }
  out << "</testsuites>\n";
}

bool WriteFile(const std::string& path, const std::string& content, std::ostream& err) {
  std::string error;
  if (!WriteFileAtomically(path, content, &error)) {
    err << "vrrpsim: " << error << "\n";
    return false;
  }
  return true;
}

void PrintDiagnostics(const vrrp::Diagnostics& diags, std::ostream& err) {
  for (const auto& d : diags) err << d.ToString() << "\n";
}

}  // namespace

int RunRun(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json") {
    err << "vrrpsim run: --format must be text or json, not '" << options.format << "'\n";
    return 2;
  }
  if (!options.perfetto_path.empty() && options.files.size() != 1) {
    err << "vrrpsim run: --perfetto takes exactly one scenario file\n";
    return 2;
  }
  // No output may be an input or another output (the same file, not only
  // the same spelling): checked before anything runs, and again against
  // every configuration file the scenarios read.
  std::vector<NamedPath> inputs, outputs;
  for (const auto& f : options.files) inputs.push_back({"scenario", f});
  if (!options.trace_path.empty()) outputs.push_back({"--trace", options.trace_path});
  if (!options.perfetto_path.empty()) outputs.push_back({"--perfetto", options.perfetto_path});
  if (!options.junit_path.empty()) outputs.push_back({"--junit", options.junit_path});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim run: " << error << "\n";
    return 2;
  }
  // A file that cannot be loaded is reported (stderr, and as an error in the
  // JUnit file) and makes the exit status 2, but the other files still run:
  // one broken file must not hide the results of the rest from CI.
  std::vector<Scenario> scenarios;
  std::vector<BadFile> bad, strict;
  for (const auto& file : options.files) {
    ScenarioLoad load = LoadScenarioFile(file);
    PrintDiagnostics(load.diagnostics, err);
    if (!load.ok()) {
      BadFile b{file, "cannot be loaded"};
      for (const auto& d : load.diagnostics)
        if (d.severity != vrrp::Severity::kWarning) {
          b.error = d.ToString();
          break;
        }
      bad.push_back(std::move(b));
      continue;
    }
    if (options.strict) {
      // keepalived starts with these (a value ignored or defaulted), and so
      // does the run; --strict makes them fail the command.
      for (const auto& d : load.diagnostics)
        if (d.severity == vrrp::Severity::kError) {
          strict.push_back({file, d.ToString(), "node configuration"});
          break;
        }
    }
    scenarios.push_back(std::move(*load.scenario));
  }
  if (!options.perfetto_path.empty() && !bad.empty()) return 2;
  for (const auto& scenario : scenarios)
    for (std::size_t i = 1; i < scenario.input_files.size(); ++i)
      inputs.push_back({"configuration file", scenario.input_files[i]});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim run: " << error << "\n";
    return 2;
  }

  RunOptions run_options;
  run_options.seed = options.seed;
  run_options.record_packets = options.packets;
  run_options.emit_logs = options.logs;

  // Which runs: every matrix variant (the default, so that no expectation of
  // a file goes unchecked; a file without a matrix has just its base run),
  // the base run alone ("base"), or one named variant.
  std::vector<std::pair<const Scenario*, const Variant*>> jobs;
  for (const auto& scenario : scenarios) {
    if (options.variant == "base") {
      jobs.emplace_back(&scenario, nullptr);
    } else if (options.variant.empty() || options.variant == "all") {
      if (scenario.variants.empty()) jobs.emplace_back(&scenario, nullptr);
      for (const auto& v : scenario.variants) jobs.emplace_back(&scenario, &v);
    } else {
      const Variant* found = FindVariant(scenario, options.variant);
      if (!found) {
        err << scenario.file << ": " << UnknownVariantText(scenario, options.variant) << "\n";
        return 2;
      }
      jobs.emplace_back(&scenario, found);
    }
  }

  if (!options.perfetto_path.empty() && jobs.size() > 1) {
    err << "vrrpsim run: --perfetto writes one run, and " << scenarios[0].file << " has "
        << jobs.size() << " matrix variants: pick one with --variant NAME (or base)\n";
    return 2;
  }
  std::vector<RunResult> runs;
  int status = bad.empty() ? 0 : 2;
  for (const auto& [scenario_ptr, variant] : jobs) {
    const Scenario& scenario = *scenario_ptr;
    RunResult run;
    {
      ProgressNotice notice(err, "running " + scenario.file);
      run = RunVariant(scenario, variant, run_options);
    }
    if (options.check_determinism) {
      RunResult again = RunVariant(scenario, variant, run_options);
      const auto h1 = TraceHash(run), h2 = TraceHash(again);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h1));
      if (h1 != h2) {
        err << scenario.file << ": determinism check FAILED: two runs with seed " << run.seed
            << " gave different traces\n";
        status = 1;
      } else {
        err << scenario.file << ": determinism check passed (trace hash " << buf << ")\n";
      }
    }
    if (!run.passed()) status = std::max(status, 1);
    if (options.format == "text") {
      TextReportOptions report;
      report.timeline = !options.quiet;
      report.packets = options.packets;
      report.logs = options.logs;
      WriteTextReport(run, report, out);
      out << "\n";
    }
    runs.push_back(std::move(run));
  }
  if (options.format == "json" && !runs.empty()) {
    if (runs.size() == 1) {
      WriteTraceJson(runs[0], out);
    } else {
      WriteTraceJsonRuns(runs, out);
    }
  }
  if (!options.trace_path.empty() && !runs.empty()) {
    std::ostringstream os;
    if (runs.size() == 1) {
      WriteTraceJson(runs[0], os);
    } else {
      WriteTraceJsonRuns(runs, os);
    }
    if (!WriteFile(options.trace_path, os.str(), err)) return 2;
  }
  if (!options.perfetto_path.empty()) {
    std::ostringstream os;
    WritePerfettoJson(runs[0], os);
    if (!WriteFile(options.perfetto_path, os.str(), err)) return 2;
  }
  if (!options.junit_path.empty()) {
    std::ostringstream os;
    std::vector<BadFile> errors = bad;
    errors.insert(errors.end(), strict.begin(), strict.end());
    WriteJunit(runs, errors, os);
    if (!WriteFile(options.junit_path, os.str(), err)) return 2;
  }
  const std::string unloaded = bad.empty()
                                   ? std::string()
                                   : std::to_string(bad.size()) + " file" +
                                         (bad.size() == 1 ? "" : "s") + " could not be loaded";
  if (runs.size() > 1 && options.format == "text") {
    int passed = 0;
    for (const auto& r : runs) passed += r.passed() ? 1 : 0;
    out << runs.size() << " scenarios: " << passed << " passed, " << runs.size() - passed
        << " failed" << (unloaded.empty() ? "" : "; " + unloaded) << "\n";
  } else if (!unloaded.empty() && options.format == "text") {
    out << unloaded << "\n";
  }
  if (!strict.empty()) {
    err << "vrrpsim run: --strict: " << strict.size() << " scenario file"
        << (strict.size() == 1 ? " has" : "s have")
        << " node configuration errors (keepalived would start with the value ignored or "
           "defaulted): exit status 2\n";
    status = 2;
  }
  return status;
}

}  // namespace vsim
