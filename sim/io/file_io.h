// Reading and writing whole files the safe way (DEVELOPERS principle 6):
// a reader refuses what is not a regular file (a FIFO would block, a device
// never ends) and caps what it reads before reading it; a writer writes a
// temporary file beside the target and renames it over, so a reader never
// sees half a file and a failed write leaves the old file as it was.
#pragma once

#include <cstddef>
#include <string>

namespace vsim {

// Reads the regular file `path` into `*out`. False + `*error` ("is a
// directory", "is a named pipe", "is larger than N bytes", "no such file")
// otherwise. Opens with O_NONBLOCK so a FIFO cannot block the open itself.
bool ReadRegularFile(const std::string& path, std::size_t max_bytes, std::string* out,
                     std::string* error);

// Writes `content` to `path` atomically (temporary file in the same
// directory, fsync, rename). False + `*error` if it could not.
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* error);

// True if `a` and `b` name the same existing file (same device and inode).
bool SameFile(const std::string& a, const std::string& b);

}  // namespace vsim
