#include "sim/io/spill.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/io/file_io.h"

namespace vsim {

namespace {

// Large enough that a write is one system call's worth of work, small enough
// to be negligible next to the bound on a run's memory.
constexpr std::size_t kChunk = 1u << 20;

bool WriteAllFd(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::string TempDirectory() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? std::string(t) : std::string("/tmp");
}

// --- Spill ------------------------------------------------------------------

Spill::Spill(std::string dir, std::size_t memory_limit)
    : dir_(std::move(dir)), memory_limit_(memory_limit) {}

Spill::~Spill() {
  if (fd_ >= 0) ::close(fd_);
}

void Spill::SpillMemory() {
  if (!error_.empty()) {
    memory_.clear();
    return;
  }
  if (fd_ < 0) {
    std::string tmp = (dir_.empty() ? TempDirectory() : dir_) + "/.vrrpsim-spill-XXXXXX";
    fd_ = ::mkstemp(tmp.data());
    if (fd_ < 0) {
      error_ = "cannot create a temporary file in " + DirName(tmp) + ": " + std::strerror(errno);
      memory_.clear();
      return;
    }
    // Nobody else needs its name: gone with the descriptor, even on a crash.
    ::unlink(tmp.c_str());
  }
  if (!WriteAllFd(fd_, memory_)) {
    error_ = std::string("cannot write a temporary file: ") + std::strerror(errno);
  } else {
    file_size_ += memory_.size();
  }
  memory_.clear();
}

void Spill::Write(std::string_view data) {
  if (fd_ >= 0 && memory_.empty() && data.size() >= memory_limit_ / 64) {
    // Already in the file: a large piece goes there without another copy.
    if (!error_.empty()) return;
    if (!WriteAllFd(fd_, data))
      error_ = std::string("cannot write a temporary file: ") + std::strerror(errno);
    else
      file_size_ += data.size();
    return;
  }
  memory_.append(data);
  if (memory_.size() >= memory_limit_) SpillMemory();
}

bool Spill::ForEach(const std::function<void(std::string_view)>& fn) {
  if (fd_ >= 0) {
    std::string buf(kChunk, '\0');
    std::uint64_t offset = 0;
    while (offset < file_size_) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, file_size_ - offset));
      const ssize_t n = ::pread(fd_, buf.data(), want, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (error_.empty())
          error_ = std::string("cannot read a temporary file back: ") +
                   (n < 0 ? std::strerror(errno) : "it is shorter than written");
        return false;
      }
      fn(std::string_view(buf.data(), static_cast<std::size_t>(n)));
      offset += static_cast<std::uint64_t>(n);
    }
  }
  if (!memory_.empty()) fn(memory_);
  return error_.empty();
}

bool Spill::CopyTo(ByteSink& out, int indent) {
  if (indent <= 0) {
    // A spilled trace is gigabytes: file to file in the kernel if it can.
    if (fd_ >= 0 && error_.empty() && out.CopyFromFile(fd_, 0, file_size_)) {
      if (!memory_.empty()) out.Write(memory_);
      return true;
    }
    return ForEach([&](std::string_view s) { out.Write(s); });
  }
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  return ForEach([&](std::string_view s) {
    // Newlines only separate JSON lines (strings have theirs escaped).
    while (!s.empty()) {
      const void* nl = std::memchr(s.data(), '\n', s.size());
      if (nl == nullptr) {
        out.Write(s);
        break;
      }
      const std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1;
      out.Write(s.substr(0, n));
      out.Write(pad);
      s.remove_prefix(n);
    }
  });
}

// --- StreamedFile -----------------------------------------------------------

StreamedFile::StreamedFile() = default;

StreamedFile::~StreamedFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void StreamedFile::Fail(int err) {
  if (error_.empty()) error_ = "cannot write " + path_ + ": " + std::strerror(err);
}

// The same decisions as WriteFileAtomically, taken before the first byte
// instead of after the last.
void StreamedFile::Open(const std::string& path, const std::string& spill_dir) {
  path_ = path;
  if (path.empty()) {
    error_ = "cannot write an empty path";
    return;
  }
  if (StartsWith(path, "/dev/") || StartsWith(path, "/proc/")) {
    in_place_ = true;
  } else {
    target_ = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
        in_place_ = true;
      } else if (!S_ISREG(st.st_mode)) {
        error_ = "cannot write " + path + ": it is " + FileKindName(st.st_mode);
        return;
      } else {
        mode_ = st.st_mode & 07777;
        char buf[PATH_MAX];
        if (::realpath(path.c_str(), buf) != nullptr) target_ = buf;
      }
    } else if (errno == ELOOP) {
      error_ = "cannot write " + path + ": it is a symbolic link loop";
      return;
    }
  }
  if (in_place_) {
    pending_ = std::make_unique<Spill>(spill_dir);
    return;
  }
  dir_ = DirName(target_);
  tmp_ = dir_ + "/." + BaseName(target_) + ".tmp-XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) {
    error_ = "cannot write " + path + ": cannot create a temporary file in " + dir_ + ": " +
             std::strerror(errno);
    dir_.clear();
  }
}

void StreamedFile::Write(std::string_view data) {
  if (!error_.empty()) return;
  if (pending_) {
    pending_->Write(data);
    return;
  }
  if (fd_ < 0) return;
  if (buffer_.size() + data.size() < kChunk) {
    buffer_.append(data);
    return;
  }
  // A large piece (a spill read back) goes out without another copy.
  if (!buffer_.empty() && !WriteAllFd(fd_, buffer_)) Fail(errno);
  buffer_.clear();
  if (error_.empty() && !WriteAllFd(fd_, data)) Fail(errno);
}

bool StreamedFile::CopyFromFile(int fd, std::uint64_t offset, std::uint64_t length) {
  if (!error_.empty() || pending_ || fd_ < 0) return false;
  if (!buffer_.empty() && !WriteAllFd(fd_, buffer_)) {
    Fail(errno);
    buffer_.clear();
    return true;  // the error stands for the copy too
  }
  buffer_.clear();
  auto in = static_cast<off_t>(offset);
  while (length > 0) {
    const ssize_t n = ::copy_file_range(fd, &in, fd_, nullptr, length, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Not supported here (another file system before Linux 5.3, ...): the
      // rest through memory.
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        std::string buf(kChunk, '\0');
        while (length > 0) {
          const ssize_t r =
              ::pread(fd, buf.data(),
                      static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, length)), in);
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0) {
            Fail(r < 0 ? errno : EIO);
            return true;
          }
          if (!WriteAllFd(fd_, std::string_view(buf.data(), static_cast<std::size_t>(r)))) {
            Fail(errno);
            return true;
          }
          in += r;
          length -= static_cast<std::uint64_t>(r);
        }
        return true;
      }
      Fail(n < 0 ? errno : EIO);
      return true;
    }
    length -= static_cast<std::uint64_t>(n);
  }
  return true;
}

bool StreamedFile::Commit(std::string* error) {
  if (error_.empty() && pending_) {
    if (!pending_->ok()) error_ = "cannot write " + path_ + ": " + pending_->error();
  }
  if (error_.empty() && in_place_) {
    // As file_io.cpp's WriteInPlace: non-blocking open so that a FIFO
    // without a reader fails instead of waiting for one.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      const int e = errno;
      error_ = "cannot write " + path_ + ": " +
               (e == ENXIO ? std::string("a named pipe with no reader") : std::strerror(e));
    } else {
      struct stat st {};
      if (::fstat(fd, &st) == 0 &&
          (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISBLK(st.st_mode))) {
        error_ = "cannot write " + path_ + ": it is " + FileKindName(st.st_mode);
        ::close(fd);
      } else {
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        bool ok = true;
        int e = 0;
        pending_->ForEach([&](std::string_view s) {
          if (ok && !WriteAllFd(fd, s)) {
            ok = false;
            e = errno;
          }
        });
        if (::close(fd) != 0 && ok) {
          ok = false;
          e = errno;
        }
        if (!ok) Fail(e);
        if (ok && !pending_->ok()) error_ = "cannot write " + path_ + ": " + pending_->error();
      }
    }
    pending_.reset();
  } else if (error_.empty() && fd_ >= 0) {
    if (!buffer_.empty() && !WriteAllFd(fd_, buffer_)) Fail(errno);
    buffer_.clear();
    if (error_.empty()) ::fchmod(fd_, static_cast<mode_t>(mode_));
    if (error_.empty() && ::fsync(fd_) != 0) Fail(errno);
    if (::close(fd_) != 0) Fail(errno);
    fd_ = -1;
    if (error_.empty() && ::rename(tmp_.c_str(), target_.c_str()) != 0) Fail(errno);
    if (!error_.empty()) ::unlink(tmp_.c_str());
  }
  if (!error_.empty()) {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
      fd_ = -1;
    }
    *error = error_;
    return false;
  }
  return true;
}

}  // namespace vsim
