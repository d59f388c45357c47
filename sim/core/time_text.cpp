#include "sim/core/time_text.h"

#include <cstdint>
#include <cstdio>

namespace vsim {

std::string FormatTime(vrrp::Time t) {
  if (t == vrrp::kNever) return "-";
  const bool neg = t < 0;
  // -(t + 1) + 1 avoids overflow for the most negative value.
  const std::uint64_t a =
      neg ? static_cast<std::uint64_t>(-(t + 1)) + 1 : static_cast<std::uint64_t>(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%06llus", neg ? "-" : "",
                static_cast<unsigned long long>(a / 1000000),
                static_cast<unsigned long long>(a % 1000000));
  return buf;
}

}  // namespace vsim
