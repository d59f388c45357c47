#include "sim/cli/lint.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/config/parser.h"

namespace vsim {

int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
  int warnings = 0, errors = 0, unreadable = 0;
  for (const auto& file : options.files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << file << ": error: cannot open file\n";
      ++unreadable;
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    vrrp::ParseOptions parse_options;
    vrrp::ParseResult result = vrrp::ParseConfig(text.str(), file, parse_options);
    for (const auto& d : result.diagnostics) {
      if (d.severity == vrrp::Severity::kWarning)
        ++warnings;
      else
        ++errors;
      if (!options.quiet) out << d.ToString() << '\n';
    }
  }
  out << options.files.size() << (options.files.size() == 1 ? " file" : " files") << ": " << errors
      << (errors == 1 ? " error, " : " errors, ") << warnings
      << (warnings == 1 ? " warning" : " warnings") << '\n';
  if (errors || unreadable) return 2;
  return warnings ? 1 : 0;
}

}  // namespace vsim
