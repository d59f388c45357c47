// `vrrpsim lint`: the `keepalived -t` of vrrpsim.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace vsim {

struct LintOptions {
  std::vector<std::string> files;
  // Include directives may only reach files under this directory. Empty = the
  // directory of each linted file.
  std::string root;
  // Interfaces the host is assumed to have (keepalived's `Unknown interface!`
  // check). Empty = not checked.
  std::vector<std::string> interfaces;
  bool quiet = false;  // only the summary
  // keepalived's configuration id (`keepalived -i ID`) for keepalived.conf
  // files; unset = none (every `@ID` line skipped). Scenario nodes use their
  // own (config_id:, default the node name).
  std::optional<std::string> config_id;
  // Exit with the status `keepalived -t` would (0, 5, 6, 2) instead of 0/1/2.
  bool keepalived_exit_status = false;
  // Make the checks that depend on the host (class "host"): name lookups on
  // this machine, as keepalived -t on it would.
  bool host_checks = false;
  // What /bin/sh is on the host that will run keepalived (dash or bash): for
  // the script advice on keepalived.conf files (scenario nodes have shell:).
  std::string shell = "dash";
};

// Exit status: 0 clean, 1 warnings only, 2 errors (or unreadable input);
// with keepalived_exit_status, keepalived -t's (docs/cli.md), 1 if unreadable.
int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim
