#include "sim/cli/lint.h"

#include <iostream>

#include "engine/config/parser.h"
#include "sim/io/fs_include_resolver.h"
#include "sim/io/host_lookup.h"
#include "sim/scenario/scenario.h"

namespace vsim {

namespace {
bool IsScenarioFile(const std::string& path) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml");
}
}  // namespace

int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
  int warnings = 0, errors = 0, unreadable = 0;
  int keepalived_status = 0;
  auto count = [&](const vrrp::Diagnostics& diags) {
    for (const auto& d : diags) {
      if (d.severity == vrrp::Severity::kWarning)
        ++warnings;
      else
        ++errors;
      if (!options.quiet) out << d.ToString() << '\n';
    }
  };
  // keepalived -t's status over several files: the worst one (2 > 6 > 5 > 0).
  auto rank = [](int s) { return s == 2 ? 3 : s == 6 ? 2 : s == 5 ? 1 : 0; };
  auto note_status = [&](const vrrp::Diagnostics& diags) {
    int s = vrrp::KeepalivedExitStatus(diags, options.host_checks);
    if (rank(s) > rank(keepalived_status)) keepalived_status = s;
  };
  for (const auto& file : options.files) {
    if (IsScenarioFile(file)) {
      // A scenario: every node's configuration, then the cross-node checks.
      ScenarioLoad load = LoadScenarioFile(file);
      if (!load.read_ok) ++unreadable;
      count(load.diagnostics);
      note_status(load.diagnostics);
      if (load.ok()) count(LintScenario(*load.scenario));
      continue;
    }
    vrrp::ParseOptions parse_options;
    parse_options.known_interfaces = options.interfaces;
    parse_options.config_id = options.config_id;
    parse_options.shell = options.shell;
    if (options.host_checks) {
      parse_options.resolves = HostResolves;
      parse_options.script_exists = HostHasProgram;
      parse_options.user_exists = HostHasUser;
    }
    LoadResult loaded = LoadConfigFile(file, options.root, parse_options);
    if (!loaded.read_ok) ++unreadable;
    count(loaded.parse.diagnostics);
    note_status(loaded.parse.diagnostics);
  }
  out << options.files.size() << (options.files.size() == 1 ? " file" : " files") << ": " << errors
      << (errors == 1 ? " error, " : " errors, ") << warnings
      << (warnings == 1 ? " warning" : " warnings");
  if (options.keepalived_exit_status) out << "; keepalived -t would exit " << keepalived_status;
  out << '\n';
  if (unreadable)
    err << "vrrpsim lint: " << unreadable << (unreadable == 1 ? " file" : " files")
        << " could not be read\n";
  if (options.keepalived_exit_status) return unreadable ? 1 : keepalived_status;
  if (errors || unreadable) return 2;
  return warnings ? 1 : 0;
}

}  // namespace vsim
