// A host timing profile: how late a real keepalived does what the rules say it
// does at an exact instant (issue 21).
//
// The rules (shared/docs/vrrp-semantics.md) give exact times: a daemon is
// BACKUP the instant it is started, a check's result is known `script_runtime`
// after its schedule, a MASTER's next advert is due exactly `advert_int` after
// the previous one fired (R9), a script's next run `interval` after the
// previous one ran (R34). A real keepalived 2.2.7 needs 10-45 ms (more under
// load) from exec to its first state and acts on every timer some µs to ms
// late, re-arming from that moment (so a MASTER's adverts and its scripts'
// runs drift by the sum of those delays, E20). The default profile is
// `ideal` (every delay 0: the rules' exact values, readable scenarios); a
// profile makes the simulator predict what a real daemon on a given machine
// does, drawing each delay from the host's own random stream.
//
//   Distribution d = Distribution::FromQuantiles({{0, 1000}, {500000, 12000}, {1000000, 45000}});
//   Duration late = d.Draw(rng);   // piecewise-linear inverse CDF
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/time.h"
#include "sim/core/rng.h"

namespace vsim {

using vrrp::Duration;

// A distribution of non-negative delays, given as points of its inverse
// cumulative distribution function: (quantile in millionths, value in µs),
// sorted by quantile from 0 to 1'000'000, values non-decreasing; a draw
// interpolates linearly between the two points around a uniform quantile.
// Integer arithmetic only: the same draws on every compiler and platform.
class Distribution {
 public:
  static constexpr std::int64_t kOne = 1'000'000;   // quantile 1
  using Point = std::pair<std::int64_t, Duration>;  // (quantile, value)

  Distribution() = default;  // always 0
  static Distribution Constant(Duration v);
  // REQUIRES: ValidPoints(points).
  static Distribution FromPoints(std::vector<Point> points);
  // An empirical distribution: the sorted samples at equally spaced quantiles.
  // REQUIRES: at least one sample, all >= 0.
  static Distribution FromSamples(std::vector<Duration> samples);
  // "" if `points` can define a distribution, else why not.
  static std::string CheckPoints(const std::vector<Point>& points);

  // Always 0: draws nothing.
  bool zero() const { return points_.empty(); }
  // The same value every time: draws nothing.
  bool constant() const { return points_.size() <= 1; }
  // One value; consumes one random number unless constant().
  Duration Draw(Rng& rng) const;
  // The value at quantile q (millionths, clamped to [0, kOne]).
  Duration Quantile(std::int64_t q) const;
  const std::vector<Point>& points() const { return points_; }
  bool operator==(const Distribution&) const = default;

 private:
  std::vector<Point> points_;  // empty: 0; one point: that constant
};

struct TimingProfile {
  // Where it came from, as written: "measured", a profile file's path, or ""
  // for an inline profile (the scenario writer writes it back).
  std::string source;
  std::string name;         // the profile's own name (a file's `name:`)
  std::string description;  // free text (a file's `description:`)
  // exec -> the first state (keepalived's startup: its timers are armed then).
  Distribution startup;
  // Starts requested in the same instant (several nodes' `start` at one
  // time) do not start independently: in the recordings the second daemon
  // reaches its first state a gap after the first (p50 12 ms), not at a time
  // of its own. With this set, a start in the same instant as another
  // profiled start is done at the previous one's done time plus a draw from
  // it (a queue, in operation order; the profile's gaps are the differences
  // of a group's sorted first-state times). 0: independent starts.
  Distribution startup_gap;
  // How late each timeline operation but a start takes effect after its
  // scenario time: the tool that applies it (record.sh: p50 8 ms) and the
  // daemon's reaction (a stop's: stop_delay, on top). Drawn from the operation's node's profile (an
  // operation on no node, a partition or heal: the first node that has one).
  Distribution operation_delay;
  // How long the daemon takes to act on a `stop` (SIGTERM to the parent, which
  // signals the VRRP child): the priority-0 adverts, the VIP removal and the
  // STOP notification come this much after the operation (after its
  // operation_delay); a restart's stop likewise. E21 (docs/experiments.md):
  // 2.2.7 needs 1-30 ms, more under load. Drawn from the stopped node's
  // stream, after its operation_delay.
  Distribution stop_delay;
  // How late each periodic vrrp_script run starts after its schedule; the
  // next run is due `interval` after that moment (R34, E20), so these delays
  // accumulate. The result comes `script_runtime` after the late start. The
  // first run at start-up (and a reload's) is not delayed.
  Distribution check_delay;
  // How late a MASTER's advert timer is acted on; the next advert is due
  // advert_int after that moment (R9), so these delays accumulate.
  Distribution advert_delay;
  // How late every other timer (master-down, preempt delay, GARP batches,
  // ...) is acted on.
  Distribution timer_wakeup;
  // keepalived starts a daemon's instances one after another (its
  // vrrp_init_state() loop: each instance's address clean-up and
  // notifications) and arms their timers after the loop: each instance in
  // configuration order enters its first state this much after the one
  // before (Daemon::Start's offsets). 0: all in one instant.
  Distribution instance_gap;

  bool ideal() const {
    return startup.zero() && startup_gap.zero() && operation_delay.zero() && stop_delay.zero() &&
           check_delay.zero() && advert_delay.zero() && timer_wakeup.zero() && instance_gap.zero();
  }
  // Delays some timer (advert, script run or other): Simulation draws per
  // deadline.
  bool delays_timers() const {
    return !advert_delay.zero() || !check_delay.zero() || !timer_wakeup.zero();
  }
  bool operator==(const TimingProfile&) const = default;
};

// The built-in `measured` profile: data/timing/measured.json, compiled in so
// a fresh clone has it (its text: MeasuredProfileText()). Parsed by
// sim/scenario (ReadTimingProfileText), which caches it.
const char* MeasuredProfileText();

}  // namespace vsim
