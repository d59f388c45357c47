// Random fault schedules for `vrrpsim explore`.
//
// A schedule is a short list of fault windows (ExploreSpec, FaultKind) over a
// scenario's cluster. Targets come from the configurations only (scripts the
// instances track, interfaces the nodes have, track_files, VRIDs), so every
// fault is one the cluster can actually suffer. Schedule i of a search
// depends only on (seed, i): GenerateSchedule draws from a random stream of
// its own, never from the simulation's, so the output of a search is the
// same for any number of threads or shards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.h"
#include "sim/scenario/explore_spec.h"

namespace vsim {

struct Scenario;

// One fault window. `length` unset: the window stays open to the end of the
// run; instants (restart, reload) have length 0.
struct Fault {
  FaultKind kind = FaultKind::kCrash;
  vrrp::Time at = 0;
  std::optional<vrrp::Duration> length;
  int node = -1;           // the node it hits (partition: the node cut off; block: the sender)
  int peer = -1;           // block: the node that stops hearing `node`
  std::string name;        // check: script; track_file: file; link/loss/jitter: interface
  std::int64_t value = 0;  // track_file: the value; loss: per mille; jitter: microseconds;
                           // foreign: the speaker's priority
  int vrid = 0;            // foreign: the VRID it speaks

  bool instant() const { return kind == FaultKind::kRestart || kind == FaultKind::kReload; }
  // When the window closes; nullopt if it stays open.
  std::optional<vrrp::Time> end() const {
    if (!length) return std::nullopt;
    return at + *length;
  }
  bool operator==(const Fault&) const = default;
};
using FaultSchedule = std::vector<Fault>;  // sorted by `at`

// What the faults of one scenario can hit, per node (index = node).
struct ExploreTargets {
  int nodes = 0;
  std::vector<std::vector<std::string>> scripts;      // vrrp_scripts the node's instances track
  std::vector<std::vector<std::string>> interfaces;   // the node's interfaces
  std::vector<std::vector<std::string>> track_files;  // track_file names the node's instances use
  std::vector<int> vrids;                             // every VRID, sorted
  // Whether a kind has any target at all (a check needs a script, a
  // partition two nodes...).
  bool Possible(FaultKind k) const;
};
ExploreTargets TargetsOf(const Scenario& scenario);

// The resolved limits of a search (ExploreSpec with defaults applied).
struct ScheduleLimits {
  vrrp::Duration duration = 0;  // run length
  vrrp::Time window_from = 0, window_to = 0;
  vrrp::Duration quiet = 0;
  int min_faults = 1, max_faults = 3;
  vrrp::Duration min_gap = 0, min_length = 0, max_length = 0;
  int open_percent = 0;
  std::array<int, kFaultKindCount> weights{};
};

// Schedule `index` of the search seeded with `seed`. Deterministic; an empty
// schedule if no kind with a weight above 0 has a target.
FaultSchedule GenerateSchedule(const ScheduleLimits& limits, const ExploreTargets& targets,
                               std::uint64_t seed, std::uint64_t index);

// The simulation seed of run `index` (link jitter and loss, wake-up jitter).
std::uint64_t RunSeed(std::uint64_t seed, std::uint64_t index);

// "crash node1 at 12.300s for 20s", "partition node2 away at 5s (never healed)".
std::string DescribeFault(const Fault& f, const std::vector<std::string>& node_names);

}  // namespace vsim
