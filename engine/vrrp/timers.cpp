#include "engine/vrrp/timers.h"

#include <cassert>

#include "engine/daemon.h"

namespace vrrp {

namespace {
constexpr Duration kCentisecond = 10 * kMillisecond;
}  // namespace

Duration SkewTime(int version, int priority, Duration master_adver_int) {
  assert(priority >= 1 && priority <= 255);
  assert(version == 2 || version == 3);
  const std::int64_t span = 256 - priority;
  if (version == 2) {
    // RFC 3768: independent of the interval.
    return (span * kSecond) / 256;
  }
  // keepalived factors (256 - p) * M_cs / 256 cs as * 625 / 16 µs to stay
  // within 32 bits; the truncation points matter, so keep the same ones.
  return (span * (master_adver_int / kCentisecond) * 625) / 16;
}

Duration MasterDownInterval(int version, int priority, Duration master_adver_int,
                            int down_timer_adverts) {
  return down_timer_adverts * master_adver_int + SkewTime(version, priority, master_adver_int);
}

int AdvertIntervalField(int version, Duration adver_int) {
  if (version == 2) return static_cast<int>(adver_int / kSecond);
  return static_cast<int>(adver_int / kCentisecond);
}

Duration AdvertIntervalFromField(int version, int field) {
  if (version == 2) return field * kSecond;
  return field * kCentisecond;
}

}  // namespace vrrp
