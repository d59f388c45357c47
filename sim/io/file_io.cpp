#include "sim/io/file_io.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace vsim {

namespace {

// The reason an open or stat failed, worded for a message.
std::string OpenError(int err) {
  switch (err) {
    case ENOENT:
      return "no such file";
    case ENOTDIR:
      return "no such file (a part of the path is not a directory)";
    case EACCES:
    case EPERM:
      return "permission denied";
    case ELOOP:
      return "is a symbolic link loop";
    case ENAMETOOLONG:
      return "the path is too long";
    default:
      return std::string("cannot open: ") + std::strerror(err);
  }
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Writes all of `content` to `fd`; false on an error (errno set).
bool WriteAll(int fd, const std::string& content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// A device or pipe: it cannot be replaced, so it is written in place. Opened
// non-blocking so that a FIFO without a reader fails (ENXIO) instead of
// waiting for one; blocking again for the writes.
bool WriteInPlace(const std::string& path, const std::string& content, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    *error = "cannot write " + path + ": " +
             (e == ENXIO ? std::string("a named pipe with no reader") : std::strerror(e));
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 &&
      (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISBLK(st.st_mode))) {
    *error = "cannot write " + path + ": it is " + FileKindName(st.st_mode);
    ::close(fd);
    return false;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  bool ok = WriteAll(fd, content);
  const int e = errno;
  if (::close(fd) != 0 && ok) ok = false;
  if (!ok) *error = "cannot write " + path + ": " + std::strerror(e);
  return ok;
}

// Absolute, normalised, with the symbolic links of the existing part
// resolved; `path` itself if that fails.
std::string NormalPath(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p =
      std::filesystem::weakly_canonical(std::filesystem::path(path), ec);
  if (ec) return path;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string FileKindName(mode_t m) {
  if (S_ISREG(m)) return "a regular file";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a named pipe";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string DirName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DescribeFileType(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return FileKindName(st.st_mode);
  if (errno == ELOOP) return "a symbolic link loop";
  return "";
}

bool ReadRegularFile(const std::string& path, std::size_t max_bytes, std::string* out,
                     std::string* error) {
  // Look before opening: opening a device can have effects (a tape rewinds,
  // a watchdog starts), and a FIFO's open blocks without O_NONBLOCK.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = OpenError(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = "is " + FileKindName(st.st_mode) + ", not a regular file";
    return false;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *error = OpenError(errno);
    return false;
  }
  // Again on what was opened: the path may have been swapped meanwhile.
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = "is " + FileKindName(st.st_mode) + ", not a regular file";
    ::close(fd);
    return false;
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    *error = "is larger than " + std::to_string(max_bytes) + " bytes";
    ::close(fd);
    return false;
  }
  std::string data;
  data.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::string("cannot read: ") + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  // A file that grew while we read it is read only as far as stat promised:
  // the cap holds whatever happens to the file meanwhile.
  data.resize(got);
  ::close(fd);
  *out = std::move(data);
  return true;
}

bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* error) {
  if (path.empty()) {
    *error = "cannot write an empty path";
    return false;
  }
  // /dev/stdout, /dev/null, /proc/self/fd/N: written in place, never replaced.
  if (StartsWith(path, "/dev/") || StartsWith(path, "/proc/"))
    return WriteInPlace(path, content, error);
  std::string target = path;
  mode_t mode = 0644;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return WriteInPlace(path, content, error);
    if (!S_ISREG(st.st_mode)) {
      *error = "cannot write " + path + ": it is " + FileKindName(st.st_mode);
      return false;
    }
    mode = st.st_mode & 07777;
    // A symbolic link: replace the file it names, keep the link.
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) != nullptr) target = buf;
  } else if (errno == ELOOP) {
    *error = "cannot write " + path + ": it is a symbolic link loop";
    return false;
  }
  std::string tmp = DirName(target) + "/." + BaseName(target) + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    *error = "cannot write " + path + ": cannot create a temporary file in " + DirName(target) +
             ": " + std::strerror(errno);
    return false;
  }
  bool ok = WriteAll(fd, content);
  int e = ok ? 0 : errno;
  if (ok) ::fchmod(fd, mode);
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    e = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok && ::rename(tmp.c_str(), target.c_str()) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    *error = "cannot write " + path + ": " + std::strerror(e);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool SamePath(const std::string& a, const std::string& b) {
  if (a == b) return true;
  struct stat sa {
  }, sb{};
  const bool ea = ::stat(a.c_str(), &sa) == 0, eb = ::stat(b.c_str(), &sb) == 0;
  if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb) return false;  // one exists, the other does not
  return NormalPath(a) == NormalPath(b);
}

bool CheckOutputPaths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs,
                      std::string* error) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& o = outputs[i];
    if (o.path.empty() || o.path == "-") continue;
    struct stat st {};
    if (!o.directory && ::stat(o.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      *error = o.role + " " + o.path + " is a directory";
      return false;
    }
    for (const NamedPath& in : inputs)
      if (SamePath(o.path, in.path)) {
        *error = o.role + " " + o.path + " is the " + in.role + " " + in.path +
                 ": refusing to overwrite an input";
        return false;
      }
    for (std::size_t k = 0; k < i; ++k) {
      const NamedPath& p = outputs[k];
      if (p.path.empty() || p.path == "-") continue;
      // Two outputs on one device (e.g. /dev/null) do not clobber each other.
      if (::stat(o.path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
        continue;
      if (SamePath(o.path, p.path)) {
        *error = p.role + " and " + o.role + " name the same file (" + p.path +
                 (p.path == o.path ? "" : ", " + o.path) + ")";
        return false;
      }
    }
  }
  return true;
}

}  // namespace vsim
