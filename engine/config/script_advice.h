// What keepalived 2.2.7 will really do with a script command, and warnings
// for commands that cannot work as written. Nothing is ever executed.
//
// From keepalived's source (lib/notify.c, check_script_secure() and
// system_call_script()): a command whose first word starts with `<` followed
// by `/` (a file test such as `</dev/tcp/127.0.0.1/80`) is handed to
// system(), i.e. `/bin/sh -c COMMAND`; every other command is split into
// words by keepalived itself (quotes and backslash escapes, no shell) and its
// program exec'd directly (execve), after a PATH search when it is a bare
// name (keepalived then logs "WARNING - script `X` resolved by path search").
// So shell syntax in such a command reaches the program as plain arguments,
// and `/bin/sh` is whatever the host has: dash on Debian and Ubuntu, which
// has no /dev/tcp and no [[ ]].
#pragma once

#include <string>

#include "engine/diagnostic.h"

namespace vrrp {

// `shell` is what /bin/sh is on the host ("dash" or "bash"). Appends
// warnings of class kDaemon (what the running daemon will do) to `diags`.
void AdviseScript(const std::string& command, const Location& where, const std::string& shell,
                  const std::string& what, Diagnostics* diags);

// True if the command fails every time on a host whose /bin/sh is `shell`:
// a `<` file test with bash-only syntax handed to dash, or `sh -c`/`dash -c`
// with bash-only syntax (the simulator makes such a vrrp_script fail).
bool ScriptAlwaysFails(const std::string& command, const std::string& shell);

}  // namespace vrrp
