#include "sim/explore/findings.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/core/time_text.h"
#include "sim/core/xml_text.h"
#include "sim/io/file_io.h"

namespace vsim {

namespace {

using nlohmann::json;

json ClassJson(std::size_t k, const FindingClass& c) {
  const ViolationGroup& g = *c.example;
  json j;
  j["class"] = k + 1;
  j["signature"] = c.signature;
  j["property"] = c.property;
  j["variant"] = c.variant;
  j["count"] = c.count;
  // The signatures of the runs grouped here before shrinking (the first 20).
  j["raw_signature_count"] = c.raw_signatures.size();
  j["raw_signatures"] = std::vector<std::string>(
      c.raw_signatures.begin(),
      c.raw_signatures.begin() +
          static_cast<std::ptrdiff_t>(std::min<std::size_t>(20, c.raw_signatures.size())));
  j["first_run"] = g.first_index;
  j["faults"] = g.minimal_text;
  j["duration"] = FormatTime(g.minimal_duration);
  j["removed_nodes"] = g.removed_nodes;
  j["evidence"] = g.evidence;
  j["scenario"] = g.scenario_yaml.empty() ? json(nullptr) : json(FindingFileName(k, c));
  j["shrink_runs"] = g.shrink_runs;
  return j;
}

}  // namespace

std::string FindingFileName(std::size_t k, const FindingClass& c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03zu", k + 1);
  return "finding-" + std::string(buf) + "-" + c.property.substr(0, c.property.find(':')) + ".yaml";
}

std::string FindingsJsonl(const std::vector<FindingClass>& classes) {
  std::string out;
  for (std::size_t k = 0; k < classes.size(); ++k) out += ClassJson(k, classes[k]).dump() + "\n";
  return out;
}

std::string SummaryJson(const ExploreHeader& h, const ExploreResult& r,
                        const std::vector<FindingClass>& classes) {
  json j;
  j["scenario"] = h.scenario;
  j["seed"] = h.seed;
  j["schedules"] = r.schedules;
  j["runs"] = r.runs;
  j["violating_runs"] = r.violating_runs;
  j["events"] = r.events;
  j["variants"] = h.variants;
  j["properties"] = h.properties;
  j["skipped_expectations"] = h.skipped;
  j["coverage"] = json::object();
  for (const auto& [k, n] : r.coverage) j["coverage"][k] = n;
  j["classes"] = json::array();
  for (std::size_t k = 0; k < classes.size(); ++k)
    j["classes"].push_back(
        {{"class", k + 1}, {"signature", classes[k].signature}, {"count", classes[k].count}});
  return j.dump(1) + "\n";
}

std::string FindingsJunit(const ExploreHeader& h, const ExploreResult& r,
                          const std::vector<FindingClass>& classes) {
  std::string suite = "vrrpsim explore " + h.scenario;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::size_t tests = h.properties.size();
  std::size_t failing = 0;
  for (const auto& p : h.properties)
    for (const auto& c : classes)
      if (c.property == p) {
        ++failing;
        break;
      }
  out += "<testsuites name=\"vrrpsim explore\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failing) + "\">\n";
  out += " <testsuite name=\"" + XmlEscape(suite) + "\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failing) + "\">\n";
  for (const auto& p : h.properties) {
    std::vector<const FindingClass*> mine;
    for (const auto& c : classes)
      if (c.property == p) mine.push_back(&c);
    out += "  <testcase classname=\"" + XmlEscape(suite) + "\" name=\"" + XmlEscape(p) + " over " +
           std::to_string(r.runs) + " runs\"";
    if (mine.empty()) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    for (const FindingClass* c : mine) {
      std::size_t k = static_cast<std::size_t>(c - classes.data());
      std::string msg =
          c->signature + " (" + std::to_string(c->count) + " runs): " + c->example->evidence;
      out += "   <failure message=\"" + XmlEscape(msg) + "\">" +
             XmlEscape("minimal scenario: " + FindingFileName(k, *c)) + "</failure>\n";
    }
    out += "  </testcase>\n";
  }
  out += " </testsuite>\n</testsuites>\n";
  return out;
}

void WriteSummaryTable(const ExploreHeader& h, const ExploreResult& r,
                       const std::vector<FindingClass>& classes, double seconds,
                       double shrink_seconds, std::ostream& out) {
  out << "scenario " << h.scenario << "  seed " << h.seed << "\n";
  out << "  " << r.schedules << " schedules x " << h.variants.size() << " variant"
      << (h.variants.size() == 1 ? "" : "s") << " = " << r.runs << " runs";
  if (seconds > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " in %.1fs (%.0f runs/s)", seconds,
                  static_cast<double>(r.runs) / seconds);
    out << buf;
  }
  out << "; " << r.violating_runs << " violating\n";
  if (shrink_seconds >= 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "  shrinking %zu signature group(s) took %.1fs\n",
                  r.groups.size(), shrink_seconds);
    out << buf;
  }
  out << "  properties: ";
  for (std::size_t i = 0; i < h.properties.size(); ++i) out << (i ? ", " : "") << h.properties[i];
  out << "\n";
  for (const auto& s : h.skipped) out << "  not checked (scenario expectation) " << s << "\n";
  out << "\n";
  if (classes.empty()) {
    out << "no property violated\n";
  } else {
    out << classes.size() << " finding class" << (classes.size() == 1 ? "" : "es")
        << " (minimal examples: --out DIR)\n\n";
    out << "  #   runs     signature\n";
    for (std::size_t k = 0; k < classes.size(); ++k) {
      const FindingClass& c = classes[k];
      char buf[64];
      std::snprintf(buf, sizeof buf, "  %-3zu %-8llu ", k + 1,
                    static_cast<unsigned long long>(c.count));
      out << buf << c.signature << "\n";
      for (const auto& f : c.example->minimal_text) out << "               " << f << "\n";
      out << "               -> " << c.example->evidence << "\n";
    }
  }
  out << "\ncoverage (faults drawn, by kind and target role):\n";
  std::string line;
  for (const auto& [k, n] : r.coverage) {
    std::string cell = k + " " + std::to_string(n);
    if (line.size() + cell.size() > 90) {
      out << "  " << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : ", ") + cell;
  }
  if (!line.empty()) out << "  " << line << "\n";
}

bool WriteFindingsDir(const std::string& dir, const ExploreHeader& header,
                      const ExploreResult& result, const std::vector<FindingClass>& classes,
                      std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    *error = dir + " exists and is not a directory (--out names a directory here)";
    return false;
  }
  fs::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  // Findings of an earlier search in the same directory would mix with these.
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("finding-", 0) == 0 && name.size() > 5 &&
        name.compare(name.size() - 5, 5, ".yaml") == 0 && e.is_regular_file())
      fs::remove(e.path(), ec);
  }
  if (!WriteFileAtomically(dir + "/findings.jsonl", FindingsJsonl(classes), error)) return false;
  if (!WriteFileAtomically(dir + "/summary.json", SummaryJson(header, result, classes), error))
    return false;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const auto& yaml = classes[k].example->scenario_yaml;
    if (yaml.empty()) continue;
    if (!WriteFileAtomically(dir + "/" + FindingFileName(k, classes[k]), yaml, error)) return false;
  }
  return true;
}

}  // namespace vsim
