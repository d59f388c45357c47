#include "engine/config/script_advice.h"

#include <algorithm>
#include <vector>

#include "engine/config/lexer.h"

namespace vrrp {

namespace {

bool IsShell(const std::string& program) {
  std::string base =
      program.substr(program.rfind('/') == std::string::npos ? 0 : program.rfind('/') + 1);
  return base == "sh" || base == "bash" || base == "dash" || base == "ash" || base == "ksh" ||
         base == "zsh" || base == "busybox";
}

// Constructs dash does not have.
const char* BashOnly(const std::string& text) {
  if (text.find("/dev/tcp/") != std::string::npos) return "/dev/tcp";
  if (text.find("/dev/udp/") != std::string::npos) return "/dev/udp";
  if (text.find("[[") != std::string::npos) return "[[ ]]";
  if (text.find("<(") != std::string::npos || text.find(">(") != std::string::npos)
    return "process substitution";
  if (text.find("&>") != std::string::npos) return "&>";
  return nullptr;
}

}  // namespace

void AdviseScript(const std::string& command, const Location& where, const std::string& shell,
                  const std::string& what, Diagnostics* diags) {
  auto warn = [&](const std::string& msg) {
    diags->push_back({Severity::kWarning, where, msg, DiagClass::kDaemon});
  };
  std::size_t first = command.find_first_not_of(" \t");
  if (first == std::string::npos) return;
  const bool dash = shell != "bash";
  if (command[first] == '<') {
    // system(): /bin/sh -c COMMAND.
    const char* bash_only = BashOnly(command);
    if (dash && bash_only)
      warn(what + " '" + command + "' is run by keepalived with /bin/sh -c (" + shell +
           "), which has no " + bash_only + ": it fails every time; use \"/bin/bash -c '" +
           command + "'\" or a program that makes the check");
    return;
  }
  std::vector<std::string> argv;
  if (!SplitCommandWords(command, &argv) || argv.empty()) return;
  const std::string& program = argv[0];
  if (program.find('/') == std::string::npos)
    warn(what + " '" + command + "': keepalived runs the program '" + program +
         "' without a shell, found by a PATH search (it logs a warning at start); give its "
         "full path");
  else if (program[0] != '/')
    warn(what + " '" + command + "': the program '" + program +
         "' is a relative path: keepalived resolves it from its working directory");
  if (IsShell(program)) {
    // `sh -c '...'`: the shell is the program; check the script it gets.
    auto c = std::find(argv.begin(), argv.end(), "-c");
    if (c != argv.end() && c + 1 != argv.end()) {
      const std::string base = program.substr(program.rfind('/') + 1);
      const bool runs_dash = base == "dash" || (base == "sh" && dash);
      const char* bash_only = BashOnly(*(c + 1));
      if (runs_dash && bash_only)
        warn(what + " '" + command + "': " + program + " is " + (base == "sh" ? shell : "dash") +
             ", which has no " + bash_only + ": it fails every time; use /bin/bash -c");
    }
    return;
  }
  static constexpr const char* const kShellWords[] = {"|", "||", "&&",   ";", ">", ">>",
                                                      "<", "2>", "2>&1", "&", "`"};
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    bool shellish = std::any_of(std::begin(kShellWords), std::end(kShellWords),
                                [&](const char* w) { return a == w; }) ||
                    a.find("$(") != std::string::npos || a.find('`') != std::string::npos;
    if (shellish) {
      warn(what + " '" + command + "': keepalived runs " + program +
           " directly, without a shell: '" + a + "' and the words after it are passed to " +
           program + " as arguments; wrap the command in /bin/sh -c '...'");
      return;
    }
  }
}

bool ScriptAlwaysFails(const std::string& command, const std::string& shell) {
  const bool dash = shell != "bash";
  std::size_t first = command.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  if (command[first] == '<') return dash && BashOnly(command) != nullptr;
  std::vector<std::string> argv;
  if (!SplitCommandWords(command, &argv) || argv.empty() || !IsShell(argv[0])) return false;
  auto c = std::find(argv.begin(), argv.end(), "-c");
  if (c == argv.end() || c + 1 == argv.end()) return false;
  const std::string base = argv[0].substr(argv[0].rfind('/') + 1);
  const bool runs_dash = base == "dash" || (base == "sh" && dash);
  return runs_dash && BashOnly(*(c + 1)) != nullptr;
}

}  // namespace vrrp
