#include "gui/run_loader.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/io/file_io.h"
#include "sim/scenario/runner.h"
#include "sim/trace/json_trace.h"

namespace vsim::gui {

namespace {

std::string Join(const vrrp::Diagnostics& diags, vrrp::Severity at_least) {
  std::string out;
  int n = 0;
  for (const auto& d : diags) {
    if (d.severity < at_least) continue;
    if (++n > 8) {
      out += "...\n";
      break;
    }
    out += d.ToString() + "\n";
  }
  return out;
}

// Packet events grow with hosts^2 (every advert reaches every host of the
// segment): 100 hosts for an hour would be ~18 million events and gigabytes.
// Record them only when a bound on their number stays reasonable.
inline constexpr double kMaxPacketEvents = 2e6;

}  // namespace

double PacketEventBound(const Scenario& s) {
  double sends = 0;
  for (const auto& n : s.nodes)
    for (const auto& inst : n.config.instances)
      sends += double(s.duration) / double(std::max<Duration>(inst.advert_int, 1));
  return sends * double(std::max<std::size_t>(s.nodes.size(), 2) - 1);
}

namespace {

RunOptions ViewerRunOptions(const Scenario& s) {
  RunOptions o;
  o.record_packets = PacketEventBound(s) <= kMaxPacketEvents;  // message view, causal chains
  return o;
}

}  // namespace

static LoadedRuns LoadAll(const std::string& path);

LoadedRuns LoadRuns(const std::string& path_and_variant) {
  LoadedRuns out;
  // "file.yaml#variant" keeps one run of a matrix (or of a multi-run trace).
  std::string path = path_and_variant, only;
  if (const auto hash = path_and_variant.rfind('#');
      hash != std::string::npos && DescribeFileType(path_and_variant).empty()) {
    path = path_and_variant.substr(0, hash);
    only = path_and_variant.substr(hash + 1);
  }
  out = LoadAll(path);
  if (!out.ok() || only.empty()) return out;
  std::vector<std::shared_ptr<const RunResult>> kept;
  for (auto& r : out.runs)
    if (r->variant == only) kept.push_back(r);
  if (kept.empty()) {
    out.error = path + ": no run named " + only;
    out.runs.clear();
  } else {
    out.runs = std::move(kept);
  }
  return out;
}

static LoadedRuns LoadAll(const std::string& path) {
  LoadedRuns out;
  // A regular file only, its size checked before it is read: a named pipe
  // would block the viewer, /dev/zero is neither empty nor ending, and a
  // directory is not "larger than 512 MiB".
  std::string text, why;
  if (!ReadRegularFile(path, kMaxTraceBytes, &text, &why)) {
    if (why.rfind("is larger than", 0) == 0)
      out.error = path + ": the file is larger than " + std::to_string(kMaxTraceBytes >> 20) +
                  " MiB (the most the viewer opens)";
    else if (why.rfind("is ", 0) == 0)
      out.error = path + ": cannot open: it " + why;
    else
      out.error = path + ": cannot open the file: " + why;
    return out;
  }
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    out.error = path + ": the file is empty";
    return out;
  }
  // A NUL byte never occurs in a trace (JSON) or a scenario (YAML): say so
  // rather than show the YAML parser's complaint about it.
  if (text.find('\0') != std::string::npos) {
    out.error = path +
                ": not a vrrpsim trace (JSON) or scenario (YAML): the file is binary (it holds "
                "NUL bytes)";
    return out;
  }
  const bool json_name = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (text[first] == '{' || json_name) {
    // A .json file is read as a trace whatever it starts with, so that a
    // damaged one gets the trace reader's diagnostics.
    TraceRead r = ReadTraceJson(text, path);
    if (!r.ok()) {
      out.error = Join(r.diagnostics, vrrp::Severity::kError);
      if (out.error.empty()) out.error = path + ": not a readable trace";
      return out;
    }
    for (auto& run : r.runs) out.runs.push_back(std::make_shared<RunResult>(std::move(run)));
    if (out.runs.empty()) out.error = path + ": the trace holds no run";
    return out;
  }
  ScenarioLoad load = LoadScenarioFile(path);
  if (!load.ok()) {
    out.error = Join(load.diagnostics, vrrp::Severity::kError);
    if (out.error.empty()) out.error = path + ": not a scenario";
    return out;
  }
  auto scenario = std::make_shared<Scenario>(std::move(*load.scenario));
  for (auto& run : RunMatrix(*scenario, ViewerRunOptions(*scenario)))
    out.runs.push_back(std::make_shared<RunResult>(std::move(run)));
  if (!ViewerRunOptions(*scenario).record_packets)
    out.note = "packets not recorded: about " +
               std::to_string(std::llround(PacketEventBound(*scenario) / 1e6)) +
               " million packet events would not fit comfortably in memory";
  out.scenario = std::move(scenario);
  return out;
}

bool CheckOutputNotInput(const std::string& output, const std::vector<std::string>& inputs,
                         const std::vector<std::shared_ptr<const Scenario>>& scenarios,
                         std::string* error) {
  std::vector<NamedPath> ins;
  for (const auto& in : inputs) {
    ins.push_back({"input", in});
    if (const auto hash = in.rfind('#'); hash != std::string::npos)
      ins.push_back({"input", in.substr(0, hash)});
  }
  for (const auto& s : scenarios)
    if (s)
      for (const auto& f : s->input_files) ins.push_back({"input", f});
  return CheckOutputPaths(ins, {{"the output", output}}, error);
}

LoadedRuns RunWhatIf(const Scenario& scenario, const Variant* variant, const WhatIf& what_if) {
  LoadedRuns out;
  Variant v;
  v.name = variant ? variant->name + " (what-if)" : "what-if";
  if (variant) {
    v.configs = variant->configs;
    v.expect = variant->expect;
    v.overrides = variant->overrides;
  } else {
    for (const auto& n : scenario.nodes) v.configs.push_back(n.config);
  }
  vrrp::Diagnostics diags;
  for (const auto& o : what_if.overrides) {
    const int ni = scenario.FindNode(o.node);
    if (ni < 0) {
      out.error = "what-if: no node named " + o.node;
      return out;
    }
    ApplyOverride(o, &v.configs[std::size_t(ni)], &diags);
    v.overrides.push_back(o);
  }
  out.error = Join(diags, vrrp::Severity::kError);
  if (!out.error.empty()) return out;
  out.runs.push_back(
      std::make_shared<RunResult>(RunVariant(scenario, &v, ViewerRunOptions(scenario))));
  return out;
}

}  // namespace vsim::gui
