// Diagnostics: what the config reader (and later the scenario reader) says
// about its input, stamped with file:line:column.
#pragma once

#include <cstdint>
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

// Who says it (docs/cli.md "Message classes"). Only kConfigTest messages are
// what `keepalived -t` prints, and only they decide its exit status.
enum class DiagClass : std::uint8_t {
  kConfigTest,  // `keepalived -t` prints it (on any host)
  kDaemon,      // only the running daemon logs it (e.g. an unused script)
  kHost,        // keepalived -t prints it depending on the host that runs it
                // (a name lookup, a file, a user); off unless asked for
  kVrrpsim,     // vrrpsim's own limit or decision: keepalived says nothing
};

// "" for kConfigTest, else "daemon", "host" or "vrrpsim".
const char* DiagClassName(DiagClass c);

struct Diagnostic {
  Severity severity = Severity::kWarning;
  Location where;
  std::string message;  // keepalived's wording where it has one
  DiagClass cls = DiagClass::kConfigTest;
  // keepalived stops reading here (`-t` exits 2): a keyword missing its value.
  bool aborts = false;

  // "file:line:col: warning: message", and " [daemon]" etc. for the classes
  // other than kConfigTest.
  std::string ToString() const;
};

using Diagnostics = std::vector<Diagnostic>;

// True if any diagnostic has at least the given severity.
bool HasAtLeast(const Diagnostics& diags, Severity s);

// The exit status `keepalived -t` gives for a configuration with these
// diagnostics: 0 none of class kConfigTest (or kHost when `with_host`), 2 when
// one aborts reading, else 6 when one is a SECURITY VIOLATION, else 5.
int KeepalivedExitStatus(const Diagnostics& diags, bool with_host = false);

}  // namespace vrrp
