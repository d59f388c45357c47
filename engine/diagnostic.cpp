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

const char* DiagClassName(DiagClass c) {
  switch (c) {
    case DiagClass::kConfigTest:
      return "";
    case DiagClass::kDaemon:
      return "daemon";
    case DiagClass::kHost:
      return "host";
    case DiagClass::kVrrpsim:
      return "vrrpsim";
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
  if (cls != DiagClass::kConfigTest) {
    out += " [";
    out += DiagClassName(cls);
    out += ']';
  }
  return out;
}

bool HasAtLeast(const Diagnostics& diags, Severity s) {
  for (const auto& d : diags)
    if (static_cast<int>(d.severity) >= static_cast<int>(s)) return true;
  return false;
}

int KeepalivedExitStatus(const Diagnostics& diags, bool with_host) {
  bool any = false, security = false;
  for (const auto& d : diags) {
    if (d.cls != DiagClass::kConfigTest && !(with_host && d.cls == DiagClass::kHost)) continue;
    if (d.aborts) return 2;
    any = true;
    security |= d.message.rfind("SECURITY VIOLATION", 0) == 0;
  }
  return security ? 6 : any ? 5 : 0;
}

}  // namespace vrrp
