// Reading and writing whole files the safe way (docs/robustness.md, "Hostile
// files and paths"): a reader refuses what is not a regular file (a FIFO would
// block, a device never ends) and caps what it reads before reading it; a
// writer writes a temporary file beside the target and renames it over, so a
// reader never sees half a file and a failed write leaves the old file as it
// was; and an output is never one of the inputs or another output.
#pragma once

#include <cstddef>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vsim {

// Reads the regular file `path` into `*out`. False + `*error` otherwise:
// "no such file", "permission denied", "is a symbolic link loop",
// "is a directory, not a regular file", "is a named pipe, not a regular
// file", "is a character device, ...", "is a block device, ...", "is a
// socket, ...", "is larger than N bytes". The type is checked before the open
// (opening a device can have effects) and again on the open descriptor, which
// is opened with O_NONBLOCK so that a FIFO swapped in between cannot block.
// The size cap is checked before anything is read.
bool ReadRegularFile(const std::string& path, std::size_t max_bytes, std::string* out,
                     std::string* error);

// What `path` is, for a message: "a regular file", "a directory", "a named
// pipe", "a character device", "a block device", "a socket", "a symbolic link
// loop", or "" when it does not exist (or cannot be looked at).
std::string DescribeFileType(const std::string& path);

// The words the readers and writers use for a file's type ("a directory",
// "a named pipe", ...), so that every message about one reads the same.
std::string FileKindName(mode_t mode);
// The directory part of `path` ("." for a bare name) and its last component.
std::string DirName(const std::string& path);
std::string BaseName(const std::string& path);

// Writes `content` to `path`.
// - A new or existing regular file is written atomically: a temporary file in
//   the same directory, fsync, rename over `path` (an existing file keeps its
//   permission bits; a symbolic link is followed, so the file it names is
//   replaced and the link stays).
// - A character device or named pipe (/dev/null, /dev/stdout, a pipe to
//   another program), or any path under /dev or /proc, cannot be replaced: it
//   is written directly. A pipe without a reader is an error, not a hang.
// - A directory, socket or block device is refused.
// False + `*error` (naming the path) if it could not write.
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* error);

// True if `a` and `b` name the same existing file (same device and inode).
bool SameFile(const std::string& a, const std::string& b);

// True if `a` and `b` are the same file: the same device and inode when both
// exist; otherwise the same path once made absolute and normalised, with the
// symbolic links of its existing part resolved ("out/../t.json", "./t.json"
// and "t.json" are one file even before it exists).
bool SamePath(const std::string& a, const std::string& b);

// A file a command reads or writes, with what the command calls it
// ("--trace", "scenario", "config_file").
struct NamedPath {
  std::string role;
  std::string path;
  bool directory = false;  // an output directory (explore --out DIR), not a file
};

// Refuses (false + `*error`) an output that is one of the inputs, or the same
// file as another output, or an existing directory where a file is wanted. `*error` names both
// roles and paths, e.g. "--trace S.yaml is the scenario S.yaml: refusing to
// overwrite an input". Outputs "-" (standard output) are not files.
bool CheckOutputPaths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs,
                      std::string* error);

}  // namespace vsim
