// Bounded-memory byte buffers and streamed outputs, for `vrrpsim run`: a
// trace can be many gigabytes, so it is written as it is produced instead of
// being built in memory first (docs/cli.md, "Streaming").
//
//   Spill events(dir);                    // memory up to a bound, then a file
//   events.Write(text);                   // as the run goes
//   StreamedFile trace;
//   trace.Open("t.json");                 // a temporary file beside t.json
//   trace.Write(head); events.CopyTo(trace); trace.Write(tail);
//   if (!trace.Commit(&error)) ...        // renamed into place
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace vsim {

// Somewhere bytes go, in order.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void Write(std::string_view data) = 0;
  // Writes `length` bytes of file `fd` from `offset` on, if this sink can do
  // so without them passing through memory (copy_file_range); false (nothing
  // written) otherwise.
  virtual bool CopyFromFile(int fd, std::uint64_t offset, std::uint64_t length) {
    (void)fd;
    (void)offset;
    (void)length;
    return false;
  }
};

// An std::ostream's bytes.
class OstreamSink : public ByteSink {
 public:
  explicit OstreamSink(std::ostream& out) : out_(out) {}
  void Write(std::string_view data) override {
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

 private:
  std::ostream& out_;
};

// Append-only bytes kept in memory up to `memory_limit`, and from then on in
// an anonymous temporary file in `dir` (unlinked as soon as it is created, so
// nothing is left behind whatever happens to the process). Read back in
// order with ForEach / CopyTo. A write error (disk full) is remembered:
// ok() turns false and error() says why; the bytes are then incomplete.
class Spill : public ByteSink {
 public:
  static constexpr std::size_t kDefaultMemoryLimit = 8u << 20;

  explicit Spill(std::string dir, std::size_t memory_limit = kDefaultMemoryLimit);
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;
  ~Spill() override;

  void Write(std::string_view data) override;
  std::uint64_t size() const { return file_size_ + memory_.size(); }
  bool spilled() const { return fd_ >= 0; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Calls `fn` with every byte written so far, in order, in chunks.
  // False (error() set) if the file could not be read back.
  bool ForEach(const std::function<void(std::string_view)>& fn);
  // ForEach into `out`; with `indent` > 0, `indent` spaces after every '\n'
  // (a trace run's events nested one level deeper: json_trace.h).
  bool CopyTo(ByteSink& out, int indent = 0);

 private:
  void SpillMemory();

  std::string dir_;
  std::size_t memory_limit_;
  std::string memory_;
  int fd_ = -1;
  std::uint64_t file_size_ = 0;
  std::string error_;
};

// An std::ostream writing into a ByteSink (the text report, the progress
// notice and diagnostics of a job, spilled while earlier jobs print).
class SinkStreambuf : public std::streambuf {
 public:
  explicit SinkStreambuf(ByteSink& sink) : sink_(sink) {}

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      const char ch = traits_type::to_char_type(c);
      sink_.Write(std::string_view(&ch, 1));
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    sink_.Write(std::string_view(s, static_cast<std::size_t>(n)));
    return n;
  }

 private:
  ByteSink& sink_;
};

// An output file written as it is produced, with the guarantees of
// WriteFileAtomically (file_io.h): a regular file (or a new one) is written
// to a temporary file beside it and renamed over it by Commit, so a reader
// never sees half a file and a failed run leaves the old one as it was; a
// device or named pipe (/dev/stdout, /dev/null, a pipe), which cannot be
// replaced, gets its bytes only at Commit, as WriteFileAtomically would
// have written them at that moment (they wait in a Spill meanwhile). Errors
// (the path is a directory, cannot create the temporary file, disk full)
// are kept until Commit reports them with WriteFileAtomically's words, so
// the command says so at the same point as when it wrote the whole file at
// the end. Destroyed without Commit: the temporary file is removed.
class StreamedFile : public ByteSink {
 public:
  StreamedFile();
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;
  ~StreamedFile() override;

  // `spill_dir`: where a device's bytes wait (a temporary directory).
  void Open(const std::string& path, const std::string& spill_dir);
  void Write(std::string_view data) override;
  bool CopyFromFile(int fd, std::uint64_t offset, std::uint64_t length) override;
  // Where temporary files beside the output go (its directory), or "" for
  // a device or pipe.
  const std::string& directory() const { return dir_; }
  bool Commit(std::string* error);

 private:
  void Fail(int err);
  std::string path_, target_, tmp_, dir_, error_;
  int fd_ = -1;
  unsigned mode_ = 0644;
  bool in_place_ = false;
  std::unique_ptr<Spill> pending_;  // in place: the bytes until Commit
  std::string buffer_;              // small writes gathered
};

// A directory for temporary files: $TMPDIR, else /tmp.
std::string TempDirectory();

}  // namespace vsim
