#include "sim/core/time_text.h"

#include <cstdint>
#include <cstdio>

namespace vsim {

std::string FormatTime(vrrp::Time t) {
  if (t == vrrp::kNever) return "-";
  const bool neg = t < 0;
  // -(t + 1) + 1 avoids overflow for the most negative value.
  std::uint64_t a = neg ? static_cast<std::uint64_t>(-(t + 1)) + 1 : static_cast<std::uint64_t>(t);
  // "[-]S.UUUUUUs", digits written from the end: snprintf was 1.5 k
  // instructions a call, and traces, labels and reports format every time.
  char buf[32];
  char* p = buf + sizeof buf;
  *--p = 's';
  for (int i = 0; i < 6; ++i) {
    *--p = static_cast<char>('0' + a % 10);
    a /= 10;
  }
  *--p = '.';
  do {
    *--p = static_cast<char>('0' + a % 10);
    a /= 10;
  } while (a != 0);
  if (neg) *--p = '-';
  return std::string(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

}  // namespace vsim
