// Virtual time for the engine: integer microseconds.
//
// keepalived keeps every timer in microseconds and does its skew and
// master-down arithmetic with truncating integer division, so the engine does
// the same to reproduce its numbers bit-exactly (semantics doc, section 0).
#pragma once

#include <cstdint>
#include <limits>

namespace vrrp {

// A point in time, microseconds since an epoch chosen by the driver.
using Time = std::int64_t;
// A length of time in microseconds.
using Duration = std::int64_t;

inline constexpr Time kNever = std::numeric_limits<Time>::max();

inline constexpr Duration kMicrosecond = 1;
inline constexpr Duration kMillisecond = 1000;
inline constexpr Duration kSecond = 1000 * kMillisecond;

constexpr Duration Seconds(std::int64_t s) { return s * kSecond; }
constexpr Duration Millis(std::int64_t ms) { return ms * kMillisecond; }

}  // namespace vrrp
