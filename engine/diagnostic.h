// Diagnostics: what the config reader (and later the scenario reader) says
// about its input, stamped with file:line:column.
#pragma once

#include <string>
#include <vector>

namespace vrrp {

struct Location {
  std::string file;  // as the user named it (or as resolved by include)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
};

enum class Severity {
  kWarning,  // keepalived logs it and carries on with the same meaning
  kError,    // keepalived logs it and ignores or defaults the value
  kFatal,    // keepalived refuses the configuration (exits / VRRP process fails)
};

const char* SeverityName(Severity s);

struct Diagnostic {
  Severity severity = Severity::kWarning;
  Location where;
  std::string message;  // keepalived's wording where it has one

  // "file:line:col: warning: message"
  std::string ToString() const;
};

using Diagnostics = std::vector<Diagnostic>;

// True if any diagnostic has at least the given severity.
bool HasAtLeast(const Diagnostics& diags, Severity s);

}  // namespace vrrp
