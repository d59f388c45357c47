// Helpers shared by the libFuzzer targets (tests/fuzz, docs/robustness.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vfuzz {

// An invariant the fuzzer checks. A violation aborts, which libFuzzer reports
// as a crash with the input that caused it.
[[noreturn]] inline void Fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "vrrpsim fuzz invariant violated: %s %s\n", what, detail.c_str());
  std::abort();
}

#define VFUZZ_CHECK(cond, detail)                             \
  do {                                                        \
    if (!(cond)) ::vfuzz::Fail("CHECK(" #cond ")", (detail)); \
  } while (false)

// Consumes the fuzz input byte by byte; reads past the end give zeros.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::size_t remaining() const { return pos_ < size_ ? size_ - pos_ : 0; }
  std::uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t U16() { return static_cast<std::uint16_t>(Byte() << 8 | Byte()); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(U16()) << 16 | U16(); }
  // Up to `max` bytes.
  std::string_view Bytes(std::size_t max) {
    const std::size_t n = max < remaining() ? max : remaining();
    std::string_view s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace vfuzz
