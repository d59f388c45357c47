// Metrics of a run, computed from its trace events: who was MASTER / held
// the addresses of each VRID when, failover times after faults, VIP downtime,
// split brain, flaps, convergence after heals, final masters.
//
// RunTimeline answers "what was true at time t" (state after every event
// with time <= t has been applied, the same instant a Simulation::RunUntil(t)
// would stop at). A daemon that is not running (never started, stopped,
// crashed, powered off) is in state STOP; a crash or power-off has no
// keepalived notification, so the timeline synthesises the STOP.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/vrrp/action.h"
#include "sim/scenario/run_result.h"
#include "sim/world/simulation.h"
#include "sim/world/trace_event.h"

namespace vsim {

class RunTimeline {
 public:
  struct Snapshot {
    Time t = 0;
    std::vector<int> masters;  // hosts with an instance of the VRID in MASTER, sorted
    std::vector<int> holders;  // hosts holding an address of the VRID, sorted
    // Hosts that could hold the VRID's addresses: keepalived running with an
    // instance of the VRID in BACKUP or MASTER (not FAULT, INIT or STOP), sorted.
    std::vector<int> eligible;
  };
  struct Change {
    Time t = 0;
    vrrp::State from = vrrp::State::kStop;
    vrrp::State to = vrrp::State::kStop;
    vrrp::Reason reason = vrrp::Reason::kNone;
    std::string cause;  // "crash" / "power-off" for synthesised STOPs
  };

  // `hosts[h].vrids[i]` is the VRID of instance i of host h, hosts[h].family(i)
  // its family. Everything below called "vrid" is a group key
  // (sim/observe/vrrp_group.h): the VRID for IPv4, VRID + kIpv6GroupFlag for
  // IPv6, so that an IPv4 and an IPv6 instance of one VRID stay apart.
  RunTimeline(const std::vector<TraceEvent>& events, const std::vector<HostInfo>& hosts, Time end);

  Time end() const { return end_; }
  const std::vector<int>& vrids() const { return vrids_; }  // sorted
  // Change points of one VRID; the first snapshot is at t = 0 (nobody).
  const std::vector<Snapshot>& history(int vrid) const;
  const Snapshot& At(int vrid, Time t) const;
  // Just before t (state after every event with time < t).
  const Snapshot& Before(int vrid, Time t) const;

  const std::vector<Change>& changes(int host, int instance) const;
  vrrp::State StateAt(int host, int instance, Time t) const;
  int PriorityAt(int host, int instance, Time t) const;  // 0 if never reported
  // Hosts holding one address at t, sorted.
  std::vector<int> HoldersOf(const vrrp::IpAddress& addr, Time t) const;
  // Addresses ever added for the VRID, sorted.
  std::vector<vrrp::IpAddress> AddressesOf(int vrid) const;

 private:
  Time end_;
  std::vector<int> vrids_;
  std::map<int, std::vector<Snapshot>> by_vrid_;
  std::vector<std::vector<std::vector<Change>>> changes_;             // [host][instance]
  std::vector<std::vector<std::vector<std::pair<Time, int>>>> prio_;  // [host][instance]
  std::map<vrrp::IpAddress, std::vector<std::pair<Time, std::vector<int>>>> addr_holders_;
  std::map<int, std::set<vrrp::IpAddress>> vrid_addrs_;
};

// One operation of the timeline, as the metrics see it.
struct MetricOp {
  Time at = 0;
  OpKind kind = OpKind::kStart;
  int host = -1;
  std::string subject;  // the op's id, or "<kind> <host>@<time>"
  CheckMode check = CheckMode::kSucceed;
};

// True for operations after which a failover may be expected.
bool IsFaultOp(const MetricOp& op);
// True for operations after which convergence is measured (heal, unblock).
bool IsHealOp(const MetricOp& op);

struct FailoverResult {
  bool happened = false;
  Time at = 0;          // when the new master held the VIP
  int new_master = -1;  // host
  std::vector<int> old_masters;
};
// After `op_time`: the first time a host that was not MASTER just before the
// op is MASTER of `vrid` and holds one of its addresses (or is MASTER, if the
// VRID has no addresses), searching up to `until`.
FailoverResult FindFailover(const RunTimeline& tl, int vrid, Time op_time, Time until);

// Time with no holder of any address of `vrid` in [from, to).
Duration VipDowntime(const RunTimeline& tl, int vrid, Time from, Time to);
// First time any host held an address of the VRID, or nullopt.
std::optional<Time> FirstHeld(const RunTimeline& tl, int vrid);

// Earliest t in [from, until) from which every VRID has exactly one MASTER
// (or none, while no node could be MASTER of it: every keepalived with the
// VRID stopped or in FAULT) up to (not including) `until`; nullopt if there
// is none.
std::optional<Time> ConvergedFrom(const RunTimeline& tl, Time from, Time until);

// Two-or-more-MASTER intervals of one VRID (0 = all), from the timeline.
std::vector<std::pair<Time, Time>> MasterSplitIntervals(const RunTimeline& tl, int vrid);

// Number of MASTER entries of `host` (instances of the groups `groups` takes).
int MasterEntries(const RunTimeline& tl, const std::vector<HostInfo>& hosts, int host,
                  GroupFilter groups);

// Every metric of the run (see docs/scenario-format.md, "Metrics").
std::vector<Metric> ComputeMetrics(const RunTimeline& tl, const std::vector<HostInfo>& hosts,
                                   const std::vector<MetricOp>& ops,
                                   const std::vector<SplitBrainInterval>& split_brain);

}  // namespace vsim
