#include "sim/io/fs_include_resolver.h"

#include <algorithm>
#include <filesystem>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sim/io/file_io.h"

namespace vsim {

using vrrp::IncludeResolver;
using vrrp::ParseConfig;
using vrrp::ParseOptions;
using vrrp::Severity;

namespace {

// Reads a configuration file: a regular file only (a FIFO would block, a
// device never end), capped before it is read.
bool ReadFile(const std::string& path, const std::string& shown, std::size_t limit,
              std::string* out, std::string* error) {
  std::string why;
  if (ReadRegularFile(path, limit, out, &why)) return true;
  *error = "Configuration file '" + shown + "' " +
           (why.rfind("is ", 0) == 0 ? why : "cannot be read: " + why) + " - skipping";
  return false;
}

// realpath() for the longest existing prefix, then the rest lexically
// ("a/missing/../b" -> "a/b"); empty if even "/" cannot be resolved.
std::string WeaklyCanonicalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::path(path), ec);
  if (ec) return "";
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string CanonicalPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

bool IsUnder(const std::string& path, const std::string& root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

FsIncludeResolver::FsIncludeResolver(std::string root, std::size_t max_file_bytes)
    : root_(CanonicalPath(root)), max_file_bytes_(max_file_bytes) {}

std::vector<IncludeResolver::File> FsIncludeResolver::Resolve(const std::string& including_file,
                                                              const std::string& pattern,
                                                              std::string* error) {
  std::vector<File> out;
  if (root_.empty()) {
    *error = "include root directory does not exist";
    return out;
  }
  std::string full = pattern;
  if (full.empty() || full[0] != '/') full = DirName(including_file) + "/" + pattern;

  // Refuse patterns whose fixed directory part already leaves the root; this
  // also catches "../../etc/*" before anything there is globbed. The directory
  // need not exist: whether "../../../etc" is refused must not depend on how
  // deep the checkout happens to sit.
  std::string fixed_dir = DirName(full.substr(0, full.find_first_of("*?[{")));
  std::string canon_dir = WeaklyCanonicalPath(fixed_dir);
  if (!canon_dir.empty() && !IsUnder(canon_dir, root_)) {
    *error = "include '" + pattern + "' is outside the configuration root " + root_ + " - refused";
    return out;
  }

  glob_t g{};
  int rc = glob(full.c_str(), GLOB_MARK | GLOB_BRACE, nullptr, &g);
  std::vector<std::string> paths;
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  std::sort(paths.begin(), paths.end());

  // A match as keepalived names it: relative to the including file's
  // directory when the pattern was (keepalived reads from there).
  const std::string prefix =
      pattern.empty() || pattern[0] != '/' ? DirName(including_file) + "/" : "";
  auto shown = [&prefix](const std::string& p) {
    return !prefix.empty() && p.compare(0, prefix.size(), prefix) == 0 ? p.substr(prefix.size())
                                                                       : p;
  };
  for (const std::string& p : paths) {
    if (!p.empty() && p.back() == '/') {
      // GLOB_MARK: a directory. keepalived -t says so and skips it (rc 0).
      File d;
      d.name = p;
      d.skipped = "Configuration file '" + shown(p) + "' is a directory - skipping";
      d.skipped_severity = Severity::kWarning;
      out.push_back(std::move(d));
      continue;
    }
    std::string canon = CanonicalPath(p);
    if (canon.empty()) continue;
    if (!IsUnder(canon, root_)) {
      // A symlink leading out of the tree: refused, the other matches stay.
      File r;
      r.name = p;
      r.skipped = "Configuration file '" + shown(p) + "' resolves outside the configuration root " +
                  root_ + " - refused";
      out.push_back(std::move(r));
      continue;
    }
    struct stat st {};
    if (stat(canon.c_str(), &st) != 0) continue;
    if (!S_ISREG(st.st_mode)) {
      // A named pipe, a device or a socket matched by the glob: keepalived
      // would block on it or read it forever; refused, the others are read.
      File r;
      r.name = p;
      r.skipped = "Configuration file '" + shown(p) + "' is " + DescribeFileType(canon) +
                  ", not a regular file - skipping";
      out.push_back(std::move(r));
      continue;
    }
    File f;
    f.name = p;
    std::string read_error;
    if (!ReadFile(canon, shown(p), max_file_bytes_, &f.content, &read_error)) {
      *error = read_error;
      return {};
    }
    files_read_.push_back(canon);
    bytes_read_ += f.content.size();
    out.push_back(std::move(f));
  }
  return out;
}

LoadResult LoadConfigFile(const std::string& path, const std::string& root, ParseOptions options) {
  LoadResult result;
  std::string use_root = root.empty() ? DirName(path) : root;
  FsIncludeResolver resolver(use_root, options.max_total_bytes);
  std::string canon = CanonicalPath(path);
  std::string error;
  std::string text;
  Severity severity = Severity::kFatal;
  if (canon.empty()) {
    const std::string kind = DescribeFileType(path);  // "a symbolic link loop", or ""
    error = kind.empty() ? "Unable to find configuration file " + path
                         : "Configuration file " + path + " is " + kind;
  } else if (resolver.root().empty() || !IsUnder(canon, resolver.root())) {
    error = "Configuration file " + path + " is outside the configuration root " + use_root;
  } else if (struct stat st{}; stat(canon.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    // keepalived globs the -f argument with GLOB_MARK, so the name it prints
    // ends in '/'; it skips the directory and has nothing to check (-t exits
    // 0). vrrpsim lint was asked to check a configuration and got none: an
    // error (exit 2), not a fatal one - keepalived carries on.
    error = "Configuration file '" + path + (path.back() == '/' ? "" : "/") +
            "' is a directory - skipping";
    severity = Severity::kError;
  } else {
    ReadFile(canon, path, options.max_total_bytes, &text, &error);
  }
  if (!error.empty()) {
    vrrp::Diagnostic d;  // built field by field: g++ 12 -O3 misreads the braced form
    d.severity = severity;
    d.where.file = path;
    d.message = error;
    result.parse.diagnostics.push_back(std::move(d));
    return result;
  }
  result.read_ok = true;
  options.resolver = &resolver;
  result.parse = ParseConfig(text, path, options);
  result.text = std::move(text);
  result.bytes = result.text.size() + resolver.bytes_read();
  result.files.push_back(path);
  result.files.insert(result.files.end(), resolver.files_read().begin(),
                      resolver.files_read().end());
  return result;
}

}  // namespace vsim
