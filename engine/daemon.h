// One keepalived VRRP process on one host, sans-IO (after ngtcp2).
//
//   Daemon d(config, host);
//   d.Start(now, &out);                 // every call takes the current time
//   d.OnPacket(now, bytes, "eth0", &out);
//   d.OnTimer(now, &out);               // call at d.NextDeadline()
//   d.OnCheckResult(now, "chk_app", {.ok = false, .exit_status = 1}, &out);
//   d.OnLink(now, "eth0", false, &out);
//   d.Reload(now, new_config, &out);    // SIGHUP: keeps the state of kept instances
//   d.Stop(now, &out);                  // graceful (SIGTERM): priority-0 adverts
//
// Each call appends actions to `out` in keepalived's order. A crash (SIGKILL)
// is modelled by the driver simply discarding the Daemon: nothing is sent and
// VIPs stay where they are (R46).
//
// No I/O, no clock, no globals, no randomness.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/config/model.h"
#include "engine/ipv4.h"
#include "engine/packet/vrrp_packet.h"
#include "engine/state_key.h"
#include "engine/time.h"
#include "engine/vrrp/action.h"

namespace vrrp {

struct HostInterface {
  HostInterface() = default;
  // Drivers write {name, primary, up}; the constructor (rather than an
  // aggregate) lets link_local6 be added without touching each of them.
  HostInterface(std::string n, Ipv4 p, bool u = true, IpAddress ll6 = IpAddress())  // NOLINT
      : name(std::move(n)), primary(p), up(u), link_local6(ll6) {}

  std::string name;  // "eth0"
  Ipv4 primary;      // primary IPv4 address (advert source)
  bool up = true;
  // The interface's IPv6 link-local address: the source of an IPv6
  // instance's adverts unless unicast_src_ip / mcast_src_ip names one
  // (keepalived 2.2.7, tests/data/captures/ipv6). Zero: none, and an IPv6
  // instance without an explicit source then has no usable source (as an IPv4
  // one on an interface without an address).
  IpAddress link_local6;
};

struct HostIdentity {
  std::vector<HostInterface> interfaces;
};

struct DaemonOptions {
  // Emit LogLine actions (keepalived's wording). Off for speed in big runs.
  bool emit_logs = true;
  // keepalived's -D (detailed logging). It changes behaviour in one place in
  // 2.2.7: the v3 master_adver_int reset on becoming MASTER (R12).
  bool detailed_logging = false;
  // Emit TimerArmed actions. A driver that asks NextDeadline() after every
  // call (the simulator) has no use for them, and a backup re-arms on every
  // advert it receives.
  bool report_timers = true;
};

struct CheckResult {
  bool ok = true;
  int exit_status = 0;  // for the log line when !ok
  bool timed_out = false;
};

class Daemon {
 public:
  // REQUIRES: config was produced by ParseConfig with ok() == true.
  Daemon(Config config, HostIdentity host, DaemonOptions options = {});
  // Same, sharing a configuration that nobody changes any more (drivers
  // that start many daemons from one configuration, and their snapshots).
  Daemon(std::shared_ptr<const Config> config, HostIdentity host, DaemonOptions options = {});
  ~Daemon();
  Daemon(Daemon&&) noexcept;
  Daemon& operator=(Daemon&&) noexcept;
  // A copy is a snapshot: it goes on independently of the original, as
  // the original would from this moment (the simulator's prefix sharing).
  Daemon(const Daemon&);
  Daemon& operator=(const Daemon&);

  void Start(Time now, Actions* out);
  // Start with the instances' start-up work spread out as keepalived's
  // vrrp_init_state() does it, one instance after another: instance i
  // enters its first state (BACKUP / FAULT, with its notifications) at
  // now + instance_offsets[i] and stays INIT until then (ignoring packets,
  // R1). Sync groups are decided and notified at `now`, as keepalived does
  // before the loop. Every master-down timer (and every vrrp_script's first
  // run) counts from the end of the loop, the latest start, as keepalived's
  // vrrp_init_sands() runs after it. A Stop or Reload before then first
  // starts the remaining instances. All offsets 0 (or none) is Start(now, out).
  // REQUIRES: instance_offsets is empty or has instance_count() entries,
  // each >= 0 (a negative one counts as 0; a wrong count as none).
  void Start(Time now, std::span<const Duration> instance_offsets, Actions* out);
  // Graceful stop (SIGTERM, R45). After it the daemon is inert.
  void Stop(Time now, Actions* out);

  // Reload (SIGHUP) with a new configuration, keepalived 2.2.7 as measured
  // (docs/experiments.md, rules RL1-RL6). Instances are matched by
  // vrrp_instance name; one whose VRID, interface or unicast-ness changed
  // counts as removed and added. Kept instances keep their state silently
  // (a MASTER re-advertises, a BACKUP restarts its full master-down wait),
  // removed ones are shut down (MASTER: one priority-0 advert, VIPs removed,
  // FAULT Notify), added ones start as at daemon start. Tracker state
  // (script results, track_file values, links) carries over by name.
  // Before Start it only replaces the configuration; after Stop it does
  // nothing.
  //
  // Actions about kept and added instances use their index in the NEW
  // configuration; actions about an instance the reload removed use
  // instance_count() + its index in the PREVIOUS configuration.
  // REQUIRES: config was produced by ParseConfig with ok() == true.
  void Reload(Time now, Config config, Actions* out);
  void Reload(Time now, std::shared_ptr<const Config> config, Actions* out);

  // A datagram received on `ifname`. Decoded and validated inside (R13).
  void OnPacket(Time now, std::span<const std::uint8_t> datagram, std::string_view ifname,
                Actions* out);
  // Same, for a packet the driver already decoded (the simulator skips the bytes).
  void OnDecoded(Time now, const DecodedPacket& packet, std::string_view ifname, Actions* out);
  // Same, on the interface at `ifindex` in the HostIdentity the daemon was
  // built with: no interface names compared per packet.
  // REQUIRES: 0 <= ifindex < that identity's interface count.
  void OnDecoded(Time now, const DecodedPacket& packet, int ifindex, Actions* out);

  // REQUIRES: now >= the deadline that made the driver call (calling early is harmless).
  void OnTimer(Time now, Actions* out);
  void OnCheckResult(Time now, std::string_view script, CheckResult result, Actions* out);
  void OnLink(Time now, std::string_view ifname, bool up, Actions* out);
  void OnTrackFile(Time now, std::string_view name, std::int64_t value, Actions* out);

  // Earliest time at which OnTimer has work; kNever if none.
  Time NextDeadline() const;
  // Never later than NextDeadline(), and cheaper: it may be earlier while a
  // deadline that moved later since (a backup's master-down timer, pushed
  // back by an advert) has not been refiled. A driver with many daemons in
  // one queue can file each under this bound and ask NextDeadline() only
  // when it comes first (sim/core/deadline_heap.h). kNever means kNever.
  // `*exact`: it is NextDeadline() (always, for a daemon of a few instances).
  Time NextDeadlineBound(bool* exact) const;

  // Appends a canonical encoding of the daemon's run-time state, every time
  // relative to `now`: two encodings of this daemon taken between calls
  // (and with no Reload in between) are equal only if it will act the same
  // from either moment on, shifted in time. It leaves out what only
  // construction and Reload set (the configuration, the advert template)
  // and what nothing reads back (the IPv4 ID: no validation looks at it),
  // and writes past instants that no longer matter as 0 (a GARP pacing
  // time, the startup delay, a preempt delay that has run out), so that a
  // steady state repeats exactly. The simulator compares them to detect a
  // periodic steady state (sim/scenario/runner.cpp).
  void AppendState(Time now, StateKeyWriter* out) const { AppendState(now, out, 0); }

  // The scripts (bit s: the s-th vrrp_script, in configuration order; the
  // first 64) among `candidates` whose results can no longer change
  // anything: a result came back, none is outstanding, and the counter sits
  // at its end for the result they will keep giving (bit s of `succeeding`:
  // success). A driver that knows their results will not change may leave
  // them out of the state: their runs are then no-ops.
  std::uint64_t SettledScripts(std::uint64_t candidates, std::uint64_t succeeding) const;
  // AppendState without the `settled` scripts' timing (their next run), and
  // with the next deadline among everything else.
  void AppendState(Time now, StateKeyWriter* out, std::uint64_t settled) const;
  // The next deadline without the `settled` scripts' runs.
  Time NextDeadlineWithout(std::uint64_t settled) const;
  int script_count() const;
  const std::string& script_name(int s) const;
  // When the s-th vrrp_script runs next (kNever when the daemon is not
  // running); every run re-arms it `interval` after the moment it ran (R34).
  Time script_deadline(int s) const;

  // Moves every instant the daemon holds (deadlines, pacing times, its
  // start) `d` later: the daemon then acts from now + d as it would have
  // from now. With AppendState this lets a driver skip the repeats of a
  // periodic steady state.
  void ShiftTime(Duration d);

  // Introspection (for tests, observers and the CLI).
  const Config& config() const;
  int instance_count() const;
  int FindInstance(std::string_view name) const;  // -1 if absent
  State state(int instance) const;
  int effective_priority(int instance) const;
  bool vips_installed(int instance) const;
  Time instance_deadline(int instance) const;  // the instance's sands
  Duration master_adver_int(int instance) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Timer formulas (R7, R8), exposed for tests and tools.
// REQUIRES: 1 <= priority <= 255, version 2 or 3.
Duration SkewTime(int version, int priority, Duration master_adver_int);
Duration MasterDownInterval(int version, int priority, Duration master_adver_int,
                            int down_timer_adverts = 3);

}  // namespace vrrp
