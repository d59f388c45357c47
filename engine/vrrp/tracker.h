// Tracking arithmetic (R31-R35, R39): how a tracked object's status turns into
// a priority contribution or a fault, and the rise/fall counter of
// vrrp_script results. Pure functions and a small value type; the daemon owns
// the state and decides what a change means for each instance.
#pragma once

#include <cstdint>

namespace vrrp {

// Contribution of a weighted binary tracker (script, interface) (R31).
// `good` = script OK / interface up. Weight 0 contributes nothing (it is a
// fault trigger instead, R32).
int BinaryContribution(int weight, bool reverse, bool good);

// A weight-0 binary tracker is a fault source while it is failed/down, or
// (with reverse) while it is OK/up (R32).
bool BinaryFault(bool reverse, bool good);

// Contribution of a weighted track_file: value * weight * m clamped to
// [-254, 253] (R39). A clamped value of -254 is a fault, see TrackFileFault.
int TrackFileContribution(int weight, bool reverse, std::int64_t value);

// Whether a track_file entry faults the instance (R39): with weight 0 a
// non-zero value (reverse: a zero value); otherwise a contribution <= -254.
bool TrackFileFault(int weight, bool reverse, std::int64_t value);

// The vrrp_script result counter of R34. `r` lives in [0, rise + fall - 1];
// the script is OK iff r >= rise. Initially r = rise - 1 and not yet
// reported, so the first result decides the initial status.
class ScriptCounter {
 public:
  // REQUIRES: rise >= 1, fall >= 1.
  ScriptCounter(int rise, int fall) : rise_(rise), fall_(fall), r_(rise - 1) {}

  // Feeds one result. Returns true when the script's reported status changed
  // (including its first result, which always "changes" from unknown).
  bool Apply(bool success);

  bool reported() const { return reported_; }
  bool ok() const { return ok_; }
  int counter() const { return r_; }

 private:
  int rise_;
  int fall_;
  int r_;
  bool reported_ = false;
  bool ok_ = false;
};

}  // namespace vrrp
