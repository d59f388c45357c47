#include "engine/vrrp/tracker.h"

#include <algorithm>

namespace vrrp {

int BinaryContribution(int weight, bool reverse, bool good) {
  const int m = reverse ? -1 : 1;
  if (weight > 0) return good ? weight * m : 0;
  if (weight < 0) return good ? 0 : weight * m;
  return 0;
}

bool BinaryFault(bool reverse, bool good) { return reverse ? good : !good; }

int TrackFileContribution(int weight, bool reverse, std::int64_t value) {
  const std::int64_t m = reverse ? -1 : 1;
  // Clamp the value first so the product cannot overflow; any |value| past
  // 254 saturates anyway because |weight| >= 1.
  const std::int64_t v = std::clamp<std::int64_t>(value, -100000, 100000);
  return static_cast<int>(std::clamp<std::int64_t>(v * weight * m, -254, 253));
}

bool TrackFileFault(int weight, bool reverse, std::int64_t value) {
  if (weight == 0) return reverse ? value == 0 : value != 0;
  return TrackFileContribution(weight, reverse, value) <= -254;
}

bool ScriptCounter::Apply(bool success) {
  const bool first = !reported_;
  const bool was_ok = ok_;
  reported_ = true;
  if (success) {
    if (r_ < rise_ - 1) {
      ++r_;
    } else {
      ok_ = true;
      r_ = rise_ + fall_ - 1;
    }
  } else {
    if (r_ > rise_) {
      --r_;
    } else {
      ok_ = false;
      r_ = 0;
    }
  }
  return first || was_ok != ok_;
}

}  // namespace vrrp
