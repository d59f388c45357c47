#include "sim/cli/conform.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "sim/capture/conform_observed.h"
#include "sim/conform/conform.h"
#include "sim/core/clip.h"
#include "sim/io/file_io.h"
#include "sim/scenario/timing_reader.h"
#include "sim/scenario/variant_scenario.h"
#include "sim/trace/json_trace.h"

namespace vsim {

namespace {

// The matrix variant a trace run is of: the recorder names real runs
// "real keepalived 2.2.7" or "real keepalived 2.2.7 [VARIANT]"
// (tests/conformance/record); a simulated run carries the variant's name.
std::string TraceVariant(const std::string& v) {
  const std::size_t open = v.rfind(" [");
  if (!v.empty() && v.back() == ']' && open != std::string::npos)
    return v.substr(open + 2, v.size() - open - 3);
  if (v.rfind("real ", 0) == 0) return "";
  return v;
}

// A pcap or pcapng file (by its first four bytes), not a trace.
bool LooksLikeCapture(const std::string& path) {
  if (DescribeFileType(path) != "a regular file") return false;
  std::ifstream in(path, std::ios::binary);
  unsigned char m[4] = {};
  if (!in.read(reinterpret_cast<char*>(m), 4)) return false;
  const std::uint32_t le = m[0] | (m[1] << 8) | (m[2] << 16) | (std::uint32_t{m[3]} << 24);
  return le == 0xa1b2c3d4 || le == 0xd4c3b2a1 || le == 0xa1b23c4d || le == 0x4d3cb2a1 ||
         le == 0x0a0d0d0a;
}

// --tolerance: empty leaves *t as it is. False (with the message on `err`)
// if it is no duration from 0 to 30 days.
bool ParseTolerance(const std::string& text, Duration* t, std::ostream& err) {
  if (text.empty()) return true;
  std::string error;
  auto d = ParseDuration(text, &error);
  if (!d || *d < 0 || *d > kMaxDuration) {
    err << "vrrpsim conform: --tolerance: "
        << (d ? "'" + Clip(text) + "' must be from 0 to 30d" : error) << "\n";
    return false;
  }
  *t = *d;
  return true;
}

}  // namespace

int RunConform(const ConformCommandOptions& o, std::ostream& out, std::ostream& err) {
  ScenarioLoad load = LoadScenarioFile(o.scenario);
  if (!load.ok()) {
    for (const auto& d : load.diagnostics) err << d.ToString() << "\n";
    return 2;
  }
  Scenario scenario = *load.scenario;
  if (!o.variant.empty()) {
    const Variant* v = FindVariant(scenario, o.variant);
    if (!v) {
      err << "vrrpsim conform: " << scenario.file << ": " << UnknownVariantText(scenario, o.variant)
          << "\n";
      return 2;
    }
    scenario = VariantScenario(scenario, *v);
  }
  if (!o.timing.empty()) {
    std::shared_ptr<const TimingProfile> timing;
    if (o.timing == "measured") {
      timing = MeasuredProfile();
    } else if (o.timing != "ideal") {
      // A profile file (calibrate.sh's output): a regular file of at most
      // kMaxProfileBytes, anywhere (it is the user's own argument).
      std::string text, error;
      if (!ReadRegularFile(o.timing, kMaxProfileBytes, &text, &error)) {
        err << "vrrpsim conform: --timing must be ideal, measured or a profile file; '"
            << Clip(o.timing) << "' could not be read: " << error << "\n";
        return 2;
      }
      TimingProfile p;
      std::vector<vrrp::Diagnostic> errors;
      if (!ReadTimingProfileText(text, o.timing, &errors, &p)) {
        for (const auto& d : errors) err << d.ToString() << "\n";
        return 2;
      }
      p.source = o.timing;
      if (!p.ideal()) timing = std::make_shared<const TimingProfile>(std::move(p));
    }
    scenario.timing = std::move(timing);
    for (auto& n : scenario.nodes) n.timing.reset();
  }
  // A capture of the real run (issue 19): compared as observed on the wire.
  if (LooksLikeCapture(o.real_path)) {
    Duration tolerance = 100 * vrrp::kMillisecond;
    if (!ParseTolerance(o.tolerance, &tolerance, err)) return 2;
    if (o.format == "json") {
      err << "vrrpsim conform: --format json is not available with a capture (" << o.real_path
          << "); the text report only\n";
      return 2;
    }
    capture::CaptureAnalysis real;
    if (std::string error; !capture::AnalyzeCaptureFile(o.real_path, &real, &error)) {
      err << "vrrpsim conform: " << o.real_path << ": error: " << error << "\n";
      return 2;
    }
    const capture::ObservedConform r = capture::ConformWithCapture(scenario, real, tolerance);
    out << r.text;
    return r.passed ? 0 : 1;
  }
  // A regular file only, its size checked before it is read: a named pipe
  // would block and /dev/zero never end.
  std::string text, error;
  if (!ReadRegularFile(o.real_path, kMaxTraceBytes, &text, &error)) {
    err << "vrrpsim conform: " << o.real_path << " could not be read: " << error << "\n";
    return 2;
  }
  TraceRead read = ReadTraceJson(text, o.real_path);
  for (const auto& d : read.diagnostics) err << d.ToString() << "\n";
  if (!read.ok()) return 2;
  if (read.runs.empty()) {
    err << "vrrpsim conform: " << o.real_path
        << ": the trace holds no run (its \"runs\" array is empty)\n";
    return 2;
  }
  ConformOptions options;
  options.align_inputs = !o.no_align;
  if (o.seeds > 0) options.ensemble_seeds = options.median_seeds = o.seeds;
  if (!ParseTolerance(o.tolerance, &options.tolerance, err)) return 2;
  // A trace of another scenario, or of another variant, is the wrong input,
  // not a divergence.
  for (std::size_t i = 0; i < read.runs.size(); ++i) {
    const RunResult& run = read.runs[i];
    if (run.observed) {
      err << "vrrpsim conform: " << o.real_path << ": run " << i + 1
          << " is an observed trace (vrrpsim capture --trace): give the capture itself, --real "
             "FILE.pcap\n";
      return 2;
    }
    if (run.scenario != scenario.name) {
      err << "vrrpsim conform: " << o.real_path << ": run " << i + 1 << " is of scenario '"
          << Clip(run.scenario) << "', not '" << scenario.name << "' (" << o.scenario << ")\n";
      return 2;
    }
    const std::string tv = TraceVariant(run.variant);
    if (tv != o.variant) {
      err << "vrrpsim conform: " << o.real_path << ": run " << i + 1 << " is of "
          << (tv.empty() ? std::string("the base run") : "matrix variant '" + Clip(tv) + "'")
          << ", not of "
          << (o.variant.empty() ? std::string("the base run") : "variant '" + o.variant + "'")
          << (tv.empty() ? std::string() : " (use --variant " + Clip(tv) + ")") << "\n";
      return 2;
    }
  }
  // A timing profile without aligned inputs: the nominal prediction's
  // medians over seeds against the real medians, 10 ms floor (issue 21).
  const bool median = o.no_align && HasTimingProfile(scenario);
  if (median && o.tolerance.empty()) options.tolerance = 10 * vrrp::kMillisecond;
  const ConformReport report =
      median ? ConformMedian(scenario, read.runs, options) : Conform(scenario, read.runs, options);
  out << (o.format == "json" ? FormatConformJson(report) : FormatConformText(report, o.verbose));
  return report.passed ? 0 : 1;
}

}  // namespace vsim
