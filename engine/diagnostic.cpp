#include "engine/diagnostic.h"

namespace vrrp {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
    case Severity::kFatal:
      return "fatal";
  }
  return "?";
}

std::string Diagnostic::ToString() const {
  std::string out = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    out += ':' + std::to_string(where.line);
    if (where.column > 0) out += ':' + std::to_string(where.column);
  }
  out += ": ";
  out += SeverityName(severity);
  out += ": ";
  out += message;
  return out;
}

bool HasAtLeast(const Diagnostics& diags, Severity s) {
  for (const auto& d : diags)
    if (static_cast<int>(d.severity) >= static_cast<int>(s)) return true;
  return false;
}

}  // namespace vrrp
