// An IncludeResolver that reads real files, confined to one directory tree.
//
// keepalived resolves `include` globs relative to the including file's
// directory; vrrpsim does the same but refuses anything that lands outside the
// root it was given (after resolving `..` and symlinks), so a scenario cannot
// make the simulator read arbitrary files of the host.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/config/parser.h"

namespace vsim {

class FsIncludeResolver : public vrrp::IncludeResolver {
 public:
  // REQUIRES: `root` names an existing directory (otherwise every Resolve()
  // fails with an error).
  explicit FsIncludeResolver(std::string root, std::size_t max_file_bytes = 4 * 1024 * 1024);

  // Matches are sorted by path. A directory, or a match that resolves (through
  // a symlink) outside the root, comes back as a File with `skipped` set (a
  // warning / a refusal per match); a pattern whose directory is outside the
  // root is refused as a whole through `error`.
  std::vector<File> Resolve(const std::string& including_file, const std::string& pattern,
                            std::string* error) override;

  const std::string& root() const { return root_; }
  // Every file read so far, in the order read (callers refuse to overwrite
  // an input with an output).
  const std::vector<std::string>& files_read() const { return files_read_; }
  std::size_t bytes_read() const { return bytes_read_; }

 private:
  std::string root_;  // canonical, no trailing slash
  std::size_t max_file_bytes_;
  std::vector<std::string> files_read_;
  std::size_t bytes_read_ = 0;
};

// Canonical absolute path (symlinks and `..` resolved); "" if it does not exist.
std::string CanonicalPath(const std::string& path);

// True if canonical `path` is `root` or inside it.
bool IsUnder(const std::string& path, const std::string& root);

struct LoadResult {
  vrrp::ParseResult parse;
  bool read_ok = false;            // false: the top file could not be read (see diagnostics)
  std::string text;                // the top file's contents as read (includes not expanded)
  std::vector<std::string> files;  // the files read: the top file, then its includes
  std::size_t bytes = 0;           // their total size
};

// Reads `path` (which must lie inside `root`; "" = the file's own directory)
// and parses it with includes resolved inside `root`.
LoadResult LoadConfigFile(const std::string& path, const std::string& root,
                          vrrp::ParseOptions options = {});

}  // namespace vsim
