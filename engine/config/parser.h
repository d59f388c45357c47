// keepalived.conf reader with keepalived 2.2.7's lexical rules, keyword set
// and diagnostics (semantics doc R80-R83).
//
// The engine does no I/O: `include` directives are resolved through an
// IncludeResolver supplied by the caller (sim/ provides one that reads files
// confined to a directory tree).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/model.h"
#include "engine/diagnostic.h"

namespace vrrp {

class IncludeResolver {
 public:
  virtual ~IncludeResolver() = default;

  struct File {
    std::string name;  // the name diagnostics will show for it
    std::string content;
    // Non-empty: this match was not read, and this says why (a symlink leading
    // out of the allowed tree, a directory); reported at the include with
    // `skipped_severity`, the other matches are read. (Both have initialisers
    // so that `{name, content}` stays a complete aggregate initialiser.)
    std::string skipped{};
    Severity skipped_severity = Severity::kError;
  };

  // Expands `pattern` (a glob, possibly relative) as written in `including_file`.
  // Returns the matches in sorted order; an empty result means no match
  // (keepalived logs it and carries on unless the include variant says
  // otherwise). `error` is set when the whole pattern is refused (e.g. its
  // directory escapes the allowed tree); single matches are refused through
  // File::skipped.
  virtual std::vector<File> Resolve(const std::string& including_file, const std::string& pattern,
                                    std::string* error) = 0;
};

// The reader records at most this many diagnostics; a configuration that
// would give more is refused with a fatal one naming the limit (every stray
// token is a diagnostic, as in keepalived's log, so the count would otherwise
// grow with the file size).
inline constexpr std::size_t kMaxConfigDiagnostics = 20000;

struct ParseOptions {
  // Where to look for include targets; nullptr = includes are an error.
  IncludeResolver* resolver = nullptr;
  // Guard against runaway input.
  int max_include_depth = 16;
  std::size_t max_total_bytes = 16 * 1024 * 1024;
  // Interfaces the host has; empty = do not check. An instance or tracked
  // interface naming another one gets keepalived's "doesn't exist" error.
  std::vector<std::string> known_interfaces;
  // keepalived's configuration id (`keepalived -i ID`): lines starting `@ID`
  // are read, `@^ID` skipped. nullopt = no id (every `@ID` line is skipped,
  // every `@^ID` line read), which is what `keepalived -i` with an id no line
  // names gives. keepalived's own default is the host name (up to the first
  // '.'); a scenario node's default is its node name.
  std::optional<std::string> config_id;
  // Checks whose outcome depends on the host running keepalived (class
  // DiagClass::kHost): a name lookup. Null = not made (no message).
  // `resolves(name)` says whether the host resolves `name` (sim/io supplies
  // one that asks the lint machine's resolver, as keepalived -t would).
  std::function<bool(const std::string&)> resolves;
  // keepalived looks up every script on its host: a vrrp_script whose program
  // is not there is disabled ("Disabling track script X since not
  // found/accessible", class kHost) and a missing program does not count for
  // the SECURITY VIOLATION. `script_exists(first word)` says whether the host
  // has it (an absolute path, or a bare name found in PATH). Null = every
  // script is assumed present (the simulated host has what its configuration
  // names).
  std::function<bool(const std::string&)> script_exists;
  // With enable_script_security and no script user configured, keepalived
  // runs scripts as `keepalived_script` and removes every vrrp_script when
  // the host has no such user (class kHost). `user_exists(name)` says whether
  // it does; null = assumed to exist.
  std::function<bool(const std::string&)> user_exists;
  // What /bin/sh is on the host: "dash" (Debian, Ubuntu) or "bash". Decides
  // whether a command keepalived hands to the shell can work (script_advice.h).
  std::string shell = "dash";
};

struct ParseResult {
  Config config;
  Diagnostics diagnostics;  // in the order keepalived would print them

  // False when keepalived would refuse the configuration (any kFatal).
  bool ok() const { return !HasAtLeast(diagnostics, Severity::kFatal); }
};

// Parses and completes one configuration. Never throws, never crashes on any
// input; everything wrong with the input is a diagnostic.
ParseResult ParseConfig(std::string_view text, const std::string& filename,
                        const ParseOptions& options = {});

}  // namespace vrrp
