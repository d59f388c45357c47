// What one run of a scenario produced: the contract between the scenario
// runner (sim/scenario), the trace writers (sim/trace), the CLI and the GUI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/diagnostic.h"
#include "sim/observe/split_brain.h"
#include "sim/observe/vrrp_group.h"
#include "sim/world/trace_event.h"

namespace vsim {

// One number of the run's metrics, e.g. {"failover_time", "crash-1", 3648437}.
// Durations are microseconds; counts are plain numbers.
struct Metric {
  std::string name;     // failover_time, vip_downtime, split_brain_total, flaps, converge_time...
  std::string subject;  // the operation label, host name or VRID it is about ("" = whole run)
  std::int64_t value = 0;
  bool is_duration = true;
};

struct ExpectationResult {
  std::string description;  // the expectation as the user wrote it, in words
  bool passed = false;
  std::string evidence;  // why it passed or failed, with times
  vrrp::Location where;  // where it is in the scenario file
  // A failure's moment of no return: the run up to here already fails it,
  // whatever happens later (so later operations cannot have caused it).
  // -1: not known (the whole run).
  Time decided_at = -1;
};

struct HostInfo {
  std::string name;
  std::vector<std::string> instances;  // vrrp_instance names, config order
  std::vector<int> vrids;              // same order
  // Same order; an instance past its end is IPv4 (traces written before
  // IPv6, observed hosts without one).
  std::vector<vrrp::IpFamily> families = {};

  vrrp::IpFamily family(std::size_t i) const {
    return i < families.size() ? families[i] : vrrp::IpFamily::kV4;
  }
  // The group key of instance i (sim/observe/vrrp_group.h).
  int group(std::size_t i) const { return GroupKey(i < vrids.size() ? vrids[i] : 0, family(i)); }
};

// The group an event is about: its instance's; for an event without one (a
// VIP a restart removes as a leftover, a power-off), the host's instance of
// e.vrid when it has one family of it, else e.addr's family.
inline int EventGroup(const std::vector<HostInfo>& hosts, const TraceEvent& e) {
  if (e.host < 0 || e.host >= static_cast<int>(hosts.size())) return e.vrid;
  const HostInfo& h = hosts[static_cast<std::size_t>(e.host)];
  if (e.instance >= 0 && static_cast<std::size_t>(e.instance) < h.vrids.size() &&
      h.vrids[static_cast<std::size_t>(e.instance)] == e.vrid)
    return h.group(static_cast<std::size_t>(e.instance));
  bool v4 = false, v6 = false;
  for (std::size_t i = 0; i < h.vrids.size(); ++i)
    if (h.vrids[i] == e.vrid) (h.family(i) == vrrp::IpFamily::kV6 ? v6 : v4) = true;
  if (v4 != v6) return GroupKey(e.vrid, v6 ? vrrp::IpFamily::kV6 : vrrp::IpFamily::kV4);
  return GroupKey(e.vrid, v4 ? e.addr.family() : vrrp::IpFamily::kV4);
}

// Who hears whom among the nodes from `t` on (until the next sample):
// hears[a * n + b] is 1 if node a's frames reach node b (Simulation::Hears).
// Recorded when an expectation needs it (no_split_brain `while: connected`)
// or RunOptions::connectivity asks; only changes are recorded.
struct ConnectivitySample {
  Time t = 0;
  std::vector<std::uint8_t> hears;
};

struct RunResult {
  std::string scenario;  // scenario name
  std::string file;      // scenario file path
  std::string variant;   // matrix variant name, "" for the base run
  // Observed on the wire (`vrrpsim capture`/`watch`), not simulated: hosts
  // are the VRRP sources seen, MASTER means advertising (docs/trace-format.md).
  bool observed = false;
  std::uint64_t seed = 0;
  Time duration = 0;
  std::vector<HostInfo> hosts;
  std::vector<TraceEvent> events;  // time order
  std::vector<SplitBrainInterval> split_brain;
  std::vector<Metric> metrics;
  std::vector<ExpectationResult> expectations;
  std::vector<ConnectivitySample> connectivity;  // empty unless recorded
  std::uint64_t events_processed = 0;

  bool passed() const {
    for (const auto& e : expectations)
      if (!e.passed) return false;
    return true;
  }
};

}  // namespace vsim
