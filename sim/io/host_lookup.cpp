#include "sim/io/host_lookup.h"

#include <netdb.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace vsim {

bool HostResolves(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (res) freeaddrinfo(res);
  return rc == 0;
}

}  // namespace vsim

namespace vsim {

bool HostHasProgram(const std::string& word) {
  if (word.empty()) return false;
  struct stat st {};
  if (word.find('/') != std::string::npos) return ::stat(word.c_str(), &st) == 0;
  for (const char* dir :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    const std::string p = std::string(dir) + "/" + word;
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) return true;
  }
  return false;
}

}  // namespace vsim

namespace vsim {

bool HostHasUser(const std::string& name) {
  char buf[16384];
  passwd pwd{};
  passwd* result = nullptr;
  return getpwnam_r(name.c_str(), &pwd, buf, sizeof buf, &result) == 0 && result != nullptr;
}

}  // namespace vsim
