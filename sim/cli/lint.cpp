#include "sim/cli/lint.h"

#include <iostream>

#include "engine/config/parser.h"
#include "sim/io/fs_include_resolver.h"

namespace vsim {

int RunLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
  int warnings = 0, errors = 0, unreadable = 0;
  for (const auto& file : options.files) {
    vrrp::ParseOptions parse_options;
    parse_options.known_interfaces = options.interfaces;
    vrrp::sim::LoadResult loaded = vrrp::sim::LoadConfigFile(file, options.root, parse_options);
    if (!loaded.read_ok) ++unreadable;
    for (const auto& d : loaded.parse.diagnostics) {
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
  if (unreadable)
    err << "vrrpsim lint: " << unreadable << (unreadable == 1 ? " file" : " files")
        << " could not be read\n";
  if (errors || unreadable) return 2;
  return warnings ? 1 : 0;
}

}  // namespace vsim
