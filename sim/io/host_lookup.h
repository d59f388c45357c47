// Name lookups on the machine vrrpsim runs on: the checks keepalived -t
// makes against its own host (class DiagClass::kHost), made only when asked
// (`vrrpsim lint --host-checks`).
#pragma once

#include <string>

namespace vsim {

// True if this machine resolves `name` to an address (getaddrinfo), as
// keepalived's smtp_server check does.
bool HostResolves(const std::string& name);

}  // namespace vsim

namespace vsim {

// True if this machine has the program a script command starts with, as
// keepalived looks it up: a path containing '/' must exist; a bare name is
// searched in PATH (/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
// and must be an executable regular file. Nothing is executed.
bool HostHasProgram(const std::string& word);

}  // namespace vsim

namespace vsim {

// True if this machine has the user `name` (getpwnam).
bool HostHasUser(const std::string& name);

}  // namespace vsim
