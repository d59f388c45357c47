// vrrpsim's reader against recorded `keepalived -t` output: every NAME.conf
// with a NAME.keepalived (written by tests/conformance/lint/record_lint.sh in
// a network namespace with the interfaces the file names) under
//   tests/data/config/keepalived_t/   cases written for one rule each
//   tests/data/wild/                   configurations from public repositories
// must give keepalived's exit status (KeepalivedExitStatus) and the same
// messages on the same lines: every `-t` message of vrrpsim (class
// kConfigTest) must be one keepalived printed on that line, and every
// keepalived message one of vrrpsim's (a keepalived message without a line -
// printed after reading - matches on any line). The differences that remain
// are listed, each with its reason, in DIR/DIFFERENCES (lines "NAME.conf: LINE:
// MESSAGE" for a message only keepalived prints, "NAME.conf: +LINE: MESSAGE"
// for one only vrrpsim prints, "NAME.conf: rc A B" for an exit-status
// difference); an unlisted difference fails, and so does a listed one that no
// longer occurs. The figures are printed (docs/conformance.md, "Lint
// conformance").
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>

#include "sim/io/fs_include_resolver.h"
#include "sim/io/host_lookup.h"

namespace vsim {
namespace {

namespace fs = std::filesystem;

struct Golden {
  std::vector<std::string> interfaces;
  std::string config_id;
  int rc = -1;
  std::vector<std::pair<std::string, std::string>> messages;  // line or "-", text
};

Golden ReadGolden(const fs::path& p) {
  Golden g;
  std::ifstream in(p, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("interfaces:", 0) == 0) {
      std::istringstream w(line.substr(11));
      std::string i;
      while (w >> i) g.interfaces.push_back(i);
    } else if (line.rfind("config-id: ", 0) == 0) {
      g.config_id = line.substr(11);
    } else if (line.rfind("rc: ", 0) == 0) {
      g.rc = std::stoi(line.substr(4));
    } else {
      std::size_t colon = line.find(": ");
      if (colon == std::string::npos) continue;
      g.messages.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  return g;
}

std::set<std::string> ReadDifferences(const fs::path& dir) {
  std::set<std::string> out;
  std::ifstream in(dir / "DIFFERENCES", std::ios::binary);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#' && line[0] != ' ') out.insert(line);
  return out;
}

struct Tally {
  int files = 0, rc_same = 0, class_same = 0;
  int kt_messages = 0, kt_matched = 0, sim_messages = 0, sim_matched = 0;
};

// Compares one directory; returns the differences found (in the DIFFERENCES format).
std::set<std::string> CompareDir(const fs::path& dir, Tally* t) {
  std::set<std::string> diffs;
  std::vector<fs::path> confs;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".conf" &&
        fs::exists(fs::path(e.path()).replace_extension(".keepalived")))
      confs.push_back(e.path());
  std::sort(confs.begin(), confs.end());
  for (const auto& conf : confs) {
    const std::string name = conf.filename().string();
    Golden g = ReadGolden(fs::path(conf).replace_extension(".keepalived"));
    vrrp::ParseOptions o;
    o.known_interfaces = g.interfaces;
    o.known_interfaces.push_back("lo");
    o.config_id = g.config_id;
    // keepalived -t looked the scripts up on the machine that recorded the
    // file; this is the same kind of machine (docs/conformance.md).
    o.script_exists = HostHasProgram;
    o.user_exists = HostHasUser;
    LoadResult r = LoadConfigFile(conf.string(), dir.string(), o);
    ++t->files;
    int rc = vrrp::KeepalivedExitStatus(r.parse.diagnostics, /*with_host=*/true);
    if (rc == g.rc) ++t->rc_same;
    if ((rc == 0) == (g.rc == 0)) ++t->class_same;
    if (rc != g.rc) diffs.insert(name + ": rc " + std::to_string(g.rc) + " " + std::to_string(rc));
    // vrrpsim's -t messages, as "line: text".
    std::multiset<std::pair<std::string, std::string>> sim;
    for (const auto& d : r.parse.diagnostics)
      if (d.cls == vrrp::DiagClass::kConfigTest || d.cls == vrrp::DiagClass::kHost)
        sim.emplace(d.where.line > 0 ? std::to_string(d.where.line) : "-", d.message);
    std::set<std::pair<std::string, std::string>> seen;  // keepalived's, de-duplicated
    for (const auto& m : g.messages) {
      if (!seen.insert(m).second) continue;
      ++t->kt_messages;
      auto it = sim.end();
      if (m.first == "-") {
        it = std::find_if(sim.begin(), sim.end(),
                          [&](const auto& s) { return s.second == m.second; });
      } else {
        it = sim.find(m);
      }
      if (it != sim.end()) {
        ++t->kt_matched;
        // The same message printed again by vrrpsim (e.g. for another instance
        // on the same line) counts once, as keepalived's output is de-duplicated.
        auto same = *it;
        while ((it = sim.find(same)) != sim.end()) {
          sim.erase(it);
          ++t->sim_matched;
          ++t->sim_messages;
        }
      } else {
        diffs.insert(name + ": " + m.first + ": " + m.second);
      }
    }
    for (const auto& s : sim) {
      ++t->sim_messages;
      diffs.insert(name + ": +" + s.first + ": " + s.second);
    }
  }
  return diffs;
}

void CheckDir(const std::string& sub, std::size_t min_files) {
  const fs::path dir = fs::path(VRRPSIM_TEST_DATA_DIR) / sub;
  Tally t;
  std::set<std::string> diffs = CompareDir(dir, &t);
  std::set<std::string> listed = ReadDifferences(dir);
  for (const auto& d : diffs)
    EXPECT_TRUE(listed.count(d)) << "difference not listed in " << sub << "/DIFFERENCES: " << d;
  for (const auto& d : listed)
    EXPECT_TRUE(diffs.count(d)) << "listed difference no longer occurs: " << d;
  EXPECT_GE(static_cast<std::size_t>(t.files), min_files);
  std::printf(
      "%s: %d files; exit status same %d/%d, accept/reject same %d/%d; keepalived messages "
      "matched %d/%d; vrrpsim -t messages matched %d/%d\n",
      sub.c_str(), t.files, t.rc_same, t.files, t.class_same, t.files, t.kt_matched, t.kt_messages,
      t.sim_matched, t.sim_messages);
}

TEST(LintConformance, RuleCasesMatchKeepalivedT) { CheckDir("config/keepalived_t", 1); }

TEST(LintConformance, WildConfigurationsMatchKeepalivedT) { CheckDir("wild", 0); }

}  // namespace
}  // namespace vsim
