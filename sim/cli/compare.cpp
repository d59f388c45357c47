// `vrrpsim compare`: one row per policy of a scenario's matrix.
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/cli/run.h"
#include "sim/io/file_io.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/json_trace.h"
#include "sim/trace/text_report.h"

namespace vsim {
namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string MetricKey(const Metric& m) {
  return m.subject.empty() ? m.name : m.name + " [" + m.subject + "]";
}

Table BuildTable(const std::vector<RunResult>& runs) {
  Table t;
  // Columns: the union of the runs' metrics, in order of first appearance, so
  // every policy shows the same columns even when one lacks a value.
  std::vector<std::string> keys;
  for (const auto& r : runs)
    for (const auto& m : r.metrics)
      if (std::find(keys.begin(), keys.end(), MetricKey(m)) == keys.end())
        keys.push_back(MetricKey(m));
  t.header = {"policy", "expectations"};
  t.header.insert(t.header.end(), keys.begin(), keys.end());
  for (const auto& r : runs) {
    int passed = 0;
    for (const auto& x : r.expectations) passed += x.passed ? 1 : 0;
    std::vector<std::string> row = {
        r.variant.empty() ? "(base)" : r.variant,
        std::to_string(passed) + "/" + std::to_string(r.expectations.size()) +
            (passed == static_cast<int>(r.expectations.size()) ? " pass" : " FAIL")};
    for (const auto& k : keys) {
      std::string cell = "-";
      for (const auto& m : r.metrics)
        if (MetricKey(m) == k) cell = FormatMetric(r, m);
      row.push_back(cell);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void PrintText(const Table& t, bool markdown, std::ostream& out) {
  std::vector<std::size_t> width(t.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  measure(t.header);
  for (const auto& r : t.rows) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    if (markdown) out << "| ";
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      const bool last = i + 1 == row.size();
      if (!last || markdown) out << std::string(width[i] - row[i].size(), ' ');
      if (!last) out << (markdown ? " | " : "  ");
    }
    out << (markdown ? " |" : "") << "\n";
  };
  line(t.header);
  if (markdown) {
    out << "|";
    for (std::size_t i = 0; i < width.size(); ++i) out << std::string(width[i] + 2, '-') << "|";
    out << "\n";
  }
  for (const auto& r : t.rows) line(r);
}

// The comparison as data: one row per policy with its expectation counts and
// every metric (value in microseconds or a count, and as the table shows it).
// The runs' full traces go to --trace.
void PrintJson(const Scenario& scenario, const std::vector<RunResult>& runs, std::ostream& out) {
  nlohmann::ordered_json j;
  j["scenario"] = scenario.name;
  j["file"] = scenario.file;
  j["seed"] = runs.empty() ? scenario.seed : runs[0].seed;
  auto rows = nlohmann::ordered_json::array();
  for (const auto& r : runs) {
    nlohmann::ordered_json row;
    row["policy"] = r.variant.empty() ? "(base)" : r.variant;
    int passed = 0;
    for (const auto& x : r.expectations) passed += x.passed ? 1 : 0;
    row["expectations"] = {{"passed", passed}, {"total", r.expectations.size()}};
    auto metrics = nlohmann::ordered_json::array();
    for (const auto& m : r.metrics)
      metrics.push_back({{"name", m.name},
                         {"subject", m.subject},
                         {"value", m.value},
                         {"unit", m.is_duration ? "us" : "count"},
                         {"text", FormatMetric(r, m)}});
    row["metrics"] = metrics;
    rows.push_back(row);
  }
  j["rows"] = rows;
  out << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

int RunCompare(const CompareCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format != "text" && options.format != "json" && options.format != "csv" &&
      options.format != "markdown") {
    err << "vrrpsim compare: --format must be text, json, csv or markdown, not '" << options.format
        << "'\n";
    return 2;
  }
  std::vector<NamedPath> inputs{{"scenario", options.file}}, outputs;
  if (!options.trace_path.empty()) outputs.push_back({"--trace", options.trace_path});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim compare: " << error << "\n";
    return 2;
  }
  ScenarioLoad load = LoadScenarioFile(options.file);
  for (const auto& d : load.diagnostics) err << d.ToString() << "\n";
  if (!load.ok()) return 2;
  const Scenario& scenario = *load.scenario;
  for (std::size_t i = 1; i < scenario.input_files.size(); ++i)
    inputs.push_back({"configuration file", scenario.input_files[i]});
  if (std::string error; !CheckOutputPaths(inputs, outputs, &error)) {
    err << "vrrpsim compare: " << error << "\n";
    return 2;
  }
  const bool config_errors = vrrp::HasAtLeast(load.diagnostics, vrrp::Severity::kError);
  if (scenario.variants.empty())
    err << options.file << ": no matrix: section; comparing the base run only\n";

  RunOptions run_options;
  run_options.seed = options.seed;
  std::vector<RunResult> runs = RunMatrix(scenario, run_options);
  int status = 0;
  for (const auto& r : runs)
    if (!r.passed()) status = 1;

  const Table table = BuildTable(runs);
  if (options.format == "json") {
    PrintJson(scenario, runs, out);
  } else if (options.format == "csv") {
    for (const auto* row : {&table.header}) {
      for (std::size_t i = 0; i < row->size(); ++i) out << (i ? "," : "") << CsvCell((*row)[i]);
      out << "\n";
    }
    for (const auto& row : table.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvCell(row[i]);
      out << "\n";
    }
  } else {
    if (options.format == "text")
      out << "scenario " << scenario.name << "  seed " << runs[0].seed << "\n\n";
    PrintText(table, options.format == "markdown", out);
  }
  if (!options.trace_path.empty()) {
    std::ostringstream os;
    WriteTraceJsonRuns(runs, os);
    if (std::string error; !WriteFileAtomically(options.trace_path, os.str(), &error)) {
      err << "vrrpsim compare: " << error << "\n";
      return 2;
    }
  }
  if (options.strict && config_errors) {
    err << "vrrpsim compare: --strict: " << options.file
        << " has node configuration errors (keepalived would start with the value ignored or "
           "defaulted): exit status 2\n";
    status = 2;
  }
  return status;
}

}  // namespace vsim
