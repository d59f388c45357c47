// `vrrpsim lint`: the `keepalived -t` of vrrpsim.
#pragma once

#include <iosfwd>
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
};

// Exit status: 0 clean, 1 warnings only, 2 errors (or unreadable input).
int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err);

}  // namespace vsim
